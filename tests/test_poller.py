"""Polling real feed files from a real server on 127.0.0.1: add, poll, 304, errors, SSRF."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newspulse.cli import app
from newspulse.errors import NewsPulseError
from newspulse.poller import add_source, create_fetcher, poll_due_sources
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from tests.servers import HttpServer
from tests.servers import http_server as http_server  # the session fixture

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
RSS2 = "files/feeds/feed-rs/rss2"


@pytest.fixture
def loopback_settings(settings: Settings) -> Settings:
    """Tests opt in to loopback fetching, and skip politeness delays."""
    return settings.model_copy(
        update={
            "allow_private_hosts": True,
            "fetch": settings.fetch.model_copy(update={"min_delay": 0.0}),
        }
    )


def poll(store: SqlStore, settings: Settings, now: dt.datetime) -> object:
    async def run() -> object:
        async with create_fetcher(settings) as fetcher:
            return await poll_due_sources(
                store, fetcher, now=now, settings=settings, rng=random.Random(1)
            )

    return asyncio.run(run())


def first_rss2_feed(server: HttpServer) -> str:
    return server.url(f"{RSS2}/rss_2.0_bbc.xml")


def test_site_url_discovers_its_feed_and_snippets_get_full_text(
    http_server: HttpServer, store: SqlStore, loopback_settings: Settings
) -> None:
    record, created = add_source(
        store, http_server.url("files/site/index.html"), settings=loopback_settings, now=NOW
    )
    assert created
    assert record.url.endswith("/files/site/snippets.rss")
    assert record.name == "Example tech site"

    report = poll(store, loopback_settings, NOW)
    (polled,) = report.polled  # type: ignore[attr-defined]
    assert (polled.status, polled.new_items) == ("new items", 1)
    (article,) = store.pending_enrichment(10)
    assert "Red Dead Redemption 2 port" in article.text  # from the page, not the snippet
    assert len(article.text) > 1000
    # rel=canonical of the page, not the test server's address, names the article.
    assert article.canonical_url.startswith("https://mspoweruser.com/")

    (source,) = store.list_sources()
    assert source.last_status == 200
    assert source.next_poll_at is not None
    assert source.next_poll_at >= NOW + dt.timedelta(minutes=30)  # <ttl>30</ttl> is honoured
    # The second poll sends the validators and costs a 304, no parsing.
    later = source.next_poll_at
    again = poll(store, loopback_settings, later)
    assert [p.status for p in again.polled] == ["not modified"]  # type: ignore[attr-defined]
    last = http_server.hits("/files/site/snippets.rss")[-1]
    assert last.headers.get("If-None-Match") == source.etag


def test_failures_are_recorded_on_the_source_not_raised(
    http_server: HttpServer, store: SqlStore, loopback_settings: Settings
) -> None:
    store.add_source(http_server.url("status/503?retry_after=120"), name="down", now=NOW)
    store.add_source(http_server.url("files/site/article.html"), name="not a feed", now=NOW)
    store.add_source(first_rss2_feed(http_server), name="good", now=NOW)
    report = poll(store, loopback_settings, NOW)
    statuses = sorted(p.status for p in report.polled)  # type: ignore[attr-defined]
    assert statuses == ["error", "error", "new items"]
    down = next(s for s in store.list_sources() if s.name == "down")
    assert down.last_status == 503
    assert down.consecutive_errors == 1
    assert down.next_poll_at is not None
    assert down.next_poll_at >= NOW + dt.timedelta(seconds=120)  # Retry-After honoured
    not_feed = next(s for s in store.list_sources() if s.name == "not a feed")
    assert not_feed.last_error


def test_private_addresses_are_refused_without_the_opt_in(
    http_server: HttpServer, store: SqlStore, settings: Settings
) -> None:
    with pytest.raises(NewsPulseError, match="not allowed"):
        add_source(store, first_rss2_feed(http_server), settings=settings, now=NOW)


@pytest.fixture
def cli_env(http_server: HttpServer, tmp_path: Path) -> dict[str, str]:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {
        "NEWSPULSE_DB": db,
        "NEWSPULSE_ALLOW_PRIVATE_HOSTS": "1",
        "NEWSPULSE_EMBED__MODEL": "hashing",
        "NEWSPULSE_FETCH__MIN_DELAY": "0",
    }
    result = CliRunner().invoke(app, ["init"], env=env)
    assert result.exit_code == 0, result.output
    return env


def test_sources_commands_round_trip(
    http_server: HttpServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(app, list(args), env=cli_env)
        assert result.exit_code == 0, result.output
        return result.output

    feed = first_rss2_feed(http_server)
    assert "added" in invoke("sources", "add", feed, "--vertical", "ai")
    assert "already registered" in invoke("sources", "add", feed)
    output = invoke("poll")
    assert "new articles" in output
    (row,) = json.loads(invoke("sources", "list", "--json"))
    assert row["url"] == feed
    assert row["status"] == 200
    assert row["errors"] == 0
    assert row["items"] > 0
    assert row["last_success"]

    opml = tmp_path / "feeds.opml"
    invoke("sources", "export", "--output", str(opml))
    invoke("sources", "remove", feed)
    assert json.loads(invoke("sources", "list", "--json")) == []
    assert "imported 1 feeds (1 new)" in invoke("sources", "import", str(opml))
    (row,) = json.loads(invoke("sources", "list", "--json"))
    assert row["url"] == feed
    assert row["verticals"] == ["ai"]


def test_extract_command_reads_files_and_urls_one_line_each(
    http_server: HttpServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    pages = Path(__file__).parent / "data/pages"
    gz = next(iter(sorted(pages.glob("*.html.gz"))))
    missing = tmp_path / "missing.html"
    url = http_server.url("files/site/article.html")
    result = CliRunner().invoke(app, ["extract", str(gz), str(missing), url], env=cli_env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["input"] for line in lines] == [str(gz), str(missing), url]
    assert set(lines[0]) >= {"title", "text", "author", "published", "canonical_url", "language"}
    assert len(lines[0]["text"]) > 500
    assert "error" in lines[1]
    assert "Red Dead Redemption 2" in lines[2]["text"]
