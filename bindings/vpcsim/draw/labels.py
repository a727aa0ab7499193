"""Short labels for frames, from their decoded layers (``vpcsim.decode``, libtins in ``libnet/io``).

A ladder arrow has room for one line, so a label says what a student looks for first: ARP's
question or answer, the ICMP message, UDP/TCP ports and TCP flags. Header layouts stay in
``libnet/wire``: everything here reads the named fields the C++ decoder returns.

    ARP who-has 10.0.1.1? tell 10.0.1.10
    ARP 10.0.1.1 is-at 02:b8:8d:5d:97:f0
    ICMP echo request 10.0.1.10 > 10.0.2.20 seq 1
    UDP 10.0.1.10:40000 > 10.0.2.20:9000 len 2
    TCP 203.0.113.10:39425 > 198.51.100.10:80 [SYN]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from vpcsim import _core

__all__ = ["FrameFacts", "facts", "layer_fields", "layers_as_records", "short_flags"]


@dataclass
class FrameFacts:
    """What a frame is, in the words a ladder and a report use."""

    protocol: str  # arp, icmp, udp, tcp, ipv4, other
    label: str
    src_mac: Optional[str] = None
    dst_mac: Optional[str] = None
    src_ip: Optional[str] = None
    dst_ip: Optional[str] = None
    src_port: Optional[int] = None
    dst_port: Optional[int] = None
    ip_id: Optional[int] = None
    ip_len: Optional[int] = None
    ttl: Optional[int] = None
    flags: Optional[str] = None  # TCP flags as "SYN, ACK"
    icmp: Optional[str] = None  # the ICMP message ("echo request", "port unreachable")
    payload_len: Optional[int] = None


def layer_fields(layers: Sequence[_core.Layer]) -> Dict[str, Dict[str, str]]:
    """{layer name: {field: value}}; the first layer of each name wins (outer before quoted)."""
    out: Dict[str, Dict[str, str]] = {}
    for layer in layers:
        if layer.name not in out:
            out[layer.name] = dict(layer.fields)
    return out


def _number(text: Optional[str]) -> Optional[int]:
    """'0x1498 (5272)' -> 5272, '63' -> 63, '8 (echo request)' -> 8."""
    if text is None:
        return None
    if "(" in text and text.startswith("0x"):
        text = text[text.index("(") + 1 : text.index(")")]
    head = text.split(" ", 1)[0]
    try:
        return int(head, 0)
    except ValueError:
        return None


def _meaning(text: Optional[str]) -> str:
    """'3 (destination unreachable)' -> 'destination unreachable'."""
    if text and "(" in text:
        return text[text.index("(") + 1 : text.rindex(")")]
    return text or ""


_TCP_SHORT = {"SYN": "S", "ACK": ".", "FIN": "F", "RST": "R", "PSH": "P", "URG": "U"}


def _icmp_message(icmp: Dict[str, str]) -> str:
    kind = _meaning(icmp.get("type"))
    code = _meaning(icmp.get("code"))
    # An error's code says more than its type: "port unreachable" rather than "destination unreachable".
    if code and not code.isdigit() and kind in ("destination unreachable", "time exceeded", "redirect"):
        return code
    return kind or f"type {icmp.get('type')}"


def facts(data: bytes) -> FrameFacts:
    """Decodes one Ethernet frame into :class:`FrameFacts`. Never raises for any bytes."""
    fields = layer_fields(_core.decode(data))
    eth = fields.get("Ethernet", {})
    base = {"src_mac": eth.get("src"), "dst_mac": eth.get("dst")}
    if "ARP" in fields:
        arp = fields["ARP"]
        if _number(arp.get("operation")) == 2:
            label = f"ARP {arp.get('sender_ip')} is-at {arp.get('sender_mac')}"
        else:
            label = f"ARP who-has {arp.get('target_ip')}? tell {arp.get('sender_ip')}"
        return FrameFacts("arp", label, src_ip=arp.get("sender_ip"), dst_ip=arp.get("target_ip"), **base)
    ip = fields.get("IPv4")
    if ip is None:
        kind = _meaning(eth.get("type")) or "frame"
        return FrameFacts("other", f"{kind} ({len(data)} bytes)", **base)
    common = dict(
        src_ip=ip.get("src"),
        dst_ip=ip.get("dst"),
        ip_id=_number(ip.get("id")),
        ip_len=_number(ip.get("total_len")),
        ttl=_number(ip.get("ttl")),
        **base,
    )
    payload = _number(fields.get("Payload", {}).get("length")) or 0
    if "ICMP" in fields:
        icmp = fields["ICMP"]
        message = _icmp_message(icmp)
        label = f"ICMP {message} {common['src_ip']} > {common['dst_ip']}"
        if "seq" in icmp and _number(icmp.get("type")) in (0, 8):
            label += f" seq {icmp['seq']}"
        quoted = fields.get("UDP (quoted)") or fields.get("TCP (quoted)")
        if quoted is not None:
            proto = "udp" if "UDP (quoted)" in fields else "tcp"
            label += f" (about {proto} {quoted.get('dst_port')})"
        return FrameFacts("icmp", label, icmp=message, payload_len=payload, **common)  # type: ignore[arg-type]
    for proto in ("UDP", "TCP"):
        if proto in fields:
            l4 = fields[proto]
            sport, dport = _number(l4.get("src_port")), _number(l4.get("dst_port"))
            label = f"{proto} {common['src_ip']}:{sport} > {common['dst_ip']}:{dport}"
            flags = None
            if proto == "TCP":
                flags = l4.get("flags", "")
                label += f" [{flags}]" if flags and flags != "none" else ""
            if payload or proto == "UDP":
                label += f" len {payload}"
            return FrameFacts(
                proto.lower(), label, src_port=sport, dst_port=dport, flags=flags, payload_len=payload, **common  # type: ignore[arg-type]
            )
    proto_name = _meaning(ip.get("protocol")) or "IPv4"
    return FrameFacts("ipv4", f"{proto_name} {common['src_ip']} > {common['dst_ip']}", **common)  # type: ignore[arg-type]


def short_flags(flags: Optional[str]) -> str:
    """'SYN, ACK' -> 'S.' (tcpdump's letters), for tight places."""
    if not flags or flags == "none":
        return ""
    return "".join(_TCP_SHORT.get(f.strip(), "?") for f in flags.split(","))


def layers_as_records(data: bytes) -> List[Dict[str, object]]:
    """The frame's layers for a report: [{'name': 'IPv4', 'fields': [[key, value], ...]}, ...]."""
    return [{"name": layer.name, "fields": [list(f) for f in layer.fields]} for layer in _core.decode(data)]
