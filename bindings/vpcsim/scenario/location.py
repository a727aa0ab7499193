"""Where a value is: the file, the path of the field and the line (_At)."""

from __future__ import annotations

import re
from typing import Any, Optional

from vpcsim.scenario.errors import ScenarioError
from vpcsim.scenario.yaml_lines import _Map, _Seq


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key_text(key: Any) -> str:
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else repr(text)


_KEY, _INDEX, _SAME = 0, 1, 2  # how an _At's path follows from its parent's


class _At:
    """Where a value is: the file, the path of the field (``links[3].delay``) and the line.

    Validating a large file makes hundreds of thousands of these, and almost all of them are never
    shown, so the path is put together from the parent's only when it is asked for (an error)."""

    __slots__ = ("file", "line", "_path", "_parent", "_step", "_how")

    def __init__(self, file: str, path: str, line: int) -> None:
        self.file = file
        self.line = line
        self._path: Optional[str] = path
        self._parent: Optional[_At] = None
        self._step: Any = None
        self._how = _SAME

    def _child(self, line: int, step: Any, how: int) -> "_At":
        at = _At.__new__(_At)
        at.file = self.file
        at.line = line
        at._path = None
        at._parent = self
        at._step = step
        at._how = how
        return at

    @property
    def path(self) -> str:
        path = self._path
        if path is None:
            assert self._parent is not None
            parent = self._parent.path
            if self._how == _KEY:
                key = _key_text(self._step)
                path = f"{parent}.{key}" if parent else key
            elif self._how == _INDEX:
                path = f"{parent}[{self._step}]"
            else:
                path = parent
            self._path = path
            self._parent = None
        return path

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _At):
            return NotImplemented
        return (self.file, self.path, self.line) == (other.file, other.path, other.line)

    def __hash__(self) -> int:
        return hash((self.file, self.path, self.line))

    def __repr__(self) -> str:
        return f"_At(file={self.file!r}, path={self.path!r}, line={self.line!r})"

    def key(self, container: _Map, key: Any) -> "_At":
        """The value under `key` of a mapping."""
        # _child written out: the validator asks for one of these for most fields of a file.
        at = _At.__new__(_At)
        at.file = self.file
        at.line = container.value_lines.get(key, container.line)
        at._path = None
        at._parent = self
        at._step = key
        at._how = _KEY
        return at

    def key_itself(self, container: _Map, key: Any) -> "_At":
        """The key itself (for an unknown or unsupported key)."""
        return self._child(container.key_lines.get(key, container.line), key, _KEY)

    def item(self, container: _Seq, index: int) -> "_At":
        lines = getattr(container, "item_lines", None)
        at = _At.__new__(_At)  # _child written out, as in key()
        at.file = self.file
        at.line = lines[index] if lines and index < len(lines) else self.line
        at._path = None
        at._parent = self
        at._step = index
        at._how = _INDEX
        return at

    def at_line(self, line: int) -> "_At":
        """The same path at another line."""
        return self._child(line, None, _SAME)

    def error(self, message: str) -> ScenarioError:
        return ScenarioError(self.file, self.line, self.path, message)
