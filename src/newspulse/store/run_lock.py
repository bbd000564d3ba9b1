"""One ``newspulse run`` per store: a second one is refused with a clear message.

Two schedulers on one store would poll every feed twice and race to write the
same briefing versions.  The lock is one the operating system or the database
drops when its holder dies (``kill -9`` included), so a crash never leaves a
stale lock behind: an advisory ``flock`` on a file beside a SQLite database, a
session-level ``pg_try_advisory_lock`` on PostgreSQL.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from newspulse.errors import StoreError
from newspulse.store.sql import SqlStore

# pg advisory lock key: "NewsPulse run" as a stable 63-bit number.
POSTGRES_KEY = 0x4E50_5255_4E00_0001


class RunLockedError(StoreError):
    """Another ``newspulse run`` is working on this store."""


@contextmanager
def run_lock(store: SqlStore) -> Iterator[None]:
    """Hold the store's run lock for the ``with`` block, or raise ``RunLockedError``."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            yield  # an in-memory store is private to its process
            return
        with file_lock(Path(f"{url.database}.run.lock"), store.url):
            yield
        return
    with postgres_lock(store):
        yield


@contextmanager
def file_lock(path: Path, resource: str) -> Iterator[None]:
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLockedError(
                "another `newspulse run` is already working on this store", resource
            ) from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(descriptor)  # closing drops the lock


@contextmanager
def postgres_lock(store: SqlStore) -> Iterator[None]:
    with store.engine.connect() as connection:
        taken = connection.execute(select(func.pg_try_advisory_lock(POSTGRES_KEY))).scalar()
        connection.commit()
        if not taken:
            raise RunLockedError(
                "another `newspulse run` is already working on this store", store.url
            )
        try:
            yield
        finally:
            connection.execute(select(func.pg_advisory_unlock(POSTGRES_KEY)))
            connection.commit()
