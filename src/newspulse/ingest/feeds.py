"""Feed documents (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) to frozen items and entries.

Why a router and not one parser: stack.md §1 measured fastfeedparser at 54k items/s and
feedparser at 605, but fastfeedparser silently corrupts malformed feeds, while feedparser
recovers them (encodings, undefined entities, broken markup).  So each document is routed:

1. JSON Feed (``{`` first, or a JSON content type) is read by :mod:`newspulse.ingest.jsonfeed`.
2. Everything else gets a strict lxml parse (:data:`SAFE_PARSER_OPTIONS`), which loads no DTD,
   expands no entity and opens no network connection.  A document it rejects is malformed
   and goes to feedparser; so does a billion-laughs document, which libxml2 refuses.
3. A well-formed document goes to fastfeedparser unless it holds something fastfeedparser
   drops or feedparser handles better: a DOCTYPE (entity declarations, XXE, RSS 0.91 HTML
   entities: feedparser keeps only plain character-reference declarations), ``xml:base`` with
   relative links, inline XHTML in a summary or content element, ``content:encoded`` in RSS
   1.0, a root that is not rss, RDF or an Atom feed, or an HTTP charset other than UTF-8.
   If fastfeedparser raises anyway, or returns fewer or more items than the tree holds
   (it finds none in RSS 0.90), or neither items nor a title, feedparser gets the document.
4. A result with neither items nor a title is not a feed: :class:`FeedParseError`.  No lxml,
   feedparser or fastfeedparser exception leaves this module.

Every parser's output then goes through one normalisation (``feed_items.finish_feed``), so
the router's choice does not change what an item says.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import fastfeedparser
import feedparser
import lxml.etree

from newspulse.domain import Entry
from newspulse.ingest.feed_items import (
    Enclosure,
    FeedItem,
    FeedParseError,
    ParsedFeed,
    RawItem,
    finish_feed,
    first_enclosure,
    int_or_none,
    is_web_url,
    parse_date,
    shorten,
    text_value,
)
from newspulse.ingest.jsonfeed import parse_json_feed
from newspulse.ingest.sanitize import html_to_text

__all__ = [
    "Enclosure",
    "FeedItem",
    "FeedParseError",
    "ParsedFeed",
    "entries_from_feed",
    "parse_feed",
    "parse_with_feedparser",
]

SAFE_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "collect_ids": False,
}
# An internal DTD subset declaring entities, looked for in the document's prolog only.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\s", re.IGNORECASE)
_PROLOG_BYTES = 64 * 1024
ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_03 = "{http://purl.org/atom/ns#}"
RSS_10 = "{http://purl.org/rss/1.0/}"
RSS_090 = "{http://my.netscape.com/rdf/simple/0.9/}"
CONTENT_MODULE = "{http://purl.org/rss/1.0/modules/content/}"
ENCODED = CONTENT_MODULE + "encoded"  # fastfeedparser reads it in RSS 2.0, not in RSS 1.0
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_ROOTS = frozenset({"rss", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"})
ATOM_ROOTS = frozenset({ATOM + "feed", ATOM_03 + "feed"})
# Elements whose inline XHTML children fastfeedparser loses (it keeps only their text).
TEXT_CONSTRUCTS = (
    "description",
    RSS_10 + "description",
    ENCODED,
    *(ns + name for ns in (ATOM, ATOM_03) for name in ("title", "summary", "content")),
)
ITEM_TAGS = ("item", RSS_10 + "item", RSS_090 + "item", ATOM + "entry", ATOM_03 + "entry")
# <link> in RSS 0.9x/2.0 (no namespace), RSS 1.0 and RSS 0.90; never atom:link.
SITE_LINK_TAGS = ("link", RSS_10 + "link", RSS_090 + "link")
LANGUAGE_TAGS = ("language", "{http://purl.org/dc/elements/1.1/}language")
UTF8_NAMES = frozenset({"utf-8", "utf8"})
DERIVED_TITLE_CHARS = 120
_THREAD = threading.local()


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse one fetched feed document; raise :class:`FeedParseError` if it holds no feed."""
    if _looks_like_json(content, content_type):
        return parse_json_feed(content, url=url)
    # Whitespace before the XML declaration is common and makes the document ill-formed;
    # dropping it changes nothing else (a BOM, which lxml reads, stays).
    content = content.lstrip(b" \t\r\n")
    try:
        tree = lxml.etree.parse(io.BytesIO(content), _safe_xml_parser())
    except (lxml.etree.XMLSyntaxError, ValueError) as exc:
        if _ENTITY_DECLARATION.search(content[:_PROLOG_BYTES]):
            # Billion laughs and kin: the lenient parser would spend seconds and 100+ MB
            # on what the strict one refused.  No real feed needs its own entities.
            raise FeedParseError(url, f"entity declarations in a broken document: {exc}") from exc
        problem = f"not well-formed XML: {exc}"
        return parse_with_feedparser(content, url=url, content_type=content_type, problem=problem)
    root = tree.getroot()
    if _needs_feedparser(tree, content, content_type):
        return parse_with_feedparser(content, url=url, content_type=content_type)
    try:
        parsed = fastfeedparser.parse(content)
    except Exception as exc:  # ValueError and more: feedparser gets the document instead.
        problem = f"fastfeedparser: {exc}"
        return parse_with_feedparser(content, url=url, content_type=content_type, problem=problem)
    entries = parsed.get("entries", [])
    expected = sum(1 for _ in root.iter(*ITEM_TAGS))
    title = text_value(parsed.get("feed", {}).get("title"))
    if len(entries) != expected or not (entries or title):
        # It missed something (RSS 0.90 items, a dc:title): the slower parser decides.
        problem = f"fastfeedparser read {len(entries)} of {expected} items, title {title!r}"
        return parse_with_feedparser(content, url=url, content_type=content_type, problem=problem)
    channel = root if root.tag in ATOM_ROOTS else root.find("{*}channel")
    return finish_feed(
        url=url,
        title=title,
        site_link=_site_link_from_tree(root, channel),
        ttl=int_or_none(channel.findtext("ttl") if channel is not None else None),
        language=_language_from_tree(root, channel),
        raw_items=[_raw_from_fastfeedparser(entry) for entry in entries],
        parser="fastfeedparser",
    )


