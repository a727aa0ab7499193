"""Hostile and careless input (issue 20): outputs stay inside --out, the loader never hangs or traces
back, and arguments are checked with a ValueError naming the parameter and its range."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest

import vpcsim
from vpcsim import scenario

# The package under test (the worktree's, or the ASan build's copy in .ci/asan), for subprocesses,
# which also inherit the environment (LD_PRELOAD and ASAN_OPTIONS under .ci/asan).
BINDINGS = Path(vpcsim.__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(BINDINGS)}

TWO_HOSTS = """\
name: two
nodes:
  h1: {kind: host, interfaces: {eth0: 10.0.0.1/24}}
  h2: {kind: host, interfaces: {eth0: 10.0.0.2/24}}
links:
  - [h1.eth0, h2.eth0]
capture: [h1.eth0]
traffic:
  - {from: h1, ping: 10.0.0.2, count: 1}
"""


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vpcsim", *args], capture_output=True, text=True, timeout=timeout,
        env=ENV,
    )


# --- outputs stay inside --out ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["h1-eth0.pcap", "trace.jsonl", "results.json"])
def test_a_planted_symlink_is_never_followed(tmp_path: Path, name: str) -> None:
    (tmp_path / "two.yaml").write_text(TWO_HOSTS)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(victim)
    result = cli("run", str(tmp_path / "two.yaml"), "--out", str(out), "--trace", "all")
    assert victim.read_text() == "precious\n"  # before: overwritten through the link
    assert result.returncode == 2, result.stderr
    assert "symbolic link" in result.stderr and name in result.stderr
    assert "Traceback" not in result.stderr


def test_an_existing_fifo_or_directory_under_an_output_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "two.yaml").write_text(TWO_HOSTS)
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "h1-eth0.pcap")  # opening it for writing would wait for a reader for ever
    result = cli("run", str(tmp_path / "two.yaml"), "--out", str(out), timeout=30)
    assert result.returncode == 2 and "not a regular file" in result.stderr
    (out / "h1-eth0.pcap").unlink()
    (out / "results.json").mkdir()
    result = cli("run", str(tmp_path / "two.yaml"), "--out", str(out))
    assert result.returncode == 2 and "results.json exists and is not a regular file" in result.stderr


def test_outputs_replace_regular_files_and_leave_no_temporary_behind(tmp_path: Path) -> None:
    (tmp_path / "two.yaml").write_text(TWO_HOSTS)
    out = tmp_path / "out"
    for _ in range(2):
        assert cli("run", str(tmp_path / "two.yaml"), "--out", str(out)).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["h1-eth0.pcap", "results.json", "trace.jsonl"]


@pytest.mark.parametrize(
    ("out", "message"),
    [("", "an output folder needs a name"), ("/", "refusing to write outputs into the root directory")],
)
def test_out_that_is_empty_or_the_root_is_refused(tmp_path: Path, out: str, message: str) -> None:
    (tmp_path / "two.yaml").write_text(TWO_HOSTS)
    result = cli("run", str(tmp_path / "two.yaml"), "--out", out)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "two.yaml").write_text(TWO_HOSTS)
    (tmp_path / "file").write_text("x")
    result = cli("run", str(tmp_path / "two.yaml"), "--out", str(tmp_path / "file"))
    assert result.returncode == 2 and "exists and is not a directory" in result.stderr
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize("name", ["a/b", "../up", "x\x00y", "tab\tbed"])
def test_interface_and_peering_names_cannot_make_paths(name: str) -> None:
    net = vpcsim.Network()
    host = net.add_host("h1")
    with pytest.raises(vpcsim.ConfigError, match="invalid interface name"):
        host.add_interface(name)
    cloud = vpcsim.Cloud(net)
    a, b = cloud.add_vpc("a", "10.0.0.0/16"), cloud.add_vpc("b", "10.1.0.0/16")
    with pytest.raises(vpcsim.ConfigError, match="invalid interface name"):
        cloud.add_peering(name, a, b)


@pytest.mark.parametrize("name", ["nul\x00name", "esc\x1b[31m", "x" * 100_000])
def test_node_names_with_control_characters_or_huge_are_refused(name: str) -> None:
    net = vpcsim.Network()
    with pytest.raises(vpcsim.ConfigError, match="node names have 1-255 characters"):
        net.add_host(name)


# --- the loader --------------------------------------------------------------------------------------


def loader_case(tmp_path: Path, text: str | bytes) -> subprocess.CompletedProcess:
    path = tmp_path / "case.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return cli("validate", str(path), timeout=60)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", ":1: nested more than 64 levels deep"),
        ("a: !t " + "[" * 100_000 + "]" * 100_000 + "\n", ":1: nested more than 64 levels deep"),  # full loader
        ("name: x\nnodes: {}\nbad: \x01\n", ":3: not YAML text: special characters are not allowed"),
        (b"name: x\n\xff\xfe\n", ":2: not a text file"),
        # 2,000 levels made of aliases, each line flat: the depth is only in what they build, which
        # the reader builds without recursion and the checks never walk
        ("l0: &l0 [x]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}]\n" for i in range(1, 2000)), ":1: l0: unknown key 'l0'"),
    ],
    ids=["flow-100000", "flow-100000-full-loader", "control-character", "not-utf8", "alias-depth-2000"],
)
def test_hostile_yaml_gets_a_scenario_error_quickly(tmp_path: Path, text: str | bytes, message: str) -> None:
    started = time.monotonic()
    result = loader_case(tmp_path, text)
    assert result.returncode == 2, result.stderr[-2000:]
    assert message in result.stderr and "Traceback" not in result.stderr, result.stderr[-2000:]
    # Not a timing assertion of speed: before, 100,000 levels took 30-60 s; the subprocess' 60 s
    # timeout is what fails a hang.
    assert time.monotonic() - started < 60


def test_dev_zero_is_refused_by_size_not_read_whole() -> None:
    result = cli("validate", "/dev/zero", timeout=60)
    assert result.returncode == 2 and "larger than 64 MiB: not a scenario" in result.stderr


# --- arguments -------------------------------------------------------------------------------------


def hosts() -> vpcsim.Host:
    net = vpcsim.Network()
    h1 = net.add_host("h1")
    h1.add_interface("eth0", "10.0.0.1/24")
    return h1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda h: h.ping("10.0.0.2", count=0), "count: 0 is outside 1..4294967295"),
        (lambda h: h.ping("10.0.0.2", count=-1), "count: -1 is outside 1..4294967295"),
        (lambda h: h.ping("10.0.0.2", interval=-5), "interval: -5 is outside 0..9223372036854775807"),
        (lambda h: h.ping("10.0.0.2", interval="-1s"), "invalid duration '-1s'"),
        (lambda h: h.ping("10.0.0.2", start=-1), "start: -1 is outside 0"),
        (lambda h: h.ping("10.0.0.2", ttl=0), "ttl: 0 is outside 1..255"),
        (lambda h: h.traceroute("10.0.0.2", max_hops=0), "max_hops: 0 is outside 1..255"),
        (lambda h: h.traceroute("10.0.0.2", queries=0), "queries: 0 is outside 1..10"),
        (lambda h: h.traceroute("10.0.0.2", first_ttl=0), "first_ttl: 0 is outside 1..255"),
        (lambda h: h.traceroute("10.0.0.2", first_ttl=10, max_hops=5), "first_ttl: 10 is outside 1..max_hops"),
        (lambda h: h.udp_send("10.0.0.2", 70000), "port: 70000 is outside 0..65535"),
        (lambda h: h.tcp_listen(-1), "port: -1 is outside 0..65535"),
        (lambda h: h.udp_socket(port=1 << 16), "port: 65536 is outside 0..65535"),
    ],
)
def test_out_of_range_arguments_name_the_parameter(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        call(hosts())


def test_network_arguments_are_checked() -> None:
    net = vpcsim.Network()
    with pytest.raises(ValueError, match="until: -5 is outside 0"):
        net.run(until=-5)
    with pytest.raises(ValueError, match=r"until: 10{30} is outside 0\.\.9223372036854775807"):
        net.run(until=10**30)
    with pytest.raises(ValueError, match="seed: -1 is outside 0..18446744073709551615"):
        vpcsim.Network(seed=-1)
    net.add_host("a").add_interface("eth0")
    net.add_host("b").add_interface("eth0")
    with pytest.raises(ValueError, match="queue: -1 is outside 1..4294967295"):
        net.connect("a.eth0", "b.eth0", queue=-1)


def test_terminating_an_instance_twice_is_an_error() -> None:
    net = vpcsim.Network()
    vpc = vpcsim.Cloud(net).add_vpc("v", "10.0.0.0/16")
    vpc.add_instance("i", vpc.add_subnet("s", "10.0.1.0/24"))
    vpc.terminate_instance("i")
    with pytest.raises(vpcsim.ConfigError, match="instance i is terminated already"):
        vpc.terminate_instance("i")
