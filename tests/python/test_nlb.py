"""The NLB-style load balancer from Python, YAML and the command line: the flow-hash split over
healthy targets, a target failing its health checks, deregistration with draining, client IP
preservation by target type, and file:line errors for bad balancer configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import vpcsim
import vpcsim.scenario
from vpcsim import HttpRoute

from conftest import REPO_ROOT

SCENARIO = REPO_ROOT / "scenarios" / "nlb_three_targets.yaml"


def test_scenario_split_health_and_draining(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "out"
    done = run_cli("run", str(SCENARIO), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "load balancers:" in done.stdout
    results = json.loads((out / "results.json").read_text())
    lb = results["load_balancers"]["lb"]
    targets = {t["target"]: t for t in lb["targets"]}
    assert targets["10.0.2.13:80"]["health"] == "unhealthy" and targets["10.0.2.13:80"]["flows"] == 0
    assert targets["10.0.2.11:80"]["health"] == "unused"  # drained after its 20 s delay
    assert targets["10.0.2.11:80"]["flows"] + targets["10.0.2.12:80"]["flows"] == 60 == lb["flows"]
    # The first 30 connections spread over t1 and t2; the last 30 (after 60 s) all went to t2.
    first, last = lb["flow_choices"][:30], lb["flow_choices"][30:]
    assert {c["target"] for c in first} == {"10.0.2.11:80", "10.0.2.12:80"}
    assert 8 <= sum(c["target"] == "10.0.2.11:80" for c in first) <= 22  # 15 expected; binomial bounds
    assert {c["target"] for c in last} == {"10.0.2.12:80"}
    changes = [(c["target"], c["to"], c["at_ns"] // 10**9) for c in lb["health_changes"]]
    assert ("10.0.2.11:80", "draining", 60) in changes and ("10.0.2.11:80", "unused", 80) in changes
    assert ("10.0.2.13:80", "unhealthy", 5) in changes  # second refused check, 5 s after the first


def test_same_seed_same_split_other_seed_other_split() -> None:
    def split(seed: int) -> list:
        run = vpcsim.scenario.load(str(SCENARIO)).run(seed=seed)
        return [c["target"] for c in run.results["load_balancers"]["lb"]["flow_choices"]]

    assert split(1) == split(1)
    assert split(1) != split(2)


def _lan(target_type: str):
    net = vpcsim.Network(seed=3)
    client, lb = net.add_host("client"), net.add_network_load_balancer("lb")
    net.add_switch("sw")
    client.add_interface("eth0", "10.0.1.10/24")
    client.add_route("0.0.0.0/0", via="10.0.1.1")
    lb.add_interface("eth0", "10.0.1.1/24")
    lb.add_interface("eth1", "10.0.2.1/24")
    net.connect("client.eth0", "lb.eth0")
    net.connect("lb.eth1", "sw")
    servers = []
    for i in (1, 2):
        t = net.add_host(f"t{i}")
        t.add_interface("eth0", f"10.0.2.1{i}/24")
        t.add_route("0.0.0.0/0", via="10.0.2.1")
        net.connect(f"t{i}.eth0", "sw")
        servers.append(t.http_server(80, [HttpRoute("/", body=f"t{i}")]))
    lb.add_target_group("web", target_type=target_type, targets=["10.0.2.11:80", ("10.0.2.12", 80)],
                        health_interval="5s", health_timeout="2s", healthy_threshold=2)
    lb.add_listener(80, "web")
    c = client.http_request("10.0.1.1", count=10, keep_alive=False, start="20s")
    net.run(until="60s")
    return lb, c, servers


@pytest.mark.parametrize("target_type, seen", [("instance", "10.0.1.10"), ("ip", "10.0.2.1")])
def test_client_ip_preserved_for_instance_targets_only(target_type: str, seen: str) -> None:
    lb, c, servers = _lan(target_type)
    assert c.statuses == [200] * 10
    assert {str(r.client) for s in servers for r in s.log} == {seen}
    assert [t.health for t in lb.target_health()] == ["healthy", "healthy"]
    assert sum(t.flows for t in lb.target_health()) == 10
    assert all(ch.source_translated == (target_type == "ip") for ch in lb.flow_choices)


def test_bad_configuration_from_python() -> None:
    net = vpcsim.Network()
    lb = net.add_network_load_balancer("lb")
    with pytest.raises(vpcsim.ConfigError, match="thresholds are 2..10"):
        lb.add_target_group("web", healthy_threshold=1)
    with pytest.raises(vpcsim.ConfigError, match="tcp or udp"):
        lb.add_target_group("web", protocol="sctp")
    with pytest.raises(vpcsim.ParseError):
        lb.add_target_group("web", targets=["10.0.2.11"])
    with pytest.raises(vpcsim.ConfigError, match="no target group named"):
        lb.add_listener(80, "nope")


@pytest.mark.parametrize(
    "change, message",
    [
        ("until: 100s\n", "give the scenario an 'until'"),
        ("listeners: [{port: 80, target_group: web}]", "unknown target group 'webb'"),
        ("healthy_threshold: 2, unhealthy", "outside 2..10"),
        ("targets: [t1:80, t2:80, t3:80]", "a target is NODE:PORT"),
        ("deregister: [{target: t1:80, at: 60s}]", "is not among web's targets"),
        ("targets: [t1:80, t2:80, t3:80]", "no node named 'tx'"),
    ],
)
def test_bad_balancer_items_name_the_line(change: str, message: str) -> None:
    text = SCENARIO.read_text()
    replacement = {
        "until: 100s\n": "",
        "listeners: [{port: 80, target_group: web}]": "listeners: [{port: 80, target_group: webb}]",
        "healthy_threshold: 2, unhealthy": "healthy_threshold: 1, unhealthy",
    }.get(change)
    if replacement is None:
        replacement = {
            "a target is NODE:PORT": "targets: [t1, t2:80, t3:80]",
            "is not among web's targets": "deregister: [{target: t1:81, at: 60s}]",
            "no node named 'tx'": "targets: [t1:80, t2:80, tx:80]",
        }[message]
    text = text.replace(change, replacement)
    with pytest.raises(vpcsim.scenario.ScenarioError) as error:
        vpcsim.scenario.loads(text, "nlb.yaml").run()
    assert message in str(error.value)
    assert "nlb.yaml:" in str(error.value)
