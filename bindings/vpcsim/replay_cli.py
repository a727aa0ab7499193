"""``vpcsim replay CAPTURE --into SCENARIO.yaml --at NODE.IFACE ...``: a capture replayed into a
scenario's network; prints the flow table, writes results.json (with a ``replay`` section), trace.jsonl
and per-interface pcaps (the scenario's, and each replay port's), and with ``--diff OTHER.yaml`` the
same capture replayed into a second scenario, flow by flow (the what-if).

The options follow tcpreplay/tcprewrite where they mean the same thing (docs/replay.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Tuple

from vpcsim import _core
from vpcsim import flow_log_replay
from vpcsim import progress as progress_mod
from vpcsim import replay as replay_mod
from vpcsim import scenario as scenario_mod
from vpcsim.scenario.specs import _pcap_name

# Simulated time per slice while the source is still being read: the bar moves by packets sent.
_SLICE_NS = 10_000_000


def _pair(text: str, what: str) -> Tuple[str, str]:
    if "=" not in text and ":" not in text:
        raise argparse.ArgumentTypeError(f"{what} '{text}': expected FROM=TO")
    sep = "=" if "=" in text else ":"
    a, b = text.split(sep, 1)
    return a.strip(), b.strip()


def _map(text: str) -> Tuple[str, str]:
    a, b = _pair(text, "--map")
    if "/" not in a:
        a, b = f"{a}/32", f"{b}/32"
    return a, b


def _portmap(text: str) -> Tuple[int, int]:
    a, b = _pair(text, "--portmap")
    try:
        return int(a), int(b)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--portmap '{text}': ports are numbers") from None


def _endpoints(text: str) -> Tuple[str, str]:
    parts = text.split(",") if "," in text else text.split(":")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"--endpoints '{text}': expected CLIENT_IP,SERVER_IP")
    return parts[0].strip(), parts[1].strip()


def add_parser(commands: Any, seed_type: Any) -> None:
    p = commands.add_parser(
        "replay", help="replay a capture into a scenario's network and say what became of each flow",
        description="Replay a pcap/pcapng capture into the network of a scenario file: the client side from "
                    "--at, the server side from --server-at, rewritten to whatever NAT the topology applies.")
    p.add_argument("capture", metavar="CAPTURE", help="a pcap or pcapng file")
    p.add_argument("--into", metavar="SCENARIO", required=True, help="the scenario YAML whose network to replay into")
    p.add_argument("--at", metavar="NODE.IFACE|SWITCH", required=True, help="where the client side goes in")
    p.add_argument("--server-at", metavar="NODE.IFACE|SWITCH", help="where the server side goes in")
    p.add_argument("--gateway", metavar="IP", help="next hop for the client side (default: the router found there)")
    p.add_argument("--server-gateway", metavar="IP", help="next hop for the server side")
    p.add_argument("--split", choices=["none", "auto", "cidr", "mac"],
                   help="how packets get a side (default: auto with --server-at, none without)")
    p.add_argument("--cidr", metavar="CIDR", action="append", default=[], help="client CIDR for --split cidr")
    p.add_argument("--mac", metavar="MAC", action="append", default=[], help="client MAC for --split mac")
    timing = p.add_mutually_exclusive_group()
    timing.add_argument("--speed", metavar="X", type=float, help="multiply the capture's speed by X")
    timing.add_argument("--pps", metavar="N", type=float, help="N packets per second")
    timing.add_argument("--mbps", metavar="N", type=float, help="N megabits per second")
    timing.add_argument("--topspeed", action="store_true", help="back to back at the attachment's line rate")
    p.add_argument("--loop", metavar="N", type=int, default=1, help="replay the capture N times")
    p.add_argument("--limit", metavar="N", type=int, default=0, help="send at most N packets")
    p.add_argument("--map", metavar="FROM=TO", type=_map, action="append", default=[],
                   help="rewrite an address (10.0.2.15=10.1.0.5) or a CIDR keeping host bits (10.0.2.0/24=10.1.0.0/24)")
    p.add_argument("--portmap", metavar="FROM=TO", type=_portmap, action="append", default=[],
                   help="rewrite a TCP/UDP port")
    p.add_argument("--endpoints", metavar="CLIENT,SERVER", type=_endpoints,
                   help="every client packet becomes CLIENT->SERVER, every server packet the reverse")
    p.add_argument("--ttl", metavar="N", type=int, help="set the TTL")
    p.add_argument("--ttl-sub", metavar="N", type=int, default=0, help="decrement the TTL by N (not below 1)")
    p.add_argument("--mtu", metavar="N", type=int, default=0, help="do not send IPv4 packets longer than N")
    p.add_argument("--no-fixcsum", action="store_true", help="keep the captured checksums (default: recompute)")
    p.add_argument("--verbatim", action="store_true",
                   help="send frames exactly as captured, ARP included (tcpreplay); ports answer nothing")
    p.add_argument("--out", metavar="DIR", help="write results.json, trace.jsonl and the pcaps here")
    p.add_argument("--diff", metavar="OTHER", help="replay into this scenario too and list flows whose fate differs")
    p.add_argument("--seed", metavar="N", type=seed_type, help="random seed (overrides the file's)")
    p.add_argument("--progress", action="store_true", help="draw a progress bar even when stderr is not a terminal")
    p.set_defaults(handler=cmd_replay)


def replay_options(args: argparse.Namespace) -> Dict[str, Any]:
    """The keyword arguments of Network.replay for the command's options."""
    return dict(
        at=args.at, server_at=args.server_at, gateway=args.gateway, server_gateway=args.server_gateway,
        split=args.split, client_cidrs=args.cidr, client_macs=args.mac, maps=args.map, port_maps=args.portmap,
        endpoints=args.endpoints, ttl=args.ttl, ttl_sub=args.ttl_sub, mtu=args.mtu,
        fix_checksums=not args.no_fixcsum, speed=args.speed, pps=args.pps, mbps=args.mbps, topspeed=args.topspeed,
        loop=args.loop, limit=args.limit, verbatim=args.verbatim,
    )


