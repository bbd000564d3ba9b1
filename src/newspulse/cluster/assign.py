"""Pure event assignment: join the best live event above a threshold, else start one.

Single-pass threshold clustering over a time window (Miranda et al., EMNLP 2018;
stack.md §1), one article at a time in publication order:

1. Expire the events whose last article left the window (``window_days``).
2. Ask the index for the ``candidates`` events nearest the article's embedding
   (exact numpy or HNSW; never a scan of all events).
3. Rescore each candidate exactly: mean-member cosine + rare shared key facts
   - time gap (``cluster.similarity``).
4. Join the best one if its score reaches ``threshold``, raised for a crowded window
   (``cluster.similarity.crowded_threshold``); otherwise start an event.

Later merges and splits are the maintenance pass's job (``cluster.maintain``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from newspulse.bounds import window_start
from newspulse.cluster.index import EventIndex
from newspulse.cluster.similarity import Match, article_facts, crowded_threshold, score_event
from newspulse.domain import Article, EventAssignment, LiveEvent, Vector
from newspulse.settings import ClusterSettings


@dataclass(slots=True)
class ClusterBatch:
    """The outcome of clustering one batch, ready for the store to persist atomically."""

    assignments: list[EventAssignment] = field(default_factory=list)
    new_events: dict[int, LiveEvent] = field(default_factory=dict)
    changed_events: dict[int, LiveEvent] = field(default_factory=dict)
    # Each article's key facts as compared, so a caller keeping members need not extract again.
    facts: dict[int, frozenset[str]] = field(default_factory=dict)


def cluster_batch(
    items: Sequence[tuple[Article, Vector]],
    index: EventIndex,
    settings: ClusterSettings,
) -> ClusterBatch:
    """Assign articles in arrival order; new events get negative placeholder ids."""
    batch = ClusterBatch()
    for article, vector in sorted(items, key=lambda item: (item[0].published_at, item[0].id)):
        article_keys = batch.facts[article.id] = article_facts(article)
        match = best_match(article, vector, article_keys, index, settings)
        threshold = crowded_threshold(settings.threshold, len(index), settings)
        if match is not None and match.score >= threshold:
            event = index.absorb(match.event.id, vector, article.published_at, article_keys)
            if event.id < 0:
                batch.new_events[event.id] = event
            else:
                batch.changed_events[event.id] = event
            batch.assignments.append(EventAssignment(article.id, event.id, match.score))
            continue
        placeholder = index.lowest_id - 1
        event = index.add(
            LiveEvent(id=placeholder, centroid=vector, size=1, last_seen=article.published_at),
            article_keys,
        )
        batch.new_events[placeholder] = event
        batch.assignments.append(EventAssignment(article.id, placeholder, 1.0))
    return batch


def best_match(
    article: Article,
    vector: Vector,
    facts: frozenset[str],
    index: EventIndex,
    settings: ClusterSettings,
) -> Match | None:
    """Steps 1-3 of the module docstring: the best-scoring live event, if any."""
    index.expire(window_start(article.published_at, dt.timedelta(days=settings.window_days)))
    candidates = index.candidates(vector, settings.candidates)
    if not candidates:
        return None
    rare = index.rare_facts(facts)
    matches = [
        score_event(vector, facts, article.published_at, event, rare, settings)
        for event in candidates
    ]
    return max(matches, key=lambda match: match.score)
