"""The pictures' common ground: a Figure without pyplot, the look of each kind of node, and saving.

Pictures are made with matplotlib's object API (``matplotlib.figure.Figure``), never pyplot, so the
library keeps no global state and nothing piles up in pyplot's list of open figures. Jupyter shows a
Figure inline only once its inline backend has registered how (which importing pyplot does), so
inside IPython :func:`show_inline` tells IPython to show Figures as PNG itself. Saving is
deterministic: an SVG carries no date and its ids come from a fixed salt, so the same run gives the
same file.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["KINDS", "Kind", "PALETTE", "new_axes", "png_bytes", "save", "show_inline"]


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
    # Where a capture's packets go in (Network.replay): not a host, it only sends what was captured.
    "replay_port": Kind("p", "#fff1c2", "#9a7400", 480, "replay port (a capture's side)"),
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


FITTED = "_vpcsim_fitted"  # set on a Figure sized to hold exactly what it draws (see fitted())


def fitted(fig: Figure) -> Figure:
    """Marks `fig` as laid out to its own size (a ladder, a topology): png_bytes then renders it as
    it is instead of measuring every text first to trim the margins (bbox_inches="tight" lays out
    each label once more, a third of a labelled ladder's time)."""
    setattr(fig, FITTED, True)
    return fig


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    """The Figure as PNG bytes (what Jupyter shows): trimmed to what it draws, unless it is
    :func:`fitted` already."""
    buffer = io.BytesIO()
    tight = None if getattr(fig, FITTED, False) else "tight"
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches=tight, facecolor="white")
    return buffer.getvalue()


def show_inline() -> bool:
    """In IPython or Jupyter, has a returned Figure shown as a PNG (as pyplot's inline backend would
    arrange); elsewhere does nothing. Returns whether it registered. Called when vpcsim.draw loads."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    formatter = shell.display_formatter.formatters.get("image/png")
    if formatter is None:
        return False
    formatter.for_type(Figure, png_bytes)
    return True
