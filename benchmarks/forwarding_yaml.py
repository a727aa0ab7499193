#!/usr/bin/env python3
"""bench_forwarding's workload as a scenario file, for timing `vpcsim run` as a user runs it.

Two LANs of N hosts (10.1.0.0/16 and 10.2.0.0/16), a learning switch each (`sa`, `sb`), router `r1`
between them (10.1.0.1 and 10.2.0.1, every host's gateway), default links (1 Gb/s, 10 us). Host
a<i> sends M datagrams of 64 bytes of UDP payload to b<i> port 9, where a receive-only listener
counts them; no reply, so every a<i>'s outcome is `timeout` and every b<i>'s `received` is M.
Datagrams repeat every interval = 3 * N * (1,040 + 672 ns), the serialisation of a data frame and
of an ARP frame at 1 Gb/s, as in bench_forwarding; each flow starts at a time drawn uniformly in
[0, interval) from Python's `random.Random(seed)` (bench_forwarding draws from the simulator's
seed, so the times differ; the work does not). Nothing is captured.

    benchmarks/forwarding_yaml.py --hosts 1000 --datagrams 200 > fwd.yaml

Standard library only.
"""

from __future__ import annotations

import argparse
import random
import sys

PAYLOAD = "v" * 64
PORT = 9
PER_FLOW_NS = 1_040 + 672  # a 106-byte data frame and a 60-byte ARP frame on the wire at 1 Gb/s


def interval_ns(hosts: int) -> int:
    return 3 * hosts * PER_FLOW_NS


def address(lan: int, index: int) -> str:
    offset = index + 2  # .0.1 is the router
    return f"10.{lan}.{offset >> 8}.{offset & 255}"


def scenario(hosts: int, datagrams: int, seed: int = 1) -> str:
    """The scenario file's text."""
    if hosts < 1 or hosts > 65_000 or datagrams < 1:
        raise ValueError("hosts must be 1..65000 and datagrams at least 1")
    interval = interval_ns(hosts)
    starts = random.Random(seed)
    nodes = [
        "  r1: {kind: router, interfaces: {eth0: 10.1.0.1/16, eth1: 10.2.0.1/16}}",
        "  sa: {kind: switch}",
        "  sb: {kind: switch}",
    ]
    links = ["  - [r1.eth0, sa]", "  - [r1.eth1, sb]"]
    traffic = []
    for i in range(hosts):
        nodes.append(f"  b{i}: {{kind: host, interfaces: {{eth0: {address(2, i)}/16}}, gateway: 10.2.0.1}}")
        nodes.append(f"  a{i}: {{kind: host, interfaces: {{eth0: {address(1, i)}/16}}, gateway: 10.1.0.1}}")
        links.append(f"  - [b{i}.eth0, sb]")
        links.append(f"  - [a{i}.eth0, sa]")
        traffic.append(f"  - {{on: b{i}, listen: {{udp: {PORT}}}}}")
        traffic.append(
            f"  - {{at: {starts.randrange(interval)}ns, from: a{i}, "
            f"udp: {{to: b{i}:{PORT}, data: {PAYLOAD}, count: {datagrams}, interval: {interval}ns}}}}"
        )
    head = [
        f"name: forwarding-{hosts}x{datagrams}",
        f"description: bench_forwarding as a scenario, {hosts} hosts per LAN, {datagrams} datagrams each",
        f"seed: {seed}",
        "nodes:",
    ]
    return "\n".join([*head, *nodes, "links:", *links, "traffic:", *traffic]) + "\n"


def delivered(results: dict) -> int:
    """Datagrams the b hosts' listeners received, from a results.json of this scenario."""
    return sum(item["received"] for item in results["traffic"] if item["kind"] == "listen")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hosts", type=int, default=100, metavar="N", help="hosts per LAN (default 100)")
    p.add_argument("--datagrams", type=int, default=100, metavar="M", help="datagrams per sending host (default 100)")
    p.add_argument("--seed", type=int, default=1, help="scenario seed and start-time draws (default 1)")
    args = p.parse_args()
    try:
        sys.stdout.write(scenario(args.hosts, args.datagrams, args.seed))
    except ValueError as error:
        p.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
