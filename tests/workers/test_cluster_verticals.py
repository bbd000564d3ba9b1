"""Clustering has one writer per vertical: two verticals cluster at once under two
leases, one vertical never under two, and the events are those of an in-process run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text

from newspulse.enrich.embed import HashingEmbedder
from newspulse.pipeline import ingest_corpus, replay
from newspulse.pipeline.understand import store_profiles
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore
from newspulse.workers.leases import single_writer, utc_now
from newspulse.workers.steps import (
    Worker,
    cluster_step,
    enrich_step,
    language_step,
    lease_key,
    route_step,
)
from tests.conftest import corpus_slice
from tests.store.conftest import any_store as any_store  # the fixture

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=30)


def settings() -> Settings:
    return Settings(embed={"model": "hashing"}, run={"batch_size": 16, "lease_seconds": 30})


def two_verticals(tmp_path: Path) -> Path:
    """An AI corpus and a crypto corpus in one file."""
    parts = [
        corpus_slice(name, count, tmp_path) for name, count in (("ai-infra", 60), ("crypto", 40))
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(part.read_text("utf-8") for part in parts), "utf-8")
    return path


def event_groups(store: SqlStore) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT ea.event_id, a.canonical_url FROM event_articles ea "
                "JOIN articles a ON a.id = ea.article_id"
            )
        )
        for event_id, url in rows:
            groups.setdefault(event_id, []).append(url)
    return sorted(sorted(group) for group in groups.values())


def mixed_events(store: SqlStore) -> int:
    """Events with a member clustered in another vertical than the event's."""
    with store.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(DISTINCT e.id) FROM events e JOIN event_articles ea "
                    "ON ea.event_id = e.id JOIN articles a ON a.id = ea.article_id "
                    "WHERE a.cluster_vertical <> e.vertical"
                )
            ).scalar_one()
        )


def test_two_verticals_cluster_at_once_and_one_vertical_never_twice(
    any_store: SqlStore, tmp_path: Path
) -> None:
    config = settings()
    any_store.save_catalog(load_catalog())
    corpus = two_verticals(tmp_path)
    assert ingest_corpus(any_store, corpus, now=NOW, settings=config).stored == 100
    first, second = Worker(any_store, config, "first"), Worker(any_store, config, "second")
    embedder = HashingEmbedder()
    while language_step(second) or enrich_step(second, embedder):
        pass
    profiles = store_profiles(any_store, embedder, config)
    while route_step(second, profiles, now=NOW):
        pass
    verticals = any_store.pending_cluster_verticals()
    assert {"ai", "crypto"} <= set(verticals)
    waiting = {v: len(any_store.pending_clustering(1000, vertical=v)) for v in verticals}
    assert sum(waiting.values()) == 100
    seen: list[dict[int, str]] = []
    # ``first`` is clustering "ai" (it holds the vertical's lease) ...
    with single_writer(
        any_store, "cluster", lease_key("ai"), worker=first.name, lease=LEASE
    ) as held:
        assert held
        # ... so a second writer of "ai" is turned away and clusters nothing,
        assert cluster_step(second, "ai", now=NOW) is None
        assert len(any_store.pending_clustering(1000, vertical="ai")) == waiting["ai"]
        # while "crypto" is clustered at the same time under a lease of its own.
        clustered = cluster_step(
            second,
            "crypto",
            now=NOW,
            on_claim=lambda _: seen.append(any_store.live_claims("cluster", utc_now())),
        )
        assert clustered == waiting["crypto"]
    assert seen == [{lease_key("ai"): "first", lease_key("crypto"): "second"}]
    assert cluster_step(second, "ai", now=NOW) == waiting["ai"]
    assert cluster_step(second, now=NOW) == sum(waiting.values()) - clustered - waiting["ai"]
    assert any_store.pending_clustering(1) == []
    assert any_store.live_claims("cluster", utc_now()) == {}
    assert mixed_events(any_store) == 0

    alone = SqlStore.open(f"sqlite:///{tmp_path / 'alone.db'}")
    alone.migrate()
    alone.save_catalog(load_catalog())
    replay(alone, corpus, embedder, now=NOW, settings=config)
    assert event_groups(any_store) == event_groups(alone)
    assert mixed_events(alone) == 0
    alone.close()
