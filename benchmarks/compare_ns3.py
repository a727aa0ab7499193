#!/usr/bin/env python3
"""vpcsim against ns-3 on the same forwarding work, side by side.

Builds vpcsim's bench_forwarding (CMake, Release) and the ns-3 twin benchmarks/ns3/bench_forwarding_ns3.cc
(benchmarks/ns3/build.sh, against Debian's libns3-dev 3.37), runs them in alternation on this machine,
one size per process, several runs each, and prints per N the medians (min-max) of each simulator and
the vpcsim/ns-3 ratios. Fails (exit 1) unless both deliver exactly N*M datagrams in every run.

    benchmarks/compare_ns3.py --hosts 10 --hosts 100 --hosts 1000 --raw cmp.jsonl
    benchmarks/compare_ns3.py --hosts 10000 --only ns3 --runs-large 1 --no-build

With --cli, vpcsim is the command line instead: the same workload is written as a scenario file
(benchmarks/forwarding_yaml.py) and `vpcsim run FILE --out DIR` is timed as a whole process (Python
start, imports, YAML, building, the run, results.json, trace.jsonl), against the whole ns-3 process:

    benchmarks/compare_ns3.py --cli --hosts 10 --hosts 100 --hosts 1000 --datagrams 200 --no-build

Plain python3, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import forwarding_yaml  # beside this file

REPO = Path(__file__).resolve().parent.parent
LARGE_N = 10_000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hosts", type=int, action="append", metavar="N",
                   help="hosts per LAN; repeat for several (default 10 100 1000 10000)")
    p.add_argument("--datagrams", type=int, default=100, metavar="M", help="datagrams per sending host (default 100)")
    p.add_argument("--runs", type=int, default=3, help="runs of each simulator per N (default 3)")
    p.add_argument("--runs-large", type=int, default=1, metavar="R",
                   help=f"runs per simulator at N >= {LARGE_N} (default 1)")
    p.add_argument("--seed", type=int, default=1, help="seed passed to both programs (default 1)")
    p.add_argument("--only", choices=("both", "vpcsim", "ns3"), default="both",
                   help="run one simulator only (no ratios); default both")
    p.add_argument("--build-dir", type=Path, default=REPO / "build-bench",
                   help="CMake build directory for vpcsim (default %(default)s)")
    p.add_argument("--ns3-build-dir", type=Path, default=REPO / "build-ns3",
                   help="output directory of benchmarks/ns3/build.sh (default %(default)s)")
    p.add_argument("--no-build", action="store_true", help="use the programs already built")
    p.add_argument("--jobs", type=int, default=2, help="parallel build jobs for vpcsim (default 2)")
    p.add_argument("--vpcsim-sink", choices=("responder", "counter"), default="responder",
                   help="bench_forwarding --sink (default responder, its own default)")
    p.add_argument("--ns3-pacing", choices=("bus", "wire"), default="bus",
                   help="bench_forwarding_ns3 --pacing (default bus; see benchmarks/README.md)")
    p.add_argument("--ns3-scheduler", default="priority",
                   help="bench_forwarding_ns3 --scheduler (default priority: the fastest of ns-3's stock schedulers here)")
    p.add_argument("--timeout", type=float, default=None, metavar="S", help="seconds allowed per run (default none)")
    p.add_argument("--raw", type=Path, metavar="FILE", help="append every run's JSON line (tagged) to FILE")
    cli = p.add_argument_group("command-line mode (--cli)")
    cli.add_argument("--cli", action="store_true",
                     help="time `vpcsim run` on the workload as a scenario file, whole process, against the whole "
                          "ns-3 process")
    cli.add_argument("--vpcsim-command", default=f"{sys.executable} -m vpcsim", metavar="CMD",
                     help="how to start vpcsim (default '%(default)s'), with this checkout's Python package and "
                          "the Release extension built in --build-dir first on PYTHONPATH")
    cli.add_argument("--run-args", default="", metavar="ARGS",
                     help="more arguments for `vpcsim run`, such as '--trace all' (default none)")
    cli.add_argument("--work-dir", type=Path, metavar="DIR",
                     help="where the scenario files and each run's --out go (default a temporary directory)")
    args = p.parse_args()
    args.hosts = args.hosts or [10, 100, 1000, 10000]
    for name in ("datagrams", "runs", "runs_large", "seed"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if any(n < 1 for n in args.hosts):
        p.error("--hosts must be at least 1")
    return args


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def build_vpcsim(build_dir: Path, jobs: int) -> Path:
    say(f"# building bench_forwarding (Release) in {build_dir}")
    subprocess.run(["cmake", "-S", str(REPO), "-B", str(build_dir), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                    "-DVPCSIM_BENCHMARKS=ON", "-DVPCSIM_TESTS=OFF", "-DVPCSIM_EXAMPLES=OFF"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build_dir), "-j", str(jobs), "--target", "bench_forwarding"], check=True,
                   stdout=subprocess.DEVNULL)
    return find_vpcsim(build_dir)


def find_vpcsim(build_dir: Path) -> Path:
    for candidate in (build_dir / "bench_forwarding", build_dir / "benchmarks" / "bench_forwarding",
                      build_dir / "benchmarks" / "cpp" / "bench_forwarding"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    sys.exit(f"compare_ns3: bench_forwarding not found in {build_dir} (build it, or drop --no-build)")


def build_ns3(out_dir: Path) -> Path:
    say(f"# building bench_forwarding_ns3 in {out_dir}")
    result = subprocess.run([str(REPO / "benchmarks" / "ns3" / "build.sh"), str(out_dir)], text=True,
                            capture_output=True, check=False)
    if result.returncode != 0:
        sys.exit(f"compare_ns3: building the ns-3 program failed:\n{result.stderr}")
    return find_ns3(out_dir)


def find_ns3(out_dir: Path) -> Path:
    program = out_dir / "bench_forwarding_ns3"
    if not (program.is_file() and os.access(program, os.X_OK)):
        sys.exit(f"compare_ns3: {program} not found (run benchmarks/ns3/build.sh, or drop --no-build)")
    return program


# Linux keeps a process's peak RSS (ru_maxrss) across exec, and a child forked from this Python starts
# with Python's RSS as its peak (~15 MiB). So each program is started by a small shell that forks it
# ('; exit' stops the shell from exec'ing it in place): its peak then starts from the shell's ~1 MiB.
SPAWN = ["/bin/sh", "-c", '"$0" "$@"; exit $?']


def spawn(simulator: str, command: list[str], timeout: float | None, env: dict[str, str] | None = None) -> dict:
    """Runs one program to its end; its output, and the whole process's wall time."""
    load_before = os.getloadavg()[0]
    cpu_before = children_cpu_s()
    started = time.monotonic()
    # Its own process group, so that a timeout ends the program and not only the shell.
    process = subprocess.Popen([*SPAWN, *command], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, env=env)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        sys.exit(f"compare_ns3: {simulator} timed out after {timeout} s: {' '.join(command)}")
    wall = time.monotonic() - started
    cpu = children_cpu_s() - cpu_before  # reaped by communicate(): this program (and its ~1 ms shell)
    if process.returncode != 0:
        sys.exit(f"compare_ns3: {simulator} failed (exit {process.returncode}): {' '.join(command)}\n"
                 f"{stdout}{stderr}")
    return {"stdout": stdout, "simulator": simulator, "command": " ".join(command), "process_wall_s": round(wall, 3),
            "process_cpu_s": round(cpu, 3), "loadavg_1min_before": load_before,
            "loadavg_1min_after": os.getloadavg()[0]}


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(simulator: str, command: list[str], timeout: float | None) -> dict:
    """A benchmark program that prints one JSON line: that line, tagged."""
    spawned = spawn(simulator, command, timeout)
    stdout = spawned.pop("stdout")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if len(lines) != 1:
        sys.exit(f"compare_ns3: {simulator} printed {len(lines)} JSON lines, expected 1:\n{stdout}")
    row = json.loads(lines[0])
    row.update(spawned)
    per_second(row)
    return row


