"""The only module that knows the order of the stages.

Each ``*_pending`` step is an idempotent unit of work over stored data: it
takes what the previous stage left, does its part in batches, and records
that it did, so a crashed run is completed by running it again and the steps
can later run as jobs on separate workers.  Stateful steps (event assignment,
briefing versions) keep one writer: they run in arrival order in one process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from newspulse.bounds import window_start
from newspulse.cluster.assign import cluster_batch
from newspulse.cluster.index import EventIndex
from newspulse.cluster.maintain import (
    EventMembers,
    MaintenancePlan,
    Member,
    Regroup,
    StoredEvent,
    plan_maintenance,
)
from newspulse.corrections import apply_corrections, corrected_fingerprint, corrections_json
from newspulse.dedup.decide import dedup_batch
from newspulse.dedup.exact import content_hash
from newspulse.dedup.near import NearDuplicateIndex
from newspulse.domain import Entry, Topic, Vector
from newspulse.enrich.annotate import enrich_articles
from newspulse.enrich.embed import Embedder
from newspulse.enrich.language import article_languages
from newspulse.errors import StoreError
from newspulse.ingest.corpus import CorpusProblem, read_corpus
from newspulse.ingest.dating import date_entry
from newspulse.ingest.normalize import normalise_entry
from newspulse.rank import rank_events
from newspulse.route import TopicProfile, build_profile, profile_texts, route_article
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from newspulse.write.briefing import (
    WRITER_VERSION,
    events_fingerprint,
    version_diff,
    write_version,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 256
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class IngestReport:
    read: int
    stored: int
    seen_before: int
    copies: int
    problems: tuple[CorpusProblem, ...]


@dataclass(frozen=True, slots=True)
class ReplayReport:
    ingest: IngestReport
    enriched: int
    routed: int
    clustered: int
    events: int


@dataclass(frozen=True, slots=True)
class TopicUpdate:
    topic: str
    status: str  # "written" | "unchanged" | "empty" | "withheld"
    version: int | None = None
    events: int = 0
    sources: int = 0
    withheld: int = 0
    changes: dict[str, object] = field(default_factory=dict)
    # The LLM writer's run in one line (what the model wrote, what fell back and why).
    llm: str | None = None


def ingest_corpus(
    store: SqlStore, path: Path, *, now: dt.datetime, settings: Settings
) -> IngestReport:
    """Read a JSONL corpus and store its new entries, oldest first, in batches."""
    corpus = read_corpus(path)
    report = ingest_entries(store, corpus.entries, now=now, settings=settings)
    return dataclasses.replace(report, problems=corpus.problems + report.problems)


def ingest_entries(
    store: SqlStore,
    entries: Sequence[Entry],
    *,
    now: dt.datetime,
    settings: Settings,
    source_ids: Mapping[str, int] | None = None,
) -> IngestReport:
    """Date, canonicalise, dedup and store entries fetched at ``now``, oldest first.

    ``source_ids`` names the registered source of each entry's ``source``; entries of
    unknown sources (a corpus) get a source row of kind ``corpus``.
    """
    tolerance = dt.timedelta(hours=settings.ingest.future_tolerance_hours)
    dated, problems = [], []
    limit = settings.ingest.max_text_chars
    for number, entry in enumerate(entries, start=1):
        try:
            clean_entry = normalise_entry(entry, max_text_chars=limit)
            dated.append(date_entry(clean_entry, fetched_at=now, future_tolerance=tolerance))
        except ValueError as exc:
            problems.append(CorpusProblem(number, str(exc)))
    dated.sort(key=lambda d: (d.published_at, d.canonical_url))
    near = near_duplicate_index(store, now=now, settings=settings)
    stored = seen_before = copies = 0
    for start in range(0, len(dated), BATCH_SIZE):
        batch = dated[start : start + BATCH_SIZE]
        known_urls, known_hashes = store.find_exact(
            [d.canonical_url for d in batch], [content_hash(d.entry.text) for d in batch]
        )
        result = dedup_batch(
            batch, known_urls=set(known_urls), known_hashes=known_hashes, near=near
        )
        sources = dict(source_ids or {})
        unknown = {n.dated.entry.source for n in result.accepted} - set(sources)
        sources.update(store.ensure_sources(unknown, kind="corpus", now=now))
        store.insert_articles(result.accepted, sources)
        stored += len(result.accepted)
        seen_before += result.seen_before
        copies += result.copies
    return IngestReport(len(entries), stored, seen_before, copies, tuple(problems))


def check_embedding_model(store: SqlStore, embedder: Embedder) -> None:
    """Vectors of two models live in different spaces: never mix them in one store."""
    others = store.embedding_models() - {embedder.name}
    if others:
        raise StoreError(
            f"stored articles were embedded with {sorted(others)} but this run uses "
            f"{embedder.name!r}; set embed.model back, or run `newspulse reembed`",
            store.url,
        )


def near_duplicate_index(
    store: SqlStore, *, now: dt.datetime, settings: Settings
) -> NearDuplicateIndex:
    """The near-copy index over recent originals, rebuilt from stored signatures."""
    index = NearDuplicateIndex(threshold=settings.ingest.near_duplicate_threshold)
    since = now - dt.timedelta(days=settings.ingest.near_duplicate_days)
    for article_id, signature in store.recent_signatures(since):
        index.add_signature(article_id, signature)
    return index


def enrich_pending(store: SqlStore, embedder: Embedder) -> int:
    check_embedding_model(store, embedder)
    while pending := store.pending_language(BATCH_SIZE):
        store.save_languages(article_languages(pending))
    done = 0
    while batch := store.pending_enrichment(BATCH_SIZE):
        store.save_enrichments(enrich_articles(batch, embedder))
        done += len(batch)
    return done


def topic_profiles(
    topics: Sequence[Topic], embedder: Embedder, *, phrases: bool = True, facets: bool = False
) -> list[TopicProfile]:
    """Every topic's phrase vectors from one embedding call."""
    texts = [profile_texts(topic, phrases=phrases, facets=facets) for topic in topics]
    vectors = embedder.embed([text for group in texts for text in group])
    bounds = np.cumsum([0, *(len(group) for group in texts)])
    return [
        build_profile(topic, vectors[start:end])
        for topic, start, end in zip(topics, bounds[:-1], bounds[1:], strict=True)
    ]


