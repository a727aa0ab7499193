"""Every scenario in scenarios/ runs with its expectations met, agrees with the kernel reference and
the C++ scenario test of the same topology (tests/oracle/expected/, tests/cpp/scenario/), writes results.json / trace.jsonl / pcaps as
docs/scenario-format.md describes, byte for byte the same on every run; and the run-time behaviour
of the format (destinations by name, switch port names, overrides, outcomes) on small inline files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from vpcsim import scenario, tables

from conftest import REPO_ROOT, build_dir, unavailable

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SCENARIO_FILES = sorted(SCENARIOS_DIR.glob("*.yaml"))
SCENARIO_IDS = [p.stem for p in SCENARIO_FILES]


def test_the_four_seed_scenarios_are_there() -> None:
    assert set(SCENARIO_IDS) >= {
        "same_subnet_arp",
        "two_subnets",
        "private_to_internet_no_nat",
        "three_router_traceroute",
    }


def run_into(path: Path, out: Path, **kwargs: Any) -> scenario.Run:
    return scenario.load(path).run(out, **kwargs)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- every file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=SCENARIO_IDS)
def test_scenario_meets_every_expectation(path: Path, tmp_path: Path) -> None:
    run = run_into(path, tmp_path)
    assert run.traffic, "a scenario without traffic tells no story"
    for item in run.traffic:
        assert item["expect"] is not None, f"{path.name}: traffic[{item['index']}] has no expect"
        assert item["expect_met"], f"{path.name}: {item}"
    assert run.all_met


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=SCENARIO_IDS)
def test_scenario_writes_the_documented_files(path: Path, tmp_path: Path) -> None:
    run = run_into(path, tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    expected = {"results.json", "trace.jsonl"} | {f"{e.replace('.', '-', 1)}.pcap" for e in run.captured}
    assert names == expected
    assert run.captured, "every seed scenario captures"
    results = json.loads((tmp_path / "results.json").read_text())
    check_results_schema(results, run.scenario)
    lines = (tmp_path / "trace.jsonl").read_text().splitlines()
    assert len(lines) == len(run.network.trace.events) > 0
    for line in lines:
        check_trace_record(json.loads(line))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=SCENARIO_IDS)
def test_scenario_is_deterministic_byte_for_byte(path: Path, tmp_path: Path) -> None:
    first, second, sliced = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    run_into(path, first)
    run_into(path, second)
    calls: List[int] = []
    sc = scenario.load(path)
    sc.run(sliced, progress=lambda now, end: calls.append(now))  # run in slices of simulated time
    if sc.until is not None:
        assert len(calls) > 1 and calls == sorted(calls) and calls[-1] == sc.until
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir()) == sorted(p.name for p in sliced.iterdir())
    for name in files:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes(), name
        assert data == (sliced / name).read_bytes(), f"{name} differs when run in slices"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=SCENARIO_IDS)
def test_another_seed_changes_the_bytes_not_the_story(path: Path, tmp_path: Path) -> None:
    one = run_into(path, tmp_path / "one")
    other = run_into(path, tmp_path / "other", seed=99)
    assert other.results["seed"] == 99
    assert [t["outcome"] for t in one.traffic] == [t["outcome"] for t in other.traffic]
    assert (tmp_path / "one" / "results.json").read_bytes() != (tmp_path / "other" / "results.json").read_bytes()


# Scenarios whose UDP flows use every port: tshark would hand the one-byte payloads to whatever
# protocol is registered on each port (HCrt, Manolito, ...) and call them malformed. Their payloads
# are decoded as plain data; Ethernet, IP and UDP are checked as everywhere else.
_OPAQUE_UDP = {"nat_gateway_many_connections": ("-d", "udp.port==1-65535,data")}


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=SCENARIO_IDS)
def test_tshark_decodes_every_capture_cleanly(path: Path, tmp_path: Path, tshark) -> None:
    run = run_into(path, tmp_path)
    frames = 0
    for pcap in run.pcap_paths(tmp_path):
        assert pcap.stat().st_size >= 24  # the pcap header; an idle interface has no frame
        frames += (pcap.stat().st_size - 24) > 0
        assert tshark(pcap, _OPAQUE_UDP.get(path.stem, ())) == [], pcap.name
    assert frames > 0


# --- results.json and trace.jsonl schema ------------------------------------------------------------

TRAFFIC_KEYS = ["index", "id", "kind", "from", "to", "outcome", "sent", "sent_unit", "received", "received_unit", "rtt_ms",
                "errors", "expect", "expect_met"]
UNITS = {"ping": ("packets", "packets"), "udp": ("datagrams", "datagrams"), "tcp": ("bytes", "bytes"),
         "traceroute": ("probes", "probes"), "udp listen": ("datagrams", "datagrams"), "tcp listen": ("replies", "bytes"),
         "replay": ("packets", "packets"), "http": ("requests", "responses"), "http listen": ("responses", "requests")}
EXPLAIN_KEYS = ["from", "to", "proto", "port", "destination", "reachable", "code", "blocked_by", "blocked_kind",
                "direction", "reason", "suggestion", "hops"]
DROP_KEYS = ["at_ns", "node", "interface", "packet_id", "reason", "detail"]
TRACE_KINDS = {"sent", "received", "forwarded", "switched", "flooded", "delivered", "dropped", "arp_resolved", "arp_failed", "icmp_error", "translated", "nat_unmapped"}


def check_results_schema(results: Dict[str, Any], sc: scenario.Scenario) -> None:
    keys = ["scenario", "seed", "simulated_seconds", "stopped", "traffic", "tables", "tables_detail", "drops", "explain", "explain_drops"]
    by_name = any(n.dns_server is not None or n.resolver is not None for n in sc.nodes.values())
    balancers = [name for name, node in sc.nodes.items() if node.kind == "nlb"]
    assert list(results) == (keys + ([] if sc.cloud.empty else ["vpcs"]) + (["load_balancers"] if balancers else [])
                             + (["dns"] if by_name else []))
    for node in results.get("dns", {}).values():
        assert set(node) <= {"server_log", "lookups"}
        for entry in node.get("server_log", []):
            assert list(entry) == ["at_ms", "client", "name", "type", "rcode", "answer", "forwarded_to"]
    for name in balancers:
        lb = results["load_balancers"][name]
        assert list(lb) == ["listeners", "targets", "flows", "flows_without_target", "health_changes", "flow_choices"]
        assert sum(t["flows"] for t in lb["targets"]) == lb["flows"]
        assert all(t["health"] in ("initial", "healthy", "unhealthy", "draining", "unused") for t in lb["targets"])
    assert results["scenario"] == sc.name
    assert isinstance(results["seed"], int)
    assert isinstance(results["simulated_seconds"], float) and results["simulated_seconds"] >= 0
    assert results["stopped"] is None  # no limit stops a shipped scenario
    assert [e["index"] for e in results["explain"]] == list(range(len(sc.cloud.explain)))
    for item in results["explain"]:
        assert list(item) == ["index", "id", *EXPLAIN_KEYS, "expect", "expect_blocked_by", "expect_met"]
        assert item["reachable"] == (item["code"] == "REACHABLE")
        assert all(list(hop) == ["direction", "kind", "component", "action", "detail"] for hop in item["hops"])
    for vpc in results.get("vpcs", {}).values():
        assert list(vpc) == ["route_tables", "security_groups", "network_acls"]
    assert [t["index"] for t in results["traffic"]] == list(range(len(sc.traffic)))
    for item in results["traffic"]:
        assert set(TRAFFIC_KEYS) <= set(item)
        extra = set(item) - set(TRAFFIC_KEYS) - {"name", "lookup"}  # a destination given as a DNS name
        assert ("lookup" in item) == sc.traffic[item["index"]].by_name
        allowed_extra = {
            "ping": set(),
            "udp": {"port", "flows"} if "flows" in item else {"port", "from_port"},
            "listen": {"port", "explain_probes", *({"protocol", "connections"} if item.get("protocol") == "tcp" else ()),
                       *({"protocol", "connections", "requests", "bad_requests", "statuses", "routes", "unrouted"}
                         if item.get("protocol") == "http" else ())},
            "http": {"port", "path", "host", "method", "connections", "statuses", "exchanges"},
            "traceroute": {"hops", "reached"},
            "tcp": {"port", "from_port", "state", "error", "segments_sent", "segments_received", "retransmissions", "reply"},
            "replay": {"capture", "summary", "flows"},
        }
        unresolved = item.get("lookup", {}).get("status", "found") != "found"  # nothing was sent
        assert extra == ({"port"} & allowed_extra[item["kind"]] if unresolved else allowed_extra[item["kind"]])
        outcomes = ("delivered", "dropped", "blocked", "not_replayed") if item["kind"] == "replay" else \
            ("reply", "unreachable", "timeout", "pending", "name_not_found", "dns_timeout", "dns_failure")
        assert item["outcome"] in outcomes
        assert isinstance(item["sent"], int) and isinstance(item["received"], int)
        kind = f"{item.get('protocol', 'udp')} listen" if item["kind"] == "listen" else item["kind"]
        sent_unit, received_unit = UNITS[kind]
        assert (item["sent_unit"], item["received_unit"]) == (sent_unit, "flows" if item["kind"] == "udp" and "flows" in item else received_unit)
        assert all(isinstance(r, float) for r in item["rtt_ms"])
        for error in item["errors"]:
            assert list(error) == ["from", "type", "code", "text"]
        if item["kind"] == "http" and (item["expect"] or "").isdigit():  # expect: 200, a status
            assert item["expect_met"] == (item["outcome"] == "reply" and set(item["statuses"]) == {item["expect"]})
        else:
            assert item["expect_met"] == (None if item["expect"] is None else item["outcome"] == item["expect"])
        if item["kind"] == "listen":
            assert 0 <= item["explain_probes"] <= len(results["explain"])
        for hop in item.get("hops", []):
            assert list(hop) == ["ttl", "probe", "from", "rtt_ms"]
            assert (hop["from"] is None) == (hop["rtt_ms"] is None)
    # The file's nodes, then (with a cloud) the nodes the cloud made.
    assert list(results["tables"])[: len(sc.nodes)] == list(sc.nodes)
    assert sc.cloud.empty == (len(results["tables"]) == len(sc.nodes))
    for name, table in results["tables"].items():
        if "macs" in table:
            assert list(table) == ["macs"]
            for entry in table["macs"]:
                assert list(entry) == ["mac", "port", "age_ms"]
        else:
            assert list(table) in (["arp", "routes", "translations"], ["arp", "routes"])
            if name in sc.nodes:
                assert ("translations" in table) == (sc.nodes[name].kind in ("nat", "nlb"))
            for entry in table.get("translations", []):
                assert tuple(entry) == tables.NAT_TRANSLATIONS_COLUMNS
            for entry in table["arp"]:
                assert list(entry) == ["ip", "mac", "state", "interface"]
                assert entry["state"] in ("incomplete", "reachable", "stale", "delay", "probe", "failed")
            assert all(isinstance(r, str) for r in table["routes"])
    times = [d["at_ns"] for d in results["drops"] + results["explain_drops"]]
    assert times == sorted(times)  # explain's probes go out after the traffic
    assert results["explain_drops"] == [] or results["explain"]
    for drop in results["drops"] + results["explain_drops"]:
        assert list(drop) == DROP_KEYS
        assert drop["reason"] and drop["detail"]


def check_trace_record(record: Dict[str, Any]) -> None:
    assert list(record) == ["at_ns", "kind", "node", "interface", "packet_id", "reason", "detail"]
    assert record["kind"] in TRACE_KINDS
    assert isinstance(record["at_ns"], int)
    assert (record["reason"] is not None) == (record["kind"] == "dropped")
    if record["interface"] is not None:
        assert record["interface"].startswith(record["node"] + ".")


# --- agreement with the kernel and the C++ scenario tests ------------------------------------------------


def assert_frames_are_the_kernels(topology: str, out: Path) -> None:
    """Every link the oracle captures carries, normalized, what the Linux kernel put on it
    (tests/oracle/expected/<topology>, recorded from network namespaces). The frames are written once,
    there; the C++ Oracle* test of the topology is held to the same pcaps byte for byte below."""
    import io
    import sys

    sys.path.insert(0, str(REPO_ROOT / "tests" / "oracle"))
    import compare  # noqa: E402  (tests/oracle is not a package)

    report = io.StringIO()
    results = compare.compare_dirs(topology, out, REPO_ROOT / "tests" / "oracle" / "expected" / topology,
                                   "scenario", "kernel", out=report)
    assert compare.all_same(results), report.getvalue()


def test_same_subnet_agrees_with_the_kernel(tmp_path: Path, pcap_times) -> None:
    """The oracle's same_subnet; tests/cpp/scenario/same_subnet_test.cpp, OracleSameSubnet."""
    run = run_into(SCENARIOS_DIR / "same_subnet_arp.yaml", tmp_path)
    assert_frames_are_the_kernels("same_subnet", tmp_path)
    assert abs(pcap_times(tmp_path / "h1-eth0.pcap")[8] - 5.0e9) < 0.01e9  # the unicast ARP probe
    ping = run.traffic[0]
    assert (ping["outcome"], ping["sent"], ping["received"]) == ("reply", 3, 3)
    arp = run.results["tables"]["h1"]["arp"]
    h2_mac = str(run.network.node("h2").interface("eth0").mac)
    assert arp == [{"ip": "10.0.1.20", "mac": h2_mac, "state": "reachable", "interface": "eth0"}]
    macs = run.results["tables"]["sw1"]["macs"]
    assert sorted((m["mac"], m["port"]) for m in macs) == sorted(
        [(str(run.network.node("h1").interface("eth0").mac), "p1"), (h2_mac, "p2")]
    )


