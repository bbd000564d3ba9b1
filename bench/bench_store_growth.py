"""Store growth: time per 1,000 new articles as the store holds 10k, 100k and 1M articles.

No stage may rescan everything per new article, so the cost of a fixed batch must stay
roughly flat as the history grows.  For each size the store is filled (bulk SQL, not the
pipeline: 1M articles through the pipeline would take hours on 2 cores) with fully
processed synthetic history — articles with vectors, topic matches, events of five — spread
over the year before the measured moment, plus a fixed recent layer inside every window
(measured 100 days after the previous size, so every window holds the same and only the
history grows).  Then
1,000 new articles, built from sentences of the bundled corpora so they pass dedup as
originals, go through the real steps: ingest (date, canonicalise, exact + near dedup,
insert), enrich, route, cluster (assign + merge/split maintenance), write (every topic).

    python bench/bench_store_growth.py [--sizes 10000,100000,1000000]
        [--backends sqlite,postgres] [--batch 1000] [--recent 5000] [--model hashing]

The default embedder is ``hashing`` (no weights): the model's cost per article does not
depend on the store, so leaving it out shows the store's share of the cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, text

from common import CORPUS, ROOT, peak_rss_mib, timed
from newspulse.domain import Entry
from newspulse.enrich.embed import Embedder, create_embedder
from newspulse.ingest.corpus import read_corpus
from newspulse.pipeline import (
    cluster_pending,
    enrich_pending,
    ingest_entries,
    route_pending,
    update_briefings,
)
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store import tables as t
from newspulse.store.sql import SqlStore
from newspulse.store.vectors import vector_to_blob

sys.path.insert(0, str(ROOT))
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
HISTORY_DAYS = (100, 470)  # before each measured moment: older than every window
RECENT_DAYS = 7
SHIFT = dt.timedelta(days=100)  # longer than the cluster (30 days) and write (90) windows
EVENT_SIZE = 5
CHUNK = 5_000
STEPS = ("ingest", "enrich", "route", "cluster", "write")


@dataclass(frozen=True, slots=True)
class Pool:
    """What synthetic articles are made of: the bundled corpora's titles and sentences."""

    titles: list[str]
    sentences: list[str]
    sources: list[str]


def load_pool() -> Pool:
    titles, sentences, sources = [], [], []
    for path in sorted(CORPUS.glob("*/articles.jsonl")):
        for entry in read_corpus(path).entries:
            titles.append(entry.title)
            sources.append(entry.source)
            sentences += [s.strip() + "." for s in entry.text.split(". ") if len(s) > 40]
    return Pool(titles, sentences, sorted(set(sources)))


def synthetic_text(pool: Pool, rng: random.Random, words: int = 8) -> str:
    return " ".join(rng.choice(pool.sentences) for _ in range(words))


