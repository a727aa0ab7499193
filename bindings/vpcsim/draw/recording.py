"""Recording a run for pictures: every interface captured, and the tables sampled as time goes on.

A ladder needs every frame on every link, and a table timeline needs the tables at every moment
they change; a plain ``net.run()`` leaves only per-interface pcaps (of what the scenario chose to
capture) and the tables as they are at the end. :func:`record` attaches a capture to every
interface (into a temporary directory unless given one) and :meth:`Recording.run` steps the
simulation event time by event time, reading the ARP caches, MAC tables and NAT translations after
each step and keeping only what changed::

    net = vpcsim.Network(seed=1)
    ...                                # nodes, links, applications
    rec = vpcsim.draw.record(net)      # before running
    rec.run()                          # instead of net.run()
    vpcsim.draw.ladder(rec)

Stepping does not change what happens (the simulation stops between events with nothing scheduled
from outside), so the pcaps are byte-identical to an unrecorded run's. A scenario's ``Run`` (from
``Scenario.build``) is recorded the same way; ``rec.run()`` then finishes it with ``Run.execute``, so
its results and explain answers are there too.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from vpcsim import _core

__all__ = ["Recording", "TableChange", "record"]

# Past this many samples a recording stops stepping and runs the rest in one go (a picture of a run
# that large shows its shape, not each change). Each sample reads every node's tables, so a network
# of many nodes gets fewer samples: at most TABLE_READS node-reads in all.
MAX_SAMPLES = 20_000
TABLE_READS = 4_000_000
# With an end time, the tables are also sampled on a grid this fine, so a timer's change (reachable
# -> stale) shows near when it happens even when no packet moves.
GRID_POINTS = 400


@dataclass(frozen=True)
class TableChange:
    """An entry of a table that appeared, changed or went away at ``time_ns``.

    ``table`` is ``arp`` (key: the neighbour's IP; value: its state and MAC), ``mac`` (key: the
    MAC; value: the port) or ``nat`` (key: the flow as first seen; value: its reply tuple and
    state). ``value`` is None when the entry went away."""

    time_ns: int
    node: str
    table: str
    key: str
    value: Optional[Dict[str, Any]]


def _snapshot(node: Any) -> Dict[Tuple[str, str], Dict[str, Any]]:
    out: Dict[Tuple[str, str], Dict[str, Any]] = {}
    if isinstance(node, _core.Switch):
        for m in node.mac_table():
            out[("mac", str(m.mac))] = {"port": m.port}
        return out
    if not isinstance(node, _core.IpNode):
        return out
    for e in node.arp_table():
        out[("arp", str(e.ip))] = {"state": e.state, "mac": str(e.mac), "interface": e.interface}
    if isinstance(node, _core.NatRouter):
        for t in node.translations():
            o, r = t.original, t.reply
            key = f"{t.protocol} {o.src}:{o.src_port} > {o.dst}:{o.dst_port}"
            out[("nat", key)] = {
                "state": t.state,
                "reply": f"{r.src}:{r.src_port} > {r.dst}:{r.dst_port}",
                "snat": t.source_translated,
                "dnat": t.destination_translated,
            }
    return out


@dataclass
class Recording:
    """A network (or a scenario run) being recorded. Build it with :func:`record`."""

    network: Any
    directory: Path
    run_of: Any = None  # the scenario Run, when recording one
    cloud: Any = None
    changes: List[TableChange] = field(default_factory=list)
    samples: int = 0
    truncated: bool = False  # True when the sample budget ran out and the rest ran unsampled
    _captures: List[Any] = field(default_factory=list)
    _last: Dict[str, Dict[Tuple[str, str], Dict[str, Any]]] = field(default_factory=dict)
    _tmp: Any = None

    @property
    def pcaps(self) -> Dict[str, Path]:
        """The pcap of each interface ("node.iface" -> path), in the network's order."""
        return {c.endpoint: Path(c.capture.path) for c in self._captures}

    @property
    def results(self) -> Dict[str, Any]:
        """The scenario's results.json dict (empty when recording a plain Network)."""
        return dict(self.run_of.results) if self.run_of is not None else {}

    def sample(self) -> None:
        """Reads every table now and keeps what changed since the last sample."""
        now = self.network.now_ns
        self.samples += 1
        for node in self.network.nodes:
            current = _snapshot(node)
            before = self._last.get(node.name, {})
            if current == before:
                continue
            for key, value in current.items():
                if before.get(key) != value:
                    self.changes.append(TableChange(now, node.name, key[0], key[1], value))
            for key in before:
                if key not in current:
                    self.changes.append(TableChange(now, node.name, key[0], key[1], None))
            self._last[node.name] = current

    def run(self, until: Union[str, int, None] = None) -> "Recording":
        """Runs to `until` ('4s' or ns; a scenario's own `until` by default) or until no event is
        left, sampling the tables at every event time (and on a grid when there is an end time)."""
        net = self.network
        started = time.monotonic()
        end = _core.parse_duration(until) if isinstance(until, str) else until
        if end is None and self.run_of is not None:
            end = self.run_of.scenario.until
        grid = max(end // GRID_POINTS, 1) if end else None
        next_grid = grid
        self.sample()
        budget = min(MAX_SAMPLES, max(20, TABLE_READS // max(len(net.nodes), 1)))
        while net.pending_events and self.samples < budget:
            target = net.next_event_ns
            if next_grid is not None and next_grid < target:
                target, next_grid = next_grid, next_grid + grid  # type: ignore[operator]
            if end is not None and target > end:
                break
            net.run(until=target)
            self.sample()
        if net.pending_events and self.samples >= budget:
            self.truncated = True
        if self.run_of is not None:
            self.run_of.execute(end)  # the rest (if any), the explain probes, results
            self.run_of.wall_seconds = time.monotonic() - started  # the whole run, stepping included
        elif end is not None:
            net.run(until=end)
        elif net.pending_events:
            net.run()
        self.sample()
        self.flush()
        return self

    def flush(self) -> None:
        """Pushes what the captures hold to their files (done by run(); needed only when the
        network was run some other way)."""
        for c in self._captures:
            c.capture.flush()

    def close(self) -> None:
        """Closes the captures and removes the temporary directory (if record() made one)."""
        self._captures = []
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


@dataclass
class _Capture:
    endpoint: str
    capture: Any


def record(target: Any, directory: Union[str, "os.PathLike[str]", None] = None) -> Recording:
    """Starts recording `target` — a :class:`vpcsim.Network`, or a scenario ``Run`` that has not
    run yet (``scenario.load(path).build()``) — before it runs: every interface is captured to
    ``DIRECTORY/<node>-<iface>.pcap`` (a temporary directory by default, removed by ``close()``)."""
    run_of = None
    cloud = None
    network = target
    if not isinstance(target, _core.Network):
        if not hasattr(target, "network") or not hasattr(target, "execute"):
            raise TypeError(f"draw.record() takes a Network or a scenario Run, got {type(target).__name__}")
        run_of, network, cloud = target, target.network, getattr(target, "cloud", None)
        if run_of.results:
            raise ValueError("draw.record() needs a Run that has not run yet: use scenario.load(path).build()")
    tmp = None
    if directory is None:
        tmp = tempfile.TemporaryDirectory(prefix="vpcsim-draw-")
        directory = tmp.name
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    rec = Recording(network=network, directory=path, run_of=run_of, cloud=cloud, _tmp=tmp)
    for node in network.nodes:
        for iface in node.interfaces:
            if not iface.is_connected:
                continue
            file = path / f"{node.name}-{iface.name}.pcap"
            rec._captures.append(_Capture(iface.full_name, _core.capture(network, iface.full_name, str(file))))
    return rec