def test_two_subnets_agrees_with_the_kernel(tmp_path: Path) -> None:
    """The oracle's two_subnets; tests/cpp/scenario/two_subnets_test.cpp, OracleTwoSubnets."""
    run = run_into(SCENARIOS_DIR / "two_subnets.yaml", tmp_path)
    assert_frames_are_the_kernels("two_subnets", tmp_path)
    listen, ping, udp_open, udp_closed = run.traffic
    assert ping["outcome"] == "reply"
    assert udp_open["outcome"] == "reply" and run.apps[2].replies == [b"pong"]
    assert listen["received"] == 1 and run.apps[0].payloads == [b"hi"]
    assert udp_closed["outcome"] == "unreachable"
    assert udp_closed["errors"] == [{"from": "10.0.2.20", "type": 3, "code": 3, "text": "Destination Port Unreachable"}]
    assert [(d["node"], d["reason"]) for d in run.results["drops"]] == [("h2", "port_unreachable")]


def test_private_to_internet_agrees_with_the_kernel(tmp_path: Path) -> None:
    """The oracle's no_route; tests/cpp/scenario/no_route_test.cpp, OracleNoRoute."""
    run = run_into(SCENARIOS_DIR / "private_to_internet_no_nat.yaml", tmp_path)
    assert_frames_are_the_kernels("no_route", tmp_path)
    no_route, unreachable, blackhole = run.traffic
    assert no_route["outcome"] == "unreachable"
    assert [e["text"] for e in no_route["errors"]] == ["Destination Net Unreachable"]
    assert unreachable["outcome"] == "unreachable"
    assert [e["text"] for e in unreachable["errors"]] == ["Destination Host Unreachable"]
    assert blackhole["outcome"] == "timeout" and blackhole["errors"] == []
    drops = [(d["node"], d["reason"], d["detail"]) for d in run.results["drops"]]
    assert drops[0] == ("r1", "no_route", "no route to 203.0.113.9 at r1")
    assert [d[:2] for d in drops] == [("r1", "no_route"), ("r1", "unreachable_route"), ("r1", "blackhole_route")]


