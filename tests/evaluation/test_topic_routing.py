from __future__ import annotations

from pathlib import Path

from newspulse.evaluation.topic_routing import (
    GroupGold,
    coverage,
    read_gold,
    read_query_groups,
    score_routing,
)
from newspulse.sources.catalog import load_catalog
from tests.conftest import CORPUS

GOLD = {
    "chips": GroupGold(frozenset({"infra"}), frozenset({"policy"})),
    "launch": GroupGold(frozenset({"models"}), frozenset()),
}
GROUPS = {"u1": "chips", "u2": "chips", "u3": "launch", "u4": "unlabelled"}


def test_recall_counts_required_topics_and_precision_accepts_also() -> None:
    routes = {
        "u1": frozenset({"infra", "policy"}),
        "u2": frozenset({"models"}),
        "u3": frozenset({"models"}),
        "u4": frozenset({"infra"}),  # no gold group: left out
    }
    scores = score_routing(routes, GROUPS, GOLD, ["infra", "models", "policy"])
    infra, models, policy = scores.per_topic
    assert (infra.gold, infra.routed, infra.found, infra.recall) == (2, 1, 1, 0.5)
    assert infra.precision == 1.0
    assert (models.routed, models.acceptable, models.recall) == (2, 1, 1.0)
    assert policy.gold == 0
    assert policy.precision == 1.0  # "also" is not an error
    assert scores.articles == 3
    assert scores.unrouted == 0
    assert scores.recall == 2 / 3
    assert scores.precision == 3 / 4


def test_coverage_is_measured_on_the_references_correct_catches() -> None:
    reference = {"u1": frozenset({"infra"}), "u2": frozenset({"infra"}), "u3": frozenset()}
    routes = {"u1": frozenset({"infra"}), "u2": frozenset(), "u3": frozenset()}
    assert coverage(routes, reference, GROUPS, GOLD, "infra") == (1, 2)


def test_the_bundled_gold_labels_every_query_group_with_starter_topics(tmp_path: Path) -> None:
    gold = read_gold(CORPUS / "topic_gold.toml")
    groups = read_query_groups(
        CORPUS / name / "query_groups.jsonl" for name in ("ai-infra", "crypto", "sports")
    )
    assert set(groups.values()) == set(gold)
    slugs = {topic.slug for topic in load_catalog().topics}
    assert all(g.topics and g.topics | g.also <= slugs for g in gold.values())
    assert all(not g.topics & g.also for g in gold.values())
