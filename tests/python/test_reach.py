"""Reachability matrices in this process (workers=0): each answer is explain's for that pair, --diff
lists exactly the pairs a change moved, groups and ports read as documented, the heatmap, the CLI.
The same matrices on a real Dask cluster are in test_dask_cluster.py."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

from conftest import REPO_ROOT, unavailable

from vpcsim import ConfigError, cli, reach, scenario

PPV = REPO_ROOT / "scenarios" / "public_private_vpc.yaml"
PORTS = "22,80,5432/tcp,53/udp,icmp"


@pytest.fixture(autouse=True)
def _pandas() -> None:
    try:
        import pandas  # noqa: F401
    except ImportError:
        unavailable("pandas is not installed (pip install pandas)")


def _explained(path: Path, table: Any) -> Dict[Tuple[str, str, str, int], Tuple[Any, ...]]:
    """explain's answer for each pair of `table`, each on a freshly built and run network."""
    sc = scenario.load(path)
    answers = {}
    for s, d, proto, port in zip(table["source"], table["destination"], table["protocol"], table["port"]):
        a = sc.run().cloud.explain(s, d, proto, int(port))
        answers[(s, d, proto, int(port))] = (a.code, a.blocked_by, a.blocked_kind, a.blocked_direction)
    return answers


def _none(value: Any) -> Any:
    return None if value is None or value != value else value  # pandas may hold None as NaN


def _answers(table: Any) -> Dict[Tuple[str, str, str, int], Tuple[Any, ...]]:
    return {(s, d, p, int(n)): (c, _none(b), _none(k), _none(w)) for s, d, p, n, c, b, k, w in zip(
        table["source"], table["destination"], table["protocol"], table["port"], table["code"],
        table["blocked_by"], table["blocked_kind"], table["direction"])}


def test_matrix_equals_a_loop_of_explain() -> None:
    table = reach.reachability(str(PPV), "all", "all", PORTS, workers=0)
    # web, db, ext: 3 x 2 ordered pairs x 5 probes
    assert len(table) == 30
    assert list(table.columns) == reach.COLUMNS
    assert _answers(table) == _explained(PPV, table)
    # Several codes, so the equality is not of a uniform matrix.
    assert {"REACHABLE", "ENI_SG_RULES_MISMATCH", "NO_ROUTE_TO_DESTINATION"} <= set(table["code"])
    assert (table["reachable"] == (table["code"] == "REACHABLE")).all()


def test_matrix_equals_the_explain_command() -> None:
    table = reach.reachability(str(PPV), "ext,web", "db,web", "5432,80/tcp", workers=0)
    for _, row in table.iterrows():
        out, err = io.StringIO(), io.StringIO()
        cli.main(["explain", str(PPV), "--from", row["source"], "--to", row["destination"],
                  "--proto", row["protocol"], "--port", str(row["port"]), "--json"], stdout=out, stderr=err)
        answer = json.loads(out.getvalue())
        assert (row["code"], _none(row["blocked_by"])) == \
            (answer["code"], answer["blocked_by"]), row.to_dict()


def test_block_size_does_not_change_the_answers() -> None:
    whole = reach.reachability(str(PPV), ports=PORTS, workers=0)
    cut = reach.reachability(str(PPV), ports=PORTS, workers=0, block_size=1)
    assert whole.equals(cut)


def test_diff_lists_exactly_the_pairs_a_change_moved(tmp_path: Path) -> None:
    changed = tmp_path / "changed.yaml"
    # web-sg admits 22 instead of 80 from anywhere.
    changed.write_text(PPV.read_text().replace("ingress: [{proto: tcp, port: 80, from: 0.0.0.0/0}",
                                               "ingress: [{proto: tcp, port: 22, from: 0.0.0.0/0}"))
    before = reach.reachability(str(PPV), ports=PORTS, workers=0)
    after = reach.reachability(str(changed), ports=PORTS, workers=0)
    got = reach.diff(before, after)
    old, new = _explained(PPV, before), _explained(changed, after)
    expected = {k for k in old if old[k][:2] != new[k][:2]}
    assert {(r["source"], r["destination"], r["protocol"], int(r["port"])) for _, r in got.iterrows()} == expected
    assert expected == {("db", "web", "tcp", 22), ("db", "web", "tcp", 80), ("ext", "web", "tcp", 22),
                        ("ext", "web", "tcp", 80)}
    row = got[(got["source"] == "ext") & (got["port"] == 80)].iloc[0]
    assert (row["code_before"], row["code_after"], row["blocked_by_after"]) == ("REACHABLE", "ENI_SG_RULES_MISMATCH", "web-sg")