def test_three_routers_agrees_with_the_kernel(tmp_path: Path) -> None:
    """The oracle's three_routers; tests/cpp/scenario/three_routers_test.cpp, OracleThreeRouters."""
    run = run_into(SCENARIOS_DIR / "three_router_traceroute.yaml", tmp_path)
    assert_frames_are_the_kernels("three_routers", tmp_path)
    item = run.traffic[0]
    assert item["outcome"] == "reply" and item["reached"] is True
    routers = ["10.0.1.1", "10.0.12.2", "10.0.23.3", "10.0.3.20"]
    assert [(h["ttl"], h["probe"], h["from"]) for h in item["hops"]] == [
        (ttl, probe, routers[ttl - 1]) for ttl in range(1, 5) for probe in range(1, 4)
    ]
    assert all(h["rtt_ms"] > 0 for h in item["hops"])
    assert item["errors"] == [] and item["sent"] == item["received"] == 12
    tr = run.apps[0]
    assert tr.finished and tr.reached
    assert [p.port for hop in tr.hops for p in hop.probes] == list(range(33434, 33446))
    assert [d["reason"] for d in run.results["drops"]] == ["ttl_exceeded"] * 9 + ["port_unreachable"] * 3


# --- behaviour of the format, on inline files ---------------------------------------------------------

