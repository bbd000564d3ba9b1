"""The one place that bounds every date and number NewsPulse takes from outside.

Feeds, headers, corpus lines and query strings are written by strangers: a year-1
date or a 17-digit ``<ttl>`` is valid syntax, yet ``published_at - timedelta(days=90)``
or ``timedelta(minutes=10**17)`` overflow, and one such value used to stop clustering
or polling for every source.  Everything read from outside passes through here
first, so the rest of the engine can do arithmetic on what it holds.

Dates outside ``[EARLIEST, LATEST]`` are *unknown* (None), never clamped: a clamped
date would look like a real one.  Numbers are clamped to a documented ceiling, since
"a very long TTL" keeps its meaning at the ceiling.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

#: Before the web there were no feeds; an earlier date is a placeholder (often 1970-01-01).
EARLIEST: Final = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
#: Far enough for any real schedule, far enough from ``datetime.max`` for any window.
LATEST: Final = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
#: The longest delay a publisher may ask for (TTL, max-age, Retry-After): a year.
MAX_DELAY: Final = dt.timedelta(days=366)
#: The longest time window arithmetic is done with (clustering, briefings): ten years.
MAX_WINDOW: Final = dt.timedelta(days=3660)
#: Digits read from a number before it is taken as "huge" (int() refuses > 4300 digits).
_MAX_DIGITS: Final = 18


def utc_moment(moment: dt.datetime) -> dt.datetime | None:
    """``moment`` in UTC (naive means UTC), or None when it lies outside the accepted range."""
    try:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        utc = aware.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return utc if EARLIEST <= utc < LATEST else None


def bounded_moment(moment: dt.datetime | None) -> dt.datetime | None:
    """``utc_moment`` that passes None through: the guard ingest applies to every date."""
    return utc_moment(moment) if moment is not None else None


def ascii_int(text: object) -> int | None:
    """A non-negative decimal integer written in ASCII digits, capped near 10**18; else None.

    ``str.isdigit`` accepts "²" and "٣", which ``int`` then refuses or reads as another
    number; a header or page number of 5,000 digits is "huge", not an error.
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if text >= 0 else None
    if not isinstance(text, str):
        return None
    digits = text.strip()
    if not digits or not digits.isascii() or not digits.isdecimal():
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        return 10**_MAX_DIGITS
    return int(digits)


def bounded_int(text: object, *, low: int, high: int) -> int | None:
    """An ASCII integer clamped into ``[low, high]``; None when absent or not a number."""
    value = ascii_int(text)
    if value is None:
        return None
    return min(max(value, low), high)


def bounded_delay(
    amount: object, *, unit: dt.timedelta, cap: dt.timedelta = MAX_DELAY
) -> dt.timedelta | None:
    """``amount`` units (minutes of a TTL, seconds of max-age) as a delay of at most ``cap``.

    Zero or unreadable is None: the publisher gave no usable hint.
    """
    value = ascii_int(amount)
    if not value:
        return None
    limit = cap // unit
    return unit * min(value, limit)


def window_start(moment: dt.datetime, window: dt.timedelta) -> dt.datetime:
    """``moment - window`` that cannot overflow, for dates stored before ingest was bounded.

    A store may still hold a year-1 date written by an older version; its window
    starts at ``EARLIEST - window`` instead of failing for every later article.
    """
    return max(moment, EARLIEST) - min(window, MAX_WINDOW)
