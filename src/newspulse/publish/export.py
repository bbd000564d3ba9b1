"""Static export: the whole site written to a folder by the same render functions ``app`` serves.

``export_site`` works in three steps:

1. read the store through a ``SnapshotStore``, so every page of one export shows the same
   briefing version even while the pipeline writes a new one;
2. render every page, the stylesheet, the scripts and the API documents in memory
   (nothing is written when a page fails): home, verticals, and per topic its page, source
   list, history and every version's permalink; then the site-wide search page (answered
   in the browser from ``search/index.json``), the operators' sources page, and a page for
   every event of the store and every event a page links to;
3. write the files: ``index.html`` in each page's folder (see ``site``), ``static/``, and the
   API as ``api/v1/topics.json`` and ``api/v1/topics/<slug>.json``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from newspulse.domain import EventSummary, Topic, Vertical
from newspulse.errors import PublishError
from newspulse.publish import atom, site, site_pages, site_search
from newspulse.publish.api import encode_json, topic_index
from newspulse.publish.ports import ExportStore
from newspulse.records import (
    ArticleRef,
    Correction,
    EventDetail,
    SearchResults,
    SourceRecord,
    StoredVersion,
    VersionSummary,
)

# Top-level folders of the export that a vertical's folder must not replace.
RESERVED_VERTICAL_SLUGS = frozenset({"api", "static", "events", "search", "sources"})
PAGE_FILE = "index.html"
EVENT_LINK = re.compile(r'href="(?:\.\./)*events/(\d+)/"')
EVENT_BATCH = 500


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What one export wrote: HTML pages, and all files (pages, assets, API documents)."""

    pages: int
    files: int


class SnapshotStore:
    """An ``ExportStore`` that reads each topic's current version once and then remembers it;
    histories stop at that version, so no page shows a version newer than the briefing."""

    def __init__(self, store: ExportStore) -> None:
        self._store = store
        self._verticals: list[Vertical] | None = None
        self._topics: list[Topic] | None = None
        self._latest: dict[str, StoredVersion | None] = {}

    def list_verticals(self) -> list[Vertical]:
        if self._verticals is None:
            self._verticals = self._store.list_verticals()
        return list(self._verticals)

    def list_topics(self) -> list[Topic]:
        if self._topics is None:
            self._topics = self._store.list_topics()
        return list(self._topics)

    def latest_version(self, topic: str) -> StoredVersion | None:
        if topic not in self._latest:
            self._latest[topic] = self._store.latest_version(topic)
        return self._latest[topic]

    def latest_briefing(self, topic_slug: str) -> dict[str, Any] | None:
        version = self.latest_version(topic_slug)
        return version.document if version is not None else None

    def _newest(self, topic: str) -> int:
        version = self.latest_version(topic)
        return version.version if version is not None else 0

    def get_version(self, topic: str, version: int) -> StoredVersion | None:
        newest = self._newest(topic)
        if version > newest:
            return None
        if version == newest:
            return self.latest_version(topic)
        return self._store.get_version(topic, version)

    def list_versions(
        self, topic: str, *, limit: int | None = None, offset: int = 0
    ) -> list[VersionSummary]:
        newest = self._newest(topic)
        found = self._store.list_versions(topic, limit=None, offset=0)
        kept = [summary for summary in found if summary.version <= newest][offset:]
        return kept[:limit] if limit is not None else kept

    def list_corrections(self, topic: str) -> list[Correction]:
        return self._store.list_corrections(topic)

    def content_stamp(self) -> Hashable:
        return self._store.content_stamp()

    def citation_passages(self, version_id: int) -> dict[tuple[str, str], str]:
        return self._store.citation_passages(version_id)

    def article_copies(self, uids: Iterable[str]) -> dict[str, list[ArticleRef]]:
        return self._store.article_copies(uids)

    def get_event(self, event_id: int) -> EventDetail | None:
        return self._store.get_event(event_id)

    def article_texts(self, ids: Iterable[int]) -> dict[int, str]:
        return self._store.article_texts(ids)

    def event_successor(self, event_id: int) -> int | None:
        return self._store.event_successor(event_id)

    def list_sources(self, *, kinds: Sequence[str] = ("feed", "site")) -> list[SourceRecord]:
        return self._store.list_sources(kinds=kinds)

    def search(self, query: str, **filters: Any) -> SearchResults:
        return self._store.search(query, **filters)

    def list_events(self, *, limit: int = 50, offset: int = 0) -> list[EventSummary]:
        return self._store.list_events(limit=limit, offset=offset)

    def list_articles(self, *, limit: int = 50, offset: int = 0) -> list[ArticleRef]:
        return self._store.list_articles(limit=limit, offset=offset)


def export_site(
    store: ExportStore,
    out_dir: Path,
    *,
    now: dt.datetime,
    base_url: str = atom.DEFAULT_BASE_URL,
    operator_pages: bool = False,
) -> ExportReport:
    """Write the site to ``out_dir`` (created if missing; files already there are replaced);
    the Atom feeds' links are absolute under ``base_url``, the site's public address.

    The operators' sources page is written only with ``operator_pages`` (an admin token
    is configured): a static export has no way to ask for the token.
    """
    snapshot = SnapshotStore(store)
    files = render_site_files(snapshot, now=now, operator_pages=operator_pages)
    files.update(
        atom.feed_files(snapshot, snapshot.list_verticals(), topics_of(snapshot), base_url=base_url)
    )
    for relative_path, content in files.items():
        write_file(out_dir / relative_path, content)
    pages = sum(1 for relative_path in files if relative_path.endswith(".html"))
    return ExportReport(pages=pages, files=len(files))


