"""Small builders for writer tests: real sentences from the bundled AI corpus."""

from __future__ import annotations

import datetime as dt

import numpy as np

from newspulse.domain import Article, EventSummary

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def make_article(
    article_id: int, text: str, *, title: str = "Title", source: str = "", days_ago: float = 1
) -> Article:
    return Article(
        id=article_id,
        uid=f"a{article_id:03d}",
        url=f"https://news{article_id}.example/story",
        canonical_url=f"https://news{article_id}.example/story",
        source=source or f"news{article_id}.example",
        title=title,
        text=text,
        published_at=NOW - dt.timedelta(days=days_ago),
        date_estimated=False,
    )


def make_event(
    event_id: int, articles: list[Article], direction: int, *, salience: float = 1.0
) -> EventSummary:
    centroid = np.zeros(8, dtype=np.float32)
    centroid[direction % 8] = 1.0
    return EventSummary(
        id=event_id,
        label=articles[0].title,
        first_seen=min(a.published_at for a in articles),
        last_seen=max(a.published_at for a in articles),
        article_ids=tuple(a.id for a in articles),
        sources=tuple(a.source for a in articles),
        centroid=centroid,
        topic_fit=0.6,
        salience=salience,
    )
