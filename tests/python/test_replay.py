"""Replay from Python and the command line: a real TCP conversation (tcpdump-whois.pcap) through a
masquerading NAT arrives consistent on the outside (tshark follows the stream, no analysis warning),
the flow table says what happened, and --diff names the flow a change breaks and why."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

import vpcsim
from vpcsim import cli, progress
from vpcsim import replay as replay_mod

from conftest import REPO_ROOT, sample_pcap

SCENARIO = REPO_ROOT / "scenarios" / "home_capture_nat.yaml"


WHOIS = "tcpdump-whois.pcap"


def _tshark() -> str:
    path = shutil.which("tshark")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tshark is required under CI (apt-get install tshark)")
        pytest.skip("tshark is not installed")
    return path


@pytest.fixture
def network_only(tmp_path: Path) -> Path:
    """home_capture_nat.yaml without its own replay item: the network the command replays into."""
    text = SCENARIO.read_text()
    start, end = text.index("traffic:"), text.index("capture:")
    path = tmp_path / "home_network.yaml"
    path.write_text(text[:start] + text[end:])
    return path


def main(*argv: object) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def nat_network() -> vpcsim.Network:
    net = vpcsim.Network(seed=7)
    nat = net.add_nat("nat")
    nat.add_interface("eth0", "10.0.2.2/24")
    nat.add_interface("eth1", "203.0.113.2/24")
    nat.set_default_gateway("203.0.113.1")
    nat.add_snat("10.0.2.0/24", "eth1")
    return net


# --- Python ---------------------------------------------------------------------------------------


def test_network_replay_through_masquerade_joins_both_directions() -> None:
    net = nat_network()
    r = net.replay(str(sample_pcap(WHOIS)), at="nat.eth0", server_at="nat.eth1")
    net.run()
    summary = r.summary()
    assert (summary["packets"], summary["sent"], summary["delivered"], summary["held"]) == (11, 11, 11, 0)
    [flow] = r.flow_records()
    assert replay_mod.flow_name(flow) == "tcp 10.0.2.15:44188 -> 192.0.47.59:43"
    assert (flow["translated_client"], flow["translated_client_port"]) == ("203.0.113.2", 44188)
    assert (flow["packets_to_server"], flow["packets_to_client"]) == (6, 5)
    assert (flow["delivered_to_server"], flow["delivered_to_client"]) == (6, 5)
    assert flow["outcome"] == "delivered" and flow["code"] == ""
    packets = r.packet_records()
    assert [p["side"] for p in packets] == ["client", "server", "client", "client", "server", "server",
                                            "client", "server", "client", "client", "server"]
    assert {p["where"] for p in packets if p["side"] == "client"} == {"replay-server.eth0"}
    assert {p["arrived_as"] for p in packets if p["side"] == "client"} == {"tcp 203.0.113.2:44188 -> 192.0.47.59:43"}


def test_replay_tables_as_dataframes() -> None:
    pytest.importorskip("pandas")
    net = nat_network()
    r = net.replay(str(sample_pcap(WHOIS)), at="nat.eth0", server_at="nat.eth1", speed=10.0)
    net.run()
    flows = r.flows()
    assert list(flows.columns) == list(replay_mod.FLOW_COLUMNS)
    assert flows.loc[0, "outcome"] == "delivered"
    assert list(r.packets().columns) == list(replay_mod.PACKET_COLUMNS)
    # --speed 10: the last packet (0.303065 s into the capture) goes at a tenth of that.
    assert r.summary()["last_sent_ns"] == 30306500


def test_replay_errors_name_the_field() -> None:
    net = nat_network()
    with pytest.raises(vpcsim.ConfigError, match="at: .*no interface .eth9."):
        net.replay(str(sample_pcap(WHOIS)), at="nat.eth9")
    with pytest.raises(vpcsim.ConfigError, match="is a nat"):
        net.replay(str(sample_pcap(WHOIS)), at="nat")
    with pytest.raises(vpcsim.ConfigError, match="at most one of"):
        net.replay(str(sample_pcap(WHOIS)), at="nat.eth0", pps=10.0, topspeed=True)
    with pytest.raises(vpcsim.ConfigError, match="archaic pcap savefile"):
        net.replay(str(sample_pcap("libpcap-pcap-invalid-version-1.pcap")), at="nat.eth0")


def test_pps_and_limit_are_exact_in_simulated_time() -> None:
    net = nat_network()
    r = net.replay(str(sample_pcap(WHOIS)), at="nat.eth0", server_at="nat.eth1", pps=1000.0, limit=4)
    net.run()
    sent = [p["sent_ns"] for p in r.packet_records()]
    assert sent == [0, 1_000_000, 2_000_000, 3_000_000]  # the SYN-ACK waits for nothing: the SYN is out first


# --- the command line -----------------------------------------------------------------------------


def test_cli_replay_through_nat_is_a_stream_wireshark_follows(tmp_path: Path, network_only: Path) -> None:
    tshark = _tshark()
    status, out, err = main("replay", sample_pcap(WHOIS), "--into", network_only, "--at", "home-lan",
                            "--server-at", "internet", "--out", tmp_path)
    assert status == 0, err
    assert "11 packets, 11 sent, 11 delivered, 0 dropped" in out
    assert "tcp 10.0.2.15:44188 -> 192.0.47.59:43  203.0.113.2:44188  6/6    5/5    delivered" in out
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["replay"]["summary"]["delivered"] == 11
    assert results["replay"]["flows"][0]["translated_client"] == "203.0.113.2"
    wan = tmp_path / "home-nat-eth1.pcap"
    assert wan.exists() and (tmp_path / "replay-server-eth0.pcap").exists()
    # No TCP analysis flag (retransmission, out-of-order, unseen segment, ...) on either side.
    for pcap in (wan, tmp_path / "home-nat-eth0.pcap"):
        flagged = subprocess.run([tshark, "-n", "-r", str(pcap), "-Y", "tcp.analysis.flags && !tcp.analysis.keep_alive"],
                                 capture_output=True, text=True, check=True).stdout
        assert flagged.strip() == "", flagged
    expert = subprocess.run([tshark, "-n", "-r", str(wan), "-q", "-z", "expert"], capture_output=True, text=True,
                            check=True).stdout
    assert "Warning" not in expert and "Error" not in expert, expert
    follow = subprocess.run([tshark, "-n", "-r", str(wan), "-q", "-z", "follow,tcp,ascii,0"], capture_output=True,
                            text=True, check=True).stdout
    assert "Node 0: 203.0.113.2:44188" in follow and "Node 1: 192.0.47.59:43" in follow
    assert "example.com" in follow and "EXAMPLE.COM" in follow  # the query, and the server's answer


def test_cli_diff_names_the_flow_a_change_breaks(tmp_path: Path, network_only: Path) -> None:
    broken = tmp_path / "no-upstream.yaml"
    broken.write_text(network_only.read_text().replace("    gateway: 198.51.100.254", ""))
    status, out, err = main("replay", sample_pcap(WHOIS), "--into", network_only, "--at", "home-lan",
                            "--server-at", "internet", "--diff", broken, "--out", tmp_path / "out")
    assert status == 1, err
    assert "1 of 1 flows change" in out
    assert ("tcp 10.0.2.15:44188 -> 192.0.47.59:43: delivered -> dropped [NO_ROUTE_TO_DESTINATION] at isp: "
            "no route to 192.0.47.59 at isp") in out
    diff = json.loads((tmp_path / "out" / "diff.json").read_text())
    assert diff["flows"][0]["code_after"] == "NO_ROUTE_TO_DESTINATION"


def test_cli_replay_reports_a_file_cut_short_and_replays_what_came_before(network_only: Path) -> None:
    status, out, _ = main("replay", sample_pcap("joincap-unexpected_eof_on_second_packet.pcap"), "--into", network_only,
                          "--at", "home-lan", "--verbatim")
    assert status == 0
    assert "1 packets, 1 sent" in out
    assert "byte 248 (record 1): reading stopped: truncated dump file" in out


def test_cli_replay_bad_attachment_is_invalid_input(network_only: Path) -> None:
    status, _, err = main("replay", sample_pcap(WHOIS), "--into", network_only, "--at", "home-nat")
    assert status == 2
    assert "home-nat" in err and "attach at one of its free interfaces" in err


def test_cli_what_if_in_a_vpc_names_the_security_group_that_blocks(tmp_path: Path) -> None:
    """The whois client's side, readdressed to an internet client of web's public address on port 80,
    replayed from the cloud's internet router: delivered; after web-sg stops allowing port 80, blocked
    by it, with the explain code and the rule's sentence."""
    vpc = REPO_ROOT / "scenarios" / "public_private_vpc.yaml"
    changed = tmp_path / "web-sg-443.yaml"
    text = vpc.read_text()
    assert "{proto: tcp, port: 80, from: 0.0.0.0/0}" in text
    changed.write_text(text.replace("{proto: tcp, port: 80, from: 0.0.0.0/0}", "{proto: tcp, port: 443, from: 0.0.0.0/0}"))
    status, out, err = main("replay", sample_pcap(WHOIS), "--into", vpc, "--at", "internet", "--split", "auto",
                            "--endpoints", "203.0.113.77,198.51.100.10", "--portmap", "43=80", "--diff", changed)
    assert status == 1, err
    assert "6 sent, 0 delivered, 0 dropped, 0 held, 5 not sent" in out  # web's own stack answers
    assert ("delivered -> blocked [ENI_SG_RULES_MISMATCH] at web: no ingress rule of web-sg (web) allows "
            "tcp 203.0.113.77:44188 -> 10.0.1.10:80") in out


