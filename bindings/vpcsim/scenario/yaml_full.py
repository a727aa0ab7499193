"""PyYAML's full loader, building mappings and sequences as _Map / _Seq with their lines.

Imported only when the fast reader (yaml_fast) hands a text over: PyYAML's import is a good part
of the command line's start-up, and the files vpcsim writes and ships never need it."""

from __future__ import annotations

import re
from typing import Any, Iterator

import yaml
import yaml.composer
import yaml.constructor
import yaml.parser
import yaml.reader
import yaml.resolver
import yaml.scanner

from vpcsim.scenario.errors import ScenarioError
from vpcsim.scenario.yaml_lines import _Map, _Seq

# The loader resolves plain scalars as YAML 1.2's core schema does, not YAML 1.1's: only
# true/false are booleans (so `on: h2` is the text "on", not True), integers are decimal (no octal
# 010, no sexagesimal 1:30 — a MAC such as 12:34:56:00:00:01 stays text) and nothing becomes a date.
# Mappings and sequences are built as _Map / _Seq, which remember the line of every key and value.


class _Resolver(yaml.resolver.BaseResolver):
    pass


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _Resolver,
):
    filename = "<string>"

    def __init__(self, stream: str, filename: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.filename = filename


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node), 10)


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    return float(loader.construct_scalar(node))


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[_Map]:
    data = _Map()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.value_lines = {}
    yield data
    own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    first_own = len(node.value) - own  # merged (<<) pairs come first; the mapping's own keys override them
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, (dict, list)):
            raise ScenarioError(loader.filename, line, "", "a key must be text, not a mapping or a list")
        if key in data and index >= first_own and data.key_lines.get(key, 0) >= 0:
            previous = data.key_lines[key]
            raise ScenarioError(loader.filename, line, "", f"duplicate key '{key}' (first given on line {previous})")
        data[key] = loader.construct_object(value_node, deep=True)
        # A key that came from a merge is marked negative until the mapping's own key replaces it.
        data.key_lines[key] = line if index >= first_own else -line
        data.value_lines[key] = value_node.start_mark.line + 1
    for key, line in data.key_lines.items():
        data.key_lines[key] = abs(line)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[_Seq]:
    data = _Seq()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


# (The stubs bound a constructor's loader to PyYAML's own loader classes; _Loader is made of the same
# parts as SafeLoader but with the resolver above, so it is not one of them.)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)  # type: ignore[type-var]
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)  # type: ignore[type-var]
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)  # type: ignore[type-var]


def _parse_yaml_full(text: str, filename: str) -> Any:
    """The document as PyYAML's full loader builds it; its errors as ScenarioError at their line."""
    try:
        loader = _Loader(text, filename)
    except yaml.reader.ReaderError as error:
        # PyYAML checks a whole str for characters YAML forbids (NUL, most control characters) before
        # parsing; it reports an offset, not a line (found by tests/fuzz/scenario_fuzz.py).
        line = text.count("\n", 0, error.position) + 1
        raise ScenarioError(
            filename, line, "", f"YAML: character #x{error.character:04x} is not allowed in a YAML file"
        ) from None
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "not valid YAML"
        if error.context and error.problem and error.context_mark is not None:
            problem = f"{problem} ({error.context} from line {error.context_mark.line + 1})"
        raise ScenarioError(filename, line, "", f"YAML syntax: {problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(filename, 1, "", f"YAML: {error}") from None
    finally:
        loader.dispose()
