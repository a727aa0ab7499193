"""VPC Flow Logs from Python, YAML and the command line: logs written with AWS's ACCEPT/REJECT
semantics, read back (plain and gzip, bad lines with their line), and the what-if of
scenarios/flow_log_whatif: week.log replayed into the VPC before and after a security-group change."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import List, Tuple

import pytest

import vpcsim
from vpcsim import cli, progress, scenario

REPO_ROOT = Path(__file__).resolve().parents[2]
WHATIF = REPO_ROOT / "scenarios" / "flow_log_whatif"
ENI = "eni-0f10a11b00c0ffee1"


def main(*argv: object) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def classic() -> Tuple[vpcsim.Network, vpcsim.Cloud]:
    net = vpcsim.Network(seed=1)
    cloud = vpcsim.Cloud(net)
    vpc = cloud.add_vpc("main", "10.0.0.0/16")
    pub = vpc.add_subnet("public-a", "10.0.1.0/24")
    pub.associate(vpc.add_route_table("public"))
    vpc.route_table("public").add_route("0.0.0.0/0", vpc.attach_internet_gateway("igw-main"))
    sg = vpc.add_security_group("web-sg")
    sg.add_ingress("icmp", cidr="0.0.0.0/0")
    vpc.add_instance("web", pub, ip="10.0.1.10", public_ip="198.51.100.10", security_groups=["web-sg"])
    cloud.add_internet_host("ext", "203.0.113.10")
    return net, cloud


def test_python_flow_logs_follow_awss_ping_example() -> None:
    # AWS's example: the group admits ICMP, the ACL admits it in but not out.
    net, cloud = classic()
    vpc = cloud.vpc("main")
    acl = vpc.add_network_acl("no-icmp-out")
    acl.add_rule("inbound", 100, "all", None, "0.0.0.0/0", "allow")
    acl.add_rule("outbound", 100, "tcp", "0-65535", "0.0.0.0/0", "allow")
    vpc.subnet("public-a").set_network_acl(acl)
    logs = cloud.flow_logs(["web"], epoch=1432917000, eni_ids={"web": "eni-1235b8ca123456789"})
    net.node("ext").ping("198.51.100.10", count=4)
    net.run()
    assert [r.to_line() for r in logs.records("web")] == [
        "2 123456789012 eni-1235b8ca123456789 203.0.113.10 10.0.1.10 0 0 1 4 336 1432917000 1432917003 ACCEPT OK",
        "2 123456789012 eni-1235b8ca123456789 10.0.1.10 203.0.113.10 0 0 1 4 336 1432917000 1432917003 REJECT OK",
    ]
    record = logs.records("web")[1]
    assert (record.action, record.srcaddr, record.bytes) == ("REJECT", "10.0.1.10", 336)


def test_flow_logs_read_back_plain_and_gzip(tmp_path: Path) -> None:
    net, cloud = classic()
    logs = cloud.flow_logs(epoch=1700000040)
    net.node("ext").ping("198.51.100.10", count=2)
    net.run()
    [path] = logs.write(str(tmp_path))
    assert Path(path).name.startswith("eni-0") and Path(path).read_text().startswith("version account-id")
    gz = tmp_path / "web.log.gz"
    gz.write_bytes(gzip.compress(Path(path).read_bytes()))
    for p in (path, str(gz)):
        read = vpcsim.read_flow_log(p)
        assert read.records == logs.records("web") and read.bad_records == 0


def test_read_flow_log_names_bad_lines(tmp_path: Path) -> None:
    log = tmp_path / "bad.log"
    log.write_text("2 1 eni-a 203.0.113.10 10.0.1.10 40000 80 6 3 120 0 2 ACCEPT OK\n"
                   "2 1 eni-a 203.0.113.10 10.0.1.10 40000 80 6 3 120 0 2 MAYBE OK\n")
    read = vpcsim.read_flow_log(str(log))
    assert len(read.records) == 1 and read.bad_records == 1
    assert read.issues == [f"{log}:2: action 'MAYBE' is not ACCEPT or REJECT"]
    with pytest.raises(vpcsim.ParseError, match="srcport '70000' is out of range"):
        vpcsim.parse_flow_log_line("2 1 eni-a 10.0.0.1 10.0.0.2 70000 80 6 1 40 0 0 ACCEPT OK")
    with pytest.raises(vpcsim.ConfigError, match="nowhere.log: flow log"):
        vpcsim.read_flow_log(str(tmp_path / "nowhere.log"))


def test_record_yaml_writes_week_log_and_results(tmp_path: Path) -> None:
    run = scenario.run(WHATIF / "record.yaml", out=tmp_path)
    assert run.all_met, run.failed
    written = tmp_path / "flow-logs" / f"{ENI}.log"
    # week.log is exactly what record.yaml writes (same file, same seed, same bytes).
    assert written.read_text() == (WHATIF / "week.log").read_text()
    [entry] = run.results["flow_logs"]
    assert entry["interface_id"] == ENI and entry["instance"] == "web"
    lines = entry["records"]
    assert any(" 203.0.113.21 10.0.1.10 " in l and " 80 6 " in l and l.endswith("ACCEPT OK") for l in lines)
    assert any(" 203.0.113.23 10.0.1.10 " in l and " 443 6 " in l and l.endswith("REJECT OK") for l in lines)
    assert not any(l.split()[3] == "10.0.1.10" and l.split()[4] == "203.0.113.23" for l in lines)  # no reply to carol
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["flow_logs"] == run.results["flow_logs"]


@pytest.mark.parametrize("section, message", [
    ("{instances: [wbe]}", "flow_logs.instances[0]: unknown instance 'wbe' (did you mean 'web'?)"),
    ("{traffic: SOME}", "flow_logs.traffic: unknown traffic 'SOME'"),
    ("{interval: 0}", "flow_logs.interval: must be longer than 0"),
    ("{interface_ids: {web: 'eni 1'}}", "flow_logs.interface_ids.web: 'eni 1' is not an interface id"),
    ("{colour: blue}", "flow_logs.colour: unknown key 'colour'"),
])
def test_yaml_flow_logs_errors_name_file_line_and_field(section: str, message: str) -> None:
    text = (WHATIF / "before.yaml").read_text().replace(
        "flow_logs:\n  instances: [web]\n  interface_ids: {web: eni-0f10a11b00c0ffee1}\n", f"flow_logs: {section}\n")
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.loads(text, "before.yaml")
    assert str(error.value).startswith("before.yaml:")
    assert message in str(error.value)


def client_lines(text: str, clients: List[str]) -> List[str]:
    return [l for l in text.splitlines() if len(l.split()) == 14 and l.split()[3] in clients]


def test_cli_what_if_replays_week_log_before_and_after(tmp_path: Path) -> None:
    status, out, err = main("replay", WHATIF / "week.log", "--into", WHATIF / "before.yaml", "--at", "internet-203-0-113",
                            "--diff", WHATIF / "after.yaml", "--out", tmp_path)
    assert err == ""
    assert status == 1, out  # the change breaks flows
    diff = json.loads((tmp_path / "diff.json").read_text())
    changes = {(f["flow"].split(" -> ")[0].rsplit(":", 1)[0], f["before"], f["after"]) for f in diff["flows"]}
    assert changes == {
        ("tcp 203.0.113.21", "delivered", "blocked"),   # alice's HTTP, both connections
        ("tcp 203.0.113.23", "blocked", "delivered"),   # carol's HTTPS
    }, out
    assert sum(1 for f in diff["flows"] if f["flow"].startswith("tcp 203.0.113.21")) == 2
    assert all(f["code_after"] == "ENI_SG_RULES_MISMATCH" for f in diff["flows"] if f["after"] == "blocked")
    # Replayed into the unchanged VPC, web's log says what the original said, client side line for line.
    clients = ["203.0.113.21", "203.0.113.22", "203.0.113.23", "203.0.113.24"]
    week = (WHATIF / "week.log").read_text()
    replayed = (tmp_path / "flow-logs" / f"{ENI}.log").read_text()
    assert client_lines(replayed, clients) == client_lines(week, clients)
    after = (tmp_path / "diff" / "flow-logs" / f"{ENI}.log").read_text()
    assert any(l.split()[3] == "203.0.113.21" and l.endswith("REJECT OK") for l in client_lines(after, clients))


def test_what_if_tcp_flows_complete_without_resets(tmp_path: Path) -> None:
    """The rebuilt client segments cannot know web's ISN: the replay port learns it from the SYN-ACK
    and acknowledges in web's sequence space, so web takes every byte and answers no RST."""
    status, out, err = main("replay", WHATIF / "week.log", "--into", WHATIF / "before.yaml", "--at", "internet-203-0-113",
                            "--out", tmp_path)
    assert (status, err) == (0, ""), out
    flows = json.loads((tmp_path / "results.json").read_text())["replay"]["flows"]
    http = [f for f in flows if f["protocol"] == "tcp" and f["outcome"] == "delivered"]
    assert len(http) == 2
    for f in http:
        assert f["answers"] > 0 and f["resets"] == 0, f


