"""The live-event index: insert, update, delete, time window, rare facts, sidecar files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from newspulse.cluster.index import EventIndex
from newspulse.cluster.vectors import ExactVectorIndex, HnswVectorIndex, VectorIndex, search_width
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
    # Rebuilt per batch, a graph never pays for its build: auto stays exact at any size.
    per_batch = EventIndex(events, 8, kind="auto", hnsw_min_events=50)
    assert isinstance(per_batch.vectors, ExactVectorIndex)
    large = EventIndex(events, 8, kind="auto", hnsw_min_events=50, long_lived=True)
    assert isinstance(large.vectors, HnswVectorIndex)
    assert large.candidates(events[7].centroid, 1)[0].id == 7


def test_a_long_lived_auto_index_grows_into_hnsw() -> None:
    events = [
        LiveEvent(id=i, centroid=point, size=1, last_seen=START)
        for i, point in enumerate(random_units(60, 8))
    ]
    index = EventIndex(events[:49], 8, kind="auto", hnsw_min_events=50, long_lived=True)
    assert isinstance(index.vectors, ExactVectorIndex)
    index.add(events[49])
    assert isinstance(index.vectors, HnswVectorIndex)
    for event in events[50:]:
        index.add(event)
    assert len(index.vectors) == 60
    # An approximate graph (parallel inserts, i8 distances): nearly every event finds itself.
    found = [event.id in {c.id for c in index.candidates(event.centroid, 3)} for event in events]
    assert sum(found) >= 57


def test_rename_and_replace_keep_facts_and_vectors_in_step() -> None:
    first = LiveEvent(id=-1, centroid=unit(1, 0), size=1, last_seen=START)
    index = EventIndex([], 4)
    index.add(first, ["kerry", "kerry", "oslo"])
    index.rename(-1, 5)
    assert -1 not in index
    assert index.get(5).entities == {"kerry", "oslo"}
    assert index.facts_of(5) == {"kerry": 2, "oslo": 1}
    assert index.candidates(unit(1, 0), 1)[0].id == 5
    moved = LiveEvent(id=5, centroid=unit(0, 1), size=2, last_seen=START + DAY)
    index.replace_event(moved, ["paris"])
    assert index.get(5).entities == {"paris"}
    assert index.facts_of(5) == {"paris": 1}
    assert index.candidates(unit(0, 1), 1)[0].id == 5
    assert len(index) == 1


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
    # Parallel inserts into a small graph now and then leave a node unreachable (about 1
    # search in 400 here, with f16 or i8 storage alike): nearly all must find themselves.
    assert sum(vectors.search(points[key], 1) == [key] for key in range(0, 300, 10)) >= 28
    vectors.upsert(5, points[5] * 2)  # same direction: the graph keeps its node
    vectors.upsert(7, -points[7])  # turned around: re-inserted via the buffer
    assert len(vectors) == 300
    assert vectors.search(-points[7], 1) == [7]
    vectors.remove(7)
    vectors.remove(250)
    assert len(vectors) == 298
    assert 7 not in vectors.search(-points[7], 5)
    assert 250 not in vectors.search(points[250], 5)


def test_larger_graphs_search_wider_unless_the_width_is_fixed() -> None:
    assert [search_width(n) for n in (10_000, 200_000, 1_000_000)] == [64, 128, 256]
    index = HnswVectorIndex(4)
    index.upsert_many([1, 2], np.stack([unit(1, 0), unit(0, 1)]))
    assert index.search(unit(1, 0.1), 1) == [1]
    assert index.expansion_search == 64
    index.expansion_search = 300
    assert index.search(unit(0.1, 1), 1) == [2]
    assert index.expansion_search == 300
