"""Records the store hands to stages, and the small helpers that build them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from newspulse.domain import DatedEntry


def as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An entry the dedup stage accepted, ready to insert."""

    dated: DatedEntry
    uid: str
    content_hash: str
    # A copy links to its first-seen original: ``duplicate_of`` when the original is
    # already stored, ``duplicate_of_uid`` when it arrives in the same batch (the store
    # resolves it inside the insert transaction).
    duplicate_of: int | None = None
    duplicate_of_uid: str | None = None
    near_signature: bytes | None = None

    @property
    def is_copy(self) -> bool:
        return self.duplicate_of is not None or self.duplicate_of_uid is not None


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One stored briefing version of a topic, with its whole document."""

    id: int
    topic: str
    version: int
    created_at: dt.datetime
    fingerprint: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """A version as the history lists it: when, what it said first, and what changed."""

    topic: str
    version: int
    created_at: dt.datetime
    headline: str
    writer: str
    diff: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A feed or site as stored, with its polling state and health."""

    id: int
    url: str
    kind: str  # "feed" | "site" | "corpus"
    name: str
    homepage: str | None
    vertical_hints: tuple[str, ...]
    etag: str | None
    last_modified: str | None
    last_status: int | None
    last_error: str | None
    last_success_at: dt.datetime | None
    consecutive_errors: int
    next_poll_at: dt.datetime | None
    paused_reason: str | None
    items_seen: int
    created_at: dt.datetime
    schedule: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SourcePollState:
    """What one poll changes on a source (the scheduler decides it, the store saves it)."""

    etag: str | None
    last_modified: str | None
    last_status: int | None
    last_error: str | None
    last_success_at: dt.datetime | None
    consecutive_errors: int
    next_poll_at: dt.datetime | None
    paused_reason: str | None
    schedule: dict[str, Any] | None = None
