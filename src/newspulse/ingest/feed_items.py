"""The records every feed parser produces, and the one normalisation they all go through.

``feeds`` (RSS/Atom via fastfeedparser or feedparser) and ``jsonfeed`` map their parser's output
to :class:`RawItem`; :func:`finish_feed` turns those into a :class:`ParsedFeed`, so which parser
read a document does not change what an item says: titles are plain text, summaries plain text
(the opening 512 characters of the content when the feed has no summary, as fastfeedparser
does), content HTML sanitised by :mod:`newspulse.ingest.sanitize`, links absolute http(s) URLs,
dates aware UTC to the second, ``published`` falling back to ``updated`` and ``guid`` to the link.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from newspulse.bounds import ascii_int, utc_moment
from newspulse.errors import NewsPulseError
from newspulse.ingest.sanitize import clean_html, html_to_text

SUMMARY_FROM_CONTENT_CHARS = 512  # fastfeedparser's length for a summary cut from content
_MARKUP = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|</?[A-Za-z][A-Za-z0-9]*[\s/>]")


class FeedParseError(NewsPulseError):
    """A document yields no feed: not XML or JSON, not a feed format, or nothing in it."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason, url)
        self.url = url
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Enclosure:
    url: str
    media_type: str | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a feed, normalised: plain-text title and summary, sanitised content."""

    title: str
    link: str | None
    guid: str | None
    published: dt.datetime | None
    updated: dt.datetime | None
    author: str | None
    summary: str
    content_html: str  # "" when the feed carries no content beyond the summary
    categories: tuple[str, ...] = ()
    enclosure: Enclosure | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    url: str
    title: str
    site_url: str | None
    ttl_minutes: int | None
    language: str | None
    items: tuple[FeedItem, ...]
    parser: str  # "fastfeedparser" | "feedparser" | "jsonfeed": which path read it
    problem: str | None = None  # why the strict parse failed, when feedparser recovered it


@dataclass(frozen=True, slots=True)
class RawItem:
    """An item as a parser gave it, before the one shared normalisation."""

    title: str
    link: str | None
    guid: str | None
    published: dt.datetime | None
    updated: dt.datetime | None
    author: str | None
    summary_html: str
    content_html: str
    categories: tuple[str, ...]
    enclosure: Enclosure | None


def first_enclosure(enclosures: Iterable[Any]) -> Enclosure | None:
    for enclosure in enclosures:
        if not isinstance(enclosure, Mapping):
            continue
        href = text_value(enclosure.get("url") or enclosure.get("href"))
        if href:
            media_type = text_value(enclosure.get("type") or enclosure.get("mime_type")) or None
            length = enclosure.get("length") or enclosure.get("size_in_bytes")
            return Enclosure(href, media_type, int_or_none(length))
    return None


def finish_feed(
    *,
    url: str,
    title: str,
    site_link: str | None,
    ttl: int | None,
    language: str | None,
    raw_items: list[RawItem],
    parser: str,
    problem: str | None = None,
) -> ParsedFeed:
    feed_title = _plain_line(title)
    html_base = url if is_web_url(url) else None
    if not raw_items and not feed_title:
        raise FeedParseError(url, "no items and no title: nothing usable in the document")
    return ParsedFeed(
        url=url,
        title=feed_title,
        site_url=_absolute(url, site_link),
        ttl_minutes=ttl,
        language=language,
        items=tuple(_normalise_item(raw, base=url, html_base=html_base) for raw in raw_items),
        parser=parser,
        problem=problem,
    )


def _normalise_item(raw: RawItem, *, base: str, html_base: str | None) -> FeedItem:
    content_html = clean_html(raw.content_html, base_url=html_base)
    summary = html_to_text(raw.summary_html)
    if not summary and content_html:
        summary = " ".join(html_to_text(content_html).split())[:SUMMARY_FROM_CONTENT_CHARS]
    link = _absolute(base, raw.link)
    published = _whole_seconds(raw.published)
    updated = _whole_seconds(raw.updated)
    enclosure_url = _absolute(base, raw.enclosure.url) if raw.enclosure else None
    return FeedItem(
        title=_plain_line(raw.title),
        link=link,
        guid=raw.guid or link,
        published=published or updated,
        updated=updated,
        author=" ".join(raw.author.split()) if raw.author else None,
        summary=summary,
        content_html=content_html,
        categories=raw.categories,
        enclosure=(
            Enclosure(enclosure_url, raw.enclosure.media_type, raw.enclosure.length)
            if raw.enclosure and enclosure_url
            else None
        ),
    )


def _plain_line(text: str) -> str:
    """One line of plain text; markup or entities left in a title are rendered first."""
    if _MARKUP.search(text):
        text = html_to_text(text)
    return " ".join(text.split())


def _absolute(base: str, link: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if link.startswith(("http://", "https://")):
        return link  # what urljoin would return, without its cost (it dominated a profile)
    try:
        absolute = urljoin(base, link)
    except ValueError:  # e.g. an invalid IPv6 literal in the link
        return None
    # A "urn:" or "tag:" id offered as a link is no address to fetch or cite.
    return absolute if is_web_url(absolute) else None


def parse_date(value: Any) -> dt.datetime | None:
    """RFC 3339 (fastfeedparser's output, JSON Feed's format) or RFC 822, which real JSON
    feeds use too (feed-rs fixture ``jsonfeed_elastic_1.1.json``); naive means UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return utc_moment(moment)  # None outside newspulse.bounds: year 1 is no date


def _whole_seconds(moment: dt.datetime | None) -> dt.datetime | None:
    """feedparser keeps no fractions of a second; drop them everywhere so both paths agree."""
    return moment.replace(microsecond=0) if moment else None


def text_value(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def list_value(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def int_or_none(value: Any) -> int | None:
    """A feed's non-negative count (``<ttl>``, an enclosure's length), capped by ``bounds``."""
    return ascii_int(value)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip() + "…"


def is_web_url(value: str | None) -> bool:
    return bool(value) and (value or "")[:8].lower().startswith(("http://", "https://"))
