"""The fetch+extract step: feed items stored as pending fetches get their page's text.

The poll stores every item whose feed text is only a snippet as a pending fetch
(``store.add_pending_fetches``) before fetching anything, so a crash between poll and
fetch loses no item.  This step claims such items (``store.claim``, with a lease),
fetches their pages (``ingest.fetch``: SSRF guard, size and time limits, per-host
politeness), extracts the main text (``ingest.extract``) and hands the entries to the
ingest step's ``ingest_entries``; the ingested items' rows go.  The step's claim hook
is in ``pipeline.steps``; the poll runs this step for a source's items in process
(``pipeline.poll``), which is why the fetcher is built here, not there.  A page that
cannot be fetched or yields nothing keeps the feed's text, as before.  An item whose
handling failed stays pending with its ``last_error``; one that was claimed
``MAX_PAGE_ATTEMPTS`` times (its page kills workers) is ingested with the feed's text
without another fetch.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field

from newspulse.domain import Entry
from newspulse.ingest.extract import ExtractionError, extract_page
from newspulse.ingest.fetch import Fetcher, FetchError, FetchResult
from newspulse.ingest.pace import HostPace
from newspulse.pipeline.ingest import ingest_entries
from newspulse.pipeline.ports import FetchPort
from newspulse.records import PendingFetch
from newspulse.settings import Settings
from newspulse.sources.schedule import host_key

log = logging.getLogger(__name__)

MAX_PAGE_ATTEMPTS = 3


def create_fetcher(settings: Settings, pace: HostPace | None = None) -> Fetcher:
    """The fetcher the settings describe; with ``pace`` (the store), the starts of its
    requests to a host are spaced ``fetch.min_delay`` apart together with every other
    process's that shares it (``ingest.pace``)."""
    fetch = settings.fetch
    return Fetcher(
        connect_timeout=fetch.connect_timeout,
        read_timeout=fetch.read_timeout,
        total_timeout=fetch.total_timeout,
        max_bytes=fetch.max_bytes,
        max_per_host=fetch.max_per_host,
        min_delay=fetch.min_delay,
        allow_private_hosts=settings.allow_private_hosts or None,
        pace=pace,
    )


def local_worker() -> str:
    """The claim owner of in-process runs on this machine: a restarted `run` or `poll`
    takes back its own unfinished claims at once instead of waiting for their lease."""
    return f"local:{socket.gethostname()}"


@dataclass(frozen=True, slots=True)
class FetchReport:
    """What one fetch batch did: pages fetched, and articles stored per source id."""

    fetched: tuple[str, ...] = ()
    stored: dict[int | None, int] = field(default_factory=dict)
    failed: int = 0

    @property
    def total_stored(self) -> int:
        return sum(self.stored.values())


def needs_page(entries: Sequence[Entry], *, snippet_chars: int, known: set[str]) -> list[Entry]:
    """The entries whose feed text is only a snippet and whose page is not known yet."""
    return [e for e in entries if len(e.text) < snippet_chars and e.url not in known]


def pending_pairs(entries: Sequence[Entry]) -> list[tuple[Entry, str]]:
    return [(entry, host_key(entry.url)) for entry in entries]


async def fetch_batch(
    store: FetchPort,
    fetcher: Fetcher,
    items: Sequence[PendingFetch],
    *,
    now: dt.datetime,
    settings: Settings,
) -> FetchReport:
    """Fetch, extract and ingest claimed items; their rows (and claims) are dropped."""
    tried = [item for item in items if item.attempts <= MAX_PAGE_ATTEMPTS]
    pages: list[FetchResult | FetchError] = (
        await fetcher.fetch_many([item.url for item in tried]) if tried else []
    )
    page_of = {item.id: page for item, page in zip(tried, pages, strict=True)}
    by_source: dict[int | None, list[PendingFetch]] = {}
    for item in items:
        by_source.setdefault(item.source_id, []).append(item)
    stored: dict[int | None, int] = {}
    failed = 0
    for source_id, group in sorted(by_source.items(), key=lambda pair: pair[0] or 0):
        entries = [with_page(item.entry, page_of.get(item.id)) for item in group]
        names = {} if source_id is None else {e.source: source_id for e in entries}
        try:
            report = ingest_entries(store, entries, now=now, settings=settings, source_ids=names)
        except Exception as exc:  # one source's batch must not lose the others'
            log.exception("ingesting fetched pages of source %s failed", source_id)
            store.note_fetch_error([i.id for i in group], f"{type(exc).__name__}: {exc}")
            failed += len(group)
            continue
        store.finish_fetches([item.id for item in group])
        stored[source_id] = report.stored
    return FetchReport(tuple(item.url for item in tried), stored, failed)


def with_page(entry: Entry, page: FetchResult | FetchError | None) -> Entry:
    """``entry`` with its page's extracted text when that is longer than the feed's.

    The feed's text is kept in ``summary`` and stays the text when the page cannot be
    fetched or yields nothing.
    """
    if not isinstance(page, FetchResult) or not page.body:
        return entry
    try:
        extracted = extract_page(page.body, url=page.final_url)
    except ExtractionError:
        return entry
    if len(extracted.text) <= len(entry.text):
        return entry
    return dataclasses.replace(
        entry,
        text=extracted.text,
        summary=entry.summary or entry.text,
        author=entry.author or extracted.author,
        language=entry.language or extracted.language,
        canonical=extracted.canonical_url or page.final_url,
    )


def fetch_claimed(
    store: FetchPort,
    items: Sequence[PendingFetch],
    *,
    worker: str,
    now: dt.datetime,
    settings: Settings,
) -> FetchReport:
    """The fetch step's run on items ``worker`` claimed: fetch, extract and ingest them
    (outside any running event loop), then release the claims, also when it failed (the
    items that were not finished stay pending)."""

    async def run() -> FetchReport:
        async with create_fetcher(settings, pace=store) as fetcher:
            return await fetch_batch(store, fetcher, items, now=now, settings=settings)

    try:
        return asyncio.run(run())
    finally:
        store.release("fetch", [item.id for item in items], worker=worker)
