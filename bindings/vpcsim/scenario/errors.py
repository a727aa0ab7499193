"""The one error a scenario file raises: where (file, line, field) and what is wrong."""

from __future__ import annotations

from typing import Optional

from vpcsim.errors import ConfigError


class ScenarioError(ConfigError):
    """A scenario file that cannot be run. ``str(e)`` is ``FILE:LINE: PATH: MESSAGE``.

    Attributes: ``file``, ``line`` (1-based), ``path`` (the field, e.g. ``links[3].delay``; empty for
    the file as a whole) and ``message``. As a ConfigError, ``object`` is the file and ``field`` the path.
    """

    def __init__(self, file: str, line: Optional[int], path: str, message: str) -> None:
        self.file = file
        self.line = line
        self.path = path
        self.message = message
        self.object = file
        self.field = path
        prefix = f"{file}: " if line is None else f"{file}:{line}: "
        super().__init__(prefix + (f"{path}: " if path else "") + message)
