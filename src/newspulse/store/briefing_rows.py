"""Briefing versions and their citations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, insert, select

from newspulse.store import tables as t
from newspulse.store.base import StoredVersion, VersionSummary, as_utc
from newspulse.store.rows import StoreRows


class BriefingRows(StoreRows):
    # --- briefings ---------------------------------------------------------------------------

    def latest_version(self, topic: str) -> StoredVersion | None:
        query = (
            select(t.briefing_versions)
            .where(t.briefing_versions.c.topic == topic)
            .order_by(t.briefing_versions.c.version.desc())
            .limit(1)
        )
        return self._one_version(query)

    def get_version(self, topic: str, version: int) -> StoredVersion | None:
        """One version of a topic by its number (permalinks), or None."""
        query = select(t.briefing_versions).where(
            t.briefing_versions.c.topic == topic, t.briefing_versions.c.version == version
        )
        return self._one_version(query)

    def _one_version(self, query: Select[Any]) -> StoredVersion | None:
        with self.reading() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return StoredVersion(
            id=row["id"],
            topic=row["topic"],
            version=row["version"],
            created_at=as_utc(row["created_at"]),
            fingerprint=row["fingerprint"],
            document=dict(row["document"]),
        )

    def list_versions(
        self, topic: str, *, limit: int | None = None, offset: int = 0
    ) -> list[VersionSummary]:
        """A topic's versions, newest first, without their documents (history, feeds)."""
        v = t.briefing_versions.c
        query = (
            select(v.topic, v.version, v.created_at, v.headline, v.writer, v.diff)
            .where(v.topic == topic)
            .order_by(v.version.desc())
            .offset(offset)
            .limit(limit)
        )
        with self.reading() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            VersionSummary(
                topic=row["topic"],
                version=row["version"],
                created_at=as_utc(row["created_at"]),
                headline=row["headline"],
                writer=row["writer"],
                diff=dict(row["diff"]),
            )
            for row in rows
        ]

    def count_versions(self, topic: str) -> int:
        query = select(func.count()).where(t.briefing_versions.c.topic == topic)
        with self.reading() as connection:
            return int(connection.execute(query).scalar_one())

    def latest_briefing(self, topic_slug: str) -> dict[str, Any] | None:
        version = self.latest_version(topic_slug)
        return version.document if version else None

    def save_version(
        self,
        *,
        topic: str,
        document: dict[str, Any],
        fingerprint: str,
        settings: dict[str, Any],
        model: str | None = None,
        input_article_ids: Sequence[int],
        diff: dict[str, Any],
        citations: Sequence[tuple[str, int, str, float]],
        created_at: dt.datetime,
    ) -> int:
        """Store a new version with its citations in one transaction; returns its number."""
        with self.transaction() as connection:
            current = connection.execute(
                select(func.max(t.briefing_versions.c.version)).where(
                    t.briefing_versions.c.topic == topic
                )
            ).scalar_one()
            number = (current or 0) + 1
            document = {**document, "version": number}
            version_id = connection.execute(
                insert(t.briefing_versions).values(
                    topic=topic,
                    version=number,
                    created_at=created_at,
                    headline=document["headline"],
                    document=document,
                    fingerprint=fingerprint,
                    writer=document.get("writer", "extractive"),
                    model=model,
                    settings=settings,
                    input_article_ids=list(input_article_ids),
                    diff=diff,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            for path, article_id, passage, score in citations:
                connection.execute(
                    insert(t.citations).values(
                        version_id=version_id,
                        statement_path=path,
                        article_id=article_id,
                        passage=passage,
                        support_score=score,
                    )
                )
        return number
