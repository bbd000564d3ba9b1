"""Routing from a description alone (issue 11, item 1), with the real model.

The three bundled corpora are embedded once and routed in memory: the starter topics with
their include lists under the routing before issue 11 (one profile vector), and the
starter topics without include lists under today's phrase routing.  Floors: without
include terms, recall against the hand-labelled query groups is at least 0.90 of the
include-list routing's, with precision no lower; the same holds on crypto alone, which
was held out of every tuning choice (bench/bench_routing.py prints the full table).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newspulse.domain import Article, Vector
from newspulse.enrich.embed import Embedder
from newspulse.evaluation.topic_routing import (
    SINGLE_PROFILE,
    read_gold,
    read_query_groups,
    route_all,
    score_routing,
    without_include,
)
from newspulse.pipeline import enrich_pending, ingest_corpus
from newspulse.settings import RouteSettings, Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
CORPORA = ("ai-infra", "crypto", "sports")
RECALL_SHARE_FLOOR = 0.90
SPORTS_ROUTED_FLOOR = 0.90  # measured 125/128 sports pages in a sports topic (2026-12-07)


@pytest.fixture(scope="module")
def embedded(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder
) -> list[tuple[Article, Vector]]:
    path: Path = tmp_path_factory.mktemp("routing") / "routing.db"
    settings = Settings(db=f"sqlite:///{path}")
    store = SqlStore.open(settings.db)
    store.migrate()
    store.save_catalog(load_catalog())
    for name in CORPORA:
        ingest_corpus(store, CORPUS / name / "articles.jsonl", now=NOW, settings=settings)
    enrich_pending(store, minilm)
    rows = store.pending_routing(100_000)
    store.close()
    return rows


@pytest.mark.parametrize("corpora", [CORPORA, ("crypto",)], ids=["all", "held-out-crypto"])
def test_description_routing_keeps_recall_and_precision(
    embedded: list[tuple[Article, Vector]], minilm: Embedder, corpora: tuple[str, ...]
) -> None:
    gold = read_gold(CORPUS / "topic_gold.toml")
    groups = read_query_groups(CORPUS / name / "query_groups.jsonl" for name in corpora)
    rows = [(article, vector) for article, vector in embedded if article.url in groups]
    topics = list(load_catalog().topics)
    slugs = [topic.slug for topic in topics]
    reference = score_routing(route_all(rows, topics, minilm, SINGLE_PROFILE), groups, gold, slugs)
    described = score_routing(
        route_all(rows, without_include(topics), minilm, RouteSettings()), groups, gold, slugs
    )
    assert described.recall >= RECALL_SHARE_FLOOR * reference.recall
    assert described.precision >= reference.precision


def test_a_sports_page_fits_a_sports_topic(
    embedded: list[tuple[Article, Vector]], minilm: Embedder
) -> None:
    sports = set(read_query_groups([CORPUS / "sports" / "query_groups.jsonl"]))
    topics = without_include(load_catalog().topics)
    routes = route_all(
        [(a, v) for a, v in embedded if a.url in sports], topics, minilm, RouteSettings()
    )
    vertical = {topic.slug: topic.vertical for topic in topics}
    fitted = sum(1 for found in routes.values() if any(vertical[t] == "sports" for t in found))
    assert fitted >= SPORTS_ROUTED_FLOOR * len(routes)