LAN = """
name: lan
nodes:
  h1: {kind: host, interfaces: {eth0: {ip: 10.0.1.10/24}}}
  h2:
    kind: host
    interfaces:
      lo1: {}
      eth0: {ip: 10.0.1.20/24}
      eth1: 10.0.9.20/24
  sw1: {kind: switch}
links:
  - [h1.eth0, sw1]
  - [h2.eth0, sw1]
"""


def test_destination_by_name_is_the_first_address(tmp_path: Path) -> None:
    path = write(tmp_path, LAN + "traffic:\n  - {from: h1, ping: h2, expect: reply}\n")
    run = run_into(path, None)
    assert run.traffic[0]["to"] == "10.0.1.20"  # lo1 has no address: eth0's is the first
    assert run.traffic[0]["outcome"] == "reply"


def test_udp_to_a_node_name_and_port(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        LAN
        + "traffic:\n  - {on: h2, listen: {udp: 7, reply: echo}}\n"
        + "  - {at: 1ms, from: h1, udp: {to: h2:7, data: hello, count: 2, interval: 10ms}, expect: reply}\n",
    )
    run = run_into(path, None)
    listen, udp = run.traffic
    assert (udp["to"], udp["port"], udp["sent"], udp["received"]) == ("10.0.1.20", 7, 2, 2)
    assert 32768 <= udp["from_port"] <= 60999  # ephemeral, as Linux picks
    assert (listen["received"], listen["sent"], listen["outcome"]) == (2, 2, "reply")
    assert run.apps[1].replies == [b"echo", b"echo"]


