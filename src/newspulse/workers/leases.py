"""A claim held for as long as its holder works: renewed by a heartbeat thread.

The lease on a claim is short enough that a crashed worker's items return to the pool
soon; a batch that takes longer than the lease keeps its claim because the heartbeat
renews it every third of the lease.  ``kill -9`` stops the heartbeat with the process,
so the lease lapses by itself.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from newspulse.store.sql import SqlStore

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def heartbeat(
    store: SqlStore, step: str, ids: Sequence[int], *, worker: str, lease: dt.timedelta
) -> Iterator[None]:
    """Renew ``worker``'s claims on ``ids`` every ``lease / 3`` until the block ends,
    then release them (the work is done, or given back to the pool on an error)."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease.total_seconds() / 3):
            try:
                store.renew(step, ids, worker=worker, lease=lease, now=utc_now())
            except Exception:  # a missed renewal only shortens the lease
                log.exception("renewing the %s claims failed", step)

    thread = threading.Thread(target=renew, name=f"lease-{step}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        store.release(step, ids, worker=worker)


@contextmanager
def single_writer(
    store: SqlStore, step: str, key: int, *, worker: str, lease: dt.timedelta
) -> Iterator[bool]:
    """Hold the lease of a single-writer step (``key`` names what it writes); yields
    False, holding nothing, while another live worker holds it."""
    taken = store.claim_ids(step, [key], worker=worker, lease=lease, now=utc_now())
    if not taken:
        yield False
        return
    with heartbeat(store, step, taken, worker=worker, lease=lease):
        yield True
