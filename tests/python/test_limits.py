"""Bounded runs (issue 20): limits on events, simulated time, trace bytes, frame memory and switch hops
stop a run cleanly, say which limit and why, and keep what was written.

Before: two switches linked twice stormed without end (10 s simulated: 68 s, 7.7 GB of memory and a
3.4 GB trace.jsonl; without `until` it never ended and wrote nothing). The storm runs in a
subprocess with a timeout, so that on old code the test fails instead of hanging."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Tuple

import pytest

import vpcsim

# The package under test (the worktree's, or the ASan build's copy in .ci/asan), for subprocesses,
# which also inherit the environment (LD_PRELOAD and ASAN_OPTIONS under .ci/asan).
BINDINGS = Path(vpcsim.__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(BINDINGS)}

STORM_YAML = """\
name: storm
nodes:
  h1: {kind: host, interfaces: {eth0: 10.0.0.1/24}}
  h2: {kind: host, interfaces: {eth0: 10.0.0.2/24}}
  sw1: {kind: switch}
  sw2: {kind: switch}
links:
  - [h1.eth0, sw1]
  - [sw1, sw2]
  - [sw1, sw2]
  - [h2.eth0, sw2]
traffic:
  - {from: h1, ping: 10.0.0.2, count: 3}
"""


def storm_network() -> Tuple[vpcsim.Network, vpcsim.Ping]:
    net = vpcsim.Network(seed=1)
    h1, h2 = net.add_host("h1"), net.add_host("h2")
    net.add_switch("sw1")
    net.add_switch("sw2")
    h1.add_interface("eth0", "10.0.0.1/24")
    h2.add_interface("eth0", "10.0.0.2/24")
    net.connect("h1.eth0", "sw1")
    net.connect("sw1", "sw2")
    net.connect("sw1", "sw2")  # the second link: a loop without spanning tree
    net.connect("h2.eth0", "sw2")
    return net, h1.ping("10.0.0.2", count=3)


def test_a_broadcast_storm_stops_by_its_limit_naming_the_loop() -> None:
    code = f"""
        import sys, warnings
        sys.path.insert(0, {str(BINDINGS)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_limits import storm_network
        net, ping = storm_network()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            net.run()  # no `until`: before the limits, this never returned
        print("limit", net.stopped_by.limit)
        print("message", net.stopped_by.message)
        print("warned", [str(w.message) == net.stopped_by.message for w in caught])
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, env=ENV)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "limit bridge_hops" in result.stdout
    assert "the switches loop (sw1 -> sw2 -> sw1)" in result.stdout
    assert "warned [True]" in result.stdout


def test_the_storm_drop_is_traced_and_the_network_can_be_inspected_after() -> None:
    net, ping = storm_network()
    with pytest.warns(vpcsim.RunLimitWarning, match="broadcast storm"):
        net.run()
    loops = [e for e in net.trace.drops if e.reason == "bridge_loop"]
    assert len(loops) == 1 and net.trace.node_name(loops[0].node_id) in ("sw1", "sw2")
    assert net.node("sw1").mac_table()  # the tables are there to read
    assert ping.received == 0


def test_no_limit_is_reached_by_a_run_that_ends_on_its_own() -> None:
    net = vpcsim.Network()
    h1, h2 = net.add_host("h1"), net.add_host("h2")
    h1.add_interface("eth0", "10.0.0.1/24")
    h2.add_interface("eth0", "10.0.0.2/24")
    net.connect("h1.eth0", "h2.eth0")
    ping = h1.ping("10.0.0.2", count=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.run()
    assert net.stopped_by is None and ping.received == 3


def pinging(count: int = 1000) -> Tuple[vpcsim.Network, vpcsim.Ping]:
    net = vpcsim.Network()
    h1, h2 = net.add_host("h1"), net.add_host("h2")
    h1.add_interface("eth0", "10.0.0.1/24")
    h2.add_interface("eth0", "10.0.0.2/24")
    net.connect("h1.eth0", "h2.eth0")
    return net, h1.ping("10.0.0.2", count=count, interval="1ms")


def test_max_events_stops_a_run_and_the_next_run_goes_on() -> None:
    net, ping = pinging()
    net.set_limits(max_events=100_000)  # in all, over every run of the network
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.run()  # about 8 events per ping: under the limit
    assert net.stopped_by is None and ping.received == 1000
    net, ping = pinging(count=100_000)
    net.set_limits(max_events=20_000)
    with pytest.warns(vpcsim.RunLimitWarning, match=r"stopped after 20000 events \(max_events 20000\)"):
        handled = net.run()
    assert handled == 20_000 and net.stopped_by.limit == "events"
    assert 0 < ping.received < 100_000
    net.set_limits(max_events=0)  # the limit counts every event the network handled, over all runs
    net.run()  # carries on from where it stopped
    assert net.stopped_by is None and ping.received == 100_000


def test_max_time_stops_a_run_at_that_simulated_time() -> None:
    net, ping = pinging()
    net.set_limits(max_time="100ms")
    with pytest.warns(vpcsim.RunLimitWarning, match="reached max_time 100ms"):
        net.run()
    assert net.stopped_by.limit == "time" and net.now_ns == 100_000_000
    assert 95 <= ping.received <= 101
    assert net.limits["max_time"] == 100_000_000


def test_max_trace_bytes_stops_a_streamed_trace(tmp_path: Path) -> None:
    net, ping = pinging(count=50_000)
    net.trace.stream_jsonl(str(tmp_path / "trace.jsonl"))
    net.set_limits(max_trace_bytes=1 << 20)
    with pytest.warns(vpcsim.RunLimitWarning, match=r"the trace reached \d+ MiB \(max_trace_bytes 1 MiB\)"):
        net.run()
    net.trace.end_stream()
    size = (tmp_path / "trace.jsonl").stat().st_size
    assert (1 << 20) < size < (3 << 20)  # stopped within a slice of events of the limit
    assert net.stopped_by.limit == "trace_bytes" and ping.received < 50_000


def test_max_frame_bytes_stops_a_sender_faster_than_its_link() -> None:
    net = vpcsim.Network(trace="drops")
    h1, h2 = net.add_host("h1"), net.add_host("h2")
    h1.add_interface("eth0", "10.0.0.1/24")
    h2.add_interface("eth0", "10.0.0.2/24")
    net.connect("h1.eth0", "h2.eth0", bandwidth="1Mbps", queue=10_000_000)
    h1.udp_send("10.0.0.2", 9, data=b"x" * 1000, count=200_000, interval="1us")
    net.set_limits(max_frame_bytes=8 << 20)
    with pytest.warns(vpcsim.RunLimitWarning, match=r"frames in queues and on links hold \d+ MiB"):
        net.run()
    assert net.stopped_by.limit == "frame_bytes"


def test_the_cli_stops_the_storm_with_status_3_and_keeps_what_it_wrote(tmp_path: Path) -> None:
    scenario = tmp_path / "storm.yaml"
    scenario.write_text(STORM_YAML)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "vpcsim", "run", str(scenario), "--out", str(out), "--until", "10s"],
        capture_output=True, text=True, timeout=60, env=ENV,
    )
    assert result.returncode == 3, result.stderr
    assert "run stopped by --max-bridge-hops: a frame crossed 64 switches" in result.stderr
    assert "(sw1 -> sw2 -> sw1)" in result.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["stopped"]["limit"] == "bridge_hops"
    assert (out / "trace.jsonl").stat().st_size > 0


def test_cli_limits_take_counts_and_sizes(tmp_path: Path) -> None:
    scenario = tmp_path / "storm.yaml"
    scenario.write_text(STORM_YAML)
    result = subprocess.run(
        [sys.executable, "-m", "vpcsim", "run", str(scenario), "--max-bridge-hops", "0", "--max-events", "2e4",
         "--max-frame-bytes", "1GiB"],
        capture_output=True, text=True, timeout=60, env=ENV,
    )
    assert result.returncode == 3, result.stderr
    assert "run stopped by --max-events: stopped after 20000 events" in result.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "vpcsim", "run", str(scenario), "--max-events", "lots"],
        capture_output=True, text=True, timeout=60, env=ENV,
    )
    assert bad.returncode == 2 and "'lots' is not a count or size" in bad.stderr
