from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

import pytest

from newspulse.sources.schedule import (
    DEFAULT_POLICY,
    FeedState,
    HostPoliteness,
    PollPolicy,
    after_failure,
    after_not_modified,
    after_success,
    backoff_delay,
    delay_before_request,
    estimate_publish_interval,
    host_key,
    is_due,
    max_age_from_cache_control,
    resume,
    retry_after_delay,
    ttl_from_rss,
)

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def polled_before(**changes: Any) -> FeedState:
    """A feed that has had one successful poll an hour ago."""
    return replace(FeedState(last_success_at=NOW - HOUR, next_poll_at=NOW), **changes)


def hourly(count: int, *, newest: dt.datetime = NOW) -> list[dt.datetime]:
    return [newest - HOUR * offset for offset in range(count)]


def test_new_feed_is_due_at_once() -> None:
    assert is_due(FeedState(), now=NOW)


@pytest.mark.parametrize(
    ("state", "due"),
    [
        (FeedState(next_poll_at=NOW - MINUTE), True),
        (FeedState(next_poll_at=NOW), True),
        (FeedState(next_poll_at=NOW + MINUTE), False),
        (FeedState(next_poll_at=NOW - DAY, paused_reason="410 Gone"), False),
    ],
)
def test_is_due(state: FeedState, due: bool) -> None:
    assert is_due(state, now=NOW) is due


def test_success_stores_validators_and_resets_errors() -> None:
    state = polled_before(consecutive_errors=3, last_error="HTTP 500", last_status=500)
    after = after_success(state, now=NOW, etag='"v2"', last_modified="Tue, 01 Dec 2026 GMT")
    assert (after.etag, after.last_modified) == ('"v2"', "Tue, 01 Dec 2026 GMT")
    assert after.consecutive_errors == 0
    assert after.last_error is None
    assert after.last_status == 200
    assert after.last_success_at == after.last_attempt_at == NOW
    assert after.next_poll_at == NOW + after.interval


@pytest.mark.parametrize(
    ("item_times", "expected_interval"),
    [
        # One item an hour for ten hours: poll twice per item.
        (hourly(10), dt.timedelta(minutes=27)),
        # One a minute: clamped to the 5-minute floor.
        ([NOW - MINUTE * offset for offset in range(30)], dt.timedelta(minutes=5)),
        # Last items months ago: clamped to the 24-hour ceiling.
        (hourly(20, newest=NOW - 90 * DAY), dt.timedelta(hours=24)),
        # One item a day: every 12 hours.
        ([NOW - DAY * offset for offset in range(1, 11)], dt.timedelta(hours=12)),
    ],
)
def test_interval_follows_publishing_rate(
    item_times: list[dt.datetime], expected_interval: dt.timedelta
) -> None:
    after = after_success(FeedState(), now=NOW, new_items=len(item_times), item_times=item_times)
    assert after.interval == expected_interval
    assert after.next_poll_at == NOW + expected_interval


def test_burst_counts_as_one_publication() -> None:
    # A daily digest: 10 items within a few seconds, once a day for three days.
    second = dt.timedelta(seconds=1)
    times = [NOW - DAY * day - second * item for day in range(1, 4) for item in range(10)]
    estimate = estimate_publish_interval(times, now=NOW)
    assert estimate is not None
    assert estimate > 23 * HOUR


def test_quiet_feed_slows_down_on_each_empty_poll() -> None:
    state = after_success(FeedState(), now=NOW, new_items=10, item_times=hourly(10))
    later = after_not_modified(state, now=NOW + 6 * HOUR)
    much_later = after_not_modified(later, now=NOW + 3 * DAY)
    assert state.interval < later.interval < much_later.interval
    assert much_later.interval <= DEFAULT_POLICY.max_interval


@pytest.mark.parametrize(
    ("ttl", "max_age", "expected_interval"),
    [
        (2 * HOUR, None, 2 * HOUR),
        (None, 3 * HOUR, 3 * HOUR),
        (2 * HOUR, 3 * HOUR, 3 * HOUR),
        (MINUTE, None, dt.timedelta(minutes=27)),  # a short hint never speeds polling up
        (48 * HOUR, None, 24 * HOUR),  # our ceiling still applies
    ],
)
def test_publisher_hints_are_a_floor(
    ttl: dt.timedelta | None, max_age: dt.timedelta | None, expected_interval: dt.timedelta
) -> None:
    after = after_success(
        FeedState(),
        now=NOW,
        new_items=10,
        item_times=hourly(10),
        ttl=ttl,
        cache_control_max_age=max_age,
    )
    assert after.interval == expected_interval