# --- the scenario format ----------------------------------------------------------------------------


def test_scenario_replay_item_runs_with_its_expectation(tmp_path: Path) -> None:
    run = vpcsim.scenario.load(SCENARIO).run(out=tmp_path)
    [item] = run.traffic
    assert (item["kind"], item["outcome"], item["expect_met"]) == ("replay", "delivered", True)
    assert item["summary"]["delivered"] == 11
    assert item["flows"][0]["translated_client"] == "203.0.113.2"


@pytest.mark.parametrize(
    "item, message",
    [
        ("{replay: captures/tcpdump-whois.pcap}", "traffic[0]: missing 'attach'"),
        ("{replay: nowhere.pcap, attach: home-lan}", "traffic[0].replay: no capture at"),
        ("{replay: captures/tcpdump-whois.pcap, attach: home-lan, from: x}", "a replay goes in where 'attach'"),
        ("{replay: captures/tcpdump-whois.pcap, attach: home-lan, pps: 10, topspeed: true}",
         "give one of speed, pps, mbps, topspeed, not both pps and topspeed"),
        ("{replay: captures/tcpdump-whois.pcap, attach: home-lan, expect: reply}",
         "unknown expectation 'reply'"),
        ("{replay: captures/tcpdump-whois.pcap, attach: home-nat}", "attach at one of its free interfaces"),
    ],
)
def test_scenario_replay_item_mistakes_name_the_line(item: str, message: str) -> None:
    text = SCENARIO.read_text()
    start, end = text.index("traffic:"), text.index("capture:")
    path = SCENARIO.parent / f".test-replay-{os.getpid()}.yaml"  # beside the captures it names
    path.write_text(text[:start] + f"traffic:\n  - {item}\n\n" + text[end:])
    try:
        with pytest.raises(vpcsim.ConfigError) as error:
            vpcsim.scenario.load(path)
        assert message in str(error.value) and f"{path.name}:" in str(error.value)
    finally:
        path.unlink()


