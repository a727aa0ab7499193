"""The fast YAML path (_core.read_yaml: libyaml's events read straight into _Map/_Seq in C++) must
build exactly what the full PyYAML loader builds, line numbers included, or hand the text to the full
loader (_Fallback), whose result or error message then stands."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, List, Optional

import pytest

from vpcsim import scenario as sc
from vpcsim.scenario import yaml_fast

ROOT = Path(__file__).resolve().parents[2]


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
    "numbers": "a: [0, -0, +0, 007, -12, 123456789012345678901234567890, 1., -1., +.5, 1.5e+3, 1E-2, 2e5, -3e0]\n"
    "b: [1e, .e1, ., -, +, -., 1.2.3, 1e5.0, 0x1F, 0o7, 1_0, 12:30, +-1, 1e+, '1', \"2\"]\n",
    "words": "a: [TRUE, tRUE, True, FaLse, nULL, Null, NULL, ~, '~', null, \"null\", yes, No, off, y, n]\n"
    "b: [<, <<<, '<<', .inf, -.inf, .nan, .NaN, 2001-12-14t21:59:43.10-05:00]\n",
    "null_and_bool_keys": "~: a\nfalse: b\n3: c\n'3': d\n",
    "multi_line": "a: first\n  second\n\n  third\nb: 'one\n  two'\nc: \"x\\\n  y\"\nd: |+\n  kept\n\ne: >-\n  folded\n  text\n"
    "f: |2\n    indented\ng: 1\n\n  2\n",
    "flow": "a: {b: [1, {c: d}], e: [], f: {}}\ng: [[], [[]], {h: }]\ni: {? j}\nk: [l: m]\n",
    "quoted_keys": "'a b': 1\n\"c:d\": 2\n\"\": 3\n'1': 4\n? e\n: 5\n",
    "empty_values": "a:\nb: ''\nc: \"\"\nd: [a, '', b]\ne: {f: }\n",
    "empty_document": "",
    "only_comments": "# nothing here\n# at all\n",
    "explicit_empty_document": "---\n...\n",
    "bare_scalar": "hello\n",
    "unicode_text": "\ufeffname: \"caf\u00e9 \U0001F600\"\nnœud: 日本語\n'ключ': значение\n",
    "anchor_without_alias": "a: &x 1\nb: &y {c: d}\n",
    "directives": "%YAML 1.1\n---\na: 1\n",
    "nesting": "a:\n  b:\n    c:\n      - - - d\n        - e\n      - f: g\n        h:\n          i: j\n",
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
    "1.0 is 1 as a key": "1: a\n1.0: c\n",
    "two nulls as keys": "~: a\nnull: b\n",
    "merge key alone": "a: {<<: {b: 1}}\n",
    "alias alone": "a: *x\n",
    "non-specific tag": "a: ! b\n",
    "local tag on a mapping": "a: !thing {b: c}\n",
    "unclosed quote": "a: 'b\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "control character": "a: b\x01\n",
    "lone surrogate": "a: \ud800\n",
    "too many digits for int()": "a: " + "9" * 5000 + "\n",
    "flow key that is a list": "{[a]: b}\n",
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


@pytest.mark.parametrize("name", sorted(HANDED_TO_FULL_LOADER))
def test_texts_handed_to_the_full_loader_give_its_result_or_its_message(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = HANDED_TO_FULL_LOADER[name]

    def outcome() -> Any:
        try:
            return sc._parse_yaml(text, "f.yaml")
        except sc.ScenarioError as error:
            return str(error)
        except Exception as error:  # as raised: int() refusing 5000 digits, the reader's ReaderError
            return repr(error)

    through_fast_path = outcome()

    def refuse(_text: str) -> Any:
        raise sc._Fallback()

    monkeypatch.setattr(yaml_fast, "_parse_yaml_fast", refuse)  # where _parse_yaml looks it up
    only_full_loader = outcome()
    if isinstance(only_full_loader, str):
        assert through_fast_path == only_full_loader
    else:
        assert difference(only_full_loader, through_fast_path) is None


def test_a_large_scenario_is_read_by_the_fast_path_as_the_full_loader_reads_it() -> None:
    lines = ["name: large", "nodes:", "  sw: {kind: switch}"]
    links = ["links:"]
    for i in range(2000):
        lines.append(f"  h{i}: {{kind: host, interfaces: {{eth0: {{ip: 10.0.{i >> 8}.{i & 255}/16}}}}, gateway: 10.0.255.254}}")
        links.append(f"  - [h{i}.eth0, sw]")
    text = "\n".join(lines + links) + "\n"
    fast = sc._parse_yaml_fast(text)
    assert len(fast["nodes"]) == 2001 and fast["links"].item_lines[-1] == 4004
    assert difference(full_loader(text), fast) is None


# Random documents from scalars that sit on the resolvers' edges, in block and flow styles, with
# comments and blank lines: wherever the fast path does not fall back, it must agree.
_TRICKY = [
    "0", "-0", "+7", "007", "1.5", "1.", ".5", "-.5e3", "1e3", "1e", ".", "-", "+", "e3", "1_0", "0x1F", "12:30",
    "true", "True", "TRUE", "tRue", "false", "FALSE", "yes", "no", "on", "off", "null", "Null", "NULL", "nULL", "~",
    "<", "<<<", ".inf", ".NaN", "2001-12-14", "10.0.0.1/24", "12:34:56:00:00:01", "h1.eth0", "a b", "x-y_z",
    "'quoted'", "'it''s'", '"dq \\u00e9"', "'true'", '"5"', "'~'", "é", "日本", "''", '""',
]


def _random_value(rng: random.Random, depth: int, indent: int) -> List[str]:
    """Lines of a block value (the first line continues its key's or dash's line)."""
    choice = rng.random()
    if depth > 3 or choice < 0.45:
        return [" " + rng.choice(_TRICKY)]
    if choice < 0.6:
        items = ", ".join(rng.choice(_TRICKY) for _ in range(rng.randint(0, 4)))
        return [f" [{items}]" if rng.random() < 0.5 else " {" + ", ".join(f"k{i}: {v}" for i, v in enumerate(items.split(", ")) if v) + "}"]
    pad = " " * (indent + 2)
    out = [""]
    if choice < 0.8:
        for i in range(rng.randint(1, 4)):
            key = rng.choice(["k", "'q k'", "n1", "7", "x"]) + str(i)
            sub = _random_value(rng, depth + 1, indent + 2)
            out.append(f"{pad}{key}:{sub[0]}")
            out.extend(sub[1:])
            if rng.random() < 0.2:
                out.append("" if rng.random() < 0.5 else f"{pad}# comment")
    else:
        for _ in range(rng.randint(1, 4)):
            sub = _random_value(rng, depth + 1, indent + 2)
            out.append(f"{pad}-{sub[0]}")
            out.extend(sub[1:])
    return out


@pytest.mark.parametrize("seed", range(40))
def test_fast_path_agrees_on_random_documents(seed: int) -> None:
    rng = random.Random(seed)
    checked = 0
    for _ in range(10):
        value = _random_value(rng, 0, -2)
        text = "root:" + value[0] + "\n" + "".join(line + "\n" for line in value[1:])
        try:
            fast = sc._parse_yaml_fast(text)
        except sc._Fallback:
            continue
        assert difference(full_loader(text), fast) is None, text
        checked += 1
    assert checked > 0


def test_bytes_are_read_by_the_full_loader() -> None:
    with pytest.raises(sc._Fallback):
        sc._parse_yaml_fast(b"a: 1\n")  # type: ignore[arg-type]
    assert sc._parse_yaml(b"a: [1, x]\n", "f.yaml") == {"a": [1, "x"]}  # type: ignore[arg-type]
