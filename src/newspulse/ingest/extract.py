"""Main text and metadata of a fetched page, for feeds that carry only a snippet.

Why a cascade around trafilatura and not a bare ``trafilatura.extract`` call: fast mode is the
most accurate single setting on the Zyte/Scrapinghub benchmark (F1 0.962, stack.md §2.2) but
it returns menus for a few page layouts, stops at the first of several body containers, and
keeps headline and sign-up lines. Each step below was kept only because it raised F1 on that
benchmark (``bench/bench_extract.py`` prints every variant):

1. Decode bytes: byte-order mark, else strict UTF-8, else the declared ``<meta>`` charset,
   else a sniffed one, else UTF-8 with replacement characters (never an exception).
2. Read metadata from the untouched tree: title and author (trafilatura), publication time
   (explicit ``datePublished``-style metadata first, then htmldate without its extensive
   guessing, which invents dates), ``rel=canonical`` / ``og:url``, language.
3. Merge body containers that a page splits into same-class siblings, so extraction does not
   stop after the first chunk.
4. trafilatura fast mode; full mode (with its readability/jusText comparison) when fast mode
   returns too little or a navigation dump; trafilatura's baseline when still too little.
5. Post-process: drop lines repeating the headline; drop lines that a second, independent
   extractor (trafilatura's readability port) did not find either, unless that would remove
   most of the text.

Nothing usable raises :class:`ExtractionError`; a failure is never a silent ``None``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import zlib
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from dateutil.parser import ParserError
from dateutil.parser import isoparse as parse_iso_datetime
from lxml.etree import LxmlError
from lxml.html import HtmlElement, fromstring
from trafilatura import bare_extraction, baseline, extract_metadata, load_html
from trafilatura.readability_lxml import Document as ReadabilityDocument
from trafilatura.utils import detect_encoding

from newspulse.errors import NewsPulseError
from newspulse.ingest.canonical import InvalidURLError, canonical_url

DEFAULT_MAX_BYTES = 5_000_000
# trafilatura's own MIN_EXTRACTED_SIZE: below this the next extractor in the cascade is tried.
DEFAULT_MIN_TEXT_CHARS = 250
# Fewer words than this is a menu or a stub, not an article (the shortest benchmark body has 66).
DEFAULT_MIN_WORDS = 10
# A text whose lines are mostly 1-3 words is a menu, not an article (benchmark: the one such
# page scores 0.97 short lines; the next-highest article 0.64).
NAVIGATION_SHORT_LINE_SHARE = 0.8
NAVIGATION_MIN_LINES = 30
# Line voting gives up when it would drop more than this share of the words: the second
# extractor then missed the article rather than the boilerplate.
VOTE_MIN_KEPT_SHARE = 0.5
# A line counts as found by the reference extractor when this share of its trigrams is there.
CONFIRMED_TRIGRAM_SHARE = 0.5
# A paragraph this long marks a container as part of an article body (step 3).
BODY_PARAGRAPH_CHARS = 80
CHARSET_SNIFF_BYTES = 4096
LATIN_SINGLE_BYTE_CHARSETS = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "mac-roman", "mac-latin2"}
    | {f"iso8859-{part}" for part in (1, 2, 3, 4, 9, 10, 13, 14, 15, 16)}
)

WORD = re.compile(r"\w+")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
PUBLISHED_XPATH = (
    '//meta[@property="article:published_time" or @property="og:published_time"'
    ' or @name="article:published_time" or @itemprop="datePublished"'
    ' or @name="pubdate" or @name="publishdate" or @name="parsely-pub-date"'
    ' or @name="sailthru.date" or @name="dc.date.issued" or @name="DC.date.issued"]/@content'
    ' | //time[@itemprop="datePublished"]/@datetime'
)


class ExtractionError(NewsPulseError):
    """No usable article text could be read from a page (empty, garbage, too large)."""

    def __init__(self, url: str | None, message: str = "no article text found") -> None:
        super().__init__(message, url)
        self.url = url


class ExtractionMethod(StrEnum):
    """Which extractor of the cascade produced the text."""

    TRAFILATURA_FAST = "trafilatura-fast"
    TRAFILATURA_FULL = "trafilatura-full"
    BASELINE = "trafilatura-baseline"


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    title: str | None
    text: str
    author: str | None
    published: dt.datetime | None
    canonical_url: str | None
    language: str | None
    method: ExtractionMethod


@dataclass(frozen=True, slots=True)
class ExtractionOptions:
    """Knobs of the cascade; the defaults are the measured best (``bench/bench_extract.py``)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    min_text_chars: int = DEFAULT_MIN_TEXT_CHARS
    min_words: int = DEFAULT_MIN_WORDS
    merge_split_bodies: bool = True
    navigation_fallback: bool = True
    drop_title_lines: bool = True
    vote_lines: bool = True


