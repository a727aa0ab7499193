"""explain: from Python (Cloud.explain and its answer), as scenario items (results.json, expectations,
the exit status of `vpcsim run`), and as the `vpcsim explain` command."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import vpcsim
from vpcsim import cli, scenario, tables

from test_cloud import classic
from test_scenario_files import check_results_schema

DATA = Path(__file__).resolve().parent / "data"
CLASSIC = DATA / "cloud_classic.yaml"


# --- from Python -----------------------------------------------------------------------------------


def test_a_reachable_answer_lists_every_component_both_ways() -> None:
    c = classic()
    a = c.cloud.explain("ext", "web", "tcp", 80)
    assert a.reachable and a.code == "REACHABLE" and a.destination == "198.51.100.10"
    assert (a.blocked_by, a.blocked_kind, a.blocked_direction) == (None, None, None)
    kinds = {(h.direction, h.kind) for h in a.hops}
    assert {("request", "internet_gateway"), ("request", "security_group"), ("reply", "route_table")} <= kinds
    assert str(a) == a.to_text() and a.to_text().startswith("ext -> web tcp/80 (to 198.51.100.10): reachable\n")
    assert a.query.from_ == "ext" and a.query.port == 80


def test_a_blocked_answer_names_the_component_and_what_would_change_it() -> None:
    c = classic()
    a = c.cloud.explain("db", "web", "tcp", 22)
    assert not a.reachable
    assert (a.code, a.blocked_kind, a.blocked_by, a.blocked_direction) == (
        "ENI_SG_RULES_MISMATCH", "security_group", "web-sg", "request")
    assert "tcp 22 from 10.0.2.10/32" in a.suggestion
    assert "NOT reachable [ENI_SG_RULES_MISMATCH]" in str(a)


def test_changing_the_model_changes_the_answer() -> None:
    c = classic()
    c.private_routes.remove_route("0.0.0.0/0")
    a = c.cloud.explain("db", "ext", "icmp")
    assert (a.code, a.blocked_kind, a.blocked_by) == ("NO_ROUTE_TO_DESTINATION", "route_table", "private")
    c.private_routes.add_route("0.0.0.0/0", c.nat)
    assert c.cloud.explain("db", "ext", "icmp").reachable


def test_an_elastic_ip_reached_from_inside_shows_both_rewrites_each_way() -> None:
    c = classic()
    c.vpc.add_instance("app", c.pub, ip="10.0.1.30", public_ip="198.51.100.30", security_groups=["web-sg"])
    a = c.cloud.explain("app", "198.51.100.10", "tcp", 80)
    assert a.reachable, str(a)
    igw = [(h.direction, h.action, h.detail) for h in a.hops if h.kind == "internet_gateway"]
    assert igw == [
        ("request", "translated", "destination 198.51.100.10 -> 10.0.1.10"),
        ("request", "translated", "source 10.0.1.30 -> 198.51.100.30"),
        ("reply", "translated", "destination 198.51.100.30 -> 10.0.1.30"),
        ("reply", "translated", "source 10.0.1.10 -> 198.51.100.10"),
    ]
    # web's group sees the public source: the probe is delivered from 198.51.100.30.
    [delivered] = [h for h in a.hops if h.direction == "request" and h.action == "delivered"]
    assert "198.51.100.30" in delivered.detail and delivered.component == "web"


def test_explain_records() -> None:
    c = classic()
    a = c.cloud.explain("ext", "db", "tcp", 5432)
    record = tables.explain_record(a)
    assert list(record) == ["from", "to", "proto", "port", "destination", "reachable", "code", "blocked_by",
                            "blocked_kind", "direction", "reason", "suggestion", "hops"]
    assert (record["code"], record["blocked_by"], record["direction"]) == ("NO_ROUTE_TO_DESTINATION", "internet", "request")
    hops = tables.explain_hops_records(a)
    assert [h["step"] for h in hops] == list(range(1, len(a.hops) + 1))
    assert record["hops"] == [{k: v for k, v in h.items() if k != "step"} for h in hops]
    assert list(tables.explain_hops(a).columns) == list(tables.EXPLAIN_HOPS_COLUMNS)
    json.dumps(record)  # plain data
    icmp = tables.explain_record(c.cloud.explain("ext", "web", "icmp"))
    assert icmp["port"] is None and icmp["reachable"]


def test_bad_questions_raise_config_errors() -> None:
    c = classic()
    for args, field in [(("ext", "web", "sctp", 80), "proto"), (("ext", "web", "tcp", 0), "port"), (("ext", "nowhere", "tcp", 80), "to")]:
        with pytest.raises(vpcsim.ConfigError) as caught:
            c.cloud.explain(*args)
        assert caught.value.field == field


# --- scenario items ----------------------------------------------------------------------------------


def test_explain_items_go_to_results_json(tmp_path: Path) -> None:
    run = scenario.run(CLASSIC, tmp_path)
    results = json.loads((tmp_path / "results.json").read_text())
    explained = results["explain"]
    assert [(e["from"], e["to"], e["reachable"], e["code"], e["blocked_by"], e["expect_met"]) for e in explained] == [
        ("ext", "db", False, "NO_ROUTE_TO_DESTINATION", "internet", True),
        ("web", "db", True, "REACHABLE", None, True),
        ("db", "web", False, "ENI_SG_RULES_MISMATCH", "web-sg", True),
        ("db", "ext", True, "REACHABLE", None, None),
    ]
    assert explained[2]["id"] == "db-ssh" and explained[2]["direction"] == "request"
    assert explained[2]["expect_blocked_by"] == "web-sg" and explained[2]["hops"][0]["action"] == "sent"
    assert run.all_met and len(run.answers) == 4
    check_results_schema(results, run.scenario)  # the schema every scenario file's results follow
    # The traffic ran first, and named instances resolved per Cloud.address_of.
    to = {t["id"]: t["to"] for t in results["traffic"] if t["id"]}
    assert to == {"ext-web": "198.51.100.10", "web-db": "10.0.2.10", "db-out": "203.0.113.10"}
    assert all(t["expect_met"] for t in results["traffic"] if t["expect"])
    # The cloud's nodes have tables, and each VPC its route tables, groups and ACLs.
    assert {"web", "nat-a", "igw-main", "main-router", "public-a", "internet"} <= set(results["tables"])
    assert results["tables"]["nat-a"]["translations"]
    assert [r["state"] for r in results["vpcs"]["main"]["route_tables"]] == ["active"] * 5
    assert {p.name for p in tmp_path.glob("*.pcap")} == {
        "web-eth0.pcap", "nat-a-eth0.pcap", "igw-main-vpc.pcap", "igw-main-internet.pcap"}


def test_cloud_pcaps_decode_cleanly(tmp_path: Path, tshark: Any) -> None:
    scenario.run(CLASSIC, tmp_path)
    for pcap in sorted(tmp_path.glob("*.pcap")):
        assert tshark(pcap) == [], pcap.name


def explain_file(tmp_path: Path, items: str) -> Path:
    text = CLASSIC.read_text().split("explain:")[0] + "explain:\n" + items
    path = tmp_path / "cloud.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "item, met",
    [
        ("  - {from: ext, to: db, proto: tcp, port: 5432, expect: reachable}\n", False),
        ("  - {from: web, to: db, proto: tcp, port: 5432, expect: unreachable}\n", False),
        ("  - {from: db, to: web, proto: tcp, port: 22, blocked_by: db-sg}\n", False),
        ("  - {from: db, to: web, proto: tcp, port: 22, blocked_by: web-sg}\n", True),
    ],
)
def test_an_unmet_explain_expectation_fails_the_run(tmp_path: Path, item: str, met: bool) -> None:
    path = explain_file(tmp_path, item)
    run = scenario.run(path)
    assert run.explained[0]["expect_met"] is met and run.all_met is met
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["run", str(path)], stdout=out, stderr=err) == (0 if met else 1)
    assert "explain:" in out.getvalue()
    if not met:
        assert "expectations FAILED: explain[0]" in out.getvalue()


# --- the command line --------------------------------------------------------------------------------


def test_drops_during_explains_probes_are_listed_apart_from_the_traffics() -> None:
    run = scenario.run(CLASSIC)
    assert run.results["drops"] == []  # the traffic all went through
    # What the probes drew: the internet's no route to a private address, and answers reaching
    # probers with no socket for them (a TCP SYN-ACK is reset, an echo reply or ICMP error is dropped).
    assert [(d["node"], d["reason"]) for d in run.results["explain_drops"]] == [
        ("internet", "no_route"), ("ext", "no_socket"), ("web", "port_unreachable"), ("web", "security_group_denied"),
        ("db", "no_socket")]
    assert min(d["at_ns"] for d in run.results["explain_drops"]) >= run.scenario.until  # after the traffic's run
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["run", str(CLASSIC)], stdout=out, stderr=err) == 0
    text = out.getvalue()
    assert "\ndrops: 0\n" in text
    title = "drops during explain's probes (after the traffic; not its failures): 5"
    assert text.index("explain:") < text.index(title)
    assert "no route to 10.0.2.10 at internet" in text[text.index(title):]


LISTENERS = """traffic:
  - {id: db-listens, on: db, listen: {tcp: 5432}, expect: timeout}
  - {id: web-listens, on: web, listen: {tcp: 8080}, expect: timeout}
