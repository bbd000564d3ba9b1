"""Clustering cost per new article as the live-event window grows (synthetic vectors).

For 10k, 100k and 1M live events in the window and each vector index (exact numpy,
usearch HNSW), builds the ``EventIndex`` once (reported apart: a long-lived worker
builds it once, the current pipeline once per batch) and then clusters new articles
with ``cluster_batch``: half of them are near an existing event and join it (centroid
update), half are new stories and start an event (insert).  Prints the mean time per
article, which must stay roughly flat with the window size for the chosen index, how
many of the joining half found their event (an approximate index can miss it), and the
memory of the index (its vectors and graph, and the process's resident growth).
The machine is shared, so each size runs ``--repeat`` rounds and the best is reported.
Vectors are synthetic: ``--data topics`` (default) groups events by subject as real
embeddings do, ``--data uniform`` scatters them at random, the worst case for HNSW.
    python bench/bench_cluster.py [--sizes 10000,100000,1000000] [--kinds exact,hnsw]
                                  [--data topics|uniform] [--ef 64,128,256]
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import gc
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt

from common import report, timed
from newspulse.cluster.assign import cluster_batch
from newspulse.cluster.index import EventIndex
from newspulse.cluster.vectors import HnswVectorIndex
from newspulse.domain import Article, LiveEvent
from newspulse.settings import ClusterSettings

DIMENSIONS = 384
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TEXT = "Nvidia agreed to buy Groq for $20 billion, the companies said in Santa Clara on Monday."


def current_rss_mib() -> float:
    """Resident memory of this process now (not the peak), from /proc.

    Freed memory is first handed back to the system (glibc ``malloc_trim``), so that the
    growth across a build is the index's and not a reuse of earlier garbage.
    """
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def random_units(count: int, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    vectors = rng.standard_normal((count, DIMENSIONS), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def near(
    points: npt.NDArray[np.float32], spread: float, rng: np.random.Generator
) -> npt.NDArray[np.float32]:
    """Unit vectors at cosine 1/sqrt(1 + spread^2) from ``points``, in random directions."""
    moved = points + spread * random_units(len(points), rng)
    moved /= np.linalg.norm(moved, axis=1, keepdims=True)
    return moved


def live_centroids(size: int, data: str, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """``uniform``: independent random directions, the hardest case for a graph index.

    ``topics``: events around one topic direction per 100 events, as news embeddings
    cluster by subject: an event is at cosine 0.71 from its topic, two events of one
    topic at about 0.5, events of different topics near 0.
    """
    if data == "uniform":
        return random_units(size, rng)
    topics = random_units(max(1, size // 100), rng)
    centroids = np.empty((size, DIMENSIONS), dtype=np.float32)
    for start in range(0, size, 100_000):
        stop = min(size, start + 100_000)
        picked = topics[rng.integers(0, len(topics), stop - start)]
        centroids[start:stop] = near(picked, 1.0, rng)
    return centroids


def new_articles(
    count: int, centroids: npt.NDArray[np.float32], data: str, rng: np.random.Generator
) -> tuple[list[tuple[Article, npt.NDArray[np.float32]]], dict[int, int]]:
    """Half near a live event (cosine 0.89: they join it), half new stories (they start one).

    New stories are random directions for ``uniform`` data and, for ``topics`` data, new
    events of an existing topic (cosine 0.53 to one of its events, less to the others).
    """
    half = count // 2
    targets = rng.choice(len(centroids), size=half, replace=False)
    joining = near(centroids[targets], 0.5, rng)
    if data == "uniform":
        starting = random_units(count - half, rng)
    else:
        siblings = centroids[rng.choice(len(centroids), size=count - half, replace=False)]
        starting = near(siblings, 1.6, rng)
    vectors = np.concatenate([joining, starting])
    moment = START + dt.timedelta(hours=1)
    items = [
        (Article(i, f"u{i}", "u", "u", "s", "t", TEXT, moment, False), vector)
        for i, vector in enumerate(vectors)
    ]
    # Event ids are positions + 1 (run_size): the event each joining article belongs to.
    return items, {i: int(target) + 1 for i, target in enumerate(targets)}


def run_size(
    size: int,
    kinds: list[str],
    articles: int,
    repeat: int,
    data: str,
    widths: list[int],
    rng: np.random.Generator,
) -> None:
    centroids = live_centroids(size, data, rng)
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
    for kind in kinds:
        gc.collect()
        before = current_rss_mib()
        with timed() as build:
            index = EventIndex(events, DIMENSIONS, kind=kind)
        report(f"cluster: build {kind} index, {size:,} events", size, build.seconds, "events")
        print(
            f"    memory: {index.vectors.nbytes() / 2**20:,.0f} MiB of vectors"
            f"{' and graph' if kind == 'hnsw' else ''}, {current_rss_mib() - before:,.0f} MiB"
            " resident for the whole index (events, facts, expiry heap)",
            flush=True,
        )
        for width in widths if isinstance(index.vectors, HnswVectorIndex) and widths else [0]:
            if width and isinstance(index.vectors, HnswVectorIndex):
                index.vectors.expansion_search = width
            label = f"{kind}, ef {width}" if width else kind
            assign_rounds(index, label, size, articles, repeat, data, centroids, rng)
        del index


def assign_rounds(
    index: EventIndex,
    label: str,
    size: int,
    articles: int,
    repeat: int,
    data: str,
    centroids: npt.NDArray[np.float32],
    rng: np.random.Generator,
) -> None:
    """``repeat`` rounds of ``articles`` new articles through ``cluster_batch``; the best."""
    settings = ClusterSettings()
    rounds = []
    for _ in range(repeat):
        items, expected = new_articles(articles, centroids, data, rng)
        with timed() as assign:
            batch = cluster_batch(items, index, settings)
        found = sum(1 for a in batch.assignments if expected.get(a.article_id) == a.event_id)
        started = sum(1 for a in batch.assignments if (a.event_id or 0) < 0)
        rounds.append((assign.seconds, found, started))
    seconds, found, started = min(rounds)
    report(f"cluster: assign, {label}, {size:,} events", articles, seconds, "articles")
    all_ms = ", ".join(f"{r[0] / articles * 1000:.2f}" for r in rounds)
    print(
        f"    {seconds / articles * 1000:.3f} ms per article at {size:,} live events ({label}; "
        f"best of {repeat}: {all_ms}; {found}/{len(expected)} joined their event, "
        f"{started} started one)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--kinds", default="exact,hnsw")
    parser.add_argument("--articles", type=int, default=1000, help="new articles per size")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of new articles; best")
    parser.add_argument("--data", choices=["topics", "uniform"], default="topics")
    parser.add_argument(
        "--ef", default="", help="HNSW search widths to try, e.g. 64,128 (default: by size)"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    print(f"synthetic {args.data} vectors, {DIMENSIONS} dimensions", flush=True)
    for size in (int(value) for value in args.sizes.split(",")):
        widths = [int(width) for width in args.ef.split(",") if width]
        run_size(size, args.kinds.split(","), args.articles, args.repeat, args.data, widths, rng)


if __name__ == "__main__":
    main()
