"""The API answers as its OpenAPI document says: schemathesis against the live server.

The app is served by uvicorn on 127.0.0.1 over a store that the pipeline filled from the
bundled corpora (``tests/e2e/demo_store``).  Schemathesis reads ``/api/v1/openapi.json``,
generates valid and invalid requests for every operation, and checks each answer: no 5xx,
a documented status code and content type, a body matching the documented schema (the
error shape included), and 405 for methods the document does not list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from newspulse.publish.api import ApiStore
from newspulse.publish.app import create_app
from newspulse.store.sql import SqlStore
from tests.e2e.demo_store import DEMO_NOW, demo_store
from tests.e2e.live_server import serve

EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("api-schema")
    with demo_store(folder) as store, serve(create_app(store, now_fn=lambda: DEMO_NOW)) as url:
        yield url


def openapi_document() -> dict[str, Any]:
    """The document the app serves; building the routes reads nothing from the store."""
    return create_app(cast(ApiStore, object())).openapi()


schema = schemathesis.openapi.from_dict(openapi_document())
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    max_examples=EXAMPLES_PER_OPERATION,
    deterministic=True,
)
# Only /search answers 400, for a query its little language cannot parse (an unbalanced
# quote, nothing but exclusions), which the OpenAPI document cannot describe as a pattern.
schema.config.checks.positive_data_acceptance.expected_statuses.append("400")


@schema.parametrize()
@settings(
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_matches_its_openapi_document(case: schemathesis.Case, live_api: str) -> None:
    case.call_and_validate(base_url=live_api)


def test_the_served_document_is_the_one_tested(live_api: str) -> None:
    served = httpx.get(f"{live_api}/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == openapi_document()


def test_the_store_behind_the_api_is_real(tmp_path: Path) -> None:
    """Guard against a vacuous run: the corpora give the API events, articles and versions."""
    with demo_store(tmp_path) as store:
        assert isinstance(store, SqlStore)
        counts = store.counts()
        assert counts["events"] > 50
        assert counts["articles"] > 100
        assert store.count_versions("ai-infrastructure-funding") >= 2
