"""The layer table holds: every #include in libnet/<layer>/ names its own layer or one the layer uses.

CMakeLists.txt's VPCSIM_LAYER_TABLE says which layers each layer uses directly ("stack: link"), and
links each layer's library only against those, so a call into any other layer fails to link. Code
that lives in headers (views, templates, inline functions) never reaches the linker, so this test
reads the includes themselves: an include of a layer that is not in the layer's transitive uses
(one pointing up the table, or sideways as cloud -> io) fails, naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_ENTRY = re.compile(r'^\s*"([a-z_]+):([a-z_ ]*)"\s*$')
_INCLUDE = re.compile(r'^\s*#\s*include\s+"libnet/([a-z_]+)/')


def layer_table(cmake: str) -> dict[str, list[str]]:
    """VPCSIM_LAYER_TABLE from CMakeLists.txt: layer -> the layers it uses directly, in order."""
    start = cmake.index("set(VPCSIM_LAYER_TABLE")
    body = cmake[start:cmake.index(")", start)].splitlines()[1:]
    table: dict[str, list[str]] = {}
    for line in body:
        match = _ENTRY.match(line)
        assert match, f"CMakeLists.txt: cannot read layer table entry {line!r}"
        layer, uses = match.group(1), match.group(2).split()
        for used in uses:
            assert used in table, f"CMakeLists.txt: layer {layer} uses {used}, which is not listed before it"
        table[layer] = uses
    return table


def reachable(table: dict[str, list[str]]) -> dict[str, set[str]]:
    """Each layer with every layer it may include: itself and its uses, transitively."""
    out: dict[str, set[str]] = {}
    for layer, uses in table.items():  # in table order: uses come first
        allowed = {layer}
        for used in uses:
            allowed |= out[used]
        out[layer] = allowed
    return out


def violations(root: Path, table: dict[str, list[str]]) -> list[str]:
    allowed = reachable(table)
    found = []
    for layer_dir in sorted((root / "libnet").iterdir()):
        if not layer_dir.is_dir():
            continue
        layer = layer_dir.name
        if layer not in allowed:
            found.append(f"libnet/{layer}/ is not in CMakeLists.txt's VPCSIM_LAYER_TABLE")
            continue
        for path in sorted(layer_dir.glob("*")):
            if path.suffix not in (".h", ".cpp"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                match = _INCLUDE.match(line)
                if match and match.group(1) not in allowed[layer]:
                    found.append(f"{path.relative_to(root)}:{number}: {layer} includes libnet/{match.group(1)}/, "
                                 f"which {layer} does not use (it uses: {', '.join(sorted(allowed[layer] - {layer})) or 'nothing'})")
    return found


def test_every_include_follows_the_layer_table() -> None:
    table = layer_table((REPO / "CMakeLists.txt").read_text())
    assert violations(REPO, table) == []


def test_an_upward_or_sideways_include_is_caught(tmp_path: Path) -> None:
    table = {"core": [], "wire": ["core"], "link": ["wire"], "io": ["link"], "cloud": ["link"]}
    for layer in table:
        (tmp_path / "libnet" / layer).mkdir(parents=True)
    (tmp_path / "libnet" / "wire" / "view.h").write_text('#include "libnet/core/time.h"\n#include "libnet/link/link.h"\n')
    (tmp_path / "libnet" / "cloud" / "x.cpp").write_text('#include "libnet/wire/view.h"\n#include "libnet/io/craft.h"\n')
    assert violations(tmp_path, table) == [
        "libnet/cloud/x.cpp:2: cloud includes libnet/io/, which cloud does not use (it uses: core, link, wire)",
        "libnet/wire/view.h:2: wire includes libnet/link/, which wire does not use (it uses: core)",
    ]


def test_the_table_is_read_as_cmake_uses_it() -> None:
    table = layer_table((REPO / "CMakeLists.txt").read_text())
    assert list(table)[:2] == ["core", "wire"]
    # cloud uses io for one thing: the VPC Flow Logs record format its flow-log writer prints.
    assert table["cloud"] == ["node", "io"] and "replay" not in reachable(table)["cloud"]
