"""End to end on real corpus records: replay → update → export, reruns, crashes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newspulse import pipeline
from newspulse.domain import Entry
from newspulse.enrich.embed import Embedder
from newspulse.pipeline import cluster_pending, replay, update_briefings
from newspulse.publish.export import export_site
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore
from tests.conftest import corpus_slice, load_records

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def check_contract(document: dict[str, object]) -> None:
    """The v1 briefing JSON contract of the Foundation issue."""
    assert set(document) >= {
        "topic", "version", "updated_at", "headline", "lead", "sections",
        "notable", "implications", "summary", "sources", "source_count",
    }  # fmt: skip
    topic = document["topic"]
    assert isinstance(topic, dict)
    assert set(topic) >= {"slug", "title", "tagline", "vertical"}
    assert isinstance(document["version"], int)
    assert dt.datetime.fromisoformat(str(document["updated_at"])).tzinfo is not None
    sources = document["sources"]
    assert isinstance(sources, list)
    assert document["source_count"] == len(sources)
    ids = {source["id"] for source in sources}
    for source in sources:
        assert set(source) >= {"id", "url", "title", "source", "published_at"}

    def check_statement(statement: dict[str, object], bullet: bool) -> None:
        assert isinstance(statement["text"], str)
        assert statement["text"]
        citations = statement["citations"]
        assert isinstance(citations, list)
        assert citations
        assert set(citations) <= ids
        if bullet:
            for child in statement["children"]:  # type: ignore[attr-defined]
                check_statement(child, True)

    sections = document["sections"]
    assert isinstance(sections, list)
    for section in sections:
        assert section["title"]
        for statement in section["intro"]:
            check_statement(statement, False)
        for bullet in section["bullets"]:
            check_statement(bullet, True)
    for key, bullet in (
        ("lead", False),
        ("summary", False),
        ("notable", True),
        ("implications", True),
    ):
        for statement in document[key]:  # type: ignore[attr-defined]
            check_statement(statement, bullet)


@pytest.mark.slow
def test_replay_update_export_on_a_corpus_slice(
    store: SqlStore, settings: Settings, minilm: Embedder, tmp_path: Path
) -> None:
    corpus = corpus_slice("ai-infra", 60, tmp_path)
    report = replay(store, corpus, minilm, now=NOW, settings=settings)
    assert report.ingest.stored == 60
    assert report.enriched == report.routed == report.clustered == 60
    assert 0 < report.events < 60  # some stories were told by several outlets

    results = {r.topic: r for r in update_briefings(store, now=NOW, settings=settings)}
    infra = results["ai-infrastructure-funding"]
    assert infra.status == "written"
    assert infra.version == 1

    document = store.latest_briefing("ai-infrastructure-funding")
    assert document is not None
    check_contract(document)
    assert document["headline"]
    assert document["sections"]

    site = tmp_path / "site"
    export_site(store, site, now=NOW)
    exported = json.loads((site / "api/v1/topics/ai-infrastructure-funding.json").read_text())
    assert exported == document
    page = (site / "ai/ai-infrastructure-funding/index.html").read_text()
    assert document["headline"].replace("&", "&amp;") in page or document["headline"] in page
    assert (site / "ai/ai-infrastructure-funding/sources/index.html").exists()
    assert (site / "index.html").exists()

    # A rerun of the same corpus stores nothing new and changes no briefing.
    again = replay(store, corpus, minilm, now=NOW, settings=settings)
    assert (again.ingest.stored, again.ingest.seen_before) == (0, 60)
    rerun = {r.topic: r for r in update_briefings(store, now=NOW, settings=settings)}
    assert rerun["ai-infrastructure-funding"].status == "unchanged"
    assert store.counts()["briefing_versions"] == sum(
        1 for r in results.values() if r.status == "written"
    )


def test_crash_between_stages_is_finished_by_a_rerun(
    store: SqlStore, settings: Settings, hashing_embedder: Embedder, tmp_path: Path
) -> None:
    corpus = corpus_slice("crypto", 30, tmp_path)
    from newspulse.pipeline import enrich_pending, ingest_corpus, route_pending

    ingest_corpus(store, corpus, now=NOW, settings=settings)
    enrich_pending(store, hashing_embedder)
    # "Crash" here: routing and clustering never ran.  The rerun picks up the pending work.
    report = replay(store, corpus, hashing_embedder, now=NOW, settings=settings)
    assert report.ingest.stored == 0
    assert (report.enriched, report.routed, report.clustered) == (0, 30, 30)
    assert route_pending(store, hashing_embedder, now=NOW, settings=settings) == 0
    assert cluster_pending(store, now=NOW, settings=settings) == 0


def test_update_without_events_reports_empty(store: SqlStore, settings: Settings) -> None:
    results = update_briefings(store, now=NOW, settings=settings)
    assert {r.status for r in results} == {"empty"}
    assert store.latest_briefing("ai-infrastructure-funding") is None


def test_a_different_embedding_model_is_refused(
    store: SqlStore, settings: Settings, hashing_embedder: Embedder, tmp_path: Path
) -> None:
    from newspulse.enrich.embed import HashingEmbedder
    from newspulse.errors import StoreError

    replay(store, corpus_slice("sports", 5, tmp_path), hashing_embedder, now=NOW, settings=settings)
    other = HashingEmbedder(128)
    with pytest.raises(StoreError, match="embedded with"):
        replay(store, corpus_slice("crypto", 5, tmp_path), other, now=NOW, settings=settings)
    # After a reset the new model takes over and nothing of the old space is left.
    assert store.reset_understanding() == 10
    report = replay(store, corpus_slice("crypto", 5, tmp_path), other, now=NOW, settings=settings)
    assert report.enriched == 10
    assert store.embedding_models() == {other.name}


def test_a_near_copy_of_an_original_from_an_earlier_batch_is_linked(
    store: SqlStore, settings: Settings
) -> None:
    """One ingest call of several batches: the copy's original was stored by batch one."""
    story = next(r for r in load_records("sports") if len(str(r["text"]).split()) > 200)
    day = dt.timedelta(days=1)
    entries = [
        Entry(url="https://wire.example/original", source="wire.example",
              title=str(story["title"]), text=str(story["text"]), published_at=NOW - 3 * day),
        Entry(url="https://other.example/filler", source="other.example",
              title="Filler", text="An unrelated short note about the weather.",
              published_at=NOW - 2 * day),
        Entry(url="https://paper.example/copy", source="paper.example",
              title=str(story["title"]),
              text=f"{story['text']}\nThis story was syndicated from a wire service.",
              published_at=NOW - day),
    ]  # fmt: skip
    report = pipeline.ingest_entries(store, entries, now=NOW, settings=settings, batch_size=2)
    assert (report.stored, report.copies) == (3, 1)
    ids = [a.id for a in store.list_articles(limit=10)]
    articles = store.articles_by_ids(ids)
    by_url = {a.url: a for a in articles.values()}
    assert by_url["https://paper.example/copy"].duplicate_of == (
        by_url["https://wire.example/original"].id
    )


