"""When to poll each feed next, and how politely to treat each host: pure decisions, no I/O.

Every function takes the feed's ``FeedState`` plus what the last poll observed and an
explicit ``now``, and returns a new state; randomness (backoff jitter) comes from an
injected ``random.Random``.  The poller stores the state with the feed and calls the
fetcher; tests are tables of inputs and outputs with no clock and no network.

Rules (``../shared/docs/stack.md`` §1 "Polite polling"; rachelbythebay's feed-reader rules):

1. After new content, the interval follows how often the feed really publishes: the
   mean time between publications among the last ``item_window`` items (items within
   ``min_interval`` of each other count once), measured up to ``now`` so a feed that went quiet
   slows down, divided by ``polls_per_item``; clamped to 5 min to 24 h.  Without
   dated items it shrinks after news and grows after an empty poll.
2. A publisher's own hints are a floor: RSS ``<ttl>`` (minutes) and ``Cache-Control:
   max-age`` (RFC 9111 §5.2.2.1) say how long the content stays fresh.
3. A 304 (RFC 9110 §15.4.5) is a success with nothing new.
4. Failures back off exponentially from the feed's normal interval, with "equal
   jitter" so feeds failing together do not retry together; ``Retry-After`` is honoured
   on 429 (RFC 6585 §4) and 503 (RFC 9110 §15.6.4); after ``pause_after`` failures in a
   row, or at once on 410 Gone (RFC 9110 §15.5.11), the feed is paused with the reason.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from newspulse.bounds import MAX_DELAY, bounded_delay, utc_moment

# RFC 9110 §15.6.4 / RFC 6585 §4: the statuses whose Retry-After means "come back later".
RETRY_AFTER_STATUSES = frozenset({429, 503})
GONE_STATUS = 410


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """Tunables of the polling schedule; the defaults follow stack.md §1."""

    min_interval: dt.timedelta = dt.timedelta(minutes=5)
    max_interval: dt.timedelta = dt.timedelta(hours=24)
    initial_interval: dt.timedelta = dt.timedelta(hours=1)
    # Poll this many times per expected new item, so a new item waits on average
    # a quarter of its publishing gap before we see it.
    polls_per_item: float = 2.0
    item_window: int = 32
    # Without item dates: the interval grows after an empty poll and shrinks after news.
    grow_factor: float = 1.5
    shrink_factor: float = 0.5
    backoff_max: dt.timedelta = dt.timedelta(hours=24)
    # Share of each backoff drawn at random: 0.5 = "equal jitter" (half fixed, half random).
    jitter: float = 0.5
    pause_after: int = 10
    # A Retry-After further out than this is clamped (a date in 2099 must not overflow).
    max_retry_after: dt.timedelta = dt.timedelta(days=7)


DEFAULT_POLICY = PollPolicy()


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the scheduler remembers about one feed between polls (all times UTC-aware)."""

    etag: str | None = None
    last_modified: str | None = None
    consecutive_errors: int = 0
    last_status: int | None = None
    last_error: str | None = None
    last_attempt_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
    # None: poll as soon as possible (a new feed).
    next_poll_at: dt.datetime | None = None
    interval: dt.timedelta = DEFAULT_POLICY.initial_interval
    paused_reason: str | None = None
    # Publish times of the most recent items, oldest first (at most PollPolicy.item_window).
    item_times: tuple[dt.datetime, ...] = ()
    # Estimated time between new items, from item_times; None until items were seen.
    publish_interval: dt.timedelta | None = None
    # The publisher's freshness hint (<ttl> or Cache-Control max-age): never poll sooner.
    publisher_min_interval: dt.timedelta | None = None
    # Item pages already fetched (newest last, at most PAGES_REMEMBERED): a page whose
    # article was a duplicate is stored under no URL, and must not be fetched every poll.
    fetched_pages: tuple[str, ...] = ()

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None


@dataclass(frozen=True, slots=True)
class HostPoliteness:
    """Limits per host: at most ``max_concurrency`` requests in flight and at least
    ``min_delay`` seconds between the starts of two requests (stack.md §1: ≤2
    connections per host).

    Data only: the poller hands the numbers to the fetcher
    (``Fetcher(max_per_host=p.max_concurrency, min_delay=p.min_delay)``), which
    enforces them; ``delay_before_request`` is the same rule for a scheduler that
    spreads work over several fetchers.
    """

    max_concurrency: int = 2
    min_delay: float = 1.0

    def __post_init__(self) -> None:
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if self.min_delay < 0:
            raise ValueError("min_delay must not be negative")


PAGES_REMEMBERED = 2000


def remember_pages(state: FeedState, urls: Sequence[str]) -> FeedState:
    """``state`` that remembers ``urls`` as fetched, forgetting the oldest beyond the limit."""
    if not urls:
        return state
    kept = [url for url in state.fetched_pages if url not in set(urls)]
    return replace(state, fetched_pages=tuple([*kept, *urls][-PAGES_REMEMBERED:]))


def is_due(state: FeedState, *, now: dt.datetime) -> bool:
    """Whether the feed should be polled at ``now`` (never while paused)."""
    if state.paused:
        return False
    return state.next_poll_at is None or state.next_poll_at <= now