def run_cli(command: list[str], run_args: list[str], scenario: Path, out_dir: Path, timeout: float | None,
            env: dict[str, str]) -> dict:
    """`vpcsim run SCENARIO --out OUT_DIR RUN_ARGS` as a process: its wall time, and what results.json says."""
    spawned = spawn("vpcsim", [*command, "run", str(scenario), "--out", str(out_dir), *run_args], timeout, env)
    stdout = spawned.pop("stdout")
    results_path = out_dir / "results.json"
    results = json.loads(results_path.read_text())
    simulated = re.search(r"simulated in ([0-9.]+)s", stdout)
    trace_path = next((p for p in sorted(out_dir.glob("trace.*")) if p.is_file()), None)
    row = {
        "delivered": forwarding_yaml.delivered(results),
        "simulation_s": float(simulated.group(1)) if simulated else 0.0,  # the run's own figure: the event loop
        "results_kib": results_path.stat().st_size / 1024,
        "trace_file": trace_path.name if trace_path else None,
        "trace_mib": trace_path.stat().st_size / 2**20 if trace_path else 0.0,
        **spawned,
    }
    per_second(row)
    return row


def build_core(build_dir: Path, jobs: int) -> Path:
    """The Python extension in Release, as `pip install .` builds it (pyproject: cmake.build-type)."""
    say(f"# building the Python extension _core (Release) in {build_dir}")
    subprocess.run(["cmake", "-S", str(REPO), "-B", str(build_dir), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                    "-DVPCSIM_PYTHON=ON", "-DVPCSIM_BENCHMARKS=OFF", "-DVPCSIM_TESTS=OFF", "-DVPCSIM_EXAMPLES=OFF",
                    f"-Dpybind11_DIR={pybind11_cmake_dir()}"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build_dir), "-j", str(jobs), "--target", "_core"], check=True,
                   stdout=subprocess.DEVNULL)
    return find_core(build_dir)


