"""Static export: the whole site written to a folder by the same render functions ``app`` serves.

``export_site`` works in three steps:

1. read the store once through a ``SnapshotStore``, so every page of one export shows the
   same briefing version even while the pipeline writes a new one;
2. render every page, the stylesheet and the API documents in memory (nothing is written
   when a page fails);
3. write the files: ``index.html`` in each page's folder (see ``site``), ``static/``, and the
   API as ``api/v1/topics.json`` and ``api/v1/topics/<slug>.json``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from newspulse.domain import Topic, Vertical
from newspulse.errors import PublishError
from newspulse.publish import site
from newspulse.publish.api import encode_json, topic_index

# Top-level folders of the export that a vertical's folder must not replace.
RESERVED_VERTICAL_SLUGS = frozenset({"api", "static"})
PAGE_FILE = "index.html"


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What one export wrote: HTML pages, and all files (pages, stylesheet, API documents)."""

    pages: int
    files: int


class SnapshotStore:
    """A ``SiteStore`` that asks the wrapped store for each value once and then remembers it."""

    def __init__(self, store: site.SiteStore) -> None:
        self._store = store
        self._verticals: list[Vertical] | None = None
        self._topics: list[Topic] | None = None
        self._briefings: dict[str, dict[str, Any] | None] = {}

    def list_verticals(self) -> list[Vertical]:
        if self._verticals is None:
            self._verticals = self._store.list_verticals()
        return list(self._verticals)

    def list_topics(self) -> list[Topic]:
        if self._topics is None:
            self._topics = self._store.list_topics()
        return list(self._topics)

    def latest_briefing(self, topic_slug: str) -> dict[str, Any] | None:
        if topic_slug not in self._briefings:
            self._briefings[topic_slug] = self._store.latest_briefing(topic_slug)
        return self._briefings[topic_slug]


def export_site(store: site.SiteStore, out_dir: Path, *, now: dt.datetime) -> ExportReport:
    """Write the site to ``out_dir`` (created if missing; files already there are replaced)."""
    snapshot = SnapshotStore(store)
    files = render_site_files(snapshot, now=now)
    for relative_path, content in files.items():
        write_file(out_dir / relative_path, content)
    pages = sum(1 for relative_path in files if relative_path.endswith(".html"))
    return ExportReport(pages=pages, files=len(files))


def render_site_files(store: site.SiteStore, *, now: dt.datetime) -> dict[str, bytes]:
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
        folder = f"{topic.vertical}/{topic.slug}"
        html = site.render_topic(store, topic.vertical, topic.slug, now=now)
        files[f"{folder}/{PAGE_FILE}"] = html.encode()
        html = site.render_topic_sources(store, topic.vertical, topic.slug, now=now)
        files[f"{folder}/sources/{PAGE_FILE}"] = html.encode()
        document = store.latest_briefing(topic.slug)
        if document is not None:
            files[f"api/v1/topics/{topic.slug}.json"] = encode_json(document)
    files["api/v1/topics.json"] = encode_json(topic_index(store))
    files.update(read_static_files())
    return files


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
