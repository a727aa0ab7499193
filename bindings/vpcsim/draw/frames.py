"""The frames of a run, one record per frame per link: the data a ladder, a report and a test read.

Each captured interface's pcap holds what crossed it both ways (tx when its transmission started,
rx when it arrived), as bytes, without a direction. For a link whose two ends were captured, every
frame is there twice: as the sender's tx and, later, as the receiver's rx, so pairing equal bytes
across the two files in time order gives each frame's sender, receiver, departure and arrival. For a
link captured at one end only, the direction comes from the Ethernet source (a host or router sends
with its own MAC; a switch port sends everyone's but its peer's) and the other time from the link's
delay and bandwidth.

On top of that:
* ``parent``: the frame this one was forwarded from (a switch moved the same bytes on; a router or a
  NAT took the latest packet it received with the same protocol, IPv4 id and length, and the same TTL
  or one more: AWS's VPC router and gateways are no hop), so a packet can be followed hop by hop;
* ``nat``: where that forwarding changed an address or port, what it became ("NAT src 10.0.2.10 ->
  198.51.100.20");
* ``dropped``: the trace's drop reason when the receiver dropped the frame (the drop event at the
  node and time the frame arrived). Drops that match no frame (a packet that never left its node)
  are in :func:`drop_records` with ``frame`` None.

    from vpcsim import draw
    draw.frame_records(rec)[0]
    # {'index': 0, 'time_ns': 0, 'arrive_ns': 10672, 'src_node': 'h1', ..., 'label': 'ARP who-has 10.0.1.1? tell 10.0.1.10'}
"""

from __future__ import annotations

import bisect
import importlib
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Deque, Dict, List, Optional, Sequence, Tuple, Union

from vpcsim import _core
from vpcsim.draw import labels as _labels
from vpcsim.draw.source import View, view

if TYPE_CHECKING:  # pragma: no cover
    import pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]

__all__ = [
    "DROP_COLUMNS",
    "FRAME_COLUMNS",
    "Window",
    "drop_records",
    "frame_records",
    "frame_table",
    "parse_window",
]

Record = Dict[str, Any]
Window = Union[None, Tuple[Union[str, int, None], Union[str, int, None]]]

FRAME_COLUMNS = (
    "index",
    "time_ns",
    "arrive_ns",
    "link",
    "src_node",
    "src_interface",
    "dst_node",
    "dst_interface",
    "protocol",
    "label",
    "summary",
    "length",
    "src_mac",
    "dst_mac",
    "src_ip",
    "dst_ip",
    "src_port",
    "dst_port",
    "ttl",
    "parent",
    "nat",
    "dropped",
    "drop_detail",
    "data",
)
DROP_COLUMNS = ("time_ns", "node", "interface", "reason", "detail", "frame")

_PREAMBLE_AND_GAP = 24  # bytes of preamble, start delimiter, FCS and gap that occupy a link besides the frame


def parse_window(window: Window) -> Tuple[int, Optional[int]]:
    """(start, end) in ns from a window such as ("1s", "2s"), (0, 5_000_000) or None (everything)."""
    if window is None:
        return 0, None
    if not isinstance(window, (tuple, list)) or len(window) != 2:
        raise ValueError(f"window takes (start, end), e.g. ('1s', '2s'), got {window!r}")

    def ns(value: Union[str, int, None]) -> Optional[int]:
        if value is None:
            return None
        if isinstance(value, str):
            return int(_core.parse_duration(value))
        return int(value)

    start, end = ns(window[0]), ns(window[1])
    return start or 0, end


@dataclass
class _End:
    endpoint: str
    node: Any
    iface: Any
    peer: str
    link: Any


def _ends(net: Any) -> Dict[str, _End]:
    owner = {}
    for node in net.nodes:
        for iface in node.interfaces:
            owner[iface.full_name] = (node, iface)
    ends = {}
    for link in net.links:
        a, b = link.a.full_name, link.b.full_name
        ends[a] = _End(a, owner[a][0], owner[a][1], b, link)
        ends[b] = _End(b, owner[b][0], owner[b][1], a, link)
    return ends


def _sends(end: _End, ends: Dict[str, _End], src_mac: Optional[str]) -> bool:
    """Whether a frame with this Ethernet source, seen at `end`, was sent by it (a guess from MACs)."""
    if not isinstance(end.node, _core.Switch):
        return src_mac == str(end.iface.mac)
    peer = ends[end.peer]
    if not isinstance(peer.node, _core.Switch):
        return src_mac != str(peer.iface.mac)
    return True  # switch to switch, one end captured: nothing tells; the bytes went out of here


def _flight_ns(link: Any, length: int) -> int:
    bandwidth = link.bandwidth_bps
    serialise = 0 if not bandwidth else ((max(length, 60) + _PREAMBLE_AND_GAP) * 8 * 1_000_000_000) // bandwidth
    return int(link.delay_ns + serialise)


def _read(path: Any) -> List[Tuple[int, bytes]]:
    return [(r.ts_ns, r.data) for r in _core.PcapReader(str(path)).read_all()]


