"""Throughput of every pipeline stage on the three bundled corpora, with the real model.

Stages are timed one at a time on a fresh SQLite store, in pipeline order:
ingest (read + date + canonical URL + exact dedup + insert), enrich (MiniLM on
title + lead, names, figures), route, cluster, write (all topics), export.
    python bench/bench_pipeline.py [--now 2026-02-27T00:00:00Z] [--model use-multilingual-v3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from common import CORPUS, report, timed
from newspulse.enrich.embed import create_embedder
from newspulse.evaluation.routing import corpus_verticals, vertical_routing
from newspulse.pipeline import (
    cluster_pending,
    enrich_pending,
    ingest_corpus,
    route_pending,
    update_briefings,
)
from newspulse.publish.export import export_site
from newspulse.settings import EmbedSettings, Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

CORPORA = {"ai-infra": "ai", "crypto": "crypto", "sports": "sports"}  # corpus -> vertical


def print_routing_accuracy(store: SqlStore) -> None:
    """Each corpus is one vertical: how often the best topic is in it."""
    gold = corpus_verticals({CORPUS / n / "articles.jsonl": v for n, v in CORPORA.items()})
    routing = vertical_routing(store, gold)
    print(
        f"    vertical routing accuracy {routing.accuracy:.3f} of {routing.articles} articles "
        f"({routing.routed_accuracy:.3f} of {routing.routed} routed; "
        f"{routing.multi_label} in more than one topic)"
    )
    for vertical, (correct, total) in routing.correct_by_vertical.items():
        print(f"    {vertical}: {correct}/{total} = {correct / total:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", default="2026-02-27T00:00:00Z")
    parser.add_argument("--model", default=None, help="embedding model (default: settings)")
    args = parser.parse_args()
    now = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00"))
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db=f"sqlite:///{Path(folder) / 'bench.db'}")
        if args.model:  # the model's own calibration (newspulse.calibration)
            settings = Settings(db=settings.db, embed=EmbedSettings(model=args.model))
        store = SqlStore.open(settings.db)
        store.migrate()
        store.save_catalog(load_catalog())
        with timed() as load:
            embedder = create_embedder(settings.embed.model)
        print(f"model load: {load.seconds:.2f} s")

        with timed() as ingest:
            stored = sum(
                ingest_corpus(
                    store, CORPUS / name / "articles.jsonl", now=now, settings=settings
                ).stored
                for name in CORPORA
            )
        report(
            "ingest: read, date, canonicalise, dedup, insert", stored, ingest.seconds, "articles"
        )
        with timed() as enrich:
            enriched = enrich_pending(store, embedder)
        name = f"enrich: {embedder.name} (title+lead), names, figures"
        report(name, enriched, enrich.seconds, "articles")
        with timed() as route:
            routed = route_pending(store, embedder, now=now, settings=settings)
        topics = len(store.list_topics())
        report(f"route: {topics} topics", routed, route.seconds, "articles")
        print_routing_accuracy(store)
        with timed() as cluster:
            clustered = cluster_pending(store, now=now, settings=settings)
        report("cluster: single pass, windowed index", clustered, cluster.seconds, "articles")
        pipeline_seconds = ingest.seconds + enrich.seconds + route.seconds + cluster.seconds
        report("end to end: ingest→enrich→route→cluster", stored, pipeline_seconds, "articles")
        with timed() as write:
            results = update_briefings(store, now=now, settings=settings)
        written = sum(1 for r in results if r.status == "written")
        report("write: plan + extractive + verify, all topics", written, write.seconds, "topics")
        with timed() as export:
            exported = export_site(store, Path(folder) / "site", now=now)
        report("publish: static export", exported.pages, export.seconds, "pages")
        store.close()


if __name__ == "__main__":
    main()
