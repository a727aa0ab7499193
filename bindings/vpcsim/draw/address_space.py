"""address_space(): subnetting as a picture — a block split into smaller ones, level by level, each
level zooming into one block of the level above, ending with the block's addresses: the five that
AWS reserves in every subnet (network, VPC router, DNS, future use, broadcast) and the usable rest.

    vpcsim.draw.address_space("10.0.0.0/16", splits=[20, 24])
    vpcsim.draw.address_space("10.0.0.0/16", splits=["10.0.16.0/20", "10.0.17.0/24"])

A split is a prefix length (split the current block into blocks of that length and zoom into the
first) or a CIDR block inside the current one (zoom into that one). Address arithmetic is
``vpcsim.Ipv4Prefix``'s, as in ``vpcsim subnet``.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Union

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from vpcsim import _core
from vpcsim.draw.figure import new_axes

__all__ = ["AWS_RESERVED", "address_space", "address_levels"]

# The addresses AWS keeps in every subnet, by offset from the start (-1: the last), as its VPC
# documentation lists them ("Subnet CIDR blocks"); `vpcsim subnet --aws` prints the same five.
AWS_RESERVED: Tuple[Tuple[int, str], ...] = (
    (0, "network"),
    (1, "VPC router"),
    (2, "DNS"),
    (3, "future use"),
    (-1, "broadcast"),
)
LABEL_LIMIT = 32  # more blocks than this on a level: only some are labelled

Split = Union[int, str]


def address_levels(prefix: Union[str, Any], splits: Sequence[Split]) -> List[Tuple[Any, List[Any], int]]:
    """The levels of the picture: (block, its sub-blocks, index of the one zoomed into) for each
    split. Raises ValueError naming the split that does not fit."""
    block = prefix if isinstance(prefix, _core.Ipv4Prefix) else _core.Ipv4Prefix(str(prefix))
    levels = []
    for split in splits:
        if isinstance(split, str):
            chosen = _core.Ipv4Prefix(split)
            if not block.contains_prefix(chosen) or chosen.length <= block.length:
                raise ValueError(f"split {split} is not a smaller block inside {block}")
            length = chosen.length
        else:
            length = int(split)
            if not block.length < length <= 32:
                raise ValueError(f"split /{length} must be longer than {block} and at most /32")
            chosen = None
        if length - block.length > 12:
            raise ValueError(f"splitting {block} into /{length}s makes {1 << (length - block.length)} blocks: "
                             "split in steps of at most 12 bits (e.g. /16 -> /20 -> /24)")
        parts = block.split(length)
        index = 0 if chosen is None else [str(p) for p in parts].index(str(chosen))
        levels.append((block, parts, index))
        block = parts[index]
    return levels


def _level(ax: Axes, y: float, parts: List[Any], index: int, colour: str) -> None:
    n = len(parts)
    width = 10.0 / n
    label_every = 1 if n <= LABEL_LIMIT else n // 8
    for i, part in enumerate(parts):
        chosen = i == index
        ax.add_patch(Rectangle((i * width, y), width, 0.8, facecolor=colour if chosen else "#f4f4f4",
                               edgecolor="#555555", linewidth=0.6 if n > 64 else 1.0))
        if chosen or i % label_every == 0 or i == n - 1:
            ax.text(i * width + width / 2, y + 0.4, str(part), ha="center", va="center",
                    fontsize=8.5 if n <= 8 else (7.5 if n <= 16 else 6.5), rotation=0 if n <= 8 else 90,
                    fontweight="bold" if chosen else "normal")


def _zoom(ax: Axes, y_top: float, y_bottom: float, left: float, right: float) -> None:
    ax.add_patch(Polygon([(left, y_top), (right, y_top), (10.0, y_bottom), (0.0, y_bottom)], closed=True,
                         facecolor="#e3f2fd", edgecolor="#90caf9", linewidth=0.8, alpha=0.6))


def _aws_strip(ax: Axes, y: float, block: Any) -> None:
    """The block's addresses: the five AWS keeps, as cells, and the usable ones between."""
    size = block.num_addresses
    cells: List[Tuple[str, str, str]] = []
    for offset, role in AWS_RESERVED[:4]:
        cells.append((f".{str(block.address_at(offset)).rsplit('.', 1)[-1]}", role, "#ffcdd2"))
    usable = size - 5
    first, last = block.address_at(4), block.address_at(size - 2)
    cells.append((f"{first} - {last}", f"{usable:,} usable", "#c8e6c9"))
    cells.append((f".{str(block.address_at(size - 1)).rsplit('.', 1)[-1]}", AWS_RESERVED[4][1], "#ffcdd2"))
    widths = [1.15] * 4 + [10.0 - 1.15 * 5] + [1.15]
    x = 0.0
    for (top, bottom, colour), w in zip(cells, widths):
        ax.add_patch(Rectangle((x, y), w, 0.9, facecolor=colour, edgecolor="#555555", linewidth=1.0))
        ax.text(x + w / 2, y + 0.6, top, ha="center", va="center", fontsize=8.5, fontweight="bold")
        ax.text(x + w / 2, y + 0.27, bottom, ha="center", va="center", fontsize=7.5)
        x += w