def _count_packets(capture: str) -> int:
    """The packets of a pcap or pcapng capture; 0 when unknown (a flow log, or a file the replay itself
    reports as broken)."""
    try:
        return len(_core.PcapReader(capture).read_all())
    except Exception:  # the replay itself reports the file's problem
        return 0


def _send_with_progress(net: Any, handle: Any, stream: IO[str], total: int) -> None:
    """Runs the network until the replay has taken every packet of its source, drawing progress on
    `stream` (vpcsim.progress, after its delay): a bar by packets sent when the total is known, else a
    status line with the count (a flow log, whose packets are made from its records as it goes)."""
    if total > 0:
        bar = progress_mod.Bar(stream)
        try:
            while not handle.source_done:
                net.run(until=net.now_ns + _SLICE_NS)
                sent = handle.summary()["sent"]
                bar.update(sent, total, f"{sent:,} of {total:,} packets sent")
        finally:
            bar.finish()
        return
    with progress_mod.Status(stream, "replaying") as status:
        while not handle.source_done:
            net.run(until=net.now_ns + _SLICE_NS)
            status.phase(f"{handle.summary()['sent']:,} packets sent")


def replay_run(scenario_path: str, capture: str, options: Dict[str, Any], out: Optional[str], seed: Optional[int],
               progress: Optional[IO[str]] = None) -> Tuple[Any, Any]:
    """Builds the scenario, replays the capture into it, runs until nothing is left, and returns the
    scenario Run (results with a `replay` section) and the Replay handle. With `progress` (a stream),
    each phase draws its progress there as `vpcsim run --progress` does."""
    show = progress is not None
    stream = progress if progress is not None else sys.stderr
    with progress_mod.status(stream, show, f"loading {scenario_path} and {capture}"):
        sc = scenario_mod.load(scenario_path)
        run = sc.build(seed=seed, out=out)
        net = run.network
        handle = net.replay(capture, **flow_log_replay.adapt(run, capture, options))
        total = _count_packets(capture) * max(options.get("loop") or 1, 1) if show else 0
        if options.get("limit"):
            total = min(total, options["limit"])
    ports = [handle.client_port] + ([handle.server_port] if handle.server_port else [])
    if out is not None:
        Path(out).mkdir(parents=True, exist_ok=True)
        for port in ports:
            endpoint = f"{port}.eth0"
            run._captures.append(_core.capture(net, endpoint, str(Path(out) / _pcap_name(endpoint))))
            run.captured.append(endpoint)
    if progress is not None:
        _send_with_progress(net, handle, progress, total)
    with progress_mod.status(stream, show, "replayed; running until no event is left"):
        run.execute(None)
    run.results["replay"] = {
        "capture": capture,
        "ports": ports,
        "summary": handle.summary(),
        "flows": handle.flow_records(),
        "errors": handle.errors(),
    }
    if out is not None:
        run.write(out)
    return run, handle


