"""The live-event index: events still open to new articles, searchable by centroid.

Holds each live event (mean member embedding, size, last article time, key facts)
and a ``VectorIndex`` over the centroids.  The time window is kept by deletion:
``expire(before)`` drops events whose last article is older, so a query only ever
sees events in the window and never scans the rest of the history.  Articles are
clustered in time order, so the window only moves forward within one index.

The store loads the window once per batch (``store.live_events``) and the index is
built from that list.  Rebuilt per batch, the exact numpy index is the right one at
any size: it costs nothing to build, while an HNSW graph builds at a few thousand
events a second here (bench/bench_cluster.py), more than exact search of a batch
costs.  The usearch HNSW graph pays off for an index kept across batches
(``long_lived``: ``cluster.stream`` keeps one for a whole stream; the sidecar folder
that ``save``/``load`` write) once the window holds tens of thousands of events:
``kind="auto"`` then moves a long-lived index into a graph, in one bulk build, when it
reaches ``hnsw_min_events``; a per-batch index stays exact.

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

# From this many live events a long-lived ``auto`` index moves into HNSW: at 10k events an
# article costs several ms exact and under 1 ms with the graph, whose build (under 2 s at
# 10k) is repaid within a few hundred articles (bench/bench_cluster.py).
HNSW_MIN_EVENTS = 10_000
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
        long_lived: bool = False,
        vectors: VectorIndex | None = None,
    ) -> None:
        self.dimensions = dimensions
        self.vectors = (
            vectors
            if vectors is not None
            else build_vectors(len(events), dimensions, kind, hnsw_min_events, long_lived)
        )
        self.hnsw_min_events = hnsw_min_events
        self._grows_into_hnsw = (
            kind == "auto" and long_lived and isinstance(self.vectors, ExactVectorIndex)
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
        if self._grows_into_hnsw and len(self._events) >= self.hnsw_min_events:
            self._move_into_hnsw()
        return event

    def replace_event(self, event: LiveEvent, facts: Iterable[str]) -> LiveEvent:
        """Track ``event`` as given, in place of any event with its id (maintenance)."""
        self.remove(event.id)
        return self.add(event, facts)

    def rename(self, old_id: int, new_id: int) -> LiveEvent | None:
        """Give a tracked event its real id once the store assigned one."""
        counts = self._facts.get(old_id)
        event = self.remove(old_id)
        if event is None or counts is None:
            return None
        return self.add(replace(event, id=new_id), counts)

    def facts_of(self, event_id: int) -> Counter[str]:
        """How often each key occurs among the event's members."""
        return Counter(self._facts.get(event_id, {}))

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

    def _move_into_hnsw(self) -> None:
        """A long-lived ``auto`` index outgrew exact search: one bulk build of a graph."""
        assert isinstance(self.vectors, ExactVectorIndex)
        keys, vectors = self.vectors.items()
        self.vectors = HnswVectorIndex(self.dimensions)
        self.vectors.upsert_many(keys, vectors)
        self._grows_into_hnsw = False

    def _uncount(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._fact_events[key] -= 1
            if self._fact_events[key] <= 0:
                del self._fact_events[key]


def build_vectors(
    count: int, dimensions: int, kind: str, hnsw_min_events: int, long_lived: bool = False
) -> VectorIndex:
    """The back-end for a window of ``count`` events (``auto``: see the module docstring)."""
    if kind == "auto":
        kind = "hnsw" if long_lived and count >= hnsw_min_events else "exact"
    if kind == "exact":
        return ExactVectorIndex(dimensions, capacity=count + INITIAL_CAPACITY)
    if kind == "hnsw":
        return HnswVectorIndex(dimensions)
    raise ValueError(f"unknown vector index kind {kind!r} (use 'auto', 'exact' or 'hnsw')")


def top_facts(counts: Counter[str]) -> frozenset[str]:
    """The event's most frequent keys; ties go to the smaller key.

    Not ``Counter.most_common``: its ties follow insertion order, which comes from
    iterating sets of keys and so from the string-hash seed (PYTHONHASHSEED).
    """
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return frozenset(key for key, _ in ranked[:MAX_EVENT_FACTS])
