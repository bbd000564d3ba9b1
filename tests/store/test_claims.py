"""Claims with leases on pending work, on SQLite and a real PostgreSQL: concurrent
claimers never share an item, a lapsed lease returns its items to the pool, finished
work leaves it, and a retried batch changes nothing."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newspulse.dedup.decide import dedup_batch
from newspulse.dedup.near import NearDuplicateIndex
from newspulse.domain import DatedEntry, DateSource, Entry
from newspulse.enrich.embed import HashingEmbedder
from newspulse.pipeline import ingest_corpus, ingest_entries
from newspulse.pipeline.understand import store_profiles
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore
from newspulse.workers.steps import (
    Worker,
    cluster_step,
    enrich_step,
    language_step,
    route_step,
    write_step,
)
from tests.conftest import corpus_slice
from tests.store.conftest import fresh_database

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=10)


def entries(count: int) -> list[Entry]:
    return [
        Entry(
            url=f"https://news.example/{number}",
            source="Example News",
            title=f"Chip maker {number % 5} raises money for plant {number}",
            text=f"Chip maker {number % 5} raised money to build plant {number}. " * 8,
            published_at=NOW - dt.timedelta(hours=count - number),
        )
        for number in range(count)
    ]


def settings() -> Settings:
    return Settings(embed={"model": "hashing"}, run={"batch_size": 16, "lease_seconds": 10})


def filled(store: SqlStore, count: int) -> list[int]:
    store.save_catalog(load_catalog())
    ingest_entries(store, entries(count), now=NOW, settings=settings())
    return [article.id for article in store.pending_enrichment(10_000)]


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore.open(fresh_database(postgres_url))
    store.migrate()
    yield store
    store.close()


@pytest.mark.postgres
def test_two_concurrent_claimers_never_get_the_same_items(pg_store: SqlStore) -> None:
    """``FOR UPDATE SKIP LOCKED`` and the claims' primary key keep them apart."""
    any_store = pg_store
    pending = filled(any_store, 200)
    got: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claimer(name: str) -> None:
        start.wait()
        while batch := any_store.claim("enrich", worker=name, limit=7, lease=LEASE, now=NOW):
            got[name].extend(batch)

    threads = [threading.Thread(target=claimer, args=(name,)) for name in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not set(got["a"]) & set(got["b"])
    assert sorted(got["a"] + got["b"]) == sorted(pending)
    assert got["a"], "both took part"
    assert got["b"], "both took part"
    assert len(any_store.live_claims("enrich", NOW)) == 200


def test_a_lapsed_lease_returns_its_items_and_a_worker_takes_back_its_own(
    any_store: SqlStore,
) -> None:
    pending = filled(any_store, 20)
    first = any_store.claim("enrich", worker="a", limit=50, lease=LEASE, now=NOW)
    assert first == sorted(pending)
    later = NOW + dt.timedelta(seconds=5)
    assert any_store.claim("enrich", worker="b", limit=50, lease=LEASE, now=later) == []
    assert not any_store.claimable("enrich", later)
    assert any_store.claim("enrich", worker="a", limit=50, lease=LEASE, now=later) == []
    # A restarted in-process run (a stable name) takes its own claims back at once.
    assert any_store.claim_ids("enrich", first, worker="a", lease=LEASE, now=later) == []
    retaken = any_store.claim_ids("enrich", first, worker="a", lease=LEASE, now=later, retake=True)
    assert retaken == first
    lapsed = later + LEASE + dt.timedelta(seconds=1)
    assert any_store.claimable("enrich", lapsed)
    assert any_store.claim("enrich", worker="b", limit=50, lease=LEASE, now=lapsed) == first
    assert set(any_store.live_claims("enrich", lapsed).values()) == {"b"}


def test_released_work_returns_and_finished_work_does_not(any_store: SqlStore) -> None:
    filled(any_store, 20)
    now = dt.datetime.now(dt.UTC)  # the steps claim on the wall clock
    ids = any_store.claim("enrich", worker="a", limit=5, lease=LEASE, now=now)
    any_store.release("enrich", ids, worker="a")
    assert any_store.claim("enrich", worker="b", limit=5, lease=LEASE, now=now) == ids
    worker = Worker(any_store, settings(), "c")
    assert enrich_step(worker, HashingEmbedder()) == 15  # the 15 nobody holds
    assert any_store.live_claims("enrich", dt.datetime.now(dt.UTC)) == {i: "b" for i in ids}
    any_store.release("enrich", ids, worker="b")
    assert enrich_step(worker, HashingEmbedder()) == 5
    assert enrich_step(worker, HashingEmbedder()) == 0  # done work is never claimed again
    assert any_store.pending_enrichment(10) == []


def test_a_retried_batch_changes_nothing(any_store: SqlStore, tmp_path: Path) -> None:
    config = settings()
    any_store.save_catalog(load_catalog())
    corpus = corpus_slice("ai-infra", 60, tmp_path)
    assert ingest_corpus(any_store, corpus, now=NOW, settings=config).stored == 60
    racing = dedup_batch(
        [DatedEntry(e, e.url, NOW, DateSource.FEED, NOW) for e in entries(3)],
        known_urls=set(),
        known_hashes={},
        near=NearDuplicateIndex(threshold=0.99),
    ).accepted
    inserted = any_store.insert_articles(racing, {})
    worker = Worker(any_store, config, "w")
    embedder = HashingEmbedder()
    while language_step(worker):
        pass
    while enrich_step(worker, embedder):
        pass
    profiles = store_profiles(any_store, embedder, config)
    while route_step(worker, profiles, now=NOW):
        pass
    assert cluster_step(worker, now=NOW) == 63
    topics = [topic.slug for topic in any_store.list_topics()]
    first = [write_step(worker, slug, now=NOW, embedder=None) for slug in topics]
    assert "written" in {r.status for r in first if r is not None}
    before = any_store.counts()

    # Every step again, as a retry after a crash would run it: nothing is added.
    assert ingest_corpus(any_store, corpus, now=NOW, settings=config).stored == 0
    # An insert racing another worker's (dedup saw neither) keeps the stored rows.
    assert any_store.insert_articles(racing, {}) == inserted
    assert language_step(worker) == 0
    assert enrich_step(worker, embedder) == 0
    assert route_step(worker, profiles, now=NOW) == 0
    assert cluster_step(worker, now=NOW) == 0
    again = [write_step(worker, slug, now=NOW, embedder=None) for slug in topics]
    assert {r.status for r in again if r is not None} <= {"unchanged", "empty"}
    assert any_store.counts() == before


def test_pending_fetches_are_stored_once_and_counted_per_claim(any_store: SqlStore) -> None:
    items = [(entry, "news.example") for entry in entries(5)]
    assert any_store.add_pending_fetches(None, items, NOW) == 5
    assert any_store.add_pending_fetches(None, items, NOW) == 0  # a re-poll adds nothing
    ids = any_store.claim("fetch", worker="a", limit=2, lease=LEASE, now=NOW)
    assert [item.url for item in any_store.pending_fetches_by_ids(ids)] == [
        "https://news.example/4",  # newest first
        "https://news.example/3",
    ]
    lapsed = NOW + 2 * LEASE
    assert any_store.claim("fetch", worker="b", limit=2, lease=LEASE, now=lapsed) == ids
    assert {item.attempts for item in any_store.pending_fetches_by_ids(ids)} == {2}
    any_store.finish_fetches(ids)
    assert any_store.count_pending_fetches() == 3
    assert any_store.live_claims("fetch", lapsed) == {}
