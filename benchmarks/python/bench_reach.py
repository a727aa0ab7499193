"""Reachability matrices and sweeps on Dask: pairs per second, per-task overhead, variants per second.

    PYTHONPATH=$PWD/bindings python3 benchmarks/python/bench_reach.py --instances 1000 --subnets 20 \
        --ports 443 --sources 100 --workers 0 1 2 --json

Wall time depends on how busy the machine is, so each line also gives the CPU seconds the work took
(this process's, or the workers' together) and the load average when it started. For each worker count (0: in this process, no Dask; N: a LocalCluster of N one-thread processes,
started before the clock): the reachability matrix of a generated estate (reach_estate.py) from
the first --sources instances to every endpoint on --ports, and a sweep of --variants seeds of
scenarios/public_private_vpc.yaml. Also, once: the network build a block pays (load + run of the
estate), and the scheduler's overhead per task (a batch of empty tasks through a 2-worker cluster),
from which the block size that keeps the overhead under 5% follows. One line per measurement.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reach_estate import estate  # noqa: E402

from vpcsim import reach, sweeps  # noqa: E402
from vpcsim.distribute import local_workers  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def _print(record: Dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(record), flush=True)
    else:
        print(" ".join(f"{k}={v}" for k, v in record.items()), flush=True)


def _empty(_: int) -> int:
    return 0


def _warm() -> None:
    """What a worker imports on its first task (vpcsim, the scenario loader, the extension)."""
    from vpcsim import reach as _reach, sweeps as _sweeps  # noqa: F401


def _cpu() -> float:
    return time.process_time()


def _cpu_seconds(client: Any) -> float:
    """CPU seconds used so far by this process, or by the cluster's workers together."""
    if client is None:
        return time.process_time()
    return float(sum(client.run(_cpu).values()))


def _load() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def _client(workers: int) -> Any:
    import logging

    import distributed

    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    client.run(_warm)  # started and warm before the clock, as a long-lived cluster is
    return cluster, client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("--subnets", type=int, default=20)
    parser.add_argument("--ports", default="22,80,443/tcp")
    parser.add_argument("--sources", type=int, default=50, help="the first N instances are the sources")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--variants", type=int, default=40, help="seeds in the sweep")
    parser.add_argument("--tasks", type=int, default=400, help="empty tasks for the overhead")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="vpcsim-bench-reach-"))
    file = directory / "estate.yaml"
    file.write_text(estate(args.instances, args.subnets))
    text = file.read_text()
    ports = reach.parse_ports(args.ports)
    sources = ",".join(e.name for e in reach.endpoints(__import__("vpcsim").scenario.load(file))[: args.sources])
    common = {"machine_cores": local_workers(), "instances": args.instances, "subnets": args.subnets}

    import pandas  # noqa: F401  (imported before any clock: a second of a small run otherwise)

    # What a block pays before its first pair: the estate loaded, built and run.
    reach.answer_block(reach.Block(text, str(file), None, None, [], [], ports))  # warm
    started = time.process_time()
    reach.answer_block(reach.Block(text, str(file), None, None, [], [], ports))
    build_s = time.process_time() - started
    _print({**common, "what": "block_build", "cpu_seconds": round(build_s, 4)}, args.json)

    per_pair_s = None
    for workers in args.workers:
        cluster = client = None
        if workers > 0:
            cluster, client = _client(workers)
        try:
            cpu = _cpu_seconds(client)
            load = _load()
            started = time.perf_counter()
            table = reach.reachability(str(file), sources, "all", ports, client=client, workers=workers or 0)
            wall = time.perf_counter() - started
            cpu = _cpu_seconds(client) - cpu
            pairs = len(table)
            if workers == 0:
                per_pair_s = (cpu - build_s) / pairs
            # CPU seconds are what the pairs cost; wall seconds also say how busy the machine was
            # (the load average, sampled at the start).
            _print({**common, "what": "reach", "workers": workers, "pairs": pairs, "seconds": round(wall, 3),
                    "pairs_per_s": round(pairs / wall), "cpu_seconds": round(cpu, 3),
                    "pairs_per_cpu_s": round(pairs / cpu), "load_avg": load}, args.json)
            grid = {"seeds": list(range(1, args.variants + 1))}
            started = time.perf_counter()
            swept = sweeps.sweep(str(REPO / "scenarios" / "public_private_vpc.yaml"), grid, client=client,
                                 workers=workers or 0)
            wall = time.perf_counter() - started
            _print({**common, "what": "sweep", "workers": workers, "variants": args.variants, "rows": len(swept),
                    "seconds": round(wall, 3), "variants_per_s": round(args.variants / wall, 2)}, args.json)
        finally:
            if client is not None:
                client.close()
                cluster.close()

    # The scheduler's cost per task: empty tasks through a 2-worker cluster.
    cluster, client = _client(2)
    try:
        client.gather(client.map(_empty, range(20)))  # warm
        started = time.perf_counter()
        cpu = time.process_time() + _cpu_seconds(client)  # the scheduler runs in this process
        client.gather(client.map(_empty, range(1000, 1000 + args.tasks)))
        per_task = (time.perf_counter() - started) / args.tasks
        per_task_cpu = (time.process_time() + _cpu_seconds(client) - cpu) / args.tasks
    finally:
        client.close()
        cluster.close()
    record: Dict[str, Any] = {**common, "what": "task_overhead", "tasks": args.tasks, "seconds_per_task": round(per_task, 6),
                              "cpu_seconds_per_task": round(per_task_cpu, 6)}
    if per_pair_s:
        record["pair_seconds"] = round(per_pair_s, 7)
        record["pairs_per_s_per_core"] = round(1 / per_pair_s)
        # Overhead below 5% of a block's time: task cost + build <= 0.05 * pairs * per-pair cost.
        record["block_pairs_for_5pct"] = int((per_task + build_s) / (0.05 * per_pair_s)) + 1
    _print(record, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
