"""The fast YAML path (libyaml events read straight into _Map/_Seq) must build exactly what the full
PyYAML loader builds, line numbers included, or hand the text to the full loader (_Fallback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest

from vpcsim import scenario as sc

ROOT = Path(__file__).resolve().parents[2]

if sc._CParser is None:  # PyYAML without libyaml: only the full loader exists
    pytest.skip("PyYAML was built without libyaml", allow_module_level=True)


def full_loader(text: str) -> Any:
    loader = sc._Loader(text, "f.yaml")
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def difference(a: Any, b: Any, path: str = "$") -> Optional[str]:
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} vs {list(b)}"
        if (a.line, a.key_lines, a.value_lines) != (b.line, b.key_lines, b.value_lines):
            return f"{path}: lines differ"
        return next((d for k in a if (d := difference(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, list):
        if len(a) != len(b) or (a.line, a.item_lines) != (b.line, b.item_lines):
            return f"{path}: list shape or lines differ"
        return next((d for i, (x, y) in enumerate(zip(a, b)) if (d := difference(x, y, f"{path}[{i}]"))), None)
    return None if a == b else f"{path}: {a!r} vs {b!r}"


SAME_AS_FULL_LOADER = {
    "scalars": "a: 010\nb: 1:30\nc: 12:34:56:00:00:01\nd: on\ne: yes\nf: True\ng: FALSE\nh: ~\ni: null\nj:\n"
    "k: 1.5\nl: .5\nm: 1e3\nn: -7\no: +3\np: '5'\nq: \"true\"\nr: 0x10\ns: 1_000\nt: .inf\nu: 2001-12-14\n",
    "blocks": "name: x\nnodes:\n  h1:\n    kind: host\n    interfaces:\n      eth0:\n        ip: 10.0.0.1/24\n\n"
    "    routes:\n      - to: default\n        via: 1.2.3.4\n      -\n        to: x\nlist:\n- a\n-   - b\n    - c\n"
    "- {x: [1, 2, {y: z}]}\nmulti: |\n  line1\n  line2\nfolded: >\n  a\n  b\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
    "comments": "# c\n---\na: b # c\n...\n",
    "unicode": "naïve: \"é\\u00e9\"\n'q k': v\n",
    "int_keys": "1: a\n2.5: b\nname: c\n",
    "list_root": "- a\n- b\n",
}

# Texts the fast path must refuse, so that the full loader decides (and reports errors its way).
HANDED_TO_FULL_LOADER = {
    "anchors": "d: &x {a: 1}\ne: *x\n",
    "merge": "d: &x {a: 1}\ne: {<<: *x, b: 2}\n",
    "duplicate key": "a: 1\na: 2\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "tag": "a: !!str 5\n",
    "complex key": "? [a]\n: b\n",
    "syntax error": "a: {b: c: d}\n",
    "tab": "a:\tb\n",
    "true is 1 as a key": "1: a\ntrue: c\n",  # equal Python keys: a duplicate the full loader reports
}


@pytest.mark.parametrize("name", sorted(SAME_AS_FULL_LOADER))
def test_fast_path_builds_what_the_full_loader_builds(name: str) -> None:
    text = SAME_AS_FULL_LOADER[name]
    assert difference(full_loader(text), sc._parse_yaml_fast(text)) is None


@pytest.mark.parametrize(
    "path", sorted(p for p in ROOT.glob("**/*.yaml") if "build" not in p.parts and ".git" not in p.parts), ids=str
)
def test_fast_path_agrees_on_every_yaml_file_in_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        fast = sc._parse_yaml_fast(text)
    except sc._Fallback:
        return  # the full loader reads it
    assert difference(full_loader(text), fast) is None


@pytest.mark.parametrize("name", sorted(HANDED_TO_FULL_LOADER))
def test_fast_path_hands_special_cases_to_the_full_loader(name: str) -> None:
    with pytest.raises(sc._Fallback):
        sc._parse_yaml_fast(HANDED_TO_FULL_LOADER[name])
