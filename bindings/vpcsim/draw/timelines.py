"""Tables over time: an ARP cache's entries and their states, a switch's MAC table, a NAT's
translations, each entry a row and each state a coloured bar, as a Gantt chart draws tasks.

A neighbour entry walks Linux's states (incomplete -> reachable -> stale -> delay -> probe, or failed),
a MAC is learnt on a port and ages out, a NAT mapping lives while its flow does. The data come from a
:class:`Recording`, which reads the tables at every event time of the run; :func:`table_intervals`
gives them as rows, one per entry and state.

    fig = vpcsim.draw.arp_timeline(rec, nodes=["h1", "r1"])

Events a microsecond apart and timers seconds long share one run, so by default the time axis is
linear up to the first long pause and logarithmic after (matplotlib's symlog), which keeps both
visible; ``scale="linear"`` gives a plain axis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from vpcsim.draw.figure import new_axes
from vpcsim.draw.frames import Window, parse_window
from vpcsim.draw.ladder import human_duration
from vpcsim.draw.source import view

if TYPE_CHECKING:  # pragma: no cover
    import pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]

__all__ = [
    "INTERVAL_COLUMNS",
    "STATE_COLOURS",
    "arp_timeline",
    "mac_timeline",
    "nat_timeline",
    "table_intervals",
    "table_intervals_frame",
    "table_timeline",
]

INTERVAL_COLUMNS = ("table", "node", "key", "start_ns", "end_ns", "state", "value")

# ARP states as Linux names them (ip neigh), coloured from "waiting" to "confirmed" to "in doubt".
STATE_COLOURS: Dict[str, str] = {
    "incomplete": "#bdbdbd",
    "reachable": "#2e7d32",
    "stale": "#f9a825",
    "delay": "#fb8c00",
    "probe": "#e53935",
    "failed": "#212121",
    "permanent": "#1f5f99",
    "noarp": "#6a3d9a",
}
_CYCLE = ["#1f5f99", "#2e7d32", "#6a3d9a", "#b86e00", "#00838f", "#ad1457", "#5d4037", "#455a64"]


def _state(table: str, value: Dict[str, Any]) -> Tuple[str, str]:
    """(state, text) of an entry's value: what colours its bar, and what its bar says."""
    if table == "arp":
        return value["state"], f"{value['state']} {value['mac']}" if value["mac"] != "00:00:00:00:00:00" else value["state"]
    if table == "mac":
        return f"port {value['port']}", f"port {value['port']}"
    nat = "SNAT" if value["snat"] else ("DNAT" if value["dnat"] else "no NAT")
    return f"{nat} {value['state']}", f"{nat}: reply {value['reply']} ({value['state']})"


def table_intervals(source: Any, table: str = "arp", nodes: Optional[Sequence[str]] = None,
                    window: Window = None) -> List[Dict[str, Any]]:
    """Each table entry's life as rows: one per (node, key, state) stretch, with ``start_ns`` and
    ``end_ns`` (the recording's end for an entry still there), ``state`` (an ARP state, ``port p2``,
    ``SNAT assured``) and ``value`` (a sentence). `table` is ``arp``, ``mac`` or ``nat``."""
    if table not in ("arp", "mac", "nat"):
        raise ValueError(f"table must be 'arp', 'mac' or 'nat', got {table!r}")
    v = view(source)
    if v.changes is None:
        raise ValueError("tables over time need a recording: rec = vpcsim.draw.record(net_or_run) before it runs, then rec.run()")
    end_of_run = v.network.now_ns
    chosen = None if nodes is None else set(nodes)
    open_rows: Dict[Tuple[str, str], Dict[str, Any]] = {}
    rows: List[Dict[str, Any]] = []
    for change in v.changes:
        if change.table != table or (chosen is not None and change.node not in chosen):
            continue
        key = (change.node, change.key)
        current = open_rows.pop(key, None)
        if current is not None:
            current["end_ns"] = change.time_ns
            rows.append(current)
        if change.value is not None:
            state, text = _state(table, change.value)
            open_rows[key] = {"table": table, "node": change.node, "key": change.key, "start_ns": change.time_ns,
                              "end_ns": None, "state": state, "value": text}
    for current in open_rows.values():
        current["end_ns"] = end_of_run
        rows.append(current)
    start, end = parse_window(window)
    rows = [r for r in rows if r["end_ns"] >= start and (end is None or r["start_ns"] <= end)]
    rows.sort(key=lambda r: (r["node"], r["key"], r["start_ns"]))
    return rows


def table_intervals_frame(source: Any, table: str = "arp", nodes: Optional[Sequence[str]] = None,
                          window: Window = None) -> "pandas.DataFrame":
    """:func:`table_intervals` as a pandas DataFrame."""
    pd = importlib.import_module("pandas")
    return pd.DataFrame.from_records(table_intervals(source, table, nodes, window), columns=list(INTERVAL_COLUMNS))


