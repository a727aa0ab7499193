"""vpcsim.progress: the bar and the status line every long command draws on stderr, only after a
second of wall time, and what `run` and `validate` draw with --progress."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from vpcsim import cli, progress

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_bar_waits_a_second_of_wall_time() -> None:
    stream = io.StringIO()
    bar = progress.SimulatedTime(stream)
    bar(500, 1000)
    bar.finish()
    assert stream.getvalue() == ""  # a quick run draws nothing
    bar = progress.SimulatedTime(stream, delay=0.0, width=10)
    bar(250, 1000)
    bar.finish()
    assert stream.getvalue().startswith("\r[##........]  25.0%  250ns of 1us simulated")
    assert stream.getvalue().endswith("\n")


def test_a_bar_of_any_work() -> None:
    stream = io.StringIO()
    bar = progress.Bar(stream, delay=0.0, width=4)
    bar.update(3, 4, "3 of 4 frames")
    bar.update(9, 4)  # clamped
    bar.finish()
    text = stream.getvalue()
    assert text.startswith("\r[###.]  75.0%  3 of 4 frames  (")
    assert "\r[####] 100.0%  (" in text


def test_status_line_after_the_delay_only() -> None:
    stream = io.StringIO()
    with progress.Status(stream, "loading big.yaml", delay=0.0, interval=0.05) as status:
        status.phase("validating")
        time.sleep(0.3)
    text = stream.getvalue()
    assert "\rloading big.yaml: validating... (" in text and text.endswith("s)\n")
    stream = io.StringIO()
    with progress.Status(stream, "loading small.yaml", delay=5.0):
        pass
    assert stream.getvalue() == ""


def test_wanted_on_a_terminal_or_when_forced() -> None:
    assert not progress.wanted(io.StringIO())
    assert progress.wanted(io.StringIO(), force=True)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress.wanted(Terminal())


def test_validate_and_a_run_without_an_end_say_what_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["validate", str(REPO_ROOT / "scenarios" / "two_subnets.yaml"), "--progress"],
                    stdout=out, stderr=err) == 0
    assert "loading " in err.getvalue() and "two_subnets.yaml" in err.getvalue()
    assert ": ok: " in out.getvalue()
