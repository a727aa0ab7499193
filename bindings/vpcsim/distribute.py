"""Where sweeps and reachability matrices run: in this process, or on a Dask cluster.

``run_tasks(fn, items, client=..., workers=...)`` is ``[fn(item) for item in items]``, in the items'
order whatever finished first, with a progress bar:

- ``workers=0`` (and no client): in this process, one item after the other; no Dask is imported.
  The reference the distributed runs are tested against.
- ``client``: a ``distributed.Client``, or the address of a running scheduler (``tcp://host:8786``,
  a Kubernetes or dask-jobqueue cluster's): its workers run the items. They need vpcsim installed.
- neither: a ``distributed.LocalCluster`` of ``workers`` processes (default: one per core), one
  thread each (the simulator is single-threaded; processes sidestep the GIL), closed afterwards.

Each item is one Dask task. A task whose worker dies is rerun elsewhere by the scheduler (Dask's
``allowed-failures``, 3 by default), so the list is complete; `fn` must therefore be a pure
function of its item (it is: a variant or a block of pairs answered from a fresh network).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
from typing import IO, Any, Callable, Iterator, List, Optional, Sequence, TypeVar

from vpcsim import progress as progress_mod

__all__ = ["Runner", "local_workers", "run_tasks", "runner"]

T = TypeVar("T")
R = TypeVar("R")


def local_workers() -> int:
    """How many processes a local cluster gets by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def _client(client: Any, workers: Optional[int]) -> Iterator[Any]:
    """A distributed.Client: the one given, one connected to an address, or one of a new LocalCluster."""
    if client is not None and not isinstance(client, str):
        yield client  # the caller's: not ours to close
        return
    try:
        import distributed  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        from vpcsim.errors import ConfigError

        raise ConfigError("running on Dask needs dask.distributed (pip install dask distributed); "
                          "workers=0 runs in this process") from None
    if isinstance(client, str):
        try:
            connected = distributed.Client(client, timeout="30s")  # type: ignore[no-untyped-call, unused-ignore]
        except (OSError, ValueError) as error:  # refused, timed out, not an address
            from vpcsim.errors import ConfigError

            raise ConfigError(f"scheduler {client}: {error}") from None
        with connected:
            yield connected
        return
    n = local_workers() if workers is None else workers
    # Every port chosen by the system (the dashboard's too: 8787 may be another cluster's on a
    # shared machine); the workers' own logs quiet unless something is wrong.
    cluster = distributed.LocalCluster(  # type: ignore[no-untyped-call, unused-ignore]
        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
    with cluster, distributed.Client(cluster) as local:  # type: ignore[no-untyped-call, unused-ignore]
        yield local


def _keys(prefix: str, items: Sequence[Any]) -> List[str]:
    """One task key per item, the same for the same item: a rerun of a task is the same task."""
    keys = []
    for index, item in enumerate(items):
        digest = hashlib.sha1(pickle.dumps(item, protocol=4)).hexdigest()[:16]
        keys.append(f"{prefix}-{index}-{digest}")
    return keys


class Runner:
    """Runs lists of tasks in this process (`client` None) or on a Dask client; `workers` is how
    many processes answer them (1 in this process), for sizing blocks."""

    def __init__(self, client: Any, workers: int) -> None:
        self.client = client
        self.workers = workers

    def map(self, fn: Callable[[T], R], items: Sequence[T], *, progress: Optional[IO[str]] = None,
            label: str = "tasks") -> List[R]:
        """``[fn(item) for item in items]`` in the items' order. With `progress`, a bar on that
        stream (drawn after a second) counts the items done."""
        bar = progress_mod.Bar(progress) if progress is not None else None
        total = len(items)
        try:
            if self.client is None:
                results: List[R] = []
                for item in items:
                    results.append(fn(item))
                    if bar is not None:
                        bar.update(len(results), total, f"{len(results)}/{total} {label}")
                return results
            import distributed  # type: ignore[import-not-found, unused-ignore]

            futures = self.client.map(fn, items, key=_keys(f"vpcsim-{label.replace(' ', '-')}", items))
            index = {f.key: i for i, f in enumerate(futures)}
            gathered: List[Any] = [None] * total
            done = 0
            for future in distributed.as_completed(futures):  # type: ignore[no-untyped-call, unused-ignore]
                gathered[index[future.key]] = future.result()
                done += 1
                if bar is not None:
                    bar.update(done, total, f"{done}/{total} {label}")
            return gathered
        finally:
            if bar is not None:
                bar.finish()


@contextlib.contextmanager
def runner(client: Any = None, workers: Optional[int] = None) -> Iterator[Runner]:
    """A Runner: this process (workers=0, no client), the given client or address, or a new
    LocalCluster of `workers` processes (default: one per core), closed on leaving."""
    if workers is not None and workers < 0:
        raise ValueError(f"workers: {workers} is not a number of processes (0: in this process)")
    if client is None and workers == 0:
        yield Runner(None, 1)
        return
    with _client(client, workers) as dask:
        count = len(dask.scheduler_info().get("workers", {})) or 1
        yield Runner(dask, count)


def run_tasks(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    client: Any = None,
    workers: Optional[int] = None,
    progress: Optional[IO[str]] = None,
    label: str = "tasks",
) -> List[R]:
    """``[fn(item) for item in items]``, in this process (workers=0) or on Dask (see the module)."""
    with runner(client, workers) as run:
        return run.map(fn, items, progress=progress, label=label)
