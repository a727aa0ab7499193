"""The package type-checks: ``mypy --strict -p vpcsim`` over the source tree's Python modules and the
committed stubs of the extension (bindings/vpcsim/_core.pyi) reports nothing.

Needs mypy and types-PyYAML (the stubs of PyYAML, which the scenario loader subclasses); without them
the test is skipped, and under CI=true it fails.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, unavailable


def test_package_passes_mypy_strict(tmp_path: Path) -> None:
    if importlib.util.find_spec("mypy") is None:
        unavailable("mypy is not installed (pip install mypy)")
    try:
        importlib.metadata.version("types-PyYAML")
    except importlib.metadata.PackageNotFoundError:
        unavailable("types-PyYAML is not installed (pip install types-PyYAML)")
    # MYPYPATH puts the source tree's package ahead of an installed one: what is checked is what is
    # committed. No cache: a stale one could hide an error.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull,
         "--python-version", f"{sys.version_info.major}.{sys.version_info.minor}", "-p", "vpcsim"],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(REPO_ROOT / "bindings")},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
