"""Unit tests of the oracle's pcap normalizer and comparator, on synthetic pcaps (no root needed)."""

from __future__ import annotations

import io
import struct
import sys
from pathlib import Path

import pytest

ORACLE_DIR = Path(__file__).resolve().parents[1] / "oracle"
sys.path.insert(0, str(ORACLE_DIR))

import compare  # noqa: E402
import normalize  # noqa: E402
import topologies  # noqa: E402

MAC_H1 = bytes.fromhex("020000000001")
MAC_H2 = bytes.fromhex("020000000002")
BCAST = b"\xff" * 6


# ------------------------------------------------------------------------------ frame builders

def ip4(text: str) -> bytes:
    return bytes(int(x) for x in text.split("."))


def csum(data: bytes) -> int:
    return 0xFFFF ^ normalize.internet_checksum(data)


def eth(dst: bytes, src: bytes, ethertype: int, payload: bytes) -> bytes:
    return dst + src + struct.pack("!H", ethertype) + payload


def arp(op: int, sha: bytes, spa: str, tha: bytes, tpa: str) -> bytes:
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + ip4(spa) + tha + ip4(tpa)


def ipv4(src: str, dst: str, proto: int, payload: bytes, ttl: int = 64, tos: int = 0,
         df: bool = True, ident: int = 0x1234, frag: int = 0, bad_sum: bool = False,
         total_len: int | None = None) -> bytes:
    length = 20 + len(payload) if total_len is None else total_len
    flags = (0x4000 if df else 0) | frag
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, length, ident, flags, ttl, proto, 0,
                      ip4(src), ip4(dst))
    s = csum(hdr) ^ (0x0101 if bad_sum else 0)
    return hdr[:10] + struct.pack("!H", s) + hdr[12:] + payload


def icmp(icmp_type: int, code: int, rest: bytes, body: bytes, bad_sum: bool = False) -> bytes:
    msg = struct.pack("!BBH", icmp_type, code, 0) + rest + body
    s = csum(msg) ^ (0x0101 if bad_sum else 0)
    return msg[:2] + struct.pack("!H", s) + msg[4:]


def echo(request: bool, ident: int, seq: int, data: bytes = bytes(range(56))) -> bytes:
    return icmp(8 if request else 0, 0, struct.pack("!HH", ident, seq), data)


def udp(src: str, dst: str, sport: int, dport: int, data: bytes, bad_sum: bool = False,
        zero_sum: bool = False) -> bytes:
    length = 8 + len(data)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + data
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, length)
    s = 0 if zero_sum else (csum(pseudo + seg) or 0xFFFF) ^ (0x0101 if bad_sum else 0)
    return seg[:6] + struct.pack("!H", s) + seg[8:]


def pcap(frames: list[bytes], nsec: bool = False, big_endian: bool = False,
         linktype: int = 1, t0: int = 1_700_000_000) -> bytes:
    e = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    out = io.BytesIO()
    out.write(struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype))
    for i, f in enumerate(frames):
        frac = i * (1000 if nsec else 1)
        out.write(struct.pack(e + "IIII", t0 + i, frac, len(f), len(f)) + f)
    return out.getvalue()


def write_pcap(path: Path, frames: list[bytes], **kw) -> Path:
    path.write_bytes(pcap(frames, **kw))
    return path


def norm(frame: bytes) -> str | None:
    return normalize.normalize_frame(frame, warn=lambda m: None)


# --------------------------------------------------------------------------------------- pcap

