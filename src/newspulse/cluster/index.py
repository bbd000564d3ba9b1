"""The live-event index: events still open to new articles, searchable by centroid.

Holds each live event (mean member embedding, size, last article time, key facts)
and a ``VectorIndex`` over the centroids.  The time window is kept by deletion:
``expire(before)`` drops events whose last article is older, so a query only ever
sees events in the window and never scans the rest of the history.  Articles are
clustered in time order, so the window only moves forward within one index.

The store loads the window once per batch (``store.live_events``) and the index is
built from that list.  Rebuilt per batch, the exact numpy index is the right one: it
costs nothing to build, while an HNSW graph of 100k events takes 30-60 s here.  The
usearch HNSW graph pays off for an index kept across batches (a long-lived worker, or
the sidecar folder that ``save``/``load`` write) once the window holds more than a few
tens of thousands of events (bench/bench_cluster.py); ``kind="auto"`` switches at
``hnsw_min_events``.

Per event it also counts key facts (names and figures), and across events how many
live events carry each key: a key is *rare* when few live events carry it, and only
rare keys earn the similarity bonus (``cluster.similarity``).
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from newspulse.cluster.vectors import (
    INITIAL_CAPACITY,
    ExactVectorIndex,
    HnswVectorIndex,
    VectorIndex,
)
from newspulse.domain import LiveEvent, Vector

# Below this many live events the exact numpy index answers as fast as HNSW and needs no
# build; above it its linear cost dominates (bench/bench_cluster.py: about 0.5 ms per
# article at 10k events for both, 8 ms exact vs 1-1.4 ms HNSW at 100k).
HNSW_MIN_EVENTS = 20_000
# Keys kept per event: enough for the actors and amounts of one story; the most
# frequent among its members win, so one off-topic article adds little.
MAX_EVENT_FACTS = 40
# A key is rare when at most this share of live events (and at least two) carries it.
RARE_FACT_SHARE = 0.05
RARE_FACT_MIN_EVENTS = 2
SIDECAR_META = "events.json"
SIDECAR_CENTROIDS = "centroids.npy"
SIDECAR_HNSW = "centroids.usearch"


class EventIndex:
    """Live events of one time window with their centroids in a ``VectorIndex``."""

    def __init__(
        self,
        events: Sequence[LiveEvent],
        dimensions: int,
        *,
        kind: str = "exact",
        hnsw_min_events: int = HNSW_MIN_EVENTS,
        vectors: VectorIndex | None = None,
    ) -> None:
        self.dimensions = dimensions
        self.vectors = (
            vectors
            if vectors is not None
            else build_vectors(events, dimensions, kind, hnsw_min_events)
        )
        self._events: dict[int, LiveEvent] = {}
        self._facts: dict[int, Counter[str]] = {}
        self._fact_events: Counter[str] = Counter()
        self._expiry: list[tuple[float, int]] = []
        # Placeholder ids of new events count down from here, below every id ever held.
        self.lowest_id = 0
        for event in events:
            self._track(event, Counter(event.entities))
        if vectors is None and events:
            self.vectors.upsert_many(
                [event.id for event in events],
                np.stack([event.centroid for event in events]).astype(np.float32),
            )

    def __len__(self) -> int:
        return len(self._events)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._events

    @property
    def events(self) -> list[LiveEvent]:
        return list(self._events.values())

    def get(self, event_id: int) -> LiveEvent:
        return self._events[event_id]

    def candidates(self, vector: Vector, count: int) -> list[LiveEvent]:
        """Up to ``count`` live events nearest ``vector``, for exact rescoring."""
        return [self._events[key] for key in self.vectors.search(vector, count)]

    def rare_facts(self, facts: Iterable[str]) -> frozenset[str]:
        """The keys among ``facts`` that few live events carry."""
        limit = max(RARE_FACT_MIN_EVENTS, RARE_FACT_SHARE * len(self._events))
        return frozenset(key for key in facts if self._fact_events[key] <= limit)

    def add(self, event: LiveEvent, facts: Iterable[str] = ()) -> LiveEvent:
        """Start tracking ``event``; ``facts`` are its first member's keys."""
        counts = Counter(facts) or Counter(event.entities)
        event = replace(event, entities=top_facts(counts))
        self._track(event, counts)
        self.vectors.upsert(event.id, event.centroid)
        return event

    def absorb(
        self, event_id: int, vector: Vector, seen: dt.datetime, facts: Iterable[str] = ()
    ) -> LiveEvent:
        """Add one member to an event: running-mean centroid, newest time, its facts."""
        event = self._events[event_id]
        centroid = (event.centroid * event.size + vector) / (event.size + 1)
        counts = self._facts[event_id]
        self._uncount(event.entities)
        counts.update(facts)
        updated = replace(
            event,
            centroid=centroid.astype(np.float32),
            size=event.size + 1,
            last_seen=max(event.last_seen, seen),
            entities=top_facts(counts),
        )
        self._events[event_id] = updated
        self._fact_events.update(updated.entities)
        if updated.last_seen != event.last_seen:
            heapq.heappush(self._expiry, (updated.last_seen.timestamp(), event_id))
        self.vectors.upsert(event_id, updated.centroid)
        return updated

    def remove(self, event_id: int) -> LiveEvent | None:
        event = self._events.pop(event_id, None)
        if event is None:
            return None
        self._facts.pop(event_id, None)
        self._uncount(event.entities)
        self.vectors.remove(event_id)
        return event

    def expire(self, before: dt.datetime) -> list[int]:
        """Drop events whose last article is older than ``before``; their ids."""
        cutoff = before.timestamp()
        dropped: list[int] = []
        while self._expiry and self._expiry[0][0] < cutoff:
            stamp, event_id = heapq.heappop(self._expiry)
            event = self._events.get(event_id)
            # Entries are never updated in place: a newer one exists when the event moved on.
            if event is not None and event.last_seen.timestamp() == stamp:
                self.remove(event_id)
                dropped.append(event_id)
        return dropped

    def save(self, folder: Path) -> None:
        """Write the index as a sidecar folder (centroids, metadata, HNSW graph if any)."""
        folder.mkdir(parents=True, exist_ok=True)
        events = list(self._events.values())
        centroids = np.stack([e.centroid for e in events]) if events else np.zeros((0, 1))
        np.save(folder / SIDECAR_CENTROIDS, centroids.astype(np.float32))
        meta = {
            "dimensions": self.dimensions,
            "events": [
                {
                    "id": e.id,
                    "size": e.size,
                    "last_seen": e.last_seen.isoformat(),
                    "facts": dict(self._facts[e.id]),
                }
                for e in events
            ],
        }
        (folder / SIDECAR_META).write_text(json.dumps(meta), "utf-8")
        if isinstance(self.vectors, HnswVectorIndex):
            self.vectors.save(folder / SIDECAR_HNSW)

    @classmethod
    def load(cls, folder: Path) -> EventIndex:
        """Read a sidecar folder written by ``save``; an HNSW graph is loaded, not rebuilt."""
        meta = json.loads((folder / SIDECAR_META).read_text("utf-8"))
        centroids = np.load(folder / SIDECAR_CENTROIDS)
        events = [
            LiveEvent(
                id=int(row["id"]),
                centroid=centroids[position],
                size=int(row["size"]),
                last_seen=dt.datetime.fromisoformat(row["last_seen"]),
                entities=frozenset(row["facts"]),
            )
            for position, row in enumerate(meta["events"])
        ]
        dimensions = int(meta["dimensions"])
        graph = folder / SIDECAR_HNSW
        vectors = HnswVectorIndex(dimensions, path=graph) if graph.exists() else None
        index = cls(events, dimensions, kind="exact", vectors=vectors)
        for event, row in zip(events, meta["events"], strict=True):
            index._facts[event.id] = Counter(row["facts"])
        return index

    def _track(self, event: LiveEvent, counts: Counter[str]) -> None:
        self._events[event.id] = event
        self.lowest_id = min(self.lowest_id, event.id)
        self._facts[event.id] = counts
        self._fact_events.update(event.entities)
        heapq.heappush(self._expiry, (event.last_seen.timestamp(), event.id))

    def _uncount(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._fact_events[key] -= 1
            if self._fact_events[key] <= 0:
                del self._fact_events[key]


def build_vectors(
    events: Sequence[LiveEvent], dimensions: int, kind: str, hnsw_min_events: int
) -> VectorIndex:
    """The back-end for a window of ``len(events)`` events (``auto`` picks by size)."""
    if kind == "auto":
        kind = "hnsw" if len(events) >= hnsw_min_events else "exact"
    if kind == "exact":
        return ExactVectorIndex(dimensions, capacity=len(events) + INITIAL_CAPACITY)
    if kind == "hnsw":
        return HnswVectorIndex(dimensions)
    raise ValueError(f"unknown vector index kind {kind!r} (use 'auto', 'exact' or 'hnsw')")


def top_facts(counts: Counter[str]) -> frozenset[str]:
    """The event's most frequent keys; ties go to the key first seen."""
    return frozenset(key for key, _ in counts.most_common(MAX_EVENT_FACTS))
