"""What a picture is drawn from: a Recording, a scenario Run, or a Network with its pcaps.

Every picture function takes any of these; this module turns them into one view (the network,
the cloud if any, the pcap of each captured interface, the table changes if recorded), so the
pictures do not care where the data came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from vpcsim import _core
from vpcsim.draw.recording import Recording, TableChange

__all__ = ["View", "view"]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class View:
    network: Any
    cloud: Any = None
    pcaps: Dict[str, Path] = field(default_factory=dict)  # "node.iface" -> pcap
    changes: Optional[List[TableChange]] = None  # None when the tables were not recorded
    results: Dict[str, Any] = field(default_factory=dict)
    answers: List[Any] = field(default_factory=list)  # ExplainAnswer objects, when there are some
    name: Optional[str] = None  # the scenario's name, when drawing one


def _pcaps_in(network: Any, directory: PathLike) -> Dict[str, Path]:
    """The pcaps a scenario run wrote into `directory` (OUT/<node>-<iface>.pcap), by interface."""
    base = Path(directory)
    if not base.is_dir():
        raise FileNotFoundError(f"no such directory of pcaps: {base}")
    found = {}
    for node in network.nodes:
        for iface in node.interfaces:
            path = base / f"{node.name}-{iface.name}.pcap"
            if path.is_file():
                found[iface.full_name] = path
    return found


def view(source: Any, pcaps: Optional[PathLike] = None) -> View:
    """The :class:`View` of `source`: a :class:`Recording`, a scenario ``Run`` (its pcaps found in
    `pcaps`, or in ``run.out`` when it has one) or a ``Network`` (pcaps from `pcaps` only)."""
    if isinstance(source, View):
        return source
    if isinstance(source, Recording):
        run = source.run_of
        return View(
            network=source.network,
            cloud=source.cloud,
            pcaps=source.pcaps,
            changes=source.changes,
            results=source.results,
            answers=list(getattr(run, "answers", []) or []),
            name=run.scenario.name if run is not None else None,
        )
    if isinstance(source, _core.Network):
        return View(network=source, pcaps=_pcaps_in(source, pcaps) if pcaps is not None else {})
    if hasattr(source, "network") and hasattr(source, "results"):  # a scenario Run
        directory = pcaps if pcaps is not None else getattr(source, "out", None)
        return View(
            network=source.network,
            cloud=getattr(source, "cloud", None),
            pcaps=_pcaps_in(source.network, directory) if directory is not None else {},
            results=dict(source.results or {}),
            answers=list(getattr(source, "answers", []) or []),
            name=getattr(getattr(source, "scenario", None), "name", None),
        )
    if hasattr(source, "network") and isinstance(getattr(source, "network"), _core.Network):  # a Cloud
        return View(network=source.network, cloud=source)
    raise TypeError(
        f"vpcsim.draw takes a Recording (draw.record), a scenario Run or a Network, got {type(source).__name__}"
    )