def test_switch_ports_are_named_in_link_order_and_captured_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, LAN + "traffic:\n  - {from: h1, ping: h2, expect: reply}\ncapture: [sw1]\n")
    run = run_into(path, tmp_path / "out")
    assert run.scenario.capture == ["sw1.p1", "sw1.p2"]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pcap")) == ["sw1-p1.pcap", "sw1-p2.pcap"]
    assert [link.b.full_name for link in run.network.links] == ["sw1.p1", "sw1.p2"]
    ports = {m["port"] for m in run.results["tables"]["sw1"]["macs"]}
    assert ports == {"p1", "p2"}


def test_until_and_seed_override_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, LAN + "seed: 5\nuntil: 10s\ntraffic:\n  - {from: h1, ping: h2, count: 5, expect: reply}\n")
    sc = scenario.load(path)
    assert (sc.seed, sc.until) == (5, 10_000_000_000)
    run = sc.run(until="2500ms", seed=7)
    assert run.results["seed"] == 7
    assert run.results["simulated_seconds"] == 2.5
    assert run.traffic[0]["outcome"] == "reply"
    assert run.traffic[0]["sent"] == 3  # at 0, 1 s and 2 s: the run stopped before the fourth


def test_pending_when_the_run_ends_before_the_sending_does(tmp_path: Path) -> None:
    path = write(tmp_path, LAN + "until: 1s\ntraffic:\n  - {at: 2s, from: h1, ping: h2, expect: reply}\n")
    run = run_into(path, None)
    assert run.traffic[0]["outcome"] == "pending"
    assert run.traffic[0]["expect_met"] is False
    assert not run.all_met and run.failed == [run.traffic[0]]


def test_without_until_the_run_ends_at_the_last_event(tmp_path: Path) -> None:
    path = write(tmp_path, LAN + "traffic:\n  - {from: h1, ping: h2, expect: reply}\n")
    run = run_into(path, None)
    assert run.network.pending_events == 0
    assert run.results["simulated_seconds"] == run.network.now_ns / 1e9 > 0