def _link_frames(a: _End, b: _End, ends: Dict[str, _End], pcaps: Dict[str, Any]) -> List[Tuple[int, int, _End, _End, bytes]]:
    """(tx_ns, rx_ns, sender, receiver, bytes) for each frame that crossed one link."""
    have_a, have_b = a.endpoint in pcaps, b.endpoint in pcaps
    out: List[Tuple[int, int, _End, _End, bytes]] = []
    if have_a and have_b:
        seen = []
        for end in (a, b):
            for order, (ts, data) in enumerate(_read(pcaps[end.endpoint])):
                seen.append((ts, 0 if _sends(end, ends, _src_mac(data)) else 1, order, end, data))
        seen.sort(key=lambda s: (s[0], s[1]))
        pending: Dict[bytes, Deque[Tuple[int, _End]]] = defaultdict(deque)
        for ts, _, _, end, data in seen:
            queue = pending[data]
            if queue and queue[0][1] is not end:
                tx, sender = queue.popleft()
                out.append((tx, ts, sender, end, data))
            else:
                queue.append((ts, end))
        for data, queue in pending.items():  # sent, but the other end never saw it arrive
            for tx, sender in queue:
                receiver = b if sender is a else a
                out.append((tx, tx + _flight_ns(sender.link, len(data)), sender, receiver, data))
        return out
    for end, other in ((a, b), (b, a)):
        if end.endpoint not in pcaps:
            continue
        for ts, data in _read(pcaps[end.endpoint]):
            flight = _flight_ns(end.link, len(data))
            if _sends(end, ends, _src_mac(data)):
                out.append((ts, ts + flight, end, other, data))
            else:
                out.append((ts - flight, ts, other, end, data))
    return out


_mac_cache: Dict[bytes, str] = {}


def _src_mac(data: bytes) -> Optional[str]:
    """The Ethernet source as text, from the decoder (header layouts live in libnet/wire)."""
    key = bytes(data[:14])
    mac = _mac_cache.get(key)
    if mac is None:
        layers = _core.decode(key + bytes(46))  # only the Ethernet header matters here
        mac = dict(layers[0].fields).get("src", "") if layers else ""
        if len(_mac_cache) < 65536:
            _mac_cache[key] = mac
    return mac


def _nat_text(parent: Record, child: Record) -> Optional[str]:
    """What a NAT changed between the frame it received and the one it sent, e.g.
    "NAT src 192.168.1.11:41000 -> 203.0.113.2:41000" (None when nothing was rewritten)."""

    def side(ip: Optional[str], port: Optional[int]) -> str:
        return f"{ip}:{port}" if port is not None else str(ip)

    parts = []
    for end in ("src", "dst"):
        before = side(parent[f"{end}_ip"], parent[f"{end}_port"])
        after = side(child[f"{end}_ip"], child[f"{end}_port"])
        if before != after:
            parts.append(f"{end} {before} -> {after}")
    return "NAT " + ", ".join(parts) if parts else None


def _link_parents(rows: List[Record], kinds: Dict[str, str]) -> None:
    """Sets ``parent`` (and ``nat``) of each forwarded frame: see the module's docstring."""
    by_bytes: Dict[Tuple[str, bytes], List[Tuple[int, int]]] = defaultdict(list)
    by_ip: Dict[Tuple[str, Any, Any, Any], List[Tuple[int, int]]] = defaultdict(list)
    for row in rows:  # rows are in time order, so each list is sorted by arrival within a node's receptions
        by_bytes[(row["dst_node"], row["data"])].append((row["arrive_ns"], row["index"]))
        if row["ttl"] is not None:
            by_ip[(row["dst_node"], row["protocol"], row["_ip_id"], row["_ip_len"])].append((row["arrive_ns"], row["index"]))
    for received in list(by_bytes.values()) + list(by_ip.values()):
        received.sort()
    for row in rows:
        node = row["src_node"]
        is_switch = kinds.get(node) == "switch"
        if is_switch:
            candidates = by_bytes.get((node, row["data"]), [])
        elif row["ttl"] is not None and kinds.get(node) in ("router", "nat"):
            candidates = by_ip.get((node, row["protocol"], row["_ip_id"], row["_ip_len"]), [])
        else:
            continue  # a host originates what it sends
        at = bisect.bisect_right(candidates, (row["time_ns"], 1 << 62))
        for arrive, index in reversed(candidates[:at]):
            parent = rows[index]
            if parent["index"] == row["index"]:
                continue
            # A router takes one off the TTL; AWS's VPC router and gateways are no hop and keep it.
            if not is_switch and (parent["ttl"] is None or row["ttl"] not in (parent["ttl"], parent["ttl"] - 1)):
                continue
            row["parent"] = index
            if not is_switch:
                row["nat"] = _nat_text(parent, row)
            break


