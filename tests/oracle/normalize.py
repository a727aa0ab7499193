"""Turn a pcap into a list of normalized lines, one per frame, for the behaviour oracle.

The Linux-kernel oracle (netns.py) and the simulator both write one pcap per captured link; the two
captures can never be byte-identical (MAC addresses, timing, IP ids, ping identifiers and ephemeral
ports differ), so each frame is reduced to a line that keeps what the behaviour is about:

    ARP request bcast who-has 10.0.1.20 tell 10.0.1.10
    ARP request ucast who-has 10.0.1.10 tell 10.0.1.20
    ARP reply ucast 10.0.1.20 is-at, to 10.0.1.10
    IPv4 10.0.1.10>10.0.1.20 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1
    IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=112 ICMP dest-unreachable code=0
        quoting[IPv4 10.0.1.10>203.0.113.9 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1
        (84 of 84 bytes)]                                          (one line in the output)
    IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=30 UDP 5000>9000 len=10 data="hi"

Kept: ARP operation, addresses and whether the frame was broadcast; IPv4 source, destination, TTL,
TOS, DF, total length, options, fragment fields; ICMP type/code/sequence and, for errors, the quoted
datagram (normalized the same way) and how many of its bytes are quoted; UDP/TCP ports and lengths;
short printable UDP payloads.  Dropped: MACs, timestamps, IP ids, ICMP echo identifiers, and ports
>= 32768 that are ephemeral (shown as `*`: every such source port, and such a destination port unless
it is in the traceroute range 33434..33533).  Checksums are verified (IPv4 header, ICMP, UDP, TCP;
also inside a quoted datagram when it is quoted whole); a bad one appends `BADSUM(<proto>)`, a zero
UDP checksum `NOSUM(udp)`, so the line differs.  Ethernet padding after the IP datagram is ignored.
Frames that are neither IPv4 nor ARP are skipped with a warning.

NAT mode (topologies with nat=True): a NAT's whole point is the ports and ICMP ids it rewrites, so
they cannot be hidden.  Instead one `FlowLabels` is shared by every link of the topology, normalized
in the topology's `captured` order: each port that is not a fixed one (below 1024, named by the
traffic, or a traceroute destination) prints as `pN`, and each ICMP echo identifier as `id=iN`,
where N numbers the distinct values in order of first appearance.  A port the NAT keeps shows the
same label inside and outside; a port it changes shows a new label, used for every packet of that
flow; a reply or a quoted header that is not translated back shows the outside label (or address)
on the inside link.  The kernel's random choice of another port and the simulator's differ in
value but get the same label, because labels depend only on the order of first appearance.

Reads classic pcap (microsecond magic a1b2c3d4 and nanosecond magic a1b23c4d, either byte order)
with `struct` only, so it runs anywhere.  CLI: `python3 normalize.py FILE.pcap [--time]`.
"""

from __future__ import annotations

import argparse
import struct
import sys
from dataclasses import dataclass
from typing import Callable, Iterable

LINKTYPE_ETHERNET = 1

_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1_000),  # little-endian, microseconds
    b"\xa1\xb2\xc3\xd4": (">", 1_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1),  # little-endian, nanoseconds
    b"\xa1\xb2\x3c\x4d": (">", 1),
}
_PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_ARP = 0x0806
_ETHERTYPE_NAMES = {0x86DD: "IPv6", 0x8100: "802.1Q", 0x88A8: "802.1ad", 0x8035: "RARP",
                    0x88CC: "LLDP"}

TRACEROUTE_PORTS = range(33434, 33534)
EPHEMERAL_MIN = 32768
SHORT_PAYLOAD_MAX = 16

