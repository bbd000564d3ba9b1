"""The in-memory stream: batches, real ids, and maintenance across batch boundaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from newspulse.cluster.stream import cluster_stream
from newspulse.domain import Article
from newspulse.settings import ClusterSettings

START = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
PLAIN = {"fact_bonus": 0.0, "time_penalty": 0.0}


def article(article_id: int, hours: float = 0.0) -> Article:
    return Article(
        id=article_id,
        uid=str(article_id),
        url=f"u{article_id}",
        canonical_url=f"u{article_id}",
        source="s",
        title="t",
        text="",
        published_at=START + dt.timedelta(hours=hours),
        date_estimated=False,
    )


def unit(*values: float) -> np.ndarray:
    vector = np.array(values + (0.0,) * (4 - len(values)), dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_events_continue_across_batches_and_ids_are_real() -> None:
    items = [(article(i, i), unit(1, 0.01 * i)) for i in range(5)]
    items += [(article(10 + i, 10 + i), unit(0, 1, 0.01 * i)) for i in range(5)]
    event_of, counts = cluster_stream(items, ClusterSettings(**PLAIN), batch_size=3)
    assert len({event_of[i] for i in range(5)}) == 1
    assert len({event_of[10 + i] for i in range(5)}) == 1
    assert event_of[0] != event_of[10]
    assert min(event_of.values()) >= 1
    assert counts.passes == 4


def test_maintenance_merges_a_story_that_started_twice() -> None:
    # b and c both start events (each too far from the other's first member at 0.9), then
    # the members in between pull the two events together.
    settings = ClusterSettings(threshold=0.9, merge_threshold=0.85, **PLAIN)
    a, b = unit(1, 0.3), unit(1, -0.3)
    items = [(article(1, 0), a), (article(2, 1), b), (article(3, 2), unit(1, 0))]
    items += [(article(4, 3), unit(1, 0.02)), (article(5, 4), unit(1, -0.02))]
    merged, counts = cluster_stream(items, settings, batch_size=5)
    separate, _ = cluster_stream(items, settings, batch_size=5, maintain=False)
    assert len(set(separate.values())) == 2
    assert len(set(merged.values())) == 1
    assert counts.merges == 1


def test_old_events_leave_the_window() -> None:
    settings = ClusterSettings(window_days=1, **PLAIN)
    items = [(article(1, 0), unit(1, 0)), (article(2, 72), unit(1, 0))]
    event_of, _ = cluster_stream(items, settings, batch_size=1)
    assert event_of[1] != event_of[2]


def test_a_stream_whose_window_outgrows_exact_search_gives_the_same_events_on_hnsw() -> None:
    rng = np.random.default_rng(5)
    stories = np.eye(16, dtype=np.float32)[:12]
    items = []
    for i in range(120):
        vector = stories[i % 12] + 0.1 * rng.standard_normal(16).astype(np.float32)
        items.append((article(i, i / 10), vector / np.linalg.norm(vector)))
    exact, _ = cluster_stream(items, ClusterSettings(index="exact"), batch_size=16)
    grown, _ = cluster_stream(
        items, ClusterSettings(index="auto", hnsw_min_events=6), batch_size=16
    )
    assert len(set(exact.values())) == 12
    assert grown == exact


def test_names_and_figures_are_extracted_once_and_stored_keys_are_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 11, item 4: enrich stores each article's keys; the stream extracts an
    article's keys only when none are stored, and then once, not again when saving it."""
    from newspulse.cluster import similarity

    calls: list[int] = []
    real = similarity.fact_keys

    def counted(item: Article) -> frozenset[str]:
        calls.append(item.id)
        return real(item)

    monkeypatch.setattr(similarity, "fact_keys", counted)
    text = "Nvidia agreed to buy Groq for $20 billion, the companies said on Monday."
    fresh = [replace(article(i, i), text=text) for i in range(4)]
    stored = [replace(a, id=10 + a.id, fact_keys=frozenset({"stored"})) for a in fresh]
    items = [(a, unit(1, 0.01 * a.id)) for a in [*fresh, *stored]]
    event_of, _ = cluster_stream(items, ClusterSettings(), batch_size=3)
    assert sorted(calls) == [0, 1, 2, 3]
    computed = real(fresh[0])
    assert computed >= {"nvidia", "groq", "USD:20000000000"}
    assert len(set(event_of.values())) == 1
