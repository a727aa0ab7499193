"""Sweeps: one scenario run many times over a grid of seeds, field overrides and whole files.

For example::

    import vpcsim
    table = vpcsim.sweep("scenarios/public_private_vpc.yaml",
                         grid={"seeds": [1, 2],
                               "set": {"vpcs.main.security_groups.web-sg.ingress[0].port": [80, 8080]}},
                         workers=2)        # a local Dask cluster of 2 processes; workers=0: this process
    table[["variant", "item", "outcome", "expect_met"]]

A grid (a YAML file, or the same as a dict; docs/sweeps.md) crosses its parts: every scenario file
x every named variant x every combination of the `set` values x every seed is one variant, one Dask
task, which loads the file with its overrides, runs it and returns a row per traffic item and
explain item. An override is addressed as the scenario's own errors name fields
(``links[0].delay``); a path that is not in the file is an error of the grid, before anything runs;
a value the scenario rejects makes that variant's row carry the error, and the sweep goes on.

Deterministic: a variant's seed is the grid's (or the file's), never the worker's, and rows come
back in variant order; only ``wall_s`` (the variant's wall time) differs from run to run.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Sequence, Tuple, Union

from vpcsim.errors import Error
from vpcsim.scenario.entry import loads
from vpcsim.scenario.errors import ScenarioError
from vpcsim.scenario.fields import _check_keys, _duration, _integer, _mapping, _sequence, _text
from vpcsim.scenario.location import _At
from vpcsim.scenario.overrides import Override, apply, check, parse_path, plain
from vpcsim.scenario.record import field, record
from vpcsim.scenario.yaml_fast import _parse_yaml

__all__ = ["COLUMNS", "GRID_KEYS", "Variant", "load_grid", "run_variant", "sweep", "variants"]

GRID_KEYS = ("scenarios", "seeds", "set", "variants", "until")
# The table's columns; each override path gets a column of its own after `seed`.
COLUMNS = ["variant", "name", "scenario", "seed", "item", "kind", "from", "to", "outcome", "code", "blocked_by",
           "expect", "expect_met", "sent", "received", "errors", "rtt_ms", "simulated_s", "error", "wall_s"]

Paths = Union[str, "os.PathLike[str]"]


@record
class Variant:
    """One task of a sweep: a scenario file's text with overrides, a seed and a run length."""

    index: int
    name: str
    scenario: str  # the file, as given
    text: str
    seed: Optional[int]
    until: Optional[int]  # ns
    overrides: List[Override] = field(default_factory=list)


@record
class Grid:
    scenarios: List[str]
    seeds: List[Optional[int]]
    sets: List[Tuple[str, List[Any], _At]]  # path, values, where
    named: List[Tuple[str, List[Override]]]
    until: Optional[int]
    file: str


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as error:
        raise ScenarioError(path, None, "", f"cannot read: {error.strerror or error}") from None


def load_grid(grid: Union[Paths, Dict[str, Any], None]) -> Grid:
    """A grid file (or dict) checked field by field; ScenarioError at the grid's file:line."""
    if grid is None:
        return Grid([], [None], [], [("", [])], None, "<grid>")
    if isinstance(grid, dict):
        file, data = "<grid>", grid
    else:
        file = os.fspath(grid)
        data = _parse_yaml(_read(file), file)
    top = _At(file, "", 1)
    body = _mapping(top, data, "a grid: a mapping of scenarios, seeds, set, variants, until")
    _check_keys(top, body, GRID_KEYS)
    base = Path(file).parent if file != "<grid>" else Path(".")
    scenarios = []
    if "scenarios" in body:
        at = top.key(body, "scenarios")
        items = _sequence(at, body["scenarios"], "a list of scenario files")
        for i, item in enumerate(items):
            name = _text(at.item(items, i), item)
            scenarios.append(name if os.path.isabs(name) else os.path.normpath(base / name))
    seeds: List[Optional[int]] = [None]
    if "seeds" in body:
        at = top.key(body, "seeds")
        items = _sequence(at, body["seeds"], "a list of seeds")
        seeds = [_integer(at.item(items, i), s, 0, 2**64 - 1) for i, s in enumerate(items)] or [None]
    sets: List[Tuple[str, List[Any], _At]] = []
    if "set" in body:
        at = top.key(body, "set")
        mapping = _mapping(at, body["set"], "a mapping of field paths to lists of values")
        for path, values in mapping.items():
            where = at.key(mapping, path)
            parse_path(path, where)
            listed = _sequence(where, values, "a list of values (one variant each)")
            if not listed:
                raise where.error("no values: give at least one")
            sets.append((str(path), [plain(v) for v in listed], where))
    named: List[Tuple[str, List[Override]]] = [("", [])]
    if "variants" in body:
        at = top.key(body, "variants")
        items = _sequence(at, body["variants"], "a list of variants ({name: ..., set: {path: value}})")
        named = [_named(at.item(items, i), item) for i, item in enumerate(items)]
    until = _duration(top.key(body, "until"), body["until"], positive=True) if "until" in body else None
    return Grid(scenarios, seeds, sets, named, until, file)