def pybind11_cmake_dir() -> str:
    return subprocess.run([sys.executable, "-m", "pybind11", "--cmakedir"], check=True, capture_output=True,
                          text=True).stdout.strip()


def find_core(build_dir: Path) -> Path:
    found = sorted(build_dir.glob("_core*.so"))
    if not found:
        sys.exit(f"compare_ns3: no _core*.so in {build_dir} (build it, or drop --no-build)")
    return found[0]


def stage_package(core: Path, stage: Path) -> Path:
    """STAGE/vpcsim: this checkout's Python files (symlinked) with the Release extension `core`, so
    that the vpcsim timed is the one beside this script, built as users get it. Python writes the
    bytecode cache under STAGE, as an installed package has it."""
    package = stage / "vpcsim"
    source = REPO / "bindings" / "vpcsim"
    package.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name.startswith("_core") and entry.suffix == ".so" or entry.name == "__pycache__":
            continue
        link = package / entry.name
        if not link.is_symlink():
            link.symlink_to(entry.resolve())
    link = package / core.name
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(core.resolve())
    return stage


def per_second(row: dict) -> None:
    """Datagrams per second of the whole process: wall time, and CPU time (steadier on a busy machine)."""
    row["process_delivered_per_s"] = row["delivered"] / max(row["process_wall_s"], 1e-9)
    row["process_delivered_per_cpu_s"] = row["delivered"] / max(row["process_cpu_s"], 1e-9)


