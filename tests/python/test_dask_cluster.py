"""Sweeps and reachability matrices on a real dask.distributed cluster: a scheduler and two workers,
each its own process on localhost (`python -m distributed.cli.dask_scheduler` / `dask_worker`, as
an HPC or Kubernetes deployment starts them), one of them killed mid-sweep; and the local cluster
the CLI starts by itself. Every table must equal the one computed in this process, row for row
(but the wall-time column)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from conftest import REPO_ROOT, unavailable

from vpcsim import cli, reach

PPV = REPO_ROOT / "scenarios" / "public_private_vpc.yaml"
# Each variant pings for the scenario's 12 s at 1 kHz: long enough (a second or so) that a worker
# is killed while it holds a variant.
SLOW_GRID = {"seeds": [1, 2, 3, 4, 5, 6], "set": {"traffic[2].count": [6000], "traffic[2].interval": ["2ms"]}}


@pytest.fixture(scope="module")
def distributed() -> Any:
    try:
        import distributed as module
        import pandas  # noqa: F401
    except ImportError:
        unavailable("dask.distributed and pandas are not installed (pip install dask distributed pandas)")
    return module


def _env() -> dict:  # type: ignore[type-arg]
    # The workers import vpcsim from the same place as this process.
    import vpcsim

    bindings = str(Path(vpcsim.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [bindings, os.environ.get("PYTHONPATH")]))}


class Cluster:
    """A scheduler and workers as separate processes; `client` connected to the scheduler."""

    def __init__(self, distributed: Any, directory: Path) -> None:
        self.file = directory / "scheduler.json"
        self.directory = directory
        self.processes: List[subprocess.Popen] = []  # type: ignore[type-arg]
        self.scheduler = self._start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                                     "--no-dashboard", "--scheduler-file", str(self.file))
        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.workers = [self._worker(f"w{i}") for i in range(2)]
        self.client = distributed.Client(scheduler_file=str(self.file), timeout="60s")
        self.client.wait_for_workers(2, timeout=120)

    def _start(self, module: str, *args: str) -> subprocess.Popen:  # type: ignore[type-arg]
        log = open(self.directory / f"{module.rsplit('.', 1)[-1]}-{len(self.processes)}.log", "w")
        p = subprocess.Popen([sys.executable, "-m", module, *args], env=_env(), stdout=log, stderr=subprocess.STDOUT,
                             cwd=self.directory)
        self.processes.append(p)
        return p

    def _worker(self, name: str) -> subprocess.Popen:  # type: ignore[type-arg]
        # No nanny: a killed worker stays dead, as a lost machine does.
        return self._start("distributed.cli.dask_worker", "--scheduler-file", str(self.file), "--nthreads", "1",
                           "--no-nanny", "--name", name, "--memory-limit", "1GiB")

    def close(self) -> None:
        self.client.close()
        for p in reversed(self.processes):
            if p.poll() is None:
                p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture(scope="module")
def cluster(distributed: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(distributed, tmp_path_factory.mktemp("dask"))
    try:
        yield c
    finally:
        c.close()


def test_reach_on_the_cluster_equals_in_process(cluster: Cluster) -> None:
    ports = "22,80,5432/tcp,icmp"
    here = reach.reachability(str(PPV), ports=ports, workers=0)
    there = reach.reachability(str(PPV), ports=ports, client=cluster.client, block_size=8)
    assert there.equals(here)
    # Both workers answered blocks (3 sources x 8 probes each: 3 blocks).
    assert len(cluster.client.scheduler_info()["workers"]) == 2


def test_sweep_survives_a_killed_worker(cluster: Cluster) -> None:
    import vpcsim

    expected = vpcsim.sweep(str(PPV), SLOW_GRID, workers=0).drop(columns="wall_s")
    result: dict = {}  # type: ignore[type-arg]

    def run() -> None:
        try:
            result["table"] = vpcsim.sweep(str(PPV), SLOW_GRID, client=cluster.client)
        except BaseException as error:  # pragma: no cover - reported below
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    victim = cluster.workers[0]
    victim_address = None
    deadline = time.monotonic() + 120
    while victim_address is None and time.monotonic() < deadline:  # until w0 holds a variant
        info = cluster.client.scheduler_info()["workers"]
        processing = cluster.client.processing()
        for address, worker in info.items():
            if worker.get("name") == "w0" and processing.get(address):
                victim_address = address
        time.sleep(0.05)
    assert victim_address is not None, "w0 never got a variant"
    os.kill(victim.pid, signal.SIGKILL)
    thread.join(timeout=300)
    assert not thread.is_alive(), "the sweep did not finish after a worker was killed"
    assert "error" not in result, result.get("error")
    assert victim.wait(timeout=10) == -signal.SIGKILL
    assert victim_address not in cluster.client.scheduler_info()["workers"]
    table = result["table"].drop(columns="wall_s")
    assert table.equals(expected)


def test_cli_starts_its_own_local_cluster(distributed: Any, tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text("seeds: [1, 2, 3]\n")
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["sweep", str(PPV), "--grid", str(grid), "--workers", "2", "--out", str(tmp_path)],
                      stdout=out, stderr=err)
    assert status == 0, err.getvalue()
    assert out.getvalue().startswith("3 variants, 33 rows; 0 invalid, 0 with an unmet expectation\n")
    import pandas

    import vpcsim

    local = pandas.read_parquet(tmp_path / "sweep.parquet").drop(columns="wall_s")
    here = vpcsim.sweep(str(PPV), str(grid), workers=0).drop(columns="wall_s")
    assert json.loads(local.to_json()) == json.loads(here.to_json())


def test_benchmark_runs_at_a_tiny_size(distributed: Any) -> None:
    script = REPO_ROOT / "benchmarks" / "python" / "bench_reach.py"
    done = subprocess.run([sys.executable, str(script), "--instances", "20", "--subnets", "4", "--sources", "2",
                           "--variants", "2", "--tasks", "10", "--workers", "0", "1", "--json"],
                          capture_output=True, text=True, env=_env(), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["what"], r.get("workers")) for r in rows] == [
        ("block_build", None), ("reach", 0), ("sweep", 0), ("reach", 1), ("sweep", 1), ("task_overhead", None)]
    # 2 sources x 21 other endpoints (19 instances, the bastion, 2 internet hosts; not itself) x 3 ports
    assert {r["pairs"] for r in rows if r["what"] == "reach"} == {2 * 21 * 3}
    assert rows[-1]["block_pairs_for_5pct"] > 0
