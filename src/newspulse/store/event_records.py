"""Event summaries as the briefing and the API read them: one row per member, grouped
into an ``EventSummary`` per event (shared by every read of events)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, literal, select
from sqlalchemy.engine import RowMapping

from newspulse.domain import DateSource, EventSummary
from newspulse.store import tables as t
from newspulse.store.base import as_utc
from newspulse.store.vectors import blob_to_vector


def member_rows(topic: str | None) -> Select[Any]:
    """One row per member of an event, grouped by event and oldest first, with the member's
    routing score in ``topic`` (None without one): what ``summarise_events`` reads."""
    score = t.article_topics.c.score if topic is not None else literal(None).label("score")
    query = (
        select(
            t.events,
            t.event_articles.c.article_id,
            t.articles.c.source_name,
            t.articles.c.date_source,
            t.articles.c.published_at,
            score,
        )
        .join(t.event_articles, t.event_articles.c.event_id == t.events.c.id)
        .join(t.articles, t.articles.c.id == t.event_articles.c.article_id)
    )
    if topic is not None:
        query = query.outerjoin(
            t.article_topics,
            and_(
                t.article_topics.c.article_id == t.articles.c.id,
                t.article_topics.c.topic == topic,
            ),
        )
    return query.order_by(t.events.c.id, t.articles.c.published_at, t.articles.c.id)


def summarise_events(rows: Iterable[RowMapping]) -> list[EventSummary]:
    """Members grouped per event.  An event's dates come from members whose date a feed or
    the text stated: an undated article (dated when fetched) must not make a weeks-old
    story look like today's news, in ranking, the window or "Notable"."""
    grouped: dict[int, list[RowMapping]] = {}
    for row in rows:
        grouped.setdefault(row["id"], []).append(row)
    summaries = []
    for event_id, members in grouped.items():
        head = members[0]
        dated = [m for m in members if m["date_source"] != DateSource.FETCH_TIME.value] or members
        scores = [m["score"] for m in members if m["score"] is not None]
        share = len(scores) / len(members)
        summaries.append(
            EventSummary(
                id=event_id,
                label=head["label"],
                first_seen=min(as_utc(m["published_at"]) for m in dated),
                last_seen=max(as_utc(m["published_at"]) for m in dated),
                article_ids=tuple(m["article_id"] for m in members),
                sources=tuple(m["source_name"] for m in members),
                centroid=blob_to_vector(head["centroid"]),
                topic_fit=(sum(scores) / len(scores)) * share if scores else 0.0,
                topic_share=share,
                salience=head["salience"],
                has_known_date=any(m["date_source"] == DateSource.FEED.value for m in members),
                topic_article_ids=tuple(m["article_id"] for m in members if m["score"] is not None),
            )
        )
    return summaries