def memberships(store: SqlStore) -> dict[int, list[int]]:
    members = store.window_members(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    return {event: [article for article, _, _ in rows] for event, rows in members.items()}


@pytest.mark.slow
def test_maintenance_after_a_batch_leaves_other_stories_alone(
    store: SqlStore, settings: Settings, minilm: Embedder, tmp_path: Path
) -> None:
    """A second corpus replayed into the same store (as `make demo-build` does) must not
    regroup the first corpus's events: the merge/split pass only reworks events the
    batch touched, as `newspulse cluster` (the measured path) does."""
    replay(store, corpus_slice("ai-infra", 288, tmp_path), minilm, now=NOW, settings=settings)
    before = memberships(store)
    replay(store, corpus_slice("crypto", 120, tmp_path), minilm, now=NOW, settings=settings)
    after = memberships(store)
    assert {event: after.get(event) for event in before} == before


class Interrupted(Exception):
    """A crash between saving a clustering batch and its maintenance pass."""


def test_a_crash_before_maintenance_leaves_the_batch_pending(
    store: SqlStore,
    settings: Settings,
    hashing_embedder: Embedder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Assignments and the merge/split pass commit together: a crash between them keeps
    nothing, so the rerun clusters the batch again and ends where an uninterrupted run
    ends (a batch saved but never maintained was no longer pending, and stayed so)."""
    from newspulse.pipeline import clustering, enrich_pending, ingest_corpus, route_pending

    corpus = corpus_slice("crypto", 30, tmp_path)
    ingest_corpus(store, corpus, now=NOW, settings=settings)
    enrich_pending(store, hashing_embedder)
    route_pending(store, hashing_embedder, now=NOW, settings=settings)

    def crash(*args: object, **kwargs: object) -> None:
        raise Interrupted

    with monkeypatch.context() as patch:
        patch.setattr(clustering, "maintain_events", crash)
        with pytest.raises(Interrupted):
            cluster_pending(store, now=NOW, settings=settings)
    assert store.counts()["events"] == 0
    assert memberships(store) == {}
    assert cluster_pending(store, now=NOW, settings=settings) == 30

    fresh = SqlStore.open(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.migrate()
    fresh.save_catalog(load_catalog())
    replay(fresh, corpus, hashing_embedder, now=NOW, settings=settings)
    assert sorted(memberships(store).values()) == sorted(memberships(fresh).values())
    fresh.close()
