"""The fetcher against a real server on 127.0.0.1 serving well-behaved and hostile routes."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from newspulse.errors import NewsPulseError
from newspulse.ingest.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchError,
    FetchJob,
    FetchResult,
    FetchTimeoutError,
    HttpStatusError,
    TooLargeError,
    TooManyRedirectsError,
    fetch_bodies,
)
from tests.servers import ENCODED_TEXT, FEED_LAST_MODIFIED, HttpServer, json_body, rss_feed

# The fixture lives in tests/servers.py; importing it here registers it for this module.
from tests.servers import http_server as http_server

MIB = 1024 * 1024


def fetcher(**options: Any) -> Fetcher:
    """A fetcher for the loopback test server: private hosts allowed, short timeouts."""
    settings: dict[str, Any] = {
        "allow_private_hosts": True,
        "min_delay": 0.0,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 5.0,
    }
    settings.update(options)
    return Fetcher(**settings)


def fetch(
    url: str, *, etag: str | None = None, last_modified: str | None = None, **options: Any
) -> FetchResult:
    async def run() -> FetchResult:
        async with fetcher(**options) as client:
            return await client.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(run())


def fetch_many(jobs: Sequence[str | FetchJob], **options: Any) -> list[FetchResult | FetchError]:
    async def run() -> list[FetchResult | FetchError]:
        async with fetcher(**options) as client:
            return await client.fetch_many(jobs)

    return asyncio.run(run())


def test_fetches_a_feed_with_validators_and_user_agent(http_server: HttpServer) -> None:
    url = http_server.url("/feed/plain?items=5")
    result = fetch(url)
    assert result.status == 200
    assert result.body == rss_feed("plain", 5)
    assert not result.not_modified
    assert result.url == result.final_url == url
    assert result.etag == '"plain-v1"'
    assert result.last_modified == FEED_LAST_MODIFIED
    assert result.cache_control == "max-age=300"
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert set(result.headers) <= {
        "content-type",
        "etag",
        "last-modified",
        "retry-after",
        "cache-control",
    }
    assert result.elapsed > 0
    (hit,) = http_server.hits("/feed/plain")
    assert hit.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("NewsPulse/0.1")
    assert "If-None-Match" not in hit.headers


def test_etag_gives_not_modified_without_a_body(http_server: HttpServer) -> None:
    url = http_server.url("/feed/etagged")
    first = fetch(url)
    second = fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.status == 304
    assert second.not_modified
    assert second.body is None
    assert second.etag == first.etag
    request = http_server.hits("/feed/etagged")[-1]
    assert request.headers["If-None-Match"] == '"etagged-v1"'
    assert request.headers["If-Modified-Since"] == FEED_LAST_MODIFIED


def test_last_modified_alone_gives_not_modified(http_server: HttpServer) -> None:
    result = fetch(http_server.url("/feed/dated"), last_modified=FEED_LAST_MODIFIED)
    assert result.not_modified


def test_changed_etag_gives_the_new_body(http_server: HttpServer) -> None:
    result = fetch(http_server.url("/feed/changed?v=2"), etag='"changed-v1"')
    assert result.status == 200
    assert result.etag == '"changed-v2"'
    assert result.body == rss_feed("changed", 20)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_decodes_compressed_bodies(http_server: HttpServer, encoding: str) -> None:
    result = fetch(http_server.url(f"/encoded?encoding={encoding}&t=decode"))
    assert result.body == ENCODED_TEXT
    sent = http_server.hits("/encoded")[-1].headers["Accept-Encoding"]
    assert {"gzip", "deflate", "br"} <= {part.strip() for part in sent.split(",")}


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_decompression_bomb_is_cut_off(http_server: HttpServer, encoding: str) -> None:
    started = time.monotonic()
    with pytest.raises(TooLargeError) as caught:
        fetch(http_server.url(f"/bomb?encoding={encoding}&mib=64"), max_bytes=MIB)
    assert time.monotonic() - started < 3
    assert caught.value.limit == MIB
    assert "larger than 1048576 bytes" in str(caught.value)


def test_endless_body_is_cut_off(http_server: HttpServer) -> None:
    with pytest.raises(TooLargeError):
        fetch(http_server.url("/endless"), max_bytes=256 * 1024)


def test_declared_length_over_the_cap_is_refused_before_reading(
    http_server: HttpServer,
) -> None:
    with pytest.raises(TooLargeError):
        fetch(http_server.url("/big?size=50000000"), max_bytes=MIB)


def test_body_exactly_at_the_cap_is_accepted(http_server: HttpServer) -> None:
    result = fetch(http_server.url("/big?size=4096"), max_bytes=4096)
    assert result.body == bytes(4096)


def test_slow_drip_hits_the_read_timeout(http_server: HttpServer) -> None:
    with pytest.raises(FetchTimeoutError) as caught:
        fetch(http_server.url("/drip?chunks=3&interval=1.0"), read_timeout=0.2)
    assert caught.value.phase == "read"


def test_slow_drip_within_each_read_hits_the_total_timeout(http_server: HttpServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError) as caught:
        fetch(
            http_server.url("/drip?chunks=1000&interval=0.05"),
            read_timeout=0.5,
            total_timeout=0.6,
        )
    assert caught.value.phase == "fetch"
    assert time.monotonic() - started < 2
    assert "timed out after 0.6 s" in str(caught.value)


def test_wrong_content_type_is_reported_not_judged(http_server: HttpServer) -> None:
    # Feeds are served as text/html, text/plain or worse; the parser sniffs the bytes.
    result = fetch(http_server.url("/wrong-type"))
    assert result.content_type == "image/png"
    assert result.body == rss_feed("wrong-type", 3)


@pytest.mark.parametrize(
    ("path", "message"),
    [("/truncated", "could not be read"), ("/bad-gzip", "could not be read or decoded")],
)
def test_broken_bodies_are_fetch_errors(http_server: HttpServer, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        fetch(http_server.url(path))
    assert caught.value.__cause__ is not None


def test_redirect_loop_is_refused(http_server: HttpServer) -> None:
    with pytest.raises(TooManyRedirectsError) as caught:
        fetch(http_server.url("/loop/a"))
    assert caught.value.loop
    assert "redirect loop" in str(caught.value)


def test_five_redirects_are_followed(http_server: HttpServer) -> None:
    result = fetch(http_server.url("/chain/5"))
    assert result.body == b"end of chain"
    assert len(result.redirects) == 5
    assert result.final_url.endswith("/chain/0")
    assert result.permanent_url is None


def test_a_sixth_redirect_is_refused(http_server: HttpServer) -> None:
    with pytest.raises(TooManyRedirectsError) as caught:
        fetch(http_server.url("/chain/6"))
    assert not caught.value.loop
    assert len(caught.value.redirects) == 7
    assert "more than 5 redirects" in str(caught.value)


@pytest.mark.parametrize(("status", "permanent"), [(301, True), (308, True), (302, False)])
def test_permanent_redirects_give_the_new_url(
    http_server: HttpServer, status: int, permanent: bool
) -> None:
    result = fetch(http_server.url(f"/chain/2?status={status}"))
    assert result.final_url.startswith(http_server.url("/chain/0"))
    assert result.permanent_url == (result.final_url if permanent else None)


def test_relative_redirect_is_resolved(http_server: HttpServer) -> None:
    result = fetch(http_server.url("/redirect?to=../feed/relative"))
    assert result.final_url == http_server.url("/feed/relative")
    assert result.body == rss_feed("relative", 20)


def test_redirect_to_another_scheme_is_refused(http_server: HttpServer) -> None:
    with pytest.raises(FetchError, match="unsupported URL scheme 'file'"):
        fetch(http_server.url("/redirect?to=file:///etc/passwd"))


def test_unsupported_scheme_is_refused() -> None:
    with pytest.raises(FetchError, match="unsupported URL scheme 'ftp'"):
        fetch("ftp://127.0.0.1/feed.xml")


@pytest.mark.parametrize(
    ("path", "status", "retry_after"),
    [
        ("/status/500", 500, None),
        ("/status/404", 404, None),
        ("/status/429?retry_after=120", 429, "120"),
        ("/status/503?retry_after=Tue,%2001%20Dec%202026%2013:00:00%20GMT", 503, None),
    ],
)
def test_error_statuses_raise_with_retry_after(
    http_server: HttpServer, path: str, status: int, retry_after: str | None
) -> None:
    with pytest.raises(HttpStatusError) as caught:
        fetch(http_server.url(path))
    assert caught.value.status == status
    if status == 503:
        assert caught.value.retry_after == "Tue, 01 Dec 2026 13:00:00 GMT"
    else:
        assert caught.value.retry_after == retry_after
    assert isinstance(caught.value, NewsPulseError)
    assert caught.value.url == http_server.url(path)
    assert str(caught.value).startswith(f"HTTP {status}: ")


def test_connection_refused_is_a_fetch_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection failed") as caught:
        fetch(f"http://127.0.0.1:{port}/feed")
    assert caught.value.__cause__ is not None


def test_minimum_delay_between_requests_to_one_host(http_server: HttpServer) -> None:
    urls = [http_server.url(f"/slow?delay=0&group=delay&n={n}") for n in range(4)]
    results = fetch_many(urls, max_per_host=2, min_delay=0.15)
    assert all(isinstance(result, FetchResult) for result in results)
    starts = sorted(hit.started for hit in http_server.hits("/slow") if "group=delay" in hit.query)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(starts) == 4
    assert min(gaps) >= 0.14


def test_concurrency_is_limited_per_host_not_globally(http_server: HttpServer) -> None:
    jobs = [
        http_server.url(f"/slow?delay=0.2&group=host-{host}&n={n}", host=host)
        for host in ("127.0.0.1", "127.0.0.2")
        for n in range(6)
    ]
    started = time.monotonic()
    results = fetch_many(jobs, max_per_host=2, min_delay=0.0)
    elapsed = time.monotonic() - started
    assert all(isinstance(result, FetchResult) for result in results)
    assert http_server.max_in_flight("host-127.0.0.1") == 2
    assert http_server.max_in_flight("host-127.0.0.2") == 2
    # 6 requests of 0.2 s, 2 at a time, on both hosts at once: ~0.6 s, not 1.2 s.
    assert elapsed < 1.1


def test_fetch_many_keeps_order_and_returns_errors(http_server: HttpServer) -> None:
    feed = http_server.url("/feed/many")
    jobs: list[str | FetchJob] = [
        feed,
        http_server.url("/status/404"),
        FetchJob(feed, etag='"many-v1"'),
        http_server.url("/loop/a"),
    ]
    ok, missing, unchanged, loop = fetch_many(jobs)
    assert isinstance(ok, FetchResult)
    assert ok.body == rss_feed("many", 20)
    assert isinstance(missing, HttpStatusError)
    assert missing.status == 404
    assert isinstance(unchanged, FetchResult)
    assert unchanged.not_modified
    assert isinstance(loop, TooManyRedirectsError)


def test_fetch_bodies_maps_urls_to_bodies_or_errors(http_server: HttpServer) -> None:
    good, bad = http_server.url("/feed/bodies"), http_server.url("/status/500")
    bodies = asyncio.run(fetch_bodies([good, bad, good], allow_private_hosts=True, min_delay=0.0))
    assert bodies[good] == rss_feed("bodies", 20)
    assert isinstance(bodies[bad], HttpStatusError)


def test_serves_files_with_validators(tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_bytes(rss_feed("file", 2))
    with HttpServer(tmp_path) as server:
        url = server.url("/files/feed.rss")
        first = fetch(url)
        again = fetch(url, etag=first.etag)
        compressed = fetch(f"{url}?encoding=gzip")
        with pytest.raises(HttpStatusError):
            fetch(server.url("/files/../servers.py"))
    assert first.body == compressed.body == rss_feed("file", 2)
    assert first.content_type == "application/rss+xml"
    assert again.not_modified


def test_headers_route_echoes_the_request(http_server: HttpServer) -> None:
    result = fetch(http_server.url("/headers"), user_agent="Custom/1.0")
    assert json_body(result.body)["User-Agent"] == "Custom/1.0"
