"""The poll step and the fetch+extract step it feeds: the front of the pipeline for feeds.

1. Claim the sources that are due (``store.due_sources``) and fetch them
   concurrently with conditional GET, per-host limits and the SSRF guard.
2. A 304 costs no parsing; an error is recorded on the source (backoff,
   Retry-After, pause after repeated failures) and never stops the run.
3. Parse the feed; for items that carry only a snippet, fetch the page and
   extract the main text (the feed summary stays as the fallback): the fetch step.
4. Hand the entries to the ingest step (``pipeline.ingest.ingest_entries``: dates,
   canonical URLs, dedup, one transaction per batch) and save the source's new schedule.

Fetch and ingest run inside the poll of each source today, since the source's next
schedule depends on what they did; every decision lives in the stage that owns it
(``sources.schedule``, ``ingest.*``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newspulse.bounds import bounded_delay
from newspulse.domain import Entry
from newspulse.errors import NewsPulseError
from newspulse.ingest.extract import ExtractionError, extract_page
from newspulse.ingest.feeds import FeedParseError, ParsedFeed, entries_from_feed, parse_feed
from newspulse.ingest.fetch import Fetcher, FetchError, FetchJob, FetchResult, HttpStatusError
from newspulse.pipeline.ingest import ingest_entries
from newspulse.pipeline.ports import PollPort
from newspulse.records import SourceRecord
from newspulse.settings import Settings
from newspulse.sources.schedule import (
    DEFAULT_POLICY,
    FeedState,
    after_failure,
    after_not_modified,
    after_success,
    host_key,
    max_age_from_cache_control,
    remember_pages,
    retry_after_delay,
)
from newspulse.sources.stored_state import feed_state, poll_state

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourcePoll:
    """What one poll did to one source, for `newspulse poll` output and logs."""

    url: str
    status: str  # "new items" | "not modified" | "error" | "paused"
    new_items: int = 0
    detail: str = ""
    error_kind: str = ""  # the failure's exception class, for metrics (errors by kind)


@dataclass(frozen=True, slots=True)
class PollReport:
    polled: tuple[SourcePoll, ...]
    # Articles each later step took in the poll cycle (for the run daemon's metrics).
    enriched: int = 0
    routed: int = 0
    clustered: int = 0

    @property
    def new_items(self) -> int:
        return sum(poll.new_items for poll in self.polled)


def create_fetcher(settings: Settings) -> Fetcher:
    fetch = settings.fetch
    return Fetcher(
        connect_timeout=fetch.connect_timeout,
        read_timeout=fetch.read_timeout,
        total_timeout=fetch.total_timeout,
        max_bytes=fetch.max_bytes,
        max_per_host=fetch.max_per_host,
        min_delay=fetch.min_delay,
        allow_private_hosts=settings.allow_private_hosts or None,
    )


async def poll_due_sources(
    store: PollPort,
    fetcher: Fetcher,
    *,
    now: dt.datetime,
    settings: Settings,
    rng: random.Random | None = None,
) -> PollReport:
    """Poll every due source once; per-source failures are recorded, not raised."""
    return PollReport(
        await poll_sources(
            store, fetcher, store.due_sources(now), now=now, settings=settings, rng=rng
        )
    )


async def poll_sources(
    store: PollPort,
    fetcher: Fetcher,
    due: Sequence[SourceRecord],
    *,
    now: dt.datetime,
    settings: Settings,
    rng: random.Random | None = None,
) -> tuple[SourcePoll, ...]:
    """Poll ``due`` (claimed sources) once, sharing one item-page budget; one result each."""
    jobs = [FetchJob(s.url, etag=s.etag, last_modified=s.last_modified) for s in due]
    outcomes = await fetcher.fetch_many(jobs)
    rng = rng or random.Random()
    budget = PageBudget(
        per_feed=settings.fetch.max_item_pages, per_host=settings.fetch.max_item_pages_per_host
    )
    polled = []
    for source, outcome in zip(due, outcomes, strict=True):
        try:
            polled.append(
                await handle_outcome(
                    store,
                    fetcher,
                    source,
                    outcome,
                    now=now,
                    settings=settings,
                    rng=rng,
                    budget=budget,
                )
            )
        except Exception as exc:  # one feed must never stop the others' poll
            log.exception("poll of %s failed", source.url)
            failure = SourceFailedError(f"internal error: {type(exc).__name__}", source.url)
            polled.append(
                record_failure(store, source, feed_state(source), failure, now=now, rng=rng)
            )
    return tuple(polled)


class SourceFailedError(NewsPulseError):
    """Processing one feed failed unexpectedly; recorded on that source, the poll goes on."""


@dataclass(slots=True)
class PageBudget:
    """Item-page fetches one poll may still make: ``per_feed`` for each source, and
    ``per_host`` for each host across all sources, since item links can name any host.

    Items over budget are left for the next poll (see ``handle_outcome``).
    """

    per_feed: int
    per_host: int
    used_by_host: dict[str, int] = field(default_factory=dict)

    def take(self, entries: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
        """``entries`` (in priority order) split into those to fetch now and those deferred."""
        chosen: list[Entry] = []
        deferred: list[Entry] = []
        for entry in entries:
            host = host_key(entry.url)
            used = self.used_by_host.get(host, 0)
            if len(chosen) < self.per_feed and used < self.per_host:
                chosen.append(entry)
                self.used_by_host[host] = used + 1
            else:
                deferred.append(entry)
        return chosen, deferred


async def handle_outcome(
    store: PollPort,
    fetcher: Fetcher,
    source: SourceRecord,
    outcome: FetchResult | FetchError,
    *,
    now: dt.datetime,
    settings: Settings,
    rng: random.Random,
    budget: PageBudget | None = None,
) -> SourcePoll:
    """Record one source's fetch outcome: parse, fetch item pages within ``budget``, ingest.

    When the budget leaves item pages unfetched, those items are not ingested, the
    validators are not kept (the next poll must read the whole feed again, not a 304)
    and the next poll comes after ``min_interval``: the feed's backlog is pending work.
    """
    state = feed_state(source)
    if isinstance(outcome, FetchError):
        return record_failure(store, source, state, outcome, now=now, rng=rng)
    max_age = max_age_from_cache_control(outcome.cache_control)
    if outcome.not_modified:
        state = after_not_modified(
            state,
            now=now,
            cache_control_max_age=max_age,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
        )
        store.save_poll_state(source.id, poll_state(state), new_items=0)
        return SourcePoll(source.url, "not modified")
    try:
        feed = parse_feed(
            outcome.body or b"", url=outcome.final_url, content_type=outcome.content_type
        )
    except FeedParseError as exc:
        return record_failure(store, source, state, exc, now=now, rng=rng)
    budget = budget or PageBudget(
        per_feed=settings.fetch.max_item_pages, per_host=settings.fetch.max_item_pages_per_host
    )
    fetched = state.fetched_pages
    full = await with_full_text(
        entries_from_feed(feed, source=source.name),
        fetcher,
        snippet_chars=settings.fetch.snippet_chars,
        budget=budget,
        stored=lambda urls: store.stored_urls(urls) | set(fetched),
    )
    entries, deferred = full.entries, full.deferred
    state = remember_pages(state, full.fetched)
    report = ingest_entries(
        store, entries, now=now, settings=settings, source_ids={source.name: source.id}
    )
    state = after_success(
        state,
        now=now,
        new_items=report.stored,
        item_times=[e.published_at for e in entries if e.published_at is not None],
        ttl=feed_ttl(feed),
        cache_control_max_age=max_age,
        etag=None if deferred else outcome.etag,
        last_modified=None if deferred else outcome.last_modified,
        status=outcome.status,
    )
    if deferred:
        soon = now + DEFAULT_POLICY.min_interval
        state = dataclasses.replace(state, next_poll_at=min(state.next_poll_at or soon, soon))
    # insert_articles already counted the new items on the source.
    store.save_poll_state(source.id, poll_state(state), new_items=0)
    detail = f"{len(feed.items)} items via {feed.parser}"
    if deferred:
        detail += f"; {deferred} item pages left for the next poll"
    return SourcePoll(source.url, "new items", report.stored, detail)


def record_failure(
    store: PollPort,
    source: SourceRecord,
    state: FeedState,
    error: NewsPulseError,
    *,
    now: dt.datetime,
    rng: random.Random,
) -> SourcePoll:
    status = error.status if isinstance(error, HttpStatusError) else None
    retry_after = (
        retry_after_delay(error.retry_after, now=now)
        if isinstance(error, HttpStatusError)
        else None
    )
    state = after_failure(
        state, now=now, status=status, reason=str(error), retry_after=retry_after, rng=rng
    )
    store.save_poll_state(source.id, poll_state(state), new_items=0)
    kind = type(error).__name__
    if state.paused_reason:
        return SourcePoll(source.url, "paused", detail=state.paused_reason, error_kind=kind)
    return SourcePoll(source.url, "error", detail=str(error), error_kind=kind)


def feed_ttl(feed: ParsedFeed) -> dt.timedelta | None:
    """The channel's ``<ttl>`` as a delay, at most ``bounds.MAX_DELAY``."""
    return bounded_delay(feed.ttl_minutes, unit=dt.timedelta(minutes=1))


