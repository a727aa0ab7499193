"""vpcsim.craft: frames built by hand decode into the layers asked for, with correct checksums (by
vpcsim.decode and, when installed, tshark), and a simulated network answers them when injected."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

import vpcsim
from vpcsim import craft

from conftest import unavailable

MAC1 = "02:00:00:00:00:01"
MAC2 = "02:00:00:00:00:02"
IP1 = "10.0.1.10"
IP2 = "10.0.1.20"


def layers(frame: bytes) -> Dict[str, Dict[str, str]]:
    return {layer.name: dict(layer.fields) for layer in vpcsim.decode(frame)}


def names(frame: bytes) -> List[str]:
    return [layer.name for layer in vpcsim.decode(frame)]


def checksums(frame: bytes) -> List[str]:
    return [layer["checksum"] for layer in vpcsim.decode(frame) if "checksum" in dict(layer.fields)]


def echo_request(**overrides: object) -> bytes:
    args: Dict[str, object] = dict(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2)
    args.update(overrides)
    return craft.icmp_echo(**args)  # type: ignore[arg-type]


# --- building and decoding ------------------------------------------------------------------------


def test_arp_request_decodes_as_who_has():
    frame = craft.arp_request(src_mac=MAC1, src_ip=IP1, dst_ip=IP2)
    assert isinstance(frame, bytes)
    assert len(frame) == 60
    assert names(frame) == ["Ethernet", "ARP"]
    decoded = layers(frame)
    assert decoded["Ethernet"]["dst"] == "ff:ff:ff:ff:ff:ff"
    assert decoded["Ethernet"]["src"] == MAC1
    assert decoded["ARP"]["operation"] == "1 (request)"
    assert decoded["ARP"]["sender_mac"] == MAC1
    assert decoded["ARP"]["sender_ip"] == IP1
    assert decoded["ARP"]["target_mac"] == "00:00:00:00:00:00"
    assert decoded["ARP"]["target_ip"] == IP2
    assert vpcsim.describe(frame) == "ARP, Request who-has 10.0.1.20 tell 10.0.1.10"


def test_arp_reply_and_unicast_request():
    reply = craft.arp_reply(src_mac=MAC2, src_ip=IP2, dst_mac=MAC1, dst_ip=IP1)
    assert vpcsim.describe(reply) == "ARP, Reply 10.0.1.20 is-at 02:00:00:00:00:02"
    assert layers(reply)["ARP"]["target_mac"] == MAC1
    unicast = craft.arp_request(src_mac=MAC1, src_ip=IP1, dst_ip=IP2, dst_mac=MAC2, pad=False)
    assert len(unicast) == 42
    assert layers(unicast)["Ethernet"]["dst"] == MAC2


def test_icmp_echo_request_carries_every_field():
    frame = echo_request(identifier=0x1234, seq=7, payload=b"abcdefgh", ttl=17, tos=0xB8, ip_id=4242)
    assert names(frame) == ["Ethernet", "IPv4", "ICMP", "Payload"]
    decoded = layers(frame)
    assert decoded["Ethernet"]["src"] == MAC1 and decoded["Ethernet"]["dst"] == MAC2
    ip = decoded["IPv4"]
    assert (ip["src"], ip["dst"], ip["ttl"], ip["tos"]) == (IP1, IP2, "17", "0xb8")
    assert ip["id"] == "0x1092 (4242)"
    assert ip["flags"] == "DF"
    assert ip["total_len"] == "36"
    assert decoded["ICMP"]["type"] == "8 (echo request)"
    assert (decoded["ICMP"]["id"], decoded["ICMP"]["seq"]) == ("4660", "7")
    assert all(c.endswith("(correct)") for c in checksums(frame)) and len(checksums(frame)) == 2
    assert frame[14 + 28 : 14 + 36] == b"abcdefgh"
    assert len(frame) == 60 and frame[50:] == bytes(10)  # padded with zeros


def test_icmp_echo_reply_defaults():
    frame = craft.icmp_echo_reply(src_mac=MAC2, dst_mac=MAC1, src_ip=IP2, dst_ip=IP1, identifier=5)
    decoded = layers(frame)
    assert decoded["ICMP"]["type"] == "0 (echo reply)"
    assert decoded["ICMP"]["seq"] == "1"
    assert decoded["IPv4"]["ttl"] == "64"
    assert decoded["IPv4"]["id"] == "0x0000 (0)"
    assert craft.icmp_echo(src_mac=MAC2, dst_mac=MAC1, src_ip=IP2, dst_ip=IP1, identifier=5, reply=True) == frame


def test_df_off_and_padding_off():
    frame = echo_request(df=False, pad=False)
    assert layers(frame)["IPv4"]["flags"] == "none"
    assert len(frame) == 14 + 20 + 8
    assert len(echo_request()) == 60


def test_udp_datagram():
    frame = craft.udp(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip="10.0.2.20", src_port=5000, dst_port=9000,
                      payload="hi")
    assert names(frame) == ["Ethernet", "IPv4", "UDP", "Payload"]
    udp = layers(frame)["UDP"]
    assert (udp["src_port"], udp["dst_port"], udp["length"]) == ("5000", "9000", "10")
    assert all(c.endswith("(correct)") for c in checksums(frame))
    assert vpcsim.describe(frame) == "IP 10.0.1.10.5000 > 10.0.2.20.9000: UDP, length 2"


def test_tcp_segment_with_flags_as_letters_names_or_int():
    frame = craft.tcp(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2, src_port=40000, dst_port=80,
                      flags="PA", seq=1000, ack=2000, window=512, payload=b"GET /")
    tcp = layers(frame)["TCP"]
    assert (tcp["seq"], tcp["ack"], tcp["flags"], tcp["window"]) == ("1000", "2000", "PSH, ACK", "512")
    assert all(c.endswith("(correct)") for c in checksums(frame))
    assert vpcsim.describe(frame).endswith("Flags [P.], seq 1000, ack 2000, win 512, length 5")
    syn = dict(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2, src_port=1, dst_port=2)
    assert craft.tcp(**syn) == craft.tcp(**syn, flags="S") == craft.tcp(**syn, flags="SYN") == craft.tcp(**syn, flags=2)
    assert layers(craft.tcp(**syn, flags="SYN,ACK"))["TCP"]["flags"] == "SYN, ACK"


def test_tcp_flags_helpers():
    assert craft.tcp_flags("SA") == 0x12
    assert craft.tcp_flags("S.") == 0x12
    assert craft.tcp_flags("fin, ack") == 0x11
    assert craft.tcp_flags("") == 0
    assert craft.tcp_flags_text(0x12) == "SYN, ACK"
    assert craft.tcp_flags_text(0) == "none"
    with pytest.raises(vpcsim.ParseError) as info:
        craft.tcp_flags("SX")
    assert info.value.text == "SX"
    assert "'X' is not a flag letter" in str(info.value)


def test_addresses_as_objects_or_strings():
    a = echo_request()
    b = craft.icmp_echo(src_mac=vpcsim.MacAddress(MAC1), dst_mac=vpcsim.MacAddress(MAC2),
                        src_ip=vpcsim.Ipv4Address(IP1), dst_ip=vpcsim.Ipv4Address(IP2))
    assert a == b


# --- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "function, field, value",
    [
        ("icmp_echo", "ttl", 300),
        ("icmp_echo", "seq", -1),
        ("icmp_echo", "identifier", 65536),
        ("icmp_echo", "tos", True),
        ("icmp_echo", "ip_id", 1.5),
    ],
)
def test_out_of_range_fields_are_config_errors_naming_the_field(function, field, value):
    with pytest.raises(vpcsim.ConfigError) as info:
        echo_request(**{field: value})
    assert info.value.object == f"craft.{function}"
    assert info.value.field == field
    assert str(info.value).startswith(f"craft.{function}: {field}: must be an integer in 0..")
    assert isinstance(info.value, ValueError)


def test_more_field_errors():
    with pytest.raises(vpcsim.ConfigError) as info:
        craft.udp(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2, src_port=70000, dst_port=1)
    assert (info.value.object, info.value.field) == ("craft.udp", "src_port")
    with pytest.raises(vpcsim.ConfigError) as info:
        craft.tcp(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2, src_port=1, dst_port=2, seq=1 << 32)
    assert info.value.field == "seq"
    with pytest.raises(vpcsim.ConfigError) as info:
        craft.udp(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2, src_port=1, dst_port=2, payload=bytes(65508))
    assert info.value.field == "payload"
    assert len(craft.udp(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2, src_port=1, dst_port=2,
                         payload=bytes(65507))) == 14 + 65535
    with pytest.raises(vpcsim.ConfigError) as info:
        echo_request(payload=12)
    assert info.value.field == "payload"
    with pytest.raises(vpcsim.ConfigError) as info:
        echo_request(src_mac=12)
    assert info.value.field == "src_mac"
    with pytest.raises(vpcsim.ParseError) as parse:
        echo_request(dst_ip="10.0.0.300")
    assert parse.value.text == "10.0.0.300"
    with pytest.raises(vpcsim.ParseError):
        echo_request(src_mac="02:00:00:00:00")
    with pytest.raises(TypeError):
        craft.icmp_echo(MAC1, MAC2, IP1, IP2)  # type: ignore[misc]  # keyword-only


def test_oversized_payload_reaching_cpp_is_a_config_error_too():
    with pytest.raises(vpcsim.ConfigError) as info:
        vpcsim._core.craft_udp(src_mac=vpcsim.MacAddress(MAC1), dst_mac=vpcsim.MacAddress(MAC2),
                               src_ip=vpcsim.Ipv4Address(IP1), dst_ip=vpcsim.Ipv4Address(IP2), src_port=1,
                               dst_port=2, payload=bytes(65508))
    assert (info.value.object, info.value.field) == ("craft_udp", "payload")
    assert "at most 65507" in str(info.value)


# --- tshark ---------------------------------------------------------------------------------------------


def write_pcap(path: Path, frames: List[bytes]) -> None:
    """A classic microsecond pcap, link type Ethernet."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(frame), len(frame)))
            f.write(frame)