def test_cli_reach_diff(tmp_path: Path) -> None:
    changed = tmp_path / "changed.yaml"
    changed.write_text(PPV.read_text().replace("{proto: tcp, port: 5432, from_sg: web-sg}", "{proto: tcp, port: 5432, from: 10.9.0.0/16}"))
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["reach", str(PPV), "--ports", "5432/tcp", "--diff", str(changed), "--workers", "0"],
                      stdout=out, stderr=err)
    assert status == 1, err.getvalue()
    assert out.getvalue().splitlines() == [
        f"1 of 6 pairs changed from {PPV} to {changed}",
        "  web -> db tcp/5432: REACHABLE -> ENI_SG_RULES_MISMATCH (db-sg)",
    ]
    assert cli.main(["reach", str(PPV), "--diff", str(PPV), "--workers", "0"], stdout=io.StringIO(),
                    stderr=io.StringIO()) == 0


def test_cli_reach_prints_counts_and_writes_table_and_heatmap(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["reach", str(PPV), "--from", "internet", "--to", "main", "--ports", "22,80/tcp",
                       "--workers", "0", "--out", str(tmp_path)], stdout=out, stderr=err)
    assert status == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[0] == "4 pairs: 2 NO_ROUTE_TO_DESTINATION, 1 ENI_SG_RULES_MISMATCH, 1 REACHABLE"
    assert "  internet -> main/public-a: 1 of 2 reachable" in lines
    assert "  internet -> main/private-a: 0 of 2 reachable" in lines
    for name in ("reach.csv", "reach.svg", "reach.png"):
        assert (tmp_path / name).stat().st_size > 0


@pytest.mark.parametrize("text, ports", [
    ("22,80,443/tcp", [("tcp", 22), ("tcp", 80), ("tcp", 443)]),
    ("53/udp,22,80/tcp", [("udp", 53), ("tcp", 22), ("tcp", 80)]),
    ("8000-8002,icmp", [("tcp", 8000), ("tcp", 8001), ("tcp", 8002), ("icmp", 0)]),
])
def test_ports(text: str, ports: Any) -> None:
    assert reach.parse_ports(text) == ports


@pytest.mark.parametrize("text, message", [
    ("22,http", "'http' is not a port"),
    ("0", "'0' is outside 1-65535"),
    ("90-80", "'90-80' is outside 1-65535"),
])
def test_bad_ports(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        reach.parse_ports(text)


def test_groups() -> None:
    everything = reach.endpoints(scenario.load(PPV))
    names = lambda text: [e.name for e in reach.select(everything, text)]  # noqa: E731
    assert names("all") == ["web", "db", "ext"]
    assert names("internet") == ["ext"]
    assert names("main") == ["web", "db"]
    assert names("private-a") == names("main/private-a") == ["db"]
    assert names("d*,web,db") == ["db", "web"]
    with pytest.raises(ConfigError, match=r"--from: 'wbe' names no instance, internet host, subnet or VPC \(did you mean 'web'\?\)"):
        reach.select(everything, "wbe")


def test_a_scenario_without_a_cloud_is_an_error() -> None:
    with pytest.raises(ConfigError, match="has no vpcs or internet hosts"):
        reach.reachability(str(REPO_ROOT / "scenarios" / "two_subnets.yaml"), workers=0)


def test_heatmap_labels_blocked_cells_by_code() -> None:
    from vpcsim import draw

    table = reach.reachability(str(PPV), ports="22,80/tcp", workers=0)
    fig = draw.reachability(table)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    blocked = table[~table["reachable"]]
    assert sorted(labels) == sorted(draw.reach_map.SHORT_CODES[c] for c in blocked["code"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["web", "db", "ext"]
    # Too many cells: drawn per subnet, a cell per source group x destination group x port.
    grouped = draw.reachability(table, max_cells=2).axes[0]
    assert [t.get_text() for t in grouped.get_yticklabels()] == ["main/public-a", "main/private-a", "internet"]
