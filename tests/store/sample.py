"""A small, hand-made news day written through the store's own write methods.

Two events (a chip funding round with a syndicated copy, and a hostile-text story), a
loose article in another vertical; used by the store-read and search tests on both
backends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from newspulse.domain import (
    DatedEntry,
    DateSource,
    Entry,
    EventAssignment,
    LiveEvent,
    TopicMatch,
)
from newspulse.sources.catalog import load_catalog
from newspulse.store.base import NewArticle
from newspulse.store.sql import SqlStore

DAY = dt.datetime(2026, 2, 24, 9, 0, tzinfo=dt.UTC)
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> Wafer fab fire'


@dataclass(frozen=True)
class Sample:
    etched_reuters: int
    etched_bloomberg: int
    etched_copy: int
    hostile: int
    bitcoin: int
    funding_event: int
    hostile_event: int


def entry(url: str, source: str, title: str, text: str, hours: int) -> DatedEntry:
    published = DAY + dt.timedelta(hours=hours)
    item = Entry(url=url, source=source, title=title, text=text, published_at=published)
    return DatedEntry(item, url, published, DateSource.FEED, published)


def fill_sample(store: SqlStore) -> Sample:
    """Write the sample through the pipeline's store methods; returns the ids it got."""
    store.save_catalog(load_catalog())
    items = [
        NewArticle(
            entry(
                "https://reuters.example/etched",
                "Reuters",
                "Etched raises $500 million for transformer chips",
                "Chip startup Etched raised $500 million to build inference accelerators.",
                0,
            ),
            uid="etched-reuters",
            content_hash="h1",
        ),
        NewArticle(
            entry(
                "https://bloomberg.example/etched",
                "Bloomberg",
                "Chip startup Etched valued at $5 billion",
                "Investors valued the accelerator maker Etched at five billion dollars.",
                3,
            ),
            uid="etched-bloomb",
            content_hash="h2",
        ),
        NewArticle(
            entry(
                "https://yahoo.example/etched-copy",
                "Yahoo Finance",
                "Etched raises $500 million for transformer chips",
                "Chip startup Etched raised $500 million to build inference accelerators.",
                5,
            ),
            uid="etched-copy",
            content_hash="h3",
            duplicate_of_uid="etched-reuters",
        ),
        NewArticle(
            entry(
                "javascript:alert(1)",
                "Evil <b>Outlet</b>",
                HOSTILE,
                "A fire stopped a wafer fab. <script>alert(3)</script> Output fell.",
                6,
            ),
            uid="hostile",
            content_hash="h4",
        ),
        NewArticle(
            entry(
                "https://coindesk.example/btc",
                "CoinDesk",
                "Bitcoin ETF flows turn positive",
                "Spot bitcoin funds took in money for a third day.",
                8,
            ),
            uid="bitcoin",
            content_hash="h5",
        ),
    ]
    names = {item.dated.entry.source for item in items}
    sources = store.ensure_sources(names, kind="corpus", now=DAY)
    ids = store.insert_articles(items, sources)
    reuters, bloomberg, copy, hostile, bitcoin = ids
    store.save_topic_matches(
        [reuters, bloomberg, hostile, bitcoin],
        [
            TopicMatch(reuters, "ai-infrastructure-funding", 0.9, 0.8, ("chip",)),
            TopicMatch(bloomberg, "ai-infrastructure-funding", 0.8, 0.7, ("chip",)),
            TopicMatch(hostile, "ai-infrastructure-funding", 0.6, 0.5, ("wafer",)),
            TopicMatch(bitcoin, "crypto-markets", 0.9, 0.8, ("bitcoin",)),
        ],
        DAY,
    )
    articles = store.articles_by_ids([reuters, bloomberg, hostile])
    centroid = np.zeros(8, dtype=np.float32)
    last = DAY + dt.timedelta(hours=6)
    store.save_event_assignments(
        [
            EventAssignment(reuters, -1, 1.0),
            EventAssignment(bloomberg, -1, 0.9),
            EventAssignment(hostile, -2, 1.0),
        ],
        articles,
        {
            -1: LiveEvent(-1, centroid, 2, DAY + dt.timedelta(hours=3), frozenset({"Etched"})),
            -2: LiveEvent(-2, centroid, 1, last, frozenset({"<b>fab</b>"})),
        },
        [],
        last,
    )
    funding = store.get_article(reuters)
    hostile_ref = store.get_article(hostile)
    assert funding is not None
    assert funding.event_id is not None
    assert hostile_ref is not None
    assert hostile_ref.event_id is not None
    return Sample(
        reuters, bloomberg, copy, hostile, bitcoin, funding.event_id, hostile_ref.event_id
    )
