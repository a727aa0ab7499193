"""Craft Ethernet frames by hand, to inject them into a simulated network.

Every function returns the frame as ``bytes``, lengths and checksums filled (built by libtins in
C++, an implementation independent of the simulator's own), ready for
``Network.inject("h1.eth0", frame)`` and readable with :func:`vpcsim.decode`::

    >>> import vpcsim
    >>> from vpcsim import craft
    >>> frame = craft.icmp_echo(src_mac="02:00:00:00:00:01", dst_mac="02:00:00:00:00:02",
    ...                         src_ip="10.0.1.10", dst_ip="10.0.1.20", identifier=7, seq=1)
    >>> vpcsim.describe(frame)
    'IP 10.0.1.10 > 10.0.1.20: ICMP echo request, id 7, seq 1, length 8'
    >>> [layer.name for layer in vpcsim.decode(frame)]
    ['Ethernet', 'IPv4', 'ICMP']

All arguments are keyword-only. Addresses are strings or :class:`vpcsim.MacAddress` /
:class:`vpcsim.Ipv4Address`; a payload is ``bytes`` (or ``str``, sent as UTF-8). The IPv4 header
takes ``ttl`` (64), ``tos`` (0), ``df`` (True: Linux sets Don't Fragment on what it originates) and
``ip_id`` (0). Frames are padded to the 60-byte Ethernet minimum unless ``pad=False``.

A value out of range raises :class:`vpcsim.ConfigError` naming the function and the argument
(``craft.udp: ttl: must be an integer in 0..255, got 300``).
"""

from __future__ import annotations

from typing import Any, Union

from vpcsim import _core
from vpcsim._core import Ipv4Address, MacAddress
from vpcsim.errors import ConfigError

__all__ = [
    "BROADCAST",
    "MacLike",
    "IpLike",
    "Payload",
    "arp_request",
    "arp_reply",
    "icmp_echo",
    "icmp_echo_reply",
    "udp",
    "tcp",
    "tcp_flags",
    "tcp_flags_text",
]

MacLike = Union[MacAddress, str]
IpLike = Union[Ipv4Address, str]
Payload = Union[bytes, bytearray, memoryview, str]

#: The Ethernet broadcast address, where ARP requests go.
BROADCAST = "ff:ff:ff:ff:ff:ff"

_IPV4_MAX_TOTAL_LEN = 65535


def _error(function: str, field: str, message: str) -> ConfigError:
    error = ConfigError(f"craft.{function}: {field}: {message}")
    error.object = f"craft.{function}"
    error.field = field
    return error


def _uint(function: str, field: str, value: object, bits: int) -> int:
    top = (1 << bits) - 1
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise _error(function, field, f"must be an integer in 0..{top}, got {value!r}")
    return value


def _mac(function: str, field: str, value: object) -> MacAddress:
    if isinstance(value, MacAddress):
        return value
    if isinstance(value, str):
        return MacAddress(value)
    raise _error(function, field, f"expected a MAC address such as '02:00:00:00:00:01', got {value!r}")


def _ip(function: str, field: str, value: object) -> Ipv4Address:
    if isinstance(value, Ipv4Address):
        return value
    if isinstance(value, str):
        return Ipv4Address(value)
    raise _error(function, field, f"expected an IPv4 address such as '10.0.1.10', got {value!r}")


def _payload(function: str, value: object, header_len: int) -> bytes:
    if isinstance(value, str):
        data = value.encode("utf-8")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        raise _error(function, "payload", f"expected bytes or str, got {type(value).__name__}")
    most = _IPV4_MAX_TOTAL_LEN - 20 - header_len
    if len(data) > most:
        raise _error(function, "payload", f"{len(data)} bytes is more than an IPv4 datagram holds here ({most})")
    return data


def _ipv4(function: str, src_ip: IpLike, dst_ip: IpLike, ttl: int, tos: int, df: bool, ip_id: int) -> dict[str, Any]:
    return {
        "src_ip": _ip(function, "src_ip", src_ip),
        "dst_ip": _ip(function, "dst_ip", dst_ip),
        "ttl": _uint(function, "ttl", ttl, 8),
        "tos": _uint(function, "tos", tos, 8),
        "df": bool(df),
        "ip_id": _uint(function, "ip_id", ip_id, 16),
    }


def arp_request(
    *,
    src_mac: MacLike,
    src_ip: IpLike,
    dst_ip: IpLike,
    dst_mac: MacLike = BROADCAST,
    pad: bool = True,
) -> bytes:
    """ARP request from ``src_mac``: who has ``dst_ip``? tell ``src_ip``.

    The target hardware address is zero, as Linux sends it. ``dst_mac`` is the Ethernet
    destination: broadcast by default, a unicast MAC for the re-validation Linux does on a stale
    entry. ``src_ip == dst_ip`` makes a gratuitous ARP.
    """
    f = "arp_request"
    return _core.craft_arp_request(
        src_mac=_mac(f, "src_mac", src_mac),
        src_ip=_ip(f, "src_ip", src_ip),
        dst_ip=_ip(f, "dst_ip", dst_ip),
        dst_mac=_mac(f, "dst_mac", dst_mac),
        pad=bool(pad),
    )


