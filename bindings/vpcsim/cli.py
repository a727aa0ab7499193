"""The `vpcsim` command line (also `python -m vpcsim`).

    vpcsim run FILE [--out DIR] [--until T] [--seed N] [--trace all|drops|none] [--tables auto|all|summary]
                    [--progress] [--diagram DIR] [--report FILE.html]
    vpcsim validate FILE [--progress]
    vpcsim explain FILE --from A --to B [--proto tcp|udp|icmp] [--port N] [--json]
    vpcsim subnet CIDR [--split N | --hosts N] [--aws]
    vpcsim decode FILE.pcap [--verbose]
    vpcsim sweep SCENARIO --grid GRID [--scheduler ADDRESS] [--workers N] [--out DIR]   (sweep_cli)
    vpcsim reach SCENARIO --from GROUP --to GROUP --ports 22,80,443/tcp [--diff OTHER]    (sweep_cli)

Exit status: 0 on success; 1 when a run finishes but an expectation fails (for `explain`: when B
is not reachable); 2 when the input is wrong (a scenario that does not validate, a file that is not a capture, a bad argument), with the
message on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import IO, Any, ContextManager, Dict, Iterator, List, Optional, Sequence

from vpcsim import _core
from vpcsim import progress as progress_mod
from vpcsim.errors import Error
from vpcsim import scenario as scenario_mod
from vpcsim.scenario.http_results import http_detail
from vpcsim.scenario.lb_results import print_load_balancers
from vpcsim import replay_cli
from vpcsim import sweep_cli
from vpcsim import tables as tables_mod

__all__ = ["entry", "main"]

EXIT_OK = 0
EXIT_EXPECT_FAILED = 1
EXIT_INPUT = 2
EXIT_LIMIT = 3  # a limit (--max-*) stopped the run before its end

# The CLI's limits (Network.set_limits): generous for real scenarios, small enough that a storm or a
# runaway sender stops long before the machine runs out of memory or disk.
DEFAULT_MAX_TRACE_BYTES = 4 << 30
DEFAULT_MAX_FRAME_BYTES = 4 << 30
DEFAULT_MAX_BRIDGE_HOPS = 64

MAX_DROPS_SHOWN = 20
MAX_TRAFFIC_SHOWN = 50  # rows of the traffic table; failed expectations are always shown
MAX_SUBNETS_SHOWN = 256


class _InputError(Exception):
    """A mistake in what the user gave us: printed on stderr, exit status 2."""


# --- run / validate -------------------------------------------------------------------------------


def _parse_until(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    try:
        return _core.parse_duration(text)
    except Error as error:
        raise _InputError(f"--until: {error}") from None


def _table(rows: List[List[str]], out: IO[str], indent: str = "  ") -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write(indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() + "\n")


def _traffic_detail(item: Dict[str, Any]) -> str:
    if item["kind"] == "traceroute":
        path: Dict[int, str] = {}
        for hop in item.get("hops", []):
            if path.get(hop["ttl"], "*") == "*":
                path[hop["ttl"]] = hop["from"] or "*"
        return " > ".join(path.values())
    if item["kind"] == "http" or (item["kind"] == "listen" and item.get("protocol") == "http"):
        detail = http_detail(item)
        if item["errors"]:
            detail += f"; {item['errors'][0]['text']}"
        return detail
    if item["errors"]:
        error = item["errors"][0]
        text = str(error["text"]) + (f" from {error['from']}" if error["from"] else "")
        more = len(item["errors"]) - 1
        return text + (f" (+{more} more)" if more else "")
    if item["kind"] == "listen":
        probes = item.get("explain_probes", 0)
        reached = f"; explain's probe{'s' if probes != 1 else ''} reached it ({probes})" if probes else ""
        return f"{item['received']} received, {item['sent']} replied{reached}"
    if item["rtt_ms"]:
        rtts = item["rtt_ms"]
        return f"rtt {min(rtts):.3f}/{sum(rtts) / len(rtts):.3f}/{max(rtts):.3f} ms"
    return ""


_SINGULAR = {"requests": "request", "responses": "response", "packets": "packet", "datagrams": "datagram", "bytes": "byte", "probes": "probe", "flows": "flow",
             "replies": "reply"}


def _count(number: int, unit: str) -> str:
    """'2 packets', '1 byte': a sent/recv cell, which says what it counts."""
    return f"{number} {_SINGULAR.get(unit, unit) if number == 1 else unit}"


def _print_drops(title: str, drops: List[Dict[str, Any]], out: IO[str]) -> None:
    out.write(f"\n{title}: {len(drops)}\n")
    if not drops:
        return
    rows = [["at", "node", "interface", "reason", "detail"]]
    for drop in drops[:MAX_DROPS_SHOWN]:
        rows.append(
            [
                _core.format_duration(drop["at_ns"]),
                drop["node"] or "",
                drop["interface"] or "",
                drop["reason"] or "",
                drop["detail"] or "",
            ]
        )
    _table(rows, out)
    if len(drops) > MAX_DROPS_SHOWN:
        counts: Dict[str, int] = {}
        for drop in drops:
            counts[drop["reason"]] = counts.get(drop["reason"], 0) + 1
        by_reason = ", ".join(f"{reason} {count}" for reason, count in sorted(counts.items()))
        out.write(f"  ... and {len(drops) - MAX_DROPS_SHOWN} more (all drops by reason: {by_reason})\n")


def _print_summary(run: scenario_mod.Run, out: IO[str], written: Optional[Path]) -> None:
    results = run.results
    out.write(
        f"{results['scenario']} (seed {results['seed']}): "
        f"{_core.format_duration(run.network.now_ns)} simulated in {run.wall_seconds:.2f}s\n"
    )
    traffic = results["traffic"]
    if traffic:
        rows = [["#", "id", "kind", "from", "to", "outcome", "sent", "recv", "expect", "result", "detail"]]
        shown = [t for i, t in enumerate(traffic) if i < MAX_TRAFFIC_SHOWN or t["expect_met"] is False]
        for item in shown:
            to = item["to"] or ""
            if item.get("name"):  # a destination given as a DNS name: the name, and what it resolved to
                to = f"{item['name']} ({to})" if to else item["name"]
            if item["kind"] in ("udp", "tcp"):
                to = f"{to}:{item['port']}"
            elif item["kind"] == "http":
                to = f"{to}:{item['port']}{item['path']}"
            elif item["kind"] == "listen":
                to = f"{item.get('protocol', 'udp')} {item['port']}"
            met = item["expect_met"]
            rows.append(
                [
                    str(item["index"]),
                    item["id"] or "-",
                    item["kind"],
                    item["from"],
                    to,
                    item["outcome"],
                    _count(item["sent"], item["sent_unit"]),
                    _count(item["received"], item["received_unit"]),
                    item["expect"] or "-",
                    "" if met is None else ("met" if met else "FAILED"),
                    _traffic_detail(item),
                ]
            )
        out.write("\ntraffic:\n")
        _table(rows, out)
        if len(shown) < len(traffic):
            counts: Dict[str, int] = {}
            for item in traffic:
                key = f"{item['kind']} {item['outcome']}"
                counts[key] = counts.get(key, 0) + 1
            by_outcome = ", ".join(f"{key} {count}" for key, count in sorted(counts.items()))
            out.write(f"  ... and {len(traffic) - len(shown)} more (all items by kind and outcome: {by_outcome})\n")
    print_load_balancers(results.get("load_balancers", {}), out, _table)
    _print_drops("drops", results["drops"], out)
    explained = results["explain"]
    if explained:
        out.write("\nexplain:\n")
        rows = [["#", "id", "from", "to", "proto", "verdict", "blocked by", "expect", "result"]]
        for item in explained:
            met = item["expect_met"]
            expect = " ".join(x for x in (item["expect"], item["expect_blocked_by"] and f"by {item['expect_blocked_by']}") if x)
            blocked = "" if item["reachable"] else f"{_blocker(item)} ({item['direction']})"
            rows.append(
                [
                    str(item["index"]),
                    item["id"] or "-",
                    item["from"],
                    item["to"],
                    item["proto"] + ("" if item["port"] is None else f"/{item['port']}"),
                    "reachable" if item["reachable"] else item["code"],
                    blocked,
                    expect or "-",
                    "" if met is None else ("met" if met else "FAILED"),
                ]
            )
        _table(rows, out)
    if results["explain_drops"]:
        # Explain's probes run after the traffic; what they draw is no failure of it: a probe's
        # answer reaches a prober with no socket for it (and is reset), an unreachable address
        # answers with an ICMP error.
        _print_drops("drops during explain's probes (after the traffic; not its failures)", results["explain_drops"], out)
    expected = [t for t in traffic if t["expect"] is not None]
    expected += [e for e in explained if e["expect_met"] is not None]
    failed = [t for t in expected if not t["expect_met"]]
    out.write("\n")
    if not expected:
        out.write("no expectations to check\n")
    elif failed:
        names = ", ".join(t["id"] or (f"explain[{t['index']}]" if t in explained else f"#{t['index']}") for t in failed)
        out.write(f"{len(failed)} of {len(expected)} expectations FAILED: {names}\n")
    else:
        out.write(f"{len(expected)} of {len(expected)} expectations met\n")
    if written is not None:
        pcaps = len(run.captured)
        out.write(f"wrote {written}/: {', '.join(run.wrote)}, {pcaps} pcap{'s' if pcaps != 1 else ''}\n")


def _blocker(answer: Dict[str, Any]) -> str:
    """'security group web-sg', 'the internet': who stopped an explain probe."""
    if answer["blocked_kind"] == "internet":
        return "the internet"
    return f"{str(answer['blocked_kind']).replace('_', ' ')} {answer['blocked_by']}"


def _status(err: IO[str], show: bool, label: str) -> ContextManager[Any]:
    """A status line on `err` while the body runs, once it has taken a second (when `show`)."""
    return progress_mod.status(err, show, label)


def _load(args: argparse.Namespace, err: IO[str], show: bool) -> scenario_mod.Scenario:
    # A file of tens of thousands of hosts takes seconds to read, check and build.
    with _status(err, show, f"loading {args.file}"):
        return scenario_mod.load(args.file)


def _pictures_module(flag: str) -> Any:
    """vpcsim.draw, imported only when a picture is asked for (it needs matplotlib)."""
    try:
        from vpcsim import draw
    except ImportError as error:
        raise _InputError(f"{flag} draws with matplotlib, which is not installed: pip install matplotlib ({error})") from None
    return draw


@contextlib.contextmanager
def _writing(flag: str) -> Iterator[None]:
    """A file that cannot be written is the user's path to fix, not a traceback."""
    try:
        yield
    except OSError as error:
        raise _InputError(f"{flag}: cannot write {error.filename or ''}: {error.strerror or error}") from None


