"""OPML subscription lists in and out, leniently in, because real lists are often broken.

40 of the 59 lists in ``../shared/data/feeds/opml-awesome-rss-feeds`` are not well-formed
XML: bare ``&`` in titles, ``"`` inside quoted descriptions, HTML (``<a href="...">``)
pasted into attributes.  A strict parser sees 148 of their 786 feeds; lxml's recover mode
silently drops outlines.  So :func:`read_opml` tries, in order:

1. a strict parse (no DTD, no entity expansion, no network);
2. the same after escaping every ``&`` that does not start an entity or character reference;
3. reading the document tag by tag: the text from one ``<outline`` to the next outline tag
   is one outline (OPML has no text content), and an attribute value ends at the quote that
   is followed by the next ``name=`` or by the end of the tag, so stray quotes inside a value
   do not cut it short.

Whatever was repaired is listed in ``repaired``; every outline that yields no feed (no
``xmlUrl``, not an http(s) URL, a repeat of an earlier URL) is listed in ``skipped`` with its
line and reason.  A feed's category is its ``category`` attribute when present, otherwise
the titles of the folder outlines around it joined by ``/``; :func:`write_opml` nests
folders the same way, so ``read_opml(write_opml(feeds))`` gives the feeds back.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.etree

from newspulse.errors import NewsPulseError

SAFE_XML_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
)
_BARE_AMPERSAND = re.compile(rb"&(?!(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9._-]*);)")
MAX_TAG_CHARS = 65_536
_OUTLINE_TAG = re.compile(r"<(/?)outline\b", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"(.*?)"|'(.*?)')(?=\s+[A-Za-z_:][-\w:.]*\s*=|\s*/?\s*$)""",
    re.DOTALL,
)
_HEAD_TITLE = re.compile(r"<head\b.*?<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_XML_INVALID_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class OpmlError(NewsPulseError):
    """The document holds no OPML outlines at all, even read leniently."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str
    html_url: str | None = None
    category: str | None = None  # a vertical hint: "Tech", or "News/World" for nested folders


@dataclass(frozen=True, slots=True)
class OpmlImport:
    title: str | None
    feeds: list[OpmlFeed]
    skipped: list[str] = field(default_factory=list)  # "line 12: 'Name': reason"
    repaired: list[str] = field(default_factory=list)  # what leniency was needed


@dataclass(slots=True)
class _Collector:
    """Feeds and reasons gathered while walking the outlines, whichever reader walks them."""

    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)

    def add(self, attributes: Mapping[str, str], folders: Sequence[str], line: int) -> None:
        attributes = {name.lower(): value for name, value in attributes.items()}
        name = _clean(attributes.get("title") or attributes.get("text") or "")
        raw_url = _clean(attributes.get("xmlurl") or "")
        url = _feed_url(raw_url)
        if not raw_url:
            self.skipped.append(f"line {line}: {name!r}: no xmlUrl")
        elif url is None:
            self.skipped.append(f"line {line}: {name!r}: not an http(s) URL: {raw_url!r}")
        elif url in self.seen:
            self.skipped.append(f"line {line}: {name!r}: same xmlUrl as line {self.seen[url]}")
        else:
            self.seen[url] = line
            self.feeds.append(
                OpmlFeed(
                    url=url,
                    title=name or url,
                    html_url=_feed_url(_clean(attributes.get("htmlurl") or "")),
                    category=_category(attributes.get("category"), folders),
                )
            )


def read_opml(content: bytes) -> OpmlImport:
    """Feeds of an OPML document, reading past the usual breakage and saying what it did."""
    repaired: list[str] = []
    try:
        root = lxml.etree.fromstring(content, SAFE_XML_PARSER)
    except lxml.etree.XMLSyntaxError as strict_error:
        escaped, count = _BARE_AMPERSAND.subn(b"&amp;", content)
        try:
            root = lxml.etree.fromstring(escaped, SAFE_XML_PARSER)
            repaired.append(f"escaped {count} bare '&' ({strict_error})")
        except lxml.etree.XMLSyntaxError as error:
            return _read_tag_by_tag(content, problem=f"not well-formed XML ({error})")
    if root is None or root.find(".//outline") is None:
        raise OpmlError("not an OPML document: no <outline> element")
    collector = _Collector()
    body = root.find("body")
    _walk(body if body is not None else root, (), collector)
    title = _clean(root.findtext("head/title") or "") or None
    return OpmlImport(title, collector.feeds, collector.skipped, repaired)


def write_opml(feeds: Iterable[OpmlFeed], *, title: str) -> bytes:
    """OPML 2.0 with one folder outline per category level, readable by :func:`read_opml`."""
    root = lxml.etree.Element("opml", version="2.0")
    lxml.etree.SubElement(lxml.etree.SubElement(root, "head"), "title").text = _xml_safe(title)
    folders: dict[tuple[str, ...], lxml.etree._Element] = {(): lxml.etree.SubElement(root, "body")}
    for feed in feeds:
        path = tuple(part for part in (feed.category or "").split("/") if part.strip())
        attributes = {"type": "rss", "text": feed.title, "title": feed.title, "xmlUrl": feed.url}
        if feed.html_url:
            attributes["htmlUrl"] = feed.html_url
        parent = _folder(folders, path)
        lxml.etree.SubElement(parent, "outline", {k: _xml_safe(v) for k, v in attributes.items()})
    return bytes(
        lxml.etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


# --- reading a tree -------------------------------------------------------------------------


def _walk(parent: lxml.etree._Element, folders: tuple[str, ...], collector: _Collector) -> None:
    for outline in parent.iterchildren("outline"):
        attributes = {str(name): str(value) for name, value in outline.attrib.items()}
        has_url = any(name.lower() == "xmlurl" for name in attributes)
        if has_url or len(outline) == 0:
            collector.add(attributes, folders, outline.sourceline or 0)
        if len(outline):
            _walk(outline, (*folders, _folder_name(attributes)), collector)


# --- reading tag by tag -----------------------------------------------------------------


def _read_tag_by_tag(content: bytes, *, problem: str) -> OpmlImport:
    text = _decode(content)
    tags = list(_OUTLINE_TAG.finditer(text))
    if not any(not tag.group(1) for tag in tags):
        raise OpmlError("not an OPML document: no <outline> element")
    collector = _Collector()
    folders: list[str] = []
    salvaged, line, counted_to = 0, 1, 0
    for index, tag in enumerate(tags):
        if tag.group(1):  # </outline>
            if folders:
                folders.pop()
            continue
        # The outline runs to the next outline tag (or </body>); its tag ends at the last ">".
        end = tags[index + 1].start() if index + 1 < len(tags) else _body_end(text, tag.end())
        line += text.count("\n", counted_to, tag.start())  # incrementally: one pass in all
        counted_to = tag.start()
        if end - tag.end() > MAX_TAG_CHARS:  # the attribute scan is quadratic in the worst case
            collector.skipped.append(f"line {line}: outline tag longer than {MAX_TAG_CHARS}")
            continue
        region = text[tag.end() : end]
        closing = region.rfind(">")
        body = region[:closing] if closing >= 0 else region
        self_closing = body.rstrip().endswith("/")
        attributes = _scan_attributes(body.rstrip().removesuffix("/"))
        salvaged += 1
        has_url = any(name.lower() == "xmlurl" for name in attributes)
        if has_url or self_closing:
            collector.add(attributes, folders, line)
        if not self_closing:
            folders.append(_folder_name(attributes))
    match = _HEAD_TITLE.search(text)
    title = _clean(html.unescape(match.group(1))) if match else None
    repaired = [f"{problem}: {salvaged} outlines read tag by tag"]
    return OpmlImport(title or None, collector.feeds, collector.skipped, repaired)


def _scan_attributes(tag_body: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag_body):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        attributes.setdefault(match.group(1), html.unescape(value or ""))
    return attributes


def _body_end(text: str, start: int) -> int:
    end = text.lower().find("</body", start)
    return end if end >= 0 else len(text)


def _decode(content: bytes) -> str:
    declared = _DECLARED_ENCODING.search(content[:200])
    for encoding in (declared.group(1).decode("ascii") if declared else "utf-8", "utf-8"):
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", errors="replace")


# --- shared helpers -------------------------------------------------------------------------


def _feed_url(raw: str) -> str | None:
    """An http(s) URL with a host; ``feed://`` and ``feed:https://`` are unwrapped."""
    url = raw.strip()
    if url.lower().startswith("feed:"):
        rest = url[5:]
        url = rest if rest.lower().startswith(("http:", "https:")) else "http:" + rest
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _category(attribute: str | None, folders: Sequence[str]) -> str | None:
    """The first category of the attribute ("/News/World,/Tech" → "News/World"), or the folders."""
    if attribute and attribute.strip():
        first = attribute.split(",")[0]
        path = "/".join(part.strip() for part in first.split("/") if part.strip())
        if path:
            return path
    path = "/".join(folder for folder in folders if folder)
    return path or None


def _folder_name(attributes: Mapping[str, str]) -> str:
    """A folder's title; "/" separates category levels, so "UI / UX" reads as "UI - UX"."""
    lowered = {name.lower(): value for name, value in attributes.items()}
    return _clean(lowered.get("title") or lowered.get("text") or "").replace("/", "-")


def _folder(
    folders: dict[tuple[str, ...], lxml.etree._Element], path: tuple[str, ...]
) -> lxml.etree._Element:
    if path not in folders:
        name = _xml_safe(path[-1].strip())
        parent = _folder(folders, path[:-1])
        folders[path] = lxml.etree.SubElement(parent, "outline", {"text": name, "title": name})
    return folders[path]


def _clean(value: str) -> str:
    return " ".join(value.split())


def _xml_safe(value: str) -> str:
    return _XML_INVALID_CHARACTERS.sub("", value)
