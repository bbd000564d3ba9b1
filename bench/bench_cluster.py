"""Clustering cost per new article as the live-event index grows (synthetic vectors).

Prints the mean time to assign one article with 10k, 100k and 1M live events in
the window; the cost must stay roughly flat per event count (one matrix-vector
product) and never touch events outside the window.
    python bench/bench_cluster.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt

import numpy as np

from common import report, timed
from newspulse.cluster.assign import cluster_batch
from newspulse.cluster.index import EventIndex
from newspulse.domain import Article, LiveEvent
from newspulse.settings import ClusterSettings

DIMENSIONS = 384
NEW_ARTICLES = 200
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def random_units(count: int, rng: np.random.Generator) -> np.ndarray:
    vectors = rng.standard_normal((count, DIMENSIONS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    rng = np.random.default_rng(7)
    settings = ClusterSettings()
    for size in sizes:
        centroids = random_units(size, rng)
        events = [
            LiveEvent(id=i + 1, centroid=centroids[i], size=1, last_seen=START) for i in range(size)
        ]
        with timed() as build:
            index = EventIndex(events, DIMENSIONS)
        report(f"cluster: build index of {size:,} live events", size, build.seconds, "events")
        items = [
            (
                Article(i, f"u{i}", "u", "u", "s", "t", "b", START + dt.timedelta(hours=1), False),
                vector,
            )
            for i, vector in enumerate(random_units(NEW_ARTICLES, rng))
        ]
        with timed() as assign:
            cluster_batch(items, index, settings)
        per_article_ms = assign.seconds / NEW_ARTICLES * 1000
        report(
            f"cluster: assign with {size:,} live events", NEW_ARTICLES, assign.seconds, "articles"
        )
        print(f"    {per_article_ms:.3f} ms per article at {size:,} live events", flush=True)


if __name__ == "__main__":
    main()
