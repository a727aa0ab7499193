"""Entry points: load, loads and run."""

from __future__ import annotations

import contextlib
import gc
import os
from typing import Iterator, Optional, Union

from vpcsim.scenario.errors import ScenarioError
from vpcsim.scenario.results import ProgressFn, Run
from vpcsim.scenario.validate import _Validator
from vpcsim.scenario.validated import Scenario
from vpcsim.scenario.yaml_fast import _parse_yaml


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: loading a large file creates hundreds of thousands of
    objects that all stay alive, and the collections they trigger would only walk them again and
    again (a third of the validation time at 20,000 hosts). Collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads(text: str, filename: str = "<string>") -> Scenario:
    """Validates a scenario given as YAML text (or as an already-parsed dict) and builds it once
    without running, so that every error is raised here."""
    with _gc_paused():
        data = text if isinstance(text, dict) else _parse_yaml(text, filename)
        scenario = _Validator(data, filename).validate()
        # The simulator's own checks, reported at their field; the network is kept for the first run.
        scenario._validated = scenario.build()
    return scenario


def load(path: Union[str, "os.PathLike[str]"]) -> Scenario:
    """Reads and validates a scenario file. Raises ScenarioError (file:line: field: message)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        raise ScenarioError(name, None, "", f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ScenarioError(name, 1, "", "not a text file (a scenario is YAML in UTF-8)") from None
    return loads(text, name)


def run(
    path: Union[str, "os.PathLike[str]"],
    out: Union[str, "os.PathLike[str]", None] = None,
    *,
    seed: Optional[int] = None,
    until: Union[str, int, None] = None,
    progress: Optional[ProgressFn] = None,
) -> Run:
    """load(path).run(...): the whole `vpcsim run` in one call."""
    return load(path).run(out, seed=seed, until=until, progress=progress)
