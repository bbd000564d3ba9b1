"""The poll step: the front of the pipeline for feeds.

1. Claim the sources that are due (``store.due_sources``) and fetch them
   concurrently with conditional GET, per-host limits and the SSRF guard.
2. A 304 costs no parsing; an error is recorded on the source (backoff,
   Retry-After, pause after repeated failures) and never stops the run.
3. Parse the feed; items that carry only a snippet are stored as pending fetches
   (the fetch step's work, ``pipeline.fetch``) before any page is fetched, the others
   go to the ingest step (``pipeline.ingest.ingest_entries``: dates, canonical URLs,
   dedup, one transaction per batch).
4. In process, run the fetch step for the source's pending pages within the page
   budget (a worker's poll job leaves them to fetch jobs), and save the source's new
   schedule, which depends on what they did.

Every decision lives in the stage that owns it (``sources.schedule``, ``ingest.*``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from newspulse.bounds import bounded_delay
from newspulse.errors import NewsPulseError
from newspulse.ingest.feeds import FeedParseError, ParsedFeed, entries_from_feed, parse_feed
from newspulse.ingest.fetch import Fetcher, FetchError, FetchJob, FetchResult, HttpStatusError
from newspulse.pipeline.fetch import (
    FetchReport,
    fetch_batch,
    local_worker,
    needs_page,
    pending_pairs,
)
from newspulse.pipeline.fetch import (
    create_fetcher as create_fetcher,  # re-exported: callers build their fetcher here
)
from newspulse.pipeline.ingest import ingest_entries
from newspulse.pipeline.ports import PollPort
from newspulse.records import PendingFetch, SourceRecord
from newspulse.settings import Settings
from newspulse.sources.schedule import (
    DEFAULT_POLICY,
    FeedState,
    after_failure,
    after_not_modified,
    after_success,
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


async def poll_due_sources(
    store: PollPort,
    fetcher: Fetcher,
    *,
    now: dt.datetime,
    settings: Settings,
    rng: random.Random | None = None,
    fetch_pages: bool = True,
) -> PollReport:
    """Poll every due source once; per-source failures are recorded, not raised.
    ``fetch_pages``: run the fetch step in process (see ``handle_outcome``)."""
    due = store.due_sources(now)
    return PollReport(
        await poll_sources(
            store, fetcher, due, now=now, settings=settings, rng=rng, fetch_pages=fetch_pages
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
    fetch_pages: bool = True,
    budget: PageBudget | None = None,
) -> tuple[SourcePoll, ...]:
    """Poll ``due`` (claimed sources) once, sharing one item-page ``budget``; one result
    each.  ``fetch_pages``: run the fetch step for each source's items in process."""
    jobs = [FetchJob(s.url, etag=s.etag, last_modified=s.last_modified) for s in due]
    outcomes = await fetcher.fetch_many(jobs)
    rng = rng or random.Random()
    budget = budget or page_budget(settings)
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
                    fetch_pages=fetch_pages,
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

    def take(self, items: Sequence[PendingFetch]) -> tuple[list[PendingFetch], list[PendingFetch]]:
        """``items`` (in priority order) split into those to fetch now and those deferred."""
        chosen: list[PendingFetch] = []
        deferred: list[PendingFetch] = []
        for entry in items:
            host = entry.host
            used = self.used_by_host.get(host, 0)
            if len(chosen) < self.per_feed and used < self.per_host:
                chosen.append(entry)
                self.used_by_host[host] = used + 1
            else:
                deferred.append(entry)
        return chosen, deferred


def page_budget(settings: Settings) -> PageBudget:
    """A fresh budget for one poll, from ``fetch.max_item_pages*``."""
    fetch = settings.fetch
    return PageBudget(per_feed=fetch.max_item_pages, per_host=fetch.max_item_pages_per_host)


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
    fetch_pages: bool = True,
) -> SourcePoll:
    """Record one source's fetch outcome: parse, store the items that need their page as
    pending fetches, ingest the others, then (``fetch_pages``) run the fetch step for
    this source's pending pages within ``budget``.

    When the budget leaves item pages unfetched, those items wait as pending fetches,
    the validators are not kept (the next poll reads the whole feed again, not a 304)
    and the next poll comes after ``min_interval``.  Without ``fetch_pages`` (a poll
    job) the fetch jobs of the workers take the stored items.
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
    entries = entries_from_feed(feed, source=source.name)
    fetched = state.fetched_pages
    known = store.stored_urls([e.url for e in entries]) | set(fetched)
    snippets = needs_page(entries, snippet_chars=settings.fetch.snippet_chars, known=known)
    waiting = store.add_pending_fetches(source.id, pending_pairs(snippets), now)
    paged = {e.url for e in snippets}
    report = ingest_entries(
        store,
        [e for e in entries if e.url not in paged],
        now=now,
        settings=settings,
        source_ids={source.name: source.id},
    )
    new_items = report.stored
    deferred = 0
    if fetch_pages:
        pages = await fetch_source_pages(
            store,
            fetcher,
            source,
            budget=budget or page_budget(settings),
            now=now,
            settings=settings,
        )
        state = remember_pages(state, pages.fetched)
        new_items += pages.total_stored
        deferred = store.count_pending_fetches(source.id)
    else:
        new_items += waiting  # stored as pending work: the fetch jobs ingest them
    state = after_success(
        state,
        now=now,
        new_items=new_items,
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
    return SourcePoll(source.url, "new items", new_items, detail)


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


async def fetch_source_pages(
    store: PollPort,
    fetcher: Fetcher,
    source: SourceRecord,
    *,
    budget: PageBudget,
    now: dt.datetime,
    settings: Settings,
) -> FetchReport:
    """The fetch step in process, for one source's pending item pages within ``budget``
    (newest first); those over it stay pending for the next poll or a worker."""
    worker = local_worker()
    candidates = store.fetch_candidates(source.id, now=now, worker=worker)
    chosen, _ = budget.take(candidates)
    lease = dt.timedelta(seconds=settings.run.lease_seconds)
    ids = store.claim_ids(
        "fetch", [c.id for c in chosen], worker=worker, lease=lease, now=now, retake=True
    )
    if not ids:
        return FetchReport()
    claimed = set(ids)
    try:
        return await fetch_batch(
            store,
            fetcher,
            [item for item in chosen if item.id in claimed],
            now=now,
            settings=settings,
        )
    finally:
        store.release("fetch", ids, worker=worker)
