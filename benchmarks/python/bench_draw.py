#!/usr/bin/env python3
"""Pictures: how long vpcsim.draw takes for a large ladder and a large topology, and how big the
HTML report of the flagship scenario is.

  ladder     h1 pings h2 across router r1 (--frames / 4 echo requests, 1 ms apart), recorded with
             vpcsim.draw.record; `frames_s` is draw.frame_records (reading the four pcaps, pairing
             each link's frames, decoding each frame once); the time is draw.ladder plus rendering
             the Figure to PNG in memory (matplotlib Agg): what a notebook cell showing it costs.
             Past 400 rows a ladder draws arrows without labels; "ladder (labelled)" times
             --labelled frames (300) with every label, the most a labelled ladder draws.
  topology   --nodes nodes: a core router, --switches switches on it, and hosts spread over the
             switches; `draw_s` is draw.topology(net) (layout included) plus rendering to PNG.
  report     vpcsim.report.write of scenarios/public_private_vpc.yaml, recorded: `bytes`, and the
             seconds to write it.

Each time is the median of --runs runs (default 3), with min and max; wall time from
time.perf_counter. The program exits 1 if a picture does not hold what it should (every frame an
arrow, every node drawn), so a fast wrong picture does not pass.

    python benchmarks/python/bench_draw.py                       10,000 frames, 1,000 nodes, 3 runs
    python benchmarks/python/bench_draw.py --frames 200 --nodes 50 --runs 1 --json
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

REPO = Path(__file__).resolve().parents[2]

import vpcsim  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from vpcsim import draw, report, scenario  # noqa: E402


def timed(runs: int, action: Callable[[], Any]) -> Tuple[Dict[str, float], Any]:
    """Wall time (median, min, max) and the median CPU time of this process: on a shared machine
    the CPU time says what the work costs, the wall time what a user waits."""
    times: List[float] = []
    cpu: List[float] = []
    result = None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = action()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "cpu_s": statistics.median(cpu)}, result


def render(fig: Any) -> int:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.tell()


def ladder_network(frames: int) -> Any:
    net = vpcsim.Network(seed=1)
    h1, r1, h2 = net.add_host("h1"), net.add_router("r1"), net.add_host("h2")
    h1.add_interface("eth0", "10.0.1.10/24")
    r1.add_interface("eth0", "10.0.1.1/24")
    r1.add_interface("eth1", "10.0.2.1/24")
    h2.add_interface("eth0", "10.0.2.20/24")
    h1.set_default_gateway("10.0.1.1")
    h2.set_default_gateway("10.0.2.1")
    net.connect("h1.eth0", "r1.eth0")
    net.connect("r1.eth1", "h2.eth0")
    h1.ping("10.0.2.20", count=max(frames // 4, 1), interval="1ms")
    return net


def bench_ladder(frames: int, runs: int, labelled: bool = False) -> Dict[str, Any]:
    rec = draw.record(ladder_network(frames))
    rec.run()

    def read() -> List[Dict[str, Any]]:
        draw.frames._CACHE.clear()  # time the reading, not the cache
        return draw.frame_records(rec)

    frames_t, rows = timed(runs, read)
    window = (0, rows[min(frames, len(rows)) - 1]["time_ns"] + 1)
    draw_t, fig = timed(runs, lambda: _drawn(draw.ladder(rec, window=window, labels=labelled)))
    arrows = sum(len(c.get_segments()) for c in fig.axes[0].collections if isinstance(c, LineCollection)) - 3
    shown = len(draw.frame_records(rec, window=window))
    if arrows != shown:
        sys.exit(f"ladder: {arrows} arrows for {shown} frames")
    return {"picture": "ladder" + (" (labelled)" if labelled else ""), "size": shown, "frames_s": frames_t["median_s"],
            **draw_t}


def _drawn(fig: Any) -> Any:
    render(fig)
    return fig


def topology_network(nodes: int, switches: int) -> Any:
    net = vpcsim.Network(seed=1)
    core = net.add_router("core")
    hosts = nodes - 1 - switches
    for s in range(switches):
        core.add_interface(f"eth{s}", f"10.{s}.0.1/16")
        net.add_switch(f"sw{s}")
        net.connect(f"core.eth{s}", f"sw{s}")
    for h in range(hosts):
        s = h % switches
        host = net.add_host(f"h{h}")
        host.add_interface("eth0", f"10.{s}.{1 + h // 250}.{1 + h % 250}/16")
        net.connect(f"h{h}.eth0", f"sw{s}")
    return net


def bench_topology(nodes: int, switches: int, runs: int) -> Dict[str, Any]:
    net = topology_network(nodes, switches)
    draw_t, fig = timed(runs, lambda: _drawn(draw.topology(net)))
    drawn = sum(len(c.get_offsets()) for c in fig.axes[0].collections if hasattr(c, "get_offsets") and
                not isinstance(c, LineCollection))
    if drawn != len(net.nodes):
        sys.exit(f"topology: {drawn} node markers for {len(net.nodes)} nodes")
    return {"picture": "topology", "size": len(net.nodes), **draw_t}


def bench_report(runs: int, directory: Path) -> Dict[str, Any]:
    rec = draw.record(scenario.load(REPO / "scenarios" / "public_private_vpc.yaml").build())
    rec.run()
    write_t, page = timed(runs, lambda: report.write(rec, directory / "report.html"))
    return {"picture": "report", "size": page.stat().st_size, **write_t}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=1_000)
    parser.add_argument("--switches", type=int, default=10)
    parser.add_argument("--labelled", type=int, default=300, help="frames of the labelled ladder (default 300)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        rows = [bench_ladder(args.frames, args.runs), bench_ladder(args.labelled, args.runs, labelled=True),
                bench_topology(args.nodes, args.switches, args.runs), bench_report(args.runs, Path(tmp))]
    for row in rows:
        if args.json:
            print(json.dumps(row))
        else:
            extra = f"  (frame_records {row['frames_s']:.2f}s)" if "frames_s" in row else ""
            print(f"{row['picture']:18} size {row['size']:>9,}  median {row['median_s']:.3f}s  "
                  f"min {row['min_s']:.3f}s  max {row['max_s']:.3f}s  cpu {row['cpu_s']:.3f}s{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
