"""Progress bars for long CLI work (replay, reembed, export), drawn only on a terminal.

The bar runs in a thread that asks ``measure()`` every ``period`` seconds how far the work
is (``Progress(label, done, total)``, ``total`` None for an open-ended count) and redraws
one line on stderr.  When stdout or stderr is not a terminal (a pipe, a file, a test, a
systemd journal) nothing is drawn and ``measure`` is never called, so scripts that read the
command's output lines see exactly what they saw before.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True, slots=True)
class Progress:
    label: str
    done: int
    total: int | None = None
    detail: str = ""  # after the numbers, cut first when the terminal is narrow


Measure = Callable[[], Progress]
BAR_WIDTH = 30


def interactive(stdout: TextIO | None = None, stderr: TextIO | None = None) -> bool:
    """True when both stdout and stderr are terminals."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    return bool(out.isatty() and err.isatty())


def render(progress: Progress, elapsed: float, width: int) -> str:
    """One line: ``label [#####.....] 120/400 30%  12s`` (or a count without a total)."""
    if progress.total:
        share = min(progress.done / progress.total, 1.0)
        filled = int(share * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        line = (
            f"{progress.label} [{bar}] {progress.done}/{progress.total} "
            f"{share:4.0%}  {elapsed:.0f}s"
        )
    else:
        line = f"{progress.label} {progress.done}  {elapsed:.0f}s"
    if progress.detail:
        line += f"  {progress.detail}"
    return line[: max(width - 1, 10)]


class Bar:
    """The line being drawn; ``say`` prints a message above it without mangling either."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.shown = 0

    def draw(self, line: str) -> None:
        if self.out is None:
            return
        with self.lock:
            self.out.write("\r" + line.ljust(self.shown))
            self.out.flush()
            self.shown = len(line)

    def clear(self) -> None:
        if self.out is None or not self.shown:
            return
        self.out.write("\r" + " " * self.shown + "\r")
        self.out.flush()
        self.shown = 0

    def say(self, message: str) -> None:
        """Print ``message`` on its own line on stderr; the bar comes back at its next draw."""
        with self.lock:
            self.clear()
            print(message, file=sys.stderr, flush=True)


@contextmanager
def progress_bar(
    measure: Measure,
    *,
    period: float = 0.5,
    stream: TextIO | None = None,
    enabled: bool | None = None,
) -> Iterator[Bar]:
    """Draw ``measure()`` on ``stream`` (stderr) while the block runs, when ``enabled``.

    ``enabled`` defaults to ``interactive()``.  A failing ``measure`` (the store briefly
    locked, say) skips one redraw; it never disturbs the work.  Messages printed during
    the block go through the yielded ``Bar.say``.
    """
    out = stream or sys.stderr
    if not (interactive() if enabled is None else enabled):
        yield Bar(None)
        return
    bar = Bar(out)
    stop = threading.Event()
    started = time.monotonic()
    width = shutil.get_terminal_size((80, 20)).columns

    def draw() -> None:
        while not stop.wait(period):
            try:
                line = render(measure(), time.monotonic() - started, width)
            except Exception:  # a progress bar never breaks the work
                continue
            bar.draw(line)
        with bar.lock:
            bar.clear()

    thread = threading.Thread(target=draw, name="progress", daemon=True)
    thread.start()
    try:
        yield bar
    finally:
        stop.set()
        thread.join(timeout=5)
