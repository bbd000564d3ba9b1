"""Near-duplicate detection: per-article check time as the index grows, recall and false positives.

python bench/bench_neardup.py [--sizes 10000,100000] [--probes 1000]

1. Check time: articles are added one by one (query, then add, as the pipeline will); the time
   of 1,000 query+add checks is taken when the index holds each size. It must stay flat.
2. Quality per threshold: 1,000 originals and 4,000 distinct texts are indexed; 1,000 near
   copies (3% of words replaced plus a trailer, as syndication does) must find their original;
   rewrites (10% of words replaced) may not; 1,000 fresh texts, and 1,000 texts opening with
   the same 100-word banner as an indexed text (a publisher's donation appeal above a different
   story), must find nothing. The mean true 5-shingle Jaccard of each kind is printed.
3. The bundled corpora (537 real articles): which pairs are flagged at the default threshold.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from common import CORPUS, peak_rss_mib
from newspulse.dedup.near import (
    DEFAULT_THRESHOLD,
    NearDuplicateIndex,
    Signature,
    shingles,
    text_signature,
)

WORDS_PER_TEXT = 350
VOCABULARY = 20_000
TRAILER = (
    "This story was originally published by the Associated Press and is republished here "
    "under a content partnership. Follow our newsroom for more updates on this developing story."
)


class TextMaker:
    """Synthetic news-length texts over a Zipf vocabulary (stack.md §2.3 used the same recipe)."""

    def __init__(self, seed: int) -> None:
        self.random = np.random.default_rng(seed)
        self.vocabulary = np.array([f"w{index}" for index in range(VOCABULARY)])

    def text(self) -> str:
        ranks = self.random.zipf(1.15, WORDS_PER_TEXT) % VOCABULARY
        return " ".join(self.vocabulary[ranks])

    def near_copy(self, text: str, changed_share: float) -> str:
        words = text.split()
        changed = self.random.choice(len(words), int(len(words) * changed_share), replace=False)
        for position in changed:
            words[position] = self.vocabulary[self.random.integers(VOCABULARY)]
        return " ".join(words) + " " + TRAILER


def signature_of(text: str) -> Signature:
    signature = text_signature(text)
    if signature is None:
        raise SystemExit("synthetic text too short to sign")
    return signature


def time_checks(index: NearDuplicateIndex, texts: list[str], first_id: int) -> float:
    """Seconds per check (signature + query + add) over the given texts."""
    started = time.perf_counter()
    for offset, text in enumerate(texts):
        signature = signature_of(text)
        index.query_signature(signature)
        index.add_signature(first_id + offset, signature)
    return (time.perf_counter() - started) / len(texts)


def bench_growth(sizes: list[int], probes: int) -> None:
    print("== per-article check (MinHash of the text + LSH query + add), index growing")
    maker = TextMaker(seed=7)
    index = NearDuplicateIndex()
    filler_signatures = 0
    filling_started = time.perf_counter()
    for size in sorted(sizes):
        while len(index) < size:
            index.add_signature(filler_signatures, signature_of(maker.text()))
            filler_signatures += 1
        filled = time.perf_counter() - filling_started
        per_check = time_checks(index, [maker.text() for _ in range(probes)], 10**9 + size)
        print(f"  {size:>7,} indexed: {per_check * 1e3:.3f} ms per check "
              f"({1 / per_check:,.0f} checks/s), filled in {filled:.1f} s, "
              f"peak RSS {peak_rss_mib():,.0f} MiB")  # fmt: skip


def true_jaccard(first: str, second: str) -> float:
    first_set, second_set = set(shingles(first)), set(shingles(second))
    return len(first_set & second_set) / len(first_set | second_set)


def bench_quality(thresholds: list[float]) -> None:
    print("== recall / false positives per threshold (1,000 probes of each kind)")
    maker = TextMaker(seed=11)
    banner = maker.text().split()[:100]
    originals = [" ".join(banner) + " " + maker.text() for _ in range(1000)]
    others = [maker.text() for _ in range(4000)]
    probes = {
        "copies (3% edits + trailer)": [maker.near_copy(text, 0.03) for text in originals],
        "rewrites (10% edits + trailer)": [maker.near_copy(text, 0.10) for text in originals],
        "same banner, other story": [" ".join(banner) + " " + maker.text() for _ in originals],
        "fresh distinct texts": [maker.text() for _ in originals],
    }
    for kind, texts in probes.items():
        similarity = np.mean([true_jaccard(a, b) for a, b in zip(originals, texts, strict=True)])
        print(f"  {kind:<32} mean true Jaccard to the paired original {similarity:.2f}")
    stored = [signature_of(text) for text in originals + others]
    signed = {kind: [signature_of(text) for text in texts] for kind, texts in probes.items()}
    for threshold in thresholds:
        index = NearDuplicateIndex(threshold=threshold)
        for article_id, signature in enumerate(stored):
            index.add_signature(article_id, signature)
        found = {
            kind: [index.query_signature(signature) for signature in signatures]
            for kind, signatures in signed.items()
        }
        recall = {
            kind: sum(match == number for number, match in enumerate(matches))
            for kind, matches in found.items()
        }
        flagged = {
            kind: sum(match is not None for match in matches) for kind, matches in found.items()
        }
        print(f"  threshold {threshold:.1f}: copies found {recall['copies (3% edits + trailer)']}"
              f"/1000, rewrites found {recall['rewrites (10% edits + trailer)']}/1000, "
              f"false positives: same banner {flagged['same banner, other story']}/1000, "
              f"fresh {flagged['fresh distinct texts']}/1000")  # fmt: skip


def bench_corpus() -> None:
    print(f"== bundled corpora, threshold {DEFAULT_THRESHOLD}: flagged copies (in replay order)")
    index = NearDuplicateIndex()
    records = [
        (name, json.loads(line))
        for name in ("ai-infra", "crypto", "sports")
        for line in (CORPUS / name / "articles.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    flagged = 0
    for number, (_, record) in enumerate(records):
        original = index.query(record["text"])
        if original is not None:
            flagged += 1
            print(f"  {record['url'][:70]}\n    copy of {records[int(original)][1]['url'][:70]}")
        index.add(number, record["text"])
    print(f"  {flagged} of {len(records)} articles flagged as near copies")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8")
    args = parser.parse_args()
    bench_quality([float(value) for value in args.thresholds.split(",")])
    bench_corpus()
    bench_growth([int(value) for value in args.sizes.split(",")], args.probes)


if __name__ == "__main__":
    main()