def cli_environment(stage: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(stage), env.get("PYTHONPATH")) if p)
    # An installed package has its bytecode compiled; some environments forbid writing it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def fmt(value: float) -> str:
    """Three significant figures, thousands separated."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def spread(values: list[float]) -> str:
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}-{fmt(max(values))})"


# (field, label, ratio label or None): the ratio is vpcsim / ns-3 of the medians.
METRICS = [
    ("run_s", "run: simulation loop (wall s)", "ns-3/vpcsim time"),
    ("delivered_per_s", "datagrams delivered per wall s", "vpcsim/ns-3 throughput"),
    ("ns_per_hop", "wall ns per link hop", None),
    ("steady_ns_per_hop", "wall ns per hop, steady state", None),
    ("cpu_ns_per_hop", "CPU ns per hop", "ns-3/vpcsim CPU per hop"),
    ("events", "events handled", None),
    ("peak_rss_mib", "peak RSS (MiB)", "vpcsim/ns-3 memory"),
    ("bytes_per_host", "memory per host (B, build RSS / 2N)", "vpcsim/ns-3 per host"),
    ("build_s", "build (wall s)", "ns-3/vpcsim build time"),
]
# --cli: whole processes. ns-3's loop is its run_s, vpcsim's the run's own "simulated in" figure.
CLI_METRICS = [
    ("process_wall_s", "whole process (wall s)", "ns-3/vpcsim time"),
    ("process_delivered_per_s", "datagrams per wall s, whole process", "vpcsim/ns-3 throughput"),
    ("process_cpu_s", "whole process (CPU s, user + system)", "ns-3/vpcsim CPU"),
    ("process_delivered_per_cpu_s", "datagrams per CPU s, whole process", "vpcsim/ns-3 per CPU s"),
    ("simulation_s", "of which the simulation loop (wall s)", None),
    ("trace_mib", "trace file written (MiB)", None),
    ("results_kib", "results.json written (KiB)", None),
]
INVERTED = {"run_s", "cpu_ns_per_hop", "build_s", "process_wall_s", "process_cpu_s"}  # ratios printed as ns-3 / vpcsim (how many times faster)


def report(hosts: int, rows: dict[str, list[dict]], metrics: list[tuple[str, str, str | None]]) -> None:
    sims = [s for s in ("vpcsim", "ns3") if rows.get(s)]
    delivered = {s: rows[s][0]["delivered"] for s in sims}
    print(f"\nN = {hosts:,} hosts per LAN, {delivered[sims[0]]:,} datagrams delivered "
          f"(runs: {', '.join(f'{s} {len(rows[s])}' for s in sims)})")
    header = f"  {'':38s}" + "".join(f"{s:>32s}" for s in sims) + ("   ratio" if len(sims) == 2 else "")
    print(header)
    for field, label, ratio_label in metrics:
        if not any(field in r for s in sims for r in rows[s]):
            continue
        values = {s: [float(r.get(field, 0) or 0) for r in rows[s]] for s in sims}
        line = f"  {label:38s}" + "".join(
            f"{spread(values[s]) if any(field in r for r in rows[s]) else '-':>32s}" for s in sims)
        if len(sims) == 2 and ratio_label:
            v, n = statistics.median(values["vpcsim"]), statistics.median(values["ns3"])
            num, den = (n, v) if field in INVERTED else (v, n)
            if den > 0:
                line += f"   {num / den:.3g}x ({ratio_label})"
        print(line)
    if "ns3" in rows:
        extra = rows["ns3"][0]
        print(f"  ns-3: pacing {extra.get('pacing')}, scheduler {extra.get('scheduler')}, "
              f"CSMA backoffs {spread([float(r.get('csma_backoffs', 0)) for r in rows['ns3']])}, "
              f"init (in build) {spread([float(r.get('init_s', 0)) for r in rows['ns3']])} s")
    sys.stdout.flush()


def main() -> int:
    args = parse_args()
    want = ("vpcsim", "ns3") if args.only == "both" else (args.only,)
    programs: dict[str, Path] = {}
    if "vpcsim" in want and not args.cli:
        programs["vpcsim"] = find_vpcsim(args.build_dir) if args.no_build else build_vpcsim(args.build_dir, args.jobs)
    if "vpcsim" in want and args.cli:
        programs["vpcsim"] = find_core(args.build_dir) if args.no_build else build_core(args.build_dir, args.jobs)
    if "ns3" in want:
        programs["ns3"] = find_ns3(args.ns3_build_dir) if args.no_build else build_ns3(args.ns3_build_dir)
    vpcsim_cli = shlex.split(args.vpcsim_command)
    work = None
    env = dict(os.environ)
    if args.cli:
        work = args.work_dir or Path(tempfile.mkdtemp(prefix="compare_ns3_cli_"))
        work.mkdir(parents=True, exist_ok=True)
        if "vpcsim" in programs:
            env = cli_environment(stage_package(programs["vpcsim"], work / "package"))

    raw = args.raw.open("a") if args.raw else None
    print(f"# compare_ns3{' --cli' if args.cli else ''}: M = {args.datagrams} datagrams per host, seed {args.seed}, "
          f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}")
    for name, path in programs.items():
        print(f"#   {name}: {path}")
    if args.cli and "vpcsim" in want:
        print(f"#   vpcsim command: {args.vpcsim_command} run FILE --out DIR {args.run_args}".rstrip()
              + f"  (PYTHONPATH={env.get('PYTHONPATH', '')})")
    failed = False
    for hosts in args.hosts:
        runs = args.runs_large if hosts >= LARGE_N else args.runs
        common = ["--hosts", str(hosts), "--datagrams", str(args.datagrams), "--seed", str(args.seed), "--json"]
        commands = {
            "vpcsim": [str(programs.get("vpcsim", "")), *common, "--sink", args.vpcsim_sink],
            "ns3": [str(programs.get("ns3", "")), *common, "--pacing", args.ns3_pacing,
                    "--scheduler", args.ns3_scheduler],
        }
        scenario = None
        if work is not None and "vpcsim" in want:
            scenario = work / f"forwarding_{hosts}x{args.datagrams}.yaml"
            scenario.write_text(forwarding_yaml.scenario(hosts, args.datagrams, args.seed))
        rows: dict[str, list[dict]] = {s: [] for s in want}
        for run in range(runs):
            for simulator in want:  # alternation: vpcsim, ns-3, vpcsim, ns-3, ...
                say(f"# N={hosts} run {run + 1}/{runs}: {simulator}")
                if scenario is not None and simulator == "vpcsim":
                    assert work is not None
                    row = run_cli(vpcsim_cli, shlex.split(args.run_args), scenario, work / f"out_{hosts}", args.timeout, env)
                else:
                    row = run_one(simulator, commands[simulator], args.timeout)
                    if args.cli:
                        row["simulation_s"] = row["run_s"]
                row["run_index"] = run
                row["mode"] = "cli" if args.cli else "programs"
                rows[simulator].append(row)
                if raw:
                    raw.write(json.dumps(row) + "\n")
                    raw.flush()
        expected = hosts * args.datagrams
        for simulator in want:
            for row in rows[simulator]:
                if row["delivered"] != expected:
                    say(f"compare_ns3: FAILED: {simulator} delivered {row['delivered']} at N={hosts}, "
                        f"expected {expected}")
                    failed = True
        if len({row["delivered"] for s in want for row in rows[s]}) > 1:
            say(f"compare_ns3: FAILED: the simulators delivered different counts at N={hosts}")
            failed = True
        report(hosts, rows, CLI_METRICS if args.cli else METRICS)
    print(f"\n# load average at end {os.getloadavg()[0]:.2f}")
    if raw:
        raw.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
