#!/usr/bin/env python3
"""Startup: how long a large topology takes to be ready, from Python and from a YAML scenario.

    LAN A 10.1.0.0/16                                      LAN B 10.2.0.0/16
    a0 ─┐                                                  ┌─ b0
    ... ├── sa (switch) ── r1.eth0  r1  r1.eth1 ── sb (switch) ─┤ ...
    aN-1┘   10.1.0.1                        10.2.0.1       └─ bN-1

The topology of bench_forwarding: two LANs of N hosts (default 10,000, so 20,000 hosts), each host
with one interface, a default gateway and its own link to its LAN's learning switch, the two
switches joined by router r1. No traffic: this measures building, not running. The network is
built two ways, each timed separately:

  python   vpcsim.Network: add_router / add_switch / add_host, add_interface, set_default_gateway,
           connect("a0.eth0", "sa") per host (docs/python-api.md);
  yaml     a scenario file with the same nodes and links (docs/scenario-format.md), generated into a
           temporary directory (not timed), then, in the phases of vpcsim.scenario.load:
             parse     YAML text -> mappings that remember every line (scenario._parse_yaml)
             validate  every field checked (scenario._Validator)
             build     Scenario.build(): the Network, its nodes, interfaces, routes and links
           `ready_s` = parse + validate + build, and `load_s` is one call of the public
           vpcsim.scenario.load(path) (reading the file included), which does the same;
           `first_build_s` is the Scenario.build() that `vpcsim run` does next (near 0 when the
           network load() built is reused).

After the last run of each way, host a0 pings b<N-1> across the router (not timed): the program
exits 1 unless the reply comes back, so a fast build that is wrong does not pass. Each figure is
the median of --runs runs (default 5), with min and max; wall time from time.perf_counter.

    python benchmarks/python/bench_startup.py                 N = 10,000 per LAN, 5 runs
    python benchmarks/python/bench_startup.py --hosts 10 --runs 1 --json

Standard library and vpcsim only.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List

import vpcsim
from vpcsim import scenario

PREFIX_LEN = 16
MAX_HOSTS = 65000  # addresses .0.2 up to below .255.255


def address(lan: int, i: int) -> str:
    offset = i + 2
    return f"10.{lan}.{offset >> 8}.{offset & 255}"


def build_python(hosts: int, seed: int) -> Any:
    """The topology through the Python API; returns the Network."""
    net = vpcsim.Network(seed=seed)
    r1 = net.add_router("r1")
    net.add_switch("sa")
    net.add_switch("sb")
    r1.add_interface("eth0", f"10.1.0.1/{PREFIX_LEN}")
    r1.add_interface("eth1", f"10.2.0.1/{PREFIX_LEN}")
    net.connect("r1.eth0", "sa")
    net.connect("r1.eth1", "sb")
    for i in range(hosts):
        for lan, prefix, switch in ((1, "a", "sa"), (2, "b", "sb")):
            name = f"{prefix}{i}"
            host = net.add_host(name)
            host.add_interface("eth0", f"{address(lan, i)}/{PREFIX_LEN}")
            host.set_default_gateway(f"10.{lan}.0.1")
            net.connect(f"{name}.eth0", switch)
    return net


def scenario_text(hosts: int, seed: int) -> str:
    """The same topology as a scenario file: nodes in the same order, one link per host."""
    lines = [
        f"name: startup-{2 * hosts}-hosts",
        f"seed: {seed}",
        "nodes:",
        "  r1:",
        "    kind: router",
        "    interfaces:",
        f"      eth0: {{ip: 10.1.0.1/{PREFIX_LEN}}}",
        f"      eth1: {{ip: 10.2.0.1/{PREFIX_LEN}}}",
        "  sa: {kind: switch}",
        "  sb: {kind: switch}",
    ]
    links = ["links:", "  - [r1.eth0, sa]", "  - [r1.eth1, sb]"]
    for i in range(hosts):
        for lan, prefix, switch in ((1, "a", "sa"), (2, "b", "sb")):
            name = f"{prefix}{i}"
            lines.append(
                f"  {name}: {{kind: host, interfaces: {{eth0: {{ip: {address(lan, i)}/{PREFIX_LEN}}}}}, gateway: 10.{lan}.0.1}}"
            )
            links.append(f"  - [{name}.eth0, {switch}]")
    return "\n".join(lines + links) + "\n"


def check_network(net: Any, hosts: int, how: str) -> None:
    """a0 pings b<N-1> through r1; raises SystemExit(1) unless the reply comes back."""
    expected_nodes = 2 * hosts + 3
    if len(net.nodes) != expected_nodes or len(net.links) != 2 * hosts + 2:
        sys.exit(f"bench_startup: FAILED ({how}): {len(net.nodes)} nodes and {len(net.links)} links, "
                 f"expected {expected_nodes} and {2 * hosts + 2}")
    net.trace.record_packets = False
    ping = net.node("a0").ping(address(2, hosts - 1))
    net.run(until="1s")
    if ping.outcome != "reply":
        sys.exit(f"bench_startup: FAILED ({how}): a0 -> b{hosts - 1}: {ping!r}")


def timed(fn: Callable[[], Any]) -> "tuple[float, Any]":
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def stats(samples: List[float]) -> Dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def measure_python(hosts: int, seed: int, runs: int) -> Dict[str, Any]:
    builds: List[float] = []
    net = None
    for _ in range(runs):
        net = None
        gc.collect()
        seconds, net = timed(lambda: build_python(hosts, seed))
        builds.append(seconds)
    check_network(net, hosts, "python")
    return {"path": "python", "build": stats(builds)}


def measure_yaml(hosts: int, seed: int, runs: int) -> Dict[str, Any]:
    phases: Dict[str, List[float]] = {"parse": [], "validate": [], "build": [], "ready": [], "load": [], "first_build": []}
    # The phases run as load() runs them: with the garbage collector paused where load() pauses it.
    paused = getattr(scenario, "_gc_paused", contextlib.nullcontext)
    with tempfile.TemporaryDirectory(prefix="bench_startup-") as tmp:
        path = os.path.join(tmp, "startup.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(scenario_text(hosts, seed))
        size = os.path.getsize(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for _ in range(runs):
            gc.collect()
            with paused():
                parse_s, data = timed(lambda: scenario._parse_yaml(text, path))
                validate_s, sc = timed(lambda: scenario._Validator(data, path).validate())
                build_s, _ = timed(lambda: sc.build())
            phases["parse"].append(parse_s)
            phases["validate"].append(validate_s)
            phases["build"].append(build_s)
            phases["ready"].append(parse_s + validate_s + build_s)
            del data, sc, _
        built = None
        for _ in range(runs):
            built = None
            gc.collect()
            load_s, built = timed(lambda: scenario.load(path))
            phases["load"].append(load_s)
            first_build_s, run = timed(lambda: built.build())
            phases["first_build"].append(first_build_s)
        assert built is not None
        check_network(run.network, hosts, "yaml")
    result: Dict[str, Any] = {"path": "yaml", "file_mib": size / (1024 * 1024)}
    result.update({name: stats(samples) for name, samples in phases.items()})
    return result


def print_result(result: Dict[str, Any], hosts: int, runs: int, as_json: bool) -> None:
    fields: Dict[str, Any] = {"path": result["path"], "hosts_per_lan": hosts, "hosts": 2 * hosts, "runs": runs}
    if "file_mib" in result:
        fields["file_mib"] = round(result["file_mib"], 3)
    for name, value in result.items():
        if isinstance(value, dict):
            fields[f"{name}_s"] = round(value["median"], 6)
            fields[f"{name}_min_s"] = round(value["min"], 6)
            fields[f"{name}_max_s"] = round(value["max"], 6)
    ready = result["build"] if result["path"] == "python" else result["ready"]
    fields["hosts_per_s"] = round(2 * hosts / ready["median"]) if ready["median"] > 0 else 0
    if as_json:
        print(json.dumps({"benchmark": "startup", **fields}))
    else:
        print(" ".join(f"{key}={value}" for key, value in fields.items()))
    sys.stdout.flush()


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, action="append", metavar="N",
                        help=f"hosts per LAN (repeatable; default 10000; at most {MAX_HOSTS})")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure, reported as median, min, max (default 5)")
    parser.add_argument("--path", choices=("python", "yaml", "both"), default="both", help="which way to build (default both)")
    parser.add_argument("--seed", type=int, default=1, help="simulation seed (default 1)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line instead of key=value lines")
    args = parser.parse_args(argv)
    sizes = args.hosts or [10000]
    for n in sizes:
        if not 1 <= n <= MAX_HOSTS:
            parser.error(f"--hosts expects a count from 1 to {MAX_HOSTS}, not {n}")
    if args.runs < 1:
        parser.error("--runs expects at least 1")
    if not args.json:
        print(f"# bench_startup: 2 LANs x N hosts, 2 switches, 1 router; built from Python and from YAML; "
              f"median of {args.runs} run(s); vpcsim {vpcsim.__version__}, Python {sys.version.split()[0]}")
    for n in sizes:
        if args.path in ("python", "both"):
            print_result(measure_python(n, args.seed, args.runs), n, args.runs, args.json)
        if args.path in ("yaml", "both"):
            print_result(measure_yaml(n, args.seed, args.runs), n, args.runs, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
