"""The write step: a new version of each topic whose events changed since its last one.

A single writer (versions are numbered per topic).  The writer that words a version
(extractive or LLM) is chosen by ``write.writers.create_writer``; its fingerprint part
and its reproducibility keys come from the writer, never from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from newspulse.cluster.episodes import with_episodes
from newspulse.corrections import apply_corrections, corrected_fingerprint, corrections_json
from newspulse.domain import EventSummary, Topic, Vector
from newspulse.enrich.embed import Embedder
from newspulse.pipeline.ports import ModelPort, WritePort
from newspulse.rank import rank_events
from newspulse.settings import Settings
from newspulse.write.briefing import events_fingerprint, version_diff
from newspulse.write.facets import facet_place
from newspulse.write.scope import events_in_scope
from newspulse.write.writers import Writer, annotate, create_writer


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


def topics_in_scope(
    store: WritePort, *, vertical: str | None = None, topic: str | None = None
) -> list[Topic]:
    """The stored topics, in store order, of ``vertical`` and named ``topic`` (None: all)."""
    return [
        t
        for t in store.list_topics()
        if (vertical is None or t.vertical == vertical) and (topic is None or t.slug == topic)
    ]


def facet_vectors(topic: Topic, store: ModelPort, embedder: Embedder | None) -> list[Vector] | None:
    """The topic's facets embedded by the model the store's events were built with."""
    if not topic.facets or embedder is None:
        return None
    if store.embedding_models() - {embedder.name}:
        return None
    return list(embedder.embed(list(topic.facets)))


def topic_scope(
    store: WritePort,
    topic: Topic,
    *,
    now: dt.datetime,
    settings: Settings,
    facets: Sequence[Vector] | None,
) -> list[EventSummary]:
    """The events ``topic``'s page reads (``write.scope``; ``facets`` are its facets'
    vectors)."""
    days = topic.window_days if topic.window_days is not None else settings.write.window_days
    return events_in_scope(
        store.topic_events(topic.slug, since=now - dt.timedelta(days=days), until=now),
        settings.write,
        store.article_vectors,
        facet_place(topic.facets, facets),
    )


def update_topic(
    store: WritePort,
    topic: Topic,
    *,
    now: dt.datetime,
    settings: Settings,
    embedder: Embedder | None = None,
    writer: Writer | None = None,
) -> TopicUpdate:
    """Write ``topic``'s next version unless its fingerprint is unchanged (idempotent).

    ``writer`` defaults to the one the ``llm`` settings choose; ``embedder`` places
    events in the topic's facets by meaning (without it, by shared words) and lets the
    verifier withhold a statement that retells another in other words.
    """
    writer = writer or create_writer(settings.llm)
    corrections = store.list_corrections(topic.slug)
    vectors = facet_vectors(topic, store, embedder)
    events = apply_corrections(
        topic_scope(store, topic, now=now, settings=settings, facets=vectors), corrections
    )
    if not events:
        return TopicUpdate(topic.slug, "empty")
    fingerprint = corrected_fingerprint(
        events_fingerprint(
            events, now=now, settings=settings.write, rank=settings.rank, writer=writer
        ),
        corrections,
    )
    previous = store.latest_version(topic.slug)
    if previous is not None and previous.fingerprint == fingerprint:
        return TopicUpdate(topic.slug, "unchanged", previous.version, len(events))
    # Episodes (``cluster.episodes``) only for a version that is written: the fingerprint
    # covers what they are made of (members and settings).
    ranked = with_episodes(
        rank_events(events, now=now, settings=settings.rank),
        store.article_vectors(a for e in events for a in e.article_ids),
        cosine=settings.write.episode_cosine,
        min_sources=settings.write.episode_min_sources,
    )
    articles = store.articles_by_ids(a for e in ranked for a in e.article_ids)
    written = writer.write(
        topic,
        ranked,
        articles,
        now=now,
        settings=settings.write,
        previous=previous.document if previous else None,
        facet_vectors=vectors,
        embed=embedder.embed if embedder is not None else None,
    )
    if not written.briefing.sections and not written.briefing.notable:
        # Everything was withheld: keep the previous version rather than publish nothing.
        return TopicUpdate(
            topic.slug, "withheld", previous.version if previous else None, len(events)
        )
    document = written.briefing.to_json()
    annotate(document, written)
    document["corrections"] = corrections_json(corrections)
    diff = version_diff(previous.document if previous else None, document)
    document["changes"] = diff
    # Everything needed to regenerate and compare this version (issue 5, item 9).
    reproducibility = {
        "write": settings.write.model_dump(),
        "rank": settings.rank.model_dump(),
        **writer.record(written),
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
