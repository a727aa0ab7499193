"""The folder a run writes into (``--out``, ``Scenario.run(out=...)``) and how files go there.

Issue 20: outputs stay inside it. The folder must be a directory (made if missing), not empty text and
not ``/``; every file is written by name inside it, never through a symlink planted under an output's
name (the C++ writers open with O_NOFOLLOW, see libnet/core/output_file.h), and files written whole
from Python (results.json) go to a temporary name first and are renamed into place, which replaces a
link rather than writing through it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from vpcsim.errors import ConfigError


def out_error(out: object, message: str) -> ConfigError:
    error = ConfigError(f"--out {str(out)!r}: {message}")
    error.object, error.field = str(out), "out"
    return error


def prepare(out: Union[str, "os.PathLike[str]"]) -> Path:
    """`out` as a directory that exists, made if missing; raises vpcsim.ConfigError naming it if it
    is empty, the root directory or an existing file."""
    text = os.fspath(out)
    if not isinstance(text, str) or text.strip() == "":
        raise out_error(out, "an output folder needs a name")
    directory = Path(text)
    if directory.resolve() == Path(directory.resolve().anchor):
        raise out_error(out, "refusing to write outputs into the root directory")
    if directory.exists() and not directory.is_dir():
        raise out_error(out, "exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise out_error(out, f"cannot be made: {error.strerror}") from None
    return directory


def write_text(directory: Path, name: str, text: str) -> Path:
    """Writes `text` to DIRECTORY/NAME through a temporary file and a rename; raises
    vpcsim.ConfigError if NAME exists there and is not a regular file (a directory, a FIFO) or is
    not a plain file name."""
    if "/" in name or name in ("", ".", ".."):
        raise out_error(directory, f"{name!r} is not a file name")
    path = directory / name
    if path.is_symlink() or (path.exists() and not path.is_file()):
        what = "a symbolic link" if path.is_symlink() else "not a regular file"
        raise out_error(directory, f"{name} exists and is {what}; vpcsim writes only regular files (remove it)")
    temporary = directory / f".{name}.tmp-{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        if temporary.exists():
            temporary.unlink()
        raise
    return path