ICMP_ECHO_REPLY = 0
ICMP_DEST_UNREACHABLE = 3
ICMP_REDIRECT = 5
ICMP_ECHO_REQUEST = 8
ICMP_TIME_EXCEEDED = 11
ICMP_PARAMETER_PROBLEM = 12
_ICMP_ERRORS = {ICMP_DEST_UNREACHABLE: "dest-unreachable", ICMP_TIME_EXCEEDED: "time-exceeded",
                ICMP_PARAMETER_PROBLEM: "parameter-problem", ICMP_REDIRECT: "redirect",
                4: "source-quench"}

Warn = Callable[[str], None]


class PcapError(ValueError):
    """The file is not a classic pcap this module can read."""


@dataclass(frozen=True)
class Record:
    ts_ns: int
    data: bytes
    orig_len: int


def _stderr_warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------------- pcap

def parse_pcap(blob: bytes, warn: Warn = _stderr_warn) -> tuple[int, list[Record]]:
    """Returns (linktype, records) of a classic pcap held in `blob`."""
    if len(blob) < 24:
        raise PcapError(f"too short for a pcap header ({len(blob)} bytes)")
    magic = blob[:4]
    if magic == _PCAPNG_MAGIC:
        raise PcapError("pcapng is not supported; write classic pcap (tcpdump -w does)")
    if magic not in _MAGICS:
        raise PcapError(f"bad pcap magic {magic.hex()}")
    endian, ns_per_unit = _MAGICS[magic]
    _major, _minor, _zone, _sigfigs, _snaplen, linktype = struct.unpack(endian + "HHiIII", blob[4:24])
    records: list[Record] = []
    off = 24
    while off < len(blob):
        if off + 16 > len(blob):
            warn(f"pcap truncated inside record header {len(records) + 1}; ignoring the rest")
            break
        sec, frac, incl, orig = struct.unpack(endian + "IIII", blob[off:off + 16])
        off += 16
        if off + incl > len(blob):
            warn(f"pcap truncated inside record {len(records) + 1}; ignoring the rest")
            break
        records.append(Record(sec * 1_000_000_000 + frac * ns_per_unit, blob[off:off + incl], orig))
        off += incl
    return linktype & 0x0FFFFFFF, records


def read_pcap(path: str, warn: Warn = _stderr_warn) -> tuple[int, list[Record]]:
    with open(path, "rb") as f:
        blob = f.read()
    try:
        return parse_pcap(blob, warn)
    except PcapError as e:
        raise PcapError(f"{path}: {e}") from None


# ----------------------------------------------------------------------------------- helpers

def internet_checksum(data: bytes, initial: int = 0) -> int:
    """One's-complement sum folded to 16 bits (not inverted)."""
    if len(data) % 2:
        data += b"\x00"
    total = initial + sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def _sum_ok(data: bytes, initial: int = 0) -> bool:
    return internet_checksum(data, initial) == 0xFFFF


def _pseudo_sum(src: bytes, dst: bytes, proto: int, length: int) -> int:
    return internet_checksum(src + dst + struct.pack("!BBH", 0, proto, length))


def _ip(b: bytes) -> str:
    return ".".join(str(x) for x in b)


def _port(p: int, is_src: bool) -> str:
    if p < EPHEMERAL_MIN:
        return str(p)
    if not is_src and p in TRACEROUTE_PORTS:
        return str(p)
    return "*"


class ClassicFields:
    """One link on its own: ephemeral ports print as `*`, ICMP echo identifiers are left out."""

    def port(self, p: int, is_src: bool) -> str:
        return _port(p, is_src)

    def icmp_id(self, ident: int) -> str:  # noqa: ARG002 - random per ping process, not compared
        return ""


class FlowLabels:
    """NAT mode: ports and ICMP ids as labels numbered by first appearance (see the module doc).

    Share one instance across all links of a topology, fed in a fixed link order."""

    FIXED_BELOW = 1024

    def __init__(self, literal_ports: Iterable[int] = ()):
        self.literal_ports = frozenset(literal_ports)
        self.ports: dict[int, str] = {}
        self.ids: dict[int, str] = {}

    def port(self, p: int, is_src: bool) -> str:
        if p < self.FIXED_BELOW or p in self.literal_ports or (not is_src and p in TRACEROUTE_PORTS):
            return str(p)
        return self.ports.setdefault(p, f"p{len(self.ports) + 1}")

    def icmp_id(self, ident: int) -> str:
        return f" id={self.ids.setdefault(ident, f'i{len(self.ids) + 1}')}"


