"""Clustering a whole stream in memory: the throwaway state behind ``newspulse cluster``.

``MemoryEvents`` plays the store's part for clustering: it persists a ``ClusterBatch``
under real ids, keeps each event's members, and applies a maintenance plan.
``cluster_stream`` then runs the loop of the pipeline's cluster step (batches in
arrival order, of the cluster step's batch size when ``evaluation.run`` calls it,
``cluster_batch``, the maintenance pass over the window after every batch) with one
difference: its ``EventIndex`` lives for the whole stream and is told
each batch's new ids and regrouped events, where the pipeline reloads the window from
the store per batch.  Both see the same live events, since every article expires the
index to its own window; a long-lived index lets ``cluster.index = "auto"`` move into
an HNSW graph once the window is large (``cluster.index``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newspulse.bounds import window_start
from newspulse.cluster.assign import ClusterBatch, cluster_batch
from newspulse.cluster.index import EventIndex, top_facts
from newspulse.cluster.maintain import EventMembers, MaintenancePlan, Member, plan_maintenance
from newspulse.domain import Article, LiveEvent, Vector
from newspulse.settings import ClusterSettings


@dataclass(slots=True)
class MaintenanceCounts:
    passes: int = 0
    splits: int = 0
    merges: int = 0


@dataclass(slots=True)
class MemoryEvents:
    """Events with their members, keyed by real ids from 1 as a store would assign them."""

    events: dict[int, LiveEvent] = field(default_factory=dict)
    members: dict[int, list[Member]] = field(default_factory=dict)
    facts: dict[int, frozenset[str]] = field(default_factory=dict)
    event_of: dict[int, int] = field(default_factory=dict)
    next_id: int = 1

    def save(
        self, batch: ClusterBatch, items: Sequence[tuple[Article, Vector]]
    ) -> tuple[set[int], dict[int, int]]:
        """Persist one batch; the ids of the events it touched, and placeholder -> real id."""
        real_ids: dict[int, int] = {}
        for placeholder in sorted(batch.new_events, reverse=True):
            real_ids[placeholder] = self.next_id
            self.next_id += 1
        for placeholder, event in batch.new_events.items():
            self.events[real_ids[placeholder]] = replace_id(event, real_ids[placeholder])
        self.events.update(batch.changed_events)
        by_id = {article.id: (article, vector) for article, vector in items}
        touched: set[int] = set()
        for assignment in batch.assignments:
            assert assignment.event_id is not None
            event_id = real_ids.get(assignment.event_id, assignment.event_id)
            article, vector = by_id[assignment.article_id]
            self.members.setdefault(event_id, []).append(
                Member(article.id, vector, article.published_at)
            )
            self.facts[article.id] = batch.facts[article.id]
            self.event_of[article.id] = event_id
            touched.add(event_id)
        return touched, real_ids

    def window(self, since: dt.datetime) -> list[EventMembers]:
        return [
            EventMembers(event_id, tuple(self.members[event_id]))
            for event_id, event in self.events.items()
            if event.last_seen >= since
        ]

    def apply(self, plan: MaintenancePlan) -> list[int]:
        """Regroup members as planned, recompute the changed events; their ids."""
        members = {m.article_id: m for group in self.members.values() for m in group}
        changed: list[int] = []
        for event_id in plan.retired:
            self.events.pop(event_id, None)
            self.members.pop(event_id, None)
        for regroup in plan.regroups:
            if regroup.event_id is None:
                event_id = self.next_id
                self.next_id += 1
            else:
                event_id = regroup.event_id
            group = [members[article_id] for article_id in regroup.article_ids]
            self.members[event_id] = group
            self.events[event_id] = self.event_from_members(event_id, group)
            for member in group:
                self.event_of[member.article_id] = event_id
            changed.append(event_id)
        return changed

    def member_facts(self, group: Sequence[Member]) -> Counter[str]:
        """How often each key occurs among the members of ``group``."""
        counts: Counter[str] = Counter()
        for member in group:
            counts.update(self.facts.get(member.article_id, frozenset()))
        return counts

    def event_from_members(self, event_id: int, group: list[Member]) -> LiveEvent:
        counts = self.member_facts(group)
        centroid = np.mean([member.vector for member in group], axis=0).astype(np.float32)
        return LiveEvent(
            id=event_id,
            centroid=centroid,
            size=len(group),
            last_seen=max(member.published_at for member in group),
            entities=top_facts(counts),
        )


def cluster_stream(
    items: Sequence[tuple[Article, Vector]],
    settings: ClusterSettings,
    *,
    batch_size: int,
    maintain: bool = True,
) -> tuple[dict[int, int], MaintenanceCounts]:
    """Event id per article id, clustering ``items`` oldest first as the pipeline would."""
    state = MemoryEvents()
    counts = MaintenanceCounts()
    window = dt.timedelta(days=settings.window_days)
    ordered = sorted(items, key=lambda item: (item[0].published_at, item[0].id))
    if not ordered:
        return state.event_of, counts
    index = EventIndex(
        [],
        len(ordered[0][1]),
        kind=settings.index,
        hnsw_min_events=settings.hnsw_min_events,
        long_lived=True,
    )
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        newest = batch[-1][0].published_at
        touched, real_ids = state.save(cluster_batch(batch, index, settings), batch)
        for placeholder, event_id in real_ids.items():
            index.rename(placeholder, event_id)
        if maintain:
            plan = plan_maintenance(
                state.window(window_start(newest, window)), settings, focus=touched
            )
            for event_id in plan.retired:
                index.remove(event_id)
            for event_id in state.apply(plan):
                event = state.events[event_id]
                index.replace_event(event, state.member_facts(state.members[event_id]))
            counts.passes += 1
            counts.splits += plan.splits
            counts.merges += plan.merges
    return state.event_of, counts


def replace_id(event: LiveEvent, event_id: int) -> LiveEvent:
    return LiveEvent(event_id, event.centroid, event.size, event.last_seen, event.entities)
