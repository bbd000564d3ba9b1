"""Operators' corrections to a topic: recorded once, honoured by every later version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from newspulse.errors import StoreError
from newspulse.store import tables as t
from newspulse.store.base import Correction, as_utc
from newspulse.store.rows import StoreRows


class CorrectionRows(StoreRows):
    def add_correction(
        self, topic: str, text: str, *, created_at: dt.datetime, article_id: int | None = None
    ) -> int:
        """Record a correction; returns its id.  An unknown topic or article is an error."""
        with self.transaction() as connection:
            if (
                connection.execute(select(t.topics.c.slug).where(t.topics.c.slug == topic)).first()
                is None
            ):
                raise StoreError("no such topic", topic)
            if (
                article_id is not None
                and connection.execute(
                    select(t.articles.c.id).where(t.articles.c.id == article_id)
                ).first()
                is None
            ):
                raise StoreError("no such article", str(article_id))
            try:
                result = connection.execute(
                    insert(t.corrections).values(
                        topic=topic, text=text, article_id=article_id, created_at=created_at
                    )
                )
            except IntegrityError as exc:
                raise StoreError("cannot record the correction", topic) from exc
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def list_corrections(self, topic: str) -> list[Correction]:
        """A topic's corrections, oldest first (the order they were made in)."""
        c = t.corrections.c
        query = select(t.corrections).where(c.topic == topic).order_by(c.created_at, c.id)
        with self.reading() as connection:
            return [
                Correction(
                    id=row["id"],
                    topic=row["topic"],
                    text=row["text"],
                    created_at=as_utc(row["created_at"]),
                    article_id=row["article_id"],
                )
                for row in connection.execute(query).mappings()
            ]
