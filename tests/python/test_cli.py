"""The command line: `python -m vpcsim run|validate|subnet|decode`, as a subprocess and through
vpcsim.cli.main(argv) in process. Exit status 0 ok, 1 an expectation failed, 2 invalid input."""

from __future__ import annotations

import io
import json
import shutil
import time
from pathlib import Path
from typing import List, Tuple

import pytest

import vpcsim
from vpcsim import cli, progress

from conftest import REPO_ROOT, sample_pcap, unavailable

SCENARIOS = REPO_ROOT / "scenarios"
BAD = Path(__file__).resolve().parent / "data" / "bad"


def main(*argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


FAILING = """
name: wrong-expectation
nodes:
  h1: {kind: host, interfaces: {eth0: {ip: 10.0.1.10/24}}}
  h2: {kind: host, interfaces: {eth0: {ip: 10.0.1.20/24}}}
links: [[h1.eth0, h2.eth0]]
traffic:
  - {id: good, from: h1, ping: h2, expect: reply}
  - {id: bad, at: 1s, from: h1, ping: h2, expect: timeout}
"""


# --- subprocess: python -m vpcsim ---------------------------------------------------------------------


def test_python_m_vpcsim_runs_a_scenario(run_cli, tmp_path: Path) -> None:
    result = run_cli("run", SCENARIOS / "two_subnets.yaml", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "two-subnets (seed 1): 4s simulated" in result.stdout
    assert "4 of 4 expectations met" in result.stdout
    assert "port_unreachable" in result.stdout and "UDP port 9999 is closed on h2" in result.stdout
    assert (tmp_path / "results.json").exists() and (tmp_path / "h1-eth0.pcap").exists()
    assert result.stderr == ""  # not a terminal, no --progress: no bar


def test_python_m_vpcsim_exits_1_when_an_expectation_fails(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "fail.yaml"
    path.write_text(FAILING)
    result = run_cli("run", path)
    assert result.returncode == 1
    assert "1 of 2 expectations FAILED: bad" in result.stdout
    assert "FAILED" in next(line for line in result.stdout.splitlines() if " bad " in line)


def test_python_m_vpcsim_exits_2_on_a_validation_error(run_cli) -> None:
    path = BAD / "unknown_interface.yaml"
    for command in ("run", "validate"):
        result = run_cli(command, path)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == f"{path}:15: links[3]: unknown interface 'r1.eth7' (r1 has eth0, eth1; did you mean 'eth1'?)\n"
        assert "Traceback" not in result.stderr


def test_python_m_vpcsim_subnet_and_decode(run_cli, tmp_path: Path) -> None:
    result = run_cli("subnet", "10.0.0.0/28", "--aws")
    assert result.returncode == 0 and "11 usable" in result.stdout
    run_cli("run", SCENARIOS / "same_subnet_arp.yaml", "--out", tmp_path)
    result = run_cli("decode", tmp_path / "h1-eth0.pcap")
    assert result.returncode == 0
    assert "ARP, Request who-has 10.0.1.20 tell 10.0.1.10" in result.stdout


def test_python_m_vpcsim_help_and_usage(run_cli) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("run", "validate", "subnet", "decode"):
        assert command in result.stdout
    result = run_cli()
    assert result.returncode == 2 and "required" in result.stderr
    result = run_cli("run", "x.yaml", "--seed", "-3")
    assert result.returncode == 2 and "--seed" in result.stderr
    result = run_cli("subnet", "10.0.0.0/16", "--split", "20", "--hosts", "5")
    assert result.returncode == 2 and "not allowed with" in result.stderr


def test_console_script(tmp_path: Path) -> None:
    import subprocess

    if shutil.which("vpcsim") is None:
        unavailable("the vpcsim console script is not installed (pip install .)")
    result = subprocess.run(["vpcsim", "validate", str(SCENARIOS / "two_subnets.yaml")], capture_output=True, text=True)
    assert result.returncode == 0 and ": ok: two-subnets" in result.stdout


# --- run, in process ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_run_every_scenario(path: Path, tmp_path: Path) -> None:
    status, out, err = main("run", path, "--out", tmp_path)
    assert status == 0, out + err
    assert "FAILED" not in out
    assert "expectations met" in out
    assert f"wrote {tmp_path}/: results.json, trace.jsonl" in out


def test_run_summary_lists_traffic_and_drops(tmp_path: Path) -> None:
    status, out, _ = main("run", SCENARIOS / "private_to_internet_no_nat.yaml")
    assert status == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.strip().startswith("#"))
    assert header.split() == ["#", "id", "kind", "from", "to", "outcome", "sent", "recv", "expect", "result", "detail"]
    public = next(line for line in lines if "public-address" in line)
    assert public.split()[:12] == ["0", "public-address", "ping", "h1", "203.0.113.9", "unreachable", "1", "packet", "0",
                                   "packets", "unreachable", "met"]
    assert "Destination Net Unreachable from 10.0.1.1" in public
    assert "drops: 3" in out
    assert any("no_route" in line and "no route to 203.0.113.9 at r1" in line for line in lines)
    assert "blackhole_route" in out
    assert "wrote" not in out  # no --out: nothing written


def test_run_summary_says_what_sent_and_recv_count_and_shows_tcp_ports() -> None:
    status, out, _ = main("run", SCENARIOS / "public_private_vpc.yaml")
    assert status == 0
    rows = [line.split() for line in out.splitlines() if line.startswith("  ") and line.split()[0].isdigit()]
    cells = {(row[0], row[1]): row[2:11] for row in rows if row[2] in ("listen", "ping", "tcp")}
    # kind, from, to, outcome, sent, recv (each a number and its unit)
    assert cells[("0", "-")] == ["listen", "web", "tcp", "80", "reply", "1", "reply", "18", "bytes"]
    assert cells[("2", "ext-ping-web")] == ["ping", "ext", "198.51.100.10", "reply", "2", "packets", "2", "packets", "reply"]
    assert cells[("3", "ext-fetch-web")] == ["tcp", "ext", "198.51.100.10:80", "reply", "18", "bytes", "33", "bytes", "reply"]
    assert cells[("6", "ext-to-db")] == ["tcp", "ext", "10.0.2.10:5432", "unreachable", "0", "bytes", "0", "bytes", "unreachable"]
    status, out, _ = main("run", SCENARIOS / "two_subnets.yaml")
    udp = next(line.split() for line in out.splitlines() if "udp-closed" in line)
    assert udp[4:10] == ["10.0.2.20:9999", "unreachable", "1", "datagram", "0", "datagrams"]


def test_run_traceroute_summary_names_the_hops() -> None:
    status, out, _ = main("run", SCENARIOS / "three_router_traceroute.yaml")
    assert status == 0
    assert "10.0.1.1 > 10.0.12.2 > 10.0.23.3 > 10.0.3.20" in out


def test_run_overrides_until_and_seed(tmp_path: Path) -> None:
    status, out, _ = main("run", SCENARIOS / "same_subnet_arp.yaml", "--out", tmp_path, "--until", "1500ms", "--seed", "42")
    results = json.loads((tmp_path / "results.json").read_text())
    assert (results["seed"], results["simulated_seconds"]) == (42, 1.5)
    assert results["traffic"][0]["sent"] == 2  # two of three requests sent by 1.5 s, both answered
    assert results["traffic"][0]["outcome"] == "reply" and status == 0
    status, out, _ = main("run", SCENARIOS / "same_subnet_arp.yaml", "--until", "1us")
    assert status == 1  # the first request is still waiting for ARP: pending, not a reply
    assert "pending" in out and "1 of 1 expectations FAILED: ping-h2" in out


def test_run_rejects_a_bad_until() -> None:
    status, out, err = main("run", SCENARIOS / "two_subnets.yaml", "--until", "5 parsecs")
    assert status == 2 and out == ""
    assert err.startswith("--until: invalid duration '5 parsecs'")


def test_run_exits_1_on_a_failed_expectation(tmp_path: Path) -> None:
    path = tmp_path / "fail.yaml"
    path.write_text(FAILING)
    status, out, _ = main("run", path, "--out", tmp_path / "out")
    assert status == 1
    assert "1 of 2 expectations FAILED: bad" in out
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [t["expect_met"] for t in results["traffic"]] == [True, False]


def test_run_into_an_out_that_is_a_file(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("")
    status, _, err = main("run", SCENARIOS / "two_subnets.yaml", "--out", taken)
    assert status == 2 and "exists and is not a directory" in err and "Traceback" not in err


def test_run_of_a_missing_file() -> None:
    status, out, err = main("run", "no/such/file.yaml")
    assert status == 2 and err == "no/such/file.yaml: cannot read: No such file or directory\n"


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.yaml")))
def test_every_bad_file_exits_2_with_one_line(name: str) -> None:
    status, out, err = main("validate", BAD / name)
    assert status == 2 and out == ""
    assert err.startswith(f"{BAD / name}:") and err.count("\n") == 1


def test_validate_prints_a_summary() -> None:
    status, out, err = main("validate", SCENARIOS / "three_router_traceroute.yaml")
    assert status == 0 and err == ""
    assert out == (
        f"{SCENARIOS / 'three_router_traceroute.yaml'}: ok: three-router-traceroute: 5 nodes (2 hosts, 3 routers), "
        "4 links, 1 traffic items, 8 captured interfaces\n"
    )


def test_progress_bar_on_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    status, out, err = main("run", SCENARIOS / "same_subnet_arp.yaml", "--out", tmp_path / "bar", "--progress")
    assert status == 0
    assert err.startswith("\rloading ") and "\r[" in err and err.endswith("\n")  # loading, then the bar
    assert "100.0%  7s of 7s simulated" in err
    # the bar does not change the results
    main("run", SCENARIOS / "same_subnet_arp.yaml", "--out", tmp_path / "plain")
    for name in ("results.json", "trace.jsonl", "h1-eth0.pcap", "sw1-p2.pcap"):
        assert (tmp_path / "bar" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()


def test_subnet_basics() -> None:
    status, out, _ = main("subnet", "10.0.1.0/24")
    assert status == 0
    assert out == (
        "network    10.0.1.0/24\n"
        "netmask    255.255.255.0 (/24)\n"
        "wildcard   0.0.0.255\n"
        "broadcast  10.0.1.255\n"
        "usable     10.0.1.1 - 10.0.1.254\n"
        "addresses  256 (254 usable)\n"
    )


def test_subnet_accepts_an_address_with_host_bits() -> None:
    status, out, _ = main("subnet", "192.168.7.77/26")
    assert status == 0
    assert "network    192.168.7.64/26" in out and "address    192.168.7.77 (in 192.168.7.64/26)" in out


@pytest.mark.parametrize(
    "cidr, usable",
    [("10.0.0.0/31", "10.0.0.0 - 10.0.0.1 (point-to-point, RFC 3021)"), ("10.0.0.9/32", "10.0.0.9 - 10.0.0.9 (a single host)")],
)
def test_subnet_31_and_32(cidr: str, usable: str) -> None:
    status, out, _ = main("subnet", cidr)
    assert status == 0 and f"usable     {usable}" in out and "broadcast  none" in out


def test_subnet_aws_reserves_five_addresses() -> None:
    status, out, _ = main("subnet", "10.0.0.0/28", "--aws")
    assert status == 0
    assert "usable     10.0.0.4 - 10.0.0.14 (in AWS)" in out
    assert "addresses  16 (11 usable: AWS reserves 5)" in out
    reserved = out.split("reserved by AWS in every subnet:\n")[1].splitlines()
    assert [line.split()[0] for line in reserved] == ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.15"]
    assert "VPC router" in reserved[1] and "DNS" in reserved[2] and "future use" in reserved[3] and "broadcast" in reserved[4]
    # Every figure is the cloud layer's (Subnet.reserved_role, usable_addresses), not the command's own.
    rules = vpcsim.aws_subnet_rules("10.0.0.0/28")
    assert [line.split(None, 2) for line in reserved] == [
        [str(address), "last" if address == rules.cidr.broadcast else f"+{int(address) - int(rules.cidr.network)}", role]
        for address, role in rules.reserved
    ]
    assert (str(rules.first_usable), str(rules.last_usable), rules.usable) == ("10.0.0.4", "10.0.0.14", 11)


def test_subnet_aws_refuses_sizes_aws_does_not_allow() -> None:
    status, _, err = main("subnet", "10.0.0.0/29", "--aws")
    assert status == 2 and err == "10.0.0.0/29 is a /29: an AWS subnet is between /16 and /28\n"
    status, _, err = main("subnet", "10.0.0.0/8", "--aws")
    assert status == 2


def test_subnet_split() -> None:
    status, out, _ = main("subnet", "10.0.0.0/16", "--split", "18")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "10.0.0.0/16 splits into 4 /18 subnets of 16384 addresses (16382 usable each):"
    assert [line.split()[0] for line in lines[1:]] == ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"]
    assert lines[2].split()[1:4] == ["10.0.64.1", "-", "10.0.127.254"]


def test_subnet_split_aws_and_a_long_list() -> None:
    status, out, _ = main("subnet", "10.0.0.0/16", "--split", "28", "--aws")
    assert status == 0
    lines = out.splitlines()
    assert "4096 /28 subnets of 16 addresses (11 usable in AWS each)" in lines[0]
    assert lines[1].split() == ["10.0.0.0/28", "10.0.0.4", "-", "10.0.0.14", "11", "usable"]
    assert len(lines) == 1 + cli.MAX_SUBNETS_SHOWN + 1
    assert lines[-1] == "  ... 3840 more, up to 10.0.255.240/28"


@pytest.mark.parametrize("args", [("10.0.0.0/16", "--split", "8"), ("10.0.0.0/16", "--split", "33")])
def test_subnet_split_out_of_range(args: Tuple[str, ...]) -> None:
    status, _, err = main("subnet", *args)
    assert status == 2 and "splits into /16 to /32 subnets" in err


@pytest.mark.parametrize(
    "args, first_line",
    [
        (("10.0.0.0/16", "--hosts", "50"), "50 hosts need a /26: 64 addresses, 62 usable"),
        (("10.0.0.0/16", "--hosts", "62"), "62 hosts need a /26: 64 addresses, 62 usable"),
        (("10.0.0.0/16", "--hosts", "63"), "63 hosts need a /25: 128 addresses, 126 usable"),
        (("10.0.0.0/24", "--hosts", "1"), "1 host need a /32: 1 addresses, 1 usable"),
        (("10.0.0.0/24", "--hosts", "2"), "2 hosts need a /31: 2 addresses, 2 usable"),
        (("10.0.0.0/24", "--hosts", "11", "--aws"), "11 hosts need a /28 in AWS (5 reserved per subnet): 16 addresses, 11 usable"),
        (("10.0.0.0/24", "--hosts", "12", "--aws"), "12 hosts need a /27 in AWS (5 reserved per subnet): 32 addresses, 27 usable"),
        (("10.0.0.0/24", "--hosts", "1", "--aws"), "1 host need a /28 in AWS (5 reserved per subnet): 16 addresses, 11 usable"),
    ],
)
def test_subnet_hosts(args: Tuple[str, ...], first_line: str) -> None:
    status, out, _ = main("subnet", *args)
    assert status == 0
    assert out.splitlines()[0] == first_line


def test_subnet_hosts_says_where() -> None:
    status, out, _ = main("subnet", "10.0.0.0/16", "--hosts", "50")
    assert out.splitlines()[1:] == [
        "netmask 255.255.255.192",
        "10.0.0.0/16 holds 1024 of them; the first is 10.0.0.0/26 (10.0.0.1 - 10.0.0.62)",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (("10.0.0.0/24", "--hosts", "300"), "10.0.0.0/24 cannot hold 300 hosts in one subnet: at most 254\n"),
        (("10.0.0.0/24", "--hosts", "0"), "--hosts 0: ask for at least 1 host\n"),
        (("10.0.0.0/29", "--hosts", "3", "--aws"), "10.0.0.0/29 is smaller than the smallest AWS subnet (/28)\n"),
        (("10.0.0.0/24", "--hosts", "252", "--aws"), "10.0.0.0/24 cannot hold 252 hosts in one subnet: at most 251 in AWS\n"),
        (("10.0.0.0",), "'10.0.0.0' is not a CIDR block: write an address and a length, such as 10.0.1.0/24\n"),
        (("10.0.0.0/33",), "invalid IPv4 prefix '10.0.0.0/33': prefix length 33 is greater than 32\n"),
        (("10.0.0.256/24",), "invalid IPv4 prefix '10.0.0.256/24': octet 256 is greater than 255\n"),
    ],
)
def test_subnet_mistakes(args: Tuple[str, ...], message: str) -> None:
    status, out, err = main("subnet", *args)
    assert (status, out, err) == (2, "", message)


# --- decode ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario_pcaps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pcaps")
    assert main("run", SCENARIOS / "two_subnets.yaml", "--out", out)[0] == 0
    return out


def test_decode_one_line_per_frame(scenario_pcaps: Path) -> None:
    status, out, err = main("decode", scenario_pcaps / "h1-eth0.pcap")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{scenario_pcaps / 'h1-eth0.pcap'}: 8 frames, Ethernet"
    assert lines[1].split() == ["1", "0.000000000", "42", "bytes", "ARP,", "Request", "who-has", "10.0.1.1", "tell", "10.0.1.10"]
    assert "ICMP echo request" in lines[3]
    assert "UDP" in lines[5] and "40000" in lines[5]
    assert "udp port 9999 unreachable" in lines[8]
    assert len(lines) == 9


def test_decode_verbose_shows_every_layer(scenario_pcaps: Path) -> None:
    status, out, _ = main("decode", "--verbose", scenario_pcaps / "h1-eth0.pcap")
    assert status == 0
    for text in ("Ethernet", "dst: ff:ff:ff:ff:ff:ff", "ARP", "target_ip: 10.0.1.1", "IPv4", "ttl: 64",
                 "ICMP", "UDP", "src_port: 40000", "IPv4 (quoted)", "checksum: "):
        assert text in out, text
    assert "(incorrect)" not in out


def test_decode_a_truncated_capture(scenario_pcaps: Path, tmp_path: Path) -> None:
    data = (scenario_pcaps / "h1-eth0.pcap").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[: 24 + 16 + 42 + 16 + 10])  # the first frame whole, the second cut short
    status, out, err = main("decode", cut)
    assert status == 2
    assert out.splitlines()[1].split()[0] == "1"
    assert err.startswith(f"{cut}: truncated dump file") and err.endswith("(after 1 frame)\n")


def test_decode_not_a_capture(tmp_path: Path) -> None:
    text = tmp_path / "notes.pcap"
    text.write_text("hello, I am not a capture\n")
    status, out, err = main("decode", text)
    assert (status, out) == (2, "")
    assert err == f"{text}: pcap: cannot read capture: unknown file format\n"
    status, out, err = main("decode", tmp_path / "absent.pcap")
    assert status == 2 and "No such file or directory" in err


def test_decode_empty_capture(tmp_path: Path, scenario_pcaps: Path) -> None:
    header_only = tmp_path / "empty.pcap"
    header_only.write_bytes((scenario_pcaps / "h1-eth0.pcap").read_bytes()[:24])
    status, out, err = main("decode", header_only)
    assert (status, err) == (0, "")
    assert out == f"{header_only}: 0 frames, Ethernet\n"


SHARED_CASES: List[Tuple[str, int, str]] = [
    ("zeek-arp-who-has.pcap", 0, "ARP, Request who-has 10.0.0.1 tell 10.0.0.2"),
    ("wireshark-dns_icmp.pcapng", 0, "UDP"),
    ("tcpdump-icmp-icmp_print-oobr-1.pcap", 0, "[captured 37 of 65545 bytes]"),
    ("zeek-ip4-trunc.pcap", 0, "malformed"),
    ("joincap-unexpected_eof_on_second_packet.pcap", 2, "truncated dump file"),
    ("joincap-partial_first_header.pcap", 2, "truncated dump file"),
    ("libpcap-pcap-invalid-version-1.pcap", 2, "cannot read capture"),
    ("libpcap-shb-option-too-long.pcapng", 2, "cannot read capture"),
    ("tcpdump-LINKTYPE_RAW_ipv4.pcap", 2, "link type RAW (101): vpcsim decodes Ethernet captures (link type EN10MB) only"),
    ("zeek-linuxsll-arp.pcap", 2, "link type LINUX_SLL"),
    ("README.md", 2, "unknown file format"),
]


@pytest.mark.parametrize("name, status, text", SHARED_CASES, ids=[c[0] for c in SHARED_CASES])
def test_decode_the_shared_corpus(name: str, status: int, text: str) -> None:
    got, out, err = main("decode", sample_pcap(name))
    assert got == status
    assert text in (out if status == 0 else err)
    assert "Traceback" not in err


def test_decode_every_shared_capture_without_a_crash() -> None:
    paths = sorted(sample_pcap("MANIFEST.tsv").parent.iterdir())
    assert len(paths) == 31  # 29 captures, README.md and MANIFEST.tsv
    paths += [sample_pcap("wireshark-dhcp-nanosecond.pcap"), sample_pcap("wireshark-dns_icmp.pcapng")]
    for path in paths:
        status, out, err = main("decode", "--verbose", path)
        assert status in (0, 2), path
        assert (status == 0) == (err == ""), (path, err)
