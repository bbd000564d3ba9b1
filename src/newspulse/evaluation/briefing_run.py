"""What ``newspulse eval briefing`` runs: gather a stored version's inputs, then measure.

Two ways in: an existing store (each topic's latest version, measured at the
version's own date), or corpus files, each replayed into its own throwaway
SQLite store with ``now`` at the end of its period and written with
``pipeline.update_briefings`` exactly as ``newspulse replay`` + ``update`` do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from newspulse.enrich.embed import Embedder
from newspulse.evaluation.briefing import (
    DEFAULT_CONFIG,
    BriefingReport,
    EvalConfig,
    EventRef,
    SourceText,
    evaluate_briefing,
)
from newspulse.evaluation.readability import KeyFact
from newspulse.pipeline import replay, update_briefings
from newspulse.pipeline.briefings import topic_scope
from newspulse.records import StoredVersion
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store import tables as t
from newspulse.store.sql import SqlStore
from newspulse.text.repeats import EmbedTexts


@dataclass(frozen=True, slots=True)
class CorpusRun:
    """One corpus file replayed at ``now``."""

    path: Path
    now: dt.datetime


@dataclass(frozen=True, slots=True)
class LabelledReport:
    label: str
    report: BriefingReport


def evaluate_store(
    store: SqlStore,
    settings: Settings,
    *,
    topics: Sequence[str] | None = None,
    config: EvalConfig = DEFAULT_CONFIG,
    facts: Mapping[str, Sequence[KeyFact]] | None = None,
    embed: EmbedTexts | None = None,
) -> list[BriefingReport]:
    """The latest version of every topic that has one (or of ``topics``); ``facts`` holds
    each topic's key facts by slug."""
    reports = []
    for topic in store.list_topics():
        if topics and topic.slug not in topics:
            continue
        version = store.latest_version(topic.slug)
        if version is not None:
            key_facts = (facts or {}).get(topic.slug, ())
            reports.append(
                evaluate_version(store, version, settings, config, facts=key_facts, embed=embed)
            )
    return reports


def evaluate_version(
    store: SqlStore,
    version: StoredVersion,
    settings: Settings,
    config: EvalConfig,
    *,
    facts: Sequence[KeyFact] = (),
    embed: EmbedTexts | None = None,
) -> BriefingReport:
    input_ids, scores = stored_citations(store, version.id)
    topic = next(t for t in store.list_topics() if t.slug == version.topic)
    # The writer's scope: slices are judged by the same facets (embedded by the store's
    # encoder) so the events measured are the events the page could tell.
    vectors = list(embed(list(topic.facets))) if embed is not None and topic.facets else None
    events = topic_scope(store, topic, now=version.created_at, settings=settings, facets=vectors)
    ids = set(input_ids) | {a for e in events for a in e.article_ids}
    articles = store.articles_by_ids(ids)
    texts = {
        a.uid: SourceText(
            a.uid, a.title, a.text, None if a.date_estimated else a.published_at.date()
        )
        for a in articles.values()
    }
    refs = [
        EventRef(
            e.id,
            e.source_count,
            len(e.article_ids),
            e.last_seen,
            frozenset(articles[a].uid for a in e.article_ids if a in articles),
            e.label,
        )
        for e in events
    ]
    return evaluate_briefing(
        version.document,
        texts,
        refs,
        support_scores=scores,
        config=config,
        facts=facts,
        embed=embed,
    )


def stored_citations(store: SqlStore, version_id: int) -> tuple[list[int], dict[str, list[float]]]:
    """The version's input article ids and its per-statement support scores."""
    v, c = t.briefing_versions.c, t.citations.c
    with store.engine.connect() as connection:
        inputs = connection.execute(
            select(v.input_article_ids).where(v.id == version_id)
        ).scalar_one()
        rows = connection.execute(
            select(c.statement_path, c.support_score).where(c.version_id == version_id)
        ).all()
    scores: dict[str, list[float]] = defaultdict(list)
    for path, score in rows:
        scores[path].append(float(score))
    return [int(a) for a in inputs or []], dict(scores)


def build_and_evaluate(
    run: CorpusRun,
    directory: Path,
    embedder: Embedder,
    settings: Settings,
    *,
    config: EvalConfig = DEFAULT_CONFIG,
    facts: Mapping[str, Sequence[KeyFact]] | None = None,
) -> list[BriefingReport]:
    """Replay one corpus into a fresh store under ``directory``, write, and measure."""
    path = directory / f"{run.path.parent.name or 'corpus'}-{run.path.stem}.db"
    with replayed_store(path, run.path, embedder, now=run.now, settings=settings) as (
        store,
        built,
    ):
        update_briefings(store, now=run.now, settings=built, embedder=embedder)
        return evaluate_store(store, built, config=config, facts=facts, embed=embedder.embed)


@contextmanager
def replayed_store(
    path: Path, corpus: Path, embedder: Embedder, *, now: dt.datetime, settings: Settings
) -> Iterator[tuple[SqlStore, Settings]]:
    """A fresh SQLite store at ``path`` holding the catalog and ``corpus`` replayed into
    it (ingest to cluster), with the settings that point at it; closed on exit."""
    path.unlink(missing_ok=True)
    built = settings.model_copy(update={"db": f"sqlite:///{path}"})
    store = SqlStore.open(built.db)
    try:
        store.migrate()
        store.save_catalog(load_catalog(Path(built.topics_file) if built.topics_file else None))
        replay(store, corpus, embedder, now=now, settings=built)
        yield store, built
    finally:
        store.close()
