"""The notebooks in notebooks/ run headless, top to bottom, in a real Jupyter kernel (nbclient), as
"Restart and run all" would: any error fails, each shows at least one picture, the stories they
tell (and the answers their exercises check against) come out as the text says, and the outputs
they are committed with (which the docs site shows) are what they produce now.

The kernel gets this checkout's vpcsim through PYTHONPATH (set it to bindings/ for an in-tree
build), so what runs is the code under test, not an older install. After changing a notebook, or
code whose output one shows, re-execute and save them all:

    PYTHONPATH=bindings python3 tests/python/test_notebooks.py --write
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT_S = 120  # per cell; a notebook takes a few seconds
# The kernel starts in notebooks/: a relative PYTHONPATH (bindings) must not change meaning there.
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        str(Path(p).resolve()) for p in os.environ["PYTHONPATH"].split(os.pathsep) if p)


def _jupyter() -> Any:
    try:
        import nbclient
        import nbformat
    except ImportError as error:  # CI installs them (.ci/setup.sh); elsewhere say what is missing
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"notebooks need nbclient, nbformat and ipykernel: {error}")
    return nbclient, nbformat


_EXECUTED: Dict[Path, Any] = {}


def execute(path: Path) -> Any:
    """The notebook at `path`, executed in a fresh kernel started in its folder."""
    nbclient, nbformat = _jupyter()
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:  # what the kernel writes, not what was committed
        if cell.cell_type == "code":
            cell.outputs = []
    client = nbclient.NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name="python3",
                                     record_timing=False,  # a re-run leaves the file as it was
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return notebook


def executed(path: Path) -> Any:
    """The notebook, executed once per test session."""
    if path not in _EXECUTED:
        nbclient, _ = _jupyter()
        try:
            _EXECUTED[path] = execute(path)
        except nbclient.exceptions.CellExecutionError as error:
            pytest.fail(f"{path.name}: {error}")
    return _EXECUTED[path]


def shown(cell: Any) -> List[str]:
    """What a code cell shows, as comparable text: its printed and returned text (spaces collapsed,
    so a pandas release that pads a column differently does not count), and one mark per picture."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            if "image/png" in output.data:
                parts.append("<picture>")
            elif "text/plain" in output.data:
                parts.append(output.data["text/plain"])
    return [" ".join(part.split()) for part in parts]


def outputs(notebook: Any) -> List[Dict[str, Any]]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def text(notebook: Any) -> str:
    parts = []
    for output in outputs(notebook):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output and "text/plain" in output.data:
            parts.append(output.data["text/plain"])
    return "\n".join(parts)


def test_there_are_the_numbered_notebooks() -> None:
    names = [p.stem for p in NOTEBOOKS]
    assert [n[:2] for n in names][:6] == ["01", "02", "03", "04", "05", "06"], names
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", n) for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_a_picture(path: Path) -> None:
    notebook = executed(path)
    errors = [o for o in outputs(notebook) if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    pictures = [o for o in outputs(notebook) if "data" in o and "image/png" in o.data]
    assert pictures, f"{path.name} shows no picture"
    assert text(notebook), "a notebook that prints nothing shows nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_exercises_are_checked_and_solved(path: Path) -> None:
    """Every exercise cell answers (the placeholder None gets 'No answer yet'), and the solutions
    cell prints one computed solution per exercise."""
    notebook = executed(path)
    sources = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    keys = re.findall(r'teach\.exercise\("([0-9a-z.-]+)"', sources)
    if not keys:
        pytest.skip(f"{path.name} has no exercises")
    assert 2 <= len(keys) <= 4, f"{path.name}: {len(keys)} exercises"
    shown = text(notebook)
    assert shown.count("No answer yet:") == len(keys)
    for key in keys:
        assert re.search(rf"^{re.escape(key)}: \S", shown, re.M), f"{path.name}: no solution for {key}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_are_what_the_notebook_produces(path: Path) -> None:
    _, nbformat = _jupyter()
    committed = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    fresh = [c for c in executed(path).cells if c.cell_type == "code"]
    assert [c.source for c in committed] == [c.source for c in fresh]
    for number, (old, new) in enumerate(zip(committed, fresh)):
        assert shown(old) == shown(new), (
            f"{path.name}, code cell {number}: the committed output is stale; re-execute with "
            f"PYTHONPATH=bindings python3 tests/python/test_notebooks.py --write\n{new.source}")


def test_the_stories_come_out_as_told() -> None:
    """The facts the notebooks' prose states, from their own outputs."""
    by_number = {p.stem[:2]: executed(p) for p in NOTEBOOKS}
    s = {number: text(nb) for number, nb in by_number.items()}
    assert "01.which-subnet: 10.0.16.0/20" in s["01"] and "01.aws-first-usable: 10.0.32.4" in s["01"]
    assert "02.flood: h2, h3, h4" in s["02"] and "02.arp-requests: 1:" in s["02"]
    assert "ARP, Request who-has 10.0.1.10 tell 10.0.1.20" in s["02"]  # h2's probe at 5 s
    assert "03.wrong-mask: b" in s["03"] and "failed" in s["03"]
    assert "ttl=64: reply ['reply ttl=61']" in s["04"] and "04.missing-route: r2" in s["04"]
    assert "no route to 192.168.1.10 at isp" in s["05"]  # without NAT the reply dies at the ISP
    assert "b'hello from pc2'" in s["05"] and "unreachable connection_refused" in s["05"]
    ports = re.search(r"05\.port-clash: (\d+), (\d+)", s["05"])
    assert ports and ports.group(1) == "41000" and ports.group(2) != "41000"
    assert "251 usable addresses" in s["06"] and "ext got: b'hello from web'" in s["06"]
    assert "NO_ROUTE_TO_DESTINATION" in s["06"] and "False ENI_SG_RULES_MISMATCH web-sg" in s["06"]
    assert "06.blocked-by: web-sg" in s["06"]



if __name__ == "__main__":  # re-execute every notebook and save it with its outputs
    import sys

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: PYTHONPATH=bindings python3 tests/python/test_notebooks.py --write")
    _, nbformat_module = _jupyter()
    for notebook_path in NOTEBOOKS:
        nbformat_module.write(execute(notebook_path), notebook_path)
        print("wrote", notebook_path.relative_to(ROOT))
