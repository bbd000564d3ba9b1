"""ROUGE-1/2/L of the extractive writer's 3-article summaries on NeuS/AllSides (train + val),
beside lead-1 and lead-3 baselines, in one run; plus the writer's throughput.

Runs ``newspulse.evaluation.summaries`` (what ``newspulse eval summaries`` prints) over
``../shared/data/neus-allsides/derived_probe_clusters.jsonl``.
    python bench/bench_rouge.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import SHARED, report, timed
from newspulse.enrich.embed import HashingEmbedder
from newspulse.evaluation.summaries import read_stories, tables_by_split
from newspulse.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "neus-allsides")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    path = args.data / "derived_probe_clusters.jsonl"
    if not path.exists():
        print(f"skipped: {path} not found")
        return
    stories = read_stories(path)[: args.limit]
    settings = Settings()
    embedder = HashingEmbedder()
    print(f"{'split':<6} {'system':<11} {'stories':>7} {'empty':>5} "
          f"{'ROUGE-1':>7} {'ROUGE-2':>7} {'ROUGE-L':>7}  (F1, rouge-score, stemmed)")  # fmt: skip
    with timed() as run:
        tables = tables_by_split(stories, embedder, settings)
    for name, table in tables.items():
        for system, scores in table.f1.items():
            print(
                f"{name:<6} {system:<11} {table.stories:>7} {table.empty[system]:>5} "
                f"{scores['rouge1']:>7.4f} {scores['rouge2']:>7.4f} {scores['rougeL']:>7.4f}"
            )
    report("write + score 3 systems per story", len(stories), run.seconds, "stories")


if __name__ == "__main__":
    main()
