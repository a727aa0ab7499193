"""The report's data: one JSON-ready dict of everything the page shows.

The page is a template plus this dict (DESIGN.md: "an HTML report is one template and its data"):
the topology as laid out by ``vpcsim.draw`` (nodes, links, group boxes), every frame per link with
its decoded layers, the drops, the tables over time (when recorded), and what ``results.json``
holds (traffic outcomes against expectations, explain answers hop by hop, final tables, VPC tables).
Keys are short and frames are lists, not dicts, to keep a run's page small.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from vpcsim.draw import labels as _labels
from vpcsim.draw.frames import drop_records, frame_records
from vpcsim.draw.source import view
from vpcsim.draw.timelines import table_intervals
from vpcsim.draw.topology import group_boxes, layout_xy
from vpcsim.draw.topology_model import topology_model

__all__ = ["FRAME_FIELDS", "MAX_FRAMES", "report_data"]

MAX_FRAMES = 5000  # a page with more frames than this shows the first ones and says so
# The order of a frame's list in the page's data.
FRAME_FIELDS = ("index", "time_ns", "arrive_ns", "link", "src", "dst", "protocol", "label", "summary", "nat",
                "dropped", "drop_detail", "parent", "layers", "src_if", "dst_if")


def _round(value: float) -> float:
    return round(value, 3)


def _topology(v: Any) -> Dict[str, Any]:
    model = topology_model(v.network, v.cloud)
    xy = layout_xy(model)
    boxes = group_boxes(model, xy)
    return {
        "nodes": [
            {"name": n, "kind": info.kind, "x": _round(xy[n][0]), "y": _round(xy[n][1]), "addresses": info.addresses,
             "detail": info.detail}
            for n, info in model.nodes.items()
        ],
        "links": [{"a": link.a, "b": link.b, "an": link.a_node, "bn": link.b_node,
                   "al": link.a_label.replace("\n", " "), "bl": link.b_label.replace("\n", " ")}
                  for link in model.links],
        "groups": [{"label": g.label, "kind": g.kind, "public": g.public, "box": [_round(c) for c in boxes[g.name]],
                    "nested": g.parent is not None}
                   for g in model.groups if g.name in boxes],
        "columns": model.ladder_order,
    }


def _frames(v: Any, links: List[Dict[str, Any]], limit: int) -> List[List[Any]]:
    index = {f"{link['a']} <-> {link['b']}": i for i, link in enumerate(links)}
    rows = []
    for f in frame_records(v)[:limit]:
        rows.append([
            f["index"], f["time_ns"], f["arrive_ns"], index.get(f["link"]), f["src_node"], f["dst_node"],
            f["protocol"], f["label"], f["summary"], f["nat"], f["dropped"], f["drop_detail"], f["parent"],
            _labels.layers_as_records(f["data"]), f["src_interface"], f["dst_interface"],
        ])
    return rows


def _intervals(v: Any) -> Optional[List[List[Any]]]:
    if v.changes is None:
        return None
    out = []
    for table in ("arp", "mac", "nat"):
        for r in table_intervals(v, table):
            out.append([table, r["node"], r["key"], r["start_ns"], r["end_ns"], r["state"], r["value"]])
    return out


def report_data(source: Any, *, max_frames: int = MAX_FRAMES, description: Optional[str] = None) -> Dict[str, Any]:
    """Everything the report shows, as plain data (what the page embeds as JSON)."""
    v = view(source)
    topo = _topology(v)
    all_frames = len(frame_records(v))
    results = v.results or {}
    run = getattr(source, "run_of", None) or source
    scenario = getattr(run, "scenario", None)
    return {
        "name": v.name or results.get("scenario") or "network",
        "description": description if description is not None else (getattr(scenario, "description", "") or ""),
        "seed": results.get("seed", getattr(v.network, "seed", None)),
        "simulated_ns": v.network.now_ns,
        "topology": topo,
        "frame_fields": list(FRAME_FIELDS),
        "frames": _frames(v, topo["links"], max_frames),
        "frames_total": all_frames,
        "drops": [[d["time_ns"], d["node"], d["interface"], d["reason"], d["detail"], d["frame"]] for d in drop_records(v)],
        "intervals": _intervals(v),
        "traffic": results.get("traffic", []),
        "explain": results.get("explain", []),
        "tables": results.get("tables", {}),
        "vpcs": results.get("vpcs", {}),
    }
