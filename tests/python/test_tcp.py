"""TCP from Python and from scenario files: a client/server exchange through a router, a refused
connection, a server that is gone (timeout after the SYN retries), the connection table, and the
`tcp` / `listen: {tcp: ...}` traffic items with their results.json fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import vpcsim
from vpcsim import scenario

from conftest import two_subnets as _two_subnets


def two_subnets(seed: int = 1):
    """The two-subnet topology with 1 ms links, so that TCP's round trips take time."""
    return _two_subnets(seed, delay="1ms")


def test_client_and_server_exchange_through_a_router():
    net, h1, r1, h2 = two_subnets()
    server = h2.tcp_listen(8080, reply=b"hello")
    client = h1.tcp_connect("10.0.2.20", 8080, b"GET /", start="10ms")
    assert isinstance(client, vpcsim.TcpClient) and isinstance(server, vpcsim.TcpServer)
    net.run(until="1s")
    assert client.outcome == "reply"
    assert client.reply == b"hello"
    assert client.error is None
    assert client.connected
    assert 32768 <= client.source_port <= 60999
    assert (client.bytes_sent, client.bytes_received) == (5, 5)
    assert client.retransmissions == 0
    assert client.connect_time_ms is not None and client.connect_time_ms >= 4.0
    assert (server.accepted, server.bytes_received, server.replied, server.requests) == (1, 5, 1, [b"GET /"])
    assert server.outcome == "reply"
    # The server closed first: it holds TIME_WAIT for 60 s; the client is gone.
    assert h1.tcp_connections() == []
    [row] = h2.tcp_connections()
    assert (row.state, row.local_port, str(row.remote_address), row.remote_port) == (
        "TIME_WAIT", 8080, "10.0.1.10", client.source_port)
    assert row.timer_ns is not None and row.timer_ns > 60 * 10**9 - 10**9
    net.run()
    assert h2.tcp_connections() == []
    assert repr(client).startswith("<tcp: tcp 10.0.2.20:8080 from port ")
    assert repr(server) == "<tcp-listen: tcp listen 8080: 1 connection, 5 bytes received, 1 replied>"


def test_closed_port_is_refused():
    net, h1, r1, h2 = two_subnets()
    client = h1.tcp_connect("10.0.2.20", 9, b"x", source_port=40000)
    net.run()
    assert client.outcome == "unreachable"
    assert client.error == "connection_refused"
    assert client.source_port == 40000
    assert client.state == "CLOSED"


def test_server_gone_times_out_after_the_configured_syn_retries():
    net, h1, r1, h2 = two_subnets()
    r1.add_blackhole_route("10.0.9.0/24")
    h1.configure_tcp(syn_retries=2)
    client = h1.tcp_connect("10.0.9.9", 80, b"x")
    net.run(until="6999ms")  # SYNs at 0, 1 and 3 s; ETIMEDOUT at 1 + 2 + 4 = 7 s
    assert (client.retransmissions, client.error, client.state) == (2, None, "SYN_SENT")
    net.run()
    assert client.outcome == "timeout"
    assert client.error == "timed_out"
    assert client.retransmissions == 2
    assert client.state == "CLOSED"


def test_unreachable_route_fails_the_connect_with_the_icmp_error():
    net, h1, r1, h2 = two_subnets()
    r1.add_unreachable_route("10.0.9.0/24")
    client = h1.tcp_connect("10.0.9.9", 80)
    net.run()
    assert client.outcome == "unreachable"
    assert client.error == "host_unreachable"
    assert [(str(e.source), e.type, e.code) for e in client.errors] == [("10.0.1.1", 3, 1)]


def test_listening_twice_is_a_config_error():
    net, h1, r1, h2 = two_subnets()
    h2.tcp_listen(80)
    with pytest.raises(vpcsim.ConfigError, match="already listening"):
        h2.tcp_listen(80)


