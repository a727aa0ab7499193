"""DNS: servers and stub resolvers from Python and YAML, names in traffic items, the queries on the
wire as Wireshark decodes them, and bad input named at its line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, List

import pytest

import vpcsim
from vpcsim import scenario

REPO = Path(__file__).resolve().parents[2]
DNS_NAMES = REPO / "scenarios" / "dns_names.yaml"


def lan(**resolver: Any) -> Any:
    net = vpcsim.Network(seed=1)
    sw = net.add_switch("sw")
    hosts = {}
    for name, ip in (("app", "10.0.1.10/24"), ("ns", "10.0.1.53/24"), ("db", "10.0.1.20/24")):
        hosts[name] = net.add_host(name)
        hosts[name].add_interface("eth0", ip)
        net.connect(f"{name}.eth0", sw.name)
    server = hosts["ns"].add_dns_server(zones={"example.internal": ["db A 10.0.1.20", "www CNAME db"]})
    hosts["app"].set_resolver(nameservers=["10.0.1.53"], search=["example.internal"], **resolver)
    return net, hosts, server


def test_a_ping_by_name_resolves_then_pings() -> None:
    net, hosts, server = lan()
    ping = hosts["app"].ping("www", count=2)
    net.run()
    assert isinstance(ping, vpcsim.Resolving)
    assert ping.outcome == "reply"
    assert str(ping.lookup.address) == "10.0.1.20"
    assert ping.lookup.canonical_name == "db.example.internal"
    assert ping.app.received == 2
    assert [(e.name, e.rcode) for e in server.log] == [("www.example.internal", "NOERROR")]
    assert "CNAME db.example.internal." in server.log[0].answer


def test_lookups_alone_and_their_failures() -> None:
    net, hosts, server = lan(hosts={"gw.local": "10.0.1.1"})
    app = hosts["app"]
    found, missing, local = app.lookup("db"), app.lookup("nope.example.internal", start="1s"), app.lookup("gw.local")
    net.run()
    assert (found.outcome, str(found.lookup.address)) == ("reply", "10.0.1.20")
    assert missing.outcome == "name_not_found"
    assert missing.lookup.rcode == "NXDOMAIN" and str(missing.lookup.server) == "10.0.1.53"
    assert [q.name for q in missing.lookup.queries] == ["nope.example.internal", "nope.example.internal.example.internal"]
    assert (local.lookup.source, local.lookup.queries) == ("hosts", [])
    assert len(app.resolver().lookups) == 3


def test_no_answer_is_a_dns_timeout_after_glibc_timeouts() -> None:
    net, hosts, _ = lan()
    hosts["ns"].add_blackhole_route("10.0.1.10/32")  # ns answers, into a blackhole
    ping = hosts["app"].ping("db.example.internal")
    net.run()
    assert ping.outcome == "dns_timeout"
    assert [q.sent_ms for q in ping.lookup.queries] == [0.0, 5000.0]
    assert ping.lookup.duration_ms == 10000.0
    assert ping.app is None


def test_a_node_without_resolver_cannot_aim_at_a_name() -> None:
    net = vpcsim.Network(seed=1)
    h = net.add_host("h")
    h.add_interface("eth0", "10.0.0.1/24")
    with pytest.raises(vpcsim.ConfigError, match="no resolver"):
        h.ping("db")
    with pytest.raises(vpcsim.ParseError):
        h.ping("10.0.1")  # digits and dots: a (bad) address, not a name


def test_bad_zones_are_named() -> None:
    net, hosts, _ = lan()
    with pytest.raises(vpcsim.ConfigError, match="CNAME loop"):
        hosts["db"].add_dns_server(zones={"x.internal": ["a CNAME b", "b CNAME a"]})
    with pytest.raises(vpcsim.ParseError, match="db MX 10 mail"):
        hosts["db"].add_dns_server(zones={"x.internal": ["db MX 10 mail"]})
    with pytest.raises(vpcsim.ConfigError, match="at most 3"):
        hosts["db"].set_resolver(nameservers=["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"])


# --- the scenario ---------------------------------------------------------------------------------


def test_dns_names_scenario(tmp_path: Path) -> None:
    run = scenario.load(DNS_NAMES).run(tmp_path)
    by_id = {t["id"]: t for t in run.traffic}
    assert all(t["expect_met"] for t in run.traffic), run.traffic
    assert by_id["ping-db"]["to"] == "10.0.1.20" and by_id["ping-db"]["name"] == "db"
    assert by_id["udp-www"]["lookup"]["canonical_name"] == "db.example.internal"
    missing = by_id["no-such-name"]
    assert (missing["sent"], missing["to"], missing["lookup"]["rcode"]) == (0, None, "NXDOMAIN")
    assert missing["errors"][0]["from"] == "10.0.1.53"
    down = by_id["server-down"]
    assert [q["sent_ms"] for q in down["lookup"]["queries"]] == [2000.0, 7000.0]
    results = json.loads((tmp_path / "results.json").read_text())
    assert {e["name"] for e in results["dns"]["ns"]["server_log"]} >= {"db.example.internal", "www.example.internal"}
    assert len(results["dns"]["app"]["lookups"]) == 3


def tshark_fields(path: Path, *fields: str) -> List[List[str]]:
    args = ["tshark", "-n", "-r", str(path), "-Y", "dns", "-T", "fields"]
    for f in fields:
        args += ["-e", f]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def test_wireshark_decodes_the_queries_as_dns(tmp_path: Path, tshark: Any) -> None:
    scenario.load(DNS_NAMES).run(tmp_path)
    pcap = tmp_path / "app-eth0.pcap"
    assert tshark(pcap) == []
    verbose = subprocess.run(["tshark", "-n", "-r", str(pcap), "-V"], capture_output=True, text=True).stdout
    assert "Expert Info (Warning" not in verbose
    rows = tshark_fields(pcap, "dns.flags.response", "dns.qry.name", "dns.flags.rcode", "dns.a", "dns.cname")
    assert ["0", "db.example.internal", "", "", ""] in rows  # a query: no RCODE shown
    assert ["1", "db.example.internal", "0", "10.0.1.20", ""] in rows
    assert ["1", "www.example.internal", "0", "10.0.1.20", "db.example.internal"] in rows
    assert ["1", "cache.example.internal", "3", "", ""] in rows


# --- bad input in YAML ----------------------------------------------------------------------------


def test_yaml_errors_name_the_line(tmp_path: Path) -> None:
    text = DNS_NAMES.read_text()
    bad_record = text.replace("- www 60 CNAME db", "- www 60 CNAME")
    line = text[:text.index("- www 60 CNAME db")].count("\n") + 1
    with pytest.raises(scenario.ScenarioError, match=rf"dns.yaml:{line}: .*expected NAME \[TTL\] \[IN\] TYPE VALUE"):
        scenario.loads(bad_record, "dns.yaml")
    loop = text.replace("- db A 10.0.1.20", "- db CNAME www")
    with pytest.raises(scenario.ScenarioError, match="CNAME loop"):
        scenario.loads(loop, "dns.yaml").run()
    bad_key = text.replace("search: [example.internal]", "serch: [example.internal]")
    with pytest.raises(scenario.ScenarioError, match="serch"):
        scenario.loads(bad_key, "dns.yaml")
    bad_name = text.replace("ping: cache.example.internal", "ping: 'cache..internal'")
    with pytest.raises(scenario.ScenarioError, match="empty label"):
        scenario.loads(bad_name, "dns.yaml")
