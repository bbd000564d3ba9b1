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
    return line[: max(width - 1, 10)]


@contextmanager
def progress_bar(
    measure: Measure,
    *,
    period: float = 0.5,
    stream: TextIO | None = None,
    enabled: bool | None = None,
) -> Iterator[None]:
    """Draw ``measure()`` on ``stream`` (stderr) while the block runs, when ``enabled``.

    ``enabled`` defaults to ``interactive()``.  A failing ``measure`` (the store briefly
    locked, say) skips one redraw; it never disturbs the work.
    """
    out = stream or sys.stderr
    if not (interactive() if enabled is None else enabled):
        yield
        return
    stop = threading.Event()
    started = time.monotonic()
    width = shutil.get_terminal_size((80, 20)).columns

    def draw() -> None:
        shown = 0
        while not stop.wait(period):
            try:
                line = render(measure(), time.monotonic() - started, width)
            except Exception:  # a progress bar never breaks the work
                continue
            out.write("\r" + line.ljust(shown))
            out.flush()
            shown = len(line)
        if shown:
            out.write("\r" + " " * shown + "\r")
            out.flush()

    thread = threading.Thread(target=draw, name="progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