def tshark_problems(path: Path) -> List[str]:
    prefs = subprocess.run(["tshark", "-G", "defaultprefs"], capture_output=True, text=True).stdout
    options: List[str] = []
    for proto in ("eth", "ip", "icmp", "udp", "tcp"):
        if f"#{proto}.check_checksum:" in prefs:
            options += ["-o", f"{proto}.check_checksum:TRUE"]
    result = subprocess.run(["tshark", "-n", *options, "-r", str(path), "-V"], capture_output=True, text=True)
    bad = ("Malformed", "Expert Info (Error", "[incorrect", "Bad checksum", "Checksum Status: Bad", "cut short",
           "damaged", "Exception")
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if any(b in line for b in bad) and not line.startswith("Running as user")]
    if result.returncode != 0:
        problems.append(f"tshark exited with {result.returncode}")
    return problems


def test_tshark_finds_no_bad_checksum(tmp_path):
    if shutil.which("tshark") is None:
        unavailable("tshark is not installed (apt-get install tshark)")
    common = dict(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2)
    frames = [
        craft.arp_request(src_mac=MAC1, src_ip=IP1, dst_ip=IP2),
        craft.arp_reply(src_mac=MAC2, src_ip=IP2, dst_mac=MAC1, dst_ip=IP1),
        craft.icmp_echo(**common, identifier=1, seq=1, payload=bytes(range(56))),
        craft.icmp_echo_reply(**common, identifier=1, seq=1, pad=False),
        craft.udp(**common, src_port=5000, dst_port=53, payload=b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                  b"\x07example\x03com\x00\x00\x01\x00\x01"),
        craft.udp(**common, src_port=5000, dst_port=9000, payload=b"", tos=0x10, df=False, ip_id=77),
        craft.tcp(**common, src_port=40000, dst_port=80, flags="S", seq=1),
        craft.tcp(**common, src_port=40000, dst_port=80, flags="PA", seq=2, ack=9, payload=b"GET / HTTP/1.0\r\n\r\n"),
        craft.tcp(**common, src_port=40000, dst_port=80, flags="R", seq=3),
    ]
    path = tmp_path / "crafted.pcap"
    write_pcap(path, frames)
    assert tshark_problems(path) == []
    out = subprocess.run(["tshark", "-n", "-r", str(path), "-T", "fields", "-e", "frame.protocols"],
                         capture_output=True, text=True).stdout.split()
    assert out[:4] == ["eth:ethertype:arp", "eth:ethertype:arp", "eth:ethertype:ip:icmp:data", "eth:ethertype:ip:icmp"]
    assert out[4] == "eth:ethertype:ip:udp:dns"
    assert all(p.startswith("eth:ethertype:ip:tcp") for p in out[6:])