def _print_flows(flows: List[Dict[str, Any]], out: IO[str]) -> None:
    rows = [["#", "flow", "translated", "->srv", "<-srv", "outcome", "code", "where", "rule"]]
    for i, f in enumerate(flows):
        translated = ""
        if (f["translated_client"], f["translated_client_port"]) != (f["client"], f["client_port"]) or \
           (f["translated_server"], f["translated_server_port"]) != (f["server"], f["server_port"]):
            translated = f'{f["translated_client"]}:{f["translated_client_port"]}'
        rows.append([str(i), replay_mod.flow_name(f), translated,
                     f'{f["delivered_to_server"]}/{f["packets_to_server"]}',
                     f'{f["delivered_to_client"]}/{f["packets_to_client"]}',
                     f["outcome"], f["code"], f["component"], f["rule"]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        out.write("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


def cmd_replay(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    options = replay_options(args)
    progress = err if progress_mod.wanted(err, args.progress) else None
    run, handle = replay_run(args.into, args.capture, options, args.out, args.seed, progress)
    s = run.results["replay"]["summary"]
    out.write(f"{args.capture} into {args.into}: {s['packets']} packets, {s['sent']} sent, {s['delivered']} delivered, "
              f"{s['dropped']} dropped, {s['held']} held, {s['not_sent']} not sent; {s['flows']} flows; "
              f"{_core.format_duration(run.network.now_ns)} simulated in {run.wall_seconds:.2f}s\n")
    for e in run.results["replay"]["errors"]:
        out.write(f"  {e['file']}: byte {e['offset']} (record {e['record']}): {e['reason']}\n")
    _print_flows(run.results["replay"]["flows"], out)
    if args.out is not None:
        out.write(f"wrote {Path(args.out) / 'results.json'}, trace.jsonl and {len(run.captured)} pcaps\n")
    if args.diff is None:
        return 0
    other_out = None if args.out is None else str(Path(args.out) / "diff")
    other, _ = replay_run(args.diff, args.capture, options, other_out, args.seed, progress)
    changed = replay_mod.diff_records(run.results["replay"]["flows"], other.results["replay"]["flows"])
    out.write(f"diff {args.into} -> {args.diff}: {len(changed)} of {s['flows']} flows change\n")
    for row in changed:
        out.write(f"  {row['flow']}: {row['before']} -> {row['after']}"
                  + (f" [{row['code_after']}] at {row['component_after']}: {row['rule_after']}" if row["code_after"] else "")
                  + "\n")
    if args.out is not None:
        import json
        with open(Path(args.out) / "diff.json", "w", encoding="utf-8") as f:
            json.dump({"before": args.into, "after": args.diff, "flows": changed}, f, indent=2)
            f.write("\n")
    return 1 if changed else 0
