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
