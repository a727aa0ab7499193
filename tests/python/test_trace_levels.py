"""Trace levels and compact results: what trace.jsonl and results.json hold, asked for from the
command line (`run --trace`, `--tables`), the scenario file (`trace:`, `tables:`) and Python
(`Scenario.run(trace=..., tables=...)`, `Network(trace=...)`)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import vpcsim
from vpcsim import cli, scenario

REPO_ROOT = Path(__file__).resolve().parents[2]
TWO_SUBNETS = REPO_ROOT / "scenarios" / "two_subnets.yaml"
PER_PACKET = {"sent", "received", "forwarded", "switched", "flooded", "delivered"}

# A drop (UDP to a closed port, answered with an ICMP error), a NAT translation, ARP on the way.
NAT_AND_DROP = """
name: levels
nodes:
  h1: {kind: host, interfaces: {eth0: 10.0.0.10/24}, gateway: 10.0.0.1}
  nat1:
    kind: nat
    interfaces: {eth0: 10.0.0.1/24, eth1: 203.0.113.1/24}
    snat: [{from: 10.0.0.0/24, out: eth1}]
  srv: {kind: host, interfaces: {eth0: 203.0.113.20/24}}
links: [[h1.eth0, nat1.eth0], [nat1.eth1, srv.eth0]]
traffic:
  - {on: srv, listen: {udp: 9000, reply: pong}}
  - {from: h1, udp: {to: srv:9000, data: hi}, expect: reply}
  - {at: 1s, from: h1, udp: {to: srv:9999}, expect: unreachable}