CLASSIC = ClassicFields()


def _short_payload(payload: bytes) -> str:
    if 0 < len(payload) <= SHORT_PAYLOAD_MAX and all(32 <= c < 127 and c != 34 for c in payload):
        return f' data="{payload.decode("ascii")}"'
    return ""


# ------------------------------------------------------------------------------------- ARP

def normalize_arp(frame: bytes, eth_dst: bytes, eth_src: bytes) -> str:
    body = frame[14:]
    if len(body) < 28:
        return f"ARP TRUNCATED ({len(body)} bytes)"
    htype, ptype, hlen, plen, op = struct.unpack("!HHBBH", body[:8])
    if (htype, ptype, hlen, plen) != (1, ETHERTYPE_IPV4, 6, 4):
        return f"ARP htype={htype} ptype=0x{ptype:04x} hlen={hlen} plen={plen} op={op}"
    sha, spa, tha, tpa = body[8:14], body[14:18], body[18:24], body[24:28]
    cast = "bcast" if eth_dst == b"\xff" * 6 else ("mcast" if eth_dst[0] & 1 else "ucast")
    flags = ""
    if sha != eth_src:
        flags += " SHA!=ETHSRC"
    if op == 1:
        return f"ARP request {cast} who-has {_ip(tpa)} tell {_ip(spa)}{flags}"
    if op == 2:
        if cast == "ucast" and tha != eth_dst:
            flags += " THA!=ETHDST"
        return f"ARP reply {cast} {_ip(spa)} is-at, to {_ip(tpa)}{flags}"
    return f"ARP op={op} {cast} sender {_ip(spa)} target {_ip(tpa)}{flags}"


# ------------------------------------------------------------------------------------ IPv4

def _ipv4_header(pkt: bytes) -> tuple[str, dict] | None:
    """Formats the IPv4 header of `pkt`; returns (text, fields) or None if not even 20 bytes."""
    if len(pkt) < 20:
        return None
    vihl, tos, total_len, _ident, frag, ttl, proto, _csum = struct.unpack("!BBHHHBBH", pkt[:12])
    version, ihl = vihl >> 4, (vihl & 0x0F) * 4
    src, dst = pkt[12:16], pkt[16:20]
    df, mf, offset = (frag >> 14) & 1, (frag >> 13) & 1, (frag & 0x1FFF) * 8
    text = f"IPv4 {_ip(src)}>{_ip(dst)} ttl={ttl} tos=0x{tos:02x} df={df} len={total_len}"
    if version != 4:
        text += f" version={version}"
    if frag & 0x8000:
        text += " evil=1"
    if ihl < 20:
        text += f" BADIHL({ihl})"
    elif ihl > 20:
        text += f" opts={pkt[20:ihl].hex()}" if len(pkt) >= ihl else " opts=TRUNCATED"
    if mf or offset:
        text += f" frag off={offset} mf={mf}"
    fields = dict(ihl=ihl, total_len=total_len, proto=proto, src=src, dst=dst, offset=offset, mf=mf)
    return text, fields