def _named(at: _At, item: Any) -> Tuple[str, List[Override]]:
    body = _mapping(at, item, "a variant: {name: ..., set: {path: value}}")
    _check_keys(at, body, ("name", "set"))
    if "name" not in body:
        raise at.error("a variant needs a name")
    name = _text(at.key(body, "name"), body["name"])
    overrides = []
    if "set" in body:
        where = at.key(body, "set")
        mapping = _mapping(where, body["set"], "a mapping of field paths to values")
        for path, value in mapping.items():
            here = where.key(mapping, path)
            parse_path(path, here)
            overrides.append(Override(str(path), plain(value), here))
    return name, overrides


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def variants(scenario: Union[Paths, Sequence[Paths]], grid: Union[Paths, Dict[str, Any], None] = None) -> List[Variant]:
    """Every variant of the grid over the scenario file(s), in order; the override paths checked
    against each file (ScenarioError at the grid's line when one is not there)."""
    files = [os.fspath(scenario)] if isinstance(scenario, (str, os.PathLike)) else [os.fspath(s) for s in scenario]
    g = load_grid(grid)
    files += [f for f in g.scenarios if f not in files]
    out: List[Variant] = []
    for file in files:
        text = _read(file)
        try:
            data = _parse_yaml(text, file)
        except ScenarioError:
            data = None  # not YAML: each of its variants is a row with the reader's error
        for name, fixed in g.named:
            if data is not None:
                check(data, fixed, file)
                check(data, [Override(p, None, at) for p, _, at in g.sets], file)
            for combo in itertools.product(*[values for _, values, _ in g.sets]):
                overrides = fixed + [Override(p, v, at) for (p, _, at), v in zip(g.sets, combo)]
                label = " ".join([name] * bool(name) + [f"{p}={_shown(v)}" for (p, _, _), v in zip(g.sets, combo)])
                for seed in g.seeds:
                    out.append(Variant(len(out), label, file, text, seed, g.until, overrides))
    return out


def _base(v: Variant, seed: Optional[int], paths: Sequence[str]) -> Dict[str, Any]:
    row: Dict[str, Any] = {"variant": v.index, "name": v.name, "scenario": v.scenario, "seed": seed}
    given = {o.path: o.value for o in v.overrides}
    for path in paths:
        row[path] = _shown(given[path]) if path in given else None
    return row


def run_variant(v: Variant) -> List[Dict[str, Any]]:
    """One variant run to its end: a row per traffic and explain item, or one row with the error."""
    started = time.monotonic()
    paths = [o.path for o in v.overrides]
    try:
        data = _parse_yaml(v.text, v.scenario)
        apply(data, v.overrides, v.scenario)
        sc = loads(data, v.scenario)
        run = sc.run(seed=v.seed, until=v.until)
    except Error as error:  # the file with these overrides does not validate or build
        row = _base(v, v.seed, paths)
        row.update({c: None for c in COLUMNS if c not in row})
        row["error"] = str(error)
        row["wall_s"] = time.monotonic() - started
        return [row]
    seed = run.seed
    simulated = run.network.now_ns / 1e9
    rows = []
    for t in run.traffic:
        row = _base(v, seed, paths)
        rtts = t.get("rtt_ms") or []
        row.update({"item": t.get("id") or f"#{t['index']}", "kind": t.get("kind"), "from": t.get("from"),
                    "to": t.get("to"), "outcome": t.get("outcome"), "code": None, "blocked_by": None,
                    "expect": t.get("expect"), "expect_met": t.get("expect_met"), "sent": t.get("sent"),
                    "received": t.get("received"), "errors": len(t.get("errors") or []),
                    "rtt_ms": sum(rtts) / len(rtts) if rtts else None})
        rows.append(row)
    for e in run.explained:
        row = _base(v, seed, paths)
        row.update({"item": e.get("id") or f"explain[{e['index']}]", "kind": "explain", "from": e["from"],
                    "to": e["to"], "outcome": "reachable" if e["reachable"] else "unreachable", "code": e["code"],
                    "blocked_by": e["blocked_by"], "expect": e["expect"], "expect_met": e["expect_met"],
                    "sent": None, "received": None, "errors": None, "rtt_ms": None})
        rows.append(row)
    wall = time.monotonic() - started
    for row in rows:
        row.update({"simulated_s": simulated, "error": None, "wall_s": wall})
    return rows


def sweep(
    scenario: Union[Paths, Sequence[Paths]],
    grid: Union[Paths, Dict[str, Any], None] = None,
    *,
    client: Any = None,
    workers: Optional[int] = None,
    progress: Optional[IO[str]] = None,
) -> Any:
    """Runs every variant of `grid` over `scenario` (a file or files) and returns one pandas
    DataFrame, a row per variant and item. `client`: a distributed.Client or a scheduler's address;
    without one, a local Dask cluster of `workers` processes (default: one per core), or this
    process when workers=0. `progress`: a stream for the bar (stderr)."""
    import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]

    from vpcsim.distribute import run_tasks

    todo = variants(scenario, grid)
    paths: List[str] = []
    for v in todo:
        paths += [o.path for o in v.overrides if o.path not in paths]
    results = run_tasks(run_variant, todo, client=client, workers=workers, progress=progress, label="variants")
    rows = []
    for v, got in zip(todo, results):
        for row in got:
            rows.append({**{p: None for p in paths}, **row})
    columns = COLUMNS[:4] + paths + COLUMNS[4:]
    return pd.DataFrame(rows, columns=columns)
