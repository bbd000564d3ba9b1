"""Which events a topic's briefing reads, and which of their articles.

An event belongs to a topic when most of its coverage is routed there
(``write.min_topic_share``).  An event mostly about a neighbour topic can still hold a
story of this one (a government's dispute with a company is a policy story that the
company's sector page should tell too), and a loosely clustered event chains sub-stories
(two deals announced at one conference).  Such an event enters as its *slice*: only the
articles routed to the topic, when they come from at least ``write.min_slice_sources``
outlets, so one passing mention never brings in a story.  The slice is written and cited
as an event of its own (same id).  It keeps the event's topic share (which tells the writer
it is a slice) and topic fit (the members' mean score times that share), and its salience
counts only the slice's outlets: a neighbour's story ranks below this topic's own of like
coverage.  A slice is left out when it tells
the same story as one of the topic's own events (a story clustering split in two), and on
a page with facets when no facet claims it: the operator's facets say what the page covers,
and a neighbour's story the page has no place for would open a section of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from newspulse.domain import EventSummary, Vector
from newspulse.settings import WriteSettings

# MiniLM on the three bundled corpora: a slice of a deal an in-topic event already tells sat
# at 0.89 from it; slices of other stories at most 0.68 from their nearest in-topic event.
SAME_STORY_COSINE = 0.8

VectorsOf = Callable[[Iterable[int]], Mapping[int, Vector]]


def events_in_scope(
    events: Iterable[EventSummary],
    settings: WriteSettings,
    vectors_of: VectorsOf | None = None,
    has_place: Callable[[EventSummary], bool] | None = None,
) -> list[EventSummary]:
    """The topic's events (module docstring), in the order given.  ``vectors_of`` (the
    store's article vectors) centres a slice on its own articles, so it is judged and
    placed by its part of the story rather than the whole event's; with ``has_place``
    (``facets.facet_place``) a slice enters only where one of the page's facets claims it."""
    events = list(events)
    whole = [e for e in events if e.topic_share >= settings.min_topic_share]
    kept: dict[int, EventSummary] = {e.id: e for e in whole}
    for event in events:
        if event.id in kept or not settings.min_slice_sources:
            continue
        part = topic_slice(event)
        if part is None or part.source_count < settings.min_slice_sources:
            continue
        part = part if vectors_of is None else centred(part, vectors_of)
        if has_place is not None and not has_place(part):
            continue
        if not any(same_story(part, other) for other in whole):
            kept[event.id] = part
    return [kept[e.id] for e in events if e.id in kept]


def same_story(a: EventSummary, b: EventSummary) -> bool:
    """Two events whose centroids lie within ``SAME_STORY_COSINE``: one story split by
    clustering, which the page tells once, through the event that belongs to the topic."""
    norm = float(np.linalg.norm(a.centroid)) * float(np.linalg.norm(b.centroid))
    return norm > 0 and float(np.dot(a.centroid, b.centroid)) / norm >= SAME_STORY_COSINE


def topic_slice(event: EventSummary) -> EventSummary | None:
    """The event narrowed to its articles routed to the topic it was read for, or None
    when none is.  Its dates stay the event's (members carry no dates here)."""
    routed = set(event.topic_article_ids)
    if not routed or event.topic_share <= 0:
        return None
    members = [
        (article_id, source)
        for article_id, source in zip(event.article_ids, event.sources, strict=True)
        if article_id in routed
    ]
    return dataclasses.replace(
        event,
        article_ids=tuple(article_id for article_id, _ in members),
        sources=tuple(source for _, source in members),
    )


def centred(event: EventSummary, vectors_of: VectorsOf) -> EventSummary:
    """``event`` with its centroid the unit mean of its articles' vectors (unchanged when
    none is stored)."""
    found = vectors_of(event.article_ids)
    vectors = [found[a] for a in event.article_ids if a in found]
    if not vectors:
        return event
    mean = np.mean(np.stack(vectors), axis=0)
    norm = float(np.linalg.norm(mean))
    return dataclasses.replace(event, centroid=(mean / norm if norm else mean).astype(np.float32))