def parse_with_feedparser(
    content: bytes, *, url: str, content_type: str | None = None, problem: str | None = None
) -> ParsedFeed:
    """The recovering path: feedparser alone (also the baseline of ``bench/bench_feeds.py``)."""
    # No Content-Location: relative links are joined to ``url`` by finish_feed, and
    # feedparser would also "resolve" a relative guid.
    headers = {"content-type": content_type} if content_type else {}
    try:
        # A BytesIO, never bytes: feedparser treats a bytes argument as a file name first.
        parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    except Exception as exc:  # feedparser is meant not to raise; if it does, it is this feed's.
        raise FeedParseError(url, f"feedparser failed: {type(exc).__name__}") from exc
    if not parsed.get("version") and not parsed.get("entries"):
        reason = parsed.get("bozo_exception") or "no RSS, Atom or RDF element found"
        raise FeedParseError(url, f"not a feed: {reason}")
    feed = parsed.get("feed", {})
    return finish_feed(
        url=url,
        title=text_value(feed.get("title")),
        site_link=_site_link(feed),
        ttl=int_or_none(feed.get("ttl")),
        language=text_value(feed.get("language")) or None,
        raw_items=[
            _raw_from_feedparser(entry, is_atom=str(parsed.get("version", "")).startswith("atom"))
            for entry in parsed.get("entries", [])
        ],
        parser="feedparser",
        problem=problem,
    )


def entries_from_feed(feed: ParsedFeed, *, source: str) -> list[Entry]:
    """The pipeline's entries: one per item with an http(s) URL and some text."""
    entries = []
    for item in feed.items:
        url = item.link or (item.guid if is_web_url(item.guid) else None)
        text = html_to_text(item.content_html) if item.content_html else item.summary
        text = text or item.title
        if not url or not text:
            continue
        entries.append(
            Entry(
                url=url,
                source=source,
                title=item.title or shorten(text.split("\n", 1)[0], DERIVED_TITLE_CHARS),
                text=text,
                published_at=item.published,
                summary=item.summary,
                author=item.author,
                language=feed.language,
                title_derived=not item.title,
            )
        )
    return entries


# --- routing and what is read from the strict parse ----------------------------------------


def _safe_xml_parser() -> lxml.etree.XMLParser:
    """One parser per thread: lxml lets a parser run one document at a time."""
    parser = getattr(_THREAD, "xml_parser", None)
    if parser is None:
        parser = _THREAD.xml_parser = lxml.etree.XMLParser(**SAFE_PARSER_OPTIONS)
    return parser


