"""Briefing writer speed: all topics from scratch, then an incremental update in a 10k store.

The bundled corpora hold 537 articles, so the 10,000-article store is SYNTHETIC, built
from them and labelled as such:

1. The three corpora are replayed once into a scratch store (each at the end of its
   period, as `make demo-build` does) only to learn every article's resolved date.
   crypto and sports end on 2025-11-30; their dates move 89 days later so that all
   three end at NOW (2026-02-27).  The 50 newest ai-infra articles are held out.
2. Generation g (g = 0 ... GENERATIONS-1) is every other article again with its date
   moved g * SPACING earlier, its URL given a ``/synthetic-g<g>`` path prefix and its
   sentences rotated by g, so each copy is a new URL and (mostly) a new text; a text
   whose rotation repeats an earlier one is stored as an exact copy, as syndication is.
   Generations are ingested oldest first, each with ``now`` at its own end, through the
   live pipeline (ingest → dedup → enrich → route → cluster).  SPACING exceeds the
   near-duplicate window (30 days), so the store reads as years of history at the
   bundled corpora's rate; a briefing's 90-day window holds about one generation.
3. After the from-scratch write at NOW, the 50 held-out articles arrive (re-dated into
   the next hour), go through the pipeline, and every topic is updated at NOW + 1 hour.

Embedder (``--embedder``): ``minilm`` (default) embeds each bundled article's lead once
with the real all-MiniLM-L6-v2 and reuses that vector for its synthetic variants (the
same article, re-dated); topic profiles and the 50 arrivals are embedded by the model
itself.  ``hashing`` uses the hashing embedder throughout (fast, but weak routing and
events).  The writer embeds only the statements it publishes (the verifier's repeat check).
    python bench/bench_write.py [--generations 21] [--embedder minilm|hashing] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import pstats
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

from common import CORPUS, report, timed
from newspulse.domain import Article, Entry
from newspulse.enrich.embed import (
    DIMENSIONS,
    MINILM_NAME,
    Embedder,
    HashingEmbedder,
    MiniLMEmbedder,
)
from newspulse.pipeline import (
    BATCH_SIZE,
    TopicUpdate,
    cluster_pending,
    enrich_pending,
    ingest_entries,
    replay,
    route_pending,
    update_briefings,
)
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore
from newspulse.text.sentences import split_sentences

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
CORPORA = {
    "ai-infra": (dt.datetime(2026, 2, 27, tzinfo=dt.UTC), dt.timedelta(0)),
    "crypto": (dt.datetime(2025, 11, 30, tzinfo=dt.UTC), dt.timedelta(days=89)),
    "sports": (dt.datetime(2025, 11, 30, tzinfo=dt.UTC), dt.timedelta(days=89)),
}
SPACING = dt.timedelta(days=98)
NEW_ARTICLES = 50
LATER = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class Base:
    corpus: str
    article: Article
    published: dt.datetime  # aligned so every corpus ends at NOW


class ReusedVectors:
    """The model's vector of each bundled article, reused for its synthetic variants."""

    def __init__(self, model: Embedder, bases: Sequence[Base]) -> None:
        self.model = model
        vectors = model.embed([b.article.lead for b in bases])
        self.by_title: dict[str, npt.NDArray[np.float32]] = {
            b.article.title: v for b, v in zip(bases, vectors, strict=True)
        }
        self.live = False

    @property
    def name(self) -> str:
        return self.model.name

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        found = [None if self.live else self.lookup(text) for text in texts]
        missing = [text for text, vector in zip(texts, found, strict=True) if vector is None]
        computed = iter(self.model.embed(missing)) if missing else iter(())
        rows = [vector if vector is not None else next(computed) for vector in found]
        return np.stack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)

    def lookup(self, lead: str) -> npt.NDArray[np.float32] | None:
        """A lead is "<title>. <text>": try every ". " as the end of a known title."""
        start = 0
        while (end := lead.find(". ", start)) != -1:
            if (vector := self.by_title.get(lead[:end])) is not None:
                return vector
            start = end + 1
        return None


def fresh_store(folder: Path, name: str, model: str) -> tuple[SqlStore, Settings]:
    settings = Settings(db=f"sqlite:///{folder / name}", embed={"model": model})
    store = SqlStore.open(settings.db)
    store.migrate()
    store.save_catalog(load_catalog())
    return store, settings


def base_articles(folder: Path, embedder: Embedder) -> list[Base]:
    """Step 1: every bundled article with its resolved, aligned date."""
    store, settings = fresh_store(folder, "base.db", "hashing")
    bases = []
    for name, (end, shift) in CORPORA.items():
        before = store.counts()["articles"]
        replay(store, CORPUS / name / "articles.jsonl", embedder, now=end, settings=settings)
        ids = range(before + 1, store.counts()["articles"] + 1)
        for article in store.articles_by_ids(ids).values():
            bases.append(Base(name, article, article.published_at + shift))
    store.close()
    return bases


def variant(base: Base, generation: int, published: dt.datetime) -> Entry:
    """Step 2: the article as a new page: another URL, rotated sentences, another date."""
    parts = urlsplit(base.article.url)
    url = urlunsplit(parts._replace(path=f"/synthetic-g{generation}{parts.path}"))
    sentences = split_sentences(base.article.text) or [base.article.text]
    turn = generation % len(sentences)
    text = " ".join(sentences[turn:] + sentences[:turn])
    title = base.article.title
    return Entry(
        url=url, source=base.article.source, title=title, text=text, published_at=published
    )


