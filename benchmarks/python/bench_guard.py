#!/usr/bin/env python3
"""What the thread guard (bindings/thread_guard.h, issue 20) costs a binding call.

Every call on an object of a Network passes through the guard: one relaxed atomic load while no
network runs anywhere (`idle`), and a walk of the keep-alive chain up to the network while some
network runs in another thread (`busy elsewhere`). This times three calls, each --calls times, in
both situations:

  host.ip_counters     a property of a node (chain: Host -> Network)
  subnet.name          a property of a cloud object (chain: Subnet -> Vpc -> Cloud -> Network)
  net.now_ns           a property of the network itself

`busy elsewhere` runs a second, unrelated network in a thread for the whole measurement, in slices
of 100 ms of simulated time (each run releases the GIL, so the calls measured here go on meanwhile;
they are not refused: their network is not the busy one). CPU time per call of the measuring thread
(time.thread_time) over the calls, median of --runs.
The guard is per call, never per event: it adds nothing to a run's events (see bench_forwarding).

    python benchmarks/python/bench_guard.py                 1,000,000 calls, 3 runs
    python benchmarks/python/bench_guard.py --calls 1e5 --runs 1 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from typing import Callable, Dict, List

import vpcsim


def build() -> Dict[str, Callable[[], object]]:
    net = vpcsim.Network()
    host = net.add_host("h1")
    host.add_interface("eth0", "10.0.0.1/24")
    subnet = vpcsim.Cloud(net).add_vpc("v", "10.1.0.0/16").add_subnet("s", "10.1.1.0/24")
    return {
        "host.ip_counters": lambda: host.ip_counters,
        "subnet.name": lambda: subnet.name,
        "net.now_ns": lambda: net.now_ns,
    }


def per_call_ns(call: Callable[[], object], calls: int) -> float:
    started = time.thread_time()
    for _ in range(calls):
        call()
    return (time.thread_time() - started) / calls * 1e9


def busy_network() -> vpcsim.Network:
    net = vpcsim.Network(trace="drops")
    a, b = net.add_host("a"), net.add_host("b")
    a.add_interface("eth0", "10.9.0.1/24")
    b.add_interface("eth0", "10.9.0.2/24")
    net.connect("a.eth0", "b.eth0")
    a.ping("10.9.0.2", count=100_000_000, interval="1ms")
    return net


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=float, default=1e6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    calls = int(args.calls)
    results: Dict[str, Dict[str, float]] = {}
    for situation in ("idle", "busy elsewhere"):
        stop = threading.Event()
        thread = None
        if situation == "busy elsewhere":
            other = busy_network()

            def keep_running() -> None:
                while not stop.is_set():
                    other.run_for("100ms")

            thread = threading.Thread(target=keep_running)
            thread.start()
        for name, call in build().items():
            runs: List[float] = [per_call_ns(call, calls) for _ in range(args.runs)]
            results[f"{name} ({situation})"] = {
                "ns_per_call": statistics.median(runs), "min": min(runs), "max": max(runs)}
        stop.set()
        if thread is not None:
            thread.join()
    if args.json:
        print(json.dumps({"benchmark": "guard", "calls": calls, "results": results}))
        return
    for name, r in results.items():
        print(f"{name:36} {r['ns_per_call']:8.1f} ns per call ({r['min']:.1f}-{r['max']:.1f})")


if __name__ == "__main__":
    main()