DEFAULT_OPTIONS = ExtractionOptions()


def extract_page(
    html: bytes | str,
    *,
    url: str | None = None,
    options: ExtractionOptions = DEFAULT_OPTIONS,
) -> ExtractedPage:
    """Main text and metadata of one HTML page; raises ExtractionError when there is none.

    The size cap counts bytes, or characters when the page is given as text.
    """
    if len(html) > options.max_bytes:
        raise ExtractionError(
            url, f"page is {len(html):,} bytes, over the {options.max_bytes:,}-byte cap"
        )
    markup = decode_html(html) if isinstance(html, bytes) else html
    try:
        return extract_markup(markup, url, options)
    except (ValueError, TypeError, LxmlError, RecursionError) as exc:
        # A hostile or broken page must fail as this page's error, not crash the batch.
        raise ExtractionError(url, "extractor failed on this page") from exc


def extract_markup(markup: str, url: str | None, options: ExtractionOptions) -> ExtractedPage:
    tree = parse_html(markup, url)
    title, author, fallback_date = read_trafilatura_metadata(tree, url)
    body_tree = deepcopy(tree)
    if options.merge_split_bodies:
        merge_split_bodies(body_tree)
    text, method = run_cascade(body_tree, options)
    if options.drop_title_lines and title:
        text = drop_title_lines(text, title)
    if options.vote_lines:
        text = keep_confirmed_lines(text, readability_text(body_tree))
    word_count = len(WORD.findall(text))
    if word_count < options.min_words:
        raise ExtractionError(url, f"no article text found ({word_count} words)")
    return ExtractedPage(
        title=title,
        text=text,
        author=author,
        published=find_published(tree) or fallback_date,
        canonical_url=find_canonical_url(tree, url),
        language=find_language(tree),
        method=method,
    )


def read_page_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Bytes of a saved page, ``.html`` or ``.html.gz``, decompressed at most to max_bytes."""
    location = Path(path)
    with location.open("rb") as page_file:
        raw = page_file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ExtractionError(str(location), f"file is over the {max_bytes:,}-byte cap")
    if raw[:2] != b"\x1f\x8b":
        return raw
    # Read one byte past the cap so a gzip bomb is refused without inflating it whole.
    inflater = zlib.decompressobj(wbits=31)
    try:
        content = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise ExtractionError(str(location), "not a readable gzip file") from exc
    if len(content) > max_bytes:
        raise ExtractionError(str(location), f"page inflates past the {max_bytes:,}-byte cap")
    return content


def extraction_record(input_name: str, page: ExtractedPage) -> dict[str, str | None]:
    """One JSON line of ``newspulse extract``."""
    return {
        "input": input_name,
        "title": page.title,
        "text": page.text,
        "author": page.author,
        "published": page.published.isoformat() if page.published else None,
        "canonical_url": page.canonical_url,
        "language": page.language,
    }


def error_record(input_name: str, exc: BaseException) -> dict[str, str]:
    """The JSON line of ``newspulse extract`` for an input that failed."""
    return {"input": input_name, "error": str(exc) or type(exc).__name__}


def decode_html(raw: bytes) -> str:
    """Text of an HTML byte string; bad or mislabelled encodings degrade, never raise."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    # Valid UTF-8 with non-ASCII bytes is almost never another charset, while pages often
    # declare latin-1 and serve UTF-8, so strict UTF-8 goes before the declaration.
    declared = declared_charsets(raw[:CHARSET_SNIFF_BYTES])
    for encoding in ("utf-8", *declared):
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    for encoding in sniffed_charsets(raw):
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def sniffed_charsets(raw: bytes) -> list[str]:
    """charset_normalizer's guesses (via trafilatura), Latin-script ones read as windows-1252.

    On Western text the detector often picks a sibling code page (cp1257, cp1250) that turns
    "naïve" into "naļve"; windows-1252 is by far the commonest unlabelled legacy charset.
    """
    guesses: list[str] = []
    for guess in [*detect_encoding(raw), "cp1252"]:
        try:
            name = codecs.lookup(guess).name
        except LookupError:
            continue
        guesses.append("cp1252" if name in LATIN_SINGLE_BYTE_CHARSETS else name)
    return guesses


