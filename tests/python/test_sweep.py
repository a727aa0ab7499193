"""vpcsim.sweep in this process (workers=0): grids, overrides by field path, invalid variants, the
CLI. The same sweeps on a real Dask cluster are in test_dask_cluster.py."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, unavailable

from vpcsim import cli, scenario
from vpcsim.scenario import ScenarioError
from vpcsim.scenario.location import _At
from vpcsim.scenario.overrides import Override, apply, check
from vpcsim.scenario.yaml_fast import _parse_yaml

PPV = REPO_ROOT / "scenarios" / "public_private_vpc.yaml"
WEB_PORT = "vpcs.main.security_groups.web-sg.ingress[0].port"


@pytest.fixture(autouse=True)
def _pandas() -> None:
    try:
        import pandas  # noqa: F401
    except ImportError:
        unavailable("pandas is not installed (pip install pandas)")


def _data() -> Any:
    return _parse_yaml(PPV.read_text(), str(PPV))


def _at() -> _At:
    return _At("grid.yaml", "set", 3)


def test_override_sets_the_field_the_path_names() -> None:
    data = _data()
    apply(data, [Override(WEB_PORT, 8080, _at()), Override("seed", 7, _at())], str(PPV))
    sc = scenario.loads(data, str(PPV))
    web_sg = sc.cloud.vpcs["main"].security_groups["web-sg"]
    assert web_sg.ingress is not None and web_sg.ingress[0].ports == "8080"
    assert sc.seed == 7


@pytest.mark.parametrize(
    "path, message",
    [
        ("vpcs.main.security_groups.web-sgg.ingress[0].port",
         "has no 'web-sgg' under vpcs.main.security_groups (did you mean 'web-sg'?)"),
        ("vpcs.main.security_groups.web-sg.ingress[5].port", "vpcs.main.security_groups.web-sg.ingress in "),
        ("vpcs.main.cidr.x", "vpcs.main.cidr in"),
        ("vpcs..main", "is not a field path"),
    ],
)
def test_a_path_that_is_not_in_the_file_is_an_error_of_the_grid(path: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        check(_data(), [Override(path, 1, _at())], str(PPV))
    text = str(caught.value)
    assert text.startswith(f"grid.yaml:3: set: {path}") or text.startswith("grid.yaml:3: set: '"), text
    assert message in text


def test_sweep_crosses_files_variants_values_and_seeds(tmp_path: Path) -> None:
    import vpcsim

    grid = tmp_path / "grid.yaml"
    grid.write_text(
        "seeds: [1, 2]\n"
        "set:\n"
        f"  {WEB_PORT}: [80, 8080]\n"
        "variants:\n"
        "  - name: baseline\n"
        "  - name: bad-port\n"
        "    set:\n"
        "      vpcs.main.security_groups.db-sg.ingress[0].port: 99999\n"
    )
    table = vpcsim.sweep(str(PPV), str(grid), workers=0)
    assert list(table["variant"].unique()) == list(range(8))
    assert WEB_PORT in table.columns and "vpcs.main.security_groups.db-sg.ingress[0].port" in table.columns
    # A row per traffic item (7) and explain item (4) for each valid variant.
    valid = table[table["error"].isna()]
    assert len(valid) == 4 * 11
    assert set(valid["seed"]) == {1, 2}
    fetch = valid[valid["item"] == "ext-fetch-web"].set_index("variant")
    assert fetch.loc[0, "outcome"] == "reply" and fetch.loc[2, "outcome"] != "reply"  # port 8080: web-sg blocks 80
    explained = valid[(valid["item"] == "explain[1]") & (valid[WEB_PORT] == "8080")]
    assert set(explained["code"]) == {"ENI_SG_RULES_MISMATCH"} and set(explained["blocked_by"]) == {"web-sg"}
    # An invalid variant: one row carrying the error at the field's line; the sweep went on.
    invalid = table[table["error"].notna()]
    assert len(invalid) == 4 and set(invalid["name"].str.split().str[0]) == {"bad-port"}
    assert "public_private_vpc.yaml:31: vpcs.main.security_groups.db-sg.ingress[0].port: 99999 is outside" in invalid["error"].iloc[0]


def test_the_same_sweep_gives_the_same_table() -> None:
    import vpcsim

    grid = {"seeds": [3, 4], "set": {"traffic[2].count": [3, 5]}}
    first = vpcsim.sweep(str(PPV), grid, workers=0).drop(columns="wall_s")
    again = vpcsim.sweep(str(PPV), grid, workers=0).drop(columns="wall_s")
    assert first.equals(again)
    pings = first[first["item"] == "ext-ping-web"]
    assert list(pings["sent"]) == [3, 3, 5, 5] and list(pings["seed"]) == [3, 4, 3, 4]


def test_grid_errors_name_the_grid_file_and_line(tmp_path: Path) -> None:
    import vpcsim

    grid = tmp_path / "grid.yaml"
    grid.write_text("seeds: [1]\nset:\n  links[0].delay: [1ms]\n")
    with pytest.raises(ScenarioError, match=r"grid.yaml:3: set.'links\[0\].delay': links\[0\].delay: .* has no 'links'"):
        vpcsim.sweep(str(PPV), str(grid), workers=0)
    grid.write_text("seeds: [1]\nsets: {}\n")
    with pytest.raises(ScenarioError, match=r"grid.yaml:2: sets: unknown key 'sets' \(did you mean 'set'\?\)"):
        vpcsim.sweep(str(PPV), str(grid), workers=0)


def test_whole_scenario_files_are_variants_too() -> None:
    import vpcsim

    two = REPO_ROOT / "scenarios" / "two_subnets.yaml"
    table = vpcsim.sweep([str(PPV), str(two)], {"set": {}}, workers=0)
    assert list(table.drop_duplicates("variant")["scenario"]) == [str(PPV), str(two)]
    alone = scenario.run(two)
    rows = table[table["scenario"] == str(two)]
    assert list(rows["outcome"]) == [t["outcome"] for t in alone.traffic]


def test_a_file_that_is_not_yaml_is_a_row_and_the_sweep_goes_on(tmp_path: Path) -> None:
    import vpcsim

    broken = tmp_path / "broken.yaml"
    broken.write_text("vpcs: [\n")
    table = vpcsim.sweep([str(PPV), str(broken)], {"seeds": [1, 2]}, workers=0)
    rows = table[table["scenario"] == str(broken)]
    assert len(rows) == 2 and all(e.startswith(f"{broken}:") and "YAML syntax" in e for e in rows["error"])
    assert len(table[table["scenario"] == str(PPV)]) == 2 * 11


def test_cli_sweep_prints_variants_and_writes_the_table(tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(f"set:\n  {WEB_PORT}: [80, 8080]\n")
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["sweep", str(PPV), "--grid", str(grid), "--workers", "0", "--out", str(tmp_path / "o")],
                      stdout=out, stderr=err)
    text = out.getvalue()
    assert status == 1, err.getvalue()  # the 8080 variant does not meet the file's expectations
    assert "2 variants, 22 rows; 0 invalid, 1 with an unmet expectation" in text
    assert f"#0 {PPV} {WEB_PORT}=80 seed=1: 11/11 expectations met" in text
    assert "#1" in text and "8/11 expectations met (not: #0, ext-fetch-web, explain[1])" in text
    import pandas

    written = pandas.read_csv(tmp_path / "o" / "sweep.csv")
    assert len(written) == 22


def test_cli_sweep_bad_grid_path_is_input_error(tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text("set:\n  vpcs.main.subnets.public-b.cidr: [10.0.9.0/24]\n")
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["sweep", str(PPV), "--grid", str(grid), "--workers", "0"], stdout=out, stderr=err)
    assert status == 2
    assert "grid.yaml:2:" in err.getvalue() and "has no 'public-b' under vpcs.main.subnets" in err.getvalue()


def test_link_parameters_are_overrides_too() -> None:
    import vpcsim

    two = str(REPO_ROOT / "scenarios" / "two_subnets.yaml")
    grid = {"set": {"links[0]": [{"a": "h1.eth0", "b": "r1.eth0", "delay": d} for d in ("1ms", "20ms")]}}
    table = vpcsim.sweep(two, grid, workers=0)
    pings = table[table["kind"] == "ping"]
    slow, fast = pings[pings["variant"] == 1]["rtt_ms"].iloc[0], pings[pings["variant"] == 0]["rtt_ms"].iloc[0]
    assert slow - fast >= 38  # 19 ms more each way across link 0 (the first ping also waits for ARP)
    # links[0] is a [a, b] pair in this file: it has no `delay` to set on its own.
    with pytest.raises(ScenarioError, match=r"links\[0\] in .* is a list, not a mapping: it has no 'delay'"):
        vpcsim.sweep(two, {"set": {"links[0].delay": ["5ms"]}}, workers=0)
