"""Clustering quality floors on gold event clusters, with the real embedding model.

Slices in ``tests/data/clustering`` (README there): the English MMDS dev articles and the
NeuS val stories.  Each is clustered exactly as ``newspulse cluster`` does
(``evaluation.run.cluster_records``: MiniLM, single pass, maintenance pass) and scored with
B-cubed and pairwise F1; the offline reference (average linkage on the same embeddings,
best threshold) is computed beside it, and the stream must stay within
``MAX_GAP_TO_OFFLINE`` of it in both B-cubed and pairwise F1.  Floors are measured values
rounded down; lowering one needs a note in the change that does it.  Full-size figures:
bench/bench_cluster_quality.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newspulse.enrich.embed import Embedder
from newspulse.evaluation.datasets import GoldSet, load_slice
from newspulse.evaluation.embeddings import CachedEmbedder
from newspulse.evaluation.metrics import ClusteringScores, score_clustering
from newspulse.evaluation.reference import cut_tree, linkage_tree, threshold_grid
from newspulse.evaluation.run import cluster_records, records_to_articles
from newspulse.settings import ClusterSettings
from tests.conftest import DATA

SLICES = DATA / "clustering"
# name: (B-cubed F1 floor, pairwise F1 floor), measured with the default ClusterSettings.
FLOORS = {
    # Measured 0.941 / 0.771 (offline best 0.946 / 0.788).  The full set streams to 0.946 /
    # 0.788: cut to 1,500 characters, two different reports read as one copy here.
    "mmds2025-dev-english": (0.94, 0.77),
    "neus-allsides-val": (0.835, 0.68),  # measured 0.840 / 0.685 (offline best 0.843 / 0.673)
}
MAX_GAP_TO_OFFLINE = 0.02  # F1 points (B-cubed and pairwise) below the offline reference

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder(minilm: Embedder) -> CachedEmbedder:
    return CachedEmbedder(minilm)


def slice_path(name: str) -> Path:
    return SLICES / f"{name}.jsonl"


def offline_best(gold: GoldSet, embedder: CachedEmbedder) -> ClusteringScores:
    vectors = embedder.embed([a.lead for a in records_to_articles(gold.records)])
    tree = linkage_tree(vectors)
    ids = [record.id for record in gold.records]
    return max(
        (
            score_clustering(dict(zip(ids, cut_tree(tree, len(ids), t), strict=True)), gold.gold)
            for t in threshold_grid()
        ),
        key=lambda scores: scores.bcubed.f1,
    )


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_stream_clustering_meets_floors_and_tracks_the_offline_reference(
    name: str, embedder: CachedEmbedder
) -> None:
    gold = load_slice(slice_path(name))
    run = cluster_records(gold.records, embedder, ClusterSettings())
    scores = score_clustering(run.events, gold.gold)
    bcubed_floor, pairwise_floor = FLOORS[name]
    assert scores.bcubed.f1 >= bcubed_floor, scores
    assert scores.pairwise.f1 >= pairwise_floor, scores
    reference = offline_best(gold, embedder)
    assert scores.bcubed.f1 >= reference.bcubed.f1 - MAX_GAP_TO_OFFLINE, (scores, reference)
    assert scores.pairwise.f1 >= reference.pairwise.f1 - MAX_GAP_TO_OFFLINE, (scores, reference)
