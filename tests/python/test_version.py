"""The version is written once, in CMakeLists.txt's project(VERSION): the extension is compiled with it
(vpcsim.__version__, `vpcsim --version`) and scikit-build-core reads it into the package's metadata
(pyproject.toml's [tool.scikit-build.metadata.version])."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys

import vpcsim
from vpcsim import cli

from conftest import REPO_ROOT, unavailable


def cmake_version() -> str:
    found = re.search(r"^project\(vpcsim VERSION ([0-9.]+)", (REPO_ROOT / "CMakeLists.txt").read_text(), re.M)
    assert found is not None, "CMakeLists.txt has no project(vpcsim VERSION x.y.z)"
    return found[1]


def test_the_package_and_the_command_say_cmakes_version(capsys) -> None:
    assert vpcsim.__version__ == vpcsim._core.__version__ == cmake_version()
    try:
        cli.main(["--version"])
    except SystemExit as exit:  # argparse's --version
        assert exit.code == 0
    assert capsys.readouterr().out == f"vpcsim {cmake_version()}\n"


def test_the_package_metadata_takes_cmakes_version() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert re.search(r'^version\s*=', pyproject, re.M) is None  # no second copy
    if importlib.util.find_spec("scikit_build_core") is None:
        unavailable("scikit-build-core is not installed (pip install scikit-build-core)")
    # What `pip install .` would write as the version: the project table after dynamic metadata.
    table = subprocess.run([sys.executable, "-m", "scikit_build_core.build", "project-table"], cwd=REPO_ROOT,
                           capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(table.stdout)["version"] == cmake_version()