def declared_charsets(head: bytes) -> list[str]:
    """Charsets named by ``<meta charset>`` / ``http-equiv`` in the first bytes."""
    names = [match.decode("ascii", "ignore").lower() for match in META_CHARSET.findall(head)]
    # WHATWG: a latin-1 label means windows-1252, which browsers decode it as.
    return ["cp1252" if name in ("iso-8859-1", "latin1", "latin-1", "ascii") else name
            for name in names]  # fmt: skip


def parse_html(markup: str, url: str | None) -> HtmlElement:
    if not markup.strip():
        raise ExtractionError(url, "page is empty")
    tree = load_html(markup)
    if tree is None:
        raise ExtractionError(url, "page is not parseable HTML")
    return tree


def read_trafilatura_metadata(
    tree: HtmlElement, url: str | None
) -> tuple[str | None, str | None, dt.datetime | None]:
    """Title, author and htmldate's day (noon UTC, as ingest dates a day-only estimate)."""
    metadata = extract_metadata(deepcopy(tree), default_url=url, extensive=False)
    date_text = metadata.date or ""
    day = parse_datetime(date_text) if date_text else None
    if day is not None and len(date_text) <= len("YYYY-MM-DD"):
        day = day.replace(hour=12)
    return clean_field(metadata.title), clean_field(metadata.author), day


def clean_field(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def merge_split_bodies(tree: HtmlElement) -> None:
    """Move same-class sibling body containers into the first one (step 3).

    Some CMSs cut an article into several ``<div class="article__body">`` blocks around ads;
    trafilatura takes the first block matching its body XPath and loses the rest.
    """
    groups: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for element in tree.iter("div", "section", "article"):
        css_class = element.get("class")
        if css_class and any(
            len(paragraph.text_content().strip()) > BODY_PARAGRAPH_CHARS
            for paragraph in element.iterchildren("p")
        ):
            groups[(str(element.tag), css_class)].append(element)
    for containers in groups.values():
        first, *others = containers
        for other in others:
            parent = other.getparent()
            if parent is None or any(ancestor is first for ancestor in other.iterancestors()):
                continue
            first.extend(list(other))
            parent.remove(other)


def run_cascade(tree: HtmlElement, options: ExtractionOptions) -> tuple[str, ExtractionMethod]:
    """Text from the first extractor of fast → full → baseline that gives enough (step 4)."""
    text = trafilatura_text(tree, fast=True)
    if len(text) >= options.min_text_chars and not (
        options.navigation_fallback and looks_like_navigation(text)
    ):
        return text, ExtractionMethod.TRAFILATURA_FAST
    full_text = trafilatura_text(tree, fast=False)
    if len(full_text) >= options.min_text_chars:
        return full_text, ExtractionMethod.TRAFILATURA_FULL
    best, method = max(
        (text, ExtractionMethod.TRAFILATURA_FAST),
        (full_text, ExtractionMethod.TRAFILATURA_FULL),
        key=lambda candidate: len(candidate[0]),
    )
    if len(best) >= options.min_text_chars:
        return best, method
    _, baseline_text, _ = baseline(deepcopy(tree))
    if len(baseline_text) > len(best):
        return baseline_text, ExtractionMethod.BASELINE
    return best, method


def trafilatura_text(tree: HtmlElement, *, fast: bool) -> str:
    document = bare_extraction(deepcopy(tree), fast=fast, include_comments=False)
    text = getattr(document, "text", None) if document is not None else None
    return text if isinstance(text, str) else ""


def looks_like_navigation(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < NAVIGATION_MIN_LINES:
        return False
    short = sum(1 for line in lines if len(WORD.findall(line)) <= 3)
    return short / len(lines) > NAVIGATION_SHORT_LINE_SHARE


def word_key(text: str) -> str:
    return " ".join(WORD.findall(text)).lower()


def drop_title_lines(text: str, title: str) -> str:
    """Remove lines that only repeat the headline (the body starts after it)."""
    title_key = word_key(title)
    return "\n".join(line for line in text.splitlines() if word_key(line) != title_key)


def readability_text(tree: HtmlElement) -> str:
    """Text found by trafilatura's port of readability-lxml, the independent second opinion."""
    try:
        summary = ReadabilityDocument(deepcopy(tree), min_text_length=25).summary()
        # itertext, not text_content: table cells and inline blocks must stay separate words
        return " ".join(fromstring(summary).itertext()) if summary.strip() else ""
    except (ValueError, TypeError, LxmlError):
        return ""


def keep_confirmed_lines(text: str, reference: str) -> str:
    """Trim unconfirmed lines off both ends of the text, unless that drops most words.

    Boilerplate (headline, dek, byline, sign-up boxes, copyright) sits before and after the
    article; an unconfirmed line inside it is more often a tweet or lead the reference missed.
    """
    reference_words = word_key(reference).split()
    if not reference_words:
        return text
    reference_trigrams = set(trigrams(reference_words))
    reference_key = f" {' '.join(reference_words)} "
    lines = text.splitlines()
    confirmed = [
        index
        for index, line in enumerate(lines)
        if is_confirmed(line, reference_key, reference_trigrams)
    ]
    if not confirmed:
        return text
    kept = lines[confirmed[0] : confirmed[-1] + 1]
    if len(WORD.findall(" ".join(kept))) < VOTE_MIN_KEPT_SHARE * len(WORD.findall(text)):
        return text
    return "\n".join(kept)


def trigrams(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + 3]) for i in range(len(words) - 2)]


