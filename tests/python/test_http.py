"""HTTP/1.1 over the simulated TCP from Python, YAML and the command line: keep-alive, several
requests per connection, routes, service time, `expect: 200`; the pcaps decode as HTTP in tshark
without a warning; bad input is a file:line error."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import vpcsim
import vpcsim.scenario
from vpcsim import HttpRoute

from conftest import REPO_ROOT, unavailable

SHOP = REPO_ROOT / "scenarios" / "http_web_shop.yaml"


def _lan(seed: int = 1):
    net = vpcsim.Network(seed=seed)
    h1, h2, web = net.add_host("h1"), net.add_host("h2"), net.add_host("web")
    net.add_switch("sw1")
    h1.add_interface("eth0", "10.0.1.10/24")
    h2.add_interface("eth0", "10.0.1.11/24")
    web.add_interface("eth0", "10.0.1.20/24")
    for name in ("h1", "h2", "web"):
        net.connect(f"{name}.eth0", "sw1")
    return net, h1, h2, web


def test_keep_alive_client_and_server_from_python() -> None:
    net, h1, h2, web = _lan()
    server = web.http_server(80, [HttpRoute("/api", body='{"n": 1}', headers={"Content-Type": "application/json"},
                                            service_time="5ms"),
                                  HttpRoute("/old", status=301, headers={"Location": "/"})])
    shop = h1.http_request("10.0.1.20", path=["/api", "/old", "/nope"], host="shop.example", count=2)
    other = h2.http_request("10.0.1.20", path="/api", keep_alive=False, count=3)
    net.run()
    assert shop.outcome == "reply"
    assert shop.statuses == [200, 301, 404] * 2
    assert shop.connections == 1
    assert {e.source_port for e in shop.exchanges} == {shop.exchanges[0].source_port}
    assert shop.exchanges[0].body == b'{"n": 1}'
    assert shop.exchanges[0].header("content-type") == "application/json"
    assert shop.exchanges[0].response_time_ms >= 5.0
    assert shop.exchanges[1].header("Location") == "/"
    assert other.connections == 3 and other.statuses == [200] * 3
    assert server.connections == 4
    assert server.requests == 9
    assert server.responses == {200: 5, 301: 2, 404: 2}
    assert server.route_hits == [5, 2] and server.unrouted == 2
    first = server.log[0]
    assert (first.method, first.target, first.host, str(first.client)) == ("GET", "/api", "shop.example", "10.0.1.10")
    assert sum(r.host == "10.0.1.20" for r in server.log) == 3  # no host given: the address
    assert server.open_connections == 0


def test_a_client_with_nothing_listening_is_refused() -> None:
    net, h1, _, _ = _lan()
    c = h1.http_request("10.0.1.20")
    net.run()
    assert (c.outcome, c.error, c.statuses) == ("unreachable", "connection_refused", [])


def test_bad_routes_are_config_errors() -> None:
    net, h1, _, web = _lan()
    with pytest.raises(vpcsim.ConfigError, match="must start with '/'"):
        web.http_server(80, [HttpRoute("api")])
    with pytest.raises(vpcsim.ConfigError, match="100..599"):
        web.http_server(81, [HttpRoute("/", status=700)])
    with pytest.raises(vpcsim.ConfigError, match="must start with '/'"):
        h1.http_request("10.0.1.20", path="nope")


def test_shop_scenario_meets_its_expectations(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "out"
    done = run_cli("run", str(SHOP), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 of 5 expectations met" in done.stdout
    assert "web:80/api" not in done.stdout  # the table shows the address
    assert "3x 200 over 1 connection" in done.stdout
    results = json.loads((out / "results.json").read_text())
    items = {t["id"]: t for t in results["traffic"]}
    assert items["api-keepalive"]["statuses"] == {"200": 3}
    assert items["api-keepalive"]["connections"] == 1
    assert items["api-keepalive"]["host"] == "shop.example"
    assert items["api-keepalive"]["sent_unit"] == "requests"
    assert items["home-no-keepalive"]["connections"] == 2
    assert items["redirect"]["statuses"] == {"301": 1}
    assert items["missing"]["statuses"] == {"404": 1}
    web = items["web"]
    assert (web["protocol"], web["connections"], web["requests"]) == ("http", 5, 7)
    assert [r["hits"] for r in web["routes"]] == [2, 3, 1] and web["unrouted"] == 1
    # The /api responses waited for the route's 20 ms of service time.
    assert min(e["response_time_ms"] for e in items["api-keepalive"]["exchanges"]) >= 20.0


def test_expect_a_status_that_does_not_come_fails(tmp_path: Path) -> None:
    text = SHOP.read_text().replace("path: /nothing-here, host: shop.example}\n    expect: 404",
                                    "path: /nothing-here, host: shop.example}\n    expect: 200")
    scenario = vpcsim.scenario.loads(text, "shop.yaml")
    run = scenario.run()
    failed = [t["id"] for t in run.failed]
    assert failed == ["missing"]


def _tshark(*args: str) -> str:
    return subprocess.run(["tshark", "-n", *args], capture_output=True, text=True, check=True).stdout


def test_tshark_decodes_the_exchanges_as_http_without_warnings(tmp_path: Path, tshark) -> None:
    out = tmp_path / "out"
    vpcsim.scenario.load(str(SHOP)).run(out)
    pcap = out / "web-eth0.pcap"
    assert tshark(pcap) == []
    lines = _tshark("-r", str(pcap), "-Y", "http", "-T", "fields", "-e", "http.request.method",
                    "-e", "http.request.uri", "-e", "http.response.code", "-e", "http.host").splitlines()
    requests = [l.split("\t") for l in lines if l.split("\t")[0]]
    responses = [l.split("\t")[2] for l in lines if not l.split("\t")[0]]
    assert [r[1] for r in requests] == ["/api"] * 3 + ["/", "/", "/old", "/nothing-here"]
    assert {r[3] for r in requests} == {"shop.example"}
    assert sorted(responses) == sorted(["200"] * 5 + ["301", "404"])
    # Wireshark's expert system: nothing at warning level or above (no malformed, no TCP analysis).
    expert = _tshark("-r", str(pcap), "-q", "-z", "expert,warn")
    assert "Warnings" not in expert and "Errors" not in expert, expert


@pytest.mark.parametrize(
    "item, message",
    [
        ("{from: client, http: {to: web:80, path: api}}", "a path starts with '/'"),
        ("{from: client, http: {to: web:80}, expect: 700}", "an HTTP status is in 100..599"),
        ("{from: client, http: {to: web:80, count: 0}}", "0 is outside 1..1000000"),
        ("{from: client, http: {to: web:80, method: 'GE T'}}", "not a valid method"),
        ("{from: client, http: {to: web:80, headers: {'X A': b}}}", "not a valid header name"),
        ("{from: client, http: {path: /}}", "missing 'to'"),
        ("{from: client, http: {to: web:80, colour: red}}", "colour"),
        ("{on: web, listen: {tcp: 81, routes: []}}", "'routes' is for an http listener"),
        ("{on: web, listen: {http: 80, tcp: 80}}", "not both tcp and http"),
        ("{on: web, listen: {http: 80, routes: [{path: /a}, {path: /a}]}}", "given twice"),
        ("{on: web, listen: {http: 80, routes: [{status: 99}]}}", "99 is outside 100..599"),
        ("{on: web, listen: {http: 80}}", "already listens on TCP 80"),
    ],
)
def test_bad_http_items_name_the_line(item: str, message: str) -> None:
    text = SHOP.read_text().replace("traffic:\n", f"traffic:\n  - {item}\n", 1)
    with pytest.raises(vpcsim.scenario.ScenarioError) as error:
        vpcsim.scenario.loads(text, "shop.yaml")
    assert message in str(error.value)
    assert "shop.yaml:" in str(error.value)
