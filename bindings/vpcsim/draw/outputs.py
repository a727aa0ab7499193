"""Pictures of a scenario as files: what `vpcsim run --diagram DIR` and `--report FILE` write.

    rec = vpcsim.draw.record_scenario("scenarios/two_subnets.yaml", out="out/")   # runs it, recorded
    vpcsim.draw.write_diagrams(rec, "out/diagrams")  # topology, ladder (and table timelines) as SVG + PNG
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, List, Optional, Union

from vpcsim.draw.figure import save
from vpcsim.draw.ladder import ladder
from vpcsim.draw.recording import Recording, record
from vpcsim.draw.timelines import table_intervals, table_timeline
from vpcsim.draw.topology import topology

__all__ = ["record_scenario", "write_diagrams"]

PathLike = Union[str, "os.PathLike[str]"]


def record_scenario(scenario: Any, out: Optional[PathLike] = None, *, seed: Optional[int] = None,
                    until: Union[str, int, None] = None) -> Recording:
    """Loads (a path) or takes (a Scenario) a scenario, builds it, records it and runs it: as
    ``Scenario.run`` does (with `out`, results.json, trace.jsonl and the file's pcaps go there),
    with every interface captured and the tables sampled for the pictures."""
    from vpcsim import scenario as scenario_mod  # the loader imports nothing of draw's: no cycle

    sc = scenario_mod.load(scenario) if isinstance(scenario, (str, os.PathLike)) else scenario
    run = sc.build(seed=seed, out=out)
    rec = record(run)
    rec.run(until)
    if out is not None:
        run.write(out)
    return rec


def write_diagrams(source: Any, directory: PathLike) -> List[Path]:
    """Writes DIRECTORY/topology.{svg,png} and ladder.{svg,png}, and for a recording the timelines
    of the tables that had entries (arp, mac, nat). Returns the files written."""
    base = Path(directory)
    written = save(topology(source), base / "topology")
    written += save(ladder(source), base / "ladder")
    if isinstance(source, Recording):
        for table in ("arp", "mac", "nat"):
            if table_intervals(source, table):
                written += save(table_timeline(source, table), base / f"{table}-timeline")
    return written