def unit_vectors(rng: np.random.Generator, count: int, dims: int) -> np.ndarray:
    vectors = rng.standard_normal((count, dims)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def fill(
    store: SqlStore,
    pool: Pool,
    *,
    count: int,
    days: tuple[float, float],
    embedder: Embedder,
    topics: list[str],
    seed: int,
    now: dt.datetime = NOW,
) -> None:
    """``count`` processed articles after the highest stored id, events of five, one topic
    each."""
    rng = random.Random(seed)
    vectors_rng = np.random.default_rng(seed)
    dims = len(embedder.embed(["probe"])[0])
    span = (days[1] - days[0]) * 86_400
    with store.engine.begin() as connection:
        event_id = (connection.execute(select(func.max(t.events.c.id))).scalar() or 0) + 1
        first = (connection.execute(select(func.max(t.articles.c.id))).scalar() or 0) + 1
        for start in range(first, first + count, CHUNK):
            size = min(CHUNK, first + count - start)
            # Oldest first, so consecutive ids (one event) are close in time.
            offsets = sorted((rng.random() * span for _ in range(size)), reverse=True)
            vectors = unit_vectors(vectors_rng, size, dims)
            articles, members, events = [], [], []
            for i in range(size):
                number = start + i
                published = now - dt.timedelta(days=days[0], seconds=offsets[i])
                title = f"{rng.choice(pool.titles)} ({number})"
                articles.append(
                    {
                        "id": number,
                        "uid": f"s{number:015d}",
                        "url": f"https://synthetic.example/{number}",
                        "canonical_url": f"https://synthetic.example/{number}",
                        "source_id": None,
                        "source_name": rng.choice(pool.sources),
                        "title": title,
                        "title_derived": False,
                        "language": "en",
                        "summary": "",
                        "text": synthetic_text(pool, rng),
                        "published_at": published,
                        "date_source": "feed",
                        "fetched_at": published,
                        "content_hash": f"{number:064x}",
                        "embedding": vector_to_blob(vectors[i]),
                        "embedding_model": embedder.name,
                        "entities": [],
                        "figures": [],
                        "routed_at": published,
                        "clustered_at": published,
                    }
                )
                if i % EVENT_SIZE == 0:
                    group = vectors[i : i + EVENT_SIZE]
                    events.append(
                        {
                            "id": event_id,
                            "label": title,
                            "first_seen": published,
                            "last_seen": published,
                            "centroid": vector_to_blob(group.mean(axis=0)),
                            "size": len(group),
                            "source_count": len(group),
                            "salience": 0.0,
                            "key_facts": {"facts": []},
                            "updated_at": published,
                        }
                    )
                    event_id += 1
                members.append(
                    {
                        "article_id": number,
                        "event_id": event_id - 1,
                        "similarity": 0.8,
                        "assigned_at": published,
                    }
                )
            connection.execute(insert(t.articles), articles)
            connection.execute(insert(t.events), events)
            connection.execute(insert(t.event_articles), members)
            matches = [
                {
                    "article_id": row["id"],
                    "topic": topics[row["id"] % len(topics)],
                    "score": 0.5,
                    "similarity": 0.5,
                    "matched_terms": [],
                }
                for row in articles
            ]
            connection.execute(insert(t.article_topics), matches)
        if connection.dialect.name == "postgresql":
            for table in ("articles", "events"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


def new_entries(pool: Pool, count: int, *, now: dt.datetime, seed: int) -> list[Entry]:
    """Fresh originals: each mixes sentences of many corpus articles, so none is a copy."""
    rng = random.Random(seed)
    return [
        Entry(
            url=f"https://fresh.example/{seed}/{i}",
            source=rng.choice(pool.sources),
            title=f"{rng.choice(pool.titles)} — {seed}-{i}",
            text=synthetic_text(pool, rng, words=10),
            published_at=now - dt.timedelta(minutes=rng.randrange(1, 60)),
        )
        for i in range(count)
    ]


def measure(
    store: SqlStore,
    entries: list[Entry],
    embedder: Embedder,
    *,
    now: dt.datetime,
    settings: Settings,
) -> dict[str, float]:
    seconds: dict[str, float] = {}
    with timed() as ingest:
        stored = ingest_entries(store, entries, now=now, settings=settings).stored
    seconds["ingest"] = ingest.seconds
    with timed() as enrich:
        enrich_pending(store, embedder)
    seconds["enrich"] = enrich.seconds
    with timed() as route:
        route_pending(store, embedder, now=now, settings=settings)
    seconds["route"] = route.seconds
    with timed() as cluster:
        cluster_pending(store, now=now, settings=settings)
    seconds["cluster"] = cluster.seconds
    with timed() as write:
        update_briefings(store, now=now, settings=settings, embedder=embedder)
    seconds["write"] = write.seconds
    if stored != len(entries):
        print(f"    warning: {len(entries) - stored} of {len(entries)} new articles were copies")
    return seconds


@contextmanager
def open_store(backend: str, folder: Path) -> Iterator[SqlStore]:
    if backend == "sqlite":
        store = SqlStore.open(f"sqlite:///{folder / 'growth.db'}")
        try:
            yield store
        finally:
            store.close()
        return
    from tests.pgserver import running_postgres

    with running_postgres() as url:
        store = SqlStore.open(url)
        try:
            yield store
        finally:
            store.close()


def run_backend(backend: str, sizes: list[int], args: Any, pool: Pool) -> None:
    embedder = create_embedder(args.model)
    settings = Settings(db="sqlite://")
    with tempfile.TemporaryDirectory() as folder, open_store(backend, Path(folder)) as store:
        store.migrate()
        store.save_catalog(load_catalog())
        topics = sorted(topic.slug for topic in store.list_topics())
        held = 0
        for number, size in enumerate(sizes):
            # Each size is measured SHIFT later, over a recent layer of its own: the earlier
            # layers and measured batches have left every window and become history, so
            # only the history grows between sizes, not what a window holds.
            now = NOW + number * SHIFT
            history = size - held - args.recent
            if history > 0:
                with timed() as filling:
                    fill(
                        store,
                        pool,
                        count=history,
                        days=HISTORY_DAYS,
                        embedder=embedder,
                        topics=topics,
                        seed=100 + number,
                        now=now,
                    )
                print(f"[{backend}] history: {history:,} articles in {filling.seconds:.1f} s")
            fill(
                store,
                pool,
                count=args.recent,
                days=(0.05, RECENT_DAYS),
                embedder=embedder,
                topics=topics,
                seed=number + 1,
                now=now,
            )
            # Warm-up (imports, compiled patterns, topic profiles), not reported.
            warm = new_entries(pool, 100, now=now - dt.timedelta(hours=1), seed=1000 + number)
            measure(store, warm, embedder, now=now - dt.timedelta(hours=1), settings=settings)
            held = size + len(warm)
            entries = new_entries(pool, args.batch, now=now, seed=number + 1)
            seconds = measure(store, entries, embedder, now=now, settings=settings)
            held += args.batch
            total = sum(seconds.values())
            per_step = "  ".join(f"{step} {seconds[step]:6.2f}" for step in STEPS)
            print(
                f"[{backend}] store {size:>9,}  per {args.batch} new: {per_step}  "
                f"total {total:6.2f} s  ({args.batch / total:,.0f} articles/s)  "
                f"peak RSS {peak_rss_mib():,.0f} MiB",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--recent", type=int, default=5000)
    parser.add_argument("--model", default="hashing")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    pool = load_pool()
    print(f"pool: {len(pool.titles)} titles, {len(pool.sentences)} sentences")
    for backend in args.backends.split(","):
        run_backend(backend, sizes, args, pool)


if __name__ == "__main__":
    main()