def address_space(prefix: Union[str, Any], splits: Sequence[Split] = (20, 24), *, aws: bool = True,
                  ax: Optional[Axes] = None, title: Optional[str] = None) -> Figure:
    """Draws `prefix` split level by level (`splits`, see the module) and, with `aws`, the last
    block's addresses with AWS's five reserved ones marked. Returns the Figure."""
    levels = address_levels(prefix, splits)
    last_block = levels[-1][1][levels[-1][2]] if levels else _core.Ipv4Prefix(str(prefix))
    show_aws = aws and last_block.num_addresses >= 16
    rows = len(levels) + 1 + (1 if show_aws else 0)
    fig, ax = new_axes(ax, (11.0, 0.9 + 1.25 * rows), (0.14, 0.02, 0.84, 0.9))
    root = levels[0][0] if levels else last_block
    y = 0.0
    ax.add_patch(Rectangle((0, y), 10.0, 0.8, facecolor="#bbdefb", edgecolor="#555555"))
    ax.text(5.0, y + 0.4, f"{root}  ({root.num_addresses:,} addresses)", ha="center", va="center", fontsize=10,
            fontweight="bold")
    ax.text(-0.15, y + 0.4, f"/{root.length}", ha="right", va="center", fontsize=10, fontweight="bold")
    colours = ["#90caf9", "#a5d6a7", "#ffe082", "#ce93d8"]
    index_prev, n_prev = 0, 1  # the block zoomed into on the level above: the whole bar at first
    for depth, (block, parts, index) in enumerate(levels):
        y_next = y - 1.25
        n = len(parts)
        left, right = index_prev * 10.0 / n_prev, (index_prev + 1) * 10.0 / n_prev
        _zoom(ax, y, y_next + 0.8, left, right)
        _level(ax, y_next, parts, index, colours[depth % len(colours)])
        each = parts[0].num_addresses
        ax.text(-0.15, y_next + 0.4, f"/{parts[0].length}", ha="right", va="center", fontsize=10, fontweight="bold")
        ax.text(10.15, y_next + 0.4, f"{n} x {each:,}", ha="left", va="center", fontsize=8.5, color="#444444")
        index_prev, n_prev = index, n
        y = y_next
    if show_aws:
        y_next = y - 1.35
        left, right = index_prev * 10.0 / n_prev, (index_prev + 1) * 10.0 / n_prev
        _zoom(ax, y, y_next + 0.9, left, right)
        _aws_strip(ax, y_next, last_block)
        ax.text(-0.15, y_next + 0.45, "AWS", ha="right", va="center", fontsize=10, fontweight="bold")
        y = y_next
    ax.set_xlim(-1.2, 11.3)
    ax.set_ylim(y - 0.2, 1.0)
    ax.axis("off")
    ax.set_title(title or f"subnetting {root}", loc="left", fontsize=12, fontweight="bold")
    return fig
