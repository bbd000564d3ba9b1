"""Dates and numbers from outside are bounded before the engine does arithmetic on them."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from newspulse.bounds import (
    EARLIEST,
    LATEST,
    MAX_DELAY,
    ascii_int,
    bounded_delay,
    bounded_int,
    utc_moment,
    window_start,
)
from newspulse.ingest.corpus import parse_published
from newspulse.ingest.feed_items import parse_date
from newspulse.sources.schedule import (
    FeedState,
    after_failure,
    after_success,
    max_age_from_cache_control,
    retry_after_delay,
    ttl_from_rss,
)
from newspulse.sources.stored_state import parse_time, seconds

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
HUGE = "99999999999999999"


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+05:00",
        "0001-01-01T00:00:00Z",
        "0001-01-01",
        "9999-12-31T23:59:59-05:00",
        "9999-12-31",
        "1970-01-01T00:00:00Z",
    ],
)
def test_corpus_dates_outside_the_range_are_unknown_not_fatal(text: str) -> None:
    assert parse_published(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "Mon, 01 Jan 1001 00:00:00 +0500",
        "Fri, 31 Dec 9999 23:59:59 -0500",
        "1970-01-01T00:00:00Z",
    ],
)
def test_feed_dates_outside_the_range_are_unknown(text: str) -> None:
    assert parse_date(text) is None


def test_dates_inside_the_range_are_kept_in_utc() -> None:
    assert parse_published("2026-02-24T10:00:00+02:00") == dt.datetime(
        2026, 2, 24, 8, tzinfo=dt.UTC
    )
    assert utc_moment(dt.datetime(2026, 1, 1)) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert utc_moment(EARLIEST) == EARLIEST
    assert utc_moment(LATEST) is None


def test_window_start_never_overflows() -> None:
    year_one = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    assert window_start(year_one, dt.timedelta(days=90)) == EARLIEST - dt.timedelta(days=90)
    assert window_start(NOW, dt.timedelta(days=90)) == NOW - dt.timedelta(days=90)
    assert window_start(NOW, dt.timedelta(days=10**8)) < NOW


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("0012", 12), ("²", None), ("٣", None), ("-3", None), ("", None), ("1e3", None)],
)
def test_ascii_int_reads_only_ascii_digits(text: str, expected: int | None) -> None:
    assert ascii_int(text) == expected


def test_huge_numbers_are_capped_not_refused() -> None:
    assert ascii_int("9" * 5000) == 10**18
    assert bounded_int("9" * 5000, low=1, high=50) == 50
    assert bounded_delay(HUGE, unit=dt.timedelta(minutes=1)) == MAX_DELAY
    assert bounded_delay("0", unit=dt.timedelta(seconds=1)) is None


def test_feed_and_header_numbers_cannot_overflow_the_schedule() -> None:
    ttl = ttl_from_rss(HUGE)
    max_age = max_age_from_cache_control(f"public, max-age={HUGE}")
    assert ttl == max_age == MAX_DELAY
    assert max_age_from_cache_control("max-age=" + "9" * 5000) == MAX_DELAY
    state = after_success(FeedState(), now=NOW, ttl=ttl, cache_control_max_age=max_age)
    assert state.next_poll_at is not None
    assert state.next_poll_at <= NOW + MAX_DELAY


def test_retry_after_is_bounded() -> None:
    assert retry_after_delay(HUGE, now=NOW) == MAX_DELAY
    assert retry_after_delay("²", now=NOW) is None
    assert retry_after_delay("0", now=NOW) == dt.timedelta(0)
    assert retry_after_delay("Fri, 31 Dec 9999 23:59:59 GMT", now=NOW) is None
    assert retry_after_delay("Sun, 06 Nov 1994 08:49:37 GMT", now=NOW) == dt.timedelta(0)
    state = after_failure(
        FeedState(),
        now=NOW,
        status=503,
        reason="down",
        retry_after=retry_after_delay(HUGE, now=NOW),
        rng=random.Random(1),
    )
    assert state.next_poll_at is not None


def test_stored_schedules_from_older_versions_are_read_safely() -> None:
    assert parse_time("0001-01-01T00:00:00+05:00") is None
    assert parse_time("not a time") is None
    assert seconds(1e300) == MAX_DELAY
    assert seconds(float("nan")) is None
    assert seconds(-5) is None
