#!/usr/bin/env python3
"""DNS: what a lookup costs, and that names cost nothing to packets that are not DNS.

  lookups    --lookups lookups from one host to a DNS server on its LAN (a zone of --records A
             records), one every 100 us of simulated time, each the name of a record: the wall time
             of net.run() per lookup (two frames on the wire each, a query and its answer, plus the
             parse and the zone lookup).
  ping       --pings pings to an address, then the same pings to a name the hosts table resolves
             (no query on the wire): the per-packet cost must be the same, since no per-hop code
             knows about names (the difference is the one lookup).

Each time is the median of --runs runs (default 3); wall time from time.perf_counter. Exits 1 if a
lookup did not find its address or a ping went unanswered, so a fast wrong run does not pass.

    python benchmarks/python/bench_dns.py                 10,000 lookups, 10,000 pings, 3 runs
    python benchmarks/python/bench_dns.py --lookups 100 --pings 100 --runs 1 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any, Dict, List

import vpcsim


def lan(records: int) -> Any:
    net = vpcsim.Network(seed=1)
    net.add_switch("sw")
    for name, ip in (("app", "10.0.1.10/24"), ("ns", "10.0.1.53/24"), ("db", "10.0.1.20/24")):
        net.add_host(name).add_interface("eth0", ip)
        net.connect(f"{name}.eth0", "sw")
    lines = [f"h{i} A 10.{1 + i // 65536}.{(i // 256) % 256}.{i % 256}" for i in range(records)]
    net.node("ns").add_dns_server(zones={"example.internal": lines + ["db A 10.0.1.20"]})
    net.node("app").set_resolver(nameservers=["10.0.1.53"], search=["example.internal"], hosts={"db.local": "10.0.1.20"})
    return net


def bench_lookups(count: int, records: int) -> float:
    net = lan(records)
    app = net.node("app")
    lookups = [app.lookup(f"h{i % records}", start=i * 100_000) for i in range(count)]
    t0 = time.perf_counter()
    net.run()
    spent = time.perf_counter() - t0
    if any(lookup.outcome != "reply" for lookup in lookups):
        sys.exit("a lookup did not find its name")
    return spent


def bench_ping(count: int, by_name: bool) -> float:
    net = lan(1)
    ping = net.node("app").ping("db.local" if by_name else "10.0.1.20", count=count, interval="100us")
    t0 = time.perf_counter()
    net.run()
    spent = time.perf_counter() - t0
    answered = (ping.app if by_name else ping).received
    if answered != count:
        sys.exit(f"{count - answered} pings unanswered")
    return spent


def median(times: List[float]) -> Dict[str, float]:
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=1_000)
    parser.add_argument("--pings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    lookups = median([bench_lookups(args.lookups, args.records) for _ in range(args.runs)])
    rows.append({"case": "lookups", "n": args.lookups, **lookups, "us_each": lookups["median_s"] / args.lookups * 1e6})
    for by_name in (False, True):
        t = median([bench_ping(args.pings, by_name) for _ in range(args.runs)])
        rows.append({"case": "ping by name" if by_name else "ping by address", "n": args.pings, **t,
                     "us_each": t["median_s"] / args.pings * 1e6})
    if args.json:
        print(json.dumps(rows))
        return
    for r in rows:
        print(f"{r['case']:16} n={r['n']:>6}  {r['median_s']:.3f} s (min {r['min_s']:.3f}, max {r['max_s']:.3f})"
              f"  {r['us_each']:.2f} us each")


if __name__ == "__main__":
    main()
