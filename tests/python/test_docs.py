"""The documentation: the site builds with warnings as errors, and every code block in docs/*.md and
README.md that is Python, or a shell line running vpcsim, runs.

Python blocks of one page run in order in one namespace (a page is a story: a later block uses what
an earlier one built), in a scratch directory that has the repository's scenarios/. A block that
shows what mistakes look like says so in its info string (```python raises): each of its statements
must raise one of vpcsim's errors. Shell lines run `vpcsim ...` as `python3 -m vpcsim ...` and must exit 0 or 1 (1:
an expectation or explain answer came out negative, which some examples show); 2 is bad input."""
from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\s*$", re.S | re.M)


def blocks(page: Path) -> List[Tuple[str, str, int]]:
    """(info string, code, line) of every fenced block."""
    text = page.read_text(encoding="utf-8")
    return [(m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]


def env() -> Dict[str, str]:
    environment = dict(os.environ)
    bindings = str(ROOT / "bindings")
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (bindings, environment.get("PYTHONPATH")) if p)
    return environment


@pytest.fixture()
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    return tmp_path


PYTHON_PAGES = [p for p in PAGES if any(info.split()[:1] == ["python"] for info, _, _ in blocks(p))]


@pytest.mark.parametrize("page", PYTHON_PAGES, ids=[p.name for p in PYTHON_PAGES])
def test_python_blocks_run(page: Path, scratch: Path) -> None:
    import vpcsim

    namespace: dict = {"__name__": "__main__"}
    for info, code, line in blocks(page):
        words = info.split()
        if words[:1] != ["python"]:
            continue
        where = f"{page.name}:{line}"
        if "raises" in words[1:]:  # each statement shows one mistake: each must raise
            for statement in ast.parse(code).body:
                with pytest.raises(vpcsim.Error):
                    exec(compile(ast.Module(body=[statement], type_ignores=[]), where, "exec"), namespace)
            continue
        try:
            exec(compile(code, where, "exec"), namespace)
        except Exception as error:  # the page and line of the block, not a traceback into exec
            pytest.fail(f"{where}: {type(error).__name__}: {error}\n{code}")


def vpcsim_lines(page: Path) -> List[Tuple[str, str]]:
    found = []
    for info, code, line in blocks(page):
        if info.split()[:1] not in (["sh"], ["bash"], ["console"], ["shell"]):
            continue
        for offset, text in enumerate(code.splitlines()):
            command = text.split("#", 1)[0].strip().removeprefix("$ ")
            if command.startswith("vpcsim "):
                found.append((f"{page.name}:{line + 1 + offset}", command))
    return found


SHELL_PAGES = [p for p in PAGES if vpcsim_lines(p)]


@pytest.mark.parametrize("page", SHELL_PAGES, ids=[p.name for p in SHELL_PAGES])
def test_shell_lines_running_vpcsim_run(page: Path, scratch: Path) -> None:
    """A page's vpcsim lines run in order in one directory (decode reads what run wrote)."""
    for where, command in vpcsim_lines(page):
        argv = [sys.executable, "-m", "vpcsim", *shlex.split(command)[1:]]
        done = subprocess.run(argv, capture_output=True, text=True, env=env(), timeout=300)
        assert "Traceback" not in done.stderr, f"{where}: {command}\n{done.stderr}"
        assert done.returncode in (0, 1), f"{where}: {command} exited {done.returncode}\n{done.stderr}"


def test_site_builds_without_warnings(tmp_path: Path) -> None:
    """python3 -m sphinx -W -b html docs OUT, as the README says."""
    try:
        import myst_nb  # noqa: F401
        import sphinx  # noqa: F401
    except ImportError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"the docs need sphinx and myst-nb: {error}")
    out = tmp_path / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           str(ROOT / "docs"), str(out)], capture_output=True, text=True, env=env(), timeout=600)
    # (the Jupyter kernel that runs cli.md logs its own transport warning: not a page's)
    warnings = [l for l in done.stderr.splitlines()
                if ("WARNING" in l or "ERROR" in l) and not l.startswith("[IPKernelApp]")]
    assert done.returncode == 0 and not warnings, done.stderr[-4000:]
    for page in ("index", "getting-started", "course", "api", "cli", "python-api", "scenario-format",
                 "architecture", "faithfulness", "performance", "notebooks/05_nat"):
        assert (out / f"{page}.html").is_file(), page
    api = (out / "api.html").read_text(encoding="utf-8")
    for name in ("vpcsim.Network.add_host", "vpcsim.Ipv4Prefix", "vpcsim.Cloud.explain", "vpcsim.teach.exercise",
                 "vpcsim.draw.ladder", "vpcsim.tables.arp_table"):
        assert f'id="{name}"' in api, name
    assert "usage: vpcsim run" in (out / "cli.html").read_text(encoding="utf-8")
    assert "<img" in (out / "notebooks" / "02_switch_and_arp.html").read_text(encoding="utf-8")
