"""A validated scenario file (Scenario), ready to build and run any number of times."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from vpcsim import _core
from vpcsim.scenario.build import _Builder
from vpcsim.scenario.cloud_specs import CloudSpec
from vpcsim.scenario.location import _At
from vpcsim.scenario.results import ProgressFn, Run
from vpcsim.scenario.specs import LinkSpec, NodeSpec, TrafficSpec


@dataclass
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
    # `trace: drops` keeps drops and notable events only (no per-packet sent/forwarded/received):
    # for scenarios of many thousands of packets, whose trace.jsonl would be hundreds of megabytes.
    trace_packets: bool = True
    # The network load() built to check the file, never run: the first build() with the same seed
    # (and nothing to capture) returns it instead of building the same network again.
    _validated: Optional["Run"] = field(default=None, repr=False, compare=False)

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
    ) -> "Run":
        """Builds, runs and collects the results; with `out`, writes results.json, trace.jsonl and the
        pcaps into that directory. `seed` and `until` ('5s' or ns) override the file's.

        `progress(now_ns, end_ns)` is called between slices of simulated time when there is an end
        time (the file's or the argument's `until`); the results do not depend on it."""
        until_ns = self.until
        if isinstance(until, str):
            until_ns = _core.parse_duration(until)  # raises vpcsim.ParseError
        elif until is not None:
            if isinstance(until, bool) or not isinstance(until, int) or until < 0:
                raise TypeError(f"until: expected a duration such as '5s' or nanoseconds, got {until!r}")
            until_ns = until
        result = self.build(seed=seed, out=out)
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
