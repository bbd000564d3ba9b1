"""Event summaries: what the ranker, the window and "Notable" read about an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from newspulse.domain import DateSource
from newspulse.store.event_records import summarise_events
from newspulse.store.vectors import vector_to_blob

NOW = dt.datetime(2025, 11, 30, tzinfo=dt.UTC)


def member(article_id: int, published: dt.datetime, source: DateSource) -> dict[str, Any]:
    return {
        "id": 7,
        "label": "Bitcoin crash",
        "centroid": vector_to_blob(np.ones(4, dtype=np.float32)),
        "salience": 0.0,
        "article_id": article_id,
        "source_name": f"outlet-{article_id}",
        "date_source": source.value,
        "published_at": published,
        "score": 0.5,
    }


def test_an_undated_article_does_not_make_an_old_story_look_fresh() -> None:
    stated = [
        member(1, dt.datetime(2025, 10, 10, tzinfo=dt.UTC), DateSource.FEED),
        member(2, dt.datetime(2025, 10, 13, tzinfo=dt.UTC), DateSource.TEXT),
    ]
    undated = member(3, NOW, DateSource.FETCH_TIME)  # dated when fetched
    (event,) = summarise_events([*stated, undated])
    assert event.last_seen == dt.datetime(2025, 10, 13, tzinfo=dt.UTC)
    assert event.first_seen == dt.datetime(2025, 10, 10, tzinfo=dt.UTC)
    assert event.article_ids == (1, 2, 3)
    # An event no article of which states a date keeps the dates it has.
    (alone,) = summarise_events([undated])
    assert alone.last_seen == NOW
