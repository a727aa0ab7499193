"""topology(): a picture of a network — nodes by kind, links with their interfaces' addresses,
segments and subnets as groups, VPCs as boxes holding their subnets, gateways on a VPC's edge and
the internet outside.

    fig = vpcsim.draw.topology(rec)          # a Recording, a scenario Run, a Network or a Cloud
    vpcsim.draw.save(fig, "out/topology")    # topology.svg and topology.png
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch
from matplotlib.path import Path as MplPath

from vpcsim.draw.figure import KINDS, new_axes
from vpcsim.draw.source import view
from vpcsim.draw.topology_model import Group, TopologyModel, topology_model

__all__ = ["GROUP_STYLES", "draw_model", "group_boxes", "layout_xy", "topology"]

X_STEP = 2.7  # layout units between tree levels, and rows
Y_STEP = 1.6
PAD = 0.75
MAX_INCHES = 32.0
DETAIL_LIMIT = 120  # above this many nodes, interface labels are left out (they would be a grey smear)

# A switch is a wide bar, as network diagrams draw it.
_SWITCH = MplPath([(-1.0, -0.35), (1.0, -0.35), (1.0, 0.35), (-1.0, 0.35), (-1.0, -0.35)],
                  [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY])

GROUP_STYLES: Dict[str, Tuple[str, str, str]] = {  # kind -> face, edge, line style
    "vpc": ("#fff6e8", "#b86e00", "-"),
    "subnet_public": ("#eef8ea", "#2e7d32", "-"),
    "subnet_private": ("#eaf1fb", "#1f5f99", "-"),
    "segment": ("#f5f5f5", "#9e9e9e", "--"),
    "internet": ("#f2f2f2", "#777777", ":"),
}


def layout_xy(model: TopologyModel) -> Dict[str, Tuple[float, float]]:
    """Where each node is drawn, in data units (the layout's levels and rows, spaced; y grows up)."""
    return {n: (info.x * X_STEP, -info.y * Y_STEP) for n, info in model.nodes.items()}


def _marker(kind: str) -> Any:
    return _SWITCH if kind == "switch" else KINDS[kind].marker


def group_boxes(model: TopologyModel, xy: Dict[str, Tuple[float, float]]) -> Dict[str, List[float]]:
    """[x0, y0, x1, y1] of each group: its members plus padding, holding its child groups with a
    margin, and reaching its boundary nodes (a gateway sits on the VPC's edge)."""
    boxes: Dict[str, List[float]] = {}
    children: Dict[str, List[Group]] = {}
    for g in model.groups:
        if g.parent:
            children.setdefault(g.parent, []).append(g)
    ordered = sorted(model.groups, key=lambda g: 0 if g.parent else 1)  # children first
    for g in ordered:
        points = [xy[m] for m in g.members if m in xy]
        spans = [boxes[c.name] for c in children.get(g.name, []) if c.name in boxes]
        if not points and not spans:
            continue
        x0 = min([p[0] - PAD * 1.25 for p in points] + [s[0] - PAD * 0.6 for s in spans])
        x1 = max([p[0] + PAD * 1.25 for p in points] + [s[2] + PAD * 0.6 for s in spans])
        y0 = min([p[1] - PAD * 1.1 for p in points] + [s[1] - PAD * 0.6 for s in spans])
        y1 = max([p[1] + PAD * 0.8 for p in points] + [s[3] + PAD * 0.9 for s in spans])
        for b in g.boundary:
            if b in xy:
                bx, by = xy[b]
                if bx < x0:
                    x0 = bx
                elif bx > x1:
                    x1 = bx
                y0, y1 = min(y0, by - PAD), max(y1, by + PAD)
        boxes[g.name] = [x0, y0, x1, y1]
    return boxes


def _draw_groups(ax: Axes, model: TopologyModel, boxes: Dict[str, List[float]], font: float) -> None:
    for g in model.groups:
        if g.name not in boxes:
            continue
        x0, y0, x1, y1 = boxes[g.name]
        style = g.kind if g.kind != "subnet" else ("subnet_public" if g.public else "subnet_private")
        face, edge, line = GROUP_STYLES[style]
        z = 0.2 if g.parent is None else 0.4
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.18",
                                    facecolor=face, edgecolor=edge, linestyle=line, linewidth=1.4, zorder=z))
        ax.text(x0 + 0.12, y1 - 0.08, g.label, ha="left", va="top", fontsize=font, color=edge, fontweight="bold",
                zorder=z + 0.05)