def after_success(
    state: FeedState,
    *,
    now: dt.datetime,
    new_items: int = 0,
    item_times: Sequence[dt.datetime] = (),
    ttl: dt.timedelta | None = None,
    cache_control_max_age: dt.timedelta | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    status: int = 200,
    policy: PollPolicy = DEFAULT_POLICY,
) -> FeedState:
    """The state after a poll that returned content.

    ``item_times`` are the publish times of the items first seen in this poll;
    ``new_items`` counts those items, dated or not (undated ones count as published
    ``now``, except on the first poll, when every item is new).
    ``etag``/``last_modified`` are the response's validators (RFC 9110 §8.8), stored for
    the next conditional GET.
    """
    first_poll = state.last_success_at is None
    # On a first poll every item is "new", so undated ones say nothing about the rate.
    observed = _new_item_times(item_times, new_items=0 if first_poll else new_items, now=now)
    times = _merge_item_times(state.item_times, observed, window=policy.item_window)
    publish_interval = estimate_publish_interval(times, now=now, resolution=policy.min_interval)
    floor = _publisher_floor(ttl, cache_control_max_age)
    if first_poll:
        fallback = 1.0
    else:
        fallback = policy.shrink_factor if observed or new_items else policy.grow_factor
    interval = _next_interval(
        state.interval,
        publish_interval=publish_interval,
        fallback_factor=fallback,
        publisher_min_interval=floor,
        policy=policy,
    )
    return replace(
        state,
        etag=etag,
        last_modified=last_modified,
        consecutive_errors=0,
        last_status=status,
        last_error=None,
        last_attempt_at=now,
        last_success_at=now,
        next_poll_at=now + interval,
        interval=interval,
        paused_reason=None,
        item_times=times,
        publish_interval=publish_interval,
        publisher_min_interval=floor,
    )


def after_not_modified(
    state: FeedState,
    *,
    now: dt.datetime,
    cache_control_max_age: dt.timedelta | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    policy: PollPolicy = DEFAULT_POLICY,
) -> FeedState:
    """The state after a 304 Not Modified: a success with nothing new.

    A 304 carries the validators and Cache-Control the 200 would have had, and they
    replace the stored ones (RFC 9110 §15.4.5, RFC 9111 §4.3.4); absent ones are kept.
    """
    publish_interval = estimate_publish_interval(
        state.item_times, now=now, resolution=policy.min_interval
    )
    floor = (
        cache_control_max_age if cache_control_max_age is not None else state.publisher_min_interval
    )
    interval = _next_interval(
        state.interval,
        publish_interval=publish_interval,
        fallback_factor=policy.grow_factor,
        publisher_min_interval=floor,
        policy=policy,
    )
    return replace(
        state,
        etag=etag if etag is not None else state.etag,
        last_modified=last_modified if last_modified is not None else state.last_modified,
        consecutive_errors=0,
        last_status=304,
        last_error=None,
        last_attempt_at=now,
        last_success_at=now,
        next_poll_at=now + interval,
        interval=interval,
        paused_reason=None,
        publish_interval=publish_interval,
        publisher_min_interval=floor,
    )


def after_failure(
    state: FeedState,
    *,
    now: dt.datetime,
    status: int | None,
    reason: str,
    retry_after: dt.timedelta | None = None,
    rng: random.Random,
    policy: PollPolicy = DEFAULT_POLICY,
) -> FeedState:
    """The state after a failed poll: an HTTP error ``status``, or None for a network
    error (timeout, refused, too large, blocked address); ``reason`` is shown to users.

    Validators are kept: the stored copy is still the one they describe.
    """
    errors = state.consecutive_errors + 1
    paused_reason = _pause_reason(errors, status=status, reason=reason, policy=policy)
    delay = backoff_delay(
        errors, base=max(state.interval, policy.min_interval), rng=rng, policy=policy
    )
    if status in RETRY_AFTER_STATUSES and retry_after is not None:
        delay = max(delay, min(retry_after, policy.max_retry_after))
    return replace(
        state,
        consecutive_errors=errors,
        last_status=status,
        last_error=reason,
        last_attempt_at=now,
        next_poll_at=None if paused_reason else now + delay,
        paused_reason=paused_reason,
    )


def resume(state: FeedState, *, now: dt.datetime) -> FeedState:
    """Un-pause a feed (a user asked to retry it): poll at ``now`` with a clean error count."""
    return replace(state, paused_reason=None, consecutive_errors=0, next_poll_at=now)


def backoff_delay(
    errors: int, *, base: dt.timedelta, rng: random.Random, policy: PollPolicy = DEFAULT_POLICY
) -> dt.timedelta:
    """Exponential backoff after ``errors`` failures in a row, with equal jitter.

    The un-jittered delay is ``base * 2**(errors-1)`` capped at ``policy.backoff_max``;
    the result lies in ``[(1 - jitter) * delay, delay]`` (AWS Architecture Blog,
    "Exponential Backoff And Jitter", 2015).
    """
    exponent = min(max(errors - 1, 0), 32)
    ceiling = min(base * (1 << exponent), policy.backoff_max)
    fixed = ceiling * (1 - policy.jitter)
    return fixed + (ceiling - fixed) * rng.random()


