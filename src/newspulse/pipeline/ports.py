"""What each step needs from the store: one port (a ``typing.Protocol``) per step.

Steps type against these, never against ``store.sql.SqlStore`` (which implements them
all), so a step's reads and writes are listed in one place and a test or another
store can stand in for one step.  The ``pending_*`` and ``due_sources`` methods are
where a step finds its work: the claim hook of ``pipeline.steps``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from newspulse.domain import (
    Article,
    Enrichment,
    Entry,
    EventAssignment,
    EventSummary,
    LiveEvent,
    Topic,
    TopicMatch,
    Vector,
)
from newspulse.records import (
    Correction,
    NewArticle,
    PendingFetch,
    SourcePollState,
    SourceRecord,
    StoredVersion,
)


class IngestPort(Protocol):
    """Dedup against what is stored, then insert (``pipeline.ingest``)."""

    def find_exact(
        self, canonical_urls: Sequence[str], content_hashes: Sequence[str]
    ) -> tuple[dict[str, int], dict[str, int]]: ...

    def ensure_sources(
        self, names: Iterable[str], *, kind: str, now: dt.datetime
    ) -> dict[str, int]: ...

    def insert_articles(
        self, batch: Sequence[NewArticle], source_ids: dict[str, int]
    ) -> list[int]: ...

    def recent_signatures(self, since: dt.datetime) -> list[tuple[int, bytes]]: ...


class FetchPort(IngestPort, Protocol):
    """Feed items waiting for their page, claimed with a lease (``pipeline.fetch``)."""

    def reserve_host_start(self, host: str, delay: float) -> float: ...

    def add_pending_fetches(
        self, source_id: int | None, entries: Sequence[tuple[Entry, str]], now: dt.datetime
    ) -> int: ...

    def fetch_candidates(
        self, source_id: int, *, now: dt.datetime, worker: str
    ) -> list[PendingFetch]: ...

    def pending_fetches_by_ids(self, ids: Sequence[int]) -> list[PendingFetch]: ...

    def count_pending_fetches(self, source_id: int | None = None) -> int: ...

    def note_fetch_error(self, ids: Sequence[int], error: str) -> None: ...

    def finish_fetches(self, ids: Sequence[int]) -> None: ...

    def claim(
        self,
        step: str,
        *,
        worker: str,
        limit: int,
        lease: dt.timedelta,
        now: dt.datetime,
        source_id: int | None = None,
    ) -> list[int]: ...

    def claim_ids(
        self,
        step: str,
        ids: Sequence[int],
        *,
        worker: str,
        lease: dt.timedelta,
        now: dt.datetime,
        retake: bool = False,
    ) -> list[int]: ...

    def release(self, step: str, ids: Sequence[int], *, worker: str) -> None: ...


class PollPort(FetchPort, Protocol):
    """Due sources, their polling state, and the ingest of what they offered (``poll``)."""

    def due_sources(self, now: dt.datetime, *, limit: int = 10_000) -> list[SourceRecord]: ...

    def save_poll_state(
        self, source_id: int, state: SourcePollState, *, new_items: int
    ) -> None: ...

    def stored_urls(self, urls: Sequence[str]) -> set[str]: ...


class ModelPort(Protocol):
    """Which embedding models the stored vectors came from (never mix two)."""

    @property
    def url(self) -> str: ...

    def embedding_models(self) -> set[str]: ...


class LanguagePort(Protocol):
    """The enrich stage's language pass: rows (copies too) whose language is unread."""

    def pending_language(self, limit: int) -> list[Article]: ...

    def save_languages(self, languages: Mapping[int, str]) -> None: ...


class EnrichPort(ModelPort, LanguagePort, Protocol):
    def pending_enrichment(self, limit: int) -> list[Article]: ...

    def save_enrichments(self, enrichments: Sequence[Enrichment]) -> None: ...


class RoutePort(Protocol):
    def list_topics(self) -> list[Topic]: ...

    def pending_routing(self, limit: int) -> list[tuple[Article, Vector]]: ...

    def save_topic_matches(
        self, article_ids: Sequence[int], matches: Sequence[TopicMatch], now: dt.datetime
    ) -> None: ...


class ClusterPort(Protocol):
    """Events per vertical: each vertical's articles are clustered among its own events."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...

    def pending_clustering(
        self, limit: int, vertical: str | None = None
    ) -> list[tuple[Article, Vector]]: ...

    def pending_cluster_verticals(self) -> list[str]: ...

    def live_events(self, since: dt.datetime, vertical: str | None = None) -> list[LiveEvent]: ...

    def save_event_assignments(
        self,
        assignments: Sequence[EventAssignment],
        articles: dict[int, Article],
        new_events: dict[int, LiveEvent],
        changed_events: Sequence[LiveEvent],
        now: dt.datetime,
        vertical: str = ...,
    ) -> set[int]: ...

    def window_members(
        self, since: dt.datetime, events: Collection[int] | None = None
    ) -> dict[int, list[tuple[int, Vector, dt.datetime]]]: ...

    def window_summaries(
        self, since: dt.datetime, exclude: Collection[int] = (), vertical: str | None = None
    ) -> list[tuple[int, int, Vector]]: ...

    def event_member_ids(self, event_ids: Collection[int]) -> dict[int, list[int]]: ...

    def apply_regroups(
        self,
        regroups: Sequence[tuple[int | None, Sequence[int], Vector]],
        retired: Sequence[int],
        now: dt.datetime,
        vertical: str = ...,
    ) -> None: ...


class WritePort(ModelPort, Protocol):
    """A topic's events, corrections and versions (``pipeline.briefings``)."""

    def list_topics(self) -> list[Topic]: ...

    def list_corrections(self, topic: str) -> list[Correction]: ...

    def topic_events(
        self, topic: str, since: dt.datetime, until: dt.datetime | None = None
    ) -> list[EventSummary]: ...

    def latest_version(self, topic: str) -> StoredVersion | None: ...

    def articles_by_ids(self, ids: Iterable[int]) -> dict[int, Article]: ...

    def article_vectors(self, ids: Iterable[int]) -> dict[int, Vector]: ...

    def save_version(
        self,
        *,
        topic: str,
        document: dict[str, Any],
        fingerprint: str,
        settings: dict[str, Any],
        model: str | None = None,
        input_article_ids: Sequence[int],
        diff: dict[str, Any],
        citations: Sequence[tuple[str, int, str, float]],
        created_at: dt.datetime,
    ) -> int: ...


class PipelineStore(PollPort, EnrichPort, RoutePort, ClusterPort, WritePort, Protocol):
    """Every step's port, plus the counts a replay reports and the reset ``reembed`` does."""

    def counts(self) -> dict[str, int]: ...

    def reset_understanding(self) -> int: ...
