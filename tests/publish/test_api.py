"""The JSON API over a store the pipeline filled: contents, filters, pagination, ETags, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newspulse.publish.app import create_app
from newspulse.store.sql import SqlStore
from tests.e2e.demo_store import DEMO_NOW, demo_store

INFRA = "ai-infrastructure-funding"


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    with demo_store(tmp_path_factory.mktemp("api")) as store:
        yield store


@pytest.fixture(scope="module")
def client(real_store: SqlStore) -> TestClient:
    return TestClient(create_app(real_store, now_fn=lambda: DEMO_NOW), follow_redirects=False)


def assert_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    message: str = body["error"]["message"]
    assert message
    return message


def walk(client: TestClient, url: str, key: str) -> list[dict[str, Any]]:
    """Every item of a paginated list, following ``next`` links to the end."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        page = client.get(next_url).json()
        items.extend(page[key])
        next_url = page["next"]
    return items


def test_verticals_list_their_topics_and_feeds(client: TestClient) -> None:
    verticals = {v["slug"]: v for v in client.get("/api/v1/verticals").json()["verticals"]}
    assert set(verticals) == {"ai", "crypto", "sports"}
    assert INFRA in verticals["ai"]["topics"]
    assert verticals["ai"]["feed"] == "ai/feed.atom"
    assert client.get(f"/{verticals['ai']['feed']}").status_code == 200


def test_versions_are_paginated_newest_first(client: TestClient, real_store: SqlStore) -> None:
    total = real_store.count_versions(INFRA)
    assert total >= 2
    first = client.get(f"/api/v1/topics/{INFRA}/versions?limit=1").json()
    assert (first["total"], first["limit"], first["offset"], first["prev"]) == (total, 1, 0, None)
    assert first["versions"][0]["version"] == total
    assert first["next"].endswith(f"/api/v1/topics/{INFRA}/versions?limit=1&offset=1")
    second = client.get(first["next"]).json()
    assert second["versions"][0]["version"] == total - 1
    assert second["prev"].endswith("limit=1&offset=0")
    listed = walk(client, f"/api/v1/topics/{INFRA}/versions?limit=1", "versions")
    assert [v["version"] for v in listed] == list(range(total, 0, -1))
    newest = first["versions"][0]
    assert newest["permalink"] == f"ai/{INFRA}/v/{total}/"
    assert newest["diff"]["first_version"] is False
    document = client.get(newest["url"]).json()
    stored = real_store.get_version(INFRA, total)
    assert stored is not None
    assert document == stored.document
    assert client.get(f"/api/v1/topics/{INFRA}").json() == document


def test_an_old_version_is_served_as_it_was(client: TestClient, real_store: SqlStore) -> None:
    old = real_store.get_version(INFRA, 1)
    assert old is not None
    assert client.get(f"/api/v1/topics/{INFRA}/versions/1").json() == old.document
    assert "no version 999" in assert_error(client.get(f"/api/v1/topics/{INFRA}/versions/999"), 404)
    assert_error(client.get(f"/api/v1/topics/{INFRA}/versions/0"), 422)
    assert_error(client.get("/api/v1/topics/nope/versions"), 404)


def test_events_filter_by_topic_and_time(client: TestClient, real_store: SqlStore) -> None:
    page = client.get(f"/api/v1/events?topic={INFRA}&limit=100").json()
    assert page["total"] == real_store.count_events(topic=INFRA) > 0
    for item in page["events"][:5]:
        detail = client.get(f"/api/v1/events/{item['id']}").json()
        assert INFRA in detail["topics"]
        assert detail["label"] == item["label"]
        assert len(detail["articles"]) >= item["article_count"]
    last = [dt.datetime.fromisoformat(e["last_seen"]) for e in page["events"]]
    assert last == sorted(last, reverse=True)
    since = "2026-02-26T00:00:00Z"
    recent = client.get(f"/api/v1/events?topic={INFRA}&since={since}&limit=100").json()
    assert 0 < recent["total"] < page["total"]
    cut = dt.datetime(2026, 2, 26, tzinfo=dt.UTC)
    assert all(dt.datetime.fromisoformat(e["last_seen"]) >= cut for e in recent["events"])


