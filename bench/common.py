"""Shared helpers for the benchmarks: timing, peak memory, one printed line per figure."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
CORPUS = ROOT / "examples" / "corpus"
SHARED = ROOT.parent / "shared"


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Timer:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    started = time.perf_counter()
    try:
        yield timer
    finally:
        timer.seconds = time.perf_counter() - started


def report(name: str, count: int, seconds: float, unit: str = "items") -> None:
    rate = count / seconds if seconds > 0 else float("inf")
    print(
        f"{name:<44} {count:>8} {unit:<9} {seconds:>8.3f} s {rate:>12,.1f} {unit}/s "
        f"peak RSS {peak_rss_mib():,.0f} MiB",
        flush=True,
    )
