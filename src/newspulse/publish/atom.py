"""Atom 1.0 feeds (RFC 4287): one per topic and one per vertical, one entry per briefing version.

A feed is a pure function of the stored versions, so serving it twice or exporting it on
another day gives the same bytes, and a feed reader sees a change only when a new version
(a material change) is written:

- entry ids are ``tag:`` URIs (RFC 4151) built from the topic slug and the version number
  alone, never from the host or the time, so they are stable across runs and exports;
- an entry's ``updated`` is its version's ``created_at``; the feed's ``updated`` is its newest
  entry's (the Unix epoch for a feed without versions yet), never the clock;
- an entry's summary is the version's diff as plain text (source text is data, never markup);
- links are absolute IRIs under ``base_url`` (the request's address live, ``--base-url`` for
  an export) and point at the version permalinks ``<v>/<t>/v/<n>/``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from feedgen.feed import FeedGenerator

from newspulse.domain import Topic, Vertical
from newspulse.errors import PublishError
from newspulse.publish.paths import (
    topic_feed_path,
    topic_path,
    version_path,
    vertical_feed_path,
    vertical_path,
)
from newspulse.publish.ports import FeedStore
from newspulse.records import VersionSummary
from newspulse.text.language import DEFAULT_LANGUAGE

ATOM_MEDIA_TYPE = "application/atom+xml"
# Feed readers keep what they have seen; a feed lists only the newest versions.
FEED_ENTRY_LIMIT = 50
AUTHOR_NAME = "NewsPulse"
# RFC 4151 tagging entity: an authority and a date it was held; both fixed forever.
TAG_AUTHORITY = "newspulse.invalid,2026"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Where an export's feeds point when no --base-url is given: what `newspulse serve` serves.
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
SUMMARY_BULLET_LIMIT = 5
# Characters XML 1.0 cannot carry at all; a feed drops them rather than fail on one bad title.
NOT_XML_CHARS = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One version as an entry: which topic, and the summary row the store keeps."""

    topic: Topic
    version: VersionSummary


def slug_part(slug: str) -> str:
    return quote(slug, safe="")


def entry_id(topic_slug: str, number: int) -> str:
    """The version's id; the same in every feed (topic and vertical) and every export."""
    return f"tag:{TAG_AUTHORITY}:topic/{slug_part(topic_slug)}/v/{number}"


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path


def topic_feed(store: FeedStore, topic: Topic, *, base_url: str) -> bytes:
    """The topic's versions, newest first."""
    versions = store.list_versions(topic.slug, limit=FEED_ENTRY_LIMIT)
    entries = [FeedEntry(topic, version) for version in versions]
    return render_feed(
        feed_id=f"tag:{TAG_AUTHORITY}:topic/{slug_part(topic.slug)}",
        title=f"{topic.title} · NewsPulse",
        subtitle=topic.tagline,
        self_url=absolute(base_url, topic_feed_path(topic)),
        page_url=absolute(base_url, topic_path(topic)),
        entries=entries,
        base_url=base_url,
        language=topic.language,
    )


def vertical_feed(store: FeedStore, vertical: Vertical, *, base_url: str) -> bytes:
    """Every version of the vertical's topics, newest first."""
    entries = [
        FeedEntry(topic, version)
        for topic in store.list_topics()
        if topic.vertical == vertical.slug
        for version in store.list_versions(topic.slug, limit=FEED_ENTRY_LIMIT)
    ]
    entries.sort(key=lambda e: (e.version.created_at, e.topic.slug, e.version.version))
    entries.reverse()
    return render_feed(
        feed_id=f"tag:{TAG_AUTHORITY}:vertical/{slug_part(vertical.slug)}",
        title=f"{vertical.name} · NewsPulse",
        subtitle=vertical.description or None,
        self_url=absolute(base_url, vertical_feed_path(vertical.slug)),
        page_url=absolute(base_url, vertical_path(vertical.slug)),
        entries=entries[:FEED_ENTRY_LIMIT],
        base_url=base_url,
    )


