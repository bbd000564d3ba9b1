"""Plain records the store exchanges with the stages and with ``publish``.

They are domain data, not persistence: a stage or a page builds and reads them
without importing the store, and the store (one implementation of the ports in
``pipeline.ports`` and ``publish.ports``) fills them from rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

from newspulse.domain import DatedEntry, Entry
from newspulse.errors import NewsPulseError

# What ``search`` can look for: articles or events.
SEARCH_KINDS = ("article", "event")


class SearchQueryError(NewsPulseError):
    """A search query cannot be understood (unbalanced quotes, nothing to find, too long)."""


class EventFilters(TypedDict, total=False):
    """Keyword filters of ``list_events``/``count_events``: events with a member routed to
    ``topic`` and active at some time within [``since``, ``until``]; a missing or None key
    filters nothing."""

    topic: str | None
    since: dt.datetime | None
    until: dt.datetime | None


class ArticleFilters(EventFilters, total=False):
    """Keyword filters of ``list_articles``/``count_articles`` and ``search``: articles routed
    to ``topic`` or ``vertical``, from ``source``, published within [``since``, ``until``]."""

    vertical: str | None
    source: str | None


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


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article as pages and the API show it: no body, where it came from and when.

    ``duplicate_of`` names the original of a syndicated copy; ``event_id`` is the event
    the article (or, for a copy, its original) belongs to, if clustered.
    """

    id: int
    title: str
    url: str
    source: str
    published: dt.datetime
    duplicate_of: int | None = None
    event_id: int | None = None
    date_estimated: bool = False
    summary: str = ""
    # The language read from its words (text.language); None until enrich read them.
    language: str | None = None


@dataclass(frozen=True, slots=True)
class EventDetail:
    """One story with every article about it (copies included), its facts and its topics."""

    id: int
    label: str
    facts: tuple[str, ...]
    first_seen: dt.datetime
    last_seen: dt.datetime
    articles: tuple[ArticleRef, ...]
    topics: tuple[str, ...]

    @property
    def originals(self) -> tuple[ArticleRef, ...]:
        return tuple(a for a in self.articles if a.duplicate_of is None)

    @property
    def source_count(self) -> int:
        return len({a.source for a in self.articles})


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result; ``snippet`` is plain text and ``highlights`` are the (start, end)
    character spans in it that matched, so every reader escapes the text itself."""

    kind: str  # "article" | "event"
    id: int
    title: str
    snippet: str
    published: dt.datetime
    url: str | None
    source: str | None
    score: float
    highlights: tuple[tuple[int, int], ...] = ()
    # The event the article belongs to (an event hit: its own id); None when unclustered.
    event_id: int | None = None


@dataclass(frozen=True, slots=True)
class SearchResults:
    total: int
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True, slots=True)
class Correction:
    """An operator's correction to a topic; ``article_id`` names an article to stop citing."""

    id: int
    topic: str
    text: str
    created_at: dt.datetime
    article_id: int | None = None


@dataclass(frozen=True, slots=True)
class PendingFetch:
    """One stored feed item whose page is still to fetch (the fetch step's unit)."""

    id: int
    url: str
    source_id: int | None
    host: str
    entry: Entry
    attempts: int
    last_error: str | None
