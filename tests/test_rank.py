from __future__ import annotations

import datetime as dt

import numpy as np

from newspulse.domain import EventSummary
from newspulse.rank import event_salience, rank_events
from newspulse.settings import RankSettings

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def event(
    event_id: int, sources: tuple[str, ...], age_days: float, fit: float = 0.5
) -> EventSummary:
    seen = NOW - dt.timedelta(days=age_days)
    return EventSummary(
        id=event_id,
        label="e",
        first_seen=seen,
        last_seen=seen,
        article_ids=tuple(range(len(sources))),
        sources=sources,
        centroid=np.zeros(4, dtype=np.float32),
        topic_fit=fit,
    )


def test_more_outlets_rank_higher() -> None:
    settings = RankSettings()
    wide = event(1, ("a", "b", "c", "d"), 2)
    narrow = event(2, ("a", "a", "a", "a"), 2)
    assert event_salience(wide, now=NOW, settings=settings) > event_salience(
        narrow, now=NOW, settings=settings
    )


def test_salience_halves_each_half_life() -> None:
    settings = RankSettings(half_life_days=10)
    fresh = event_salience(event(1, ("a", "b"), 0), now=NOW, settings=settings)
    old = event_salience(event(1, ("a", "b"), 10), now=NOW, settings=settings)
    assert abs(old - fresh / 2) < 1e-6


def test_rank_orders_by_salience_then_recency() -> None:
    ranked = rank_events(
        [event(1, ("a",), 5), event(2, ("a", "b", "c"), 5), event(3, ("a",), 1)],
        now=NOW,
        settings=RankSettings(),
    )
    assert [e.id for e in ranked] == [2, 3, 1]
    assert ranked[0].salience > 0
