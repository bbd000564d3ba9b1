"""What keeps ``newspulse run`` safe to leave running: clean stops and a patient store.

- ``StopSignals``: SIGTERM and SIGINT ask the loop to stop; it finishes the step it is in,
  leaves the ``with run_lock(...)`` block (releasing the lock) and exits 0.  A second signal
  stops at once (``SystemExit``), still unwinding the lock.
- ``retry_busy``: a tick that fails because the store is busy (SQLite "database is locked",
  PostgreSQL lock or statement timeouts, deadlocks, serialization failures) is retried after
  a capped exponential backoff; every step works on stored pending work and is idempotent,
  so a retried tick neither loses nor duplicates anything.  When the store stays busy,
  ``StoreBusyError`` says so, naming the store.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

from newspulse.errors import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# PostgreSQL SQLSTATEs of a busy store: lock_not_available, query_canceled (lock_timeout or
# statement_timeout), deadlock_detected, serialization_failure.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")


class StoreBusyError(StoreError):
    """The store stayed busy through every retry."""


class StopRequestedError(Exception):
    """A stop signal arrived while waiting to retry."""


class StopSignals:
    """Set by SIGTERM/SIGINT; the run loop checks it between steps and sleeps on it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.received: str | None = None

    @property
    def stopping(self) -> bool:
        return self._event.is_set()

    def request(self, name: str) -> None:
        self.received = name
        self._event.set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when a stop was asked for (at once, not after)."""
        return self._event.wait(seconds)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.stopping:
            log.warning("second %s: stopping now", name)
            raise SystemExit(128 + signum)
        log.warning("%s: stopping after the current step", name)
        self.request(name)

    @contextmanager
    def installed(self) -> Iterator[StopSignals]:
        """Handle SIGTERM and SIGINT for the ``with`` block (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
        for number in STOP_SIGNALS:
            signal.signal(number, self._handle)
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the store is busy rather than broken."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.OperationalError) and any(
            message in str(current).lower() for message in SQLITE_BUSY_MESSAGES
        ):
            return True
        if getattr(current, "sqlstate", None) in BUSY_SQLSTATES:  # psycopg errors
            return True
        original = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError wrapper
        if isinstance(original, BaseException) and is_busy(original):
            return True
        current = current.__cause__ or current.__context__
    return False


def backoff_delays(retries: int, first: float, cap: float) -> list[float]:
    """``first``, doubled each retry, never above ``cap``: the waits before each retry."""
    return [min(first * 2**attempt, cap) for attempt in range(retries)]


def retry_busy(
    action: Callable[[], T],
    *,
    retries: int,
    first: float,
    cap: float,
    resource: str,
    wait: Callable[[float], bool],
    on_retry: Callable[[int, float, BaseException], None] | None = None,
) -> T:
    """``action()``, retried after each of ``backoff_delays`` while the store is busy.

    ``wait(seconds)`` sleeps and returns True when a stop was asked for, which ends the
    retries with ``StopRequestedError``.  Any other error is raised at once.
    """
    delays = backoff_delays(retries, first, cap)
    for attempt in range(retries + 1):
        try:
            return action()
        except Exception as exc:
            if not is_busy(exc):
                raise
            if attempt == retries:
                raise StoreBusyError(
                    f"the store stayed busy through {retries} retries over "
                    f"{sum(delays):.0f}s (another process holds a lock: a long transaction, "
                    "a backup, a migration?)",
                    resource,
                ) from exc
            delay = delays[attempt]
            if on_retry is not None:
                on_retry(attempt + 1, delay, exc)
            if wait(delay):
                raise StopRequestedError from exc
    raise AssertionError("unreachable")  # pragma: no cover
