"""Date sanity: every entry leaves ingest with a publication time it can be ordered by.

A feed date outside ``newspulse.bounds`` (year 1, 9999, the 1970 placeholder) is
unknown; a date in the future (beyond a tolerance) is wrong and replaced by the
fetch time; a missing date is estimated from the URL or the text, else set to
the fetch time.  Anything not taken from the feed is flagged as estimated.
This is the one gate every date passes before the engine does arithmetic on it.
"""

from __future__ import annotations

import datetime as dt

from newspulse.bounds import bounded_moment
from newspulse.domain import DatedEntry, DateSource, Entry
from newspulse.ingest.canonical import InvalidURLError, canonical_url
from newspulse.text.dates import estimate_published


def date_entry(
    entry: Entry, *, fetched_at: dt.datetime, future_tolerance: dt.timedelta
) -> DatedEntry:
    """Check or estimate the entry's date against the time it was fetched."""
    published = bounded_moment(entry.published_at)
    source = DateSource.FEED
    if published is not None and published > fetched_at + future_tolerance:
        published, source = fetched_at, DateSource.FETCH_TIME
    if published is None:
        published, source = estimate_date(entry, fetched_at)
    return DatedEntry(
        entry=entry,
        canonical_url=canonical_of(entry),
        published_at=min(published, fetched_at),
        date_source=source,
        fetched_at=fetched_at,
    )


def canonical_of(entry: Entry) -> str:
    """The page's declared canonical URL when it is usable, else the entry's own URL."""
    if entry.canonical:
        try:
            return canonical_url(entry.canonical)
        except InvalidURLError:
            pass
    return canonical_url(entry.url)


def estimate_date(entry: Entry, fetched_at: dt.datetime) -> tuple[dt.datetime, DateSource]:
    estimate = estimate_published(f"{entry.title}\n{entry.text}", entry.url, now=fetched_at)
    if estimate is None:
        return fetched_at, DateSource.FETCH_TIME
    day, source = estimate
    moment = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    return min(moment, fetched_at), source
