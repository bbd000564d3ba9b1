"""Clustering scores against gold labels: B-cubed and pairwise precision, recall and F1.

B-cubed (Bagga & Baldwin 1998; the variant Amigó et al. 2009 recommend for clustering)
averages, per item, the share of its predicted cluster that shares its gold label
(precision) and the share of its gold cluster found in its predicted cluster (recall).
Pairwise scores count co-clustered pairs, as Miranda et al. (EMNLP 2018) and their
``eval_lib.py`` do for the published anchor (English F1 0.940): a true positive is a
pair that shares both a predicted and a gold cluster.

Both take two mappings from item id to label and score the items of ``gold``; every one
of them must have a predicted label.  An empty denominator (no predicted pairs, no gold
pairs) scores 1.0: nothing was claimed wrongly, nothing was missed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

Labels = Mapping[str, Hashable]


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ClusteringScores:
    bcubed: Scores
    pairwise: Scores
    items: int
    predicted_clusters: int
    gold_clusters: int


def score_clustering(predicted: Labels, gold: Labels) -> ClusteringScores:
    """B-cubed and pairwise scores of ``predicted`` over the items of ``gold``."""
    missing = [item for item in gold if item not in predicted]
    if missing:
        raise ValueError(f"{len(missing)} gold items have no predicted label, e.g. {missing[0]!r}")
    return ClusteringScores(
        bcubed=bcubed_scores(predicted, gold),
        pairwise=pairwise_scores(predicted, gold),
        items=len(gold),
        predicted_clusters=len({predicted[item] for item in gold}),
        gold_clusters=len(set(gold.values())),
    )


def bcubed_scores(predicted: Labels, gold: Labels) -> Scores:
    if not gold:
        return Scores(1.0, 1.0)
    joint = Counter((predicted[item], gold[item]) for item in gold)
    predicted_sizes = Counter(predicted[item] for item in gold)
    gold_sizes = Counter(gold.values())
    # Every item of one (predicted, gold) cell has the same per-item scores: weigh by cell size.
    precision = sum(n * n / predicted_sizes[p] for (p, _), n in joint.items())
    recall = sum(n * n / gold_sizes[g] for (_, g), n in joint.items())
    return Scores(precision / len(gold), recall / len(gold))


def pairwise_scores(predicted: Labels, gold: Labels) -> Scores:
    joint = Counter((predicted[item], gold[item]) for item in gold)
    true_pairs = sum(pairs(n) for n in joint.values())
    predicted_pairs = sum(pairs(n) for n in Counter(predicted[item] for item in gold).values())
    gold_pairs = sum(pairs(n) for n in Counter(gold.values()).values())
    return Scores(
        true_pairs / predicted_pairs if predicted_pairs else 1.0,
        true_pairs / gold_pairs if gold_pairs else 1.0,
    )


def pairs(count: int) -> int:
    return count * (count - 1) // 2
