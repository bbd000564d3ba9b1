"""The endpoints that `newspulse run` and `newspulse worker` serve on a port of their own,
fetched over real HTTP on 127.0.0.1: /metrics (the process's counters, the store gauges,
the queue per step and claim age), /healthz and /readyz."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from newspulse.errors import ConfigError
from newspulse.ops.probe import StoreProbe
from newspulse.ops.serve import serve_ops
from newspulse.ops.worker_metrics import WorkerMetrics, engine_registry
from newspulse.store.sql import SqlStore
from tests.ops.test_run_daemon import scrape
from tests.store.conftest import any_store as any_store  # the fixture


def get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_worker_serves_its_jobs_the_queue_and_claim_age(any_store: SqlStore) -> None:
    metrics = WorkerMetrics()
    assert metrics.job("enrich", lambda: 16) == 16
    assert metrics.job("enrich", lambda: 0) == 0
    with pytest.raises(RuntimeError):
        metrics.job("route", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    # A cluster lease held for a minute, and two fetch claims held for ten seconds.
    now = dt.datetime.now(dt.UTC)
    lease = dt.timedelta(minutes=5)
    any_store.claim_ids("cluster", [7], worker="a", lease=lease, now=now - dt.timedelta(minutes=1))
    any_store.claim_ids(
        "fetch", [1, 2], worker="b", lease=lease, now=now - dt.timedelta(seconds=10)
    )
    server = serve_ops(
        engine_registry(any_store.engine, metrics.registry),
        StoreProbe(any_store).not_ready,
        host="127.0.0.1",
        port=0,
        setting="run.worker_metrics_port",
    )
    try:
        values = scrape(f"{server.url}/metrics")
        assert (
            values[("newspulse_worker_jobs_total", (("outcome", "worked"), ("step", "enrich")))]
            == 1
        )
        assert (
            values[("newspulse_worker_jobs_total", (("outcome", "idle"), ("step", "enrich")))] == 1
        )
        assert (
            values[("newspulse_worker_jobs_total", (("outcome", "failed"), ("step", "route")))] == 1
        )
        assert values[("newspulse_step_articles_total", (("step", "enrich"),))] == 16
        assert values[("newspulse_job_seconds_count", (("step", "enrich"),))] == 2
        assert values[("newspulse_claims", (("step", "cluster"),))] == 1
        assert values[("newspulse_claims", (("step", "fetch"),))] == 2
        assert 60 <= values[("newspulse_oldest_claim_seconds", (("step", "cluster"),))] < 90
        assert 10 <= values[("newspulse_oldest_claim_seconds", (("step", "fetch"),))] < 40
        assert values[("newspulse_pending_fetches", ())] == 0
        assert values[("newspulse_store_up", ())] == 1
        assert get(f"{server.url}/healthz") == (200, {"status": "ok"})
        assert get(f"{server.url}/readyz") == (200, {"status": "ready"})
        assert get(f"{server.url}/nope")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_readyz_is_503_until_the_store_is_migrated(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'new.db'}")
    server = serve_ops(
        CollectorRegistry(), StoreProbe(store).not_ready, host="127.0.0.1", port=0, setting="x"
    )
    try:
        assert get(f"{server.url}/healthz") == (200, {"status": "ok"})
        status, body = get(f"{server.url}/readyz")
        assert status == 503
        assert body["status"] == "not ready"
        assert str(tmp_path) not in body["reason"]
        store.migrate()
        assert get(f"{server.url}/readyz") == (200, {"status": "ready"})
    finally:
        server.shutdown()
        server.server_close()
        store.close()


def test_a_taken_port_is_a_config_error_naming_the_setting() -> None:
    first = serve_ops(CollectorRegistry(), lambda: None, host="127.0.0.1", port=0, setting="a")
    try:
        port = first.server_address[1]
        with pytest.raises(ConfigError, match=r"run\.worker_metrics_port"):
            serve_ops(
                CollectorRegistry(),
                lambda: None,
                host="127.0.0.1",
                port=int(port),
                setting="run.worker_metrics_port",
            )
    finally:
        first.shutdown()
        first.server_close()
