"""Sources (feeds and sites): the registry, their polling state and health."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import RowMapping

from newspulse.store import tables as t
from newspulse.store.base import SourcePollState, SourceRecord, as_utc
from newspulse.store.rows import StoreRows


class SourceRows(StoreRows):
    def add_source(
        self,
        url: str,
        *,
        name: str,
        now: dt.datetime,
        kind: str = "feed",
        homepage: str | None = None,
        vertical_hints: Sequence[str] = (),
    ) -> tuple[SourceRecord, bool]:
        """Register a source; an existing one keeps its state and gains the new hints.

        Returns the record and whether it was created.
        """
        with self.transaction() as connection:
            row = connection.execute(select(t.sources).where(t.sources.c.url == url)).mappings()
            existing = row.first()
            if existing is not None:
                hints = sorted({*existing["vertical_hints"], *vertical_hints})
                connection.execute(
                    update(t.sources).where(t.sources.c.url == url).values(vertical_hints=hints)
                )
                return dataclasses.replace(
                    source_from_row(existing), vertical_hints=tuple(hints)
                ), False
            connection.execute(
                insert(t.sources).values(
                    url=url,
                    kind=kind,
                    name=name,
                    homepage=homepage,
                    vertical_hints=sorted(set(vertical_hints)),
                    consecutive_errors=0,
                    items_seen=0,
                    created_at=now,
                )
            )
            created = connection.execute(select(t.sources).where(t.sources.c.url == url))
            return source_from_row(created.mappings().one()), True

    def list_sources(self, *, kinds: Sequence[str] = ("feed", "site")) -> list[SourceRecord]:
        query = select(t.sources).where(t.sources.c.kind.in_(kinds)).order_by(t.sources.c.id)
        with self.reading() as connection:
            return [source_from_row(row) for row in connection.execute(query).mappings()]

    def remove_source(self, url: str) -> bool:
        """Forget a source; its articles stay (they lose only the link to it)."""
        with self.transaction() as connection:
            found = connection.execute(select(t.sources.c.id).where(t.sources.c.url == url))
            source_id = found.scalar()
            if source_id is None:
                return False
            connection.execute(
                update(t.articles).where(t.articles.c.source_id == source_id).values(source_id=None)
            )
            connection.execute(delete(t.sources).where(t.sources.c.id == source_id))
            return True

    def get_source(self, source_id: int) -> SourceRecord | None:
        query = select(t.sources).where(t.sources.c.id == source_id)
        with self.reading() as connection:
            row = connection.execute(query).mappings().first()
        return source_from_row(row) if row is not None else None

    def due_sources(self, now: dt.datetime, *, limit: int = 10_000) -> list[SourceRecord]:
        """Sources to poll now: never polled or due, and not paused."""
        query = (
            select(t.sources)
            .where(
                t.sources.c.kind.in_(("feed", "site")),
                t.sources.c.paused_reason.is_(None),
                or_(t.sources.c.next_poll_at.is_(None), t.sources.c.next_poll_at <= now),
            )
            .order_by(t.sources.c.next_poll_at, t.sources.c.id)
            .limit(limit)
        )
        with self.reading() as connection:
            return [source_from_row(row) for row in connection.execute(query).mappings()]

    def save_poll_state(self, source_id: int, state: SourcePollState, *, new_items: int) -> None:
        with self.transaction() as connection:
            connection.execute(
                update(t.sources)
                .where(t.sources.c.id == source_id)
                .values(
                    **dataclasses.asdict(state),
                    items_seen=t.sources.c.items_seen + new_items,
                )
            )

    def resume_source(self, url: str) -> bool:
        """Clear a pause so the source is polled again at the next run."""
        with self.transaction() as connection:
            result = connection.execute(
                update(t.sources)
                .where(t.sources.c.url == url)
                .values(paused_reason=None, consecutive_errors=0, next_poll_at=None)
            )
            return bool(result.rowcount)


def source_from_row(row: RowMapping) -> SourceRecord:
    def moment(value: dt.datetime | None) -> dt.datetime | None:
        return as_utc(value) if value is not None else None

    return SourceRecord(
        id=row["id"],
        url=row["url"],
        kind=row["kind"],
        name=row["name"],
        homepage=row["homepage"],
        vertical_hints=tuple(row["vertical_hints"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        last_success_at=moment(row["last_success_at"]),
        consecutive_errors=row["consecutive_errors"],
        next_poll_at=moment(row["next_poll_at"]),
        paused_reason=row["paused_reason"],
        items_seen=row["items_seen"],
        created_at=as_utc(row["created_at"]),
        schedule=row["schedule"],
    )