def test_cli_replay_refuses_what_libpcap_cannot_read(network_only: Path, tmp_path: Path) -> None:
    status, _, err = main("replay", sample_pcap("libpcap-pcap-invalid-version-1.pcap"), "--into", network_only,
                          "--at", "home-lan")
    assert status == 2
    assert "libpcap-pcap-invalid-version-1.pcap" in err and "archaic pcap savefile format" in err
    status, _, err = main("replay", tmp_path / "missing.pcap", "--into", network_only, "--at", "home-lan")
    assert status == 2 and "missing.pcap" in err


def test_cli_replay_through_an_aws_nat_gateway_is_consistent_outside(tmp_path: Path) -> None:
    """The whois client (10.0.2.15, inside private-a's 10.0.2.0/24) from the private subnet, the server
    side from the internet: out through nat-a and igw-main as the NAT gateway's Elastic IP."""
    tshark = _tshark()
    vpc = REPO_ROOT / "scenarios" / "public_private_vpc.yaml"
    status, out, err = main("replay", sample_pcap(WHOIS), "--into", vpc, "--at", "private-a",
                            "--server-at", "internet", "--out", tmp_path)
    assert status == 0, err
    assert "11 packets, 11 sent, 11 delivered, 0 dropped" in out
    assert "198.51.100.20:44188" in out
    outside = tmp_path / "igw-main-internet.pcap"
    flagged = subprocess.run([tshark, "-n", "-r", str(outside), "-Y", "tcp.analysis.flags"], capture_output=True,
                             text=True, check=True).stdout
    assert flagged.strip() == "", flagged
    follow = subprocess.run([tshark, "-n", "-r", str(outside), "-q", "-z", "follow,tcp,ascii,0"], capture_output=True,
                            text=True, check=True).stdout
    assert "Node 0: 198.51.100.20:44188" in follow and "EXAMPLE.COM" in follow


