"""The fast path: libyaml, in the extension, straight into _Map / _Seq; the full loader for the rest."""

from __future__ import annotations

from typing import Any

from vpcsim import _core
from vpcsim.scenario.yaml_lines import _Map, _Seq, _parse_yaml_full


# The full loader (yaml_lines) is PyYAML's pure-Python scanner and parser: about 1.5 ms per host of a large
# scenario (30 s for 20,000 hosts). The fast path, _core.read_yaml (bindings/bind_yaml.cpp), reads
# the same text with libyaml and builds the same _Map / _Seq objects with the same lines, resolving
# plain scalars as _Resolver does, without a Python object per event. It covers what scenario files
# use: mappings, sequences and scalars, plain or quoted, with no anchors' aliases, tags, merge keys,
# keys that are collections or tab characters. Anything else, and every error (YAML syntax, a second
# document, a duplicate key), is handed to the full loader, so that the result and every message
# stay exactly what it gives.


class _Fallback(Exception):
    """The fast path does not handle this text: use the full loader."""


def _parse_yaml_fast(text: str) -> Any:
    """The document as _Loader would build it, or _Fallback."""
    if not isinstance(text, str):
        raise _Fallback()  # bytes: the full loader decodes them as PyYAML does
    try:
        return _core.read_yaml(text, _Map, _Seq)
    except _core.YamlFallback:
        raise _Fallback() from None


def _parse_yaml(text: str, filename: str) -> Any:
    try:
        return _parse_yaml_fast(text)
    except _Fallback:
        pass
    return _parse_yaml_full(text, filename)