def route_pending(
    store: SqlStore, embedder: Embedder, *, now: dt.datetime, settings: Settings
) -> int:
    batch = store.pending_routing(BATCH_SIZE)
    if not batch:
        return 0  # a quiet poll cycle embeds nothing, not even the topic profiles
    profiles = topic_profiles(
        store.list_topics(),
        embedder,
        phrases=settings.route.phrase_profiles,
        facets=settings.route.facet_phrases,
    )
    done = 0
    while batch:
        matches = [
            match
            for article, vector in batch
            for match in route_article(article, vector, profiles, settings.route)
        ]
        store.save_topic_matches([article.id for article, _ in batch], matches, now)
        done += len(batch)
        batch = store.pending_routing(BATCH_SIZE)
    return done


def cluster_pending(store: SqlStore, *, now: dt.datetime, settings: Settings) -> int:
    """Assign unclustered articles to events in arrival order, one batch per transaction."""
    window = dt.timedelta(days=settings.cluster.window_days)
    done = 0
    while batch := store.pending_clustering(BATCH_SIZE):
        # One stray old date must not load the whole history into the index: articles
        # more than two windows older than the batch's newest just start new events.
        newest = max(article.published_at for article, _ in batch)
        earliest = max(
            min(article.published_at for article, _ in batch), window_start(newest, 2 * window)
        )
        live = store.live_events(since=window_start(earliest, window))
        index = EventIndex(
            live,
            len(batch[0][1]),
            kind=settings.cluster.index,
            hnsw_min_events=settings.cluster.hnsw_min_events,
        )
        result = cluster_batch(batch, index, settings.cluster)
        touched = store.save_event_assignments(
            result.assignments,
            {article.id: article for article, _ in batch},
            result.new_events,
            list(result.changed_events.values()),
            now,
        )
        maintain_events(
            store, since=window_start(newest, window), focus=touched, settings=settings, now=now
        )
        done += len(batch)
    return done


