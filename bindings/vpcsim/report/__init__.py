"""The HTML run report: one self-contained page (inline CSS, JavaScript and data; no network) with
the topology, a step-through of every frame in the spirit of Packet Tracer's simulation mode, the
ladder, the traffic outcomes against expectations, the drops with their reasons, the tables and the
explain answers hop by hop.

    from vpcsim import draw, report, scenario
    rec = draw.record(scenario.load("scenarios/public_private_vpc.yaml").build())
    rec.run()
    report.write(rec, "report.html")

or ``vpcsim run SCENARIO --report report.html``. The page is ``report.html`` (the template) with
``report.css``, ``report.js`` and :func:`report_data` put in its place.
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Dict, Union

from vpcsim.draw.figure import KINDS, PALETTE
from vpcsim.draw.topology import GROUP_STYLES
from vpcsim.report.data import FRAME_FIELDS, MAX_FRAMES, report_data

__all__ = ["FRAME_FIELDS", "MAX_FRAMES", "render", "report_data", "write"]

_SHAPES = {"s": "square", "o": "circle", "h": "hexagon", "D": "diamond"}


def _asset(name: str) -> str:
    return resources.files("vpcsim.report").joinpath(name).read_text(encoding="utf-8")


def _styles() -> Dict[str, Any]:
    return {
        kind: {"face": k.face, "edge": k.edge, "legend": k.legend,
               "shape": "bar" if kind == "switch" else _SHAPES.get(k.marker, "square")}
        for kind, k in KINDS.items()
    }


def render(source: Any, **options: Any) -> str:
    """The report of `source` (a Recording, or a scenario Run) as one HTML string."""
    data = report_data(source, **options)
    data["styles"] = _styles()
    data["palette"] = PALETTE
    data["group_styles"] = {k: list(v) for k, v in GROUP_STYLES.items()}
    # Inside <script>, "</" could end the element early: JSON allows "<\/" for it.
    blob = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    page = _asset("report.html")
    for key, value in (("css", _asset("report.css")), ("js", _asset("report.js")),
                       ("title", html.escape(f"{data['name']}: vpcsim run report"))):
        page = page.replace("{{" + key + "}}", value)
    return page.replace("{{data}}", blob)  # last: the data may hold anything, including "{{"


def write(source: Any, path: Union[str, "os.PathLike[str]"], **options: Any) -> Path:
    """Writes :func:`render` to `path` (its folder is created) and returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(source, **options), encoding="utf-8")
    return target
