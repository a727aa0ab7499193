"""vpcsim.draw: pictures tested on what they show (frames, nodes, links, labels), not on pixels."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List

import pytest

import matplotlib  # noqa: F401  (required, installed by .ci/setup.sh: no skip)
from matplotlib.collections import LineCollection  # noqa: E402

import vpcsim  # noqa: E402
from vpcsim import draw, scenario  # noqa: E402


def _texts(fig: Any) -> List[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _segments(fig: Any) -> int:
    return sum(len(c.get_segments()) for ax in fig.axes for c in ax.collections if isinstance(c, LineCollection))


@pytest.fixture(scope="module")
def two_subnets(tmp_path_factory: pytest.TempPathFactory, scenarios_dir: Path) -> Any:
    out = tmp_path_factory.mktemp("two-subnets")
    run = scenario.run(scenarios_dir / "two_subnets.yaml", out)
    return run, out


@pytest.fixture(scope="module")
def home_nat(scenarios_dir: Path) -> draw.Recording:
    rec = draw.record(scenario.load(scenarios_dir / "home_nat.yaml").build())
    rec.run()
    return rec


def test_frames_are_exactly_the_per_link_pcaps_in_order(two_subnets: Any) -> None:
    run, out = two_subnets
    frames = draw.frame_records(run, pcaps=out)
    # Each interface's pcap, read on its own, is the frames of its link as that end saw them: sent
    # ones at their start, received ones at their arrival, in that order.
    for path in sorted(out.glob("*.pcap")):
        endpoint = path.stem.replace("-", ".", 1)
        seen = []
        for f in frames:
            if f["src_interface"] == endpoint:
                seen.append((f["time_ns"], f["data"]))
            elif f["dst_interface"] == endpoint:
                seen.append((f["arrive_ns"], f["data"]))
        seen.sort(key=lambda s: s[0])
        in_pcap = [(r.ts_ns, r.data) for r in vpcsim.PcapReader(str(path)).read_all()]
        assert seen == in_pcap, endpoint
    # and every frame is on exactly one link, once: a link's two pcaps hold it twice between them.
    total = sum(len(vpcsim.PcapReader(str(p)).read_all()) for p in out.glob("*.pcap"))
    assert len(frames) * 2 == total == 32
    assert [f["time_ns"] for f in frames] == sorted(f["time_ns"] for f in frames)


def test_two_subnets_frames_tell_the_story(two_subnets: Any) -> None:
    run, out = two_subnets
    frames = draw.frame_records(run, pcaps=out)
    first = [(f["src_node"], f["dst_node"], f["label"]) for f in frames[:3]]
    assert first == [
        ("h1", "r1", "ARP who-has 10.0.1.1? tell 10.0.1.10"),
        ("r1", "h1", f"ARP 10.0.1.1 is-at {run.network.interface('r1.eth0').mac}"),
        ("h1", "r1", "ICMP echo request 10.0.1.10 > 10.0.2.20 seq 1"),
    ]
    # The router forwards the echo request once it knows h2: that frame's parent is h1's.
    forwarded = next(f for f in frames if f["src_node"] == "r1" and f["protocol"] == "icmp")
    assert frames[forwarded["parent"]]["src_node"] == "h1"
    assert forwarded["ttl"] == frames[forwarded["parent"]]["ttl"] - 1
    # The datagram to the closed port is dropped by h2, which answers port unreachable.
    dropped = [f for f in frames if f["dropped"]]
    assert [(f["dst_node"], f["dropped"], f["dst_port"]) for f in dropped] == [("h2", "port_unreachable", 9999)]
    assert "ICMP port unreachable 10.0.2.20 > 10.0.1.10 (about udp 9999)" in [f["label"] for f in frames]


def test_ladder_draws_one_arrow_per_frame_with_its_label(two_subnets: Any) -> None:
    run, out = two_subnets
    frames = draw.frame_records(run, pcaps=out)
    fig = draw.ladder(run, pcaps=out)
    texts = _texts(fig)
    for name in ("h1", "r1", "h2"):
        assert name in texts
    labels = [t for t in texts if t in {f["label"] for f in frames}]
    assert labels == [f["label"] for f in frames]
    # Lifelines (one per column) plus one shaft per frame.
    assert _segments(fig) == 3 + len(frames)
    assert any(t.startswith("dropped at h2: port_unreachable") for t in texts)


def test_ladder_window_and_columns(two_subnets: Any) -> None:
    run, out = two_subnets
    in_window = draw.frame_records(run, window=("1s", "2s"), pcaps=out)
    assert [f["protocol"] for f in in_window] == ["udp"] * 4
    fig = draw.ladder(run, window=("1s", "1.5s"), nodes=["h1", "r1"], pcaps=out)
    assert _segments(fig) == 2 + 2  # two columns, and the two frames between h1 and r1


def test_recording_captures_the_same_frames_as_the_scenario(two_subnets: Any, scenarios_dir: Path) -> None:
    run, out = two_subnets
    rec = draw.record(scenario.load(scenarios_dir / "two_subnets.yaml").build())
    rec.run()
    assert [f["data"] for f in draw.frame_records(rec)] == [f["data"] for f in draw.frame_records(run, pcaps=out)]
    assert rec.results["traffic"][1]["outcome"] == "reply"
    rec.close()


def test_nat_rewrites_are_shown(home_nat: draw.Recording) -> None:
    frames = draw.frame_records(home_nat)
    nat = [f for f in frames if f["nat"]]
    assert all(f["src_node"] == "home-router" for f in nat)
    assert "NAT src 192.168.1.11:41000 -> 203.0.113.2:41000" in [f["nat"] for f in nat]
    assert "NAT dst 203.0.113.2:41000 -> 192.168.1.11:41000" in [f["nat"] for f in nat]
    fig = draw.ladder(home_nat, window=("100ms", "200ms"))
    assert "NAT src 192.168.1.11:41000 -> 203.0.113.2:41000" in _texts(fig)


def test_frame_table_is_a_dataframe(home_nat: draw.Recording) -> None:
    pytest.importorskip("pandas")
    table = draw.frame_table(home_nat)
    assert len(table) == len(draw.frame_records(home_nat))
    assert "data" not in table.columns and {"label", "nat", "dropped"} <= set(table.columns)


def _topology_check(net: Any, fig: Any, model: Any) -> None:
    names = [n.name for n in net.nodes]
    assert sorted(model.nodes) == sorted(names)
    assert sorted((link.a, link.b) for link in model.links) == sorted((l.a.full_name, l.b.full_name) for l in net.links)
    texts = " ".join(_texts(fig))
    for name in names:
        assert name in texts
    assert _segments(fig) == len(net.links)


@pytest.mark.parametrize("name", ["two_subnets", "home_nat", "public_private_vpc"])
def test_topology_has_every_node_and_link(name: str, scenarios_dir: Path) -> None:
    from vpcsim.draw.topology_model import topology_model

    run = scenario.load(scenarios_dir / f"{name}.yaml").build()
    fig = draw.topology(run)
    _topology_check(run.network, fig, topology_model(run.network, run.cloud))


def test_topology_groups_vpc_subnets_and_addresses(scenarios_dir: Path) -> None:
    from vpcsim.draw.topology_model import topology_model

    run = scenario.load(scenarios_dir / "public_private_vpc.yaml").build()
    model = topology_model(run.network, run.cloud)
    groups = {g.name: g for g in model.groups}
    assert groups["subnet:main:public-a"].public is True and groups["subnet:main:private-a"].public is False
    assert groups["subnet:main:public-a"].parent == "vpc:main"
    assert {"web", "nat-a"} <= set(groups["subnet:main:public-a"].members)
    assert groups["vpc:main"].boundary == ["igw-main"]
    assert "ext" in groups["internet"].members
    texts = " ".join(_texts(draw.topology(run)))
    for wanted in ("VPC main  10.0.0.0/16", "10.0.2.10/24", "public 198.51.100.10", "EIP 198.51.100.20"):
        assert wanted in texts


def test_save_writes_svg_and_png_the_same_each_time(tmp_path: Path, scenarios_dir: Path) -> None:
    run = scenario.load(scenarios_dir / "two_subnets.yaml").build()
    first = draw.save(draw.topology(run), tmp_path / "a" / "topology")
    assert [p.name for p in first] == ["topology.svg", "topology.png"]
    assert first[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    second = draw.save(draw.topology(run), tmp_path / "b" / "topology.svg")
    assert second[0].read_bytes() == first[0].read_bytes()


def test_bad_sources_are_named() -> None:
    with pytest.raises(TypeError, match="Recording"):
        draw.ladder(42)
    with pytest.raises(ValueError, match="window"):
        draw.frame_records(vpcsim.Network(seed=1), window="1s")


@pytest.fixture(scope="module")
def arp_story() -> draw.Recording:
    """Two pings a minute apart: the entry goes incomplete -> reachable -> stale, then, used again,
    delay -> probe -> reachable (Linux's neighbour states)."""
    sc = scenario.loads(
        """
name: arp-story
nodes:
  h1: {kind: host, interfaces: {eth0: {ip: 10.0.1.10/24}}}
  h2: {kind: host, interfaces: {eth0: {ip: 10.0.1.20/24}}}
  sw1: {kind: switch}
links: [[h1.eth0, sw1], [h2.eth0, sw1]]
traffic:
  - {from: h1, ping: h2, count: 2}
  - {from: h1, ping: h2, at: 60s}
"""
    )
    net = sc.build().network
    rec = draw.record(net)
    rec.run(until="120s")
    return rec


def test_arp_states_over_time(arp_story: draw.Recording) -> None:
    rows = draw.table_intervals(arp_story, "arp", nodes=["h1"])
    assert [r["state"] for r in rows] == ["incomplete", "reachable", "stale", "delay", "probe", "reachable", "stale"]
    assert rows[0]["start_ns"] == 0 and rows[-1]["end_ns"] == 120_000_000_000
    assert all(a["end_ns"] == b["start_ns"] for a, b in zip(rows, rows[1:]))
    assert rows[3]["start_ns"] == 60_000_000_000  # the second ping finds the entry stale and uses it
    fig = draw.arp_timeline(arp_story)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["h1: 10.0.1.20", "h2: 10.0.1.10"]
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"incomplete", "reachable", "stale", "delay", "probe"}