def test_timeout_when_nobody_answers(tmp_path: Path) -> None:
    path = write(tmp_path, LAN + "traffic:\n  - {from: h1, udp: {to: 10.0.1.20:9}, expect: timeout}\n")
    # h2 answers port unreachable: that is not a timeout
    run = run_into(path, None)
    assert run.traffic[0]["outcome"] == "unreachable" and run.traffic[0]["expect_met"] is False
    path = write(tmp_path, LAN + "traffic:\n  - {from: h1, ping: 10.0.1.99, expect: unreachable}\n", "absent.yaml")
    run = run_into(path, None)
    item = run.traffic[0]
    assert item["outcome"] == "unreachable"  # ARP failed: h1 reports host unreachable to itself
    assert item["errors"] == [{"from": "10.0.1.10", "type": 3, "code": 1, "text": "Destination Host Unreachable"}]
    assert [d["reason"] for d in run.results["drops"]] == ["arp_failed"]


def test_a_node_that_cannot_send_reports_the_local_failure(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        LAN + "traffic:\n  - {from: h1, ping: 192.0.2.1, expect: unreachable}\n"
        "  - {from: h1, udp: {to: 192.0.2.1:53}, expect: unreachable}\n"
        "  - {from: h1, traceroute: 192.0.2.1, expect: unreachable}\n",
    )
    run = run_into(path, None)
    ping, udp, trace = run.traffic
    assert ping["outcome"] == "unreachable" and ping["expect_met"]
    assert ping["errors"] == [{"from": None, "type": None, "code": None, "text": "send failed: network_unreachable"}]
    for item in (udp, trace):
        assert item["outcome"] == "unreachable" and item["expect_met"]
        [error] = item["errors"]
        assert error["from"] is None and error["text"].startswith("send failed")
    assert run.results["drops"] == []  # nothing left h1: no trace of it either


def test_traceroute_to_an_unreachable_route_lists_the_error(tmp_path: Path) -> None:
    text = """
name: trace-unreachable
nodes:
  h1: {kind: host, interfaces: {eth0: 10.0.1.10/24}, gateway: 10.0.1.1}
  r1:
    kind: router
    interfaces: {eth0: 10.0.1.1/24}
    routes: [{to: 198.51.100.0/24, unreachable: true}, {to: 192.0.2.0/24, prohibit: true}]
links: [[h1.eth0, r1.eth0]]
traffic:
  - {from: h1, traceroute: 198.51.100.7, queries: 1, wait: 100ms, expect: unreachable}
  - {at: 1s, from: h1, ping: 192.0.2.5, expect: unreachable}
"""
    run = run_into(write(tmp_path, text), None)
    trace, ping = run.traffic
    assert trace["hops"] == [{"ttl": 1, "probe": 1, "from": "10.0.1.1", "rtt_ms": trace["hops"][0]["rtt_ms"]}]
    assert trace["errors"] == [{"from": "10.0.1.1", "type": 3, "code": 1, "text": "Destination Host Unreachable"}]
    assert trace["reached"] is False and trace["rtt_ms"] == []
    assert ping["errors"][0]["code"] == 13 and ping["errors"][0]["text"] == "Packet filtered"


def test_link_parameters_reach_the_simulator(tmp_path: Path) -> None:
    text = LAN.replace("  - [h1.eth0, sw1]", "  - {a: h1.eth0, b: sw1, delay: 1ms, bandwidth: 10Mbps, queue: 5}")
    run = scenario.load(write(tmp_path, text)).build()
    link = run.network.links[0]
    assert (link.delay_ns, link.bandwidth_bps, link.queue) == (1_000_000, 10_000_000, 5)
    other = run.network.links[1]
    assert (other.delay_ns, other.bandwidth_bps, other.queue) == (10_000, 1_000_000_000, 1000)
    assert (link.medium, other.medium) == ("ethernet", "ethernet")


def test_link_medium_veth_reaches_the_simulator(tmp_path: Path) -> None:
    text = LAN.replace("  - [h1.eth0, sw1]", "  - {a: h1.eth0, b: sw1, medium: veth}")
    run = scenario.load(write(tmp_path, text)).build()
    assert [link.medium for link in run.network.links[:2]] == ["veth", "ethernet"]