"""


def test_a_listeners_row_counts_the_explain_probes_that_reached_it(tmp_path: Path) -> None:
    cloud = CLASSIC.read_text().split("traffic:")[0]
    alone = tmp_path / "alone.yaml"
    alone.write_text(cloud + LISTENERS)
    probed = tmp_path / "probed.yaml"
    probed.write_text(cloud + LISTENERS + "explain:\n  - {from: web, to: db, proto: tcp, port: 5432, expect: reachable}\n")
    # Nothing reaches db's listener: it times out.
    db = scenario.run(alone).traffic[0]
    assert (db["outcome"], db["received"], db["explain_probes"], db["expect_met"]) == ("timeout", 0, 0, True)
    # Explain's SYN reaches it; the prober resets the answer, so no connection is accepted and the
    # outcome stays the traffic's, but the row, summarised after explain ran, says the probe arrived.
    run = scenario.run(probed)
    db, web = run.traffic
    assert (db["outcome"], db["received"], db["connections"], db["explain_probes"], db["expect_met"]) == (
        "timeout", 0, 0, 1, True)
    assert (web["outcome"], web["explain_probes"], web["expect_met"]) == ("timeout", 0, True)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["run", str(probed)], stdout=out, stderr=err) == 0
    row = next(line for line in out.getvalue().splitlines() if "db-listens" in line)
    assert row.endswith("0 received, 0 replied; explain's probe reached it (1)")
    # A UDP probe is a datagram like any other: counted as received, and answered.
    udp = tmp_path / "udp.yaml"
    udp.write_text(cloud.replace("{proto: icmp, from: 0.0.0.0/0}", "{proto: icmp, from: 0.0.0.0/0}, {proto: udp, port: 53, from: 0.0.0.0/0}")
                   + "traffic:\n  - {id: dns, on: web, listen: {udp: 53, reply: ok}}\n"
                   + "explain:\n  - {from: ext, to: web, proto: udp, port: 53, expect: reachable}\n")
    dns = scenario.run(udp).traffic[0]
    assert (dns["outcome"], dns["received"], dns["sent"], dns["explain_probes"]) == ("reply", 1, 1, 1)


def explain_cli(*args: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["explain", str(CLASSIC), *args], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_cli_explain_prints_the_answer_and_exits_by_reachability() -> None:
    status, out, err = explain_cli("--from", "web", "--to", "db", "--proto", "tcp", "--port", "5432")
    assert (status, err) == (0, "") and out.startswith("web -> db tcp/5432 (to 10.0.2.10): reachable\n")
    status, out, err = explain_cli("--from", "ext", "--to", "db", "--port", "5432")
    assert status == 1 and "NOT reachable [NO_ROUTE_TO_DESTINATION]" in out and "to change it:" in out


def test_cli_explain_json() -> None:
    status, out, _ = explain_cli("--from", "db", "--to", "web", "--port", "22", "--json")
    answer = json.loads(out)
    assert status == 1 and (answer["code"], answer["blocked_by"]) == ("ENI_SG_RULES_MISMATCH", "web-sg")
    status, out, _ = explain_cli("--from", "ext", "--to", "web", "--proto", "icmp", "--json")
    assert status == 0 and json.loads(out)["reachable"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "web", "--to", "db"], "--port: a tcp probe needs a destination port"),
        (["--from", "web", "--to", "db", "--proto", "icmp", "--port", "8"], "--port: an icmp probe"),
        (["--from", "nobody", "--to", "db", "--port", "22"], "explain: nobody: from:"),
        (["--from", "web", "--to", "nothing", "--port", "22"], "explain: nothing: to:"),
    ],
)
def test_cli_explain_input_mistakes_exit_2(args: List[str], message: str) -> None:
    status, out, err = explain_cli(*args)
    assert status == 2 and out == "" and err.startswith(message)


def test_cli_explain_needs_a_cloud(tmp_path: Path) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: t\nnodes: {h1: {kind: host, interfaces: {eth0: 10.0.1.10/24}}}\n")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["explain", str(plain), "--from", "h1", "--to", "h1", "--port", "1"], stdout=out, stderr=err) == 2
    assert "has no vpcs or internet hosts" in err.getvalue()


def test_python_m_vpcsim_explain(run_cli: Any) -> None:
    result = run_cli("explain", CLASSIC, "--from", "ext", "--to", "web", "--port", "80")
    assert result.returncode == 0 and "reachable" in result.stdout