def _looks_like_json(content: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _needs_feedparser(
    tree: lxml.etree._ElementTree, content: bytes, content_type: str | None
) -> bool:
    root = tree.getroot()
    if root.tag not in FEED_ROOTS and root.tag not in ATOM_ROOTS:
        return True
    if tree.docinfo.doctype or (b"xml:base" in content and _has_relative_link(root)):
        return True
    is_rdf = root.tag.endswith("}RDF")
    for element in root.iter(*TEXT_CONSTRUCTS):
        if len(element) or (is_rdf and element.tag == ENCODED):
            return True
    charset = _charset_of(content_type)
    return charset is not None and charset not in UTF8_NAMES


def _has_relative_link(root: lxml.etree._Element) -> bool:
    """Whether any link is relative, so that ``xml:base`` (feedparser resolves it) matters."""
    for element in root.iter("{*}link"):
        value = (element.get("href") or element.text or "").strip()
        if value and not urlsplit(value).scheme:
            return True
    return False


def _charset_of(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").lower() or None
    return None


def _site_link_from_tree(
    root: lxml.etree._Element, channel: lxml.etree._Element | None
) -> str | None:
    """The site link; fastfeedparser would offer an Atom rel=self link as one."""
    if channel is None:
        return None
    if root.tag in ATOM_ROOTS:
        links = channel.iterchildren(ATOM + "link", ATOM_03 + "link")
        return next(
            (str(a.get("href")) for a in links if a.get("rel") in (None, "alternate")), None
        )
    texts = (link.text.strip() for link in channel.iterchildren(*SITE_LINK_TAGS) if link.text)
    return next((text for text in texts if text), None)


def _language_from_tree(
    root: lxml.etree._Element, channel: lxml.etree._Element | None
) -> str | None:
    """fastfeedparser reports no language for RSS; feedparser's sources, read directly."""
    if channel is not None and root.tag not in ATOM_ROOTS:
        texts = (el.text.strip() for el in channel.iterchildren(*LANGUAGE_TAGS) if el.text)
        declared = next((str(text) for text in texts if text), None)
        if declared:
            return declared
    attribute = root.get(XML_LANG)
    return str(attribute) if attribute else None


# --- fastfeedparser and feedparser dictionaries ------------------------------------------


def _raw_from_fastfeedparser(entry: Mapping[str, Any]) -> RawItem:
    description = text_value(entry.get("description"))
    content = _first_content(entry.get("content"))
    if content.strip() == description:
        content = ""  # fastfeedparser copies an RSS description into content
    links = [link for link in entry.get("links") or () if isinstance(link, Mapping)]
    return RawItem(
        title=text_value(entry.get("title")),
        link=text_value(entry.get("link")) or _alternate_link(links),
        guid=text_value(entry.get("id")) or None,
        published=parse_date(entry.get("published")),
        updated=parse_date(entry.get("updated")),
        author=text_value(entry.get("author")) or None,
        summary_html=description,
        content_html=content,
        categories=_terms(entry.get("tags")),
        enclosure=first_enclosure(
            [*(entry.get("enclosures") or ()), *(x for x in links if x.get("rel") == "enclosure")]
        ),
    )


def _raw_from_feedparser(entry: dict[str, Any], *, is_atom: bool) -> RawItem:
    summary = text_value(entry.get("summary"))
    content = _first_content(entry.get("content"))
    if content and content == summary:
        summary = ""  # feedparser copies content into summary when the feed has no summary
    author = entry.get("author_detail") or {}
    links = [link for link in entry.get("links") or () if isinstance(link, Mapping)]
    # An Atom id is no link (RFC 4287 §4.2.6), though feedparser offers a URL-shaped one as
    # such; an RSS guid is one unless isPermaLink="false", and fastfeedparser agrees.
    link = _alternate_link(links) if is_atom else text_value(entry.get("link"))
    return RawItem(
        title=text_value(entry.get("title")),
        link=link or None,
        guid=text_value(entry.get("id")) or None,
        published=_struct_time_to_utc(dict.get(entry, "published_parsed")),
        # dict.get: FeedParserDict maps a missing "updated" to "published" with a warning.
        updated=_struct_time_to_utc(dict.get(entry, "updated_parsed")),
        author=text_value(author.get("name")) or text_value(entry.get("author")) or None,
        summary_html=summary,
        content_html=content,
        categories=_terms(entry.get("tags")),
        enclosure=first_enclosure(x for x in links if x.get("rel") == "enclosure"),
    )


def _site_link(feed: Mapping[str, Any]) -> str | None:
    """Only a real alternate link: feedparser would also offer an Atom feed's id as one."""
    return _alternate_link(link for link in feed.get("links") or () if isinstance(link, Mapping))


def _first_content(value: Any) -> str:
    if isinstance(value, Sequence) and value and isinstance(value[0], Mapping):
        return text_value(value[0].get("value"))
    return ""


def _alternate_link(links: Iterable[Mapping[str, Any]]) -> str | None:
    hrefs = (text_value(x.get("href")) for x in links if x.get("rel") in (None, "alternate"))
    return next((href for href in hrefs if href), None)


def _terms(tags: Any) -> tuple[str, ...]:
    terms = (text_value(tag.get("term")) for tag in tags or () if isinstance(tag, Mapping))
    return tuple(dict.fromkeys(term for term in terms if term))


def _struct_time_to_utc(value: Any) -> dt.datetime | None:
    """feedparser's ``*_parsed`` fields are struct_times already converted to UTC."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return dt.datetime(*value[:6], tzinfo=dt.UTC)
    except ValueError:
        return None
