"""Progress for commands that can take longer than a second (`run`, `validate`, `replay`).

Two shapes, both drawn on a stream (stderr) and only once the work has taken `delay` seconds of
wall time, so that a quick command prints nothing extra:

- ``Bar``: the amount of work is known (simulated time to an end, frames of a capture). The caller
  calls ``update(done, total, text)`` from time to time; ``SimulatedTime`` is the bar of a run.
- ``Status``: it is not (loading a file, a run without an end time). A context manager whose
  thread redraws ``label: phase (elapsed)`` twice a second; the caller may name phases as they
  start. The thread only writes to the stream, so the work itself may hold the GIL or release it
  (the simulator releases it while it runs; pure Python phases are redrawn between bytecodes).

Whether to draw at all is the caller's choice: ``wanted(stream, force)`` says yes on a terminal
or when the user asked (`--progress`). Nothing here changes what the work does or its results.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import IO, Any, ContextManager, Optional

__all__ = ["DELAY", "Bar", "SimulatedTime", "Status", "status", "wanted"]

DELAY = 1.0  # seconds of wall time before anything is drawn


def wanted(stream: IO[str], force: bool = False) -> bool:
    """Draw progress on `stream`: when forced, or when it is a terminal."""
    if force:
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def status(stream: IO[str], show: bool, label: str) -> ContextManager[Any]:
    """A ``Status`` line on `stream` while the body runs when `show`, else nothing drawn."""
    return Status(stream, label) if show else contextlib.nullcontext()


class Bar:
    """``[#####.........]  33.3%  TEXT  (2.1s)``, redrawn in place with a carriage return."""

    def __init__(self, stream: IO[str], delay: Optional[float] = None, width: int = 30) -> None:
        self.stream = stream
        self.delay = DELAY if delay is None else delay
        self.width = width
        self.started = time.monotonic()
        self.drawn = False

    def update(self, done: float, total: float, text: str = "") -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < self.delay:
            return
        fraction = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {fraction * 100:5.1f}%  {text}{'  ' if text else ''}({elapsed:.1f}s)")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        """Ends the bar's line, if one was drawn."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


class SimulatedTime(Bar):
    """The bar of a run to an end time: a ``progress(now_ns, end_ns)`` callback for Scenario.run."""

    def __call__(self, now_ns: int, end_ns: int) -> None:
        from vpcsim import _core  # the extension formats durations as the rest of vpcsim does

        self.update(now_ns, end_ns, f"{_core.format_duration(now_ns)} of {_core.format_duration(end_ns)} simulated")


class Status:
    """``label: phase... (3.2s)`` on one line, redrawn by a thread once `delay` has passed.

    ``with Status(sys.stderr, "validating big.yaml") as status: status.phase("parsing"); ...``
    """

    def __init__(self, stream: IO[str], label: str, delay: Optional[float] = None, interval: float = 0.5) -> None:
        self.stream = stream
        self.label = label
        self.delay = DELAY if delay is None else delay
        self.interval = interval
        self.started = time.monotonic()
        self.current = ""
        self.drawn = False
        self._width = 0
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="vpcsim-progress", daemon=True)

    def phase(self, text: str) -> None:
        """Names what is being done now (drawn at the next redraw)."""
        self.current = text

    def _line(self) -> str:
        elapsed = time.monotonic() - self.started
        return f"{self.label}{': ' + self.current if self.current else ''}... ({elapsed:.1f}s)"

    def _draw(self) -> None:
        with self._lock:
            line = self._line()
            self.stream.write("\r" + line.ljust(self._width))
            self.stream.flush()
            self._width = len(line)
            self.drawn = True

    def _loop(self) -> None:
        if self._done.wait(self.delay):
            return
        while not self._done.is_set():
            self._draw()
            self._done.wait(self.interval)

    def __enter__(self) -> "Status":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._done.set()
        self._thread.join()
        # Work that took the delay ends with its line even if the thread had no turn to draw it yet.
        if self.drawn or time.monotonic() - self.started >= self.delay:
            self._draw()  # the final elapsed time
            self.stream.write("\n")
            self.stream.flush()