def render_site_files(
    store: SnapshotStore, *, now: dt.datetime, operator_pages: bool = False
) -> dict[str, bytes]:
    """Every file of the export by its path relative to the export folder."""
    verticals = store.list_verticals()
    known = {vertical.slug for vertical in verticals}
    topics = [topic for topic in store.list_topics() if topic.vertical in known]
    check_slugs(verticals, topics)
    files = {PAGE_FILE: site.render_home(store, now=now).encode()}
    for vertical in verticals:
        html = site.render_vertical(store, vertical.slug, now=now)
        files[f"{vertical.slug}/{PAGE_FILE}"] = html.encode()
    for topic in topics:
        files.update(topic_files(store, topic, now=now))
    files[f"search/{PAGE_FILE}"] = site_search.render_static_search(store, now=now).encode()
    if operator_pages:
        files[f"sources/{PAGE_FILE}"] = site_search.render_health(store, now=now).encode()
    exported, present = event_files(store, files, now=now)
    files.update(exported)
    index = site_search.search_index(store, root_events=present)
    files["search/index.json"] = encode_json(index)
    files["api/v1/topics.json"] = encode_json(topic_index(store))
    files.update(read_static_files())
    return files


def topic_files(store: SnapshotStore, topic: Topic, *, now: dt.datetime) -> dict[str, bytes]:
    """A topic's page, source list, history and the permalink of every version."""
    folder = f"{topic.vertical}/{topic.slug}"
    vertical = topic.vertical
    files = {
        f"{folder}/{PAGE_FILE}": site.render_topic(store, vertical, topic.slug, now=now),
        f"{folder}/sources/{PAGE_FILE}": site.render_topic_sources(
            store, vertical, topic.slug, now=now
        ),
        f"{folder}/history/{PAGE_FILE}": site_pages.render_history(
            store, vertical, topic.slug, now=now
        ),
    }
    for summary in store.list_versions(topic.slug):
        files[f"{folder}/v/{summary.version}/{PAGE_FILE}"] = site_pages.render_version(
            store, vertical, topic.slug, summary.version, now=now
        )
    encoded = {path: html.encode() for path, html in files.items()}
    document = store.latest_briefing(topic.slug)
    if document is not None:
        encoded[f"api/v1/topics/{topic.slug}.json"] = encode_json(document)
    return encoded


def event_files(
    store: SnapshotStore, pages: dict[str, bytes], *, now: dt.datetime
) -> tuple[dict[str, bytes], set[int]]:
    """A page for every stored event and every event a rendered page links to; one that
    the store no longer holds gets a page saying so, so no exported link is broken.
    Returns the files and the ids of the events the store holds."""
    wanted: set[int] = set()
    offset = 0
    while batch := store.list_events(limit=EVENT_BATCH, offset=offset):
        wanted.update(event.id for event in batch)
        offset += len(batch)
    for content in pages.values():
        wanted.update(int(found) for found in EVENT_LINK.findall(content.decode()))
    files: dict[str, bytes] = {}
    present: set[int] = set()
    for event_id in sorted(wanted):
        try:
            html = site_pages.render_event(store, event_id, now=now)
            present.add(event_id)
        except site.PageNotFoundError:
            successor = store.event_successor(event_id)
            html = site_pages.render_gone_event(event_id, successor=successor, now=now)
            if successor is not None and successor not in wanted:
                # The page links the successor, so it must exist in the export too.
                files[f"events/{successor}/{PAGE_FILE}"] = site_pages.render_event(
                    store, successor, now=now
                ).encode()
                present.add(successor)
        files[f"events/{event_id}/{PAGE_FILE}"] = html.encode()
    return files, present


def topics_of(store: SnapshotStore) -> list[Topic]:
    """The topics of the verticals the store holds (the ones the export writes pages for)."""
    known = {vertical.slug for vertical in store.list_verticals()}
    return [topic for topic in store.list_topics() if topic.vertical in known]


def check_slugs(verticals: list[Vertical], topics: list[Topic]) -> None:
    """Refuse slugs that would not make one safe folder name inside the export."""
    for vertical in verticals:
        if vertical.slug in RESERVED_VERTICAL_SLUGS:
            raise PublishError("vertical slug is reserved for the export layout", vertical.slug)
    for slug in [vertical.slug for vertical in verticals] + [topic.slug for topic in topics]:
        if slug in {"", ".", ".."} or "/" in slug or "\\" in slug:
            raise PublishError("slug cannot be a folder name", slug)


def read_static_files() -> dict[str, bytes]:
    folder = resources.files("newspulse.publish").joinpath("static")
    return {
        f"static/{entry.name}": entry.read_bytes() for entry in folder.iterdir() if entry.is_file()
    }


def write_file(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise PublishError("cannot write export file", str(path)) from exc
