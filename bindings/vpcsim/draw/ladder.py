"""ladder(): a packet sequence diagram — nodes as columns, time flowing down, one arrow per frame
per link, as Wireshark's flow graph draws a conversation.

Each arrow is one row, labelled with what the frame is (ARP who-has/is-at, the ICMP message, UDP/TCP
ports and flags); a frame a NAT rewrote carries what changed under it; a frame its receiver dropped
ends in a red cross with the reason at the right. A dotted rule marks a pause (nothing on any link
for a millisecond or more) and says how long it was. The rows come from :func:`frame_records`.

    fig = vpcsim.draw.ladder(rec, window=("0s", "1ms"))
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from vpcsim import _core
from vpcsim.draw.figure import PALETTE, new_axes
from vpcsim.draw.frames import Window, drop_records, frame_records
from vpcsim.draw.source import view
from vpcsim.draw.topology_model import topology_model

__all__ = ["human_duration", "ladder", "ladder_rows"]

LABEL_LIMIT = 400  # more rows than this: arrows only (a label per row would not be readable)
ROW_INCHES = 0.34
COL_INCHES = 2.3
MAX_INCHES = 60.0
PAUSE_NS = 1_000_000  # a gap this long between frames gets a dotted rule


def ladder_rows(frames: Sequence[Dict[str, Any]], drops: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The ladder's rows in order: each frame, and each drop that ended no frame (a packet that
    never left its node) at its time. A row is {'frame': record} or {'drop': record}."""
    rows: List[Tuple[int, int, Dict[str, Any]]] = [(f["time_ns"], 0, {"frame": f}) for f in frames]
    rows += [(d["time_ns"], 1, {"drop": d}) for d in drops if d["frame"] is None]
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def _columns(v: Any, frames: Sequence[Dict[str, Any]], drops: Sequence[Dict[str, Any]],
             nodes: Optional[Sequence[str]]) -> List[str]:
    if nodes is not None:
        return list(nodes)
    used = {f["src_node"] for f in frames} | {f["dst_node"] for f in frames} | {d["node"] for d in drops}
    order = topology_model(v.network, v.cloud).ladder_order
    return [n for n in order if n in used]


def ladder(source: Any, window: Window = None, *, nodes: Optional[Sequence[str]] = None,
           ax: Optional[Axes] = None, title: Optional[str] = None, pcaps: Any = None,
           labels: Optional[bool] = None) -> Figure:
    """Draws the frames of `source` (a Recording, or a scenario Run / Network with `pcaps`, the
    directory its pcaps are in) as a ladder and returns the Figure.

    `window` keeps the frames that started in (start, end) ('1s' or ns); `nodes` chooses the columns
    and their order (by default every node that sent or received, in the topology's order; frames
    between other nodes are left out); `labels` forces the arrows' labels on or off (on up to 400 rows)."""
    v = view(source, pcaps)
    frames = frame_records(v, window)
    drops = drop_records(v, window)
    columns = _columns(v, frames, drops, nodes)
    col = {n: i for i, n in enumerate(columns)}
    frames = [f for f in frames if f["src_node"] in col and f["dst_node"] in col]
    drops = [d for d in drops if d["node"] in col]
    rows = ladder_rows(frames, drops)
    show = len(rows) <= LABEL_LIMIT if labels is None else labels
    row_in = ROW_INCHES if show else min(ROW_INCHES, MAX_INCHES / max(len(rows), 1))
    width = 1.8 + COL_INCHES * max(len(columns) - 1, 1) + (3.6 if show else 0.6)
    height = min(MAX_INCHES, 1.3 + row_in * max(len(rows), 1))
    fig, ax = new_axes(ax, (width, height))
    name = title or (f"{v.name}: frames" if v.name else "frames")
    _draw(ax, columns, col, rows, show, name)
    return fig


