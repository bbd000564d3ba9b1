"""The API over PostgreSQL: the same answers and the same refusals as over SQLite.

PostgreSQL is stricter than SQLite (32-bit ids, no NUL in text, real time zones), which is
what the parameter bounds of the API are for; schemathesis runs here too, with fewer examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from newspulse.publish.app import create_app
from tests.e2e.demo_store import DEMO_NOW, SLICES, demo_store
from tests.e2e.live_server import serve
from tests.publish.test_api_schema import schema
from tests.store.conftest import fresh_database

pytestmark = pytest.mark.postgres

INFRA = "ai-infrastructure-funding"


@pytest.fixture(scope="module")
def pg_api(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("api-pg")
    url = fresh_database(postgres_url)
    with (
        demo_store(folder, SLICES[:1], db_url=url) as store,
        serve(create_app(store, now_fn=lambda: DEMO_NOW)) as base,
    ):
        yield base


def test_postgres_answers_and_refuses_like_sqlite(pg_api: str) -> None:
    with httpx.Client(base_url=pg_api) as client:
        versions = client.get(f"/api/v1/topics/{INFRA}/versions").json()
        assert versions["total"] >= 2
        events = client.get("/api/v1/events", params={"topic": INFRA, "limit": 5}).json()
        assert events["total"] > 0
        detail = client.get(f"/api/v1/events/{events['events'][0]['id']}")
        assert detail.status_code == 200
        found = client.get("/api/v1/search", params={"q": "nvidia OR chip", "limit": 3}).json()
        assert found["total"] > 0
        offset = client.get(
            "/api/v1/articles", params={"since": "2026-02-26T19:00:00-05:00", "limit": 1}
        ).json()
        utc = client.get(
            "/api/v1/articles", params={"since": "2026-02-27T00:00:00Z", "limit": 1}
        ).json()
        assert offset["total"] == utc["total"] > 0
        for path, params, status in (
            ("/api/v1/articles/2147483647", {}, 404),
            ("/api/v1/articles/2147483648", {}, 422),
            ("/api/v1/articles", {"source": "a\x00b"}, 422),
            ("/api/v1/search", {"q": "chip\x00"}, 422),
            ("/api/v1/search", {"q": '"chip'}, 400),
            ("/api/v1/events", {"until": "9999-12-31T23:59:59-23:59"}, 422),
        ):
            response = client.get(path, params=params)
            assert response.status_code == status, (path, params, response.text)
            assert response.json()["error"]["status"] == status


@schema.parametrize()
@settings(
    database=None,
    deadline=None,
    max_examples=15,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_postgres_api_matches_its_openapi_document(case: schemathesis.Case, pg_api: str) -> None:
    case.call_and_validate(base_url=pg_api)
