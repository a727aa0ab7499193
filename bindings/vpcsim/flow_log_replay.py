"""Replaying a VPC Flow Log with ``vpcsim replay``: what a flow log needs that a capture does not.

A flow log is recorded at the instances' interfaces, so its addresses are private ones. Replayed
from the internet (``--at internet-A-B-C``, the switch of an internet /24), a flow to an instance must
go to its public address, as the original did before the internet gateway translated it: each
instance with a public address gets a ``--map PRIVATE=PUBLIC`` unless one is given. And when the
scenario writes flow logs, their epoch becomes the log's (its earliest start), so that the replayed
records fall in the same Unix seconds and windows and compare with the original line for line."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from vpcsim import _core


def public_maps(cloud: Any) -> List[Tuple[str, str]]:
    """(private/32, public/32) for each instance of `cloud` with a public address."""
    maps = []
    for vpc in cloud.vpcs:
        for instance in vpc.instances:
            if instance.public_ip is not None:
                maps.append((f"{instance.private_ip}/32", f"{instance.public_ip}/32"))
    return maps


def adapt(run: Any, capture: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """The replay options for `capture` into the built scenario `run` (unchanged for a capture)."""
    if not _core.is_flow_log_file(capture):
        return options
    if getattr(run, "flow_logs", None) is not None:
        run.flow_logs.epoch = _core.flow_log_epoch(capture)
    at = options.get("at") or ""
    if run.cloud is None or not at.startswith("internet"):
        return options
    maps = list(options.get("maps") or [])
    given = {source for source, _ in maps}
    maps += [m for m in public_maps(run.cloud) if m[0] not in given]
    return dict(options, maps=maps)
