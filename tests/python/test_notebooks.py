"""The notebooks in notebooks/ run from top to bottom against the installed package: every code cell,
in order, in one namespace, as "Run all" would (no Jupyter kernel needed)."""
import contextlib
import io
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def code_cells(path: Path) -> list:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ holds no .ipynb file"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path) -> None:
    namespace: dict = {"__name__": "__main__"}
    printed = io.StringIO()
    for index, source in enumerate(code_cells(path)):
        with contextlib.redirect_stdout(printed):
            try:
                exec(compile(source, f"{path.name}[cell {index}]", "exec"), namespace)
            except Exception as error:  # the cell and its error, not just a traceback into exec
                pytest.fail(f"{path.name}, code cell {index}: {type(error).__name__}: {error}\n{source}")
    assert printed.getvalue(), "a notebook that prints nothing shows nothing"


def test_vpc_notebook_tells_its_story() -> None:
    namespace: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        for source in code_cells(next(p for p in NOTEBOOKS if p.stem == "vpc_reachability")):
            exec(source, namespace)
    text = printed.getvalue()
    assert "the VPC router" in text and "251 usable addresses" in text
    assert "ext got: b'hello from web'" in text
    assert "NO_ROUTE_TO_DESTINATION" in text
    assert "False ENI_SG_RULES_MISMATCH web-sg" in text
    assert namespace["answer"].reachable
