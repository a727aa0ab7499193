"""`vpcsim sweep` and `vpcsim reach`: many runs, many pairs, on Dask (docs/sweeps.md).

    vpcsim sweep SCENARIO [SCENARIO ...] --grid GRID.yaml [--scheduler ADDRESS] [--workers N] [--out DIR]
    vpcsim reach SCENARIO [--from GROUP] [--to GROUP] [--ports 22,80,443/tcp] [--diff OTHER.yaml]
                 [--scheduler ADDRESS] [--workers N] [--block-size N] [--out DIR]

Without --scheduler both start a local Dask cluster of --workers processes (default: one per core);
--workers 0 runs in this process. Exit status: sweep 0 when every variant ran and met its
expectations, 1 otherwise; reach 0; reach --diff 0 when no pair changed, 1 when some did; 2 for
wrong input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any, Dict, List, Optional

from vpcsim import progress as progress_mod

__all__ = ["add_parsers"]

MAX_SHOWN = 50  # rows of changed or blocked pairs printed


def _where(args: argparse.Namespace) -> Dict[str, Any]:
    return {"client": args.scheduler, "workers": args.workers}


def _write(table: Any, out: Optional[str], stem: str, err: IO[str]) -> List[Path]:
    """DIR/STEM.csv, and DIR/STEM.parquet when pyarrow is there (said on stderr when not)."""
    if out is None:
        return []
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / f"{stem}.csv"]
    table.to_csv(written[0], index=False)
    try:
        import pyarrow  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401

        table.to_parquet(directory / f"{stem}.parquet", index=False)
        written.append(directory / f"{stem}.parquet")
    except ImportError:
        err.write(f"{stem}.parquet not written: Parquet needs pyarrow (pip install pyarrow)\n")
    return written


def _bar(args: argparse.Namespace, err: IO[str]) -> Optional[IO[str]]:
    return err if progress_mod.wanted(err, args.progress) else None


def _cmd_sweep(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from vpcsim.sweeps import sweep

    table = sweep(args.scenario, args.grid, progress=_bar(args, err), **_where(args))
    variants = table.drop_duplicates("variant")
    errors = variants[variants["error"].notna()]
    failed = table[table["expect_met"] == False]  # noqa: E712  (None: no expectation)
    out.write(f"{len(variants)} variant{'s' if len(variants) != 1 else ''}, {len(table)} rows; "
              f"{len(errors)} invalid, {failed['variant'].nunique()} with an unmet expectation\n")
    for _, v in variants.iterrows():
        rows = table[table["variant"] == v["variant"]]
        if v["error"] is not None and v["error"] == v["error"]:
            verdict = f"invalid: {v['error']}"
        else:
            expected = rows[rows["expect_met"].notna()]
            unmet = expected[expected["expect_met"] == False]  # noqa: E712
            verdict = f"{len(expected) - len(unmet)}/{len(expected)} expectations met"
            if len(unmet):
                verdict += " (not: " + ", ".join(str(i) for i in unmet["item"]) + ")"
        name = f" {v['name']}" if v["name"] else ""
        out.write(f"  #{v['variant']} {v['scenario']}{name} seed={v['seed']}: {verdict}\n")
    for path in _write(table, args.out, "sweep", err):
        out.write(f"wrote {path}\n")
    return 0 if len(errors) == 0 and len(failed) == 0 else 1


def _pair(row: Any) -> str:
    port = "icmp" if row["protocol"] == "icmp" else f"{row['protocol']}/{row['port']}"
    return f"{row['source']} -> {row['destination']} {port}"


def _code(code: Any, by: Any) -> str:
    if code is None:
        return "(absent)"
    return f"{code}{f' ({by})' if by else ''}"


def _cmd_reach(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from vpcsim import reach

    common: Dict[str, Any] = dict(sources=args.source, destinations=args.to, ports=args.ports, block_size=args.block_size,
                  progress=_bar(args, err), **_where(args))
    table = reach.reachability(args.scenario, **common)
    if args.diff is not None:
        other = reach.reachability(args.diff, **common)
        changed = reach.diff(table, other)
        out.write(f"{len(changed)} of {len(table)} pair{'s' if len(table) != 1 else ''} changed from "
                  f"{args.scenario} to {args.diff}\n")
        for _, row in changed.head(MAX_SHOWN).iterrows():
            out.write(f"  {_pair(row)}: {_code(row['code_before'], row['blocked_by_before'])} -> "
                      f"{_code(row['code_after'], row['blocked_by_after'])}\n")
        if len(changed) > MAX_SHOWN:
            out.write(f"  ... and {len(changed) - MAX_SHOWN} more (--out DIR writes them all)\n")
        for path in _write(changed, args.out, "reach-diff", err):
            out.write(f"wrote {path}\n")
        return 0 if len(changed) == 0 else 1
    counts = reach.summary(table)
    out.write(f"{len(table)} pair{'s' if len(table) != 1 else ''}: " +
              ", ".join(f"{n} {code}" for code, n in counts.items()) + "\n")
    groups = table.groupby(["source_group", "destination_group"], sort=False)["reachable"].agg(["sum", "count"])
    for (sg, dg), row in groups.iterrows():
        out.write(f"  {sg} -> {dg}: {row['sum']} of {row['count']} reachable\n")
    written = _write(table, args.out, "reach", err)
    if args.out is not None:
        from vpcsim import draw

        written += draw.save(draw.reachability(table, title=f"reachability: {Path(args.scenario).name}"),
                             Path(args.out) / "reach")
    for path in written:
        out.write(f"wrote {path}\n")
    return 0


def _workers(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of worker processes (0: in this process)")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive whole number")
    return int(text)


def _dask_options(p: Any) -> None:
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="a running Dask scheduler (tcp://host:8786); default: a local cluster of --workers processes")
    p.add_argument("--workers", metavar="N", type=_workers,
                   help="processes of the local cluster (default: one per core); 0: run in this process, without Dask")
    p.add_argument("--out", metavar="DIR", help="write the table (CSV, and Parquet with pyarrow) into DIR")
    p.add_argument("--progress", action="store_true",
                   help="draw progress on stderr even when it is not a terminal (on a terminal it is automatic)")


def add_parsers(commands: Any) -> None:
    from vpcsim.reach import DEFAULT_PORTS

    s = commands.add_parser(
        "sweep", help="run a scenario over a grid of seeds, overrides and files, on Dask",
        description="Every combination of the grid is one variant, one Dask task; prints a line per variant and "
                    "writes one table (a row per variant and traffic or explain item). See docs/sweeps.md.")
    s.add_argument("scenario", metavar="SCENARIO", nargs="+", help="scenario YAML file(s)")
    s.add_argument("--grid", metavar="GRID", help="a grid YAML file: scenarios, seeds, set, variants, until")
    _dask_options(s)
    s.set_defaults(handler=_cmd_sweep)

    r = commands.add_parser(
        "reach", help="a reachability matrix: explain for every pair of groups and ports, on Dask",
        description="Answers every (source, destination, port) with explain's probe, blocks of pairs per Dask "
                    "task; prints counts per code and per subnet pair; --out DIR writes the table and a heatmap; "
                    "--diff lists the pairs whose answer differs in another scenario file.")
    r.add_argument("scenario", metavar="SCENARIO", help="a scenario YAML file with vpcs (and internet hosts)")
    r.add_argument("--from", dest="source", metavar="GROUP", default="all",
                   help="sources: all, internet, a VPC, a subnet, an instance or host, a glob; comma-separated (all)")
    r.add_argument("--to", metavar="GROUP", default="all", help="destinations, as --from (all)")
    r.add_argument("--ports", metavar="PORTS", default=DEFAULT_PORTS,
                   help=f"ports and protocols: 22,80,443/tcp, 53/udp, 8000-8002, icmp ({DEFAULT_PORTS})")
    r.add_argument("--diff", metavar="OTHER", help="a second scenario file: list the pairs whose answer changed")
    r.add_argument("--block-size", metavar="N", type=_positive,
                   help="pairs per task (default: four blocks per worker, at least 2,000 pairs each)")
    _dask_options(r)
    r.set_defaults(handler=_cmd_reach)