# --- injection into a simulated network ----------------------------------------------------------------


@pytest.fixture
def lan(tmp_path):
    """h1 and h2 on one switch, a capture on h2.eth0 (created before anything runs)."""
    net = vpcsim.Network(seed=3)
    h1, h2 = net.add_host("h1"), net.add_host("h2")
    net.add_switch("sw1")
    h1.add_interface("eth0", "10.0.1.10/24")
    h2.add_interface("eth0", "10.0.1.20/24")
    net.connect("h1.eth0", "sw1")
    net.connect("h2.eth0", "sw1")
    path = tmp_path / "h2.pcap"
    cap = vpcsim.capture(net, "h2.eth0", str(path))
    return net, h1, h2, cap, path


def captured(cap, path) -> List[bytes]:
    cap.flush()
    reader = vpcsim.PcapReader(str(path))
    return [record.data for record in reader.read_all()]


def test_injected_echo_request_gets_an_echo_reply_on_the_wire(lan):
    net, h1, h2, cap, path = lan
    a, b = net.interface("h1.eth0"), net.interface("h2.eth0")
    frame = craft.icmp_echo(src_mac=a.mac, dst_mac=b.mac, src_ip="10.0.1.10", dst_ip="10.0.1.20",
                            identifier=0xBEEF, seq=3, payload=b"crafted by hand")
    net.inject("h1.eth0", frame)
    net.run()
    frames = captured(cap, path)
    lines = [vpcsim.describe(f) for f in frames]
    assert frames[0] == frame  # the request arrives byte for byte
    replies = [f for f in frames if layers(f).get("ICMP", {}).get("type") == "0 (echo reply)"]
    assert len(replies) == 1, lines
    reply = layers(replies[0])
    assert (reply["IPv4"]["src"], reply["IPv4"]["dst"]) == ("10.0.1.20", "10.0.1.10")
    assert (reply["ICMP"]["id"], reply["ICMP"]["seq"]) == (str(0xBEEF), "3")
    assert reply["Ethernet"]["dst"] == str(a.mac)
    assert replies[0].endswith(b"crafted by hand")
    assert all(c.endswith("(correct)") for c in checksums(replies[0]))
    # h1 sent no request itself, so its stack has no socket for the reply: a traced no_socket drop.
    assert any(e.kind == "dropped" and e.reason == "no_socket" for e in net.trace.events)


