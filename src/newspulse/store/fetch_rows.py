"""Feed items waiting for their page: stored by the poll, taken by the fetch step.

The ``entry`` column holds the feed's item as ``entry_to_json`` writes it; this module
owns that shape.  A row lives from the poll that found the item until the fetch step
ingested it (with the page's text, or the feed's when the page gave nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from newspulse.domain import Entry
from newspulse.records import PendingFetch
from newspulse.store import tables as t
from newspulse.store.rows import StoreRows


def entry_to_json(entry: Entry) -> dict[str, Any]:
    document = asdict(entry)
    moment = entry.published_at
    document["published_at"] = moment.isoformat() if moment is not None else None
    return document


def entry_from_json(document: dict[str, Any]) -> Entry:
    values = dict(document)
    moment = values.get("published_at")
    values["published_at"] = dt.datetime.fromisoformat(moment) if moment else None
    return Entry(**values)


class FetchRows(StoreRows):
    def add_pending_fetches(
        self,
        source_id: int | None,
        entries: Sequence[tuple[Entry, str]],
        now: dt.datetime,
    ) -> int:
        """Store (entry, host) pairs as pending fetches; an item already waiting is kept
        as it is (re-polling a feed adds nothing).  Returns how many were new."""
        if not entries:
            return 0
        rows = [
            {
                "url": entry.url,
                "source_id": source_id,
                "host": host,
                "entry": entry_to_json(entry),
                "published_at": entry.published_at,
                "attempts": 0,
                "created_at": now,
            }
            for entry, host in entries
        ]
        with self.transaction() as connection:
            insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            statement = (
                insert(t.pending_fetches)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["url"])
                .returning(t.pending_fetches.c.id)
            )
            return len(connection.execute(statement).all())

    def fetch_candidates(
        self, source_id: int, *, now: dt.datetime, worker: str
    ) -> list[PendingFetch]:
        """A source's pending fetches that no other worker holds, newest first."""
        c = t.pending_fetches.c
        claims = t.work_claims.c
        held = (
            select(claims.item_id)
            .where(claims.step == "fetch", claims.lease_until > now, claims.worker != worker)
            .scalar_subquery()
        )
        query = (
            select(t.pending_fetches)
            .where(c.source_id == source_id, c.id.not_in(held))
            .order_by(c.published_at.desc().nulls_last(), c.url)
        )
        return self._pending(query)

    def pending_fetches_by_ids(self, ids: Sequence[int]) -> list[PendingFetch]:
        c = t.pending_fetches.c
        found = {
            item.id: item
            for item in self._pending(select(t.pending_fetches).where(c.id.in_(list(ids))))
        }
        return [found[i] for i in ids if i in found]

    def _pending(self, query: Any) -> list[PendingFetch]:
        with self.reading() as connection:
            return [
                PendingFetch(
                    id=row["id"],
                    url=row["url"],
                    source_id=row["source_id"],
                    host=row["host"],
                    entry=entry_from_json(row["entry"]),
                    attempts=row["attempts"],
                    last_error=row["last_error"],
                )
                for row in connection.execute(query).mappings()
            ]

    def count_pending_fetches(self, source_id: int | None = None) -> int:
        query = select(func.count()).select_from(t.pending_fetches)
        if source_id is not None:
            query = query.where(t.pending_fetches.c.source_id == source_id)
        with self.reading() as connection:
            return int(connection.execute(query).scalar_one())

    def pending_fetch_sources(self) -> dict[int | None, int]:
        """Pending fetches per source (None: items of no registered source)."""
        c = t.pending_fetches.c
        query = select(c.source_id, func.count()).group_by(c.source_id)
        with self.reading() as connection:
            return {source: int(count) for source, count in connection.execute(query)}

    def note_fetch_error(self, ids: Sequence[int], error: str) -> None:
        """Keep why handling these items failed; they stay pending for another try."""
        with self.transaction() as connection:
            connection.execute(
                update(t.pending_fetches)
                .where(t.pending_fetches.c.id.in_(list(ids)))
                .values(last_error=error[:2000])
            )

    def finish_fetches(self, ids: Sequence[int]) -> None:
        """The items are ingested: drop them and their claims in one transaction."""
        wanted = list(ids)
        with self.transaction() as connection:
            connection.execute(
                delete(t.work_claims).where(
                    t.work_claims.c.step == "fetch", t.work_claims.c.item_id.in_(wanted)
                )
            )
            connection.execute(delete(t.pending_fetches).where(t.pending_fetches.c.id.in_(wanted)))
