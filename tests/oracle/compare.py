"""Compare two sets of per-link captures of one oracle topology.

    python3 tests/oracle/compare.py TOPOLOGY DIR_A DIR_B [--links h1-eth0,r1-eth0]

Each directory holds, for every captured link of the topology (topologies.py), either
<node>-<iface>.pcap (normalized with normalize.py) or <node>-<iface>.txt (already normalized lines,
as in tests/oracle/expected/<topology>/); a .pcap wins when both exist.  Prints, per link, either
`same` or a unified diff of the normalized lines (A is `-`, B is `+`).  Exit status: 0 when every
link matches, 1 on any difference or missing link, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import normalize  # noqa: E402
import topologies  # noqa: E402


@dataclass
class LinkResult:
    link: str
    same: bool
    report: str  # human-readable: "same (N frames)", a diff, or why it could not be compared


def load_link(directory: Path, link: str, warn=normalize._stderr_warn) -> list[str] | None:
    """Normalized lines of `link` from `directory` (.pcap preferred, else .txt); None if absent."""
    directory = Path(directory)
    pcap = directory / f"{link}.pcap"
    if pcap.exists():
        return normalize.normalize_pcap(str(pcap), warn=warn)
    txt = directory / f"{link}.txt"
    if txt.exists():
        return [line.rstrip("\n") for line in txt.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    return None


def diff_lines(a: list[str], b: list[str], label_a: str, label_b: str) -> str:
    return "\n".join(difflib.unified_diff(a, b, fromfile=label_a, tofile=label_b, lineterm="", n=2))


def compare_link(dir_a: Path, dir_b: Path, link: str, label_a: str = "A",
                 label_b: str = "B") -> LinkResult:
    warnings: list[str] = []
    try:
        a = load_link(dir_a, link, warn=warnings.append)
        b = load_link(dir_b, link, warn=warnings.append)
    except (OSError, normalize.PcapError) as e:
        return LinkResult(link, False, f"cannot read: {e}")
    note = "".join(f"\n  warning: {w}" for w in warnings)
    missing = [f"{label} ({d})" for label, d, lines in ((label_a, dir_a, a), (label_b, dir_b, b))
               if lines is None]
    if missing:
        return LinkResult(link, False,
                          f"missing {link}.pcap/.txt in {' and '.join(missing)}{note}")
    assert a is not None and b is not None
    if a == b:
        return LinkResult(link, True, f"same ({len(a)} frames){note}")
    diff = diff_lines(a, b, f"{label_a}/{link}", f"{label_b}/{link}")
    return LinkResult(link, False, f"DIFFERENT ({len(a)} vs {len(b)} frames){note}\n{diff}")


def compare_dirs(topology: str, dir_a: Path, dir_b: Path, label_a: str = "A", label_b: str = "B",
                 links: list[str] | None = None, out: TextIO | None | str = "stdout"
                 ) -> list[LinkResult]:
    """Compares every captured link of `topology`; prints a report to `out` (stdout by default,
    nothing when None)."""
    if out == "stdout":
        out = sys.stdout
    topo = topologies.get(topology)
    results = [compare_link(Path(dir_a), Path(dir_b), link, label_a, label_b)
               for link in (links or topo.captured)]
    if out is not None:
        for r in results:
            print(f"{topology} {r.link}: {r.report}", file=out)
        bad = [r.link for r in results if not r.same]
        print(f"{topology}: {len(results) - len(bad)} of {len(results)} links match"
              + (f"; different: {', '.join(bad)}" if bad else ""), file=out)
    return results


def all_same(results: list[LinkResult]) -> bool:
    return all(r.same for r in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topology", choices=sorted(topologies.TOPOLOGIES))
    parser.add_argument("dir_a", type=Path)
    parser.add_argument("dir_b", type=Path)
    parser.add_argument("--links", help="comma-separated subset of the captured links")
    parser.add_argument("--labels", default="A,B", help="names for the two sides (default A,B)")
    args = parser.parse_args(argv)
    for d in (args.dir_a, args.dir_b):
        if not d.is_dir():
            parser.error(f"not a directory: {d}")
    labels = args.labels.split(",")
    if len(labels) != 2:
        parser.error("--labels takes two names")
    links = args.links.split(",") if args.links else None
    if links:
        unknown = set(links) - set(topologies.get(args.topology).captured)
        if unknown:
            parser.error(f"not captured in {args.topology}: {', '.join(sorted(unknown))}")
    results = compare_dirs(args.topology, args.dir_a, args.dir_b, labels[0], labels[1], links)
    return 0 if all_same(results) else 1


if __name__ == "__main__":
    sys.exit(main())