def test_mac_and_nat_timelines(arp_story: draw.Recording, home_nat: draw.Recording) -> None:
    macs = draw.table_intervals(arp_story, "mac")
    h1_mac = str(arp_story.network.interface("h1.eth0").mac)
    assert [(r["node"], r["key"], r["state"]) for r in macs if r["key"] == h1_mac] == [("sw1", h1_mac, "port p1")]
    nat = draw.table_intervals(home_nat, "nat")
    phone = [r for r in nat if r["key"] == "udp 192.168.1.11:41000 > 198.51.100.10:9000"]
    assert [r["state"] for r in phone] == ["SNAT new", "SNAT established"]
    assert "203.0.113.2:41000" in phone[0]["value"]
    fig = draw.nat_timeline(home_nat)
    assert "home-router: udp 192.168.1.11:41000 > 198.51.100.10:9000" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    draw.mac_timeline(arp_story)


def test_timelines_need_a_recording(two_subnets: Any) -> None:
    run, out = two_subnets
    with pytest.raises(ValueError, match="draw.record"):
        draw.arp_timeline(run)
    with pytest.raises(ValueError, match="'arp', 'mac' or 'nat'"):
        draw.table_intervals(run, "routes")


def test_address_space_levels_and_aws_reserved() -> None:
    levels = draw.address_levels("10.0.0.0/16", [20, "10.0.1.0/24"])
    assert [(str(b), len(parts), str(parts[i])) for b, parts, i in levels] == [
        ("10.0.0.0/16", 16, "10.0.0.0/20"),
        ("10.0.0.0/20", 16, "10.0.1.0/24"),
    ]
    texts = _texts(draw.address_space("10.0.0.0/16", splits=[20, "10.0.1.0/24"]))
    for wanted in ("10.0.0.0/16  (65,536 addresses)", "10.0.240.0/20", "10.0.15.0/24", ".0", ".1", ".2", ".3", ".255",
                   "VPC router", "DNS", "broadcast", "10.0.1.4 - 10.0.1.254", "251 usable"):
        assert wanted in texts
    with pytest.raises(ValueError, match="10.1.0.0/24 is not a smaller block inside 10.0.0.0/16"):
        draw.address_space("10.0.0.0/16", splits=["10.1.0.0/24"])
    with pytest.raises(ValueError, match="steps of at most 12 bits"):
        draw.address_space("10.0.0.0/8", splits=[24])


def test_benchmark_runs_and_checks_its_pictures(repo_root: Path) -> None:
    """benchmarks/python/bench_draw.py at a small size: it exits 1 when a picture misses a frame or a node."""
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(repo_root / "benchmarks" / "python" / "bench_draw.py"), "--frames", "40", "--labelled", "12",
         "--nodes", "30", "--switches", "3", "--runs", "1", "--json"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    rows = {r["picture"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows["ladder"]["size"] == 40 and rows["ladder (labelled)"]["size"] == 12 and rows["topology"]["size"] == 30
    assert 0 < rows["report"]["size"] < 2_000_000
