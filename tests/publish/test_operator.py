"""The operators' surface: off without a token, 401 without the right one, no secrets shown."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from newspulse.publish.app import create_app
from newspulse.publish.export import export_site
from newspulse.publish.operator import READ_METHODS, OperatorGuard
from newspulse.store.base import SourceRecord
from tests.admin import ADMIN_TOKEN, OPERATOR

from .conftest import AI, CRYPTO, INFRA, MARKETS, MODELS, NOW, FakeSiteStore

SECRET_FEED = "https://alice:hunter2@feeds.example/rss?apikey=s3cr3t&lang=en"


class SecretSourcesStore(FakeSiteStore):
    """The fake site with one feed whose URL and last error carry credentials."""

    def list_sources(self, *, kinds: Sequence[str] = ("feed", "site")) -> list[SourceRecord]:
        if "feed" not in kinds:
            return []
        record = SourceRecord(
            id=1,
            url=SECRET_FEED,
            kind="feed",
            name=SECRET_FEED,
            homepage="https://bob:pw@feeds.example/?token=abc",
            vertical_hints=(),
            etag=None,
            last_modified=None,
            last_status=500,
            last_error=f"fetch failed: {SECRET_FEED!r}: timeout",
            last_success_at=None,
            consecutive_errors=3,
            next_poll_at=NOW,
            paused_reason=None,
            items_seen=0,
            created_at=NOW,
        )
        return [record]


@pytest.fixture
def secret_store(document: dict[str, Any]) -> FakeSiteStore:
    return SecretSourcesStore([AI, CRYPTO], [INFRA, MODELS, MARKETS], {INFRA.slug: document})


def test_without_a_token_operator_pages_are_not_served(secret_store: FakeSiteStore) -> None:
    client = TestClient(create_app(secret_store, now_fn=lambda: NOW))
    assert client.get("/sources/", headers=OPERATOR).status_code == 404
    assert "sources/" not in client.get("/").text.replace("/sources/", "")  # no link to it


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer wrong",
        "Bearer ",
        "Basic " + base64.b64encode(b"operator:wrong").decode(),
        "Basic !!!notbase64",
        f"Token {ADMIN_TOKEN}",
    ],
)
def test_a_wrong_or_missing_token_is_401(secret_store: FakeSiteStore, header: str | None) -> None:
    client = TestClient(create_app(secret_store, now_fn=lambda: NOW, admin_token=ADMIN_TOKEN))
    response = client.get("/sources/", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic ")
    assert "hunter2" not in response.text
    assert "no-store" in response.headers["cache-control"]


@pytest.mark.parametrize(
    "header",
    [OPERATOR["Authorization"], "Basic " + base64.b64encode(f"x:{ADMIN_TOKEN}".encode()).decode()],
)
def test_the_token_opens_the_page_and_secrets_stay_hidden(
    secret_store: FakeSiteStore, header: str
) -> None:
    client = TestClient(create_app(secret_store, now_fn=lambda: NOW, admin_token=ADMIN_TOKEN))
    response = client.get("/sources/", headers={"Authorization": header})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert "feeds.example/rss" in response.text
    for secret in ("alice", "hunter2", "s3cr3t", "bob:pw", "abc"):
        assert secret not in response.text


def test_the_export_writes_operator_pages_only_when_asked(
    secret_store: FakeSiteStore, tmp_path: Path
) -> None:
    export_site(secret_store, tmp_path / "public", now=NOW)
    assert not (tmp_path / "public/sources").exists()
    export_site(secret_store, tmp_path / "operators", now=NOW, operator_pages=True)
    html = (tmp_path / "operators/sources/index.html").read_text("utf-8")
    assert "feeds.example/rss" in html
    for secret in ("alice", "hunter2", "s3cr3t"):
        assert secret not in html
    for path in (tmp_path / "public").rglob("*"):
        if path.is_file():
            assert b"hunter2" not in path.read_bytes(), path


def test_every_route_that_is_not_a_read_goes_through_the_guard(store: FakeSiteStore) -> None:
    app = create_app(store, now_fn=lambda: NOW, admin_token=ADMIN_TOKEN)
    for route in app.routes:
        if not isinstance(route, APIRoute) or (route.methods or set()) <= READ_METHODS:
            continue
        guarded = any(isinstance(d.call, OperatorGuard) for d in route.dependant.dependencies)
        assert guarded, f"{route.methods} {route.path} skips the operator guard"


def test_unknown_methods_change_nothing(store: FakeSiteStore) -> None:
    client = TestClient(create_app(store, now_fn=lambda: NOW, admin_token=ADMIN_TOKEN))
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/sources/", headers=OPERATOR).status_code == 405
    assert dt.datetime.now(dt.UTC) > NOW  # the fake clock is not the real one
