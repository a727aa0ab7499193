"""The fast path: libyaml, in the extension, straight into _Map / _Seq; the full loader for the rest."""

from __future__ import annotations

import re
from typing import Any

from vpcsim import _core
from vpcsim.scenario.errors import ScenarioError
from vpcsim.scenario.yaml_lines import _Map, _Seq


# The full loader (yaml_full) is PyYAML's pure-Python scanner and parser: about 1.5 ms per host of a large
# scenario (30 s for 20,000 hosts). The fast path, _core.read_yaml (bindings/bind_yaml.cpp), reads
# the same text with libyaml and builds the same _Map / _Seq objects with the same lines, resolving
# plain scalars as _Resolver does, without a Python object per event. It covers what scenario files
# use: mappings, sequences and scalars, plain or quoted, with no anchors' aliases, tags, merge keys,
# keys that are collections or tab characters. Anything else, and every error (YAML syntax, a second
# document, a duplicate key), is handed to the full loader, so that the result and every message
# stay exactly what it gives.


class _Fallback(Exception):
    """The fast path does not handle this text: use the full loader."""


# Deeper nesting is refused before either reader builds it (issue 20: 100,000 levels took 30-60 s,
# both readers being quadratic in the depth of flow collections, then ended in RecursionError). A
# scenario file needs about eight.
MAX_DEPTH = 64


def _flow_depth(text: str) -> "tuple[int, int]":
    """The deepest nesting of flow brackets in `text` and the line where it is reached, counting
    brackets inside quotes too (an over-estimate that only a file with 64 unclosed brackets in
    strings would notice). Linear: only the brackets and newlines are looked at."""
    depth = deepest = 0
    line = deepest_line = 1
    for match in _BRACKETS.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        else:
            depth -= 1
    return deepest, deepest_line


_BRACKETS = re.compile(r"[\[\]{}\n]")


def _parse_yaml_fast(text: str) -> Any:
    """The document as _Loader would build it, or _Fallback."""
    if not isinstance(text, str):
        raise _Fallback()  # bytes: the full loader decodes them as PyYAML does
    try:
        return _core.read_yaml(text, _Map, _Seq)
    except _core.YamlFallback:
        raise _Fallback() from None


def _too_deep(filename: str, line: int) -> ScenarioError:
    return ScenarioError(filename, line, "", f"nested more than {MAX_DEPTH} levels deep (a scenario needs about 8)")


def _parse_yaml(text: str, filename: str) -> Any:
    try:
        return _parse_yaml_fast(text)
    except _Fallback:
        pass
    except _core.YamlTooDeep as error:
        raise _too_deep(filename, error.args[0]) from None
    from vpcsim.scenario.yaml_full import _parse_yaml_full  # PyYAML, only when needed

    if isinstance(text, str):
        depth, line = _flow_depth(text)
        if depth > MAX_DEPTH:
            raise _too_deep(filename, line)
    return _parse_yaml_full(text, filename)