def test_replay_handle_keeps_its_network_alive() -> None:
    import gc

    r = nat_network().replay(str(sample_pcap(WHOIS)), at="nat.eth0", server_at="nat.eth1")
    gc.collect()  # the Network has no other reference: the handle must keep it (and its frame pool)
    assert r.summary()["packets"] == 1  # read one ahead at start; nothing ran


# --- One side replayed into a real simulated stack --------------------------------------------------


def test_client_side_only_into_a_simulated_server_completes_without_resets() -> None:
    """The whois capture's client side (split auto, no server attachment) through the masquerading
    NAT to a simulated whois server: the replay port learns the server's ISN from its SYN-ACK and
    acknowledges in its sequence space, so the server takes the query and nobody sends an RST."""
    net = nat_network()
    server = net.add_host("whois")
    server.add_interface("eth0", "192.0.47.59/24")
    server.set_default_gateway("192.0.47.1")
    nat = net.node("nat")
    nat.add_interface("eth2", "192.0.47.1/24")
    net.connect("nat.eth2", "whois.eth0")
    app = server.tcp_listen(43, b"Domain Name: TCPDUMP.ORG\r\n")
    r = net.replay(str(sample_pcap(WHOIS)), at="nat.eth0", split="auto")
    net.run()
    [flow] = r.flow_records()
    assert (flow["packets_to_server"], flow["packets_to_client"]) == (6, 0)
    assert flow["answers"] > 0 and flow["resets"] == 0, flow
    assert (app.accepted, app.bytes_received, app.failed) == (1, 13, 0)  # "tcpdump.org\r\n"


def test_cli_replay_draws_progress_as_run_does(monkeypatch: pytest.MonkeyPatch, network_only: Path) -> None:
    # vpcsim.progress, as `run --progress`: a status line while loading, a bar of packets sent, a status
    # line while the rest runs; drawn at once here (DELAY 0), on a long replay after a second.
    monkeypatch.setattr(progress, "DELAY", 0.0)
    args = ["replay", sample_pcap(WHOIS), "--into", network_only, "--at", "home-lan", "--server-at", "internet"]
    status, out, err = main(*args, "--progress")
    assert status == 0, err
    assert f"loading {network_only} and {sample_pcap(WHOIS)}... (" in err
    assert "] 100.0%  11 of 11 packets sent  (" in err
    assert "replayed; running until no event is left... (" in err and err.endswith("\n")
    assert "11 packets, 11 sent" in out and "packets sent" not in out  # progress on stderr only
    status, _, err = main(*args)  # not a terminal, no --progress: nothing drawn
    assert (status, err) == (0, "")