def maintain_events(
    store: SqlStore,
    *,
    since: dt.datetime,
    focus: Collection[int],
    settings: Settings,
    now: dt.datetime,
) -> MaintenancePlan:
    """The merge/split pass of cluster/maintain.py after one batch, as `newspulse cluster`
    runs it: only events the batch touched can split or have converged with another, so
    events of other stories (and other verticals) in the window keep their members.

    Only the touched events' member vectors are loaded; the window's other events take
    part in merges through their stored size and centroid (issue 11, item 4)."""
    members = store.window_members(since, events=focus)
    events = [
        EventMembers(event_id, tuple(Member(a, vector, published) for a, vector, published in rows))
        for event_id, rows in members.items()
    ]
    stored = [
        StoredEvent(event_id, size, centroid)
        for event_id, size, centroid in store.window_summaries(since, exclude=members)
    ]
    plan = plan_maintenance(events, settings.cluster, focus=focus, summaries=stored)
    if plan.changed:
        vectors = {a: vector for rows in members.values() for a, vector, _ in rows}
        summary = {event.event_id: event for event in stored}
        whole = store.event_member_ids([e for r in plan.regroups for e in r.whole_events])
        store.apply_regroups(
            [
                (
                    regroup.event_id,
                    [*regroup.article_ids, *(a for e in regroup.whole_events for a in whole[e])],
                    regroup_centroid(regroup, vectors, summary),
                )
                for regroup in plan.regroups
            ],
            plan.retired,
            now,
        )
    return plan


def regroup_centroid(
    regroup: Regroup, vectors: Mapping[int, Vector], stored: Mapping[int, StoredEvent]
) -> Vector:
    """Mean member vector of a regrouped event: loaded members plus whole stored events."""
    parts = [vectors[a] for a in regroup.article_ids]
    parts += [stored[e].centroid * stored[e].size for e in regroup.whole_events]
    size = len(regroup.article_ids) + sum(stored[e].size for e in regroup.whole_events)
    mean: Vector = (np.sum(parts, axis=0) / size).astype(np.float32)
    return mean


def replay(
    store: SqlStore,
    path: Path,
    embedder: Embedder,
    *,
    now: dt.datetime,
    settings: Settings,
    progress: Progress = log.info,
) -> ReplayReport:
    """Push a corpus through ingest → dedup → enrich → route → cluster."""
    ingest = ingest_corpus(store, path, now=now, settings=settings)
    progress(f"stored {ingest.stored} of {ingest.read} articles from {path}")
    enriched = enrich_pending(store, embedder)
    progress(f"enriched {enriched} articles")
    routed = route_pending(store, embedder, now=now, settings=settings)
    clustered = cluster_pending(store, now=now, settings=settings)
    progress(f"routed {routed}, clustered {clustered} articles")
    return ReplayReport(ingest, enriched, routed, clustered, store.counts()["events"])


def update_briefings(
    store: SqlStore,
    *,
    now: dt.datetime,
    settings: Settings,
    vertical: str | None = None,
    topic: str | None = None,
    embedder: Embedder | None = None,
) -> list[TopicUpdate]:
    """Write a new version for each topic whose events changed since its last version.

    ``embedder`` places events in a topic's facets by meaning; without it, by shared words.
    """
    chosen = [
        t
        for t in store.list_topics()
        if (vertical is None or t.vertical == vertical) and (topic is None or t.slug == topic)
    ]
    return [update_topic(store, t, now=now, settings=settings, embedder=embedder) for t in chosen]