@pytest.mark.parametrize("nsec", [False, True])
@pytest.mark.parametrize("big_endian", [False, True])
def test_reads_all_four_magics(tmp_path, nsec, big_endian):
    frame = eth(BCAST, MAC_H1, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20"))
    blob = pcap([frame, frame], nsec=nsec, big_endian=big_endian)
    linktype, records = normalize.parse_pcap(blob)
    assert linktype == 1
    assert [r.data for r in records] == [frame, frame]
    assert records[1].ts_ns - records[0].ts_ns == 1_000_001_000
    lines = normalize.normalize_pcap(str(write_pcap(tmp_path / "a.pcap", [frame],
                                                    nsec=nsec, big_endian=big_endian)))
    assert lines == ["ARP request bcast who-has 10.0.1.20 tell 10.0.1.10"]


def test_rejects_pcapng_and_garbage():
    with pytest.raises(normalize.PcapError, match="pcapng"):
        normalize.parse_pcap(b"\x0a\x0d\x0d\x0a" + b"\0" * 40)
    with pytest.raises(normalize.PcapError, match="magic"):
        normalize.parse_pcap(b"\x00" * 24)
    with pytest.raises(normalize.PcapError, match="too short"):
        normalize.parse_pcap(b"\xd4\xc3\xb2\xa1")


def test_truncated_last_record_warns_and_keeps_the_rest():
    frame = eth(BCAST, MAC_H1, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20"))
    blob = pcap([frame, frame])[:-5]
    warnings: list[str] = []
    _, records = normalize.parse_pcap(blob, warn=warnings.append)
    assert len(records) == 1
    assert "truncated" in warnings[0]


def test_non_ethernet_linktype_is_an_error(tmp_path):
    with pytest.raises(normalize.PcapError, match="linktype 113"):
        normalize.normalize_pcap(str(write_pcap(tmp_path / "sll.pcap", [b"x" * 20], linktype=113)))


def test_time_prefix(tmp_path):
    frame = eth(BCAST, MAC_H1, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20"))
    lines = normalize.normalize_pcap(str(write_pcap(tmp_path / "t.pcap", [frame, frame])),
                                     with_time=True)
    assert lines[0].startswith("+   0.000 ARP")
    assert lines[1].startswith("+   1.000 ARP")


# ---------------------------------------------------------------------------------------- ARP

def test_arp_request_broadcast_and_unicast_and_reply():
    req = eth(BCAST, MAC_H1, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20"))
    probe = eth(MAC_H1, MAC_H2, 0x0806, arp(1, MAC_H2, "10.0.1.20", b"\0" * 6, "10.0.1.10"))
    reply = eth(MAC_H1, MAC_H2, 0x0806, arp(2, MAC_H2, "10.0.1.20", MAC_H1, "10.0.1.10"))
    assert norm(req) == "ARP request bcast who-has 10.0.1.20 tell 10.0.1.10"
    assert norm(probe) == "ARP request ucast who-has 10.0.1.10 tell 10.0.1.20"
    assert norm(reply) == "ARP reply ucast 10.0.1.20 is-at, to 10.0.1.10"


def test_arp_padding_is_ignored_and_mac_inconsistency_flagged():
    padded = eth(BCAST, MAC_H1, 0x0806,
                 arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20") + b"\0" * 18)
    assert norm(padded) == "ARP request bcast who-has 10.0.1.20 tell 10.0.1.10"
    liar = eth(BCAST, MAC_H2, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20"))
    assert norm(liar).endswith(" SHA!=ETHSRC")
    misaddressed = eth(MAC_H1, MAC_H2, 0x0806, arp(2, MAC_H2, "10.0.1.20", MAC_H2, "10.0.1.10"))
    assert norm(misaddressed).endswith(" THA!=ETHDST")


# --------------------------------------------------------------------------------------- IPv4

def test_echo_request_and_reply_ignore_ids():
    a = eth(MAC_H2, MAC_H1, 0x0800, ipv4("10.0.1.10", "10.0.1.20", 1, echo(True, 0x1111, 1)))
    b = eth(MAC_H1, MAC_H2, 0x0800, ipv4("10.0.1.10", "10.0.1.20", 1, echo(True, 0x2222, 1),
                                          ident=0x9999))
    assert norm(a) == norm(b) == \
        "IPv4 10.0.1.10>10.0.1.20 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1"
    r = eth(MAC_H1, MAC_H2, 0x0800, ipv4("10.0.1.20", "10.0.1.10", 1, echo(False, 0x1111, 3),
                                          df=False))
    assert norm(r) == "IPv4 10.0.1.20>10.0.1.10 ttl=64 tos=0x00 df=0 len=84 ICMP echo-reply seq=3"


def test_ethernet_padding_after_ip_datagram_is_ignored():
    dgram = ipv4("10.0.1.10", "10.0.2.20", 17, udp("10.0.1.10", "10.0.2.20", 5000, 9000, b"hi"))
    frame = eth(MAC_H2, MAC_H1, 0x0800, dgram + b"\0" * 16)
    assert norm(frame) == ('IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=30 '
                           'UDP 5000>9000 len=10 data="hi"')


def test_dest_unreachable_quotes_the_datagram():
    original = ipv4("10.0.1.10", "203.0.113.9", 1, echo(True, 7, 1))
    err = ipv4("10.0.1.1", "10.0.1.10", 1, icmp(3, 0, b"\0\0\0\0", original), tos=0xC0, df=False)
    assert norm(eth(MAC_H1, MAC_H2, 0x0800, err)) == (
        "IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=112 ICMP dest-unreachable code=0 "
        "quoting[IPv4 10.0.1.10>203.0.113.9 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1 "
        "(84 of 84 bytes)]")


def test_partial_quote_counts_bytes_and_skips_inner_checksums():
    original = ipv4("10.0.1.10", "10.0.2.20", 17,
                    udp("10.0.1.10", "10.0.2.20", 40000, 9999, b"x" * 100))
    err = ipv4("10.0.2.20", "10.0.1.10", 1, icmp(3, 3, b"\0\0\0\0", original[:28]), tos=0xC0,
               df=False)
    assert norm(eth(MAC_H1, MAC_H2, 0x0800, err)) == (
        "IPv4 10.0.2.20>10.0.1.10 ttl=64 tos=0xc0 df=0 len=56 ICMP dest-unreachable code=3 "
        "quoting[IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=128 UDP *>9999 len=108 "
        "(28 of 128 bytes)]")


def test_time_exceeded_with_traceroute_ports():
    probe = ipv4("10.0.1.10", "10.0.3.20", 17,
                 udp("10.0.1.10", "10.0.3.20", 45678, 33434, bytes(32)), ttl=1, df=False)
    assert norm(eth(MAC_H2, MAC_H1, 0x0800, probe)) == \
        "IPv4 10.0.1.10>10.0.3.20 ttl=1 tos=0x00 df=0 len=60 UDP *>33434 len=40"
    err = ipv4("10.0.1.1", "10.0.1.10", 1, icmp(11, 0, b"\0\0\0\0", probe), tos=0xC0, df=False)
    assert norm(eth(MAC_H1, MAC_H2, 0x0800, err)) == (
        "IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=88 ICMP time-exceeded code=0 "
        "quoting[IPv4 10.0.1.10>10.0.3.20 ttl=1 tos=0x00 df=0 len=60 UDP *>33434 len=40 "
        "(60 of 60 bytes)]")


def test_ephemeral_ports():
    def line(sport, dport):
        return norm(eth(MAC_H2, MAC_H1, 0x0800, ipv4(
            "10.0.1.10", "10.0.2.20", 17, udp("10.0.1.10", "10.0.2.20", sport, dport, b""))))
    assert "UDP 5000>9000 len=8" in line(5000, 9000)
    assert "UDP *>9000 " in line(40000, 9000)
    assert "UDP 9000>* " in line(9000, 50000)
    assert "UDP *>33500 " in line(33434, 33500)  # source never kept; traceroute dst kept


def test_checksum_flags():
    good_udp = udp("10.0.1.10", "10.0.2.20", 5000, 9000, b"hi")
    assert "SUM" not in norm(eth(MAC_H2, MAC_H1, 0x0800,
                                 ipv4("10.0.1.10", "10.0.2.20", 17, good_udp)))
    bad_ip = norm(eth(MAC_H2, MAC_H1, 0x0800,
                      ipv4("10.0.1.10", "10.0.2.20", 17, good_udp, bad_sum=True)))
    assert bad_ip.endswith(" BADSUM(ip)")
    bad_udp = norm(eth(MAC_H2, MAC_H1, 0x0800, ipv4(
        "10.0.1.10", "10.0.2.20", 17, udp("10.0.1.10", "10.0.2.20", 5000, 9000, b"hi",
                                          bad_sum=True))))
    assert bad_udp.endswith(" BADSUM(udp)")
    no_udp = norm(eth(MAC_H2, MAC_H1, 0x0800, ipv4(
        "10.0.1.10", "10.0.2.20", 17, udp("10.0.1.10", "10.0.2.20", 5000, 9000, b"hi",
                                          zero_sum=True))))
    assert no_udp.endswith(" NOSUM(udp)")
    bad_icmp = norm(eth(MAC_H2, MAC_H1, 0x0800, ipv4(
        "10.0.1.10", "10.0.2.20", 1, icmp(8, 0, struct.pack("!HH", 1, 1), b"abc", bad_sum=True))))
    assert bad_icmp.endswith(" BADSUM(icmp)")
    # A bad checksum inside a whole quoted datagram is flagged inside the quote.
    original = ipv4("10.0.1.10", "203.0.113.9", 1, echo(True, 7, 1), bad_sum=True)
    err = ipv4("10.0.1.1", "10.0.1.10", 1, icmp(3, 0, b"\0\0\0\0", original), tos=0xC0, df=False)
    assert " BADSUM(ip) ICMP echo-request" in norm(eth(MAC_H1, MAC_H2, 0x0800, err))


def test_truncated_ip_and_fragments_and_tcp_and_other_protocols():
    dgram = ipv4("10.0.1.10", "10.0.2.20", 1, echo(True, 1, 1))
    assert norm(eth(MAC_H2, MAC_H1, 0x0800, dgram[:40])).endswith(
        "ICMP echo-request seq=1 TRUNCATED(40 of 84 bytes)")
    frag = ipv4("10.0.1.10", "10.0.2.20", 17, b"x" * 16, df=False, frag=0x2000 | 185)
    assert norm(eth(MAC_H2, MAC_H1, 0x0800, frag)) == (
        "IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=0 len=36 frag off=1480 mf=1 "
        "proto=17 (fragment)")
    seg = struct.pack("!HHIIHHHH", 43210, 80, 1, 0, (5 << 12) | 0x02, 64240, 0, 0)
    pseudo = ip4("10.0.1.10") + ip4("10.0.2.20") + struct.pack("!BBH", 0, 6, len(seg))
    seg = seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]
    assert norm(eth(MAC_H2, MAC_H1, 0x0800, ipv4("10.0.1.10", "10.0.2.20", 6, seg))) == \
        "IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=40 TCP *>80 flags=S len=0"
    assert norm(eth(MAC_H2, MAC_H1, 0x0800, ipv4("10.0.1.10", "10.0.2.20", 47, b"gre!"))) == \
        "IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=24 proto=47"


def test_non_ipv4_arp_frames_are_skipped_with_a_warning(tmp_path):
    ipv6 = eth(b"\x33\x33\0\0\0\x16", MAC_H1, 0x86DD, b"\x60" + b"\0" * 39)
    arp_frame = eth(BCAST, MAC_H1, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20"))
    warnings: list[str] = []
    lines = normalize.normalize_pcap(str(write_pcap(tmp_path / "m.pcap", [ipv6, arp_frame])),
                                     warn=warnings.append)
    assert lines == ["ARP request bcast who-has 10.0.1.20 tell 10.0.1.10"]
    assert len(warnings) == 1 and "0x86dd (IPv6)" in warnings[0] and "frame 1" in warnings[0]


def test_cli_prints_lines(tmp_path, capsys):
    frame = eth(BCAST, MAC_H1, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.20"))
    path = write_pcap(tmp_path / "c.pcap", [frame])
    assert normalize.main([str(path)]) == 0
    assert capsys.readouterr().out == "ARP request bcast who-has 10.0.1.20 tell 10.0.1.10\n"
    (tmp_path / "bad.pcap").write_bytes(b"nope" * 10)
    assert normalize.main([str(tmp_path / "bad.pcap")]) == 2


# ------------------------------------------------------------------------------------ compare

def no_route_h1_frames() -> list[bytes]:
    """What the kernel put on h1-eth0 in no_route (see tests/oracle/README.md), rebuilt."""
    gw = bytes.fromhex("020000000011")
    req1 = ipv4("10.0.1.10", "203.0.113.9", 1, echo(True, 77, 1))
    req2 = ipv4("10.0.1.10", "198.51.100.7", 1, echo(True, 78, 1))
    req3 = ipv4("10.0.1.10", "192.0.2.1", 1, echo(True, 79, 1))  # blackholed: no answer
    return [
        eth(BCAST, MAC_H1, 0x0806, arp(1, MAC_H1, "10.0.1.10", b"\0" * 6, "10.0.1.1")),
        eth(MAC_H1, gw, 0x0806, arp(2, gw, "10.0.1.1", MAC_H1, "10.0.1.10")),
        eth(gw, MAC_H1, 0x0800, req1),
        eth(MAC_H1, gw, 0x0800, ipv4("10.0.1.1", "10.0.1.10", 1, icmp(3, 0, b"\0" * 4, req1),
                                      tos=0xC0, df=False)),
        eth(gw, MAC_H1, 0x0800, req2),
        eth(MAC_H1, gw, 0x0800, ipv4("10.0.1.1", "10.0.1.10", 1, icmp(3, 1, b"\0" * 4, req2),
                                      tos=0xC0, df=False)),
        eth(gw, MAC_H1, 0x0800, req3),
    ]


def test_synthetic_pcap_matches_the_kernel_reference(tmp_path):
    """A simulator pcap that behaves like the kernel compares equal to tests/oracle/expected."""
    frames = no_route_h1_frames()
    write_pcap(tmp_path / "h1-eth0.pcap", frames, nsec=True)
    write_pcap(tmp_path / "r1-eth0.pcap", frames, nsec=True)
    out = io.StringIO()
    results = compare.compare_dirs("no_route", tmp_path, ORACLE_DIR / "expected" / "no_route",
                                   "sim", "kernel", out=out)
    assert compare.all_same(results), out.getvalue()
    assert "2 of 2 links match" in out.getvalue()


def test_difference_is_reported_as_a_diff(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    frames = no_route_h1_frames()
    wrong = list(frames)
    req2 = ipv4("10.0.1.10", "198.51.100.7", 1, echo(True, 78, 1))
    wrong[5] = eth(MAC_H1, MAC_H2, 0x0800, ipv4("10.0.1.1", "10.0.1.10", 1,
                                                 icmp(3, 0, b"\0" * 4, req2), tos=0xC0, df=False))
    for d, fr in ((a, frames), (b, wrong)):
        write_pcap(d / "h1-eth0.pcap", fr)
        write_pcap(d / "r1-eth0.pcap", frames)
    out = io.StringIO()
    results = compare.compare_dirs("no_route", a, b, "kernel", "sim", out=out)
    assert [r.same for r in results] == [False, True]
    text = out.getvalue()
    assert "--- kernel/h1-eth0" in text and "+++ sim/h1-eth0" in text
    assert "\n-IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=112 ICMP dest-unreachable code=1" \
        in text
    assert "\n+IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=112 ICMP dest-unreachable code=0" \
        in text
    assert "different: h1-eth0" in text


def test_missing_link_is_a_difference_and_txt_is_accepted(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    frames = no_route_h1_frames()
    write_pcap(a / "h1-eth0.pcap", frames)
    lines = normalize.normalize_pcap(str(a / "h1-eth0.pcap"))
    (b / "h1-eth0.txt").write_text("\n".join(lines) + "\n")
    results = compare.compare_dirs("no_route", a, b, out=None)
    assert results[0].same
    assert not results[1].same and "missing r1-eth0" in results[1].report


def test_compare_cli_exit_codes(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for d in (a, b):
        write_pcap(d / "h1-eth0.pcap", no_route_h1_frames())
        write_pcap(d / "r1-eth0.pcap", no_route_h1_frames())
    assert compare.main(["no_route", str(a), str(b)]) == 0
    write_pcap(b / "r1-eth0.pcap", no_route_h1_frames()[:4])
    assert compare.main(["no_route", str(a), str(b)]) == 1
    assert "DIFFERENT (7 vs 4 frames)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        compare.main(["no_such_topology", str(a), str(b)])
    assert e.value.code == 2


# --------------------------------------------------------------------------- reference files

@pytest.mark.parametrize("name", sorted(topologies.TOPOLOGIES))
def test_expected_reference_exists_for_every_captured_link(name):
    topo = topologies.get(name)
    for link in topo.captured:
        path = ORACLE_DIR / "expected" / name / f"{link}.txt"
        assert path.exists(), f"missing kernel reference {path}"
        lines = path.read_text().splitlines()
        assert lines, f"empty kernel reference {path}"
        assert not any("SUM" in l or "TRUNCATED" in l for l in lines), path


def test_topologies_are_consistent():
    for topo in topologies.TOPOLOGIES.values():
        ends = {}
        for link in topo.links:
            for end in (link.a, link.b):
                node, iface = end.split(".")
                assert iface in topo.node(node).ifaces, end
                assert end not in ends, f"{end} used twice"
                ends[end] = link
        for node in topo.nodes:
            for iface in node.ifaces:
                assert f"{node.name}.{iface}" in ends, f"{node.name}.{iface} not linked"
        for link in topo.captured:
            node, iface = topo.split_link(link)
            assert iface in topo.node(node).ifaces
        assert topo.gtest_name


# --------------------------------------------------------------------------------- NAT mode

def test_nat_labels_number_values_by_first_appearance_and_keep_fixed_ports():
    labels = normalize.FlowLabels(literal_ports=[9000])
    inside = norm_nat(udp_frame("10.0.0.10", "203.0.113.50", 40000, 9000), labels)
    outside = norm_nat(udp_frame("203.0.113.5", "203.0.113.50", 51000, 9000), labels)
    back = norm_nat(udp_frame("203.0.113.50", "10.0.0.10", 9000, 40000), labels)
    low = norm_nat(udp_frame("10.0.0.10", "203.0.113.50", 53, 33434), labels)
    assert "UDP p1>9000" in inside and "UDP p2>9000" in outside and "UDP 9000>p1" in back
    assert "UDP 53>33434" in low  # below 1024 and a traceroute destination: printed as they are
    ping = norm_nat(eth(MAC_H2, MAC_H1, 0x0800, ipv4("10.0.0.10", "203.0.113.50", 1,
                                                     echo(True, 0xBEEF, 1))), labels)
    assert "ICMP echo-request id=i1 seq=1" in ping
    assert "id=" not in norm(eth(MAC_H2, MAC_H1, 0x0800, ipv4("10.0.0.10", "203.0.113.50", 1,
                                                              echo(True, 0xBEEF, 1))))


def norm_nat(frame: bytes, labels) -> str:
    return normalize.normalize_frame(frame, warn=lambda m: None, fields=labels)


def udp_frame(src: str, dst: str, sport: int, dport: int, data: bytes = b"hi") -> bytes:
    return eth(MAC_H2, MAC_H1, 0x0800, ipv4(src, dst, 17, udp(src, dst, sport, dport, data)))


def one_to_one_links(ping_in: int, ping_out: int, port_in: int, port_out: int,
                     reply_id_in: int | None = None, reply_id_out: int | None = None,
                     quote_src_in: tuple[str, int] | None = None) -> dict[str, list[bytes]]:
    """Synthetic nat_one_to_one captures: vm pings ext (id ping_in inside, ping_out outside), sends
    UDP from port_in (port_out outside) to ext's port 9000, which answers port unreachable.
    The optional arguments inject translation mistakes on the inside (reply id, quoted source)
    or the outside (reply id)."""
    vm, pub, ext = "10.0.0.10", "203.0.113.5", "203.0.113.50"
    q_addr, q_port = quote_src_in or (vm, port_in)

    def side(src: str, ident: int, reply_ident: int, port: int, quoted: tuple[str, int],
             ttl: int) -> list[bytes]:
        dgram = ipv4(quoted[0], ext, 17, udp(quoted[0], ext, quoted[1], 9000, b"hi"), ttl=ttl)
        return [
            eth(MAC_H2, MAC_H1, 0x0800, ipv4(src, ext, 1, echo(True, ident, 1))),
            eth(MAC_H1, MAC_H2, 0x0800, ipv4(ext, src, 1, echo(False, reply_ident, 1), df=False)),
            udp_frame(src, ext, port, 9000),
            eth(MAC_H1, MAC_H2, 0x0800, ipv4(ext, src, 1, icmp(3, 3, b"\0" * 4, dgram),
                                             tos=0xC0, df=False)),
        ]
    inside = side(vm, ping_in, ping_in if reply_id_in is None else reply_id_in, port_in,
                  (q_addr, q_port), 63)
    outside = side(pub, ping_out, ping_out if reply_id_out is None else reply_id_out, port_out,
                   (pub, port_out), 63)
    return {"vm-eth0": inside, "nat1-eth0": inside, "nat1-eth1": outside, "ext-eth0": outside}


def write_links(directory: Path, links: dict[str, list[bytes]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for link, frames in links.items():
        write_pcap(directory / f"{link}.pcap", frames)
    return directory


# The "kernel" kept nothing: another ICMP id and another port outside (as after a clash).
KERNEL_NAT = dict(ping_in=0x1111, ping_out=0x2222, port_in=40000, port_out=41000)


def test_nat_mode_equal_when_translation_is_the_same_with_other_values(tmp_path):
    kernel = write_links(tmp_path / "kernel", one_to_one_links(**KERNEL_NAT))
    sim = write_links(tmp_path / "sim", one_to_one_links(0x3333, 0x4444, 45000, 50000))
    out = io.StringIO()
    assert compare.all_same(compare.compare_dirs("nat_one_to_one", kernel, sim, out=out)), \
        out.getvalue()
    assert "quoting[IPv4 10.0.0.10>203.0.113.50" in "\n".join(
        compare.load_dir(kernel, topologies.get("nat_one_to_one"))["vm-eth0"])


@pytest.mark.parametrize("mistake, link", [
    (dict(ping_out=0x3333), "nat1-eth1"),                       # id kept where the kernel changed it
    (dict(port_out=45000), "nat1-eth1"),                        # port kept where the kernel changed it
    (dict(reply_id_in=0x4444), "vm-eth0"),                      # echo reply id not translated back
    (dict(reply_id_out=0x5555), "ext-eth0"),                    # reply with another id outside
    (dict(quote_src_in=("203.0.113.5", 50000)), "vm-eth0"),     # quoted header not translated back
    (dict(quote_src_in=("10.0.0.10", 50000)), "vm-eth0"),       # quoted port not translated back
])
def test_nat_mode_catches_a_wrong_translation(tmp_path, mistake, link):
    kernel = write_links(tmp_path / "kernel", one_to_one_links(**KERNEL_NAT))
    wrong = dict(ping_in=0x3333, ping_out=0x4444, port_in=45000, port_out=50000)
    wrong.update(mistake)
    sim = write_links(tmp_path / "sim", one_to_one_links(**wrong))
    results = {r.link: r for r in compare.compare_dirs("nat_one_to_one", kernel, sim, out=None)}
    assert not results[link].same, results[link].report
