"""The live-event index: centroids of events still open to new articles.

Held as a growable numpy matrix plus a vector of last-seen times, so a query is
one matrix-vector product and one mask over the events in the time window only
(never all events).  The store loads the window once per batch; events that
age out are dropped as the batch moves forward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from newspulse.domain import LiveEvent, Vector

INITIAL_CAPACITY = 256


class EventIndex:
    def __init__(self, events: list[LiveEvent], dimensions: int) -> None:
        self.dimensions = dimensions
        self.events: list[LiveEvent] = []
        self._matrix: npt.NDArray[np.float32] = np.zeros(
            (max(INITIAL_CAPACITY, len(events)), dimensions), dtype=np.float32
        )
        self._last_seen: npt.NDArray[np.float64] = np.zeros(len(self._matrix), dtype=np.float64)
        for event in events:
            self.add(event)

    def __len__(self) -> int:
        return len(self.events)

    def add(self, event: LiveEvent) -> int:
        position = len(self.events)
        if position == len(self._matrix):
            self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
            self._last_seen = np.concatenate([self._last_seen, np.zeros_like(self._last_seen)])
        self.events.append(event)
        self._store(position, event)
        return position

    def _store(self, position: int, event: LiveEvent) -> None:
        self._matrix[position] = normalised(event.centroid)
        self._last_seen[position] = event.last_seen.timestamp()

    def nearest(self, vector: Vector, *, since: dt.datetime) -> tuple[int, float] | None:
        """Position and cosine of the most similar event last seen at or after ``since``."""
        count = len(self.events)
        if count == 0:
            return None
        similarities = self._matrix[:count] @ vector
        similarities[self._last_seen[:count] < since.timestamp()] = -np.inf
        best = int(np.argmax(similarities))
        if not np.isfinite(similarities[best]):
            return None
        return best, float(similarities[best])

    def absorb(self, position: int, vector: Vector, seen: dt.datetime) -> LiveEvent:
        """Add one member to the event at ``position``: running-mean centroid."""
        event = self.events[position]
        centroid = (event.centroid * event.size + vector) / (event.size + 1)
        updated = replace(
            event,
            centroid=centroid.astype(np.float32),
            size=event.size + 1,
            last_seen=max(event.last_seen, seen),
        )
        self.events[position] = updated
        self._store(position, updated)
        return updated


def normalised(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)