def process(store: SqlStore, entries: Sequence[Entry], embedder: Embedder, *,
            now: dt.datetime, settings: Settings) -> int:  # fmt: skip
    # One ingest call per 256 entries: within one call, a near-copy whose original came in
    # an earlier 256-entry batch of the same call names it by a uid the store cannot resolve
    # (KeyError in ArticleRows.insert_articles; reported, not fixed here).
    stored = 0
    for start in range(0, len(entries), BATCH_SIZE):
        chunk = entries[start : start + BATCH_SIZE]
        stored += ingest_entries(store, chunk, now=now, settings=settings).stored
    enrich_pending(store, embedder)
    route_pending(store, embedder, now=now, settings=settings)
    cluster_pending(store, now=now, settings=settings)
    return stored


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generations", type=int, default=21)
    parser.add_argument("--embedder", choices=("minilm", "hashing"), default="minilm")
    parser.add_argument("--profile", action="store_true", help="Profile the incremental update.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        bases = base_articles(folder, HashingEmbedder())
        ai = sorted((b for b in bases if b.corpus == "ai-infra"), key=lambda b: b.published)
        new = ai[-NEW_ARTICLES:]
        kept = [b for b in bases if all(b is not n for n in new)]
        reused: ReusedVectors | None = None
        embedder: Embedder = HashingEmbedder()
        if args.embedder == "minilm":
            with timed() as load:
                reused = ReusedVectors(MiniLMEmbedder(), bases)
            embedder = reused
            print(f"MiniLM: model load + {len(bases)} original leads: {load.seconds:.1f} s")
        print(f"embedder: {embedder.name}; store: SYNTHETIC variants of the bundled corpora")
        model = MINILM_NAME if args.embedder == "minilm" else "hashing"
        store, settings = fresh_store(folder, "bench.db", model)
        with timed() as build:
            for generation in reversed(range(args.generations)):
                shift = SPACING * generation
                entries = [variant(b, generation, b.published - shift) for b in kept]
                process(store, entries, embedder, now=NOW - shift, settings=settings)
        counts = store.counts()
        report("build: synthetic store (ingest→cluster)", counts["articles"], build.seconds,
               "articles")  # fmt: skip
        print(f"store: {counts}")

        with timed() as scratch_write:
            first = update_briefings(store, now=NOW, settings=settings, embedder=embedder)
        written = [r for r in first if r.status == "written"]
        report("write from scratch: all topics", len(written), scratch_write.seconds, "topics")
        for r in first:
            print(f"  {r.topic:<28} {r.status:<9} {r.events:>4} events {r.sources:>4} sources")

        later = NOW + LATER
        arrivals = [
            variant(b, 0, NOW + dt.timedelta(minutes=number))
            for number, b in enumerate(new, start=1)
        ]
        if reused is not None:
            reused.live = True  # the new articles are embedded by the model, as live ones are
        store.close()
        shutil.copy(folder / "bench.db", folder / "before-update.db")
        store = SqlStore.open(settings.db)
        stored, pipeline_seconds, update_seconds, second = incremental(
            store, arrivals, embedder, now=later, settings=settings
        )
        report(f"incremental: {NEW_ARTICLES} new → ingest..cluster", stored, pipeline_seconds,
               "articles")  # fmt: skip
        report("incremental: update all topics", len(second), update_seconds, "topics")
        report("incremental: end to end", stored, pipeline_seconds + update_seconds, "articles")
        for r in second:
            added = len(r.changes.get("events_added", []))  # type: ignore[arg-type]
            removed = len(r.changes.get("events_removed", []))  # type: ignore[arg-type]
            detail = f" (+{added}/-{removed} events)" if r.status == "written" else ""
            print(f"  {r.topic:<28} {r.status:<9}{detail}")
        rewritten = sum(1 for r in second if r.status == "written")
        print(f"topics rewritten: {rewritten} of {len(second)}; "
              f"articles now {store.counts()['articles']}")  # fmt: skip
        store.close()
        if args.profile:
            print("\nprofile of the same incremental update, rerun on a copy of the store:")
            copy = settings.model_copy(update={"db": f"sqlite:///{folder / 'before-update.db'}"})
            store = SqlStore.open(copy.db)
            profiler = cProfile.Profile()
            profiler.enable()
            incremental(store, arrivals, embedder, now=later, settings=copy)
            profiler.disable()
            store.close()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats("newspulse", 30)
            stats.sort_stats("tottime").print_stats(12)
            print(out.getvalue())


def incremental(
    store: SqlStore,
    arrivals: Sequence[Entry],
    embedder: Embedder,
    *,
    now: dt.datetime,
    settings: Settings,
) -> tuple[int, float, float, list[TopicUpdate]]:
    """The new articles through the pipeline, then every topic updated: both timed."""
    with timed() as pipeline:
        stored = process(store, arrivals, embedder, now=now, settings=settings)
    with timed() as update:
        results = update_briefings(store, now=now, settings=settings, embedder=embedder)
    return stored, pipeline.seconds, update.seconds, results


if __name__ == "__main__":
    main()