_TITLES = {"arp": "ARP caches", "mac": "switch MAC tables", "nat": "NAT translations"}


def table_timeline(source: Any, table: str = "arp", nodes: Optional[Sequence[str]] = None, window: Window = None,
                   *, scale: str = "auto", ax: Optional[Axes] = None, title: Optional[str] = None) -> Figure:
    """Draws :func:`table_intervals` as a timeline: a row per entry, a bar per state."""
    rows = table_intervals(source, table, nodes, window)
    entries: List[Tuple[str, str]] = []
    for r in rows:
        if (r["node"], r["key"]) not in entries:
            entries.append((r["node"], r["key"]))
    index = {e: i for i, e in enumerate(entries)}
    names = [f"{node}: {key}" for node, key in entries]
    height = 1.5 + 0.42 * max(len(entries), 1)
    left = 0.3 + 0.075 * max((len(n) for n in names), default=10)  # inches for the rows' names
    width = left + 8.5
    # Room at the left for the rows' names, at the right for the legend, below for the time axis.
    fig, ax = new_axes(ax, (width, height), (left / width, 0.8 / height, 6.6 / width, 1 - 1.25 / height))
    colours: Dict[str, str] = dict(STATE_COLOURS) if table == "arp" else {}
    start_ns, _ = parse_window(window)
    last = max([r["end_ns"] for r in rows], default=1)
    for r in rows:
        colour = colours.get(r["state"])
        if colour is None:
            colour = colours[r["state"]] = _CYCLE[len(colours) % len(_CYCLE)]
        y = index[(r["node"], r["key"])]
        left, right = max(r["start_ns"], start_ns) / 1e9, r["end_ns"] / 1e9
        ax.barh(y, max(right - left, 0.0), left=left, height=0.62, color=colour, edgecolor="white", linewidth=0.6)
        # A tick where each state begins, so a state too short for its bar to show is still seen.
        ax.plot([left, left], [y - 0.42, y + 0.42], color=colour, linewidth=2.2, solid_capstyle="butt")
    firsts = [r["start_ns"] for r in rows if r["start_ns"] > 0]
    if scale == "auto":
        smallest = min(firsts, default=0)
        scale = "symlog" if smallest and last / max(smallest, 1) > 200 else "linear"
    threshold = 0.0
    if scale == "symlog":
        threshold = max(min(firsts, default=1_000) / 1e9, 1e-7)
        ax.set_xscale("symlog", linthresh=threshold, linscale=1.0)
    elif scale != "linear":
        raise ValueError(f"scale must be 'auto', 'linear' or 'symlog', got {scale!r}")

    def tick(x: float, _pos: Any) -> str:
        if x <= 0:
            return "0"
        return "" if x < threshold / 2 else human_duration(int(round(x * 1e9)))  # crowded beside 0

    ax.xaxis.set_major_formatter(FuncFormatter(tick))
    ax.set_xlim(start_ns / 1e9, last / 1e9 * 1.05)
    ax.set_yticks(range(len(entries)))
    ax.set_yticklabels(names, fontsize=9)
    ax.set_ylim(len(entries) - 0.4, -0.6)
    ax.set_xlabel("simulated time" + (" (linear near 0, logarithmic after)" if scale == "symlog" else ""), fontsize=9)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    used = [s for s in colours if any(r["state"] == s for r in rows)]
    ax.legend(handles=[Patch(facecolor=colours[s], label=s) for s in used], loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=8.5, frameon=False, title="state" if table != "nat" else "translation")
    name = view(source).name
    ax.set_title(title or (f"{name}: " if name else "") + _TITLES[table], loc="left", fontsize=12, fontweight="bold")
    if not rows:
        ax.text(0.5, 0.5, f"no {table} entries in this run", transform=ax.transAxes, ha="center", color="#777777")
    return fig


def arp_timeline(source: Any, nodes: Optional[Sequence[str]] = None, window: Window = None, **kw: Any) -> Figure:
    """Each neighbour entry of the hosts' and routers' ARP caches through its states."""
    return table_timeline(source, "arp", nodes, window, **kw)


def mac_timeline(source: Any, nodes: Optional[Sequence[str]] = None, window: Window = None, **kw: Any) -> Figure:
    """Each MAC a switch learnt, and on which port, from learning to ageing out."""
    return table_timeline(source, "mac", nodes, window, **kw)


def nat_timeline(source: Any, nodes: Optional[Sequence[str]] = None, window: Window = None, **kw: Any) -> Figure:
    """Each NAT translation (conntrack entry) of the NAT boxes and gateways, while it lives."""
    return table_timeline(source, "nat", nodes, window, **kw)