def estimate_publish_interval(
    item_times: Sequence[dt.datetime],
    *,
    now: dt.datetime,
    resolution: dt.timedelta = DEFAULT_POLICY.min_interval,
) -> dt.timedelta | None:
    """Mean time between publications over the window that ends ``now``, or None.

    Items published within ``resolution`` of a publication's first item count as that
    publication, since polling faster than that could not tell them apart: a daily
    digest of 30 items is one publication a day, not one every 48 minutes.  Measuring to ``now``
    rather than to the newest item makes a feed that stopped publishing look slower
    with every empty poll.
    """
    if not item_times:
        return None
    ordered = sorted(item_times)
    publications = 1
    started = ordered[0]
    for when in ordered[1:]:
        if when - started > resolution:
            publications += 1
            started = when
    span = now - ordered[0]
    return max(span, dt.timedelta(0)) / publications


def host_key(url: str) -> str:
    """The host politeness limits apply to: the lower-cased host name, without port or final dot."""
    host = urlsplit(url).hostname or ""
    return host.rstrip(".").lower()


def delay_before_request(
    last_start: float | None, *, now: float, politeness: HostPoliteness
) -> float:
    """Seconds to wait before the next request to a host whose last request started at
    ``last_start`` (monotonic seconds; None: never), so starts are ``min_delay`` apart."""
    if last_start is None:
        return 0.0
    return max(0.0, last_start + politeness.min_delay - now)


def ttl_from_rss(value: str | int | None) -> dt.timedelta | None:
    """RSS 2.0 ``<ttl>``: minutes the channel may be cached; None when absent or invalid."""
    return bounded_delay(value, unit=dt.timedelta(minutes=1))


_MAX_AGE = re.compile(r'(?:^|,)\s*max-age\s*=\s*"?([0-9]+)"?\s*(?:,|$)', re.IGNORECASE)


def max_age_from_cache_control(value: str | None) -> dt.timedelta | None:
    """``max-age`` of a Cache-Control header (RFC 9111 §5.2.2.1), or None.

    Directive names are case-insensitive and a quoted argument is accepted (RFC 9111
    §5.2).  ``no-cache``/``no-store`` say nothing about how often to poll, so they are
    ignored here.
    """
    if not value:
        return None
    match = _MAX_AGE.search(value)
    if match is None:
        return None
    return bounded_delay(match.group(1), unit=dt.timedelta(seconds=1))


def retry_after_delay(value: str | None, *, now: dt.datetime) -> dt.timedelta | None:
    """The delay a Retry-After header asks for (RFC 9110 §10.2.3): delay-seconds or an
    HTTP-date; None when absent or unparseable, zero for a date in the past."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdecimal():
        return bounded_delay(text, unit=dt.timedelta(seconds=1)) or dt.timedelta(0)
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # RFC 9110 §5.6.7: HTTP-dates are always GMT (utc_moment reads naive as UTC).
    when = utc_moment(parsed)
    if when is None:
        return None
    return min(max(when - now, dt.timedelta(0)), MAX_DELAY)


def _new_item_times(
    item_times: Sequence[dt.datetime], *, new_items: int, now: dt.datetime
) -> list[dt.datetime]:
    """Times of the newly seen items; future dates and undated items count as ``now``."""
    times = [min(when, now) for when in item_times]
    times.extend([now] * max(new_items - len(times), 0))
    return times


def _merge_item_times(
    kept: Iterable[dt.datetime], observed: Iterable[dt.datetime], *, window: int
) -> tuple[dt.datetime, ...]:
    merged = sorted([*kept, *observed])
    return tuple(merged[-window:]) if window > 0 else ()


def _publisher_floor(ttl: dt.timedelta | None, max_age: dt.timedelta | None) -> dt.timedelta | None:
    hints = [hint for hint in (ttl, max_age) if hint is not None]
    return max(hints) if hints else None


def _next_interval(
    current: dt.timedelta,
    *,
    publish_interval: dt.timedelta | None,
    fallback_factor: float,
    publisher_min_interval: dt.timedelta | None,
    policy: PollPolicy,
) -> dt.timedelta:
    """Interval from the publishing rate; without one, ``current * fallback_factor``."""
    if publish_interval is not None:
        interval = publish_interval / policy.polls_per_item
    else:
        interval = current * fallback_factor
    if publisher_min_interval is not None:
        interval = max(interval, publisher_min_interval)
    return min(max(interval, policy.min_interval), policy.max_interval)


def _pause_reason(
    errors: int, *, status: int | None, reason: str, policy: PollPolicy
) -> str | None:
    if status == GONE_STATUS:
        # RFC 9110 §15.5.11: 410 is the publisher saying the feed is gone for good.
        return f"410 Gone: the publisher removed this feed ({reason})"
    if errors >= policy.pause_after:
        return f"paused after {errors} consecutive failures; last: {reason}"
    return None
