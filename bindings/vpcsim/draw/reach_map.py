"""reachability(): a reachability matrix (vpcsim.reach's table) as a heatmap grouped by subnet.

For example::

    table = vpcsim.reachability("scenarios/public_private_vpc.yaml", workers=0)
    vpcsim.draw.save(vpcsim.draw.reachability(table), "out/reach")

Rows are sources and columns destination x port, both sorted by their group (VPC/subnet, then the
internet) with a line between groups. A reachable cell is green; a blocked one takes its code's
colour and is labelled with the code's short form (SG, ACL, ROUTE, ...; the legend spells them
out). A matrix too large to read cell by cell (more than `max_cells` rows or columns) is drawn per
group instead: one cell per source group x destination group x port, shaded by the share of its
pairs that are reachable and labelled with the code that blocks most of the rest.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from vpcsim.draw.figure import new_axes

__all__ = ["SHORT_CODES", "reachability"]

# The short label of each of explain's codes (libnet/cloud/decision.h), for cells.
SHORT_CODES: Dict[str, str] = {
    "REACHABLE": "",
    "ENI_SG_RULES_MISMATCH": "SG",
    "SUBNET_ACL_RESTRICTION": "ACL",
    "NO_ROUTE_TO_DESTINATION": "ROUTE",
    "ROUTE_BLACKHOLE": "HOLE",
    "ENI_SOURCE_DEST_CHECK_RESTRICTION": "SDCHK",
    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS": "PUBIP",
    "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR": "PCX",
    "NAT_GATEWAY_NO_INBOUND": "NATIN",
    "NAT_GATEWAY_CONNECTION_LIMIT": "NATLIM",
    "VPC_ROUTER_NO_ANSWER": "VPCR",
    "PACKET_DROPPED": "DROP",
    "NO_REPLY": "NOREP",
}
_COLOURS = ["#c62828", "#ef6c00", "#6a3d9a", "#1f5f99", "#8a6d00", "#555555", "#ad1457", "#00838f"]
_REACHABLE = "#7cc47f"


def _short(code: str) -> str:
    if code in SHORT_CODES:
        return SHORT_CODES[code]
    if code.startswith("ERROR"):
        return "ERR"
    return "".join(part[0] for part in code.split("_"))[:5]


def _order(table: Any, name: str, group: str) -> List[Tuple[str, str]]:
    """(group, name): groups in the order they first appear (the file's), the internet last; names
    in table order within their group."""
    seen: Dict[str, str] = {}
    # Names that are also sources keep the sources' order, so rows and columns read alike.
    for n, g in zip(table["source"], table["source_group"]):
        seen.setdefault(n, g)
    for n, g in zip(table[name], table[group]):
        seen.setdefault(n, g)
    listed = set(table[name])
    seen = {n: g for n, g in seen.items() if n in listed}
    groups = sorted(dict.fromkeys(seen.values()), key=lambda g: g == "internet")
    return [(g, n) for g in groups for n, gg in seen.items() if gg == g]


def _separators(ax: Axes, labels: List[str], axis: str) -> None:
    for i in range(1, len(labels)):
        if labels[i] != labels[i - 1]:
            (ax.axhline if axis == "y" else ax.axvline)(i - 0.5, color="black", linewidth=1.2)


def reachability(table: Any, *, ax: Optional[Axes] = None, max_cells: int = 60, title: Optional[str] = None) -> Figure:
    """The heatmap of `table` (a DataFrame with vpcsim.reach.COLUMNS); returns its Figure."""
    if len(table) == 0:
        raise ValueError("an empty reachability table has nothing to draw")
    rows = _order(table, "source", "source_group")
    cols_d = _order(table, "destination", "destination_group")
    ports = list(dict.fromkeys(zip(table["protocol"], table["port"])))
    per_cell = len(rows) <= max_cells and len(cols_d) * len(ports) <= max_cells
    if per_cell:
        row_keys = [n for _, n in rows]
        col_keys = [(n, p) for _, n in cols_d for p in ports]
        row_groups, col_groups = [g for g, _ in rows], [g for g, _ in cols_d for _ in ports]
        cell: Dict[Tuple[Any, Any], Tuple[float, str]] = {}
        for s, d, proto, port, code in zip(table["source"], table["destination"], table["protocol"], table["port"],
                                           table["code"]):
            cell[(s, (d, (proto, port)))] = (1.0 if code == "REACHABLE" else 0.0, code)
        row_labels = row_keys
        col_labels = [f"{d} {_port(p)}" for d, p in col_keys]
    else:
        groups_r = list(dict.fromkeys(g for g, _ in rows))
        groups_c = list(dict.fromkeys(g for g, _ in cols_d))
        row_keys = groups_r
        col_keys = [(g, p) for g in groups_c for p in ports]
        row_groups, col_groups = groups_r, [g for g in groups_c for _ in ports]
        grouped = table.groupby(["source_group", "destination_group", "protocol", "port"], sort=False)
        cell = {}
        for (sg, dg, proto, port), part in grouped:
            reachable = float((part["code"] == "REACHABLE").mean())
            blocked = part["code"][part["code"] != "REACHABLE"]
            code = str(blocked.mode().iloc[0]) if len(blocked) else "REACHABLE"
            cell[(sg, (dg, (proto, port)))] = (reachable, code)
        row_labels = groups_r
        col_labels = [f"{g} {_port(p)}" for g, p in col_keys]
    codes = sorted({c for _, c in cell.values() if c != "REACHABLE"})
    colour = {c: _COLOURS[i % len(_COLOURS)] for i, c in enumerate(codes)}
    # Room in inches: labels left and below, the cells, the legend (up to 3.5 in) on the right.
    cells_w, cells_h = min(0.32 * len(col_keys), 36), min(0.3 * len(row_keys), 36)
    width, height = 1.6 + cells_w + 3.6, 1.8 + cells_h + 0.5
    fig, ax = new_axes(ax, (width, height), (1.6 / width, 1.8 / height, cells_w / width, cells_h / height))
    from matplotlib.colors import to_rgb

    image = []
    for r in row_keys:
        line = []
        for c in col_keys:
            share, code = cell.get((r, c), (float("nan"), ""))
            if share != share:  # a source and itself: no pair
                line.append((1.0, 1.0, 1.0))
            elif code == "REACHABLE":
                line.append(to_rgb(_REACHABLE))
            else:
                red = to_rgb(colour[code])
                (g1, g2, g3), (r1, r2, r3) = to_rgb(_REACHABLE), red
                line.append((share * g1 + (1 - share) * r1, share * g2 + (1 - share) * r2, share * g3 + (1 - share) * r3))
            if code and code != "REACHABLE":
                ax.text(col_keys.index(c), row_keys.index(r), _short(code), ha="center", va="center", fontsize=6,
                        color="white")
        image.append(line)
    ax.imshow(image, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(row_labels)), row_labels, fontsize=7)
    _separators(ax, row_groups, "y")
    _separators(ax, col_groups, "x")
    ax.set_xlabel("destination (grouped by subnet)" if per_cell else "destination subnet, port")
    ax.set_ylabel("source" if per_cell else "source subnet")
    handles = [Patch(color=_REACHABLE, label="reachable")]
    handles += [Patch(color=colour[c], label=f"{_short(c)}: {c}" if _short(c) else c) for c in codes]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7, frameon=False)
    ax.set_title(title or ("reachability" if per_cell else "reachability per subnet (shade: share reachable)"),
                 fontsize=9)
    return fig


def _port(p: Tuple[str, int]) -> str:
    return "icmp" if p[0] == "icmp" else f"{p[1]}/{p[0]}"