def facet_vectors(topic: Topic, store: SqlStore, embedder: Embedder | None) -> list[Vector] | None:
    """The topic's facets embedded by the model the store's events were built with."""
    if not topic.facets or embedder is None:
        return None
    if store.embedding_models() - {embedder.name}:
        return None
    return list(embedder.embed(list(topic.facets)))


def update_topic(
    store: SqlStore,
    topic: Topic,
    *,
    now: dt.datetime,
    settings: Settings,
    embedder: Embedder | None = None,
) -> TopicUpdate:
    days = topic.window_days if topic.window_days is not None else settings.write.window_days
    corrections = store.list_corrections(topic.slug)
    events = apply_corrections(
        [
            e
            for e in store.topic_events(topic.slug, since=now - dt.timedelta(days=days), until=now)
            if e.topic_share >= settings.write.min_topic_share
        ],
        corrections,
    )
    if not events:
        return TopicUpdate(topic.slug, "empty")
    fingerprint = corrected_fingerprint(
        events_fingerprint(
            events, now=now, settings=settings.write, rank=settings.rank, llm=settings.llm
        ),
        corrections,
    )
    previous = store.latest_version(topic.slug)
    if previous is not None and previous.fingerprint == fingerprint:
        return TopicUpdate(topic.slug, "unchanged", previous.version, len(events))
    ranked = rank_events(events, now=now, settings=settings.rank)
    articles = store.articles_by_ids(a for e in ranked for a in e.article_ids)
    written = write_version(
        topic,
        ranked,
        articles,
        now=now,
        settings=settings.write,
        llm=settings.llm,
        previous=previous.document if previous else None,
        facet_vectors=facet_vectors(topic, store, embedder),
    )
    if not written.briefing.sections and not written.briefing.notable:
        # Everything was withheld: keep the previous version rather than publish nothing.
        return TopicUpdate(
            topic.slug, "withheld", previous.version if previous else None, len(events)
        )
    document = written.briefing.to_json()
    document["writer"] = written.writer
    if written.llm_report is not None and isinstance(document.get("verification"), dict):
        document["verification"]["llm"] = llm_note(written.llm_report)
    document["corrections"] = corrections_json(corrections)
    diff = version_diff(previous.document if previous else None, document)
    document["changes"] = diff
    # Everything needed to regenerate and compare this version (issue 5, item 9).
    reproducibility = {
        "write": settings.write.model_dump(),
        "rank": settings.rank.model_dump(),
        "writer_version": WRITER_VERSION,
        "prompt_version": written.prompt_version,
        "llm": settings.llm.model_dump() if settings.llm.enabled else None,
        "fallback_reason": written.fallback_reason,
        "llm_rejected": list(written.llm_rejected),
        "llm_run": written.llm_report,
        "embedding_models": sorted(store.embedding_models()),
    }
    number = store.save_version(
        topic=topic.slug,
        document=document,
        fingerprint=fingerprint,
        model=written.model,
        settings=reproducibility,
        input_article_ids=written.input_article_ids,
        diff=diff,
        citations=[(c.path, c.article_id, c.passage, c.support_score) for c in written.citations],
        created_at=now,
    )
    verification = written.briefing.verification
    return TopicUpdate(
        topic.slug,
        "written",
        number,
        len(events),
        len(written.briefing.sources),
        len(verification.withheld) if verification else 0,
        diff,
        written.llm_summary,
    )


def llm_note(report: Mapping[str, Any]) -> dict[str, Any]:
    """The verification note's part about the LLM writer: which sections the model wrote,
    which kept their extractive wording and why, what was withheld and refused."""
    return {
        "writer": report.get("writer"),
        "mode": report.get("mode"),
        "fallback_reason": report.get("fallback_reason"),
        "sections": [
            {"title": s.get("section"), "writer": s.get("writer"), "reason": s.get("reason")}
            for s in report.get("sections", [])
        ],
        "withheld": len(report.get("withheld", [])),
        "refusals": len(report.get("refusals", [])),
    }
