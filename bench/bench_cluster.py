"""Clustering cost per new article as the live-event window grows (synthetic vectors).

For 10k, 100k and 1M live events in the window and each vector index (exact numpy,
usearch HNSW), builds the ``EventIndex`` once (reported apart: a long-lived worker
builds it once, the current pipeline once per batch) and then clusters new articles
with ``cluster_batch``: half of them are near an existing event and join it (centroid
update), half are unrelated and start an event (insert).  Prints the mean time per
article; it must stay roughly flat with the window size for the chosen index.
    python bench/bench_cluster.py [--sizes 10000,100000,1000000] [--kinds exact,hnsw]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc

import numpy as np
import numpy.typing as npt

from common import report, timed
from newspulse.cluster.assign import cluster_batch
from newspulse.cluster.index import EventIndex
from newspulse.domain import Article, LiveEvent
from newspulse.settings import ClusterSettings

DIMENSIONS = 384
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TEXT = "Nvidia agreed to buy Groq for $20 billion, the companies said in Santa Clara on Monday."


def random_units(count: int, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    vectors = rng.standard_normal((count, DIMENSIONS), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def new_articles(
    count: int, centroids: npt.NDArray[np.float32], rng: np.random.Generator
) -> list[tuple[Article, npt.NDArray[np.float32]]]:
    """Half near a random live event (they join it), half unrelated (they start one)."""
    vectors = random_units(count, rng)
    near = rng.choice(len(centroids), size=count // 2, replace=False)
    vectors[: count // 2] = centroids[near] + 0.3 * vectors[: count // 2]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    moment = START + dt.timedelta(hours=1)
    return [
        (Article(i, f"u{i}", "u", "u", "s", "t", TEXT, moment, False), vector)
        for i, vector in enumerate(vectors)
    ]


def run_size(size: int, kinds: list[str], articles: int, rng: np.random.Generator) -> None:
    centroids = random_units(size, rng)
    ages = rng.uniform(0, 20 * 24, size)  # last articles over the past 20 days of the window
    events = [
        LiveEvent(
            id=i + 1,
            centroid=centroids[i],
            size=1,
            last_seen=START - dt.timedelta(hours=float(ages[i])),
        )
        for i in range(size)
    ]
    settings = ClusterSettings()
    for kind in kinds:
        gc.collect()
        with timed() as build:
            index = EventIndex(events, DIMENSIONS, kind=kind)
        report(f"cluster: build {kind} index, {size:,} events", size, build.seconds, "events")
        items = new_articles(articles, centroids, rng)
        with timed() as assign:
            batch = cluster_batch(items, index, settings)
        joined = sum(1 for a in batch.assignments if a.event_id is not None and a.event_id > 0)
        report(f"cluster: assign, {kind}, {size:,} events", articles, assign.seconds, "articles")
        per_article_ms = assign.seconds / articles * 1000
        print(
            f"    {per_article_ms:.3f} ms per article at {size:,} live events ({kind}; "
            f"{joined}/{articles} joined an existing event)",
            flush=True,
        )
        del index, batch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--kinds", default="exact,hnsw")
    parser.add_argument("--articles", type=int, default=200, help="new articles per size")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    for size in (int(value) for value in args.sizes.split(",")):
        run_size(size, args.kinds.split(","), args.articles, rng)


if __name__ == "__main__":
    main()