def arp_reply(
    *,
    src_mac: MacLike,
    src_ip: IpLike,
    dst_mac: MacLike,
    dst_ip: IpLike,
    pad: bool = True,
) -> bytes:
    """ARP reply: ``src_ip`` is at ``src_mac``; sent to ``dst_ip`` at ``dst_mac``."""
    f = "arp_reply"
    return _core.craft_arp_reply(
        src_mac=_mac(f, "src_mac", src_mac),
        src_ip=_ip(f, "src_ip", src_ip),
        dst_mac=_mac(f, "dst_mac", dst_mac),
        dst_ip=_ip(f, "dst_ip", dst_ip),
        pad=bool(pad),
    )


def icmp_echo(
    *,
    src_mac: MacLike,
    dst_mac: MacLike,
    src_ip: IpLike,
    dst_ip: IpLike,
    identifier: int = 0,
    seq: int = 1,
    payload: Payload = b"",
    reply: bool = False,
    ttl: int = 64,
    tos: int = 0,
    df: bool = True,
    ip_id: int = 0,
    pad: bool = True,
) -> bytes:
    """ICMP echo request (ping), or an echo reply with ``reply=True``.

    ``dst_mac`` is the next hop's MAC: the destination's own on the same subnet, the gateway's
    otherwise (``net.interface("r1.eth0").mac``).
    """
    f = "icmp_echo_reply" if reply else "icmp_echo"
    return _core.craft_icmp_echo(
        src_mac=_mac(f, "src_mac", src_mac),
        dst_mac=_mac(f, "dst_mac", dst_mac),
        identifier=_uint(f, "identifier", identifier, 16),
        seq=_uint(f, "seq", seq, 16),
        payload=_payload(f, payload, 8),
        reply=bool(reply),
        pad=bool(pad),
        **_ipv4(f, src_ip, dst_ip, ttl, tos, df, ip_id),
    )


def icmp_echo_reply(
    *,
    src_mac: MacLike,
    dst_mac: MacLike,
    src_ip: IpLike,
    dst_ip: IpLike,
    identifier: int = 0,
    seq: int = 1,
    payload: Payload = b"",
    ttl: int = 64,
    tos: int = 0,
    df: bool = True,
    ip_id: int = 0,
    pad: bool = True,
) -> bytes:
    """ICMP echo reply: :func:`icmp_echo` with ``reply=True``."""
    return icmp_echo(
        src_mac=src_mac,
        dst_mac=dst_mac,
        src_ip=src_ip,
        dst_ip=dst_ip,
        identifier=identifier,
        seq=seq,
        payload=payload,
        reply=True,
        ttl=ttl,
        tos=tos,
        df=df,
        ip_id=ip_id,
        pad=pad,
    )


def udp(
    *,
    src_mac: MacLike,
    dst_mac: MacLike,
    src_ip: IpLike,
    dst_ip: IpLike,
    src_port: int,
    dst_port: int,
    payload: Payload = b"",
    ttl: int = 64,
    tos: int = 0,
    df: bool = True,
    ip_id: int = 0,
    pad: bool = True,
) -> bytes:
    """UDP datagram in IPv4 (a checksum that computes to 0 is sent as 0xffff, RFC 768)."""
    f = "udp"
    return _core.craft_udp(
        src_mac=_mac(f, "src_mac", src_mac),
        dst_mac=_mac(f, "dst_mac", dst_mac),
        src_port=_uint(f, "src_port", src_port, 16),
        dst_port=_uint(f, "dst_port", dst_port, 16),
        payload=_payload(f, payload, 8),
        pad=bool(pad),
        **_ipv4(f, src_ip, dst_ip, ttl, tos, df, ip_id),
    )


def tcp(
    *,
    src_mac: MacLike,
    dst_mac: MacLike,
    src_ip: IpLike,
    dst_ip: IpLike,
    src_port: int,
    dst_port: int,
    flags: Union[str, int] = "S",
    seq: int = 0,
    ack: int = 0,
    window: int = 64240,
    payload: Payload = b"",
    ttl: int = 64,
    tos: int = 0,
    df: bool = True,
    ip_id: int = 0,
    pad: bool = True,
) -> bytes:
    """TCP segment in IPv4 with a 20-byte header (no options).

    ``flags`` is tcpdump/scapy letters (``"S"``, ``"SA"``, ``"PA"``, ``"FA"``, ``"R"``, ``"."`` for
    ACK), names (``"SYN,ACK"``) or the flag byte as an int (``0x12``).
    """
    f = "tcp"
    return _core.craft_tcp(
        src_mac=_mac(f, "src_mac", src_mac),
        dst_mac=_mac(f, "dst_mac", dst_mac),
        src_port=_uint(f, "src_port", src_port, 16),
        dst_port=_uint(f, "dst_port", dst_port, 16),
        seq=_uint(f, "seq", seq, 32),
        ack=_uint(f, "ack", ack, 32),
        flags=tcp_flags(flags) if isinstance(flags, str) else _uint(f, "flags", flags, 8),
        window=_uint(f, "window", window, 16),
        payload=_payload(f, payload, 20),
        pad=bool(pad),
        **_ipv4(f, src_ip, dst_ip, ttl, tos, df, ip_id),
    )


def tcp_flags(text: str) -> int:
    """``"SA"`` or ``"SYN,ACK"`` -> ``0x12``. Raises :class:`vpcsim.ParseError` for anything else."""
    return _core.parse_tcp_flags(text)


def tcp_flags_text(flags: int) -> str:
    """``0x12`` -> ``"SYN, ACK"``."""
    return _core.tcp_flags_to_string(_uint("tcp_flags_text", "flags", flags, 8))
