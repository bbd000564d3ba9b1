"""/healthz, /readyz and /metrics of the web app, and what a scrape costs the store."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from newspulse.enrich.embed import Embedder
from newspulse.ops.metrics import LlmUsage, RunMetrics, StoreCollector, exposition, llm_usage
from newspulse.pipeline import cluster_pending, enrich_pending, ingest_corpus, route_pending
from newspulse.publish.app import create_app
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from tests.conftest import corpus_slice

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    values = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def test_healthz_and_readyz_on_a_migrated_store(store: SqlStore) -> None:
    client = TestClient(create_app(store))
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def test_readyz_is_503_until_the_store_is_migrated(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'fresh.db'}")
    client = TestClient(create_app(store))
    assert client.get("/healthz").status_code == 200  # the process is up all the same
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "not ready"
    assert "newspulse init" in answer.json()["reason"]
    assert "fresh.db" not in answer.text  # the database URL is not shown
    store.migrate()
    assert client.get("/readyz").status_code == 200
    store.close()


def test_metrics_count_what_the_store_holds_and_what_waits(
    store: SqlStore, settings: Settings, tmp_path: Path, hashing_embedder: Embedder
) -> None:
    corpus = corpus_slice("ai-infra", 30, tmp_path)
    ingest = ingest_corpus(store, corpus, now=NOW, settings=settings)
    client = TestClient(create_app(store))
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    values = samples(answer.text)
    assert values[("newspulse_store_up", ())] == 1
    assert values[("newspulse_articles", ())] == store.counts()["articles"]
    originals = ingest.stored - ingest.copies
    for step in ("enrich", "route", "cluster"):
        assert values[("newspulse_pending_articles", (("step", step),))] == originals
        # Fetched "now" by the ingest clock, which is in the past: the age is positive.
        assert values[("newspulse_oldest_pending_seconds", (("step", step),))] > 0
    enrich_pending(store, hashing_embedder)
    values = samples(client.get("/metrics").text)
    assert values[("newspulse_pending_articles", (("step", "enrich"),))] == 0
    assert values[("newspulse_pending_articles", (("step", "route"),))] == originals
    # Clustering follows routing (an article is clustered among its vertical's events).
    assert cluster_pending(store, now=NOW, settings=settings) == 0
    assert values[("newspulse_pending_articles", (("step", "cluster"),))] == originals
    route_pending(store, hashing_embedder, now=NOW, settings=settings)
    cluster_pending(store, now=NOW, settings=settings)
    values = samples(client.get("/metrics").text)
    assert values[("newspulse_pending_articles", (("step", "cluster"),))] == 0
    assert values[("newspulse_oldest_pending_seconds", (("step", "cluster"),))] == 0
    assert values[("newspulse_events", (("state", "all"),))] == store.counts()["events"] > 0


def test_a_scrape_reads_indexes_not_whole_tables(store: SqlStore, tmp_path: Path) -> None:
    """Every statement of a scrape is answered from an index (SQLite's query plans)."""
    statements: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def record(_c: object, _cur: object, statement: str, params: object, *_: object) -> None:
        statements.append((statement, params))

    list(StoreCollector(store.engine).collect())
    assert len(statements) >= 10
    database = store.engine.url.database
    assert database is not None
    with sqlite3.connect(database) as connection:
        for statement, params in statements:
            plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
            steps = [str(row[3]) for row in plan]
            subquery = statement.partition("(SELECT")[2]
            for step in steps:
                if step.startswith(("SCAN", "SEARCH")) and "SUBQUERY" not in step:
                    # A bare "SEARCH t" is SQLite's min/max shortcut: one row when nothing
                    # filters it, a walk of the whole table when something does.
                    shortcut = step.startswith("SEARCH") and "WHERE" not in subquery
                    uses_index = "INDEX" in step or "PRIMARY KEY" in step or shortcut
                    assert uses_index, f"{statement!r} reads a table without an index: {steps}"


@pytest.mark.postgres
def test_metrics_and_readyz_on_postgres(postgres_url: str) -> None:
    store = SqlStore.open(postgres_url)
    store.migrate()
    try:
        client = TestClient(create_app(store))
        assert client.get("/readyz").status_code == 200
        values = samples(client.get("/metrics").text)
        assert values[("newspulse_store_up", ())] == 1
        assert ("newspulse_pending_articles", (("step", "route"),)) in values
    finally:
        store.close()


def test_llm_usage_is_read_from_what_the_writer_recorded(store: SqlStore) -> None:
    def save(settings: dict[str, object]) -> int:
        return store.save_version(
            topic="ai-models-labs",
            document={"headline": "h"},
            fingerprint="f",
            settings=settings,
            input_article_ids=[],
            diff={},
            citations=[],
            created_at=NOW,
        )

    extractive = save({"llm_run": None})
    refused = ["json_schema: 500: response_format json_schema is not supported"]
    run = {"requests": 4, "prompt_tokens": 1800, "completion_tokens": 350, "refusals": refused}
    worded = save({"llm_run": run})
    assert llm_usage(store.engine, "ai-models-labs", extractive) is None
    usage = llm_usage(store.engine, "ai-models-labs", worded)
    assert usage == LlmUsage(requests=4, prompt_tokens=1800, completion_tokens=350, refusals=1)
    metrics = RunMetrics()
    metrics.count_llm(usage)
    metrics.count_llm(usage)
    values = samples(exposition(metrics.registry).decode())
    assert values[("newspulse_llm_requests_total", ())] == 8
    assert values[("newspulse_llm_tokens_total", (("kind", "prompt"),))] == 3600
    assert values[("newspulse_llm_tokens_total", (("kind", "completion"),))] == 700
    assert values[("newspulse_llm_format_refusals_total", ())] == 2
