"""Clustering metrics (newspulse.evaluation.metrics) against tables computed by hand."""

from __future__ import annotations

import pytest

from newspulse.evaluation.metrics import score_clustering

# gold  G1 = {a, b, c}, G2 = {d, e}, G3 = {f}
# pred  P1 = {a, b},    P2 = {c, d}, P3 = {e, f}
GOLD = {"a": "G1", "b": "G1", "c": "G1", "d": "G2", "e": "G2", "f": "G3"}
PREDICTED = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3, "f": 3}


def test_bcubed_by_hand() -> None:
    scores = score_clustering(PREDICTED, GOLD).bcubed
    # precision per item: a 1, b 1, c 1/2, d 1/2, e 1/2, f 1/2          -> 4/6
    # recall per item:    a 2/3, b 2/3, c 1/3, d 1/2, e 1/2, f 1        -> (11/3)/6
    assert scores.precision == pytest.approx(4 / 6)
    assert scores.recall == pytest.approx(11 / 18)
    assert scores.f1 == pytest.approx(2 * (4 / 6) * (11 / 18) / (4 / 6 + 11 / 18))


def test_pairwise_by_hand() -> None:
    scores = score_clustering(PREDICTED, GOLD).pairwise
    # predicted pairs ab, cd, ef; gold pairs ab, ac, bc, de; shared: ab
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 4)
    assert scores.f1 == pytest.approx(2 / 7)


def test_counts() -> None:
    result = score_clustering(PREDICTED, GOLD)
    assert (result.items, result.predicted_clusters, result.gold_clusters) == (6, 3, 3)


def test_perfect_and_degenerate_clusterings() -> None:
    perfect = score_clustering({k: v + "!" for k, v in GOLD.items()}, GOLD)
    assert perfect.bcubed.f1 == perfect.pairwise.f1 == 1.0
    singletons = score_clustering({k: k for k in GOLD}, GOLD)
    assert singletons.bcubed.precision == 1.0
    assert singletons.bcubed.recall == pytest.approx((1 / 3 * 3 + 1 / 2 * 2 + 1) / 6)
    # No predicted pairs: nothing claimed wrongly (precision 1), nothing found (recall 0).
    assert (singletons.pairwise.precision, singletons.pairwise.recall) == (1.0, 0.0)
    assert singletons.pairwise.f1 == 0.0
    lumped = score_clustering(dict.fromkeys(GOLD, 0), GOLD)
    assert lumped.bcubed.recall == 1.0
    assert lumped.pairwise.precision == pytest.approx(4 / 15)


def test_only_gold_items_are_scored_and_all_need_a_prediction() -> None:
    extra = {**PREDICTED, "z": 1}
    assert score_clustering(extra, GOLD) == score_clustering(PREDICTED, GOLD)
    with pytest.raises(ValueError, match="1 gold items have no predicted label"):
        score_clustering({k: v for k, v in PREDICTED.items() if k != "f"}, GOLD)