def _trace_drops(v: View) -> List[Record]:
    net = v.network
    log = net.trace
    names: Dict[int, Optional[str]] = {0xFFFFFFFF: None}
    ifaces: Dict[int, Optional[str]] = {0xFFFFFFFF: None}
    out = []
    for e in log.events:
        if e.kind != "dropped":
            continue
        if e.node_id not in names:
            names[e.node_id] = log.node_name(e.node_id)
        if e.interface_id not in ifaces:
            ifaces[e.interface_id] = log.interface_name(e.interface_id)
        out.append(
            {
                "time_ns": e.at_ns,
                "node": names[e.node_id],
                "interface": ifaces[e.interface_id],
                "reason": e.reason,
                "detail": e.detail or None,
                "frame": None,
            }
        )
    return out


def _build(v: View) -> Tuple[List[Record], List[Record]]:
    net = v.network
    ends = _ends(net)
    raw: List[Tuple[int, int, int, _End, _End, bytes]] = []
    done = set()
    for order, link in enumerate(net.links):
        a, b = ends[link.a.full_name], ends[link.b.full_name]
        if a.endpoint in done:
            continue
        done.add(a.endpoint)
        for tx, rx, sender, receiver, data in _link_frames(a, b, ends, v.pcaps):
            raw.append((tx, rx, order, sender, receiver, data))
    raw.sort(key=lambda r: (r[0], r[1], r[2]))
    rows: List[Record] = []
    for index, (tx, rx, _, sender, receiver, data) in enumerate(raw):
        f = _labels.facts(data)
        rows.append(
            {
                "index": index,
                "time_ns": tx,
                "arrive_ns": rx,
                "link": f"{sender.link.a.full_name} <-> {sender.link.b.full_name}",
                "src_node": sender.node.name,
                "src_interface": sender.endpoint,
                "dst_node": receiver.node.name,
                "dst_interface": receiver.endpoint,
                "protocol": f.protocol,
                "label": f.label,
                "summary": _core.describe(data),
                "length": len(data),
                "src_mac": f.src_mac,
                "dst_mac": f.dst_mac,
                "src_ip": f.src_ip,
                "dst_ip": f.dst_ip,
                "src_port": f.src_port,
                "dst_port": f.dst_port,
                "ttl": f.ttl,
                "parent": None,
                "nat": None,
                "dropped": None,
                "drop_detail": None,
                "data": data,
                "_ip_id": f.ip_id,
                "_ip_len": f.ip_len,
            }
        )
    kinds = {node.name: node.kind for node in net.nodes}
    _link_parents(rows, kinds)
    drops = _trace_drops(v)
    arrivals: Dict[Tuple[Optional[str], int], List[int]] = defaultdict(list)
    for row in rows:
        arrivals[(row["dst_node"], row["arrive_ns"])].append(row["index"])
    for drop in drops:
        for index in arrivals.get((drop["node"], drop["time_ns"]), []):
            row = rows[index]
            if row["dropped"] is None and (drop["interface"] in (None, row["dst_interface"])):
                row["dropped"], row["drop_detail"], drop["frame"] = drop["reason"], drop["detail"], index
                break
    for row in rows:
        del row["_ip_id"], row["_ip_len"]
    return rows, drops


_CACHE: Dict[int, Tuple[Any, Tuple[List[Record], List[Record]]]] = {}


def _cached(v: View) -> Tuple[List[Record], List[Record]]:
    """Frames are read once per (network, set of pcaps and their sizes) and reused by each picture."""
    key = (id(v.network), tuple(sorted((e, str(p), p.stat().st_size) for e, p in v.pcaps.items())), len(v.network.trace.events))
    hit = _CACHE.get(id(v.network))
    if hit is not None and hit[0] == key:
        return hit[1]
    built = _build(v)
    _CACHE.clear()  # one run at a time: pictures of the same run reuse it, nothing older is kept
    _CACHE[id(v.network)] = (key, built)
    return built


def _in_window(rows: Sequence[Record], window: Window) -> List[Record]:
    start, end = parse_window(window)
    return [r for r in rows if r["time_ns"] >= start and (end is None or r["time_ns"] < end)]


def frame_records(source: Any, window: Window = None, pcaps: Any = None) -> List[Record]:
    """One dict per frame per link, in the order frames started (see the module docstring); the keys
    are :data:`FRAME_COLUMNS`. `window` keeps the frames that started in [start, end), e.g. ('1s', '2s')."""
    rows, _ = _cached(view(source, pcaps))
    return [dict(r) for r in _in_window(rows, window)]


def drop_records(source: Any, window: Window = None, pcaps: Any = None) -> List[Record]:
    """Every drop of the run (trace events of kind ``dropped``), with ``frame`` the index of the
    frame it ended (None when the packet never crossed a captured link)."""
    _, drops = _cached(view(source, pcaps))
    return [dict(d) for d in _in_window(drops, window)]


def frame_table(source: Any, window: Window = None, pcaps: Any = None) -> "pandas.DataFrame":
    """:func:`frame_records` as a pandas DataFrame (without the raw bytes column ``data``)."""
    pd = importlib.import_module("pandas")
    columns = [c for c in FRAME_COLUMNS if c != "data"]
    rows = [{c: r[c] for c in columns} for r in frame_records(source, window, pcaps)]
    return pd.DataFrame.from_records(rows, columns=columns)
