"""ingest/dating directly: which dates are kept, which are estimated, and the flags."""

from __future__ import annotations

import datetime as dt

import pytest

from newspulse.domain import DateSource, Entry
from newspulse.ingest.dating import date_entry

FETCHED = dt.datetime(2026, 2, 27, 15, 30, tzinfo=dt.UTC)
TOLERANCE = dt.timedelta(hours=6)


def entry(
    published: dt.datetime | None,
    *,
    url: str = "https://example.org/story",
    text: str = "No date in this text.",
) -> Entry:
    return Entry(url=url, source="example", title="Title", text=text, published_at=published)


def dated(published: dt.datetime | None, **kwargs: str) -> tuple[dt.datetime, DateSource, bool]:
    result = date_entry(entry(published, **kwargs), fetched_at=FETCHED, future_tolerance=TOLERANCE)
    assert result.fetched_at == FETCHED
    return result.published_at, result.date_source, result.date_estimated


def test_a_feed_date_in_the_past_is_kept_unflagged() -> None:
    when = dt.datetime(2026, 2, 20, 8, tzinfo=dt.UTC)
    assert dated(when) == (when, DateSource.FEED, False)


def test_a_feed_date_within_the_tolerance_is_kept_but_never_after_the_fetch() -> None:
    when = FETCHED + dt.timedelta(hours=2)
    assert dated(when) == (FETCHED, DateSource.FEED, False)


def test_a_feed_date_beyond_the_tolerance_is_the_fetch_time_flagged() -> None:
    assert dated(FETCHED + dt.timedelta(days=3)) == (FETCHED, DateSource.FETCH_TIME, True)


def test_a_missing_date_is_estimated_from_the_url_first() -> None:
    published, source, estimated = dated(
        None, url="https://example.org/2026/02/24/story", text="Written on 20 February 2026."
    )
    assert (published, source, estimated) == (
        dt.datetime(2026, 2, 24, 12, tzinfo=dt.UTC),
        DateSource.URL,
        True,
    )


def test_a_missing_date_is_estimated_from_the_text_next() -> None:
    published, source, estimated = dated(None, text="Announced on February 24, 2026 in Paris.")
    assert (published, source, estimated) == (
        dt.datetime(2026, 2, 24, 12, tzinfo=dt.UTC),
        DateSource.TEXT,
        True,
    )


def test_an_estimate_never_lies_after_the_fetch() -> None:
    published, source, _ = dated(None, text="Announced on February 27, 2026.")
    assert source is DateSource.TEXT
    assert published == dt.datetime(2026, 2, 27, 12, tzinfo=dt.UTC) <= FETCHED
    early = date_entry(
        entry(None, text="Announced on February 27, 2026."),
        fetched_at=dt.datetime(2026, 2, 27, 9, tzinfo=dt.UTC),
        future_tolerance=TOLERANCE,
    )
    assert early.published_at == dt.datetime(2026, 2, 27, 9, tzinfo=dt.UTC)
    assert early.date_estimated


def test_without_any_clue_the_date_is_the_fetch_time_flagged() -> None:
    assert dated(None) == (FETCHED, DateSource.FETCH_TIME, True)


@pytest.mark.parametrize(
    "published",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
    ],
)
def test_out_of_range_feed_dates_are_unknown_and_estimated(published: dt.datetime) -> None:
    when, source, estimated = dated(published, text="Announced on February 24, 2026.")
    assert (when, source, estimated) == (
        dt.datetime(2026, 2, 24, 12, tzinfo=dt.UTC),
        DateSource.TEXT,
        True,
    )
