"""What ``publish`` reads from the store: every read-side port in one place.

Each page, feed, export and API module types its ``store`` argument against the
smallest port here; ``store.sql.SqlStore`` implements them all, and nothing in
``publish`` imports the store.  The ports nest: a page that needs more reads
asks for a wider port.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Protocol, Unpack

from newspulse.domain import EventSummary, Topic, Vertical
from newspulse.records import (
    ArticleFilters,
    ArticleRef,
    Correction,
    EventDetail,
    EventFilters,
    SearchResults,
    SourceRecord,
    StoredVersion,
    VersionSummary,
)


class StampedStore(Protocol):
    """What the page cache reads (``page_cache``)."""

    def content_stamp(self) -> Hashable:
        """A value that changes whenever anything a briefing page shows may have changed."""
        ...


class SiteStore(Protocol):
    """What the site's home and vertical pages read."""

    def list_verticals(self) -> list[Vertical]: ...

    def list_topics(self) -> list[Topic]: ...

    def latest_briefing(self, topic_slug: str) -> dict[str, Any] | None:
        """The newest ``Briefing.to_json()`` document, or None before the first version."""
        ...


class FeedStore(SiteStore, Protocol):
    """What the Atom feeds (``atom``) read: the site's reads and the version summaries."""

    def list_versions(
        self, topic: str, *, limit: int | None = None, offset: int = 0
    ) -> list[VersionSummary]: ...


class PageStore(FeedStore, StampedStore, Protocol):
    """What the briefing's own pages read beyond ``SiteStore``."""

    def latest_version(self, topic: str) -> StoredVersion | None: ...

    def get_version(self, topic: str, version: int) -> StoredVersion | None: ...

    def list_corrections(self, topic: str) -> list[Correction]: ...

    def citation_passages(self, version_id: int) -> dict[tuple[str, str], str]: ...

    def article_copies(self, uids: Iterable[str]) -> dict[str, list[ArticleRef]]: ...

    def get_event(self, event_id: int) -> EventDetail | None: ...

    def article_texts(self, ids: Iterable[int]) -> dict[int, str]:
        """Article bodies by id (an event page's evidence for its name chips)."""
        ...

    def event_successor(self, event_id: int) -> int | None: ...

    def list_sources(self, *, kinds: Sequence[str] = ("feed", "site")) -> list[SourceRecord]: ...

    def search(
        self,
        query: str,
        *,
        kind: str | None = None,
        limit: int = 20,
        offset: int = 0,
        **filters: Unpack[ArticleFilters],
    ) -> SearchResults: ...


class IndexStore(PageStore, Protocol):
    """What the static search index (``site_search``) reads beyond the pages."""

    def list_articles(self, *, limit: int = 50, offset: int = 0) -> list[ArticleRef]: ...


class ExportStore(IndexStore, Protocol):
    """What an export reads: the pages' port and the static search index's articles, plus
    the events listing behind event pages."""

    def list_events(self, *, limit: int = 50, offset: int = 0) -> list[EventSummary]: ...


class ApiStore(PageStore, Protocol):
    """What the JSON API reads (``api``, ``api_records``)."""

    def count_versions(self, topic: str) -> int: ...

    def list_events(
        self, *, limit: int = 50, offset: int = 0, **filters: Unpack[EventFilters]
    ) -> list[EventSummary]: ...

    def count_events(self, **filters: Unpack[EventFilters]) -> int: ...

    def get_article(self, article_id: int) -> ArticleRef | None: ...

    def list_articles(
        self, *, limit: int = 50, offset: int = 0, **filters: Unpack[ArticleFilters]
    ) -> list[ArticleRef]: ...

    def count_articles(self, **filters: Unpack[ArticleFilters]) -> int: ...


class AppStore(ApiStore, Protocol):
    """Everything the app reads: the API's port and the pages' port."""
