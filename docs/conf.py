"""Sphinx configuration for vpcsim's documentation site.

Build it (HTML in docs/_build/html; warnings are errors, as in tests/python/test_docs.py):

    python3 -m sphinx -W -b html docs docs/_build/html

The pages are the Markdown files beside this one (MyST), the course notebooks (docs/notebooks is a
link to ../notebooks) shown with the outputs they are committed with — tests/python/test_notebooks.py
re-executes every notebook and fails when a committed output is not what the code produces now — and
the API reference generated from the docstrings of vpcsim and its C++ extension vpcsim._core.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, List

ROOT = Path(__file__).resolve().parents[1]
# An in-tree build (bash /work/wt-build.sh links _core into bindings/vpcsim) documents this checkout;
# otherwise the installed vpcsim is documented.
if list((ROOT / "bindings" / "vpcsim").glob("_core*.so")):
    sys.path.insert(0, str(ROOT / "bindings"))

project = "vpcsim"
author = "the vpcsim developers"
copyright = "the vpcsim developers"  # noqa: A001 (Sphinx's name)
release = "0.1.0"

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
exclude_patterns = ["_build", "notebooks/.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}

# Notebooks: shown with their committed outputs (executed once, by their test); a page that asks
# for execution in its own metadata (cli.md) is run at build time.
nb_execution_mode = "off"
nb_execution_timeout = 120
nb_execution_raise_on_error = True
nb_merge_streams = True

myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": False}

html_theme = "alabaster"
html_title = "vpcsim"
html_theme_options = {"description": "a deterministic network simulator whose packets are real frames",
                      "fixed_sidebar": True, "page_width": "1200px", "sidebar_width": "230px"}
html_static_path: list = []


# --- two adaptations of pages written for reading on GitHub ----------------------------------------

_OUTSIDE_LINK = re.compile(r"\[([^\]]+)\]\(\.\./([^)#\s]+)(#[^)\s]*)?\)")


def _repository_links(app: Any, docname: str, source: List[str]) -> None:
    """A link from docs/ to a repository file outside it (../benchmarks/README.md) has no page on
    this site: it becomes the file's path in code, which a reader finds in the checkout."""

    def name(match: "re.Match[str]") -> str:
        text, path = match.group(1), match.group(2)
        return f"`{path}`" if path in text.strip("`") else f"{text} (`{path}`)"

    source[0] = _OUTSIDE_LINK.sub(name, source[0])


def _markdown_tables(app: Any, what: str, name: str, obj: Any, options: Any, lines: List[str]) -> None:
    """Docstrings may hold Markdown tables (| a | b |), which reStructuredText reads as line blocks
    and substitutions: they are shown as preformatted text instead."""
    out: List[str] = []
    in_table = False
    for line in lines:
        is_row = line.lstrip().startswith("|")
        if is_row and not in_table:
            out += ["::", ""]
        if is_row:
            out.append("    " + line)
        elif in_table:
            out.append("")
            out.append(line)
        else:
            out.append(line)
        in_table = is_row
    lines[:] = out


def setup(app: Any) -> None:
    app.connect("source-read", _repository_links)
    app.connect("autodoc-process-docstring", _markdown_tables)
