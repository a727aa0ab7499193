"""Behaviour oracle: the Linux kernel in network namespaces versus the simulator, link by link.

For each topology of tests/oracle/topologies.py:
- test_kernel_matches_reference: builds the namespaces, captures every link, and checks that the
  kernel still does what tests/oracle/expected/ records (needs root, ip, tcpdump, traceroute, ...).
- test_sim_matches_kernel: runs the simulator's scenario test
  `VPCSIM_PCAP_OUT=DIR $VPCSIM_BUILD_DIR/tests/cpp/scenario_tests --gtest_filter=Oracle*<Topology>*`
  (which writes DIR/<node>-<iface>.pcap) and compares it with the fresh kernel capture.
- test_sim_matches_reference: the same simulator pcaps against the stored kernel reference; needs
  no root, so it runs wherever the scenario binary is built.
Each skips with the reason when root, a tool or the scenario binary is missing.  NAT topologies
(nat_*) also need `iptables` working inside a namespace (nft or legacy backend), and are compared in
NAT mode: translated ports and ICMP ids as flow labels (tests/oracle/normalize.py).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import build_dir, unavailable

ORACLE_DIR = Path(__file__).resolve().parents[1] / "oracle"
sys.path.insert(0, str(ORACLE_DIR))

import compare  # noqa: E402
import netns  # noqa: E402
import topologies  # noqa: E402

NAMES = sorted(topologies.TOPOLOGIES)
BUILD_DIR = build_dir()
SCENARIO_BIN = BUILD_DIR / "tests" / "cpp" / "scenario_tests"
EXPECTED_DIR = ORACLE_DIR / "expected"

_netns_reason: dict[str, str] = {}
_kernel_dirs: dict[str, Path] = {}
_sim_dirs: dict[str, Path] = {}


def _netns_unavailable(name: str) -> str | None:
    """Why the namespace half cannot run topology `name` here (None when it can); probed once."""
    topo = topologies.get(name)
    # The VPC router keeps the TTL with iptables' TTL target (xt_HL), which a kernel may lack.
    needs_ttl_target = any("-j TTL" in rule for node in topo.nodes for rule in node.iptables_rules)
    key = "ttl" if needs_ttl_target else "nat" if topo.nat else "plain"
    if key not in _netns_reason:
        missing = netns.missing_requirements(topo)
        if missing:
            reason = "netns oracle needs " + ", ".join(missing)
        else:
            probe = f"{netns.NS_ROOT}{os.getpid()}-probe"
            r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
            reason = "" if r.returncode == 0 else \
                f"cannot create network namespaces: {r.stderr.strip()}"
            if not reason and topo.nat:
                r = subprocess.run(["ip", "netns", "exec", probe, "iptables", "-t", "nat", "-S"],
                                   capture_output=True, text=True)
                reason = "" if r.returncode == 0 else \
                    f"iptables -t nat does not work in a namespace: {r.stderr.strip()}"
            if not reason and needs_ttl_target:
                r = subprocess.run(["ip", "netns", "exec", probe, "iptables", "-t", "mangle", "-A", "PREROUTING",
                                    "-j", "TTL", "--ttl-inc", "1"], capture_output=True, text=True)
                reason = "" if r.returncode == 0 else \
                    f"iptables' TTL target (xt_HL) does not work in a namespace: {r.stderr.strip()}"
            subprocess.run(["ip", "netns", "del", probe], capture_output=True)
        _netns_reason[key] = reason
    return _netns_reason[key] or None


def _gtest_filter(topo: topologies.Topology) -> str:
    return f"Oracle*{topo.gtest_name}*:Oracle*{topo.name}*"


def kernel_capture(name: str, base: Path) -> Path:
    reason = _netns_unavailable(name)
    if reason:
        pytest.skip(reason)
    if name not in _kernel_dirs:
        out = base / "kernel" / name
        netns.run_topology(name, out, log=lambda m: print(m, file=sys.stderr))
        _kernel_dirs[name] = out
    return _kernel_dirs[name]


def sim_capture(name: str, base: Path) -> Path:
    topo = topologies.get(name)
    if not SCENARIO_BIN.exists():
        unavailable(f"simulator scenario binary not built: {SCENARIO_BIN} "
                    f"(set VPCSIM_BUILD_DIR or build target scenario_tests)")
    if name not in _sim_dirs:
        listed = subprocess.run([str(SCENARIO_BIN), "--gtest_list_tests",
                                 f"--gtest_filter={_gtest_filter(topo)}"],
                                capture_output=True, text=True, timeout=60)
        if not any(line.startswith("  ") for line in listed.stdout.splitlines()):
            pytest.skip(f"{SCENARIO_BIN.name} has no test matching {_gtest_filter(topo)}")
        out = base / "sim" / name
        out.mkdir(parents=True, exist_ok=True)
        r = subprocess.run([str(SCENARIO_BIN), f"--gtest_filter={_gtest_filter(topo)}"],
                           env={**os.environ, "VPCSIM_PCAP_OUT": str(out)},
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"scenario test failed:\n{r.stdout[-4000:]}\n{r.stderr[-2000:]}"
        _sim_dirs[name] = out
    return _sim_dirs[name]


def _assert_same(name: str, dir_a: Path, dir_b: Path, label_a: str, label_b: str) -> None:
    report = io.StringIO()
    results = compare.compare_dirs(name, dir_a, dir_b, label_a, label_b, out=report)
    assert compare.all_same(results), "\n" + report.getvalue()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("oracle")


@pytest.mark.parametrize("name", NAMES)
def test_kernel_matches_reference(name, base):
    kernel = kernel_capture(name, base)
    _assert_same(name, kernel, EXPECTED_DIR / name, "kernel-now", "expected")


@pytest.mark.parametrize("name", NAMES)
def test_sim_matches_kernel(name, base):
    if _netns_unavailable(name):
        pytest.skip(_netns_unavailable(name))
    sim = sim_capture(name, base)
    kernel = kernel_capture(name, base)
    _assert_same(name, kernel, sim, "kernel", "sim")


@pytest.mark.parametrize("name", NAMES)
def test_sim_matches_reference(name, base):
    sim = sim_capture(name, base)
    _assert_same(name, EXPECTED_DIR / name, sim, "kernel-reference", "sim")


def test_no_namespace_leftovers_after_runs():
    if _netns_unavailable(NAMES[0]):
        pytest.skip(_netns_unavailable(NAMES[0]))
    ours = [n for n in netns.list_namespaces() if n.startswith(f"{netns.NS_ROOT}{os.getpid()}-")]
    assert ours == []

