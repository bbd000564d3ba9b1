"""Verticals and topics: the operator's catalog as stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from newspulse.domain import (
    Catalog,
    Topic,
    Vertical,
)
from newspulse.store import tables as t
from newspulse.store.rows import StoreRows


class CatalogRows(StoreRows):
    # --- catalog -------------------------------------------------------------------------

    def save_catalog(self, catalog: Catalog) -> None:
        """Upsert verticals and topics; topics missing from the file become inactive."""
        with self.transaction() as connection:
            for vertical in catalog.verticals:
                upsert(
                    connection,
                    t.verticals,
                    {"slug": vertical.slug},
                    {"name": vertical.name, "description": vertical.description},
                )
            connection.execute(update(t.topics).values(active=False))
            for position, topic in enumerate(catalog.topics):
                values: dict[str, Any] = {
                    "vertical": topic.vertical,
                    "title": topic.title,
                    "tagline": topic.tagline,
                    "description": topic.description,
                    "include_terms": list(topic.include),
                    "exclude_terms": list(topic.exclude),
                    "threshold": topic.threshold,
                    "window_days": topic.window_days,
                    "facets": list(topic.facets),
                    "language": topic.language,
                    "position": position,
                    "active": True,
                }
                upsert(connection, t.topics, {"slug": topic.slug}, values)

    def list_verticals(self) -> list[Vertical]:
        with self.reading() as connection:
            used = select(t.topics.c.vertical).where(t.topics.c.active.is_(True))
            rows = connection.execute(
                select(t.verticals).where(t.verticals.c.slug.in_(used)).order_by(t.verticals.c.slug)
            ).mappings()
            return [Vertical(r["slug"], r["name"], r["description"]) for r in rows]

    def list_topics(self) -> list[Topic]:
        with self.reading() as connection:
            rows = connection.execute(
                select(t.topics).where(t.topics.c.active.is_(True)).order_by(t.topics.c.position)
            ).mappings()
            return [topic_from_row(row) for row in rows]


def upsert(connection: Connection, table: Any, key: dict[str, Any], values: dict[str, Any]) -> None:
    """Portable insert-or-update on a primary key (small catalog tables only)."""
    condition = and_(*(table.c[name] == value for name, value in key.items()))
    exists = connection.execute(select(func.count()).select_from(table).where(condition))
    if exists.scalar_one():
        connection.execute(update(table).where(condition).values(**values))
    else:
        connection.execute(insert(table).values(**key, **values))


def topic_from_row(row: RowMapping) -> Topic:
    return Topic(
        slug=row["slug"],
        vertical=row["vertical"],
        title=row["title"],
        tagline=row["tagline"],
        description=row["description"],
        include=tuple(row["include_terms"]),
        exclude=tuple(row["exclude_terms"]),
        threshold=row["threshold"],
        window_days=row["window_days"],
        facets=tuple(row["facets"] or ()),
        language=row["language"],
    )
