"""Threads (issue 20): a Network refuses use from a second thread while one thread runs it (before the
guard: segfaults, "corrupted size vs. prev_size", ASan heap-buffer-overflow in Scheduler::pop_from_run),
and separate Networks in separate threads still run in parallel and give the results they give alone.

The crashing cases run in a subprocess, so that on code without the guard the test fails instead of
taking pytest down with it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Callable, List

import pytest

import vpcsim

# The package under test (the worktree's, or the ASan build's copy in .ci/asan), for subprocesses,
# which also inherit the environment (LD_PRELOAD and ASAN_OPTIONS under .ci/asan).
BINDINGS = Path(vpcsim.__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(BINDINGS)}


def long_network(seed: int = 1, pings: int = 100_000) -> tuple[vpcsim.Network, vpcsim.Host, vpcsim.Ping]:
    """Two hosts on a switch, one pinging the other `pings` times at 1 ms: a run of a few tenths of a
    second or more, long enough for a second thread to try something meanwhile."""
    net = vpcsim.Network(seed=seed, trace="drops")
    h1, h2 = net.add_host("h1"), net.add_host("h2")
    net.add_switch("sw1")
    h1.add_interface("eth0", "10.0.1.10/24")
    h2.add_interface("eth0", "10.0.1.20/24")
    net.connect("h1.eth0", "sw1")
    net.connect("h2.eth0", "sw1")
    return net, h1, h1.ping("10.0.1.20", count=pings, interval="1ms")


def while_running(net: vpcsim.Network, attempt: Callable[[], object]) -> List[BaseException]:
    """Runs `net` in a thread and calls `attempt` from this one until the run ends; returns what the
    attempts raised (each attempt that raised, once it did, the loop stops)."""
    started = threading.Event()

    def runner() -> None:
        started.set()
        net.run()

    thread = threading.Thread(target=runner)
    thread.start()
    started.wait()
    raised: List[BaseException] = []
    while thread.is_alive() and not raised:
        try:
            attempt()
        except BaseException as error:  # noqa: BLE001 - the test looks at what it was
            raised.append(error)
        time.sleep(0.001)
    thread.join()
    return raised


def run_script(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
    )


# --- the crashes of the issue, each in a subprocess ----------------------------------------------

CRASH_SETUP = """
import os, sys, tempfile, threading, time
sys.path.insert(0, {bindings!r})
import vpcsim
sys.path.insert(0, {tests!r})
from test_threads import long_network
net, h1, ping = long_network(pings=200_000)
errors = []
scratch = tempfile.mkdtemp()
def second():
    while not started.is_set():
        time.sleep(0.0005)
    for _ in range(2000):
        try:
            {call}
        except vpcsim.NetworkBusyError as error:
            errors.append(error)
            return
started = threading.Event()
t = threading.Thread(target=second)
t.start()
started.set()
net.run()
t.join()
assert errors, "the second thread was never refused"
assert isinstance(errors[0], RuntimeError), type(errors[0]).__mro__
print("refused:", errors[0])
print("received", ping.received)
"""


@pytest.mark.parametrize(
    "call",
    [
        # Each call is harmless if it comes before the main thread is inside run() (then it is
        # simply not refused, and the thread tries again).
        "net.run_for(1000)",  # two runs at once: segfault / heap corruption before the guard
        "h1.arp_table()",  # run() beside arp_table(): use of a table being rehashed
        "net.trace.write_jsonl(os.path.join(scratch, 't.jsonl'))",  # run() beside the trace being written
        "ping.received, ping.replies",  # reading an application's vectors while they grow
    ],
)
def test_a_second_thread_is_refused_while_a_network_runs(call: str) -> None:
    result = run_script(CRASH_SETUP.format(bindings=str(BINDINGS), tests=str(Path(__file__).parent), call=call))
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"
    assert "refused: vpcsim." in result.stdout
    assert "is running in another thread" in result.stdout
    # The run itself was not disturbed: every one of the 200,000 pings was answered (once 533).
    assert "received 200000" in result.stdout


def test_every_kind_of_object_is_refused_while_its_network_runs() -> None:
    net, h1, ping = long_network(pings=20_000)
    cloud = vpcsim.Cloud(net)
    vpc = cloud.add_vpc("main", "10.1.0.0/16")
    subnet = vpc.add_subnet("a", "10.1.1.0/24")
    table = vpc.add_route_table("rt")
    group = vpc.add_security_group("sg")
    acl = vpc.add_network_acl("acl")
    instance = vpc.add_instance("web", subnet)
    other = cloud.add_vpc("other", "10.2.0.0/16")
    peering = cloud.add_peering("pcx", vpc, other)
    objects: dict[str, Callable[[], object]] = {
        "Network": lambda: net.nodes,
        "Host": lambda: h1.routes(),
        "Switch": lambda: net.node("sw1").mac_table(),
        "Interface": lambda: h1.interface("eth0").counters,
        "Link": lambda: net.links[0].queue,
        "Ping": lambda: ping.received,
        "TraceLog": lambda: net.trace.total_drops,
        "Cloud": lambda: cloud.vpcs,
        "Vpc": lambda: vpc.subnets,
        "Subnet": lambda: subnet.name,
        "RouteTable": lambda: table.routes(),
        "SecurityGroup": lambda: group.ingress,
        "NetworkAcl": lambda: acl.name,
        "Instance": lambda: instance.private_ip,
        "VpcRouter": lambda: vpc.router.routes(),
        "VpcPeering": lambda: peering.name,
    }
    refused = {}
    for kind, attempt in objects.items():
        raised = while_running(net, attempt)
        refused[kind] = bool(raised) and isinstance(raised[0], vpcsim.NetworkBusyError)
        ping = h1.ping("10.0.1.20", count=20_000, interval="1ms")  # more to run for the next kind
    assert refused == {kind: True for kind in objects}
    # Once the run is over, everything is usable again.
    assert ping.received == 0 and net.trace is not None and instance.private_ip
    net.run()
    assert ping.received == 20_000


def test_separate_networks_run_in_parallel_and_give_the_results_they_give_alone() -> None:
    def results(net: vpcsim.Network, ping: vpcsim.Ping) -> tuple:
        return ping.received, ping.rtt_ms[:5], net.now_ns, net.last_event_ns

    alone = []
    for seed in (1, 2):
        net, _, ping = long_network(seed=seed, pings=60_000)
        net.run()
        alone.append(results(net, ping))

    pairs = [long_network(seed=seed, pings=60_000) for seed in (1, 2)]
    spans: List[tuple[float, float]] = [(0.0, 0.0), (0.0, 0.0)]
    barrier = threading.Barrier(2)

    def runner(i: int) -> None:
        barrier.wait()
        begin = time.monotonic()
        pairs[i][0].run()
        spans[i] = (begin, time.monotonic())

    threads = [threading.Thread(target=runner, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results(net, ping) for net, _, ping in pairs] == alone
    # The two runs overlapped in time: each began before the other ended. Holding the GIL through
    # run() would serialise them (the second would begin after the first ended).
    (a0, a1), (b0, b1) = spans
    assert a0 < b1 and b0 < a1, spans
