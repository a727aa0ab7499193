"""A validated scenario file (Scenario), ready to build and run any number of times."""

from __future__ import annotations

import os
from vpcsim.scenario.record import field, record
from typing import Any, Dict, List, Optional, Tuple, Union

from vpcsim import _core
from vpcsim.errors import ConfigError
from vpcsim.scenario import out_dir
from vpcsim.scenario.build import _Builder
from vpcsim.scenario.cloud_specs import CloudSpec
from vpcsim.scenario.location import _At
from vpcsim.scenario.results import ProgressFn, Run
from vpcsim.scenario.specs import LinkSpec, NodeSpec, TrafficSpec


# What trace.jsonl holds (docs/scenario-format.md, "trace.jsonl"): every event, what explains the
# outcomes (drops, ARP outcomes, ICMP errors, translations: the default), or no file at all.
TRACE_LEVELS = ("all", "drops", "none")
# How results.json shows per-node tables: in full, as counts, or `auto`: in full up to 100 nodes
# (results.TABLES_AUTO_MAX_NODES), as counts above (a run of 2,000 hosts has 2,000 ARP tables that
# nobody reads one by one).
TABLES_LEVELS = ("auto", "all", "summary")


def _level(what: str, value: Optional[str], choices: Tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    if value not in choices:
        raise ConfigError(f"{what}: '{value}' is not a {what} level ({', '.join(choices)})")
    return value


@record
class Scenario:
    """A validated scenario file, ready to run any number of times (each run builds a new Network)."""

    name: str
    description: str
    seed: int
    until: Optional[int]  # ns, or None: until no event is left
    nodes: Dict[str, NodeSpec]
    links: List[LinkSpec]
    traffic: List[TrafficSpec]
    capture: List[str]  # "node.iface" endpoints, in order
    file: str
    capture_at: Dict[str, _At] = field(default_factory=dict)
    cloud: CloudSpec = field(default_factory=CloudSpec)
    # Captures of nodes the cloud makes, whose interfaces are known once it is built: the items
    # ("node" or "node.iface") with where they are, and whether `capture: all` takes them all.
    capture_cloud: List[Tuple[str, _At]] = field(default_factory=list)
    capture_all: bool = False
    # `trace: drops` (the default) keeps drops and notable events only, no per-packet sent/forwarded/
    # received: a run of a million hops would otherwise write hundreds of megabytes nobody asked for.
    trace: str = "drops"
    tables: str = "auto"
    # The network load() built to check the file, never run: the first build() with the same seed
    # (and nothing to capture) returns it instead of building the same network again.
    _validated: Optional["Run"] = field(default=None, repr=False, compare=False)

    @property
    def trace_packets(self) -> bool:
        """Whether runs keep per-packet events (``trace: all``)."""
        return self.trace == "all"

    # -- building --------------------------------------------------------------------------------

    def build(self, seed: Optional[int] = None, out: Union[str, "os.PathLike[str]", None] = None) -> "Run":
        """Builds the network and schedules the traffic, without running. With `out`, captures go to
        OUT/<node>-<interface>.pcap. Simulator errors are raised as ScenarioError at their field."""
        seed = self.seed if seed is None else seed
        validated, self._validated = self._validated, None
        if validated is not None and validated.seed == seed and (out is None or not validated.captured):
            return validated
        return _Builder(self, seed, out).build()

    def run(
        self,
        out: Union[str, "os.PathLike[str]", None] = None,
        *,
        seed: Optional[int] = None,
        until: Union[str, int, None] = None,
        progress: Optional[ProgressFn] = None,
        trace: Optional[str] = None,
        tables: Optional[str] = None,
        limits: Optional[Dict[str, Any]] = None,
    ) -> "Run":
        """Builds, runs and collects the results; with `out`, writes results.json, trace.jsonl and the
        pcaps into that directory. `seed` and `until` ('5s' or ns) override the file's, and so do
        `trace` (all, drops, none) and `tables` (auto, all, summary).

        `progress(now_ns, end_ns)` is called between slices of simulated time when there is an end
        time (the file's or the argument's `until`); the results do not depend on it.

        `limits` are Network.set_limits' arguments (max_events, max_trace_bytes, ...); a run a limit
        stopped has ``stopped_by`` set and results.json's ``stopped``."""
        trace_level = _level("trace", trace, TRACE_LEVELS, self.trace)
        tables_level = _level("tables", tables, TABLES_LEVELS, self.tables)
        until_ns = self.until
        if isinstance(until, str):
            until_ns = _core.parse_duration(until)  # raises vpcsim.ParseError
        elif until is not None:
            if isinstance(until, bool) or not isinstance(until, int) or until < 0:
                raise TypeError(f"until: expected a duration such as '5s' or nanoseconds, got {until!r}")
            until_ns = until
        if out is not None:
            out_dir.prepare(out)  # a bad --out is refused before anything is built or written
        result = self.build(seed=seed, out=out)
        result.set_levels(trace_level, tables_level)
        if limits is not None:
            result.network.set_limits(**limits)
        if out is not None:
            result.open_trace(out)  # streamed as the run goes: no per-packet event is kept
        result.execute(until_ns, progress)
        if out is not None:
            result.write(out)
        return result

    def summary(self) -> str:
        counts: Dict[str, int] = {}
        for node in self.nodes.values():
            counts[node.kind] = counts.get(node.kind, 0) + 1
        parts = ", ".join(f"{c} {k}{'s' if c != 1 else ''}" for k, c in counts.items())
        captured = len(self.capture) if self._validated is None else len(self._validated.captured)
        cloud = ""
        if not self.cloud.empty:
            vpcs = self.cloud.vpcs.values()
            cloud = (
                f"{len(vpcs)} VPC{'s' if len(vpcs) != 1 else ''} ({sum(len(v.subnets) for v in vpcs)} subnets, "
                f"{sum(len(v.instances) for v in vpcs)} instances), {len(self.cloud.hosts)} internet hosts, "
            )
        explain = f", {len(self.cloud.explain)} explain items" if self.cloud.explain else ""
        return (
            f"{self.name}: {len(self.nodes)} nodes{f' ({parts})' if parts else ''}, {len(self.links)} links, {cloud}"
            f"{len(self.traffic)} traffic items{explain}, {captured} captured interfaces"
        )
