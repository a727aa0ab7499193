"""The pictures' common ground: a Figure without pyplot, the look of each kind of node, and saving.

Pictures are made with matplotlib's object API (``matplotlib.figure.Figure``), never pyplot, so the
library keeps no global state and nothing piles up in pyplot's list of open figures; Jupyter shows a
returned Figure inline all the same. Saving is deterministic: an SVG carries no date and its ids come
from a fixed salt, so the same run gives the same file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import matplotlib

matplotlib.use("Agg", force=False)  # no display needed; Jupyter's inline backend still shows Figures
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["KINDS", "Kind", "new_axes", "save", "PALETTE"]


class Kind(NamedTuple):
    """How a kind of node looks: a matplotlib marker, its colours, and what a legend calls it."""

    marker: str
    face: str
    edge: str
    size: float
    legend: str


# Shapes a student can tell apart in black and white too: hosts are squares, routers circles,
# switches wide bars, NAT boxes hexagons, gateways diamonds.
KINDS: Dict[str, Kind] = {
    "host": Kind("s", "#cfe3f7", "#1f5f99", 420, "host"),
    "instance": Kind("s", "#ffe2b8", "#b86e00", 420, "EC2 instance"),
    "internet_host": Kind("s", "#e4e4e4", "#555555", 420, "internet host"),
    "router": Kind("o", "#ffd6cc", "#b23b1e", 520, "router"),
    "vpc_router": Kind("o", "#ffe2b8", "#b86e00", 520, "VPC router"),
    "internet_router": Kind("o", "#e4e4e4", "#555555", 520, "internet router"),
    "switch": Kind("$\u2550$", "#555555", "#555555", 600, "switch"),
    "nat": Kind("h", "#e6d5f5", "#6a3d9a", 560, "NAT router"),
    "nat_gateway": Kind("h", "#d9f2d0", "#2e7d32", 560, "NAT gateway"),
    "internet_gateway": Kind("D", "#d9f2d0", "#2e7d32", 460, "internet gateway"),
}

# Protocol colours, shared by the ladder and the report (ARP is the broadcast world, ICMP errors red).
PALETTE: Dict[str, str] = {
    "arp": "#8a6d00",
    "icmp": "#1f5f99",
    "udp": "#2e7d32",
    "tcp": "#6a3d9a",
    "ipv4": "#444444",
    "other": "#777777",
    "drop": "#c62828",
    "nat": "#b23b1e",
}


def new_axes(ax: Optional[Axes], size: Tuple[float, float],
             rect: Tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)) -> Tuple[Figure, Axes]:
    """The Axes to draw on: `ax` if given, else one at `rect` (figure fractions: left, bottom,
    width, height) of a new Figure of `size` inches."""
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = Figure(figsize=size, dpi=100, layout=None)
    return fig, fig.add_axes(rect)


PathLike = Union[str, "os.PathLike[str]"]


def save(fig: Figure, path: PathLike, formats: Sequence[str] = ("svg", "png"), dpi: int = 110) -> List[Path]:
    """Saves `fig`: to `path` itself when it ends in .svg, .png or .pdf, else to path.svg and
    path.png (or the given `formats`). Returns the files written; their folder is created."""
    base = Path(path)
    if base.suffix.lower() in (".svg", ".png", ".pdf"):
        targets = [base]
    else:
        targets = [base.with_name(base.name + "." + f.lstrip(".")) for f in formats]
    written = []
    with matplotlib.rc_context({"svg.hashsalt": "vpcsim", "svg.fonttype": "none"}):
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            kind = target.suffix.lstrip(".").lower()
            metadata: Dict[str, Any] = {"Date": None} if kind in ("svg", "pdf") else {}
            if kind == "png":
                metadata = {"Software": None}
            fig.savefig(target, format=kind, dpi=dpi, metadata=metadata, facecolor="white")
            written.append(target)
    return written