"""


def main(*argv: Any) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def lines(path: Path) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def kinds(path: Path) -> set:
    return {record["kind"] for record in lines(path)}


@pytest.fixture
def nat_file(tmp_path: Path) -> Path:
    path = tmp_path / "levels.yaml"
    path.write_text(NAT_AND_DROP)
    return path


# --- the command line ------------------------------------------------------------------------------


def test_default_level_keeps_what_explains_outcomes(nat_file: Path, tmp_path: Path) -> None:
    status, out, _ = main("run", nat_file, "--out", tmp_path / "out")
    assert status == 0, out
    found = kinds(tmp_path / "out" / "trace.jsonl")
    assert {"dropped", "translated", "icmp_error", "arp_resolved"} <= found
    assert not found & PER_PACKET
    drop = next(r for r in lines(tmp_path / "out" / "trace.jsonl") if r["kind"] == "dropped")
    assert drop["reason"] == "port_unreachable" and "9999" in drop["detail"]


def test_trace_all_writes_every_event(nat_file: Path, tmp_path: Path) -> None:
    status, _, _ = main("run", nat_file, "--out", tmp_path / "all", "--trace", "all")
    assert status == 0
    status, _, _ = main("run", nat_file, "--out", tmp_path / "drops", "--trace", "drops")
    everything = lines(tmp_path / "all" / "trace.jsonl")
    assert {"sent", "received", "forwarded", "dropped", "translated"} <= {r["kind"] for r in everything}
    # The default level is exactly the rare events of the full trace, in the same order.
    rare = [r for r in everything if r["kind"] not in PER_PACKET]
    assert lines(tmp_path / "drops" / "trace.jsonl") == rare
    # The results do not depend on the level.
    assert json.loads((tmp_path / "all" / "results.json").read_text()) == json.loads(
        (tmp_path / "drops" / "results.json").read_text()
    )


def test_trace_none_writes_no_trace_and_removes_a_stale_one(nat_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main("run", nat_file, "--out", out)[0] == 0
    assert (out / "trace.jsonl").exists()
    status, text, _ = main("run", nat_file, "--out", out, "--trace", "none")
    assert status == 0
    assert not (out / "trace.jsonl").exists()
    assert (out / "results.json").exists()
    assert "trace.jsonl" not in text.splitlines()[-1]  # the "wrote" line does not claim it
    # Drops are results, not trace: they stay in results.json and in the summary.
    assert json.loads((out / "results.json").read_text())["drops"][0]["reason"] == "port_unreachable"
    assert "port_unreachable" in text


def test_a_bad_trace_level_is_an_argument_error(nat_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", str(nat_file), "--trace", "packetz"])
    assert exit_.value.code == 2
    assert "packetz" in capsys.readouterr().err


def test_python_m_vpcsim_trace_all(run_cli, nat_file: Path, tmp_path: Path) -> None:
    result = run_cli("run", nat_file, "--out", tmp_path, "--trace", "all")
    assert result.returncode == 0, result.stderr
    assert "sent" in kinds(tmp_path / "trace.jsonl")


# --- the scenario file -----------------------------------------------------------------------------


@pytest.mark.parametrize("level, expect_packets, expect_file", [
    ("all", True, True), ("packets", True, True), ("drops", False, True), ("none", False, False),
])
def test_trace_key_in_the_file(nat_file: Path, tmp_path: Path, level: str, expect_packets: bool,
                               expect_file: bool) -> None:
    path = tmp_path / f"{level}.yaml"
    path.write_text(NAT_AND_DROP + f"trace: {level}\n")
    out = tmp_path / level
    assert main("run", path, "--out", out)[0] == 0
    assert (out / "trace.jsonl").exists() == expect_file
    if expect_file:
        assert bool(kinds(out / "trace.jsonl") & PER_PACKET) == expect_packets


def test_the_command_line_overrides_the_file(nat_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "none.yaml"
    path.write_text(NAT_AND_DROP + "trace: none\n")
    assert main("run", path, "--out", tmp_path / "out", "--trace", "all")[0] == 0
    assert "forwarded" in kinds(tmp_path / "out" / "trace.jsonl")


def test_a_bad_trace_level_in_the_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(NAT_AND_DROP + "trace: everything\n")
    status, _, err = main("validate", path)
    assert status == 2
    assert f"{path}:" in err and "trace" in err and "everything" in err and "all, drops, none" in err


# --- Python ------------------------------------------------------------------------------------------


def test_scenario_run_takes_a_trace_level(nat_file: Path, tmp_path: Path) -> None:
    sc = scenario.load(nat_file)
    assert sc.trace == "drops"
    run = sc.run(tmp_path / "all", trace="all")
    assert "forwarded" in kinds(tmp_path / "all" / "trace.jsonl")
    # trace_records() are the file's records, read back when they were streamed there.
    assert list(run.trace_records()) == lines(tmp_path / "all" / "trace.jsonl")
    sc.run(tmp_path / "none", trace="none")
    assert not (tmp_path / "none" / "trace.jsonl").exists()
    with pytest.raises(vpcsim.ConfigError, match="trace: 'loud' is not a trace level"):
        sc.run(tmp_path / "bad", trace="loud")


def test_scenario_run_without_out_keeps_the_level_in_memory(nat_file: Path) -> None:
    everything = scenario.load(nat_file).run(trace="all")
    assert any(r["kind"] == "forwarded" for r in everything.trace_records())
    rare = scenario.load(nat_file).run()
    assert not any(r["kind"] in PER_PACKET for r in rare.trace_records())


def test_network_trace_level() -> None:
    for level, expect_packets in (("all", True), ("drops", False)):
        net = vpcsim.Network(seed=1, trace=level)
        h1, h2 = net.add_host("h1"), net.add_host("h2")
        h1.add_interface("eth0", "10.0.1.10/24")
        h2.add_interface("eth0", "10.0.1.20/24")
        net.connect("h1.eth0", "h2.eth0")
        h1.ping("10.0.1.20")
        net.run()
        assert net.trace.record_packets == expect_packets
        assert any(e.kind == "sent" for e in net.trace.events) == expect_packets
        assert any(e.kind == "arp_resolved" for e in net.trace.events)
    with pytest.raises(vpcsim.ConfigError, match="trace"):
        vpcsim.Network(seed=1, trace="none")


def test_stream_jsonl_writes_what_write_jsonl_writes(tmp_path: Path) -> None:
    def network() -> Any:
        net = vpcsim.Network(seed=3)
        h1, h2 = net.add_host("h1"), net.add_host("h2")
        h1.add_interface("eth0", "10.0.1.10/24")
        h2.add_interface("eth0", "10.0.1.20/24")
        net.connect("h1.eth0", "h2.eth0")
        h1.ping("10.0.1.20", count=3)
        h1.ping("10.0.9.9")  # no route: a drop
        return net

    kept = network()
    kept.run()
    kept.trace.write_jsonl(str(tmp_path / "kept.jsonl"))
    streamed = network()
    streamed.trace.stream_jsonl(str(tmp_path / "streamed.jsonl"))
    assert streamed.trace.streaming
    streamed.run()
    written = streamed.trace.end_stream()
    assert (tmp_path / "streamed.jsonl").read_bytes() == (tmp_path / "kept.jsonl").read_bytes()
    assert written == len(kept.trace.events) > len(streamed.trace.events)
    assert [str(e) for e in streamed.trace.drops] == [str(e) for e in kept.trace.drops]
    with pytest.raises(vpcsim.ConfigError, match="cannot open"):
        streamed.trace.stream_jsonl(str(tmp_path / "missing-dir" / "t.jsonl"))


# --- compact results ---------------------------------------------------------------------------------


def many_hosts(count: int) -> str:
    nodes = "\n".join(f"  h{i}: {{kind: host, interfaces: {{eth0: 10.0.{i // 250}.{i % 250 + 2}/16}}}}" for i in range(count))
    links = "\n".join(f"  - [h{i}.eth0, sw]" for i in range(count))
    return (f"name: many\nnodes:\n  sw: {{kind: switch}}\n{nodes}\nlinks:\n{links}\n"
            f"traffic:\n  - {{from: h0, ping: h{count - 1}, expect: reply}}\n")


def test_large_runs_summarise_per_host_tables(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(many_hosts(120))
    assert main("run", path, "--out", tmp_path / "auto")[0] == 0
    results = json.loads((tmp_path / "auto" / "results.json").read_text())
    assert results["tables_detail"] == "summary"
    assert results["tables"]["h0"] == {"arp": 1, "routes": 1}
    assert results["tables"]["sw"] == {"macs": 2}
    assert main("run", path, "--out", tmp_path / "all", "--tables", "all")[0] == 0
    full = json.loads((tmp_path / "all" / "results.json").read_text())
    assert full["tables_detail"] == "all"
    assert full["tables"]["h0"]["arp"][0]["ip"] == "10.0.0.121"
    assert (tmp_path / "auto" / "results.json").stat().st_size < (tmp_path / "all" / "results.json").stat().st_size


def test_small_runs_keep_full_tables_and_the_file_can_ask_for_a_summary(tmp_path: Path) -> None:
    run = scenario.load(TWO_SUBNETS).run()
    assert run.results["tables_detail"] == "all"
    assert run.results["tables"]["h1"]["arp"][0]["state"] in ("reachable", "stale", "delay")
    path = tmp_path / "summary.yaml"
    path.write_text(TWO_SUBNETS.read_text() + "tables: summary\n")
    summary = scenario.load(path).run()
    assert summary.results["tables"]["h1"] == {"arp": 1, "routes": 2}
    assert scenario.load(path).run(tables="all").results["tables"]["h1"]["routes"][1].startswith("default via")