def _l4(pkt: bytes, f: dict, whole: bool, depth: int, fields=CLASSIC) -> tuple[str, str]:
    """Formats the transport part of an IPv4 datagram whose bytes are `pkt` (possibly cut short).

    `whole` says whether the datagram is complete, so that checksums can be verified.
    Returns (text, checksum flags)."""
    ihl, proto = f["ihl"], f["proto"]
    payload = pkt[ihl:f["total_len"]]
    flags = ""
    if f["offset"]:
        return f"proto={proto} (fragment)", flags
    fragmented = bool(f["mf"])
    if proto == 1:
        return _icmp(payload, whole and not fragmented, depth, fields)
    if proto == 17:
        if len(payload) < 8:
            return f"UDP TRUNCATED ({len(payload)} bytes)", flags
        sport, dport, ulen, csum = struct.unpack("!HHHH", payload[:8])
        text = f"UDP {fields.port(sport, True)}>{fields.port(dport, False)} len={ulen}"
        if whole and not fragmented:
            if ulen != len(payload):
                flags += f" BADLEN(udp ip-payload={len(payload)})"
            if csum == 0:
                flags += " NOSUM(udp)"
            elif not _sum_ok(payload[:ulen], _pseudo_sum(f["src"], f["dst"], 17, ulen)):
                flags += " BADSUM(udp)"
            text += _short_payload(payload[8:ulen])
        return text, flags
    if proto == 6:
        if len(payload) < 20:
            if len(payload) >= 4:
                sport, dport = struct.unpack("!HH", payload[:4])
                return f"TCP {fields.port(sport, True)}>{fields.port(dport, False)}", flags
            return f"TCP TRUNCATED ({len(payload)} bytes)", flags
        sport, dport, _seq, _ack, off_flags = struct.unpack("!HHIIH", payload[:14])
        doff = (off_flags >> 12) * 4
        names = "".join(c for bit, c in ((1, "F"), (2, "S"), (4, "R"), (8, "P"), (16, "A"),
                                         (32, "U")) if off_flags & bit)
        text = (f"TCP {fields.port(sport, True)}>{fields.port(dport, False)} flags={names or '-'}"
                f" len={max(0, len(payload) - doff)}")
        if whole and not fragmented and not _sum_ok(
                payload, _pseudo_sum(f["src"], f["dst"], 6, len(payload))):
            flags += " BADSUM(tcp)"
        return text, flags
    if proto == 2 and len(payload) >= 1:
        return f"IGMP type=0x{payload[0]:02x}", flags
    return f"proto={proto}", flags


def _icmp(msg: bytes, whole: bool, depth: int, fields=CLASSIC) -> tuple[str, str]:
    if len(msg) < 8:
        return f"ICMP TRUNCATED ({len(msg)} bytes)", ""
    icmp_type, code = msg[0], msg[1]
    flags = "" if not whole or _sum_ok(msg) else " BADSUM(icmp)"
    if icmp_type in (ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY):
        name = "echo-request" if icmp_type == ICMP_ECHO_REQUEST else "echo-reply"
        ident, seq = struct.unpack("!HH", msg[4:8])
        code_text = f" code={code}" if code else ""
        return f"ICMP {name}{code_text}{fields.icmp_id(ident)} seq={seq}", flags
    if icmp_type in _ICMP_ERRORS:
        text = f"ICMP {_ICMP_ERRORS[icmp_type]} code={code}"
        if icmp_type == ICMP_DEST_UNREACHABLE and code == 4:
            text += f" mtu={struct.unpack('!H', msg[6:8])[0]}"
        elif icmp_type == ICMP_REDIRECT:
            text += f" gateway={_ip(msg[4:8])}"
        elif icmp_type == ICMP_PARAMETER_PROBLEM:
            text += f" pointer={msg[4]}"
        elif msg[4:8] != b"\x00\x00\x00\x00":
            text += f" unused={msg[4:8].hex()}"
        if depth == 0:
            text += f" quoting[{_quoted(msg[8:], fields)}]"
        return text, flags
    return f"ICMP type={icmp_type} code={code}", flags


def _quoted(inner: bytes, fields=CLASSIC) -> str:
    header = _ipv4_header(inner)
    if header is None:
        return f"TRUNCATED ({len(inner)} bytes)"
    text, f = header
    whole = len(inner) >= f["total_len"]
    if len(inner) >= f["ihl"] >= 20 and not _sum_ok(inner[:f["ihl"]]):
        text += " BADSUM(ip)"
    l4_text, l4_flags = _l4(inner, f, whole, depth=1, fields=fields)
    return f"{text} {l4_text}{l4_flags} ({len(inner)} of {f['total_len']} bytes)"


