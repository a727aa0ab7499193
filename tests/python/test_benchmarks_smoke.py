"""Smoke tests of the C++ benchmark programs: each runs once at a tiny size, exits 0, and prints
output that parses (key=value lines, or one JSON object per line with --json).

The programs are found in the build directory: $VPCSIM_BUILD_DIR, else <repository>/build
(conftest.build_dir). A test is skipped, saying so, when its program was not built (configure with
-DVPCSIM_BENCHMARKS=ON); under CI (CI=true) it fails instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import build_dir, unavailable

BUILD_DIR = build_dir()
TIMEOUT_S = 120


def program(name: str) -> Path:
    for candidate in (BUILD_DIR / name, BUILD_DIR / "benchmarks" / name, BUILD_DIR / "benchmarks" / "cpp" / name):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    unavailable(f"{name} is not built in {BUILD_DIR} (set VPCSIM_BUILD_DIR, configure with -DVPCSIM_BENCHMARKS=ON)")


def run(name: str, *args: str, expect_code: int = 0) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(program(name)), *args], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    assert result.returncode == expect_code, (
        f"{name} {' '.join(args)} exited {result.returncode}, expected {expect_code}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def parse_key_values(stdout: str) -> list[dict[str, str]]:
    """The non-comment lines of a text report, each as {key: value}."""
    rows = []
    for line in stdout.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pairs = [field.split("=", 1) for field in line.split()]
        assert all(len(pair) == 2 for pair in pairs), f"not key=value fields: {line!r}"
        rows.append(dict(pairs))
    return rows


def parse_json_lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


# ------------------------------------------------------------------------------ bench_forwarding

FORWARDING_FIELDS = {
    "hosts", "delivered", "build_s", "run_s", "delivered_per_s", "link_frames", "hops_per_packet", "ns_per_hop",
    "steady_ns_per_hop", "events", "peak_rss_mib", "topology_rss_mib", "bytes_per_host",
}


def test_forwarding_text_output_parses_and_counts_every_datagram() -> None:
    rows = parse_key_values(run("bench_forwarding", "--hosts", "2", "--datagrams", "2").stdout)
    assert len(rows) == 1
    row = rows[0]
    assert FORWARDING_FIELDS <= row.keys()
    assert int(row["hosts"]) == 2
    assert int(row["delivered"]) == 4
    # Each datagram crosses 4 links (a -> sa -> r1 -> sb -> b); ARP adds frames on top.
    assert int(row["link_frames"]) >= 4 * 4
    assert float(row["hops_per_packet"]) >= 4.0
    assert float(row["run_s"]) >= 0.0
    assert float(row["peak_rss_mib"]) > 0.0


def test_forwarding_json_output_parses() -> None:
    rows = parse_json_lines(run("bench_forwarding", "--hosts", "2", "--datagrams", "2", "--json").stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["benchmark"] == "forwarding"
    assert FORWARDING_FIELDS <= row.keys()
    assert row["delivered"] == 4
    assert row["link_frames"] == row["arp_frames"] + 4 * row["delivered"]
    assert row["events"] > 0


def test_forwarding_several_sizes_one_line_each() -> None:
    # Several sizes run in forked children: one line per size, in order.
    rows = parse_json_lines(
        run("bench_forwarding", "--hosts", "2", "--hosts", "3", "--datagrams", "2", "--json", "--sink", "counter").stdout
    )
    assert [row["hosts"] for row in rows] == [2, 3]
    assert [row["delivered"] for row in rows] == [4, 6]


def test_forwarding_rejects_an_unknown_option() -> None:
    result = run("bench_forwarding", "--frobnicate", expect_code=2)
    assert "unknown option --frobnicate" in result.stderr


# ------------------------------------------------------------------------------ bench_scheduler

def test_scheduler_text_output_parses() -> None:
    rows = parse_key_values(run("bench_scheduler", "--depth", "100", "--ops", "1000").stdout)
    assert len(rows) == 1
    assert int(rows[0]["depth"]) == 100
    assert float(rows[0]["hold_ns_per_op"]) > 0.0


def test_scheduler_json_output_parses() -> None:
    rows = parse_json_lines(
        run("bench_scheduler", "--depth", "100", "--depth", "1000", "--ops", "1000", "--json").stdout
    )
    assert [row["depth"] for row in rows] == [100, 1000]
    for row in rows:
        assert row["benchmark"] == "scheduler"
        assert row["hold_ns_per_op"] > 0
        assert row["baseline_hold_ns_per_op"] > 0


# ------------------------------------------------------------------------------ bench_floor

def test_floor_text_and_json_output_parse() -> None:
    rows = parse_key_values(run("bench_floor", "--depth", "100", "--frames", "50", "--iterations", "1000").stdout)
    assert len(rows) == 1
    assert int(rows[0]["iterations"]) == 1000
    assert float(rows[0]["ns_per_hop"]) > 0.0
    rows = parse_json_lines(run("bench_floor", "--iterations", "1000", "--json").stdout)
    assert rows[0]["benchmark"] == "floor"
    assert rows[0]["ns_per_hop"] > 0


def test_floor_rejects_a_bad_count() -> None:
    result = run("bench_floor", "--frames", "0", expect_code=2)
    assert "expected a positive count" in result.stderr


# ------------------------------------------------------------------------------ bench_forwarding_ns3

NS3_BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "ns3" / "build.sh"


@pytest.mark.perf
def test_forwarding_ns3_twin_builds_and_counts_every_datagram(tmp_path: Path) -> None:
    # The ns-3 twin of bench_forwarding (benchmarks/ns3/), built here against Debian's libns3-dev. ns-3
    # is large, so it belongs to the performance comparison's setup (`bash .ci/setup.sh perf`), and this
    # test runs with the `perf` marker (`bash .ci/perf`, or `pytest -m perf`), not in the default suite.
    if not Path("/usr/include/ns3/csma-module.h").is_file():
        unavailable("libns3-dev is not installed: run `bash .ci/setup.sh perf` (apt-get install libns3-dev)")
    build = subprocess.run(
        [str(NS3_BUILD_SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    assert build.returncode == 0, f"benchmarks/ns3/build.sh failed:\n{build.stdout}\n{build.stderr}"
    result = subprocess.run(
        [str(tmp_path / "bench_forwarding_ns3"), "--hosts", "2", "--datagrams", "3", "--json"],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )
    assert result.returncode == 0, f"bench_forwarding_ns3 exited {result.returncode}\n{result.stdout}{result.stderr}"
    rows = parse_json_lines(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["benchmark"] == "forwarding_ns3"
    assert FORWARDING_FIELDS <= row.keys()
    assert row["hosts"] == 2
    assert row["delivered"] == 6
    assert row["drops"] == 0
    assert row["link_frames"] == row["arp_frames"] + 4 * row["delivered"]


# ------------------------------------------------------------------------------ bench_scale

SCALE_FIELDS = {
    "subnets", "hosts_per_subnet", "hosts", "pings_sent", "replies", "build_s", "run_s", "events", "link_frames",
    "arp_frames", "peak_rss_mib", "bytes_per_idle_host", "bytes_per_switch_port", "frame_pool_mib",
}


def test_scale_text_output_parses_and_every_ping_is_answered() -> None:
    rows = parse_key_values(run("bench_scale", "--subnets", "2", "--hosts-per-subnet", "5").stdout)
    assert len(rows) == 1
    row = rows[0]
    assert SCALE_FIELDS <= row.keys()
    assert int(row["hosts"]) == 10
    assert int(row["pings_sent"]) == int(row["replies"]) == 10
    # Each host's ARP request is flooded to the 5 other ports of its switch.
    assert int(row["arp_frames"]) >= 10 * 5
    assert float(row["bytes_per_switch_port"]) > 0.0


def test_scale_json_several_sizes_one_line_each() -> None:
    rows = parse_json_lines(
        run("bench_scale", "--subnets", "2", "--subnets", "3", "--hosts-per-subnet", "5", "--pings", "2", "--json").stdout
    )
    assert [(row["subnets"], row["hosts"]) for row in rows] == [(2, 10), (3, 15)]
    for row in rows:
        assert row["benchmark"] == "scale"
        assert row["pings_sent"] == row["replies"] == 2 * row["hosts"]
        assert row["link_frames"] == row["arp_frames"] + 4 * row["replies"]


def test_scale_rejects_an_unknown_option() -> None:
    result = run("bench_scale", "--frobnicate", expect_code=2)
    assert "unknown option --frobnicate" in result.stderr


# ------------------------------------------------------------------------------ bench_startup (Python)

STARTUP_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "python" / "bench_startup.py"


def test_startup_builds_from_python_and_from_yaml() -> None:
    # 2 LANs of 10 hosts: built both ways, then a0 pings b9 (the program exits 1 without the reply).
    result = subprocess.run(
        [sys.executable, str(STARTUP_SCRIPT), "--hosts", "10", "--runs", "1", "--json"],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )
    assert result.returncode == 0, f"bench_startup.py exited {result.returncode}\n{result.stdout}{result.stderr}"
    rows = {row["path"]: row for row in parse_json_lines(result.stdout)}
    assert set(rows) == {"python", "yaml"}
    assert all(row["benchmark"] == "startup" and row["hosts"] == 20 for row in rows.values())
    assert rows["python"]["build_s"] > 0
    yaml_row = rows["yaml"]
    assert {"parse_s", "validate_s", "build_s", "ready_s", "load_s", "file_mib"} <= yaml_row.keys()
    assert yaml_row["ready_s"] >= yaml_row["parse_s"]


def test_startup_text_output_parses() -> None:
    result = subprocess.run(
        [sys.executable, str(STARTUP_SCRIPT), "--hosts", "3", "--runs", "1", "--path", "python"],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = parse_key_values(result.stdout)
    assert len(rows) == 1 and rows[0]["path"] == "python" and int(rows[0]["hosts"]) == 6


# ------------------------------------------------------------------------------ bench_nat

NAT_FIELDS = {
    "router", "flows", "build_s", "setup_s", "flows_per_s", "steady_s", "packets_per_s", "ns_per_packet",
    "ns_per_translated_packet", "entries", "created", "expired", "flows_translated", "ports_reallocated",
    "conntrack_bytes_per_entry", "rss_bytes_per_flow", "peak_rss_mib",
}


def test_nat_text_output_parses_and_every_flow_is_translated() -> None:
    rows = parse_key_values(
        run("bench_nat", "--flows", "40", "--inside-hosts", "4", "--servers", "2", "--rounds", "2").stdout
    )
    assert len(rows) == 1
    row = rows[0]
    assert NAT_FIELDS <= row.keys()
    assert row["router"] == "nat"
    assert int(row["flows"]) == int(row["entries"]) == int(row["created"]) == int(row["expired"]) == 40
    assert int(row["flows_translated"]) == 40
    # 4 hosts share source ports towards 2 servers: for each (server, port) one flow keeps its port.
    assert int(row["ports_reallocated"]) == 20
    assert float(row["conntrack_bytes_per_entry"]) > 0.0


def test_nat_json_output_counts_two_translations_per_round_trip() -> None:
    rows = parse_json_lines(
        run("bench_nat", "--flows", "30", "--inside-hosts", "3", "--servers", "3", "--rounds", "3", "--json").stdout
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["benchmark"] == "nat"
    assert NAT_FIELDS <= row.keys()
    assert row["steady_packets"] == row["steady_translated"] == 2 * 30 * 3
    assert row["ports_reallocated"] == 0  # as many servers as hosts: no two flows clash


def test_nat_plain_router_carries_the_same_flows_without_conntrack() -> None:
    rows = parse_json_lines(run("bench_nat", "--flows", "20", "--inside-hosts", "2", "--router", "plain", "--json").stdout)
    assert rows[0]["router"] == "plain"
    assert rows[0]["entries"] == rows[0]["steady_translated"] == 0
    assert rows[0]["steady_packets"] == 2 * 20 * 4


def test_nat_refuses_flows_that_would_exhaust_one_destinations_ports() -> None:
    result = run("bench_nat", "--flows", "70000", "--inside-hosts", "10", "--servers", "1", expect_code=2)
    assert "raise --servers" in result.stderr


# ------------------------------------------------------------------------------ bench_vpc

VPC_FIELDS = {"variant", "hosts", "rounds", "acl_rules", "wall_s", "cpu_s", "forwarded", "forwarded_per_s",
              "ns_per_forwarded", "replies", "expected", "drops"}


def test_vpc_json_both_variants_answer_every_datagram_and_explain_is_timed() -> None:
    rows = parse_json_lines(run("bench_vpc", "--hosts", "5", "--rounds", "3", "--acl-rules", "4", "--json").stdout)
    assert [r.get("variant") for r in rows[:2]] == ["vpc", "plain"]
    for row in rows[:2]:
        assert VPC_FIELDS <= row.keys()
        assert row["replies"] == row["expected"] == 5 * 3
        assert row["forwarded"] == 2 * 5 * 3 and row["drops"] == 0
    assert rows[2]["explain_median_us"] > 0


def test_vpc_text_output_and_a_bad_option() -> None:
    text = run("bench_vpc", "--hosts", "2", "--rounds", "1").stdout
    assert "vpc/plain wall per forwarded packet" in text
    assert "needs a count" in run("bench_vpc", "--acl-rules", "41", expect_code=2).stderr


# ------------------------------------------------------------------------------ compare_ns3.py --cli

COMPARE_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "compare_ns3.py"


def test_compare_ns3_cli_mode_times_vpcsim_run_and_counts_every_datagram(tmp_path: Path) -> None:
    # --cli writes the forwarding workload as a scenario file and times `vpcsim run` as a process; with
    # --only vpcsim and --no-build it uses the extension in the build directory.
    # The extension: the build directory's when the Python extension was built there, else the installed
    # package's (CI builds it with pip into build/python-*).
    core_dir = BUILD_DIR
    if not list(core_dir.glob("_core*.so")):
        from vpcsim import _core

        core_dir = Path(_core.__file__).resolve().parent
    raw = tmp_path / "raw.jsonl"
    result = subprocess.run(
        [sys.executable, str(COMPARE_SCRIPT), "--cli", "--only", "vpcsim", "--no-build", "--build-dir", str(core_dir),
         "--hosts", "2", "--hosts", "3", "--datagrams", "4", "--runs", "1", "--work-dir", str(tmp_path / "work"),
         "--run-args", "--trace all", "--raw", str(raw)],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )
    assert result.returncode == 0, f"compare_ns3.py --cli exited {result.returncode}\n{result.stdout}{result.stderr}"
    rows = parse_json_lines(raw.read_text())
    assert [(row["simulator"], row["mode"], row["delivered"]) for row in rows] == [("vpcsim", "cli", 8), ("vpcsim", "cli", 12)]
    assert all(row["process_wall_s"] > 0 and row["trace_file"] == "trace.jsonl" and row["trace_mib"] > 0 for row in rows)
    assert "datagrams per wall s, whole process" in result.stdout
    text = (tmp_path / "work" / "forwarding_3x4.yaml").read_text()
    assert "b2: {kind: host, interfaces: {eth0: 10.2.0.4/16}, gateway: 10.2.0.1}" in text


# ------------------------------------------------------------------------------ bench_replay


def test_bench_replay_small_run_checks_every_packet() -> None:
    rows = parse_json_lines(run("bench_replay", "--packets", "2000", "--flows", "100", "--json").stdout)
    assert len(rows) == 1
    assert rows[0]["packets"] == 2000 and rows[0]["flows"] == 100
    assert isinstance(rows[0]["packets_per_cpu_second"], (int, float)) and rows[0]["packets_per_cpu_second"] > 0


def test_bench_replay_rejects_unknown_options() -> None:
    result = run("bench_replay", "--frobnicate", expect_code=2)
    assert "unknown option --frobnicate" in result.stderr