def test_date_filters_are_rfc3339_and_ordered(client: TestClient) -> None:
    assert "since" in assert_error(client.get("/api/v1/events?since=yesterday"), 422)
    assert "since" in assert_error(client.get("/api/v1/events?since=1700000000"), 422)
    empty = client.get("/api/v1/articles?since=2026-02-27T00:00:00Z&until=2026-02-01T00:00:00Z")
    assert empty.status_code == 200
    assert (empty.json()["total"], empty.json()["articles"]) == (0, [])
    assert "until" in assert_error(client.get("/api/v1/events?until=2026-02-30T00:00:00Z"), 422)
    offset = client.get("/api/v1/articles?since=2026-02-27T05:00:00%2B05:00&limit=1").json()
    utc = client.get("/api/v1/articles?since=2026-02-27T00:00:00Z&limit=1").json()
    assert offset["total"] == utc["total"] > 0


def test_articles_filter_and_one_article(client: TestClient, real_store: SqlStore) -> None:
    everything = client.get("/api/v1/articles?limit=100").json()
    assert everything["total"] == real_store.count_articles()
    source = everything["articles"][0]["source"]
    only = client.get("/api/v1/articles", params={"source": source, "limit": 100}).json()
    assert only["total"] >= 1
    assert {a["source"] for a in only["articles"]} == {source}
    crypto = walk(client, "/api/v1/articles?vertical=crypto&limit=100", "articles")
    assert len(crypto) == real_store.count_articles(vertical="crypto") > 0
    assert len({a["id"] for a in crypto}) == len(crypto)
    one = everything["articles"][0]
    assert client.get(f"/api/v1/articles/{one['id']}").json() == one
    assert_error(client.get("/api/v1/articles/2147483647"), 404)
    assert_error(client.get("/api/v1/articles/2147483648"), 422)


def test_search_finds_words_and_rejects_broken_queries(client: TestClient) -> None:
    found = client.get("/api/v1/search", params={"q": "nvidia", "limit": 5}).json()
    assert found["total"] > 0
    assert found["query"] == "nvidia"
    for hit in found["hits"]:
        spans = [hit["snippet"][start:end].lower() for start, end in hit["highlights"]]
        assert any("nvidia" in span for span in spans) or "nvidia" in hit["title"].lower()
    events = client.get("/api/v1/search", params={"q": "nvidia", "kind": "event"}).json()
    assert events["hits"]
    assert {hit["kind"] for hit in events["hits"]} == {"event"}
    assert "unbalanced quote" in assert_error(
        client.get("/api/v1/search", params={"q": '"nvidia'}), 400
    )
    assert_error(client.get("/api/v1/search", params={"q": "x", "kind": "video"}), 422)
    assert_error(client.get("/api/v1/search"), 422)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/verticals", "/api/v1/topics", f"/api/v1/topics/{INFRA}", "/api/v1/events?limit=3"],
)
def test_every_get_has_a_strong_etag(client: TestClient, url: str) -> None:
    response = client.get(url)
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert client.get(url).headers["ETag"] == etag  # same bytes, same tag
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = client.get(url, headers={"If-None-Match": header})
        assert cached.status_code == 304
        assert cached.content == b""
        assert cached.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etags_differ_between_pages(client: TestClient) -> None:
    first = client.get("/api/v1/articles?limit=2").headers["ETag"]
    second = client.get("/api/v1/articles?limit=2&offset=2").headers["ETag"]
    assert first != second


@pytest.mark.parametrize(
    ("url", "status", "needle"),
    [
        ("/api/v1/events?limit=0", 422, "limit"),
        ("/api/v1/events?limit=101", 422, "limit"),
        ("/api/v1/articles?offset=-1", 422, "offset"),
        ("/api/v1/events/abc", 422, "event_id"),
        ("/api/v1/events/2147483647", 404, "no such event"),
        ("/api/v1/nothing-here", 404, "Not Found"),
    ],
)
def test_errors_have_one_shape(client: TestClient, url: str, status: int, needle: str) -> None:
    assert needle in assert_error(client.get(url), status)


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.post("/api/v1/events")
    assert_error(response, 405)
    assert response.headers["Allow"] == "GET"


def test_openapi_documents_the_error_shape(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    responses = document["paths"]["/api/v1/events"]["get"]["responses"]
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "HTTPValidationError" not in document["components"]["schemas"]
    since = next(
        p for p in document["paths"]["/api/v1/events"]["get"]["parameters"] if p["name"] == "since"
    )
    assert "date-time" in str(since["schema"])
