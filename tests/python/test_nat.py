"""NAT from Python: a NatRouter built and inspected through the API (rules, translations, counters,
timeouts, the nat_translations table), clear errors for bad rules, and the `nat` node of scenarios
(translations in results.json, trace events)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import vpcsim
from vpcsim import scenario, tables

from conftest import unavailable

try:
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def home():
    """h1, h2 on 10.0.0.0/24 behind nat1 (eth1 203.0.113.1/24); srv 203.0.113.10 outside."""
    net = vpcsim.Network(seed=1)
    h1, h2, srv = net.add_host("h1"), net.add_host("h2"), net.add_host("srv")
    nat = net.add_nat("nat1")
    net.add_switch("lan")
    for h, a in ((h1, "10.0.0.10/24"), (h2, "10.0.0.20/24")):
        h.add_interface("eth0", a)
        h.set_default_gateway("10.0.0.1")
        net.connect(f"{h.name}.eth0", "lan")
    nat.add_interface("eth0", "10.0.0.1/24")
    nat.add_interface("eth1", "203.0.113.1/24")
    srv.add_interface("eth0", "203.0.113.10/24")
    net.connect("nat1.eth0", "lan")
    net.connect("nat1.eth1", "srv.eth0")
    return net, h1, h2, nat, srv


def test_masquerade_from_python_and_the_translation_table() -> None:
    net, h1, h2, nat, srv = home()
    assert isinstance(nat, vpcsim.NatRouter) and nat.kind == "nat"
    nat.add_snat("10.0.0.0/24", out="eth1")
    srv.udp_listen(9000, reply=b"pong")
    a = h1.udp_send("203.0.113.10", 9000, source_port=40000, data=b"a")
    b = h2.udp_send("203.0.113.10", 9000, source_port=40000, data=b"b", start="1ms")
    net.run(until="1s")
    assert (a.outcome, b.outcome) == ("reply", "reply")
    rows = tables.nat_translations_records(nat)
    assert [tuple(r) for r in rows] == [tables.NAT_TRANSLATIONS_COLUMNS] * 2
    first, second = rows
    assert (first["src"], first["src_port"], first["reply_dst"], first["reply_dst_port"]) == ("10.0.0.10", 40000, "203.0.113.1", 40000)
    assert second["src"] == "10.0.0.20" and second["reply_dst_port"] != 40000
    assert first["snat"] and not first["dnat"] and first["state"] == "established"
    assert 28 < first["expires_in_s"] <= 30
    json.dumps(rows)  # plain values only
    assert nat.nat_counters.flows_translated == 2
    t = nat.translations()[0]
    assert isinstance(t.original, vpcsim.FlowTuple) and str(t.original) == "udp 10.0.0.10:40000 -> 203.0.113.10:9000"
    assert "expires in" in repr(t)


def test_nat_translations_dataframe_has_the_columns_even_when_empty() -> None:
    if pd is None:
        unavailable("pandas is not installed (pip install vpcsim[pandas])")
    net, *_rest = home()
    nat = net.node("nat1")
    frame = tables.nat_translations(nat)
    assert list(frame.columns) == list(tables.NAT_TRANSLATIONS_COLUMNS) and len(frame) == 0


def test_port_forwarding_and_one_to_one_from_python() -> None:
    net, h1, h2, nat, srv = home()
    nat.add_dnat("udp", 8080, interface="eth1", to="10.0.0.10", to_port=80)
    nat.add_one_to_one(private="10.0.0.20", public="203.0.113.50")
    h1.udp_listen(80, reply=b"inside")
    fwd = srv.udp_send("203.0.113.1", 8080, source_port=41000, data=b"x")
    ping = srv.ping("203.0.113.50", start="100ms")
    net.run(until="2s")
    assert fwd.outcome == "reply" and ping.outcome == "reply"
    kinds = {(t.protocol, t.destination_translated) for t in nat.translations()}
    assert kinds == {("udp", True), ("icmp", True)}


def test_timeouts_are_configurable_and_expire_entries() -> None:
    net, h1, h2, nat, srv = home()
    nat.add_snat("10.0.0.0/24", out="eth1")
    assert nat.timeouts_ns["udp"] == 30 * 10**9 and nat.timeouts_ns["tcp_established"] == 5 * 86400 * 10**9
    nat.set_timeouts({"udp": "5s"})
    assert nat.timeouts_ns["udp"] == 5 * 10**9
    h1.udp_send("203.0.113.10", 9999, source_port=40000, data=b"x")
    net.run(until="4s")
    assert nat.conntrack_size == 1
    net.run(until="6s")
    assert nat.conntrack_size == 0
    with pytest.raises(ValueError, match="unknown timeout 'udp_unreplied'"):
        nat.set_timeouts({"udp_unreplied": "1s"})


def test_bad_rules_raise_config_errors_naming_the_rule() -> None:
    net, h1, h2, nat, srv = home()
    with pytest.raises(vpcsim.ConfigError, match="no interface 'eth7'"):
        nat.add_snat("10.0.0.0/24", out="eth7")
    with pytest.raises(vpcsim.ParseError):
        nat.add_snat("10.0.0.0/33", out="eth1")
    with pytest.raises(ValueError, match="proto must be 'tcp' or 'udp'"):
        nat.add_dnat("icmp", 1, interface="eth1", to="10.0.0.10")
    with pytest.raises(ValueError, match="ports must be"):
        nat.add_snat("10.0.0.0/24", out="eth1", ports=(2000, 1000))
    nat.add_dnat("tcp", 80, interface="eth1", to="10.0.0.10")
    with pytest.raises(vpcsim.ConfigError, match=r"dnat\[1\]: tcp port 80 on eth1 is already forwarded by dnat\[0\]"):
        nat.add_dnat("tcp", 80, interface="eth1", to="10.0.0.20")


def test_nat_scenario_reports_translations_and_trace_events(tmp_path: Path) -> None:
    run = scenario.run(SCENARIOS / "nat_port_clash.yaml", out=tmp_path)
    assert run.all_met
    results = json.loads((tmp_path / "results.json").read_text())
    translations = results["tables"]["nat1"]["translations"]
    assert [t["src"] for t in translations] == ["10.0.0.10", "10.0.0.20"]
    ports = [t["reply_dst_port"] for t in translations]
    assert ports[0] == 45000 and ports[1] != 45000
    kinds = [json.loads(line)["kind"] for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    assert kinds.count("translated") == 2


def test_same_seed_same_outside_ports(tmp_path: Path) -> None:
    def ports(seed: int) -> list[int]:
        run = scenario.load(SCENARIOS / "nat_port_clash.yaml").build(seed=seed)
        run.execute(10**9)
        return [t.reply.dst_port for t in run.network.node("nat1").translations()]

    assert ports(1) == ports(1)
    assert ports(1) != ports(2)
