"""A source's polling state as the store keeps it, and back: ``FeedState`` (the pure
scheduler's view, ``sources.schedule``) to and from the stored columns and ``schedule`` JSON.

Stored values come from older versions and other processes, so reading them is lenient:
an unreadable or out-of-range time or interval is forgotten, never fatal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from newspulse.bounds import MAX_DELAY, utc_moment
from newspulse.records import SourcePollState, SourceRecord
from newspulse.sources.schedule import PAGES_REMEMBERED, FeedState


def feed_state(source: SourceRecord) -> FeedState:
    schedule: dict[str, Any] = source.schedule or {}
    default = FeedState()
    return FeedState(
        etag=source.etag,
        last_modified=source.last_modified,
        consecutive_errors=source.consecutive_errors,
        last_status=source.last_status,
        last_error=source.last_error,
        last_attempt_at=parse_time(schedule.get("last_attempt_at")),
        last_success_at=source.last_success_at,
        next_poll_at=source.next_poll_at,
        interval=seconds(schedule.get("interval")) or default.interval,
        paused_reason=source.paused_reason,
        item_times=tuple(t for t in map(parse_time, schedule.get("item_times", [])) if t),
        publish_interval=seconds(schedule.get("publish_interval")),
        publisher_min_interval=seconds(schedule.get("publisher_min_interval")),
        fetched_pages=tuple(
            url for url in schedule.get("fetched_pages", []) if isinstance(url, str)
        )[-PAGES_REMEMBERED:],
    )


def poll_state(state: FeedState) -> SourcePollState:
    schedule = {
        "last_attempt_at": state.last_attempt_at.isoformat() if state.last_attempt_at else None,
        "interval": state.interval.total_seconds(),
        "item_times": [moment.isoformat() for moment in state.item_times],
        "publish_interval": total_seconds(state.publish_interval),
        "publisher_min_interval": total_seconds(state.publisher_min_interval),
        "fetched_pages": list(state.fetched_pages),
    }
    return SourcePollState(
        etag=state.etag,
        last_modified=state.last_modified,
        last_status=state.last_status,
        last_error=state.last_error,
        last_success_at=state.last_success_at,
        consecutive_errors=state.consecutive_errors,
        next_poll_at=state.next_poll_at,
        paused_reason=state.paused_reason,
        schedule=schedule,
    )


def parse_time(value: object) -> dt.datetime | None:
    """A stored schedule time; an unreadable or out-of-range one is forgotten, not fatal."""
    if not isinstance(value, str):
        return None
    try:
        return utc_moment(dt.datetime.fromisoformat(value))
    except ValueError:
        return None


def seconds(value: object) -> dt.timedelta | None:
    """A stored interval, within ``bounds.MAX_DELAY`` (older stores may hold any number)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not value >= 0:
        return None
    return dt.timedelta(seconds=min(float(value), MAX_DELAY.total_seconds()))


def total_seconds(value: dt.timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None