def _draw_links(ax: Axes, model: TopologyModel, xy: Dict[str, Tuple[float, float]], labels: bool, font: float) -> None:
    segments = [(xy[link.a_node], xy[link.b_node]) for link in model.links]
    ax.add_collection(LineCollection(segments, colors="#6b6b6b", linewidths=1.6, zorder=1))
    if not labels:
        return
    for link in model.links:
        (ax_, ay), (bx, by) = xy[link.a_node], xy[link.b_node]
        dx, dy = bx - ax_, by - ay
        length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
        nx, ny = -dy / length, dx / length  # the line's normal: one end's label above, the other's below
        if ny < 0:
            nx, ny = -nx, -ny
        for (px, py), sign, text, node in (((ax_, ay), 1, link.a_label, link.a_node),
                                           ((bx, by), -1, link.b_label, link.b_node)):
            if model.nodes[node].kind == "switch" and "\n" not in text:
                continue  # a switch port without an address: its name adds nothing
            t = min(0.32, 0.95 / length) if sign > 0 else 1 - min(0.32, 0.95 / length)
            x, y = ax_ + dx * t + sign * nx * 0.27, ay + dy * t + sign * ny * 0.27
            ax.text(x, y, text.replace("\n", " "), ha="center", va="center", fontsize=font * 0.8,
                    color="#333333", zorder=3,
                    bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "#cccccc",
                          "linewidth": 0.5, "alpha": 0.92})


def _draw_nodes(ax: Axes, model: TopologyModel, xy: Dict[str, Tuple[float, float]], scale: float, font: float,
                names: bool) -> List[str]:
    kinds_seen: List[str] = []
    by_kind: Dict[str, List[str]] = {}
    for name, info in model.nodes.items():
        by_kind.setdefault(info.kind, []).append(name)
    for kind, members in by_kind.items():
        look = KINDS[kind]
        kinds_seen.append(kind)
        ax.scatter([xy[m][0] for m in members], [xy[m][1] for m in members], s=look.size * scale, marker=_marker(kind),
                   c=look.face, edgecolors=look.edge, linewidths=1.6, zorder=4)
    if names:
        for name, info in model.nodes.items():
            x, y = xy[name]
            text = name + ("\n" + info.detail if info.detail else "")
            ax.text(x, y - 0.3 * min(1.0, scale ** 0.5) - 0.05, text, ha="center", va="top", fontsize=font,
                    fontweight="bold", zorder=5, linespacing=1.1,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})
    return kinds_seen


def topology(source: Any, ax: Optional[Axes] = None, *, title: Optional[str] = None,
             labels: Optional[bool] = None) -> Figure:
    """Draws the network of `source` (a Recording, a scenario Run, a Network or a Cloud) and returns
    the Figure. `labels` shows each interface's name and addresses beside its link (by default when
    there are at most 120 nodes); `ax` draws into an existing Axes."""
    v = view(source)
    model = topology_model(v.network, v.cloud)
    return draw_model(model, ax, title=title or _title(v), labels=labels)


def _title(v: Any) -> str:
    name = v.results.get("scenario") if v.results else v.name
    return f"{name}: topology" if name else "topology"


def draw_model(model: TopologyModel, ax: Optional[Axes] = None, *, title: str = "topology",
               labels: Optional[bool] = None) -> Figure:
    """Draws a :class:`TopologyModel` (what topology() does once it has one)."""
    xy = layout_xy(model)
    count = len(xy)
    boxes = group_boxes(model, xy)
    xs = [p[0] for p in xy.values()] or [0.0]
    ys = [p[1] for p in xy.values()] or [0.0]
    all_x = xs + [b[0] for b in boxes.values()] + [b[2] for b in boxes.values()]
    all_y = ys + [b[1] for b in boxes.values()] + [b[3] for b in boxes.values()]
    x0, x1 = min(all_x) - 0.9, max(all_x) + 0.9
    y0, y1 = min(all_y) - 1.5, max(all_y) + 0.9  # room below for the legend, above for the title
    # One data unit is as long across as down (the shapes are not stretched): the figure takes the
    # drawing's proportions, and when a minimum size widens one side, the limits widen with it.
    inches_per_unit = min(0.95, MAX_INCHES / max(x1 - x0, y1 - y0))
    width, height = max((x1 - x0) * inches_per_unit, 5.0), max((y1 - y0) * inches_per_unit, 3.2)
    grow_x, grow_y = width / inches_per_unit - (x1 - x0), height / inches_per_unit - (y1 - y0)
    x0, x1, y0, y1 = x0 - grow_x / 2, x1 + grow_x / 2, y0 - grow_y / 2, y1 + grow_y / 2
    fig, ax = new_axes(ax, (width, height))
    shrink = inches_per_unit / 0.95
    font = max(4.0, 10.0 * shrink ** 0.5)
    scale = max(0.15, shrink)
    show_labels = count <= DETAIL_LIMIT if labels is None else labels
    _draw_groups(ax, model, boxes, font)
    _draw_links(ax, model, xy, show_labels, font)
    kinds = _draw_nodes(ax, model, xy, scale, font, names=count <= 600)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.axis("off")
    ax.set_title(title, loc="left", fontsize=font * 1.3, fontweight="bold", y=0.995, pad=-14)
    handles = [Line2D([], [], linestyle="none", marker=_marker(k), markersize=9, markerfacecolor=KINDS[k].face,
                      markeredgecolor=KINDS[k].edge, markeredgewidth=1.4, label=KINDS[k].legend) for k in kinds]
    ax.legend(handles=handles, loc="lower right", fontsize=font * 0.9, frameon=True, framealpha=0.9,
              ncol=min(len(handles), 4))
    return fig