def test_not_modified_keeps_publisher_floor_and_validators() -> None:
    state = after_success(
        FeedState(), now=NOW, item_times=hourly(10), ttl=2 * HOUR, etag='"a"', last_modified="LM"
    )
    after = after_not_modified(state, now=NOW + 2 * HOUR)
    assert after.interval >= 2 * HOUR
    assert (after.etag, after.last_modified) == ('"a"', "LM")
    assert after.last_status == 304
    assert after.last_success_at == NOW + 2 * HOUR


def test_not_modified_takes_new_validators_from_the_304() -> None:
    state = FeedState(etag='"a"', last_modified="old")
    after = after_not_modified(state, now=NOW, etag='"b"')
    assert (after.etag, after.last_modified) == ('"b"', "old")


def test_undated_items_shrink_and_empty_polls_grow_the_interval() -> None:
    first = after_success(FeedState(), now=NOW, new_items=20)
    assert first.interval == DEFAULT_POLICY.initial_interval  # a first poll says nothing
    assert first.item_times == ()
    empty = after_success(first, now=NOW + HOUR)
    assert empty.interval == first.interval * DEFAULT_POLICY.grow_factor
    assert after_not_modified(first, now=NOW + HOUR).interval == empty.interval


def test_undated_new_items_after_the_first_poll_count_at_now() -> None:
    state = polled_before()
    after = after_success(state, now=NOW, new_items=2)
    assert after.item_times == (NOW, NOW)


def test_future_item_dates_count_as_now() -> None:
    after = after_success(FeedState(), now=NOW, item_times=[NOW + DAY])
    assert after.item_times == (NOW,)


def test_item_window_is_bounded() -> None:
    policy = PollPolicy(item_window=5)
    after = after_success(FeedState(), now=NOW, item_times=hourly(40), policy=policy)
    assert after.item_times == tuple(sorted(hourly(5)))


def test_backoff_doubles_with_equal_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    base = dt.timedelta(minutes=5)
    for errors in range(1, 12):
        ceiling = min(base * 2 ** (errors - 1), DEFAULT_POLICY.backoff_max)
        delay = backoff_delay(errors, base=base, rng=rng)
        assert ceiling / 2 <= delay <= ceiling


def test_backoff_is_deterministic_for_a_seed_and_spreads_feeds() -> None:
    state = polled_before(interval=dt.timedelta(minutes=5))
    first = [
        after_failure(state, now=NOW, status=500, reason="HTTP 500", rng=random.Random(seed))
        for seed in range(20)
    ]
    again = [
        after_failure(state, now=NOW, status=500, reason="HTTP 500", rng=random.Random(seed))
        for seed in range(20)
    ]
    assert [s.next_poll_at for s in first] == [s.next_poll_at for s in again]
    assert len({s.next_poll_at for s in first}) == 20


def test_failure_never_polls_sooner_than_half_the_normal_interval() -> None:
    state = polled_before(interval=12 * HOUR)
    after = after_failure(state, now=NOW, status=None, reason="timeout", rng=random.Random(1))
    assert after.next_poll_at is not None
    assert after.next_poll_at - NOW >= 6 * HOUR


def test_failure_keeps_validators_and_records_the_reason() -> None:
    state = polled_before(etag='"a"', last_modified="LM")
    after = after_failure(
        state, now=NOW, status=None, reason="connection refused", rng=random.Random(1)
    )
    assert (after.etag, after.last_modified) == ('"a"', "LM")
    assert after.consecutive_errors == 1
    assert after.last_status is None
    assert after.last_error == "connection refused"
    assert after.last_success_at == NOW - HOUR
    assert after.last_attempt_at == NOW


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_on_429_and_503(status: int) -> None:
    state = polled_before(interval=dt.timedelta(minutes=5))
    after = after_failure(
        state,
        now=NOW,
        status=status,
        reason=f"HTTP {status}",
        retry_after=3 * HOUR,
        rng=random.Random(1),
    )
    assert after.next_poll_at is not None
    assert after.next_poll_at >= NOW + 3 * HOUR


