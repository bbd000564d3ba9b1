"""Clustering quality on the shared gold sets: streaming vs the offline reference.

For each gold set, one table: the streaming clusterer exactly as ``newspulse
cluster`` runs it (default settings, with and without the maintenance pass, and
optionally at its best threshold) beside agglomerative average linkage on the same
embeddings at its best threshold (an oracle choice) and at the default threshold.
B-cubed and pairwise precision / recall / F1; the published anchor is pairwise F1
0.94 in English (Miranda et al., EMNLP 2018).  See ``newspulse.evaluation.datasets``
for what is kept of each set and in which order it streams.

Embeddings are cached in bench/results/cache/ (by model and text), so a second run
costs only the clustering.
    python bench/bench_cluster_quality.py [--sets mmds,neus] [--sweep] [--model hashing]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from common import ROOT, SHARED
from newspulse.enrich.embed import create_embedder
from newspulse.evaluation.datasets import GoldSet, load_mmds, load_neus
from newspulse.evaluation.embeddings import CachedEmbedder
from newspulse.evaluation.metrics import ClusteringScores, score_clustering
from newspulse.evaluation.reference import cut_tree, linkage_tree, threshold_grid
from newspulse.evaluation.run import cluster_records, records_to_articles
from newspulse.settings import ClusterSettings, Settings

CACHE = ROOT / "bench" / "results" / "cache"
LOADERS: dict[str, Callable[[], GoldSet]] = {
    "mmds": lambda: load_mmds(SHARED / "data" / "mmds2025-event-clusters"),
    "neus": lambda: load_neus(SHARED / "data" / "neus-allsides"),
}
SWEEP = [round(0.50 + 0.025 * step, 3) for step in range(13)]  # 0.50 .. 0.80


def row(method: str, threshold: float, scores: ClusteringScores, seconds: float) -> str:
    b, p = scores.bcubed, scores.pairwise
    return (
        f"  {method:<34} {threshold:>5.3f}  {b.precision:.3f} {b.recall:.3f} {b.f1:.3f}"
        f"   {p.precision:.3f} {p.recall:.3f} {p.f1:.3f}  {scores.predicted_clusters:>6}"
        f"  {seconds:>6.1f}"
    )


def online(
    gold: GoldSet, embedder: CachedEmbedder, settings: ClusterSettings, *, maintain: bool = True
) -> tuple[ClusteringScores, float]:
    started = time.perf_counter()
    run = cluster_records(gold.records, embedder, settings, maintain=maintain)
    return score_clustering(run.events, gold.gold), time.perf_counter() - started


def evaluate(
    gold: GoldSet, embedder: CachedEmbedder, settings: ClusterSettings, sweep: bool
) -> None:
    print(f"\n{gold.name}: {len(gold.records)} articles, {gold.events} gold events", flush=True)
    print(
        f"  {'method':<34} {'thr':>5}  {'B3 P':>5} {'R':>5} {'F1':>5}"
        f"   {'pw P':>5} {'R':>5} {'F1':>5}  {'events':>6}  {'sec':>6}"
    )
    started = time.perf_counter()
    embedder.embed([article.lead for article in records_to_articles(gold.records)])
    embedded = time.perf_counter() - started
    if embedder.computed:
        rate = embedder.computed / embedded
        print(f"  (embedded {embedder.computed} texts in {embedded:.1f} s: {rate:.1f}/s)")
    scores, seconds = online(gold, embedder, settings)
    print(row("online, default settings", settings.threshold, scores, seconds), flush=True)
    scores, seconds = online(gold, embedder, settings, maintain=False)
    print(row("online, no maintenance pass", settings.threshold, scores, seconds), flush=True)
    if sweep:
        results = []
        for threshold in SWEEP:
            tuned = settings.model_copy(update={"threshold": threshold})
            results.append((threshold, *online(gold, embedder, tuned)))
        threshold, scores, seconds = max(results, key=lambda r: r[1].bcubed.f1)
        print(row("online, best threshold (oracle)", threshold, scores, seconds), flush=True)
    articles = records_to_articles(gold.records)
    started = time.perf_counter()
    vectors = embedder.embed([article.lead for article in articles])
    tree = linkage_tree(vectors)
    seconds = time.perf_counter() - started
    ids = [record.id for record in gold.records]

    def offline_scores(threshold: float) -> ClusteringScores:
        labels = cut_tree(tree, len(ids), threshold)
        return score_clustering(dict(zip(ids, labels, strict=True)), gold.gold)

    best = max(threshold_grid(), key=lambda t: offline_scores(t).bcubed.f1)
    print(row("offline avg linkage, best (oracle)", best, offline_scores(best), seconds))
    default = settings.threshold
    print(row("offline avg linkage, default thr", default, offline_scores(default), seconds))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="mmds,neus")
    parser.add_argument("--sweep", action="store_true", help="also tune the online threshold")
    parser.add_argument("--model", default=None, help="embedding model (default: settings)")
    args = parser.parse_args()
    settings = Settings()
    model = args.model or settings.embed.model
    inner = create_embedder(model, batch_size=settings.embed.batch_size)
    embedder = CachedEmbedder(inner, CACHE / f"{inner.name.replace('/', '_')}.npz")
    print(f"model {inner.name}; cluster settings {settings.cluster.model_dump()}")
    try:
        for name in args.sets.split(","):
            evaluate(LOADERS[name](), embedder, settings.cluster, args.sweep)
    finally:
        embedder.save()


if __name__ == "__main__":
    main()
