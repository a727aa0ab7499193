"""Pictures of networks and runs, as matplotlib Figures (Jupyter shows them inline).

    from vpcsim import draw, scenario
    rec = draw.record(scenario.load("scenarios/two_subnets.yaml").build())   # or draw.record(net)
    rec.run()                                   # runs it, capturing every interface and the tables
    draw.topology(rec)                          # nodes by kind, addresses, subnets, VPCs
    draw.ladder(rec, window=("0s", "1ms"))      # one arrow per frame per link, time flowing down
    draw.frame_records(rec)                     # the ladder's data: one dict per frame per link
    draw.save(draw.ladder(rec), "out/ladder")   # out/ladder.svg and out/ladder.png

Every picture takes a :class:`Recording` (see :func:`record`), a scenario ``Run`` (with ``pcaps=``
the directory its pcaps went to) or a ``Network``, draws with matplotlib's object API (no pyplot
state), takes ``ax=`` to draw into an existing Axes, and returns the Figure. One module per picture.
"""

from vpcsim.draw.address_space import AWS_RESERVED, address_levels, address_space
from vpcsim.draw.figure import save
from vpcsim.draw.frames import DROP_COLUMNS, FRAME_COLUMNS, drop_records, frame_records, frame_table
from vpcsim.draw.ladder import ladder
from vpcsim.draw.outputs import record_scenario, write_diagrams
from vpcsim.draw.recording import Recording, TableChange, record
from vpcsim.draw.timelines import (
    arp_timeline,
    mac_timeline,
    nat_timeline,
    table_intervals,
    table_intervals_frame,
    table_timeline,
)
from vpcsim.draw.topology import topology
from vpcsim.draw.topology_model import TopologyModel, topology_model

__all__ = [
    "AWS_RESERVED",
    "DROP_COLUMNS",
    "FRAME_COLUMNS",
    "Recording",
    "TableChange",
    "TopologyModel",
    "address_levels",
    "address_space",
    "arp_timeline",
    "drop_records",
    "frame_records",
    "frame_table",
    "ladder",
    "mac_timeline",
    "nat_timeline",
    "record",
    "record_scenario",
    "save",
    "table_intervals",
    "table_intervals_frame",
    "table_timeline",
    "topology",
    "topology_model",
    "write_diagrams",
]