def feed_files(
    store: FeedStore, verticals: Sequence[Vertical], topics: Sequence[Topic], *, base_url: str
) -> dict[str, bytes]:
    """Every feed of a static export by its path: one per vertical and one per topic."""
    check_base_url(base_url)
    files = {
        vertical_feed_path(v.slug): vertical_feed(store, v, base_url=base_url) for v in verticals
    }
    files.update({topic_feed_path(t): topic_feed(store, t, base_url=base_url) for t in topics})
    return files


def check_base_url(base_url: str) -> None:
    """Feed links must be absolute IRIs (RFC 4287 §4.2.7.1): refuse "news.example.org/"."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError("base URL must be an absolute http(s) address", base_url)


def render_feed(
    *,
    feed_id: str,
    title: str,
    subtitle: str | None,
    self_url: str,
    page_url: str,
    entries: Sequence[FeedEntry],
    base_url: str,
    language: str | None = None,
) -> bytes:
    """The Atom document; ``language`` is its entries' language, when they share one."""
    generator = FeedGenerator()
    generator.id(feed_id)
    generator.title(xml_text(title))
    if subtitle:
        generator.subtitle(xml_text(subtitle))
    generator.author({"name": AUTHOR_NAME})
    generator.link(href=self_url, rel="self", type=ATOM_MEDIA_TYPE)
    generator.link(href=page_url, rel="alternate", type="text/html")
    generator.generator("NewsPulse")
    languages = {entry.topic.language for entry in entries}
    feed_language = language or (languages.pop() if len(languages) == 1 else DEFAULT_LANGUAGE)
    generator.language(feed_language)
    generator.updated(max((e.version.created_at for e in entries), default=EPOCH))
    for entry in entries:
        add_entry(generator, entry, base_url=base_url)
    feed: bytes = generator.atom_str(pretty=True)
    return feed


def add_entry(generator: FeedGenerator, entry: FeedEntry, *, base_url: str) -> None:
    version = entry.version
    item = generator.add_entry(order="append")
    item.id(entry_id(entry.topic.slug, version.version))
    item.title(xml_text(f"{entry.topic.title}, version {version.version}: {version.headline}"))
    item.updated(version.created_at)
    item.published(version.created_at)
    item.link(href=absolute(base_url, version_path(entry.topic, version.version)))
    item.summary(xml_text(diff_summary(version.diff)))
    item.category(term=entry.topic.slug, label=xml_text(entry.topic.title))


def diff_summary(diff: dict[str, Any]) -> str:
    """The version's diff in plain words, e.g. "2 events added. New: …"."""
    if diff.get("first_version"):
        added = len(diff.get("events_added", []))
        return f"First version, from {plural(added, 'event')}."
    parts = []
    if diff.get("headline_changed"):
        parts.append("New headline.")
    counts = [
        f"{plural(len(diff.get(key, [])), 'event')} {word}"
        for key, word in (("events_added", "added"), ("events_removed", "removed"))
        if diff.get(key)
    ]
    if counts:
        parts.append(" and ".join(counts).capitalize() + ".")
    parts.extend(bullet_lines("New", diff.get("bullets_added", [])))
    parts.extend(bullet_lines("Dropped", diff.get("bullets_removed", [])))
    return " ".join(parts) if parts else "Wording updated."


def bullet_lines(label: str, bullets: Sequence[str]) -> list[str]:
    shown = [f"{label}: {text}" for text in bullets[:SUMMARY_BULLET_LIMIT]]
    if len(bullets) > SUMMARY_BULLET_LIMIT:
        shown.append(f"(and {len(bullets) - SUMMARY_BULLET_LIMIT} more)")
    return shown


def xml_text(text: str) -> str:
    return NOT_XML_CHARS.sub("", text)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