def normalize_ipv4(pkt: bytes, fields=CLASSIC) -> str:
    header = _ipv4_header(pkt)
    if header is None:
        return f"IPv4 TRUNCATED ({len(pkt)} bytes)"
    text, f = header
    flags = ""
    if len(pkt) >= f["ihl"] >= 20 and not _sum_ok(pkt[:f["ihl"]]):
        flags += " BADSUM(ip)"
    whole = len(pkt) >= f["total_len"]
    if not whole:
        flags += f" TRUNCATED({len(pkt)} of {f['total_len']} bytes)"
    l4_text, l4_flags = _l4(pkt, f, whole, depth=0, fields=fields)
    return f"{text} {l4_text}{flags}{l4_flags}"


# ---------------------------------------------------------------------------------- frames

def normalize_frame(frame: bytes, warn: Warn = _stderr_warn, index: int = 0,
                    fields=CLASSIC) -> str | None:
    """One normalized line for an Ethernet frame, or None (with a warning) for other protocols."""
    if len(frame) < 14:
        warn(f"frame {index}: runt of {len(frame)} bytes ignored")
        return None
    eth_dst, eth_src = frame[0:6], frame[6:12]
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == ETHERTYPE_ARP:
        return normalize_arp(frame, eth_dst, eth_src)
    if ethertype == ETHERTYPE_IPV4:
        return normalize_ipv4(frame[14:], fields)
    if ethertype < 0x0600:
        name = "802.3 length field"
    else:
        name = _ETHERTYPE_NAMES.get(ethertype, "unknown")
    warn(f"frame {index}: ignoring non-IPv4/ARP frame, ethertype 0x{ethertype:04x} ({name})")
    return None


def normalize_records(linktype: int, records: Iterable[Record], warn: Warn = _stderr_warn,
                      with_time: bool = False, fields=CLASSIC) -> list[str]:
    if linktype != LINKTYPE_ETHERNET:
        raise PcapError(f"linktype {linktype} is not Ethernet (1)")
    lines: list[str] = []
    t0 = None
    for i, rec in enumerate(records, start=1):
        line = normalize_frame(rec.data, warn, i, fields)
        if line is None:
            continue
        if rec.orig_len > len(rec.data):
            line += f" SNAPPED({len(rec.data)} of {rec.orig_len})"
        if with_time:
            t0 = rec.ts_ns if t0 is None else t0
            line = f"+{(rec.ts_ns - t0) / 1e9:8.3f} {line}"
        lines.append(line)
    return lines


def normalize_pcap(path: str, warn: Warn = _stderr_warn, with_time: bool = False,
                   fields=CLASSIC) -> list[str]:
    """The normalized lines of every IPv4/ARP frame in the pcap at `path`, in capture order.

    `fields` is CLASSIC, or in NAT mode the FlowLabels shared by all links of the topology."""
    linktype, records = read_pcap(path, warn)
    return normalize_records(linktype, records, lambda m: warn(f"{path}: {m}"), with_time, fields)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pcap", nargs="+")
    parser.add_argument("--time", action="store_true",
                        help="prefix each line with seconds since the file's first frame")
    parser.add_argument("--nat", metavar="PORTS", nargs="?", const="",
                        help="NAT mode: one set of flow labels across the files, in the order given; "
                             "PORTS is a comma-separated list of ports printed as they are")
    args = parser.parse_args(argv)
    fields = CLASSIC if args.nat is None else \
        FlowLabels(int(p) for p in args.nat.split(",") if p)
    for path in args.pcap:
        if len(args.pcap) > 1:
            print(f"# {path}")
        try:
            lines = normalize_pcap(path, with_time=args.time, fields=fields)
        except (OSError, PcapError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        for line in lines:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