def _draw(ax: Axes, columns: List[str], col: Dict[str, int], rows: List[Dict[str, Any]], show: bool, title: str) -> None:
    n = max(len(rows), 1)
    last = max(len(columns) - 1, 1)
    # Lifelines and the column heads.
    ax.add_collection(LineCollection([((i, 0.4), (i, n + 0.2)) for i in range(len(columns))], colors="#b0b0b0",
                                     linewidths=1.0, linestyles="--", zorder=0))
    for i, name in enumerate(columns):
        ax.text(i, -0.15, name, ha="center", va="bottom", fontsize=10, fontweight="bold",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "#eef2f7", "edgecolor": "#7a8ca3"})
    shafts: Dict[str, List[Tuple[Tuple[float, float], Tuple[float, float]]]] = {}
    heads: Dict[Tuple[str, str], Tuple[List[float], List[float]]] = {}
    crosses: Tuple[List[float], List[float]] = ([], [])
    previous: Optional[int] = None
    for i, row in enumerate(rows, start=1):
        y = float(i)
        if "drop" in row:
            d = row["drop"]
            x = col[d["node"]]
            crosses[0].append(x)
            crosses[1].append(y)
            if show:
                _note(ax, last, y, f"dropped at {d['node']}: {d['reason']}" + (f" ({d['detail']})" if d["detail"] else ""))
                _time(ax, y, d["time_ns"])
            continue
        f = row["frame"]
        x0, x1 = col[f["src_node"]], col[f["dst_node"]]
        colour = PALETTE.get(f["protocol"], PALETTE["other"])
        shafts.setdefault(colour, []).append(((x0, y), (x1, y)))
        xs, ys = heads.setdefault((colour, ">" if x1 > x0 else "<"), ([], []))
        xs.append(x1 - (0.04 if x1 > x0 else -0.04))
        ys.append(y)
        if f["dropped"]:
            crosses[0].append(x1)
            crosses[1].append(y)
        if not show:
            continue
        if previous is not None and f["time_ns"] - previous >= PAUSE_NS:
            ax.plot([-0.6, last + 0.4], [y - 0.5, y - 0.5], color="#999999", linewidth=0.8, linestyle=":", zorder=0)
            ax.text(last + 0.45, y - 0.5, f"{human_duration(f['time_ns'] - previous)} later", fontsize=7.5,
                    color="#777777", va="center", ha="left", style="italic")
        previous = f["time_ns"]
        mid = (x0 + x1) / 2
        ax.text(mid, y - 0.09, f["label"], ha="center", va="bottom", fontsize=7.8, color=colour, zorder=3,
                bbox={"boxstyle": "round,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        if f["nat"]:
            ax.text(mid, y + 0.08, f["nat"], ha="center", va="top", fontsize=7, color=PALETTE["nat"], style="italic",
                    zorder=3)
        if f["dropped"]:
            _note(ax, last, y, f"dropped at {f['dst_node']}: {f['dropped']}" + (f" ({f['drop_detail']})" if f["drop_detail"] else ""))
        _time(ax, y, f["time_ns"])
    for colour, segments in shafts.items():
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=1.5, zorder=2))
    for (colour, marker), (xs, ys) in heads.items():
        ax.scatter(xs, ys, marker=marker, s=40 if show else 12, c=colour, zorder=3, linewidths=0)
    if crosses[0]:
        ax.scatter(crosses[0], crosses[1], marker="X", s=90 if show else 20, c=PALETTE["drop"], zorder=4, linewidths=0)
    ax.set_xlim(-1.25, last + (2.3 if show else 0.4))
    ax.set_ylim(n + 0.8, -1.5)
    ax.axis("off")
    ax.text(-1.2, -1.1, title, ha="left", va="center", fontsize=12, fontweight="bold")
    if not show:
        ax.text(-1.0, n + 0.6, f"{len(rows)} rows: labels are shown for at most {LABEL_LIMIT} (choose a window)",
                fontsize=8, color="#555555", va="top")


def human_duration(ns: int) -> str:
    """A duration to three significant figures in the unit that suits it: '1 s', '999.9 ms', '10.7 us'."""
    for unit, size in (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)):
        if ns >= size:
            return f"{ns / size:.4g} {unit}"
    return f"{ns} ns"


def _time(ax: Axes, y: float, time_ns: int) -> None:
    ax.text(-0.62, y, _core.format_duration(time_ns), ha="right", va="center", fontsize=7.5, color="#555555",
            family="monospace")


def _note(ax: Axes, last: int, y: float, text: str) -> None:
    ax.text(last + 0.2, y, text, ha="left", va="center", fontsize=7.5, color=PALETTE["drop"], fontweight="bold",
            zorder=4)
