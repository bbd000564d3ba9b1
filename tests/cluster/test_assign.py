from __future__ import annotations

import datetime as dt

import numpy as np

from newspulse.cluster.assign import cluster_batch
from newspulse.cluster.index import EventIndex
from newspulse.domain import Article, LiveEvent
from newspulse.settings import ClusterSettings

DAY = dt.timedelta(days=1)
START = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


def article(article_id: int, when: dt.datetime) -> Article:
    return Article(
        id=article_id,
        uid=f"u{article_id}",
        url=f"https://x.example/{article_id}",
        canonical_url=f"https://x.example/{article_id}",
        source="x.example",
        title="t",
        text="b",
        published_at=when,
        date_estimated=False,
    )


def unit(*values: float) -> np.ndarray:
    vector = np.array(values + (0.0,) * (4 - len(values)), dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_similar_articles_join_and_different_ones_start_events() -> None:
    items = [
        (article(1, START), unit(1, 0)),
        (article(2, START + DAY), unit(0.95, 0.05)),
        (article(3, START + DAY), unit(0, 1)),
    ]
    batch = cluster_batch(items, EventIndex([], 4), ClusterSettings(threshold=0.8, window_days=5))
    events = [a.event_id for a in batch.assignments]
    assert events[0] == events[1] != events[2]
    assert len(batch.new_events) == 2
    assert batch.new_events[events[0]].size == 2


def test_events_outside_the_window_are_not_joined() -> None:
    old = LiveEvent(id=7, centroid=unit(1, 0), size=3, last_seen=START)
    index = EventIndex([old], 4)
    settings = ClusterSettings(threshold=0.8, window_days=2)
    inside = cluster_batch([(article(1, START + DAY), unit(1, 0))], index, settings)
    assert inside.assignments[0].event_id == 7
    assert inside.changed_events[7].size == 4
    outside = cluster_batch([(article(2, START + 10 * DAY), unit(1, 0))], index, settings)
    assert outside.assignments[0].event_id is not None
    assert outside.assignments[0].event_id < 0  # a new event


def test_arrival_order_not_input_order_decides() -> None:
    items = [(article(2, START + DAY), unit(1, 0)), (article(1, START), unit(1, 0))]
    batch = cluster_batch(items, EventIndex([], 4), ClusterSettings(threshold=0.8))
    assert [a.article_id for a in batch.assignments] == [1, 2]


def test_index_grows_past_its_initial_capacity() -> None:
    events = [
        LiveEvent(id=i, centroid=unit(1, i / 1000), size=1, last_seen=START) for i in range(300)
    ]
    index = EventIndex(events, 4)
    found = index.nearest(unit(1, 0.299), since=START - DAY)
    assert found is not None
    assert index.events[found[0]].id == 299
    assert index.nearest(unit(1, 0), since=START + DAY) is None
