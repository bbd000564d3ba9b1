"""Sources from the command line: adding one (discovering its feed), its health, a poll.

The poll itself is a run over the pipeline's steps (``pipeline.runs.poll_cycle``; the
poll step lives in ``pipeline.poll`` and the fetch+extract step in ``pipeline.fetch``;
the poll's names are re-exported here for older imports).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newspulse.errors import NewsPulseError
from newspulse.ingest.discover import feed_links
from newspulse.ingest.feeds import FeedParseError, parse_feed
from newspulse.ingest.fetch import Fetcher, FetchError
from newspulse.pipeline.poll import (
    PageBudget,
    PollReport,
    SourceFailedError,
    SourcePoll,
    create_fetcher,
    handle_outcome,
    poll_due_sources,
)
from newspulse.pipeline.runs import has_pending_work, poll_cycle
from newspulse.records import SourceRecord
from newspulse.redact import public_url
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore

__all__ = [
    "DiscoveredFeed",
    "NoFeedFoundError",
    "PageBudget",
    "PollReport",
    "SourceFailedError",
    "SourcePoll",
    "add_source",
    "create_fetcher",
    "discover_feed",
    "handle_outcome",
    "has_pending_work",
    "poll_and_process",
    "poll_due_sources",
    "source_health",
]


# --- adding a source --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiscoveredFeed:
    url: str
    title: str
    site_url: str | None


class NoFeedFoundError(NewsPulseError):
    """The URL is neither a feed nor a page that announces one."""


async def discover_feed(url: str, fetcher: Fetcher) -> DiscoveredFeed:
    """``url`` itself when it is a feed, else the first working feed its page announces."""
    page = await fetcher.fetch(url)
    body = page.body or b""
    try:
        feed = parse_feed(body, url=page.final_url, content_type=page.content_type)
        return DiscoveredFeed(page.final_url, feed.title, feed.site_url)
    except FeedParseError as not_a_feed:
        candidates = feed_links(body, base_url=page.final_url)
        for candidate in candidates:
            try:
                result = await fetcher.fetch(candidate)
                feed = parse_feed(
                    result.body or b"", url=result.final_url, content_type=result.content_type
                )
            except (FetchError, FeedParseError):
                continue
            return DiscoveredFeed(result.final_url, feed.title, feed.site_url or page.final_url)
        reason = f"tried {len(candidates)} announced feeds" if candidates else "no feed links"
        raise NoFeedFoundError(f"not a feed and no working feed found ({reason})", url) from (
            not_a_feed
        )


def add_source(
    store: SqlStore,
    url: str,
    *,
    settings: Settings,
    now: dt.datetime,
    hints: Sequence[str] = (),
) -> tuple[SourceRecord, bool]:
    """Discover the feed behind ``url`` and register it."""

    async def discover() -> DiscoveredFeed:
        async with create_fetcher(settings) as fetcher:
            return await discover_feed(url, fetcher)

    found = asyncio.run(discover())
    return store.add_source(
        found.url,
        # The name is shown on every article's page: never the URL's credentials.
        name=found.title or public_url(found.url),
        now=now,
        homepage=found.site_url,
        vertical_hints=hints,
    )


def poll_and_process(store: SqlStore, *, settings: Settings, now: dt.datetime) -> PollReport:
    """`newspulse poll`: poll due sources, then enrich, route and cluster what arrived."""
    return poll_cycle(store, settings=settings, now=now)


def source_health(record: SourceRecord) -> dict[str, Any]:
    """The `sources list --json` row (url, status, last_success, errors, items, ...)."""

    def iso(moment: dt.datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "url": record.url,
        "name": record.name,
        "status": record.last_status,
        "last_success": iso(record.last_success_at),
        "errors": record.consecutive_errors,
        "last_error": record.last_error,
        "next_poll": iso(record.next_poll_at),
        "paused": record.paused_reason,
        "items": record.items_seen,
        "verticals": list(record.vertical_hints),
    }
