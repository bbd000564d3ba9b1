"""The article-body metric of the Zyte/Scrapinghub extraction benchmark, reimplemented.

Why here: the extraction bench, its tests and the lead's quality harness must score text
exactly as the benchmark's ``evaluate.py`` does, so the published anchors (trafilatura
2.0.0 F1 0.958, rs-trafilatura 0.970) are comparable with our numbers.

1. Tokenise with the Unicode regex ``\\w+`` (case kept).
2. Take 4-token shingles; a text shorter than 4 tokens is one shorter shingle, an empty
   text has none.
3. Per document, count shingles as multisets: tp = overlap, fp = extra predicted,
   fn = missing; then divide the three by their sum so long pages weigh no more.
4. Precision is the mean of per-document precision over documents where tp + fp > 0
   (an empty prediction drops out of precision but scores 0 recall); recall the mean over
   documents where tp + fn > 0; F1 the harmonic mean of the two means.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SHINGLE_SIZE = 4
TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class MatchCounts:
    """Normalised shingle counts of one document (they sum to 1, or are all 0)."""

    true_positive: float
    false_positive: float
    false_negative: float


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float


def shingle_counts(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    shingles = (tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(shingle for shingle in shingles if shingle)


def match_counts(true: str, predicted: str) -> MatchCounts:
    """Normalised tp/fp/fn of a predicted body against the true one."""
    true_shingles = shingle_counts(true)
    predicted_shingles = shingle_counts(predicted)
    overlap = sum((true_shingles & predicted_shingles).values())
    extra = sum((predicted_shingles - true_shingles).values())
    missing = sum((true_shingles - predicted_shingles).values())
    total = overlap + extra + missing
    if total == 0:
        return MatchCounts(0.0, 0.0, 0.0)
    return MatchCounts(overlap / total, extra / total, missing / total)


def precision_of(counts: MatchCounts) -> float:
    if counts.false_positive == counts.false_negative == 0:
        return 1.0
    if counts.true_positive == counts.false_positive == 0:
        return 0.0
    return counts.true_positive / (counts.true_positive + counts.false_positive)


def recall_of(counts: MatchCounts) -> float:
    if counts.false_positive == counts.false_negative == 0:
        return 1.0
    if counts.true_positive == counts.false_negative == 0:
        return 0.0
    return counts.true_positive / (counts.true_positive + counts.false_negative)


def scores_from_counts(documents: Iterable[MatchCounts]) -> Scores:
    """Benchmark-wide precision, recall and F1 (the means are per document)."""
    counted = list(documents)
    precisions = [precision_of(c) for c in counted if c.true_positive + c.false_positive > 0]
    recalls = [recall_of(c) for c in counted if c.true_positive + c.false_negative > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    denominator = precision + recall
    f1 = 2 * precision * recall / denominator if denominator else 0.0
    return Scores(precision=precision, recall=recall, f1=f1)


def score_bodies(truth: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """Score predicted bodies against true ones; a missing prediction counts as empty."""
    return scores_from_counts(match_counts(truth[key], predicted.get(key, "")) for key in truth)
