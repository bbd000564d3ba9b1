"""Small builders for writer tests: real sentences from the bundled AI corpus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from newspulse.domain import Article, EventSummary, Topic

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


# Real sentences from the bundled AI corpus, two outlets per story, one story per event.
STORIES = (
    (
        "Artificial Intelligence chip startup MatX has raised $500 million in a Series B round "
        "led by Jane Street to build its MatX One processor.",
        "MatX raised $500 million in a Series B round led by Jane Street for its MatX One chip.",
    ),
    (
        "Western Digital has sold out of hard drives for 2026 as AI companies buy most of its "
        "storage capacity, chief executive Irving Tan said.",
        "Western Digital chief executive Irving Tan said the company has sold out of hard drives "
        "for 2026.",
    ),
    (
        "Meta signed three nuclear energy agreements with Vistra, Oklo and TerraPower to power "
        "its Prometheus AI data center in New Albany, Ohio.",
        "Vistra, Oklo and TerraPower will supply 6.6 GW of nuclear power to Meta's Prometheus "
        "data center in Ohio.",
    ),
    (
        "Alphabet said it expects 2026 capital expenditures of $175 billion to $185 billion, "
        "more than double its 2025 spending.",
        "Alphabet plans capital expenditures of $175 billion to $185 billion in 2026, analysts "
        "said the spending could pressure margins.",
    ),
)
TOPIC = Topic("ai-infra", "ai", "AI Infrastructure", "tag", "desc")


def build_stories(
    stories: Sequence[Sequence[str]] = STORIES, *, days_ago: float = 20
) -> tuple[list[EventSummary], dict[int, Article]]:
    """One event per story (ids 1, 2, ...), article ids ``10 * story + n``, falling salience."""
    articles: dict[int, Article] = {}
    events: list[EventSummary] = []
    for number, story in enumerate(stories):
        members = []
        for offset, text in enumerate(story):
            article_id = number * 10 + offset + 1
            members.append(
                make_article(article_id, text, title=f"Story {number}", days_ago=days_ago)
            )
            articles[article_id] = members[-1]
        events.append(
            make_event(number + 1, members, direction=number, salience=len(stories) - number)
        )
    return events, articles
