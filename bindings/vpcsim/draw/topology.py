"""topology(): a picture of a network — nodes by kind, links with their interfaces' addresses,
segments and subnets as groups, VPCs as boxes holding their subnets, gateways on a VPC's edge and
the internet outside.

    fig = vpcsim.draw.topology(rec)          # a Recording, a scenario Run, a Network or a Cloud
    vpcsim.draw.save(fig, "out/topology")    # topology.svg and topology.png
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch
from matplotlib.path import Path as MplPath

from vpcsim.draw.figure import KINDS, fitted, new_axes
from vpcsim.draw.source import view
from vpcsim.draw.topology_model import Group, NodeInfo, TopologyModel, topology_model

__all__ = ["GROUP_STYLES", "draw_model", "group_boxes", "layout_xy", "name_extents", "separate_groups", "topology"]

X_STEP = 2.7  # layout units between tree levels, and rows
Y_STEP = 1.6
PAD = 0.75
MAX_INCHES = 32.0
DETAIL_LIMIT = 120  # above this many nodes, interface labels are left out (they would be a grey smear)
NAME_LIMIT = 600  # above this many nodes, names are left out too
LABEL_MARGIN = 0.12  # data units between a node's name label and the edge of its group's box
# A name label's size from its font: DejaVu Sans Bold averages under 0.66 em a character, and a line
# with matplotlib's spacing (1.1 here) and the label's padding takes about 1.3 em.
CHAR_EM, LINE_EM = 0.66, 1.3

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


def group_boxes(model: TopologyModel, xy: Dict[str, Tuple[float, float]],
                extents: Optional[Dict[str, List[float]]] = None) -> Dict[str, List[float]]:
    """[x0, y0, x1, y1] of each group: its members plus padding, holding its child groups with a
    margin, and reaching its boundary nodes (a gateway sits on the VPC's edge). With `extents` (each
    node's name label, from :func:`name_extents`), a box also holds its members' labels."""
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
        for m in g.members if extents else []:
            if m in extents:  # type: ignore[operator]
                e = extents[m]  # type: ignore[index]
                x0, x1 = min(x0, e[0] - LABEL_MARGIN), max(x1, e[2] + LABEL_MARGIN)
                y0 = min(y0, e[1] - LABEL_MARGIN)
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


def _draw_links(ax: Axes, model: TopologyModel, xy: Dict[str, Tuple[float, float]], labels: bool, font: float,
                names: Dict[str, List[float]], inches_per_unit: float) -> None:
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
            text = text.replace("\n", " ")
            half_w = len(text) * CHAR_EM * 0.92 * font * 0.8 / 72.0 / inches_per_unit / 2  # (not bold: narrower)
            half_h = LINE_EM * font * 0.8 / 72.0 / inches_per_unit / 2
            near = min(0.32, 0.95 / length)
            while True:  # along the link, away from the node, until clear of the node's name
                t = near if sign > 0 else 1 - near
                x, y = ax_ + dx * t + sign * nx * 0.27, ay + dy * t + sign * ny * 0.27
                name = names.get(node)
                if name is None or near >= 0.45 or not _overlap(
                        [x - half_w - LABEL_MARGIN, y - half_h - LABEL_MARGIN, x + half_w + LABEL_MARGIN, y + half_h], name):
                    break
                near += 0.15 / length
            ax.text(x, y, text, ha="center", va="center", fontsize=font * 0.8,
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
            ax.text(x, _name_y(y, scale), _name_text(info), ha="center", va="top", fontsize=font,
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


def _scale(xy: Dict[str, Tuple[float, float]], boxes: Dict[str, List[float]]) -> Tuple[List[float], float]:
    """The drawing's limits [x0, x1, y0, y1] (room below for the legend, above for the title) and
    how many inches a data unit takes (0.95, less when the drawing would pass MAX_INCHES)."""
    xs = [p[0] for p in xy.values()] or [0.0]
    ys = [p[1] for p in xy.values()] or [0.0]
    all_x = xs + [b[0] for b in boxes.values()] + [b[2] for b in boxes.values()]
    all_y = ys + [b[1] for b in boxes.values()] + [b[3] for b in boxes.values()]
    limits = [min(all_x) - 0.9, max(all_x) + 0.9, min(all_y) - 1.5, max(all_y) + 0.9]
    return limits, min(0.95, MAX_INCHES / max(limits[1] - limits[0], limits[3] - limits[2]))


def _fonts(inches_per_unit: float) -> Tuple[float, float]:
    """(font size in points, marker scale) for a drawing this many inches a data unit."""
    shrink = inches_per_unit / 0.95
    return max(4.0, 10.0 * shrink ** 0.5), max(0.15, shrink)


def _name_text(info: NodeInfo) -> str:
    return info.name + ("\n" + info.detail if info.detail else "")


def _name_y(y: float, scale: float) -> float:
    return float(y - 0.3 * min(1.0, scale ** 0.5) - 0.05)


def name_extents(model: TopologyModel, xy: Dict[str, Tuple[float, float]], inches_per_unit: float) -> Dict[str, List[float]]:
    """[x0, y0, x1, y1] each node's name label covers, in data units: centred under the node, as
    _draw_nodes writes it, sized from its font (an estimate on the generous side)."""
    font, scale = _fonts(inches_per_unit)
    em = font / 72.0 / inches_per_unit  # one em in data units
    out = {}
    for name, info in model.nodes.items():
        x, y = xy[name]
        lines = _name_text(info).split("\n")
        half = max(len(line) for line in lines) * CHAR_EM * em / 2
        top = _name_y(y, scale)
        out[name] = [x - half, top - len(lines) * LINE_EM * em, x + half, top]
    return out


def _nested(model: TopologyModel) -> Dict[str, Set[str]]:
    """Each group's name -> the groups it is inside of (its parent chain)."""
    parent = {g.name: g.parent for g in model.groups}
    out: Dict[str, Set[str]] = {}
    for g in model.groups:
        chain: Set[str] = set()
        p = g.parent
        while p:
            chain.add(p)
            p = parent.get(p)
        out[g.name] = chain
    return out


def _overlap(a: List[float], b: List[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def separate_groups(model: TopologyModel, xy: Dict[str, Tuple[float, float]],
                    boxes_of: Any) -> Dict[str, Tuple[float, float]]:
    """Moves rows down until no two groups that are not nested overlap (a subnet's box that grew to
    hold its members' labels may reach into the subnet below it). `boxes_of(xy)` computes the boxes.
    A pair one of which reaches below the other's top row (the internet around a VPC) cannot be
    separated by rows and is left as it is."""
    nested = _nested(model)
    members = {g.name: [m for m in g.members if m in xy] for g in model.groups}
    for _ in range(2 * len(model.groups)):
        boxes = boxes_of(xy)
        moved = False
        for a in model.groups:
            for b in model.groups:
                if a.name >= b.name or a.name not in boxes or b.name not in boxes:
                    continue
                if a.name in nested[b.name] or b.name in nested[a.name] or not _overlap(boxes[a.name], boxes[b.name]):
                    continue
                upper, lower = (a, b) if boxes[a.name][3] >= boxes[b.name][3] else (b, a)
                top_of_lower = max((xy[m][1] for m in members[lower.name]), default=None)
                if top_of_lower is None or any(xy[m][1] <= top_of_lower for m in members[upper.name]):
                    continue
                gap = boxes[upper.name][1] - boxes[lower.name][3] - 0.15  # negative: how far to move down
                xy = {n: (p[0], p[1] + gap if p[1] <= top_of_lower else p[1]) for n, p in xy.items()}
                moved = True
                break
            if moved:
                break
        if not moved:
            break
    return xy


def draw_model(model: TopologyModel, ax: Optional[Axes] = None, *, title: str = "topology",
               labels: Optional[bool] = None) -> Figure:
    """Draws a :class:`TopologyModel` (what topology() does once it has one)."""
    xy = layout_xy(model)
    count = len(xy)
    names = count <= NAME_LIMIT
    boxes = group_boxes(model, xy)
    (x0, x1, y0, y1), inches_per_unit = _scale(xy, boxes)
    if names:
        # The boxes hold their members' names; the scale they give changes the names' size in data
        # units, so once more with it (a drawing below MAX_INCHES keeps 0.95 and settles at once).
        for _ in range(2):
            def boxes_of(at: Dict[str, Tuple[float, float]], ipu: float = inches_per_unit) -> Dict[str, List[float]]:
                return group_boxes(model, at, name_extents(model, at, ipu))
            xy = separate_groups(model, layout_xy(model), boxes_of)
            boxes = boxes_of(xy)
            (x0, x1, y0, y1), scaled = _scale(xy, boxes)
            if abs(scaled - inches_per_unit) < 1e-9:
                break
            inches_per_unit = scaled
    # One data unit is as long across as down (the shapes are not stretched): the figure takes the
    # drawing's proportions, and when a minimum size widens one side, the limits widen with it.
    width, height = max((x1 - x0) * inches_per_unit, 5.0), max((y1 - y0) * inches_per_unit, 3.2)
    grow_x, grow_y = width / inches_per_unit - (x1 - x0), height / inches_per_unit - (y1 - y0)
    x0, x1, y0, y1 = x0 - grow_x / 2, x1 + grow_x / 2, y0 - grow_y / 2, y1 + grow_y / 2
    own = ax is None
    fig, ax = new_axes(ax, (width, height))
    if own:
        fitted(fig)
    font, scale = _fonts(inches_per_unit)
    show_labels = count <= DETAIL_LIMIT if labels is None else labels
    _draw_groups(ax, model, boxes, font)
    _draw_links(ax, model, xy, show_labels, font, name_extents(model, xy, inches_per_unit) if names else {},
                inches_per_unit)
    kinds = _draw_nodes(ax, model, xy, scale, font, names=names)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.axis("off")
    ax.set_title(title, loc="left", fontsize=font * 1.3, fontweight="bold", y=0.995, pad=-14)
    handles = [Line2D([], [], linestyle="none", marker=_marker(k), markersize=9, markerfacecolor=KINDS[k].face,
                      markeredgecolor=KINDS[k].edge, markeredgewidth=1.4, label=KINDS[k].legend) for k in kinds]
    ax.legend(handles=handles, loc="lower right", fontsize=font * 0.9, frameon=True, framealpha=0.9,
              ncol=min(len(handles), 4))
    return fig