def _cmd_run_pictured(args: argparse.Namespace, sc: Any, until: Optional[int], out: IO[str], err: IO[str]) -> int:
    """`run` with --diagram and/or --report: the run is recorded (every interface captured, the
    tables read at each event time) so that the pictures and the report can show every frame."""
    draw = _pictures_module("--diagram" if args.diagram else "--report")
    with _status(err, progress_mod.wanted(err, args.progress), "running and recording every frame"):
        rec = draw.record_scenario(sc, args.out, seed=args.seed, until=until)
    run = rec.run_of
    _print_summary(run, out, None if args.out is None else Path(args.out))
    try:
        if args.diagram:
            with _writing("--diagram"):
                files = draw.write_diagrams(rec, args.diagram)
            out.write(f"diagrams: {', '.join(str(f) for f in files if f.suffix == '.svg')} (and .png)\n")
        if args.report:
            from vpcsim import report

            with _writing("--report"):
                page = report.write(rec, args.report)
            out.write(f"report: {page} ({page.stat().st_size / 1e6:.2f} MB)\n")
    finally:
        rec.close()
    return EXIT_OK if run.all_met else EXIT_EXPECT_FAILED


def _cmd_run(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    until = _parse_until(args.until)
    show = progress_mod.wanted(err, args.progress)
    sc = _load(args, err, show)
    if args.diagram or args.report:
        return _cmd_run_pictured(args, sc, until, out, err)
    has_end = until is not None or sc.until is not None
    bar = progress_mod.SimulatedTime(err) if show and has_end else None
    levels: Dict[str, Any] = {"trace": args.trace, "tables": args.tables, "limits": _limits(args)}
    if show and not has_end:
        with progress_mod.Status(err, "running until no event is left (no `until`, so no bar)"):
            run = sc.run(args.out, seed=args.seed, until=until, **levels)
    else:
        try:
            run = sc.run(args.out, seed=args.seed, until=until, progress=bar, **levels)
        finally:
            if bar is not None:
                bar.finish()
    _print_summary(run, out, None if args.out is None else Path(args.out))
    if run.stopped_by is not None:
        out.flush()
        err.write(f"run stopped by --max-{run.stopped_by.limit.replace('_', '-')}: {run.stopped_by.message}\n")
        return EXIT_LIMIT
    return EXIT_OK if run.all_met else EXIT_EXPECT_FAILED


def _limits(args: argparse.Namespace) -> Dict[str, Any]:
    return {
        "max_events": args.max_events,
        "max_trace_bytes": args.max_trace_bytes,
        "max_frame_bytes": args.max_frame_bytes,
        "max_bridge_hops": args.max_bridge_hops,
    }


def _count_arg(text: str) -> int:
    """A count or a size: 1000, 1e9, 4GiB, 512MiB, 64KiB (0: no limit)."""
    units = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
    for unit, factor in units.items():
        if text.endswith(unit):
            number, scale = text[: -len(unit)], factor
            break
    else:
        number, scale = text, 1
    try:
        value = float(number) if ("e" in number or "." in number) else int(number, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count or size (such as 1e9 or 4GiB)") from None
    if not 0 <= value * scale < 2**64:
        raise argparse.ArgumentTypeError(f"'{text}' is outside 0..2^64-1")
    return int(value * scale)


def _cmd_validate(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    sc = _load(args, err, progress_mod.wanted(err, args.progress))
    out.write(f"{args.file}: ok: {sc.summary()}\n")
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    if args.proto != "icmp" and args.port is None:
        raise _InputError(f"--port: a {args.proto} probe needs a destination port")
    if args.proto == "icmp" and args.port is not None:
        raise _InputError("--port: an icmp probe (echo request) has no port")
    sc = _load(args, err, progress_mod.wanted(err, False))
    if sc.cloud.empty:
        raise _InputError(f"{args.file}: has no vpcs or internet hosts: explain answers questions about the cloud")
    run = sc.run(until=_parse_until(args.until))  # the scenario's own traffic first, as `vpcsim run` does
    try:
        answer = run.cloud.explain(args.source, args.to, args.proto, args.port or 0)
    except Error as error:
        raise _InputError(f"explain: {error}") from None
    if args.json:
        from vpcsim import tables as tables_mod

        json.dump(tables_mod.explain_record(answer), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(answer.to_text())
    return EXIT_OK if answer.reachable else EXIT_EXPECT_FAILED


# --- subnet ---------------------------------------------------------------------------------------

# AWS's rules (which addresses a subnet reserves, which lengths it may have) are the cloud layer's:
# _core.aws_subnet_rules and AWS_MIN/MAX_PREFIX_LENGTH ask it, so they are written once, in libnet/cloud.


def _parse_cidr(text: str) -> "tuple[Any, Optional[str]]":
    """The prefix, and the address given when it had host bits set (10.0.1.77/24)."""
    if "/" not in text:
        raise _InputError(f"'{text}' is not a CIDR block: write an address and a length, such as 10.0.1.0/24")
    try:
        return _core.Ipv4Prefix(text), None
    except Error as prefix_error:
        try:  # not a block, but maybe an address in one (10.0.1.77/24: host bits set)
            address = _core.Ipv4InterfaceAddress(text)
        except Error:
            raise _InputError(str(prefix_error)) from None
    return address.subnet, str(address.address)


def _usable(prefix: Any, aws: bool) -> "tuple[Optional[str], Optional[str], int]":
    size = prefix.num_addresses
    if aws:
        rules = _core.aws_subnet_rules(prefix)
        return str(rules.first_usable), str(rules.last_usable), rules.usable
    count = size if prefix.length >= 31 else size - 2
    return str(prefix.first_host), str(prefix.last_host), count


def _check_aws_length(length: int, what: str) -> None:
    low, high = _core.AWS_MIN_PREFIX_LENGTH, _core.AWS_MAX_PREFIX_LENGTH
    if not low <= length <= high:
        raise _InputError(f"{what} is a /{length}: an AWS subnet is between /{low} and /{high}")


def _usable_capacity(prefix: Any, length: int, aws: bool) -> int:
    """How many hosts a /length subnet of `prefix` holds."""
    if aws:
        return int(_core.aws_subnet_rules(_core.Ipv4Prefix.containing(prefix.network, length)).usable)
    size = 1 << (32 - length)
    return size if length >= 31 else size - 2


def _cmd_subnet(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    prefix, given = _parse_cidr(args.cidr)
    aws = args.aws
    if args.split is not None:
        return _subnet_split(prefix, args.split, aws, out)
    if args.hosts is not None:
        return _subnet_hosts(prefix, args.hosts, aws, out)
    if aws:
        _check_aws_length(prefix.length, str(prefix))
    size = prefix.num_addresses
    rows = [["network", f"{prefix}"]]
    if given is not None:
        rows.append(["address", f"{given} (in {prefix})"])
    rows += [
        ["netmask", f"{prefix.netmask} (/{prefix.length})"],
        ["wildcard", str(prefix.hostmask)],
        ["broadcast", str(prefix.broadcast) if prefix.length < 31 else "none (a /31 or /32 has no broadcast)"],
    ]
    first, last, count = _usable(prefix, aws)
    if aws:
        rows.append(["usable", f"{first} - {last} (in AWS)"])
        rows.append(["addresses", f"{size} ({count} usable: AWS reserves {size - count})"])
    else:
        note = " (point-to-point, RFC 3021)" if prefix.length == 31 else (" (a single host)" if prefix.length == 32 else "")
        rows.append(["usable", f"{first} - {last}{note}"])
        rows.append(["addresses", f"{size} ({count} usable)"])
    _table(rows, out, indent="")
    if aws:
        out.write("\nreserved by AWS in every subnet:\n")
        reserved = []
        for address, meaning in _core.aws_subnet_rules(prefix).reserved:
            label = "last" if address == prefix.broadcast else f"+{int(address) - int(prefix.network)}"
            reserved.append([str(address), label, meaning])
        _table(reserved, out)
    return EXIT_OK


def _subnet_split(prefix: Any, length: int, aws: bool, out: IO[str]) -> int:
    if not prefix.length <= length <= 32:
        raise _InputError(f"--split {length}: {prefix} splits into /{prefix.length} to /32 subnets")
    if aws:
        _check_aws_length(length, f"--split {length}")
    count = 1 << (length - prefix.length)
    step = 1 << (32 - length)
    base = int(prefix.network)
    out.write(f"{prefix} splits into {count} /{length} subnet{'s' if count != 1 else ''}"
              f" of {step} addresses ({_usable_capacity(prefix, length, aws)} usable{' in AWS' if aws else ''} each):\n")
    rows = []
    for index in range(min(count, MAX_SUBNETS_SHOWN)):
        sub = _core.Ipv4Prefix.containing(_core.Ipv4Address(base + index * step), length)
        first, last, usable = _usable(sub, aws)
        rows.append([str(sub), f"{first} - {last}", f"{usable} usable"])
    _table(rows, out)
    if count > MAX_SUBNETS_SHOWN:
        last_sub = _core.Ipv4Prefix.containing(_core.Ipv4Address(base + (count - 1) * step), length)
        out.write(f"  ... {count - MAX_SUBNETS_SHOWN} more, up to {last_sub}\n")
    return EXIT_OK


def _subnet_hosts(prefix: Any, hosts: int, aws: bool, out: IO[str]) -> int:
    if hosts < 1:
        raise _InputError(f"--hosts {hosts}: ask for at least 1 host")
    longest = _core.AWS_MAX_PREFIX_LENGTH if aws else 32
    shortest = max(prefix.length, _core.AWS_MIN_PREFIX_LENGTH) if aws else prefix.length
    chosen = None
    for length in range(longest, shortest - 1, -1):
        if _usable_capacity(prefix, length, aws) >= hosts:
            chosen = length
            break
    if chosen is None:
        if aws and prefix.length > _core.AWS_MAX_PREFIX_LENGTH:
            raise _InputError(f"{prefix} is smaller than the smallest AWS subnet (/{_core.AWS_MAX_PREFIX_LENGTH})")
        most = _usable_capacity(prefix, shortest, aws)
        raise _InputError(
            f"{prefix} cannot hold {hosts} hosts in one subnet: at most {most}{' in AWS' if aws else ''}"
        )
    size = 1 << (32 - chosen)
    count = 1 << (chosen - prefix.length)
    first_sub = _core.Ipv4Prefix.containing(prefix.network, chosen)
    first, last, usable = _usable(first_sub, aws)
    where = f" in AWS ({size - usable} reserved per subnet)" if aws else ""
    out.write(f"{hosts} host{'s' if hosts != 1 else ''} need a /{chosen}{where}: {size} addresses, {usable} usable\n")
    out.write(f"netmask {first_sub.netmask}\n")
    out.write(f"{prefix} holds {count} of them; the first is {first_sub} ({first} - {last})\n")
    return EXIT_OK


# --- decode ---------------------------------------------------------------------------------------


def _timestamp(ts_ns: int) -> str:
    return f"{ts_ns // 1_000_000_000}.{ts_ns % 1_000_000_000:09d}"


def _cmd_decode(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    try:
        reader = _core.PcapReader(args.file)
    except Error as error:
        raise _InputError(str(error)) from None
    if reader.link_type != 1:
        raise _InputError(
            f"{args.file}: link type {reader.link_type_name} ({reader.link_type}): "
            "vpcsim decodes Ethernet captures (link type EN10MB) only"
        )
    records = reader.read_all()
    out.write(f"{args.file}: {len(records)} frame{'s' if len(records) != 1 else ''}, Ethernet\n")
    for number, record in enumerate(records, start=1):
        data = record.data
        line = f"{number:5}  {_timestamp(record.ts_ns)}  {len(data):5} bytes  {_core.describe(data)}"
        if record.orig_len != len(data):
            line += f"  [captured {len(data)} of {record.orig_len} bytes]"
        out.write(line + "\n")
        if args.verbose:
            for text in _core.format_layers(_core.decode(data)).rstrip("\n").split("\n"):
                out.write(f"         {text}\n")
            out.write("\n")
    if reader.error:
        raise _InputError(f"{args.file}: {reader.error} (after {len(records)} frame{'s' if len(records) != 1 else ''})")
    return EXIT_OK


# --- main -----------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vpcsim",
        description="A deterministic network simulator whose packets are real Ethernet frames.",
        epilog="Exit status: 0 ok, 1 an expectation failed, 2 invalid input, 3 a limit stopped the run.",
    )
    parser.add_argument("--version", action="version", version=f"vpcsim {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    run = commands.add_parser("run", help="run a scenario file and print what happened",
                              description="Validate, build and run a scenario; print its traffic outcomes and drops.")
    run.add_argument("file", metavar="FILE", help="a scenario YAML file")
    run.add_argument("--out", metavar="DIR", help="write results.json, trace.jsonl and the pcaps here")
    run.add_argument("--until", metavar="T", help="simulated time to run, such as 5s (overrides the file's)")
    run.add_argument("--seed", metavar="N", type=_seed, help="random seed (overrides the file's)")
    run.add_argument("--trace", choices=scenario_mod.TRACE_LEVELS,
                     help="what trace.jsonl holds: every event (all), what explains the outcomes: drops, ARP "
                          "outcomes, ICMP errors, translations (drops, the default), or no file (none); "
                          "overrides the file's `trace`")
    run.add_argument("--tables", choices=scenario_mod.TABLES_LEVELS,
                     help="per-node tables in results.json: in full (all), as counts (summary), or auto, the "
                          "default: in full up to 100 nodes; overrides the file's `tables`")
    run.add_argument("--progress", action="store_true",
                     help="draw progress on stderr even when it is not a terminal (on a terminal it is automatic)")
    run.add_argument("--diagram", metavar="DIR",
                     help="draw the topology, the ladder of every frame and the tables over time into DIR (SVG and PNG)")
    run.add_argument("--report", metavar="FILE",
                     help="write a self-contained HTML report of the run to FILE: topology, step-through of every "
                          "frame, ladder, outcomes, drops, explain, tables")
    limits = run.add_argument_group("limits", "what stops a run early, with exit status 3 (0: no limit)")
    limits.add_argument("--max-events", metavar="N", type=_count_arg, default=0,
                        help="events the run may handle in all (default: no limit)")
    limits.add_argument("--max-trace-bytes", metavar="SIZE", type=_count_arg, default=DEFAULT_MAX_TRACE_BYTES,
                        help="size of the trace, written and in memory (default 4GiB)")
    limits.add_argument("--max-frame-bytes", metavar="SIZE", type=_count_arg, default=DEFAULT_MAX_FRAME_BYTES,
                        help="memory of frames in queues and on links (default 4GiB)")
    limits.add_argument("--max-bridge-hops", metavar="N", type=_count_arg, default=DEFAULT_MAX_BRIDGE_HOPS,
                        help="switches one frame may cross before the run stops as a loop (default 64)")
    run.set_defaults(handler=_cmd_run)

    validate = commands.add_parser("validate", help="check a scenario file without running it",
                                   description="Check every field of a scenario and build its network once.")
    validate.add_argument("file", metavar="FILE")
    validate.add_argument("--progress", action="store_true",
                          help="say what is going on when loading takes more than a second, even when stderr "
                               "is not a terminal (on a terminal it is automatic)")
    validate.set_defaults(handler=_cmd_validate)

    explain = commands.add_parser(
        "explain", help="can A reach B? a probe through the scenario's cloud, explained hop by hop",
        description="Build the scenario, run its traffic, then send one probe (TCP SYN, UDP datagram or ICMP echo) "
                    "from A to B and print what each route table, network ACL, security group and gateway decided. "
                    "Exit status 0 when B is reachable, 1 when it is not.")
    explain.add_argument("file", metavar="FILE", help="a scenario YAML file with vpcs (and internet hosts)")
    explain.add_argument("--from", dest="source", metavar="A", required=True, help="an instance or internet host")
    explain.add_argument("--to", metavar="B", required=True,
                         help="an instance, internet host, NAT gateway or address")
    explain.add_argument("--proto", choices=("tcp", "udp", "icmp"), default="tcp", help="the probe's protocol (tcp)")
    explain.add_argument("--port", metavar="N", type=_port, help="destination port (tcp and udp)")
    explain.add_argument("--until", metavar="T", help="how long the scenario's traffic runs first (overrides the file's)")
    explain.add_argument("--json", action="store_true", help="print the answer as JSON")
    explain.set_defaults(handler=_cmd_explain)

    subnet = commands.add_parser("subnet", help="subnet arithmetic: masks, ranges, splits, AWS reservations",
                                 description="Network, netmask, broadcast, usable range and count of a CIDR block.")
    subnet.add_argument("cidr", metavar="CIDR", help="such as 10.0.0.0/16")
    how = subnet.add_mutually_exclusive_group()
    how.add_argument("--split", metavar="N", type=int, help="list the /N subnets of CIDR")
    how.add_argument("--hosts", metavar="N", type=int, help="the smallest subnet holding N hosts")
    subnet.add_argument("--aws", action="store_true",
                        help="count as AWS does: 5 addresses reserved per subnet, sizes /16 to /28")
    subnet.set_defaults(handler=_cmd_subnet)

    replay_cli.add_parser(commands, _seed)
    sweep_cli.add_parsers(commands)

    decode = commands.add_parser("decode", help="print the frames of a pcap or pcapng file",
                                 description="One line per frame (tcpdump-like); --verbose adds every layer's fields.")
    decode.add_argument("file", metavar="FILE", help="a pcap or pcapng capture of Ethernet frames")
    decode.add_argument("-v", "--verbose", action="store_true", help="show every layer and field")
    decode.set_defaults(handler=_cmd_decode)
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port (1-65535)")
    return int(text)


def _seed(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"{value} is outside 0..2^64-1")
    return value


def _version() -> str:
    try:
        from vpcsim import __version__

        return __version__
    except ImportError:  # pragma: no cover
        return "unknown"


def main(argv: Optional[Sequence[str]] = None, *, stdout: Optional[IO[str]] = None, stderr: Optional[IO[str]] = None) -> int:
    """Runs the command line; returns the exit status (0, 1 or 2) instead of exiting, except for
    --help/--version and argument mistakes, where argparse exits (status 0 and 2)."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    args = _parser().parse_args(argv)
    try:
        status: int = args.handler(args, out, err)
        return status
    except (_InputError, Error) as error:  # ScenarioError is a ConfigError, an Error
        out.flush()
        err.write(f"{error}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except BrokenPipeError:  # `vpcsim decode big.pcap | head`
        return EXIT_OK
    except OSError as error:  # --out names a file, a directory we may not write, a full disk
        out.flush()
        err.write(f"{error}\n")
        return EXIT_INPUT


def entry() -> None:
    """The `vpcsim` command and `python -m vpcsim`: main(), then the process ends at once.

    Every file a command writes is closed by then (results.json, the trace stream, the pcaps), so
    what interpreter shutdown would still do is free memory and run a last garbage collection over
    every object the scenario made: profiled at N = 100 hosts per LAN, 17% of a whole `vpcsim run`.
    os._exit skips it, after flushing what was printed."""
    try:
        status: Any = main()
    except SystemExit as exit_:  # --help, --version, argument mistakes (argparse)
        status = exit_.code
    if status is None:
        status = EXIT_OK
    elif not isinstance(status, int):
        sys.stderr.write(f"{status}\n")
        status = EXIT_INPUT
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `vpcsim decode big.pcap | head`
        pass
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    entry()
