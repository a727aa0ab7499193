"""Atheris target: bytes as a scenario file, through the YAML loader, the validator and the build of
the network in the Python extension (vpcsim.scenario.loads, what `vpcsim validate` and `run` do).

Bad input must give a ScenarioError whose text starts with the file name (file:line: field: what);
any other exception, a crash in the extension or a hang (-timeout) is a finding. Run by .ci/fuzz:

    python3 tests/fuzz/scenario_fuzz.py -max_total_time=20 SCRATCH_DIR tests/fuzz/corpus/scenario_fuzz
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["vpcsim"]):
    from vpcsim import scenario

FILENAME = "fuzz.yaml"


def test_one_input(data: bytes) -> None:
    # A scenario file is UTF-8 text (scenario.load reads it so); the fuzzer's bytes become text.
    text = data.decode("utf-8", errors="replace")
    try:
        scenario.loads(text, FILENAME)
    except scenario.ScenarioError as error:
        if not str(error).startswith(FILENAME):
            raise AssertionError(f"a ScenarioError that does not name the file first: {error}") from error


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
