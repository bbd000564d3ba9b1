"""The reader-facing filters on articles and events, built once for listing, counting and search.

``list_*``, ``count_*`` and ``search`` must agree on what a filter keeps, or a page's
``total`` would disagree with its items; so each table's conditions are built here only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, select

from newspulse.store import tables as t
from newspulse.store.base import ArticleFilters


def article_filters(filters: ArticleFilters) -> list[ColumnElement[bool]]:
    """Conditions on ``articles``: routed to ``topic``/``vertical``, from ``source``,
    published within [``since``, ``until``]."""
    vertical, topic, source = filters.get("vertical"), filters.get("topic"), filters.get("source")
    since, until = filters.get("since"), filters.get("until")
    a = t.articles.c
    conditions: list[ColumnElement[bool]] = []
    if topic is not None or vertical is not None:
        routed = select(t.article_topics.c.article_id).join(
            t.topics, t.topics.c.slug == t.article_topics.c.topic
        )
        if topic is not None:
            routed = routed.where(t.article_topics.c.topic == topic)
        if vertical is not None:
            routed = routed.where(t.topics.c.vertical == vertical)
        conditions.append(a.id.in_(routed))
    if source is not None:
        conditions.append(a.source_name == source)
    if since is not None:
        conditions.append(a.published_at >= since)
    if until is not None:
        conditions.append(a.published_at <= until)
    return conditions


def event_filters(
    topic: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    *,
    vertical: str | None = None,
    source: str | None = None,
) -> list[ColumnElement[bool]]:
    """Conditions on ``events``: a member routed to ``topic``/``vertical``, a member from
    ``source``, active at some time within [``since``, ``until``].

    Membership is asked per event (correlated ``EXISTS``), not as ``id IN (every event of
    the topic)``: a briefing reads the window's few events, and the uncorrelated set grows
    with the topic's whole history (bench/bench_store_growth.py: the write step went from
    5 s to 77 s per 1,000 new articles between a 100k and a 1M-article SQLite store)."""
    e = t.events.c
    members = t.event_articles.c
    conditions: list[ColumnElement[bool]] = []
    if topic is not None or vertical is not None:
        routed = (
            select(members.event_id)
            .join(t.article_topics, t.article_topics.c.article_id == members.article_id)
            .where(members.event_id == e.id)
        )
        if topic is not None:
            routed = routed.where(t.article_topics.c.topic == topic)
        if vertical is not None:
            routed = routed.join(t.topics, t.topics.c.slug == t.article_topics.c.topic).where(
                t.topics.c.vertical == vertical
            )
        conditions.append(routed.exists())
    if source is not None:
        from_source = (
            select(members.event_id)
            .join(t.articles, t.articles.c.id == members.article_id)
            .where(members.event_id == e.id, t.articles.c.source_name == source)
        )
        conditions.append(from_source.exists())
    if since is not None:
        conditions.append(e.last_seen >= since)
    if until is not None:
        conditions.append(e.first_seen <= until)
    return conditions