def test_injected_arp_request_gets_a_reply_and_teaches_the_target(lan):
    net, h1, h2, cap, path = lan
    a = net.interface("h1.eth0")
    net.inject("h1.eth0", craft.arp_request(src_mac=a.mac, src_ip="10.0.1.10", dst_ip="10.0.1.20"))
    net.run()
    lines = [vpcsim.describe(f) for f in captured(cap, path)]
    assert lines[0] == "ARP, Request who-has 10.0.1.20 tell 10.0.1.10"
    assert f"ARP, Reply 10.0.1.20 is-at {net.interface('h2.eth0').mac}" in lines
    # Linux creates (or updates) the sender's entry when a request is for one of its addresses.
    assert [str(e.ip) for e in h2.arp_table()] == ["10.0.1.10"]


def test_injected_udp_to_open_and_closed_ports(lan):
    net, h1, h2, cap, path = lan
    responder = h2.udp_listen(9000, reply=b"pong")
    a, b = net.interface("h1.eth0"), net.interface("h2.eth0")
    common = dict(src_mac=a.mac, dst_mac=b.mac, src_ip="10.0.1.10", dst_ip="10.0.1.20", src_port=5555)
    net.inject("h1.eth0", craft.udp(**common, dst_port=9000, payload=b"ping"))
    net.inject("h1.eth0", craft.udp(**common, dst_port=9001, payload=b"anyone?"))
    net.run()
    assert responder.received == 1
    assert responder.payloads == [b"ping"]
    lines = [vpcsim.describe(f) for f in captured(cap, path)]
    assert "IP 10.0.1.20.9000 > 10.0.1.10.5555: UDP, length 4" in lines
    assert "IP 10.0.1.20 > 10.0.1.10: ICMP 10.0.1.20 udp port 9001 unreachable, length 43" in lines


def test_injected_frame_with_ttl_1_through_a_router_gets_time_exceeded(tmp_path):
    net = vpcsim.Network(seed=5)
    h1, r1, h2 = net.add_host("h1"), net.add_router("r1"), net.add_host("h2")
    h1.add_interface("eth0", "10.0.1.10/24")
    r1.add_interface("eth0", "10.0.1.1/24")
    r1.add_interface("eth1", "10.0.2.1/24")
    h2.add_interface("eth0", "10.0.2.20/24")
    h1.set_default_gateway("10.0.1.1")
    h2.set_default_gateway("10.0.2.1")
    net.connect("h1.eth0", "r1.eth0")
    net.connect("r1.eth1", "h2.eth0")
    cap = vpcsim.capture(net, "h1.eth0", str(tmp_path / "h1.pcap"))
    frame = craft.icmp_echo(src_mac=net.interface("h1.eth0").mac, dst_mac=net.interface("r1.eth0").mac,
                            src_ip="10.0.1.10", dst_ip="10.0.2.20", ttl=1, identifier=1, seq=1)
    net.inject("h1.eth0", frame)
    net.run()
    lines = [vpcsim.describe(f) for f in captured(cap, tmp_path / "h1.pcap")]
    assert "IP 10.0.1.1 > 10.0.1.10: ICMP time exceeded in-transit, length 36" in lines


def test_core_craft_functions_parse_address_text_and_name_bad_text():
    frame = vpcsim._core.craft_udp(src_mac=MAC1, dst_mac=MAC2, src_ip=IP1, dst_ip=IP2, src_port=1, dst_port=2)
    assert vpcsim.describe(frame).startswith(f"IP {IP1}.1 > {IP2}.2: UDP")
    with pytest.raises(vpcsim.ParseError) as info:
        vpcsim._core.craft_udp(src_mac=MAC1, dst_mac=MAC2, src_ip="10.0.0.300", dst_ip=IP2, src_port=1, dst_port=2)
    assert info.value.text == "10.0.0.300"
