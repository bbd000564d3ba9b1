"""Nearest-neighbour search over live-event centroids, behind one small Protocol.

The event index asks only four things of a vector index: insert or replace a key's
vector, remove a key, find the keys nearest a query, and count.  Two back-ends:

- ``ExactVectorIndex``: a growable float32 numpy matrix, one matrix-vector product
  per query.  No build cost and exact, the right choice for an index rebuilt per
  batch; its cost grows linearly with the number of live events (per article 2.9 ms
  at 10k, 23 ms at 100k, 302 ms at 1M on the shared 2-core box: bench/bench_cluster.py).
- ``HnswVectorIndex``: usearch 2.26 HNSW graph (stack.md §2.5: Apache-2.0, deletes,
  i8 storage, save/load), for windows with more live events.  Queries cost
  O(log n), so the cost per article stays nearly flat from 10k to 1M events; the
  price is a build of a few thousand inserts/s on all cores and recall below 1.

Both return candidates only: the caller rescores them exactly (see ``cluster.index``),
so an approximate order among the top few never decides an assignment by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newspulse.domain import Vector

INITIAL_CAPACITY = 256
# HNSW graph degree, beam widths and scalar kind.  Measured on 100k synthetic topic-grouped
# events in 384-d (bench/bench_cluster.py's data), a query near an event finding it in its
# top 10, on the shared 2-core box: f16 efC 128/ef 128 found 100% (build 98 s, 1.6 ms a
# query), f16 64/64 99.6% (80 s, 0.8 ms), bf16 64/64 99.0% (72 s), i8 64/64 99.4% (43 s,
# 0.5 ms, half the memory of f16), i8 48/64 97.9% (46 s).  The candidates are rescored
# exactly, so i8's coarser distances only reorder them.
HNSW_CONNECTIVITY = 16
HNSW_EXPANSION_ADD = 64
HNSW_EXPANSION_SEARCH = 64
# A larger graph needs a wider search beam to keep finding the event: on 1M such events a
# joining article found its event 75% of the time at ef 64, 90% at 128 and 94% at 256
# (1.2, 1.7 and 2.7 ms per article), where ef 64 found 99.6% at 100k.
WIDE_SEARCH = ((500_000, 256), (200_000, 128))
HNSW_SCALAR_KIND = "i8"
# cos 0.95 is about 18 degrees: a query at cosine 0.9 to the current centroid is still at
# about 0.85 to the indexed one, far closer than the gap between two distinct events.
REINDEX_COSINE = 0.95
# New vectors buffered before one parallel insertion into the graph; an exact search of
# the buffer costs about 0.05 ms.
FLUSH_SIZE = 256

FloatMatrix = npt.NDArray[np.float32]


class VectorIndex(Protocol):
    """Keys (event ids) to vectors, searchable by inner product."""

    def __len__(self) -> int: ...

    def upsert(self, key: int, vector: Vector) -> None:
        """Insert ``key`` or replace its vector."""

    def upsert_many(self, keys: Sequence[int], vectors: FloatMatrix) -> None:
        """Bulk insert of new keys (loading a window)."""

    def remove(self, key: int) -> None:
        """Forget ``key``; unknown keys are ignored."""

    def search(self, vector: Vector, count: int) -> list[int]:
        """Up to ``count`` keys whose vectors are most similar to ``vector``, best first."""

    def nbytes(self) -> int:
        """Memory held by the vectors and any graph over them."""


class ExactVectorIndex:
    """Brute force over a dense float32 matrix; deletes swap the last row into the hole."""

    def __init__(self, dimensions: int, capacity: int = INITIAL_CAPACITY) -> None:
        self.dimensions = dimensions
        self._matrix: npt.NDArray[np.float32] = np.zeros(
            (max(capacity, 1), dimensions), dtype=np.float32
        )
        self._keys: list[int] = []
        self._rows: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def upsert(self, key: int, vector: Vector) -> None:
        row = self._rows.get(key)
        if row is None:
            row = len(self._keys)
            if row == len(self._matrix):
                self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
            self._keys.append(key)
            self._rows[key] = row
        self._matrix[row] = vector

    def upsert_many(self, keys: Sequence[int], vectors: FloatMatrix) -> None:
        start = len(self._keys)
        if start + len(keys) > len(self._matrix):
            grown = np.zeros((start + len(keys), self.dimensions), dtype=np.float32)
            grown[:start] = self._matrix[:start]
            self._matrix = grown
        for offset, key in enumerate(keys):
            if key in self._rows:
                raise ValueError(f"upsert_many takes new keys only; {key} is indexed")
            self._rows[key] = start + offset
        self._keys.extend(keys)
        self._matrix[start : start + len(keys)] = vectors

    def remove(self, key: int) -> None:
        row = self._rows.pop(key, None)
        if row is None:
            return
        last = len(self._keys) - 1
        if row != last:
            moved = self._keys[last]
            self._matrix[row] = self._matrix[last]
            self._keys[row] = moved
            self._rows[moved] = row
        self._keys.pop()

    def search(self, vector: Vector, count: int) -> list[int]:
        size = len(self._keys)
        if size == 0 or count <= 0:
            return []
        scores = self._matrix[:size] @ vector
        if size > count:
            top = np.argpartition(-scores, count - 1)[:count]
            top = top[np.argsort(-scores[top])]
        else:
            top = np.argsort(-scores)
        return [self._keys[int(row)] for row in top]

    def nbytes(self) -> int:
        return int(self._matrix.nbytes)

    def vector(self, key: int) -> Vector:
        row: Vector = self._matrix[self._rows[key]]
        return row

    def items(self) -> tuple[list[int], FloatMatrix]:
        """Every key with its vector, in row order."""
        return list(self._keys), self._matrix[: len(self._keys)].copy()


class HnswVectorIndex:
    """usearch HNSW over cosine similarity, i8 storage; can be saved as a sidecar file.

    Two things keep the cost per article near the cost of one graph search:

    - New vectors wait in a small exact buffer, searched beside the graph, and enter the
      graph ``FLUSH_SIZE`` at a time, which usearch spreads over all cores.
    - A growing event's centroid barely moves per article, so a key already in the graph
      is re-inserted only once its vector has turned past ``REINDEX_COSINE`` from the
      indexed one; until then the graph finds it by a slightly stale vector, and the
      caller's exact rescoring uses the current centroid.
    """

    def __init__(self, dimensions: int, *, path: Path | None = None) -> None:
        from usearch.index import Index

        self.dimensions = dimensions
        self._index = Index(
            ndim=dimensions,
            metric="cos",
            dtype=HNSW_SCALAR_KIND,
            connectivity=HNSW_CONNECTIVITY,
            expansion_add=HNSW_EXPANSION_ADD,
            expansion_search=HNSW_EXPANSION_SEARCH,
        )
        if path is not None:
            self._index.load(str(path))
        self._pending = ExactVectorIndex(dimensions, capacity=FLUSH_SIZE)
        self._width_by_size = True

    def __len__(self) -> int:
        return len(self._index) + len(self._pending)

    def upsert(self, key: int, vector: Vector) -> None:
        label = to_label(key)
        if self._index.contains(label):
            if cosine(self._index.get(label), vector) >= REINDEX_COSINE:
                return
            self._index.remove(label)
        self._pending.upsert(key, unit_vector(vector))
        if len(self._pending) >= FLUSH_SIZE:
            self.flush()

    def upsert_many(self, keys: Sequence[int], vectors: FloatMatrix) -> None:
        """Bulk insert of new keys on all cores."""
        if len(keys):
            labels = np.array([to_label(key) for key in keys], dtype=np.uint64)
            self._index.add(labels, vectors)

    def flush(self) -> None:
        """Move the buffered vectors into the graph."""
        keys, vectors = self._pending.items()
        self.upsert_many(keys, vectors)
        self._pending = ExactVectorIndex(self.dimensions, capacity=FLUSH_SIZE)

    def remove(self, key: int) -> None:
        self._pending.remove(key)
        label = to_label(key)
        if self._index.contains(label):
            self._index.remove(label)

    def search(self, vector: Vector, count: int) -> list[int]:
        if count <= 0:
            return []
        found: list[tuple[float, int]] = []
        if len(self._index):
            if self._width_by_size:
                self._index.expansion_search = search_width(len(self._index))  # type: ignore[misc]
            matches = self._index.search(vector, count)
            found += [
                (float(distance), from_label(int(label)))
                for label, distance in zip(matches.keys, matches.distances, strict=True)
            ]
        query = unit_vector(vector)
        found += [
            (1.0 - float(self._pending.vector(key) @ query), key)
            for key in self._pending.search(query, count)
        ]
        return [key for _, key in sorted(found)[:count]]

    def nbytes(self) -> int:
        return int(self._index.memory_usage) + self._pending.nbytes()

    @property
    def expansion_search(self) -> int:
        """The search beam width: wider finds more of the true neighbours, slower."""
        return int(self._index.expansion_search)

    @expansion_search.setter
    def expansion_search(self, width: int) -> None:
        """A fixed width, in place of the one chosen by graph size (``search_width``)."""
        self._width_by_size = False
        # usearch defines this setter apart from its getter, which mypy reads as read-only.
        self._index.expansion_search = width  # type: ignore[misc]

    def save(self, path: Path) -> None:
        self.flush()
        self._index.save(str(path))


def search_width(size: int) -> int:
    """The HNSW search beam width for a graph of ``size`` vectors (``WIDE_SEARCH``)."""
    return next((width for least, width in WIDE_SEARCH if size >= least), HNSW_EXPANSION_SEARCH)


def unit_vector(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def cosine(first: Any, second: Vector) -> float:
    first = np.asarray(first, dtype=np.float32).reshape(-1)
    norms = float(np.linalg.norm(first) * np.linalg.norm(second))
    return float(first @ second) / norms if norms > 0 else 0.0


# usearch keys are unsigned 64-bit, and 2**64 - 1 marks a free slot; placeholder event ids
# are negative.  Shifting every key by 2**62 keeps both apart.
LABEL_OFFSET = 1 << 62


def to_label(key: int) -> int:
    return int(key) + LABEL_OFFSET


def from_label(label: int) -> int:
    return int(label) - LABEL_OFFSET
