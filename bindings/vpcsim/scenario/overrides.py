"""Overrides: a field of a scenario file replaced by path, as a sweep's variants do.

A path is written as the loader names fields in its errors: mapping keys joined by dots, list items
by ``[index]``, e.g. ``vpcs.main.security_groups.web-sg.ingress[0].port`` or ``links[0].delay``.
Every step but the last must exist; the last may name a key the mapping does not have yet (``seed``
in a file without one), which the validator then checks like any other key. A path that leaves the
file (an unknown key on the way, an index past the end, a step into a scalar) is a ScenarioError at
the override's own place (the grid file and line), naming the path and what is there instead.

    >>> data = _parse_yaml(text, "a.yaml")
    >>> apply(data, [Override("links[0].delay", "5ms", where)])   # where: an _At in the grid file
    >>> scenario = loads(data, "a.yaml")
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Dict, List, Sequence, Tuple, Union

from vpcsim.scenario.location import _At
from vpcsim.scenario.record import record
from vpcsim.scenario.yaml_lines import _Map, _Seq

__all__ = ["Override", "apply", "check", "lined", "parse_path", "plain"]

Step = Union[str, int]  # a mapping key, or a list index

_STEP = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")


@record
class Override:
    """`path` set to `value`; `at` is where the override was written (for its errors)."""

    path: str
    value: Any
    at: _At


def parse_path(path: str, at: _At) -> List[Step]:
    """``a.b[0].c`` as ["a", "b", 0, "c"], or a ScenarioError at `at`."""
    if not isinstance(path, str) or not path:
        raise at.error(f"'{path}' is not a field path (write it as the scenario's errors do: links[0].delay)")
    steps: List[Step] = []
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if match is None:
            raise at.error(f"'{path}' is not a field path: '{part}' is not a key with optional [index]es")
        steps.append(match.group(1))
        steps.extend(int(i) for i in _INDEX.findall(match.group(2)))
    return steps


def _shown(steps: Sequence[Step]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "the file"


def _key(container: Dict[Any, Any], step: str) -> Any:
    """The key `step` names: itself, or the number it spells when the file's key is a number."""
    if step not in container and step.lstrip("-").isdigit() and int(step) in container:
        return int(step)
    return step


def _walk(data: Any, steps: Sequence[Step], path: str, at: _At, file: str) -> Tuple[Any, Step]:
    """The container that holds the last step, and that step (a key or index); ScenarioError when
    a step on the way is not there."""
    here = data
    for depth, step in enumerate(steps[:-1]):
        here = _child(here, step, steps[:depth], path, at, file)
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(here, list):
            raise at.error(f"{path}: {_shown(steps[:-1])} in {file} is {_kind(here)}, not a list: [{last}] does not apply")
        if last >= len(here):
            raise at.error(f"{path}: {_shown(steps[:-1])} in {file} has {len(here)} item{'s' if len(here) != 1 else ''}: "
                           f"no [{last}]")
    elif not isinstance(here, dict):
        raise at.error(f"{path}: {_shown(steps[:-1])} in {file} is {_kind(here)}, not a mapping: it has no '{last}'")
    return here, last


def _child(here: Any, step: Step, before: Sequence[Step], path: str, at: _At, file: str) -> Any:
    if isinstance(step, int):
        if not isinstance(here, list):
            raise at.error(f"{path}: {_shown(before)} in {file} is {_kind(here)}, not a list: [{step}] does not apply")
        if step >= len(here):
            raise at.error(f"{path}: {_shown(before)} in {file} has {len(here)} item{'s' if len(here) != 1 else ''}: "
                           f"no [{step}]")
        return here[step]
    if not isinstance(here, dict):
        raise at.error(f"{path}: {_shown(before)} in {file} is {_kind(here)}, not a mapping: it has no '{step}'")
    key = _key(here, step)
    if key not in here:
        keys = [str(k) for k in here]
        close = difflib.get_close_matches(step, keys, n=1, cutoff=0.6)
        has = f"did you mean '{close[0]}'?" if close else f"it has {', '.join(keys) or 'nothing'}"
        raise at.error(f"{path}: {file} has no '{step}' under {_shown(before)} ({has})")
    return here[key]


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the value {value!r}"


def check(data: Any, overrides: Sequence[Override], file: str) -> None:
    """Raises the ScenarioError of the first override whose path is not in `data` (the file's YAML)."""
    for override in overrides:
        _walk(data, parse_path(override.path, override.at), override.path, override.at, file)


def apply(data: Any, overrides: Sequence[Override], file: str) -> None:
    """Sets each override's value in `data` (the file's _Map, changed in place). The value keeps the
    line of the field it replaces, so the validator's errors about it point at that field."""
    for override in overrides:
        container, last = _walk(data, parse_path(override.path, override.at), override.path, override.at, file)
        if isinstance(container, dict):
            key = _key(container, str(last))
            line = container.value_lines.get(key, container.line) if isinstance(container, _Map) else override.at.line
            container[key] = lined(override.value, line)
            if isinstance(container, _Map):
                container.value_lines[key] = line
                container.key_lines.setdefault(key, line)
        else:
            assert isinstance(last, int)
            lines = getattr(container, "item_lines", None)
            container[last] = lined(override.value, lines[last] if lines else override.at.line)


def plain(value: Any) -> Any:
    """A value read from a grid file as plain dicts and lists: what goes to a worker (and back)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def lined(value: Any, line: int) -> Any:
    """A plain value as the loader's _Map / _Seq, every part at `line` (the field it replaces)."""
    if isinstance(value, dict):
        m = _Map((k, lined(v, line)) for k, v in value.items())
        m.line = line
        m.key_lines = {k: line for k in m}
        m.value_lines = {k: line for k in m}
        return m
    if isinstance(value, list):
        s = _Seq(lined(v, line) for v in value)
        s.line = line
        s.item_lines = [line] * len(s)
        return s
    return value
