"""The live app: routes, redirects, JSON API, the error shape and security headers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

from newspulse.publish.app import create_app
from tests.admin import ADMIN_TOKEN, OPERATOR

from .conftest import INFRA, NOW, FakeSiteStore

TOPIC_URL = "/ai/ai-infrastructure-funding/"


@pytest.fixture
def client(store: FakeSiteStore) -> TestClient:
    app = create_app(store, now_fn=lambda: NOW, admin_token=ADMIN_TOKEN)
    return TestClient(app, follow_redirects=False, headers=OPERATOR)


def assert_error_shape(response: Any, status: int) -> None:
    """The one JSON error shape of the API: {"error": {"status": int, "message": str}}."""
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]


@pytest.mark.parametrize(
    "path",
    ["/", "/ai/", "/crypto/", TOPIC_URL, f"{TOPIC_URL}sources/", "/crypto/crypto-markets/"],
)
def test_pages_render(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<main" in response.text


def test_pages_answer_head(client: TestClient) -> None:
    response = client.head(TOPIC_URL)
    assert response.status_code == 200
    assert response.content == b""


def test_topic_page_is_the_rendered_briefing(client: TestClient) -> None:
    html = client.get(TOPIC_URL).text
    assert "Chip Startups Draw Record Funding as Memory Shortages Bite" in html
    assert 'href="../../static/style.css"' in html
    assert '<time datetime="2026-02-27T09:30:00Z">' in html


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/ai", "ai/"),
        ("/ai/ai-infrastructure-funding", "ai-infrastructure-funding/"),
        ("/ai/ai-infrastructure-funding/sources", "sources/"),
    ],
)
def test_pages_redirect_to_trailing_slash(client: TestClient, path: str, location: str) -> None:
    response = client.get(path)
    assert response.status_code == 308
    assert response.headers["location"] == location
    assert client.get(path, follow_redirects=True).url.path == f"{path}/"


@pytest.mark.parametrize(
    "path", ["/nope/", "/nope", "/ai/nope/", "/crypto/ai-infrastructure-funding/", "/a/b/c/d/"]
)
def test_unknown_pages_are_html_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>404</h1>" in response.text


def test_api_topic_is_the_document_unchanged(client: TestClient, document: dict[str, Any]) -> None:
    for path in (f"/api/v1/topics/{INFRA.slug}", f"/api/v1/topics/{INFRA.slug}.json"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == document


def test_api_topic_index(client: TestClient) -> None:
    topics = client.get("/api/v1/topics").json()["topics"]
    assert [t["slug"] for t in topics] == [
        "ai-infrastructure-funding",
        "ai-models-labs",
        "crypto-markets",
    ]
    assert topics[0] == {
        "slug": "ai-infrastructure-funding",
        "title": "AI Infrastructure & Funding",
        "tagline": INFRA.tagline,
        "vertical": "ai",
        "headline": "Chip Startups Draw Record Funding as Memory Shortages Bite",
        "version": 3,
        "updated_at": "2026-02-26T14:05:00Z",
        "source_count": 4,
    }
    assert topics[1]["headline"] is None
    assert client.get("/api/v1/topics.json").json() == {"topics": topics}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/topics/nope", "/api/v1/topics/crypto-markets", "/api/v1/nope", "/api/v1/"],
)
def test_api_errors_share_one_shape(client: TestClient, path: str) -> None:
    assert_error_shape(client.get(path), 404)


def test_api_method_not_allowed_uses_error_shape(client: TestClient) -> None:
    response = client.post("/api/v1/topics")
    assert_error_shape(response, 405)
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    "path", ["/", TOPIC_URL, "/api/v1/topics", "/static/style.css", "/healthz", "/nope/", "/ai"]
)
def test_every_response_has_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy
    # Scripts only from the site itself: no inline script, no other origin.
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "style-src 'self'" in policy
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", TOPIC_URL, "/search/?q=chip", "/sources/"])
def test_pages_load_only_own_scripts(client: TestClient, path: str) -> None:
    html = client.get(path).text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attributes, body in scripts:
        assert body.strip() == ""  # no inline code: the CSP would block it anyway
        source = re.search(r'src="([^"]+)"', attributes)
        assert source is not None
        assert "static/" in source.group(1)
        assert "//" not in source.group(1)
        assert client.get(urljoin(path, source.group(1))).status_code == 200


def test_static_stylesheet_and_health(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "prefers-color-scheme: dark" in css.text
    assert "http" not in css.text
    assert client.get("/healthz").json() == {"status": "ok"}


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths) == {
        "/healthz",
        "/api/v1/verticals",
        "/api/v1/topics",
        "/api/v1/topics/{topic_slug}",
        "/api/v1/topics/{topic_slug}/versions",
        "/api/v1/topics/{topic_slug}/versions/{number}",
        "/api/v1/events",
        "/api/v1/events/{event_id}",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/search",
    }
