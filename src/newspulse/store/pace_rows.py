"""When each host may next be fetched, one clock for every fetching process (``host_pace``).

``reserve_host_start`` is one atomic upsert: the row's ``next_at`` moves to
``max(next_at, now) + delay`` and the reserved start is the new value less ``delay``.
Concurrent reservations for one host queue on the row (PostgreSQL's row lock of
``ON CONFLICT DO UPDATE``; SQLite's single writer), so each gets a start at least
``delay`` after the one before, and none waits while holding anything.  On PostgreSQL
``now`` is the database's clock, so workers on machines whose clocks disagree still
share one pace; SQLite (one machine) uses this process's clock.
"""

from __future__ import annotations

import time

from sqlalchemy import ColumnElement, Float, func, literal
from sqlalchemy.dialects import postgresql, sqlite

from newspulse.store import tables as t
from newspulse.store.rows import StoreRows


class PaceRows(StoreRows):
    def reserve_host_start(self, host: str, delay: float) -> float:
        """Reserve a request start for ``host`` ``delay`` seconds after the last one
        reserved; the seconds to wait until it (0 when the host is free now)."""
        pace = t.host_pace.c
        with self.transaction() as connection:
            now: ColumnElement[float]
            if connection.dialect.name == "postgresql":
                now = func.extract("epoch", func.now()).cast(Float)
                later = func.greatest(pace.next_at, now)
                insert = postgresql.insert
            else:
                now = literal(time.time(), Float)
                later = func.max(pace.next_at, now)
                insert = sqlite.insert  # type: ignore[assignment]
            statement = (
                insert(t.host_pace)
                .values(host=host, next_at=now + delay)
                .on_conflict_do_update(index_elements=["host"], set_={"next_at": later + delay})
                .returning(pace.next_at, now)
            )
            next_at, moment = connection.execute(statement).one()
        return max(float(next_at) - delay - float(moment), 0.0)