def is_confirmed(line: str, reference_key: str, reference_trigrams: set[tuple[str, ...]]) -> bool:
    """Most of the line's word trigrams occur in the reference (robust to drop caps)."""
    words = word_key(line).split()
    if len(words) < 3:
        return f" {' '.join(words)} " in reference_key
    line_trigrams = trigrams(words)
    found = sum(1 for trigram in line_trigrams if trigram in reference_trigrams)
    return found >= CONFIRMED_TRIGRAM_SHARE * len(line_trigrams)


def find_published(tree: HtmlElement) -> dt.datetime | None:
    """Publication time from explicit metadata (meta tags, ``<time>``, JSON-LD)."""
    values = [str(value) for value in tree.xpath(PUBLISHED_XPATH)]
    values.extend(json_ld_values(tree, "datePublished"))
    for value in values:
        moment = parse_datetime(value)
        if moment is not None:
            return moment
    return None


def json_ld_values(tree: HtmlElement, key: str) -> list[str]:
    found: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            collect_json_key(json.loads(str(script), strict=False), key, found)
        except ValueError:
            continue
    return found


def collect_json_key(node: Any, key: str, found: list[str]) -> None:
    if isinstance(node, dict):
        value = node.get(key)
        if isinstance(value, str):
            found.append(value)
        for child in node.values():
            collect_json_key(child, key, found)
    elif isinstance(node, list):
        for child in node:
            collect_json_key(child, key, found)


def parse_datetime(value: str) -> dt.datetime | None:
    """Aware UTC datetime of an ISO-8601 value; a naive one is taken as UTC."""
    try:
        moment = parse_iso_datetime(value.strip())
    except (ParserError, ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def find_canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    """``<link rel=canonical>``, else ``og:url``, resolved against url; http(s) only."""
    candidates = tree.xpath(
        '//link[contains(concat(" ", normalize-space(translate(@rel, "CANONIL", "canonil")),'
        ' " "), " canonical ")]/@href | //meta[@property="og:url"]/@content'
    )
    for candidate in candidates:
        resolved = urljoin(url or "", str(candidate).strip())
        if urlsplit(resolved).scheme in ("http", "https"):
            try:
                return canonical_url(resolved)
            except InvalidURLError:
                continue
    return None


def find_language(tree: HtmlElement) -> str | None:
    """Primary language subtag from ``<html lang>``, Content-Language or og:locale."""
    values = tree.xpath(
        '/html/@lang | /html/@xml:lang | //meta[@http-equiv="content-language"]/@content'
        ' | //meta[@property="og:locale"]/@content',
        namespaces={"xml": "http://www.w3.org/XML/1998/namespace"},
    )
    for value in values:
        primary = re.split(r"[-_,\s]", str(value).strip().lower())[0]
        if 2 <= len(primary) <= 3 and primary.isalpha():
            return primary
    return None


__all__ = [
    "DEFAULT_MAX_BYTES",
    "ExtractedPage",
    "ExtractionError",
    "ExtractionMethod",
    "ExtractionOptions",
    "error_record",
    "extract_page",
    "extraction_record",
    "read_page_file",
]