def test_retry_after_is_ignored_on_other_statuses() -> None:
    state = polled_before(interval=dt.timedelta(minutes=5))
    after = after_failure(
        state, now=NOW, status=500, reason="HTTP 500", retry_after=3 * HOUR, rng=random.Random(1)
    )
    assert after.next_poll_at is not None
    assert after.next_poll_at <= NOW + dt.timedelta(minutes=5)


def test_absurd_retry_after_is_clamped() -> None:
    after = after_failure(
        polled_before(),
        now=NOW,
        status=429,
        reason="HTTP 429",
        retry_after=dt.timedelta(days=36500),
        rng=random.Random(1),
    )
    assert after.next_poll_at == NOW + DEFAULT_POLICY.max_retry_after


def test_feed_pauses_after_consecutive_failures_with_the_reason() -> None:
    state = polled_before()
    rng = random.Random(3)
    for _ in range(DEFAULT_POLICY.pause_after - 1):
        state = after_failure(state, now=NOW, status=500, reason="HTTP 500", rng=rng)
        assert not state.paused
    state = after_failure(state, now=NOW, status=502, reason="HTTP 502", rng=rng)
    assert state.paused
    assert state.paused_reason == "paused after 10 consecutive failures; last: HTTP 502"
    assert state.next_poll_at is None
    assert not is_due(state, now=NOW + 30 * DAY)
    resumed = resume(state, now=NOW + DAY)
    assert is_due(resumed, now=NOW + DAY)
    assert resumed.consecutive_errors == 0


def test_gone_pauses_at_once() -> None:
    after = after_failure(
        polled_before(), now=NOW, status=410, reason="HTTP 410", rng=random.Random()
    )
    assert after.paused_reason is not None
    assert after.paused_reason.startswith("410 Gone")


def test_success_clears_a_pause() -> None:
    state = polled_before(paused_reason="paused after 10 consecutive failures; last: HTTP 500")
    assert not after_success(state, now=NOW).paused


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("max-age=300", dt.timedelta(seconds=300)),
        ("public, MAX-AGE=60, must-revalidate", dt.timedelta(seconds=60)),
        ('max-age="120"', dt.timedelta(seconds=120)),
        ("s-maxage=600", None),
        ("no-cache", None),
        ("max-age=0", None),
        ("max-age=abc", None),
        ("", None),
        (None, None),
    ],
)
def test_max_age_from_cache_control(header: str | None, expected: dt.timedelta | None) -> None:
    assert max_age_from_cache_control(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", dt.timedelta(seconds=120)),
        (" 0 ", dt.timedelta(0)),
        ("Tue, 01 Dec 2026 13:00:00 GMT", HOUR),
        ("Tue, 01 Dec 2026 11:00:00 GMT", dt.timedelta(0)),  # already past
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_delay(header: str | None, expected: dt.timedelta | None) -> None:
    assert retry_after_delay(header, now=NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("60", HOUR), (15, dt.timedelta(minutes=15)), ("0", None), ("x", None), (None, None)],
)
def test_ttl_from_rss(value: str | int | None, expected: dt.timedelta | None) -> None:
    assert ttl_from_rss(value) == expected


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Example.COM:8443/feed", "example.com"),
        ("http://example.com./rss", "example.com"),
        ("http://127.0.0.2:9000/x", "127.0.0.2"),
        ("http://[::1]:80/", "::1"),
    ],
)
def test_host_key(url: str, host: str) -> None:
    assert host_key(url) == host


@pytest.mark.parametrize(
    ("last_start", "now", "expected"),
    [(None, 100.0, 0.0), (99.0, 100.0, 1.0), (98.0, 100.0, 0.0), (90.0, 100.0, 0.0)],
)
def test_delay_before_request(last_start: float | None, now: float, expected: float) -> None:
    politeness = HostPoliteness(max_concurrency=2, min_delay=2.0)
    assert delay_before_request(last_start, now=now, politeness=politeness) == expected


@pytest.mark.parametrize(("concurrency", "delay"), [(0, 1.0), (2, -1.0)])
def test_politeness_rejects_nonsense(concurrency: int, delay: float) -> None:
    with pytest.raises(ValueError, match=r"max_concurrency|min_delay"):
        HostPoliteness(max_concurrency=concurrency, min_delay=delay)