def test_cli_replay_of_a_flow_log_reports_bad_lines(tmp_path: Path) -> None:
    log = tmp_path / "some.log"
    week = (WHATIF / "week.log").read_text().splitlines()
    log.write_text("\n".join(week[:3] + ["2 1 eni-x not-an-address 10.0.1.10 1 2 6 1 40 1 2 ACCEPT OK"] + week[3:]) + "\n")
    status, out, _ = main("replay", log, "--into", WHATIF / "before.yaml", "--at", "internet-203-0-113")
    assert status == 0
    assert "line 4: srcaddr 'not-an-address' is not an IPv4 address" in out


def test_replaying_a_flow_log_draws_its_packet_count(monkeypatch: pytest.MonkeyPatch) -> None:
    # A flow log's packets are made from its records as they are read: a status line with the count
    # (vpcsim.progress), not a bar, and the --diff replay draws the same.
    monkeypatch.setattr(progress, "DELAY", 0.0)
    status, out, err = main("replay", WHATIF / "week.log", "--into", WHATIF / "before.yaml", "--at",
                            "internet-203-0-113", "--diff", WHATIF / "after.yaml", "--progress")
    assert status == 1, out
    before, after = err.index(f"\rloading {WHATIF / 'before.yaml'} and "), err.index(f"\rloading {WHATIF / 'after.yaml'} and ")
    assert "\rreplaying: " in err[before:after] and "\rreplaying: " in err[after:]  # both replays
    assert " packets sent... (" in err
    assert "%" not in err  # no bar: the total is not known in advance
