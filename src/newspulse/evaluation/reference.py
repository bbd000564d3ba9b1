"""The offline reference: agglomerative clustering of all embeddings at once.

Average linkage on cosine distance (scipy's ``linkage``, Müllner's algorithms), cut
at a similarity threshold.  It sees every article before deciding anything, so it
bounds what the single pass can reach on the same embeddings; the benchmark reports
it at its best threshold per data set (an oracle choice the stream cannot make), so
the gap between the two is the cost of streaming.  Average linkage, because its
merge criterion (the mean cosine between two groups) is the one the streaming
clusterer thresholds (``cluster.similarity``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]

Tree = npt.NDArray[np.float64]


def linkage_tree(vectors: npt.NDArray[np.float32]) -> Tree:
    """The full merge tree of ``vectors`` (rows: unit embeddings)."""
    if len(vectors) < 2:
        return np.zeros((0, 4))
    tree: Tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
    return tree


def cut_tree(tree: Tree, count: int, threshold: float) -> list[int]:
    """A cluster label per row: groups whose mean cosine stays at or above ``threshold``."""
    if count < 2:
        return list(range(count))
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    return [int(label) for label in labels]


def threshold_grid(start: float = 0.30, stop: float = 0.90, step: float = 0.025) -> Sequence[float]:
    return [round(value, 3) for value in np.arange(start, stop + step / 2, step)]