@dataclass(frozen=True, slots=True)
class FullText:
    """``with_full_text``'s result: the entries to ingest now, the item pages it fetched
    and how many items were deferred to the next poll by the page budget."""

    entries: list[Entry]
    fetched: tuple[str, ...]
    deferred: int


async def with_full_text(
    entries: Sequence[Entry],
    fetcher: Fetcher,
    *,
    snippet_chars: int,
    budget: PageBudget,
    stored: Callable[[Sequence[str]], set[str]] = lambda urls: set(),
) -> FullText:
    """Entries whose feed text is only a snippet get the extracted text of their page.

    The feed's summary is kept in ``summary`` and stays the text when the page cannot
    be fetched or yields nothing.  Items already ``stored`` (or fetched) are not fetched
    again; the others are fetched newest first within ``budget``, and those over it are
    left out of the entries to ingest now.
    """
    known = stored([e.url for e in entries])
    snippets = sorted(
        (e for e in entries if len(e.text) < snippet_chars and e.url not in known),
        key=newest_first,
    )
    chosen, deferred = budget.take(snippets)
    left_out = {e.url for e in deferred} - {e.url for e in chosen}
    pages = await fetcher.fetch_many([e.url for e in chosen]) if chosen else []
    full: dict[str, Entry] = {}
    for entry, page in zip(chosen, pages, strict=True):
        if isinstance(page, FetchResult) and page.body:
            try:
                extracted = extract_page(page.body, url=page.final_url)
            except ExtractionError:
                continue
            if len(extracted.text) > len(entry.text):
                full[entry.url] = dataclasses.replace(
                    entry,
                    text=extracted.text,
                    summary=entry.summary or entry.text,
                    author=entry.author or extracted.author,
                    language=entry.language or extracted.language,
                    canonical=extracted.canonical_url or page.final_url,
                )
    return FullText(
        entries=[full.get(e.url, e) for e in entries if e.url not in left_out],
        fetched=tuple(e.url for e in chosen),
        deferred=len(left_out),
    )


def newest_first(entry: Entry) -> tuple[bool, float, str]:
    """Dated items newest first, then undated ones; the URL breaks ties (no set order)."""
    moment = entry.published_at
    return (moment is None, -moment.timestamp() if moment else 0.0, entry.url)
