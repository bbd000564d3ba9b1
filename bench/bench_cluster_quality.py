"""Clustering quality on the shared gold sets: streaming vs the offline reference.

For each gold set, one table: the streaming clusterer exactly as ``newspulse
cluster`` runs it (default settings, with and without the maintenance pass, and
optionally at its best threshold) beside agglomerative average linkage on the same
embeddings at its best threshold (an oracle choice) and at the default threshold.
B-cubed and pairwise precision / recall / F1; the published anchor is pairwise F1
0.94 in English (Miranda et al., EMNLP 2018).  See ``newspulse.evaluation.datasets``
for what is kept of each set and in which order it streams.

Then a check against overfitting the thresholds to these sets: random samples of 30 to
1,000 NeuS train stories (two seeds each), one window each, so the number of competing
events spans two orders of magnitude; for each, streaming at the default settings
beside the reference at its own best threshold.

Embeddings are cached in bench/results/cache/ (by model and text), so a second run
costs only the clustering.
    python bench/bench_cluster_quality.py [--sets mmds,neus-val,neus] [--samples 30,100,300,1000]
                                          [--sweep] [--model hashing]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from common import ROOT, SHARED
from newspulse.enrich.annotate import embed_text
from newspulse.enrich.embed import create_embedder
from newspulse.evaluation.datasets import GoldSet, load_mmds, load_neus
from newspulse.evaluation.embeddings import CachedEmbedder
from newspulse.evaluation.metrics import ClusteringScores, score_clustering
from newspulse.evaluation.reference import cut_tree, linkage_tree, threshold_grid
from newspulse.evaluation.run import cluster_records, records_to_articles
from newspulse.settings import ClusterSettings, EmbedSettings, Settings

CACHE = ROOT / "bench" / "results" / "cache"
NEUS = SHARED / "data" / "neus-allsides"
LOADERS: dict[str, Callable[[], GoldSet]] = {
    "mmds": lambda: load_mmds(SHARED / "data" / "mmds2025-event-clusters"),
    "neus-val": lambda: load_neus(NEUS, splits=("val",)),
    "neus": lambda: load_neus(NEUS),
}
SAMPLE_SEEDS = (11, 12)
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
    embedder.embed([embed_text(a, embedder.name) for a in records_to_articles(gold.records)])
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
    started = time.perf_counter()
    offline_scores = offline(gold, embedder)
    seconds = time.perf_counter() - started
    best = max(threshold_grid(), key=lambda t: offline_scores(t).bcubed.f1)
    print(row("offline avg linkage, best (oracle)", best, offline_scores(best), seconds))
    default = settings.threshold
    print(row("offline avg linkage, default thr", default, offline_scores(default), seconds))


def offline(gold: GoldSet, embedder: CachedEmbedder) -> Callable[[float], ClusteringScores]:
    """Scores of the average-linkage tree of ``gold`` cut at a given threshold."""
    vectors = embedder.embed(
        [embed_text(a, embedder.name) for a in records_to_articles(gold.records)]
    )
    tree = linkage_tree(vectors)
    ids = [record.id for record in gold.records]

    def scores(threshold: float) -> ClusteringScores:
        labels = cut_tree(tree, len(ids), threshold)
        return score_clustering(dict(zip(ids, labels, strict=True)), gold.gold)

    return scores


def sample_stories(gold: GoldSet, count: int, seed: int) -> GoldSet:
    """``count`` random stories of ``gold`` with all their articles, in the set's order."""
    stories = set(random.Random(seed).sample(sorted(set(gold.gold.values())), count))
    records = tuple(r for r in gold.records if gold.gold[r.id] in stories)
    labels = {r.id: gold.gold[r.id] for r in records}
    return GoldSet(f"{gold.name} {count} stories, seed {seed}", records, labels)


def density_check(embedder: CachedEmbedder, settings: ClusterSettings, counts: list[int]) -> None:
    """Streaming vs the reference on NeuS train samples of growing size (one window each)."""
    train = load_neus(NEUS, splits=("train",))
    print("\nneus-allsides train samples: streaming (default settings) vs offline (best thr)")
    print(
        f"  {'stories':>7} {'seed':>4} {'events':>6}  {'stream B3':>9} {'pw':>5}"
        f"  {'offline B3':>10} {'pw':>5} {'thr':>5}  {'gap B3':>6} {'pw':>6}"
    )
    for count in counts:
        for seed in SAMPLE_SEEDS:
            gold = sample_stories(train, count, seed)
            stream, _ = online(gold, embedder, settings)
            offline_scores = offline(gold, embedder)
            best = max(threshold_grid(), key=lambda t: offline_scores(t).bcubed.f1)
            reference = offline_scores(best)
            print(
                f"  {count:>7} {seed:>4} {stream.predicted_clusters:>6}"
                f"  {stream.bcubed.f1:>9.3f} {stream.pairwise.f1:>5.3f}"
                f"  {reference.bcubed.f1:>10.3f} {reference.pairwise.f1:>5.3f} {best:>5.3f}"
                f"  {stream.bcubed.f1 - reference.bcubed.f1:>+6.3f}"
                f" {stream.pairwise.f1 - reference.pairwise.f1:>+6.3f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="mmds,neus-val,neus")
    parser.add_argument(
        "--samples", default="30,100,300,1000", help="NeuS train story samples ('' for none)"
    )
    parser.add_argument("--sweep", action="store_true", help="also tune the online threshold")
    parser.add_argument("--model", default=None, help="embedding model (default: settings)")
    args = parser.parse_args()
    settings = Settings(embed=EmbedSettings(model=args.model)) if args.model else Settings()
    model = settings.embed.model  # its own calibrated thresholds (newspulse.calibration)
    inner = create_embedder(model, batch_size=settings.embed.batch_size)
    embedder = CachedEmbedder(inner, CACHE / f"{inner.name.replace('/', '_')}.npz")
    print(f"model {inner.name}; cluster settings {settings.cluster.model_dump()}")
    try:
        for name in args.sets.split(","):
            evaluate(LOADERS[name](), embedder, settings.cluster, args.sweep)
        if args.samples:
            counts = [int(count) for count in args.samples.split(",")]
            density_check(embedder, settings.cluster, counts)
    finally:
        embedder.save()


if __name__ == "__main__":
    main()
