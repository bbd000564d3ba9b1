"""The hostile suite: each case of ``tests.hostile`` polled beside a good feed.

Every case must cost bounded time and memory, leave any error on its own source,
and let the good feed of the same poll be processed.  Cases served by the older
routes of ``tests.servers`` (bombs, drips, endless bodies, redirect loops) join here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
import tracemalloc
from dataclasses import dataclass

import pytest

from newspulse.poller import PollReport, create_fetcher, poll_due_sources
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from tests.hostile import CASES
from tests.servers import HttpServer
from tests.servers import http_server as http_server  # the session fixture

NOW = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
SECONDS = 20.0
PEAK_MIB = 200.0
OLD_ROUTES = {
    "gzip-bomb": "bomb?encoding=gzip&mib=64",
    "brotli-bomb": "bomb?encoding=br&mib=64",
    "deflate-bomb": "bomb?encoding=deflate&mib=64",
    "drip-fed": "drip?chunks=100&interval=0.2",
    "endless-body": "endless",
    "oversized": "big?size=50000000",
    "redirects-forever": "loop/a",
    "server-error": "status/500",
}


@dataclass(frozen=True, slots=True)
class Measured:
    report: PollReport
    seconds: float
    peak_mib: float


@pytest.fixture
def hostile_settings(settings: Settings) -> Settings:
    fetch = settings.fetch.model_copy(update={"min_delay": 0.0, "total_timeout": 5.0})
    return settings.model_copy(update={"allow_private_hosts": True, "fetch": fetch})


def measured_poll(store: SqlStore, settings: Settings) -> Measured:
    async def run() -> PollReport:
        async with create_fetcher(settings) as fetcher:
            return await poll_due_sources(
                store, fetcher, now=NOW, settings=settings, rng=random.Random(1)
            )

    tracemalloc.start()
    started = time.monotonic()
    try:
        report = asyncio.run(run())
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return Measured(report, elapsed, peak)


def poll_with_good_feed(
    store: SqlStore, settings: Settings, server: HttpServer, path: str
) -> Measured:
    store.add_source(server.url(path), name="hostile", now=NOW)
    store.add_source(server.url("feed/good?items=3"), name="good", now=NOW)
    return measured_poll(
        store,
        settings.model_copy(
            update={"fetch": settings.fetch.model_copy(update={"snippet_chars": 0})}
        ),
    )


def check_isolated(measured: Measured, store: SqlStore) -> str:
    """Bounded cost, the good feed processed; the hostile source's poll status."""
    assert measured.seconds < SECONDS
    assert measured.peak_mib < PEAK_MIB
    by_url = {poll.url: poll for poll in measured.report.polled}
    good = next(poll for url, poll in by_url.items() if "/feed/good" in url)
    assert good.status == "new items"
    assert good.new_items == 3
    sources = {source.name: source for source in store.list_sources()}
    assert sources["good"].last_error is None
    assert sources["good"].next_poll_at is not None
    assert sources["hostile"].next_poll_at is not None  # its schedule was saved
    return by_url[sources["hostile"].url].status


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_feed_is_contained(
    case: str, http_server: HttpServer, store: SqlStore, hostile_settings: Settings
) -> None:
    measured = poll_with_good_feed(store, hostile_settings, http_server, f"hostile/{case}")
    verdict = check_isolated(measured, store)
    assert verdict in {"new items", "error"}
    for article in store.list_articles(limit=1000):
        assert "\x00" not in article.title
        assert "\u202e" not in article.title
        assert "root:" not in article.title  # no external entity was read
        assert len(article.title) <= 1000
        assert "<script" not in article.title.lower()
        assert article.url.startswith(("http://", "https://"))
        assert "@" not in article.url.split("/")[2]
        assert dt.datetime(1990, 1, 1, tzinfo=dt.UTC) <= article.published <= NOW


@pytest.mark.parametrize("case", sorted(OLD_ROUTES))
def test_hostile_transport_is_contained(
    case: str, http_server: HttpServer, store: SqlStore, hostile_settings: Settings
) -> None:
    measured = poll_with_good_feed(store, hostile_settings, http_server, OLD_ROUTES[case])
    verdict = check_isolated(measured, store)
    assert verdict == "error"
    (hostile,) = [s for s in store.list_sources() if s.name == "hostile"]
    assert hostile.last_error
    assert hostile.consecutive_errors == 1


def test_item_pages_are_fetched_within_the_budget_and_the_rest_wait(
    http_server: HttpServer, store: SqlStore, hostile_settings: Settings
) -> None:
    settings = hostile_settings.model_copy(
        update={
            "fetch": hostile_settings.fetch.model_copy(
                update={"max_item_pages": 30, "max_item_pages_per_host": 12}
            )
        }
    )
    store.add_source(http_server.url("hostile/many-snippets"), name="hostile", now=NOW)
    before = len(http_server.hits("/files/site/article.html"))
    measured = measured_poll(store, settings)
    assert measured.seconds < SECONDS
    fetched = len(http_server.hits("/files/site/article.html")) - before
    assert fetched == 12  # the per-host budget, not 500
    (poll,) = measured.report.polled
    assert "488 item pages left for the next poll" in poll.detail
    (source,) = store.list_sources()
    assert source.etag is None  # the next poll reads the feed again, no 304
    assert source.next_poll_at is not None
    assert source.next_poll_at <= NOW + dt.timedelta(minutes=5)

    # The next poll goes on with the backlog and fetches no page twice.
    async def again() -> PollReport:
        async with create_fetcher(settings) as fetcher:
            return await poll_due_sources(
                store,
                fetcher,
                now=source.next_poll_at or NOW,
                settings=settings,
                rng=random.Random(1),
            )

    asyncio.run(again())
    queries = [hit.query for hit in http_server.hits("/files/site/article.html")[before:]]
    assert len(queries) == 24
    assert len(set(queries)) == 24


def test_a_billion_laughs_is_refused_not_parsed_leniently(
    http_server: HttpServer, store: SqlStore, hostile_settings: Settings
) -> None:
    measured = poll_with_good_feed(store, hostile_settings, http_server, "hostile/billion-laughs")
    assert check_isolated(measured, store) == "error"
    (hostile,) = [s for s in store.list_sources() if s.name == "hostile"]
    assert hostile.last_error is not None
    assert "entity declarations" in hostile.last_error
    assert measured.peak_mib < 20  # the lenient fallback parser used to take 50+ MiB
