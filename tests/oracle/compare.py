"""Compare two sets of per-link captures of one oracle topology.

    python3 tests/oracle/compare.py TOPOLOGY DIR_A DIR_B [--links h1-eth0,r1-eth0]

Each directory holds, for every captured link of the topology (topologies.py), either
<node>-<iface>.pcap (normalized with normalize.py) or <node>-<iface>.txt (already normalized lines,
as in tests/oracle/expected/<topology>/); a .pcap wins when both exist.  For a NAT topology the pcaps
of one directory are normalized together, in the topology's `captured` order, with one set of flow
labels (normalize.py, NAT mode).  Prints, per link, either
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


def fields_for(topo: topologies.Topology):
    """A fresh normalizer view for one directory of `topo`: flow labels for NAT topologies."""
    return normalize.FlowLabels(topo.literal_ports()) if topo.nat else normalize.CLASSIC


def load_dir(directory: Path, topo: topologies.Topology, warn=normalize._stderr_warn
             ) -> dict[str, list[str] | None]:
    """Normalized lines of every captured link of `topo` in `directory` (None where absent).

    Links are read in `captured` order through one `fields_for(topo)`, so NAT labels are shared."""
    fields = fields_for(topo)
    return {link: load_link(directory, link, warn, fields) for link in topo.captured}


def load_link(directory: Path, link: str, warn=normalize._stderr_warn,
              fields=normalize.CLASSIC) -> list[str] | None:
    """Normalized lines of `link` from `directory` (.pcap preferred, else .txt); None if absent."""
    directory = Path(directory)
    pcap = directory / f"{link}.pcap"
    if pcap.exists():
        return normalize.normalize_pcap(str(pcap), warn=warn, fields=fields)
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
    return _link_result(link, a, b, dir_a, dir_b, label_a, label_b, warnings)


def _link_result(link: str, a: list[str] | None, b: list[str] | None, dir_a: Path, dir_b: Path,
                 label_a: str, label_b: str, warnings: list[str]) -> LinkResult:
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
    warnings: list[str] = []
    try:
        side_a = load_dir(Path(dir_a), topo, warn=warnings.append)
        side_b = load_dir(Path(dir_b), topo, warn=warnings.append)
    except (OSError, normalize.PcapError) as e:
        side_a = side_b = None
        error = str(e)
    results = []
    for link in (links or topo.captured):
        if side_a is None or side_b is None:
            results.append(LinkResult(link, False, f"cannot read: {error}"))
            continue
        mine = [w for w in warnings if f"{link}.pcap" in w]
        a, b = side_a[link], side_b[link]
        if topo.compare_kinds:
            a, b = (None if lines is None else [l for l in lines if l.split(" ", 1)[0] in topo.compare_kinds]
                    for lines in (a, b))
        results.append(_link_result(link, a, b, Path(dir_a), Path(dir_b), label_a, label_b, mine))
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