SCENARIO = """
name: tcp_web
description: a client fetches a page from a server one router away; a closed port refuses
seed: 5
nodes:
  h1: {kind: host, interfaces: {eth0: {ip: 10.0.1.10/24}}, gateway: 10.0.1.1}
  r1: {kind: router, interfaces: {eth0: {ip: 10.0.1.1/24}, eth1: {ip: 203.0.113.1/24}}}
  web: {kind: host, interfaces: {eth0: {ip: 203.0.113.10/24}}, gateway: 203.0.113.1}
links:
  - {a: h1.eth0, b: r1.eth0, delay: 1ms}
  - {a: r1.eth1, b: web.eth0, delay: 1ms}
traffic:
  - {id: server, on: web, listen: {tcp: 8080, reply: hello}, expect: reply}
  - {id: get, from: h1, tcp: {to: 203.0.113.10:8080, data: "GET /", from_port: 40000}, expect: reply}
  - {id: closed, at: 1s, from: h1, tcp: {to: web:9999, data: "x"}, expect: unreachable}
capture: [h1.eth0]
"""


def test_scenario_with_tcp_and_listen_tcp(tmp_path: Path):
    run = scenario.loads(SCENARIO, "tcp_web.yaml").run(tmp_path)
    assert run.all_met
    results = json.loads((tmp_path / "results.json").read_text())
    server, get, closed = results["traffic"]
    assert server["kind"] == "listen" and server["protocol"] == "tcp"
    assert (server["port"], server["connections"], server["sent"], server["received"]) == (8080, 1, 1, 5)
    assert server["outcome"] == "reply"
    assert get["kind"] == "tcp"
    assert (get["to"], get["port"], get["from_port"]) == ("203.0.113.10", 8080, 40000)
    assert (get["outcome"], get["sent"], get["received"], get["reply"]) == ("reply", 5, 5, "hello")
    assert get["error"] is None and get["errors"] == []
    assert get["retransmissions"] == 0
    assert get["segments_sent"] >= 4 and get["segments_received"] >= 4
    assert len(get["rtt_ms"]) == 1 and get["rtt_ms"][0] >= 4.0
    assert get["expect_met"]
    assert closed["outcome"] == "unreachable"
    assert closed["error"] == "connection_refused"
    assert closed["errors"] == [{"from": "203.0.113.10", "type": None, "code": None, "text": "connection refused (RST)"}]
    assert 32768 <= closed["from_port"] <= 60999
    assert (tmp_path / "h1-eth0.pcap").exists()
    # Same seed, same bytes.
    again = tmp_path / "again"
    scenario.loads(SCENARIO, "tcp_web.yaml").run(again)
    assert (again / "h1-eth0.pcap").read_bytes() == (tmp_path / "h1-eth0.pcap").read_bytes()
    assert (again / "results.json").read_text().replace(str(again), "") == (
        (tmp_path / "results.json").read_text().replace(str(tmp_path), ""))


def test_scenario_tcp_timeout_when_the_run_ends_first():
    text = SCENARIO.replace("seed: 5", "seed: 5\nuntil: 2ms").replace("expect: unreachable", "expect: timeout")
    run = scenario.loads(text, "tcp_web.yaml").run()
    get = run.traffic[1]
    assert get["outcome"] == "timeout"  # the handshake had not finished at 2 ms


@pytest.mark.parametrize(
    "item, message",
    [
        ("{on: web, listen: {tcp: 0}}", "traffic[0].listen.tcp: 0 is outside 1..65535"),
        ("{from: h1, tcp: {to: 203.0.113.10}}", "traffic[0].tcp.to: expected ADDRESS:PORT or NODE:PORT"),
        ("{from: h1, tcp: {data: x}}", "traffic[0].tcp: missing 'to'"),
        ("{from: h1, tcp: {to: web:80, interval: 1s}}", "traffic[0].tcp.interval: unknown key 'interval'"),
    ],
)
def test_tcp_items_are_validated(item: str, message: str):
    text = SCENARIO.split("traffic:")[0] + "traffic:\n  - " + item + "\n"
    with pytest.raises(scenario.ScenarioError) as caught:
        scenario.loads(text, "t.yaml")
    assert message in str(caught.value)


def test_tcp_and_udp_listeners_on_the_same_port_coexist():
    text = SCENARIO.split("traffic:")[0] + (
        "traffic:\n"
        "  - {on: web, listen: {tcp: 8080, reply: t}}\n"
        "  - {on: web, listen: {udp: 8080, reply: u}}\n"
        "  - {from: h1, tcp: {to: web:8080, data: a}, expect: reply}\n"
        "  - {from: h1, udp: {to: web:8080, data: b}, expect: reply}\n"
    )
    run = scenario.loads(text, "t.yaml").run()
    assert run.all_met
    assert run.apps[2].reply == b"t" and run.apps[3].replies == [b"u"]