def test_interface_mac_mtu_and_routes_reach_the_simulator(tmp_path: Path) -> None:
    text = """
name: config
nodes:
  r1:
    kind: router
    interfaces:
      eth0: {ip: 10.0.1.1/24, mac: 12:34:56:00:00:01, mtu: 9000}
      eth1: {ip: 10.0.2.1/24}
    gateway: 10.0.2.254
    routes:
      - {to: 10.9.0.0/16, via: 10.0.1.254}
      - {to: 10.8.0.0/16, dev: eth1}
      - {to: 198.51.100.0/24, blackhole: true}
"""
    run = scenario.load(write(tmp_path, text)).build()
    r1 = run.network.node("r1")
    assert str(r1.interface("eth0").mac) == "12:34:56:00:00:01"
    assert r1.interface("eth0").mtu == 9000 and r1.interface("eth1").mtu == 1500
    routes = [str(r) for r in r1.routes()]
    assert "default via 10.0.2.254 dev eth1" in routes
    assert "10.9.0.0/16 via 10.0.1.254 dev eth0" in routes
    assert "blackhole 198.51.100.0/24" in routes
    assert any(r.startswith("10.8.0.0/16 dev eth1") for r in routes)


def test_run_without_out_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, LAN + "traffic:\n  - {from: h1, ping: h2, expect: reply}\ncapture: all\n")
    run = scenario.run(path)
    assert run.all_met
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]


def test_results_are_plain_json_values(tmp_path: Path) -> None:
    run = run_into(SCENARIOS_DIR / "two_subnets.yaml", None)
    assert json.loads(json.dumps(run.results)) == run.results


# --- byte for byte against the C++ scenario tests, when they are built ----------------------------------


def _scenario_tests_binary() -> Path:
    return build_dir() / "tests" / "cpp" / "scenario_tests"


CPP_TWINS = [
    # (scenario file, the C++ test suite that builds the same topology). tests/oracle/topologies.py reads
    # these topologies from the scenario files, so this test is what keeps the C++ side the same.
    ("same_subnet_arp.yaml", "OracleSameSubnet"),
    ("three_router_traceroute.yaml", "OracleThreeRouters"),
    ("two_subnets.yaml", "OracleTwoSubnets"),
    ("private_to_internet_no_nat.yaml", "OracleNoRoute"),
]


@pytest.mark.parametrize("name, suite", CPP_TWINS, ids=[t[1] for t in CPP_TWINS])
def test_pcaps_are_those_of_the_cpp_scenario_test(name: str, suite: str, tmp_path: Path) -> None:
    """The C++ Oracle* tests write every interface to $VPCSIM_PCAP_OUT (tests/cpp/support/
    scenario_capture.h): the scenario file must put the same bytes at the same times on every link."""
    import os
    import subprocess

    import vpcsim

    if not _scenario_tests_binary().exists():
        unavailable(f"the C++ scenario tests are not built: {_scenario_tests_binary()} (set VPCSIM_BUILD_DIR)")

    cpp_out = tmp_path / "cpp"
    cpp_out.mkdir()
    result = subprocess.run(
        [str(_scenario_tests_binary()), f"--gtest_filter={suite}.*"],
        env={**os.environ, "VPCSIM_PCAP_OUT": str(cpp_out)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    run_into(SCENARIOS_DIR / name, tmp_path / "py")
    cpp_files = sorted(p.name for p in cpp_out.glob("*.pcap"))
    assert cpp_files == sorted(p.name for p in (tmp_path / "py").glob("*.pcap"))
    for file_name in cpp_files:
        ours = [(r.ts_ns, r.data) for r in vpcsim.PcapReader(str(tmp_path / "py" / file_name)).read_all()]
        theirs = [(r.ts_ns, r.data) for r in vpcsim.PcapReader(str(cpp_out / file_name)).read_all()]
        assert (tmp_path / "py" / file_name).read_bytes() == (cpp_out / file_name).read_bytes(), file_name
        assert ours == theirs, file_name


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=SCENARIO_IDS)
def test_trace_jsonl_is_json_dumps_of_each_record(path: Path, tmp_path: Path) -> None:
    run = run_into(path, tmp_path)
    expected = [json.dumps(r, separators=(",", ":"), ensure_ascii=False) for r in run.trace_records()]
    assert (tmp_path / "trace.jsonl").read_text().splitlines() == expected
    drops = [{k: v for k, v in r.items() if k != "kind"} for r in run.trace_records() if r["kind"] == "dropped"]
    assert run.results["drops"] + run.results["explain_drops"] == drops
