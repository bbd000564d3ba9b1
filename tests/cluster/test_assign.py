from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from newspulse.cluster.assign import cluster_batch
from newspulse.cluster.index import EventIndex
from newspulse.domain import Article, LiveEvent
from newspulse.settings import ClusterSettings

DAY = dt.timedelta(days=1)
START = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
PLAIN = {"fact_bonus": 0.0, "time_penalty": 0.0}


def article(article_id: int, when: dt.datetime, text: str = "b") -> Article:
    return Article(
        id=article_id,
        uid=f"u{article_id}",
        url=f"https://x.example/{article_id}",
        canonical_url=f"https://x.example/{article_id}",
        source="x.example",
        title="t",
        text=text,
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
    settings = ClusterSettings(threshold=0.8, window_days=5, **PLAIN)
    batch = cluster_batch(items, EventIndex([], 4), settings)
    events = [a.event_id for a in batch.assignments]
    assert events[0] == events[1] != events[2]
    assert len(batch.new_events) == 2
    assert batch.new_events[events[0]].size == 2


def test_events_outside_the_window_are_not_joined() -> None:
    old = LiveEvent(id=7, centroid=unit(1, 0), size=3, last_seen=START)
    index = EventIndex([old], 4)
    settings = ClusterSettings(threshold=0.8, window_days=2, **PLAIN)
    inside = cluster_batch([(article(1, START + DAY), unit(1, 0))], index, settings)
    assert inside.assignments[0].event_id == 7
    assert inside.changed_events[7].size == 4
    outside = cluster_batch([(article(2, START + 10 * DAY), unit(1, 0))], index, settings)
    assert outside.assignments[0].event_id is not None
    assert outside.assignments[0].event_id < 0  # a new event
    assert 7 not in index


def test_arrival_order_not_input_order_decides() -> None:
    items = [(article(2, START + DAY), unit(1, 0)), (article(1, START), unit(1, 0))]
    batch = cluster_batch(items, EventIndex([], 4), ClusterSettings(threshold=0.8))
    assert [a.article_id for a in batch.assignments] == [1, 2]


def test_a_diffuse_event_is_harder_to_join_than_a_tight_one() -> None:
    # Mean-member similarity: an event whose members disagree has a short mean vector.
    tight = LiveEvent(id=1, centroid=unit(1, 0.2), size=4, last_seen=START)
    diffuse_mean = (unit(1, 0.2) + unit(-0.2, 1)) / 2  # two members at right angles
    diffuse = LiveEvent(id=2, centroid=diffuse_mean, size=2, last_seen=START)
    settings = ClusterSettings(threshold=0.75, **PLAIN)
    along_diffuse = diffuse_mean / np.linalg.norm(diffuse_mean)
    batch = cluster_batch(
        [(article(1, START), unit(1, 0.3)), (article(2, START), along_diffuse)],
        EventIndex([tight, diffuse], 4),
        settings,
    )
    assert batch.assignments[0].event_id == 1
    # Cosine 1.0 to the diffuse event's direction, but 0.71 on average to its members.
    assert batch.assignments[1].event_id is not None
    assert batch.assignments[1].event_id < 0


def test_shared_rare_names_tip_a_borderline_article_into_the_event() -> None:
    events = [
        LiveEvent(
            id=i,
            centroid=unit(1, 0, 0, 0) if i == 1 else unit(0, 0, 1, i),
            size=1,
            last_seen=START,
            entities=frozenset({"john kerry", "iran"}) if i == 1 else frozenset({"iran"}),
        )
        for i in range(1, 40)
    ]
    text = "John Kerry met Iran's foreign minister in Oslo on Monday."
    vector = unit(0.63, 0.7766)  # cosine 0.63 to event 1: below the 0.65 threshold alone
    settings = ClusterSettings(threshold=0.65, fact_bonus=0.05, time_penalty=0.0)
    with_names = cluster_batch([(article(1, START, text), vector)], EventIndex(events, 4), settings)
    # "john kerry" is rare (one live event in 39); "iran" is everywhere and earns nothing.
    assert with_names.assignments[0].event_id == 1
    assert with_names.assignments[0].similarity == pytest.approx(0.63 + 0.05 / 2, abs=1e-3)
    plain = "A minister met a colleague in a northern city on Monday."
    without = cluster_batch([(article(2, START, plain), vector)], EventIndex(events, 4), settings)
    assert without.assignments[0].event_id != 1


def test_time_gap_lowers_the_score() -> None:
    event = LiveEvent(id=1, centroid=unit(1, 0), size=1, last_seen=START)
    settings = ClusterSettings(threshold=0.97, fact_bonus=0.0, time_penalty=0.05)
    vector = unit(1, 0.05)  # cosine 0.9988
    same_day = cluster_batch([(article(1, START), vector)], EventIndex([event], 4), settings)
    assert same_day.assignments[0].event_id == 1
    later = cluster_batch([(article(2, START + 9 * DAY), vector)], EventIndex([event], 4), settings)
    assert later.assignments[0].event_id != 1


def test_placeholders_stay_below_ids_already_in_the_index() -> None:
    index = EventIndex([LiveEvent(id=-3, centroid=unit(1, 0), size=1, last_seen=START)], 4)
    batch = cluster_batch([(article(1, START), unit(0, 1))], index, ClusterSettings())
    assert list(batch.new_events) == [-4]


def test_a_crowded_window_raises_the_bar_to_join() -> None:
    # The article is at cosine 0.6 to event 1; the other events are far from everything.
    target = LiveEvent(id=1, centroid=unit(1, 0), size=1, last_seen=START)
    crowd = [
        LiveEvent(id=i, centroid=unit(0, 0, 1), size=1, last_seen=START) for i in range(2, 1001)
    ]
    settings = ClusterSettings(threshold=0.55, crowding_slope=0.09, crowding_events=100, **PLAIN)
    joining = (article(1, START), unit(0.6, 0.8))
    sparse = cluster_batch([joining], EventIndex([target, *crowd[:50]], 4), settings)
    assert sparse.assignments[0].event_id == 1
    # 1,000 live events: the bar is 0.55 + 0.09 * log10(10) = 0.64 > 0.6.
    crowded = cluster_batch([joining], EventIndex([target, *crowd], 4), settings)
    assert (crowded.assignments[0].event_id or 0) < 0
    flat = settings.model_copy(update={"crowding_slope": 0.0})
    assert (
        cluster_batch([joining], EventIndex([target, *crowd], 4), flat).assignments[0].event_id == 1
    )
