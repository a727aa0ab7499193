"""Scenario files: a topology, its traffic and what to capture, in YAML (docs/scenario-format.md).

    >>> from vpcsim import scenario
    >>> sc = scenario.load("scenarios/two_subnets.yaml")     # validates every field, or raises
    >>> run = sc.run(out="out/two-subnets")                  # builds, runs, writes pcaps + results
    >>> run.results["traffic"][1]["outcome"], run.all_met
    ('reply', True)

Every mistake in a file raises :class:`ScenarioError` (a :class:`vpcsim.ConfigError`) whose text
starts with the file and line, then the path of the field, then what is wrong::

    scenarios/bad.yaml:12: links[3]: unknown interface 'r1.eth7' (r1 has eth0, eth1)

Loading checks the YAML against the format *and* builds the network once without running it, so
the simulator's own checks (a gateway that is not on a connected subnet, overlapping subnets, a
MAC used twice) are reported by ``load`` too, with the line of the field that caused them.
"""

from __future__ import annotations

# The package's modules, each one section of the format's reading, in the order they depend on
# each other (no module imports one below it):
#   errors        ScenarioError
#   yaml_lines    YAML with line numbers (_Map, _Seq, the full loader)
#   yaml_fast     the libyaml fast path, and _parse_yaml (fast, else full)
#   location      _At: where a value is (file, field path, line)
#   fields        field checkers (_text, _integer, _duration, _address, ...)
#   specs         the parts of a validated scenario (NodeSpec, LinkSpec, TrafficSpec, ...)
#   cloud_specs   the cloud layer's parts (CloudSpec, VpcSpec, ExplainSpec, ...)
#   cloud_build   the cloud layer onto vpcsim.Cloud; explain's results
#   results       Run: running a built scenario, results.json and trace.jsonl
#   build         _Builder: a Scenario onto a new Network
#   validated     Scenario (build, run, summary)
#   cloud_validate, validate   the YAML checked field by field into a Scenario
#   entry         load, loads, run

from vpcsim.scenario.cloud_validate import EXPLAIN_EXPECT_VALUES
from vpcsim.scenario.entry import load, loads, run
from vpcsim.scenario.errors import ScenarioError
from vpcsim.scenario.results import ProgressFn, Run
from vpcsim.scenario.validate import EXPECT_VALUES
from vpcsim.scenario.validated import Scenario

# Internals the tests and benchmarks reach by their old names (vpcsim.scenario._parse_yaml, ...).
from vpcsim.scenario.validate import _Validator as _Validator
from vpcsim.scenario.yaml_fast import _Fallback as _Fallback
from vpcsim.scenario.yaml_fast import _parse_yaml as _parse_yaml
from vpcsim.scenario.yaml_fast import _parse_yaml_fast as _parse_yaml_fast
from vpcsim.scenario.yaml_lines import _Loader as _Loader
from vpcsim.scenario.yaml_lines import _Map as _Map
from vpcsim.scenario.yaml_lines import _Seq as _Seq

__all__ = [
    "EXPECT_VALUES",
    "EXPLAIN_EXPECT_VALUES",
    "ProgressFn",
    "Run",
    "Scenario",
    "ScenarioError",
    "load",
    "loads",
    "run",
]
