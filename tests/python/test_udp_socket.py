"""UdpSocket from Python: bind, send now, run, read what came back, and answer it (a script-driven
exchange, the way a notebook would drive one)."""

from __future__ import annotations

import pytest

import vpcsim


def pair():
    net = vpcsim.Network(seed=5)
    a, b = net.add_host("a"), net.add_host("b")
    a.add_interface("eth0", "10.0.0.1/24")
    b.add_interface("eth0", "10.0.0.2/24")
    net.connect("a.eth0", "b.eth0")
    return net, a, b


def test_send_receive_reply() -> None:
    net, a, b = pair()
    client, server = a.udp_socket(), b.udp_socket(53)
    assert 32768 <= client.port <= 60999 and server.port == 53
    assert client.send_to("10.0.0.2", 53, b"query") == "sent"
    net.run_for("10ms")
    [d] = server.received
    assert isinstance(d, vpcsim.UdpDatagram)
    assert (str(d.source), d.source_port, d.payload, d.ttl) == ("10.0.0.1", client.port, b"query", 64)
    assert server.send_to(d.source, d.source_port, b"answer") == "sent"
    net.run_for("10ms")
    assert [x.payload for x in client.received] == [b"answer"]
    assert client.outcome == "reply" and client.sent == 1
    assert "1 sent, 1 received" in client.summary()


def test_errors_and_refusals() -> None:
    net, a, b = pair()
    s = a.udp_socket(4000)
    with pytest.raises(vpcsim.ConfigError, match="already in use"):
        a.udp_socket(4000)
    s.send_to("10.0.0.2", 9, b"x")
    net.run_for("10ms")
    [e] = s.errors
    assert e.text == "Destination Port Unreachable" and s.outcome == "unreachable"
    assert s.send_to("192.0.2.1", 9, b"x") == "network_unreachable"
    with pytest.raises(vpcsim.ParseError):
        s.send_to("10.0.0.300", 9, b"x")


def _b_entry_for_a_after_delay(confirm: bool) -> str:
    """b learns a from a's ARP request (stale), answers at 10 ms (delay, probe due at 5.01 s), and
    answers again at 1.01 s with or without MSG_CONFIRM; returns b's entry for a just after 5.01 s."""
    net, a, b = pair()
    client, server = a.udp_socket(), b.udp_socket(53)
    client.send_to("10.0.0.2", 53, b"query")
    net.run_for("10ms")
    server.send_to("10.0.0.1", client.port, b"answer")
    net.run_for("1s")
    server.send_to("10.0.0.1", client.port, b"again", confirm=confirm)
    net.run_for("4000001us")
    [entry] = [e for e in b.arp_table() if str(e.ip) == "10.0.0.1"]
    return entry.state


def test_msg_confirm_keeps_the_neighbour_out_of_probe() -> None:
    assert _b_entry_for_a_after_delay(confirm=False) == "probe"
    assert _b_entry_for_a_after_delay(confirm=True) == "reachable"
