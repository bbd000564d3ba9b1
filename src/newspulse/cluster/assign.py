"""Pure event assignment: join the nearest live event above a threshold, else start one.

Single-pass threshold clustering over a time window (Miranda et al., EMNLP 2018;
stack.md §1): each article is compared only with events whose last article is
within ``window_days`` of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from newspulse.cluster.index import EventIndex
from newspulse.domain import Article, EventAssignment, LiveEvent, Vector
from newspulse.settings import ClusterSettings


@dataclass(slots=True)
class ClusterBatch:
    """The outcome of clustering one batch, ready for the store to persist atomically."""

    assignments: list[EventAssignment] = field(default_factory=list)
    new_events: dict[int, LiveEvent] = field(default_factory=dict)
    changed_events: dict[int, LiveEvent] = field(default_factory=dict)


def cluster_batch(
    items: Sequence[tuple[Article, Vector]],
    index: EventIndex,
    settings: ClusterSettings,
) -> ClusterBatch:
    """Assign articles in arrival order; new events get negative placeholder ids."""
    batch = ClusterBatch()
    window = dt.timedelta(days=settings.window_days)
    for article, vector in sorted(items, key=lambda item: (item[0].published_at, item[0].id)):
        found = index.nearest(vector, since=article.published_at - window)
        if found is not None and found[1] >= settings.threshold:
            position, similarity = found
            event = index.absorb(position, vector, article.published_at)
            if event.id < 0:
                batch.new_events[event.id] = event
            else:
                batch.changed_events[event.id] = event
            batch.assignments.append(EventAssignment(article.id, event.id, similarity))
            continue
        placeholder = -(len(batch.new_events) + 1)
        event = LiveEvent(id=placeholder, centroid=vector, size=1, last_seen=article.published_at)
        index.add(event)
        batch.new_events[placeholder] = event
        batch.assignments.append(EventAssignment(article.id, placeholder, 1.0))
    return batch
