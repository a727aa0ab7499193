"""YAML with line numbers: the mappings and sequences a scenario is read into, _Map and _Seq, which
remember the line of every key and value. Both readers build them: the fast one in the extension
(yaml_fast) and PyYAML's full loader (yaml_full, imported only when the fast one hands over)."""

from __future__ import annotations

from typing import Any, Dict, List


class _Map(Dict[Any, Any]):
    """A YAML mapping that remembers where each key and value is."""

    # Slots, not an instance dict: a large file has tens of thousands of these.
    __slots__ = ("line", "key_lines", "value_lines")
    line: int
    key_lines: Dict[Any, int]
    value_lines: Dict[Any, int]


class _Seq(List[Any]):
    """A YAML sequence that remembers where each item is."""

    __slots__ = ("line", "item_lines")
    line: int
    item_lines: List[int]
