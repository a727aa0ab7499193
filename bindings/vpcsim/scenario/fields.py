"""Field checkers: each takes where a value is and the value, and returns it checked or raises."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any, Callable, Dict, Optional, Sequence

from vpcsim import _core
from vpcsim.errors import ParseError
from vpcsim.scenario.location import _At
from vpcsim.scenario.yaml_lines import _Map, _Seq


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ('{value}')"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _unknown(what: str, word: Any, choices: Sequence[str]) -> str:
    hint = _suggest(str(word), choices)
    if hint:
        return f"unknown {what} '{word}' ({hint})"
    if choices:
        return f"unknown {what} '{word}' (expected one of: {', '.join(choices)})"
    return f"unknown {what} '{word}'"


def _mapping(at: _At, value: Any, what: str = "a mapping") -> _Map:
    if value.__class__ is _Map:  # what the YAML readers make: the common case first
        return value
    if not isinstance(value, dict):
        raise at.error(f"expected {what}, got {_type_name(value)}")
    if not isinstance(value, _Map):  # a mapping built in Python (loads() of a dict): no lines
        wrapped = _Map(value)
        wrapped.line, wrapped.key_lines, wrapped.value_lines = at.line, {}, {}
        return wrapped
    return value


def _sequence(at: _At, value: Any, what: str = "a list") -> _Seq:
    if not isinstance(value, list):
        raise at.error(f"expected {what}, got {_type_name(value)}")
    if not isinstance(value, _Seq):
        wrapped = _Seq(value)
        wrapped.line, wrapped.item_lines = at.line, []
        return wrapped
    return value


def _check_keys(
    at: _At,
    data: _Map,
    allowed: Sequence[str],
    *,
    elsewhere: Optional[Dict[str, str]] = None,
) -> None:
    """Rejects keys not in `allowed`: keys known in another kind of object say where they belong
    (`elsewhere` maps key -> message), others get a suggestion."""
    for key in data:
        if key in allowed:
            continue
        where = at.key_itself(data, key)
        if not isinstance(key, str):
            raise where.error(f"unknown key {key!r}: keys are text")
        if elsewhere and key in elsewhere:
            raise where.error(elsewhere[key])
        raise where.error(_unknown("key", key, allowed))


def _text(at: _At, value: Any, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise at.error(f"expected text, got {_type_name(value)}")
    if not value and not empty_ok:
        raise at.error("must not be empty")
    return value


def _integer(at: _At, value: Any, low: int, high: int, what: str = "a whole number") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise at.error(f"expected {what}, got {_type_name(value)}")
    if not low <= value <= high:
        raise at.error(f"{value} is outside {low}..{high}")
    return value


def _boolean(at: _At, value: Any) -> bool:
    if not isinstance(value, bool):
        raise at.error(f"expected true or false, got {_type_name(value)}")
    return value


def _duration(at: _At, value: Any, *, positive: bool = False) -> int:
    """'10ms' -> 10_000_000 ns. A bare 0 is accepted; other numbers need a unit."""
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        raise at.error(f"expected a duration such as 10ms, got {_type_name(value)}")
    if not isinstance(value, str):
        if value != 0:
            raise at.error(f"a duration needs a unit (ns, us, ms, s): write {value}s or {value}ms, not {value}")
        ns = 0
    else:
        try:
            ns = _core.parse_duration(value)
        except ParseError as error:
            raise at.error(str(error)) from None
    if positive and ns <= 0:
        raise at.error("must be longer than 0")
    return ns


def _bandwidth(at: _At, value: Any) -> int:
    if not isinstance(value, str):
        raise at.error(f"expected a bandwidth such as 1Gbps, got {_type_name(value)}")
    try:
        return _core.parse_bandwidth(value)
    except ParseError as error:
        raise at.error(str(error)) from None


def _parsed(at: _At, value: Any, parse: Callable[[str], Any]) -> Any:
    text = value if value.__class__ is str and value else _text(at, value)
    try:
        return parse(text)
    except ParseError as error:
        raise at.error(str(error)) from None


@lru_cache(maxsize=1024)
def _address_text(text: str) -> str:
    """An address in its usual form (raises ParseError). Cached: thousands of hosts share a gateway."""
    return str(_core.Ipv4Address(text))


def _address(at: _At, value: Any) -> str:
    return _parsed(at, value, _address_text)  # type: ignore[no-any-return]


def _looks_like_address(text: str) -> bool:
    return re.fullmatch(r"[0-9.]+", text) is not None
