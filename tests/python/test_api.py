"""The Python API end to end, mirroring the C++ scenario tests (tests/cpp/scenario/): two hosts on a
switch, two subnets through a router, a three-router traceroute, a router with no route; then
errors, reprs, determinism, independent networks and the GIL."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import vpcsim

from conftest import same_subnet, two_subnets


# --- topologies (the same as the C++ scenario tests) -------------------------------------------------


def three_routers():
    net = vpcsim.Network(seed=1)
    h1 = net.add_host("h1")
    r1, r2, r3 = net.add_router("r1"), net.add_router("r2"), net.add_router("r3")
    h2 = net.add_host("h2")
    h1.add_interface("eth0", "10.0.1.10/24")
    h1.set_default_gateway("10.0.1.1")
    r1.add_interface("eth0", "10.0.1.1/24")
    r1.add_interface("eth1", "10.0.12.1/24")
    r1.set_default_gateway("10.0.12.2")
    r2.add_interface("eth0", "10.0.12.2/24")
    r2.add_interface("eth1", "10.0.23.2/24")
    r2.add_route("10.0.1.0/24", via="10.0.12.1")
    r2.add_route("10.0.3.0/24", via="10.0.23.3")
    r3.add_interface("eth0", "10.0.23.3/24")
    r3.add_interface("eth1", "10.0.3.1/24")
    r3.set_default_gateway("10.0.23.2")
    h2.add_interface("eth0", "10.0.3.20/24")
    h2.set_default_gateway("10.0.3.1")
    net.connect("h1.eth0", "r1.eth0")
    net.connect("r1.eth1", "r2.eth0")
    net.connect("r2.eth1", "r3.eth0")
    net.connect("r3.eth1", "h2.eth0")
    return net, h1, (r1, r2, r3), h2


# --- scenarios ---------------------------------------------------------------------------------------


def test_same_subnet_ping_arp_table_and_mac_table():
    net, h1, h2, sw1 = same_subnet()
    ping = h1.ping("10.0.1.20", count=3)
    net.run(until="3s")
    assert ping.outcome == "reply"
    assert (ping.sent, ping.received) == (3, 3)
    assert [r.seq for r in ping.replies] == [1, 2, 3]
    assert all(str(r.source) == "10.0.1.20" and r.ttl == 64 for r in ping.replies)
    # RTT: twice two 10 us links plus serialisation; the first also waits for ARP.
    assert ping.rtt_ms[1] == ping.rtt_ms[2] < ping.rtt_ms[0]
    assert ping.replies[1].rtt_ns == round(ping.rtt_ms[1] * 1e6)

    arp = h1.arp_table()
    assert len(arp) == 1
    assert (str(arp[0].ip), arp[0].mac, arp[0].state, arp[0].interface) == (
        "10.0.1.20", net.interface("h2.eth0").mac, "reachable", "eth0")

    macs = {e.mac: e.port for e in sw1.mac_table()}
    assert macs == {net.interface("h1.eth0").mac: "p1", net.interface("h2.eth0").mac: "p2"}
    assert [i.name for i in sw1.interfaces] == ["p1", "p2"]


def test_same_subnet_absent_host_fails_after_three_arp_tries():
    net, h1, h2, sw1 = same_subnet()
    ping = h1.ping("10.0.1.99")
    net.run()
    assert ping.outcome == "unreachable"
    assert [(e.text, str(e.source)) for e in ping.errors] == [("Destination Host Unreachable", "10.0.1.10")]
    assert h1.arp_table()[0].state == "failed"
    h1_id = next(i for i, n in enumerate(net.nodes) if n.name == "h1")
    assert net.trace.drop_count(h1_id, "arp_failed") == 1


def test_two_subnets_ping_and_udp_open_and_closed_ports():
    net, h1, r1, h2 = two_subnets()
    responder = h2.udp_listen(9000, reply=b"pong")
    ping = h1.ping("10.0.2.20")
    open_port = h1.udp_send("10.0.2.20", 9000, b"hi", source_port=5000, start="1s")
    closed_port = h1.udp_send("10.0.2.20", 9999, b"hi", source_port=5001, start="2s")
    net.run(until="4s")

    assert ping.outcome == "reply"
    assert ping.replies[0].ttl == 63  # one router on the way back
    assert open_port.outcome == "reply"
    assert open_port.replies == [b"pong"]
    assert (responder.received, responder.replied, responder.payloads) == (1, 1, [b"hi"])
    assert open_port.source_port == 5000 and open_port.port == 9000
    assert closed_port.outcome == "unreachable"
    assert [(e.text, str(e.source), e.type, e.code) for e in closed_port.errors] == [
        ("Destination Port Unreachable", "10.0.2.20", 3, 3)]
    assert r1.ip_counters.forwarded == 6
    assert [str(r) for r in h1.routes()] == [
        "10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10",
        "default via 10.0.1.1 dev eth0",
    ]
    assert h1.applications[0].kind == "ping"


def test_three_routers_traceroute_names_every_hop():
    net, h1, routers, h2 = three_routers()
    tr = h1.traceroute("10.0.3.20", max_hops=8, wait="1s")
    net.run(until="4s")
    assert tr.finished and tr.reached
    assert tr.outcome == "reply"
    hops = [[str(p.source) for p in hop.probes] for hop in tr.hops]
    assert hops == [["10.0.1.1"] * 3, ["10.0.12.2"] * 3, ["10.0.23.3"] * 3, ["10.0.3.20"] * 3]
    assert [hop.ttl for hop in tr.hops] == [1, 2, 3, 4]
    ports = [p.port for hop in tr.hops for p in hop.probes]
    assert ports == list(range(33434, 33434 + 12))
    assert all(p.answered and p.rtt_ms > 0 for hop in tr.hops for p in hop.probes)
    assert [(p.type, p.code) for p in tr.hops[-1].probes] == [(3, 3)] * 3


def test_router_without_a_route_answers_net_unreachable():
    net, h1, r1, h2 = two_subnets()
    r1.add_unreachable_route("198.51.100.0/24")
    no_route = h1.ping("203.0.113.9")
    unreachable = h1.ping("198.51.100.7", start="1s")
    net.run(until="3s")
    assert no_route.outcome == "unreachable"
    assert [(e.text, str(e.source)) for e in no_route.errors] == [("Destination Net Unreachable", "10.0.1.1")]
    assert [e.text for e in unreachable.errors] == ["Destination Host Unreachable"]
    r1_id = [n.name for n in net.nodes].index("r1")
    assert net.trace.drop_count(r1_id, "no_route") == 1
    assert net.trace.drop_count(r1_id, "unreachable_route") == 1
    details = [e.detail for e in net.trace.events if e.kind == "dropped"]
    assert "no route to 203.0.113.9 at r1" in details
    with pytest.raises(ValueError, match="unknown drop reason 'no_such_reason'"):
        net.trace.drop_count(r1_id, "no_such_reason")


# --- errors -----------------------------------------------------------------------------------------


def test_gateway_not_on_a_connected_subnet_is_a_config_error():
    net, h1, r1, h2 = two_subnets()
    with pytest.raises(vpcsim.ConfigError) as info:
        r1.add_route("10.9.0.0/16", via="10.0.5.1")
    e = info.value
    assert (e.object, e.field) == ("r1", "route 10.9.0.0/16 via 10.0.5.1")
    assert "gateway 10.0.5.1 is not on a connected subnet of r1" in str(e)
    assert isinstance(e, vpcsim.Error) and isinstance(e, ValueError)
    with pytest.raises(vpcsim.ConfigError) as info:
        h1.set_default_gateway("10.0.9.1")
    assert (info.value.object, info.value.field) == ("h1", "route 0.0.0.0/0 via 10.0.9.1")


def test_duplicate_names_are_config_errors():
    net, h1, r1, h2 = two_subnets()
    for add in (net.add_host, net.add_router, net.add_switch):
        with pytest.raises(vpcsim.ConfigError) as info:
            add("h1")
        assert (info.value.object, info.value.field) == ("h1", "name")
        assert "a host named 'h1' already exists" in str(info.value)
    with pytest.raises(vpcsim.ConfigError) as info:
        h1.add_interface("eth0", "10.0.7.1/24")
    assert (info.value.object, info.value.field) == ("h1", "interfaces")


def test_unknown_endpoints_are_config_errors():
    net, h1, r1, h2 = two_subnets()
    with pytest.raises(vpcsim.ConfigError) as info:
        net.connect("zz.eth0", "r1.eth0")
    assert (info.value.object, info.value.field) == ("network", "nodes")
    assert "no node named 'zz' (nodes: h1, h2, r1)" in str(info.value)
    with pytest.raises(vpcsim.ConfigError) as info:
        net.interface("h1.eth9")
    assert (info.value.object, info.value.field) == ("h1", "interfaces")
    assert "no interface 'eth9' (it has eth0)" in str(info.value)
    with pytest.raises(vpcsim.ConfigError) as info:
        net.interface("h1")
    assert info.value.field == "endpoint"
    with pytest.raises(vpcsim.ConfigError):
        net.node("nosuch")


@pytest.mark.parametrize(
    "parse, text, reason",
    [
        (vpcsim.Ipv4InterfaceAddress, "10.0.0.300/24", "octet 300 is greater than 255"),
        (vpcsim.Ipv4Prefix, "10.0.0.300/24", "octet 300 is greater than 255"),
        (vpcsim.Ipv4Prefix, "10.0.0.1/33", "prefix length 33 is greater than 32"),
        (vpcsim.Ipv4InterfaceAddress, "10.0.0.1/33", "prefix length 33 is greater than 32"),
        (vpcsim.Ipv4Prefix, "10.0.0.5/24", "host bits are set (the network is 10.0.0.0/24)"),
        (vpcsim.Ipv4Address, "10.0.0.300", "octet 300 is greater than 255"),
        (vpcsim.MacAddress, "02:00:00:00:00", ""),
        (vpcsim.parse_duration, "1 parsec", "unknown unit 'parsec'"),
    ],
)
def test_parse_errors_quote_the_text(parse, text, reason):
    with pytest.raises(vpcsim.ParseError) as info:
        parse(text)
    assert info.value.text == text
    assert f"'{text}'" in str(info.value)
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parse_errors_through_objects_passed_as_arguments():
    net, h1, r1, h2 = two_subnets()
    with pytest.raises(vpcsim.ParseError) as info:
        r1.add_route(vpcsim.Ipv4Prefix("10.0.0.5/24"), via="10.0.2.20")
    assert info.value.text == "10.0.0.5/24"


@pytest.mark.parametrize("call", ["add_interface", "add_route", "ping"])
def test_bad_address_text_as_a_method_argument_is_a_parse_error(call):
    net, h1, r1, h2 = two_subnets()
    with pytest.raises(vpcsim.ParseError):
        if call == "add_interface":
            h1.add_interface("eth1", "10.0.0.300/24")
        elif call == "add_route":
            r1.add_route("10.0.0.5/24", via="10.0.2.20")
        else:
            h1.ping("10.0.0.300")


def test_durations_accept_text_or_nanoseconds_only():
    net, h1, h2, sw1 = same_subnet()
    with pytest.raises(TypeError, match="interval: expected a duration"):
        h1.ping("10.0.1.20", interval=1.5)
    with pytest.raises(TypeError, match="until: expected a duration"):
        net.run(until=True)
    assert vpcsim.parse_duration("1.5ms") == 1_500_000
    assert vpcsim.format_duration(1_500_000) == "1.5ms"
    assert vpcsim.parse_bandwidth("1Gbps") == 1_000_000_000


# --- reprs ---------------------------------------------------------------------------------------------


def test_reprs_are_readable():
    net, h1, r1, h2 = two_subnets()
    ping = h1.ping("10.0.2.20")
    responder = h2.udp_listen(9000, reply=b"ok")
    client = h1.udp_send("10.0.2.20", 9000, b"x", source_port=4000, start="1s")
    net.run(until="2s")
    mac = net.interface("h1.eth0").mac
    assert repr(h1) == "<host h1>"
    assert repr(r1) == "<router r1>"
    assert repr(net.interface("h1.eth0")) == f"<Interface h1.eth0 {mac} 10.0.1.10/24>"
    assert repr(net.links[0]) == "<Link h1.eth0 <-> r1.eth0 delay 10us>"
    assert repr(vpcsim.Ipv4Address("10.0.1.10")) == "Ipv4Address('10.0.1.10')"
    assert repr(vpcsim.Ipv4Prefix("10.0.0.0/8")) == "Ipv4Prefix('10.0.0.0/8')"
    assert repr(vpcsim.Ipv4InterfaceAddress("10.0.1.10/24")) == "Ipv4InterfaceAddress('10.0.1.10/24')"
    assert repr(mac) == f"MacAddress('{mac}')"
    assert repr(h1.routes()[1]) == "<Route default via 10.0.1.1 dev eth0>"
    assert repr(h1.arp_table()[0]).startswith("<NeighbourEntry 10.0.1.1 dev eth0 lladdr ")
    assert repr(ping) == "<ping: ping 10.0.2.20: 1 sent, 1 received, rtt 0.087 ms>"
    assert repr(ping.replies[0]).startswith("<PingReply seq=1 from 10.0.2.20 ttl=63 rtt=")
    assert repr(responder) == "<udp-listen: udp listen 9000: 1 received, 1 replied>"
    assert repr(client) == "<udp: udp 10.0.2.20:9000 from port 4000: 1 sent, 1 replies>"
    assert repr(vpcsim.decode(b"\xff" * 14)[0]) == "<Layer Ethernet>"
    sw = net.add_switch("sw9")
    sw.add_port("p1")
    assert repr(sw) == "<switch sw9>"
    # No repr falls back to pybind11's "<vpcsim._core.X object at 0x...>" for these.
    for obj in (h1, r1, sw, ping, responder, client, net.links[0], net.interface("h1.eth0"), h1.routes()[0],
                h1.arp_table()[0], ping.replies[0]):
        assert " object at 0x" not in repr(obj), type(obj).__name__


def test_every_public_object_has_a_readable_repr():
    net, h1, r1, h2 = two_subnets()
    h1.traceroute("10.0.2.20", queries=1)
    net.run()
    tr = h1.applications[0]
    objects = [net, net.trace, net.trace.events[0], h1.ip_counters, net.interface("h1.eth0").counters,
               net.links[0].stats(0), tr.hops[0], tr.hops[0].probes[0]]
    assert [type(o).__name__ for o in objects if " object at 0x" in repr(o)] == []


# --- determinism, independence, threads -----------------------------------------------------------------


def capture_run(seed: int, directory: Path) -> bytes:
    net, h1, h2, sw1 = same_subnet(seed)
    path = directory / f"run-{seed}-{len(list(directory.iterdir()))}.pcap"
    cap = vpcsim.capture(net, "h1.eth0", str(path))
    h1.ping("10.0.1.20", count=3)
    h1.udp_send("10.0.1.20", 7, b"echo?", start="500ms")
    net.run()
    cap.flush()
    assert cap.frames > 0
    return path.read_bytes()


def test_same_seed_gives_the_same_pcap_bytes(tmp_path):
    a, b = capture_run(7, tmp_path), capture_run(7, tmp_path)
    assert a == b
    assert capture_run(8, tmp_path) != a  # other MACs, identifiers, ports
    records = vpcsim.PcapReader(str(next(tmp_path.iterdir()))).read_all()
    assert [vpcsim.describe(r.data).split(",")[0] for r in records[:2]] == ["ARP", "ARP"]


def test_same_seed_same_trace_and_results():
    def run(seed):
        net, h1, h2, sw1 = same_subnet(seed)
        ping = h1.ping("10.0.1.20", count=2)
        net.run()
        return [net.trace.format(e) for e in net.trace.events], ping.identifier, ping.rtt_ms

    assert run(3) == run(3)
    assert run(3)[1] != run(4)[1]


def test_two_networks_side_by_side_are_independent():
    net_a, a1, a2, _ = same_subnet(seed=1)
    net_b, b1, b2, _ = same_subnet(seed=1)  # the same names in another network are fine
    ping_a = a1.ping("10.0.1.20", count=2)
    ping_b = b1.ping("10.0.1.20", count=5)
    net_a.run(until="10s")
    assert net_b.now_ns == 0 and ping_b.sent == 0  # running one does not move the other
    assert net_a.now_ns == 10_000_000_000 and ping_a.received == 2
    net_b.run(until="3s")
    assert net_b.now_ns == 3_000_000_000 and net_a.now_ns == 10_000_000_000
    net_b.run()
    assert ping_b.received == 5
    assert len(net_a.trace.events) < len(net_b.trace.events)
    # The same seed gives the same MACs in each network: nothing is shared or global.
    assert net_a.interface("h1.eth0").mac == net_b.interface("h1.eth0").mac
    with pytest.raises(vpcsim.ConfigError):
        net_a.connect("h1.eth0", "h2.eth0")  # already connected in net_a; net_b is untouched
    assert net_b.interface("h1.eth0").is_connected


def test_objects_stay_valid_while_python_holds_them():
    net, h1, h2, sw1 = same_subnet()
    iface = net.interface("h1.eth0")
    ping = h1.ping("10.0.1.20")
    del net, h1, h2, sw1  # the interface and the ping keep the network alive
    import gc

    gc.collect()
    assert iface.full_name == "h1.eth0"
    assert ping.destination == vpcsim.Ipv4Address("10.0.1.20")


def test_long_runs_release_the_gil():
    net, h1, h2, sw1 = same_subnet()
    net.trace.record_packets = False
    # Eight pings of 60 000 requests each (a ping's sequence number is 16 bits).
    pings = [h1.ping("10.0.1.20", count=60_000, interval="1ms", start=i * 100_000) for i in range(8)]
    started = threading.Event()
    result = {}

    def work():
        started.set()
        begin = time.perf_counter()
        result["events"] = net.run()
        result["seconds"] = time.perf_counter() - begin

    thread = threading.Thread(target=work)
    # Count, and note the longest stretch this thread could not run. Had run() held the GIL, that
    # stretch would be the whole simulation (spent waiting for the GIL, in started.wait() or later).
    count, longest_gap, last = 0, 0.0, time.perf_counter()
    thread.start()
    started.wait()
    while thread.is_alive():
        now = time.perf_counter()
        longest_gap = max(longest_gap, now - last)
        last = now
        count += 1
    thread.join()
    assert [p.received for p in pings] == [60_000] * 8
    assert result["events"] > 1_000_000
    assert result["seconds"] > 0.05, "the simulation was too quick to tell"
    assert longest_gap < result["seconds"] / 2, (longest_gap, result)
    assert count > 1000


def test_run_until_and_run_for_move_the_clock():
    net, h1, h2, sw1 = same_subnet()
    h1.ping("10.0.1.20", count=3)
    net.run(until="1500ms")
    assert net.now_ns == 1_500_000_000
    assert net.pending_events > 0
    net.run_for("1s")
    assert net.now_ns == 2_500_000_000
    net.run()
    assert net.pending_events == 0


def test_ping_of_more_than_65535_requests_counts_every_reply():
    net, h1, h2, sw1 = same_subnet()
    net.trace.record_packets = False
    ping = h1.ping("10.0.1.20", count=70_000, interval="1ms")
    net.run()
    assert ping.received == 70_000
    assert max(ping.rtt_ms) < 1
