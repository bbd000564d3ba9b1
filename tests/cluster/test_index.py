"""The live-event index: insert, update, delete, time window, rare facts, sidecar files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from newspulse.cluster.index import EventIndex
from newspulse.cluster.vectors import ExactVectorIndex, HnswVectorIndex, VectorIndex
from newspulse.domain import LiveEvent

DAY = dt.timedelta(days=1)
START = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


def unit(*values: float, dimensions: int = 4) -> np.ndarray:
    vector = np.array(values + (0.0,) * (dimensions - len(values)), dtype=np.float32)
    return vector / np.linalg.norm(vector)


def random_units(count: int, dimensions: int, seed: int = 3) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, dimensions)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_vector_index_insert_update_delete(kind: str) -> None:
    vectors: VectorIndex = (
        ExactVectorIndex(4, capacity=2) if kind == "exact" else HnswVectorIndex(4)
    )
    vectors.upsert(1, unit(1, 0))
    vectors.upsert(2, unit(0, 1))
    vectors.upsert(3, unit(0, 0, 1))  # past the initial capacity of the exact index
    assert len(vectors) == 3
    assert vectors.search(unit(1, 0.1), 1) == [1]
    vectors.upsert(1, unit(0, 0, 0, 1))  # replaced, not duplicated
    assert len(vectors) == 3
    assert vectors.search(unit(1, 0.1), 1) == [2]
    vectors.remove(2)
    vectors.remove(99)  # unknown keys are ignored
    assert len(vectors) == 2
    assert sorted(vectors.search(unit(1, 1, 1, 1), 5)) == [1, 3]


def test_exact_index_returns_the_true_nearest_in_order() -> None:
    points = random_units(500, 16)
    vectors = ExactVectorIndex(16)
    for key, point in enumerate(points):
        vectors.upsert(key, point)
    for key in range(0, 500, 7):
        vectors.remove(key)
    query = random_units(1, 16, seed=9)[0]
    alive = [key for key in range(500) if key % 7]
    expected = sorted(alive, key=lambda key: -float(points[key] @ query))[:5]
    assert vectors.search(query, 5) == expected


def test_hnsw_index_finds_what_exact_search_finds() -> None:
    points = random_units(2000, 32)
    hnsw, exact = HnswVectorIndex(32), ExactVectorIndex(32)
    hnsw.upsert_many(np.arange(2000, dtype=np.int64), points)
    for key, point in enumerate(points):
        exact.upsert(key, point)
    queries = points[:100] + 0.05 * random_units(100, 32, seed=5)
    agree = sum(hnsw.search(q, 1) == exact.search(q, 1) for q in queries)
    assert agree >= 95


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_window_expiry_drops_old_events_only(kind: str) -> None:
    events = [
        LiveEvent(id=i, centroid=unit(1, i), size=1, last_seen=START + i * DAY) for i in range(5)
    ]
    index = EventIndex(events, 4, kind=kind)
    assert index.expire(START + 2 * DAY) == [0, 1]
    assert len(index) == 3
    assert {event.id for event in index.candidates(unit(1, 0), 10)} == {2, 3, 4}


def test_absorbing_moves_the_expiry_and_the_centroid() -> None:
    event = LiveEvent(id=1, centroid=unit(1, 0), size=1, last_seen=START)
    index = EventIndex([event], 4)
    updated = index.absorb(1, unit(0, 1), START + 5 * DAY, ["kerry"])
    assert updated.size == 2
    np.testing.assert_allclose(updated.centroid, [0.5, 0.5, 0, 0])
    assert updated.entities == frozenset({"kerry"})
    assert index.expire(START + DAY) == []  # the stale heap entry is skipped
    assert index.expire(START + 6 * DAY) == [1]


def test_rare_facts_are_those_few_live_events_carry() -> None:
    events = [
        LiveEvent(
            id=i,
            centroid=unit(1, i),
            size=1,
            last_seen=START,
            entities=frozenset({"trump"} | ({"kerry"} if i < 2 else set())),
        )
        for i in range(100)
    ]
    index = EventIndex(events, 4)
    assert index.rare_facts({"trump", "kerry", "oslo"}) == {"kerry", "oslo"}
    index.remove(0)
    index.remove(1)
    assert index.rare_facts({"kerry"}) == {"kerry"}


def test_auto_switches_to_hnsw_for_large_windows() -> None:
    events = [
        LiveEvent(id=i, centroid=point, size=1, last_seen=START)
        for i, point in enumerate(random_units(60, 8))
    ]
    assert isinstance(EventIndex(events, 8, kind="auto").vectors, ExactVectorIndex)
    assert isinstance(EventIndex(events, 8, hnsw_min_events=50).vectors, ExactVectorIndex)
    large = EventIndex(events, 8, kind="auto", hnsw_min_events=50)
    assert isinstance(large.vectors, HnswVectorIndex)
    assert large.candidates(events[7].centroid, 1)[0].id == 7


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_sidecar_round_trip(tmp_path: Path, kind: str) -> None:
    events = [
        LiveEvent(id=i + 1, centroid=point, size=i + 1, last_seen=START + i * DAY)
        for i, point in enumerate(random_units(30, 8))
    ]
    index = EventIndex(events, 8, kind=kind)
    index.absorb(3, events[2].centroid, START + 40 * DAY, ["oslo", "kerry"])
    index.save(tmp_path / "index")
    loaded = EventIndex.load(tmp_path / "index")
    assert len(loaded) == 30
    assert isinstance(loaded.vectors, type(index.vectors))
    assert loaded.get(3).size == 4
    assert loaded.get(3).entities == frozenset({"oslo", "kerry"})
    assert loaded.candidates(events[10].centroid, 1)[0].id == 11
    assert sorted(loaded.expire(START + 35 * DAY)) == [i for i in range(1, 31) if i != 3]


def test_hnsw_index_takes_negative_placeholder_ids() -> None:
    vectors = HnswVectorIndex(4)
    vectors.upsert(-1, unit(1, 0))
    vectors.upsert_many([-2, 5], np.stack([unit(0, 1), unit(0, 0, 1)]))
    assert vectors.search(unit(1, 0.1), 1) == [-1]
    assert vectors.search(unit(0.1, 1), 1) == [-2]
    vectors.remove(-1)
    assert sorted(vectors.search(unit(1, 1, 1), 5)) == [-2, 5]


def test_hnsw_buffer_flushes_into_the_graph_and_updates_follow_the_key() -> None:
    points = random_units(300, 16)  # more than FLUSH_SIZE: most end up in the graph
    vectors = HnswVectorIndex(16)
    for key, point in enumerate(points):
        vectors.upsert(key, point)
    assert len(vectors) == 300
    assert all(vectors.search(points[key], 1) == [key] for key in range(0, 300, 10))
    vectors.upsert(5, points[5] * 2)  # same direction: the graph keeps its node
    vectors.upsert(7, -points[7])  # turned around: re-inserted via the buffer
    assert len(vectors) == 300
    assert vectors.search(-points[7], 1) == [7]
    vectors.remove(7)
    vectors.remove(250)
    assert len(vectors) == 298
    assert 7 not in vectors.search(-points[7], 5)
    assert 250 not in vectors.search(points[250], 5)
