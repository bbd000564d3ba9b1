"""Hostile requests: odd page numbers, a lying Host header, a crash inside a page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from newspulse.enrich.embed import Embedder
from newspulse.pipeline import replay, update_briefings
from newspulse.publish.app import SECURITY_HEADERS, AppStore, create_app
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore
from tests.conftest import corpus_slice

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
PUBLIC = "https://news.example.org"


@pytest.fixture
def filled(settings: Settings, hashing_embedder: Embedder, tmp_path: Path) -> Iterator[SqlStore]:
    store = SqlStore.open(settings.db)
    store.migrate()
    store.save_catalog(load_catalog())
    replay(
        store, corpus_slice("ai-infra", 12, tmp_path), hashing_embedder, now=NOW, settings=settings
    )
    update_briefings(store, now=NOW, settings=settings)
    yield store
    store.close()


def has_security_headers(response: Any) -> bool:
    return all(response.headers.get(name) == value for name, value in SECURITY_HEADERS)


@pytest.mark.parametrize("page", ["²", "٣", "9" * 5000, "-1", "0", "1e3", "99999999999999999999"])
def test_odd_search_page_numbers_are_400_not_500(filled: SqlStore, page: str) -> None:
    client = TestClient(create_app(filled, now_fn=lambda: NOW))
    response = client.get("/search/", params={"q": "gpu", "page": page})
    assert response.status_code == 400
    assert has_security_headers(response)


class CrashingStore:
    """A store whose every method fails as a bug would."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: object, **kwargs: object) -> Any:
            raise RuntimeError(f"bug in {name}")

        return fail


@pytest.mark.parametrize("path", ["/", "/api/v1/topics", "/search/?q=gpu"])
def test_an_unexpected_error_is_a_500_with_the_security_headers(path: str) -> None:
    client = TestClient(
        create_app(cast(AppStore, CrashingStore()), now_fn=lambda: NOW),
        raise_server_exceptions=False,
    )
    response = client.get(path)
    assert response.status_code == 500
    assert has_security_headers(response)
    assert "bug in" not in response.text  # no internals leak


def test_absolute_links_use_the_public_address_not_the_host_header(filled: SqlStore) -> None:
    client = TestClient(create_app(filled, now_fn=lambda: NOW, base_url=PUBLIC))
    evil = {"Host": "evil.example", "Forwarded": "host=evil.example"}
    page = client.get("/api/v1/articles", params={"limit": 1}, headers=evil).json()
    assert page["next"].startswith(f"{PUBLIC}/api/v1/articles?")
    feed = client.get("/ai/feed.atom", headers=evil)
    assert feed.status_code == 200
    assert b"evil.example" not in feed.content
    assert f'href="{PUBLIC}/ai/feed.atom"'.encode() in feed.content
