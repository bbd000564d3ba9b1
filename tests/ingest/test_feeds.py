"""Feed parsing: golden pairs from two other parsers' suites, feedparser's edge cases, XML bombs.

Golden files (``tests/data/feeds/README.md`` says where they come from) are compared on what
both formats express: feed title and site link, item count, and per item title, link and
dates.  Deliberate normalisations, applied to the expected side before comparing:

- URLs: relative links are joined to the feed URL here (feed-rs keeps them relative), and
  both sides go through :func:`same_url` (feed-rs's Rust ``url`` crate lowercases the host
  and adds ``/`` to an empty path).
- An RSS item without ``<link>`` takes its permalink guid as link (RSS 2.0: isPermaLink
  defaults to true); feed-rs leaves the link empty.
- Titles are plain text here: markup and entities left in a title are rendered (rss-parser
  keeps ``&#x0024;`` and ``<sup>``; a JSON Feed title with a literal ``&#8211;``).
- ``published`` falls back to ``updated``; feed-rs copies an RSS ``pubDate`` into
  ``updated``, so "updated" is compared as ``updated or published`` on both sides.
- rss-parser mis-decoded ``uolNoticias.rss`` (ISO-8859-1 declared, Windows-1252 bytes) into
  U+FFFD; each U+FFFD in its expected title matches any one character here.
- :data:`DATE_DIFFERENCES`: two dates feed-rs rejects and both our parsers read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from newspulse.domain import Entry
from newspulse.errors import NewsPulseError
from newspulse.ingest.feeds import (
    FeedParseError,
    ParsedFeed,
    entries_from_feed,
    parse_feed,
    parse_with_feedparser,
)
from newspulse.ingest.sanitize import html_to_text

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
FEED_URL = "https://fixtures.example/blog/feed.xml"
FEED_RS = sorted((FEEDS / "feed-rs").rglob("*.serde.json"))
RSS_PARSER = sorted((FEEDS / "rss-parser" / "expected").glob("*.json"))
FEEDPARSER_CORPUS = sorted(
    p for p in (FEEDS / "feedparser").rglob("*") if p.is_file() and p.name != "LICENSE"
)
# (fixture, item index) -> the date we give where feed-rs gives none.
DATE_DIFFERENCES = {
    # "2017-06-13T03:18:00+00:0": a truncated offset, read leniently as UTC.
    ("rss_1.0_example_1.xml", 1): "2017-06-13T03:18:00Z",
    # "Sat, Dec 16 2023 02:02:33 PM": feedparser and fastfeedparser both drop "PM" (known gap).
    ("rss_2.0_nbcny.xml", 0): "2023-12-16T02:02:33Z",
}
_MARKUP = re.compile(r"&#?\w+;|<[A-Za-z/][^>]*>")


def same_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.lower(), path=parts.path or "/").geturl()


def plain_title(title: str | None) -> str:
    title = title or ""
    return " ".join((html_to_text(title) if _MARKUP.search(title) else title).split())


def iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def iso_from_text(text: str | None) -> str | None:
    return iso(dt.datetime.fromisoformat(text.replace("Z", "+00:00"))) if text else None


def parse_file(path: Path, **kwargs: Any) -> ParsedFeed:
    return parse_feed(path.read_bytes(), url=FEED_URL, **kwargs)


# --- golden: feed-rs ---------------------------------------------------------------------


def feed_rs_source(expected: Path) -> Path:
    stem = expected.name.removesuffix(".serde.json")
    return next(p for p in expected.parent.iterdir() if p.stem == stem and p != expected)


def feed_rs_text(value: dict[str, Any] | None) -> str:
    if not value or not value.get("content"):
        return ""
    return plain_title(value["content"])


def feed_rs_link(links: list[dict[str, Any]]) -> str | None:
    href = next((x["href"] for x in links if x["rel"] in (None, "alternate")), None)
    return same_url(urljoin(FEED_URL, href)) if href else None


@pytest.mark.parametrize("expected_path", FEED_RS, ids=lambda p: p.name)
def test_feed_rs_golden(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text("utf-8"))
    source = feed_rs_source(expected_path)
    feed = parse_file(source)
    assert feed.title == feed_rs_text(expected["title"])
    assert same_url(feed.site_url) == feed_rs_link(expected["links"])
    assert len(feed.items) == len(expected["entries"])
    for index, (item, entry) in enumerate(zip(feed.items, expected["entries"], strict=True)):
        assert item.title == feed_rs_text(entry["title"]), index
        link = feed_rs_link(entry["links"])
        if link is None and feed.parser != "jsonfeed" and source.parent.name.startswith("rss"):
            link = same_url(entry["id"]) if entry["id"].startswith("http") else None
        assert same_url(item.link) == link, index
        published = iso_from_text(entry["published"] or entry["updated"])
        published = DATE_DIFFERENCES.get((source.name, index), published)
        assert iso(item.published) == published, index
        updated = iso_from_text(entry["updated"] or entry["published"])
        assert iso(item.updated or item.published) == DATE_DIFFERENCES.get(
            (source.name, index), updated
        ), index


# --- golden: rss-parser --------------------------------------------------------------------


def rss_parser_title_matches(ours: str, expected: str | None) -> bool:
    expected_title = plain_title(expected)
    if "\ufffd" not in expected_title:
        return ours == expected_title
    pattern = ".".join(re.escape(part) for part in expected_title.split("\ufffd"))
    return re.fullmatch(pattern, ours) is not None


@pytest.mark.parametrize("expected_path", RSS_PARSER, ids=lambda p: p.stem)
def test_rss_parser_golden(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text("utf-8"))["feed"]
    source = next((FEEDS / "rss-parser" / "input").glob(expected_path.stem + ".*"))
    feed = parse_file(source)
    assert rss_parser_title_matches(feed.title, expected["title"])
    if expected.get("link"):
        assert same_url(feed.site_url) == same_url(urljoin(FEED_URL, expected["link"]))
    assert len(feed.items) == len(expected["items"])
    for index, (item, entry) in enumerate(zip(feed.items, expected["items"], strict=True)):
        assert rss_parser_title_matches(item.title, entry.get("title")), (index, item.title)
        link = entry.get("link")
        assert same_url(item.link) == same_url(urljoin(FEED_URL, link.strip()) if link else None)
        iso_date = entry.get("isoDate")
        assert iso(item.published) == (iso_date[:19] + "Z" if iso_date else None), index


def test_golden_sets_are_complete() -> None:
    assert len(FEED_RS) == 64
    assert len(RSS_PARSER) == 29


# --- the router ------------------------------------------------------------------------------


def fixture_feeds() -> list[Path]:
    inputs = [*(FEEDS / "feed-rs").rglob("*.xml"), *(FEEDS / "rss-parser").rglob("input*/*")]
    return sorted(p for p in inputs if p.suffix not in (".json", ".txt"))


def test_router_choice_does_not_change_titles_links_or_dates() -> None:
    """Feeds read by fastfeedparser give feedparser's titles, links and dates."""
    compared = 0
    for path in fixture_feeds():
        try:
            fast = parse_file(path)
        except FeedParseError:
            continue
        if fast.parser != "fastfeedparser":
            continue
        slow = parse_with_feedparser(path.read_bytes(), url=FEED_URL)
        compared += 1
        assert (fast.title, fast.site_url) == (slow.title, slow.site_url), path.name
        for ours, theirs in zip(fast.items, slow.items, strict=True):
            assert (ours.title, ours.link) == (theirs.title, theirs.link), path.name
            if path.name != "rss_2.0_ilmessaggero.xml":  # "mer, 16 nov 2022": feedparser gives up
                assert ours.published == theirs.published, path.name
    assert compared >= 70


def test_malformed_feed_is_recovered_by_feedparser() -> None:
    content = (
        b"<rss version='2.0'><channel><title>Tom & Jerry</title>"
        b"<item><title>One & two</title><link>/a</link></item></channel></rss>"
    )
    feed = parse_feed(content, url=FEED_URL)
    assert feed.parser == "feedparser"
    assert feed.problem is not None
    assert feed.problem.startswith("not well-formed XML")
    assert [(i.title, i.link) for i in feed.items] == [("One & two", "https://fixtures.example/a")]


def test_well_formed_feed_takes_the_fast_path() -> None:
    feed = parse_file(FEEDS / "feed-rs" / "rss2" / "rss_2.0_example_1.xml")
    assert feed.parser == "fastfeedparser"
    assert feed.problem is None
    assert feed.ttl_minutes == 1800


def test_json_feed() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "home_page_url": "https://j.example/",
        "language": "en",
        "items": [
            {
                "id": 1,
                "url": "/posts/1",
                "title": "First",
                "content_text": "Line one.\nLine <two>.",
                "date_published": "2024-05-01T10:00:00+02:00",
                "authors": [{"name": "Ann"}, {"name": "Bo"}],
                "tags": ["x", "y"],
                "attachments": [{"url": "/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 9}],
            }
        ],
    }
    feed = parse_feed(json.dumps(document).encode(), url=FEED_URL)
    item = feed.items[0]
    assert (feed.parser, feed.title, feed.site_url, feed.language) == (
        "jsonfeed",
        "J",
        "https://j.example/",
        "en",
    )
    assert item.link == "https://fixtures.example/posts/1"
    assert item.guid == "1"
    assert item.published == dt.datetime(2024, 5, 1, 8, tzinfo=dt.UTC)
    assert item.content_html == "<p>Line one.</p><p>Line &lt;two&gt;.</p>"
    assert item.summary == "Line one. Line <two>."
    assert item.author == "Ann, Bo"
    assert item.categories == ("x", "y")
    assert item.enclosure is not None
    assert item.enclosure.url == "https://fixtures.example/a.mp3"


@pytest.mark.parametrize(
    "document",
    [
        {"version": "https://jsonfeed.org/version/1", "title": "T", "items": "not a list"},
        {"version": "https://jsonfeed.org/version/1", "title": "T", "items": [1, None, []]},
        {
            "version": "https://jsonfeed.org/version/1",
            "items": [
                {
                    "id": None,
                    "url": 5,
                    "title": ["x"],
                    "tags": "abc",
                    "authors": "Ann",
                    "author": "Bo",
                    "attachments": {"url": "/a"},
                    "date_published": "yesterday",
                    "content_html": {"x": 1},
                }
            ],
        },
    ],
)
def test_json_feed_with_wrong_types_is_read_not_crashed(document: dict[str, Any]) -> None:
    feed = parse_feed(json.dumps(document).encode(), url=FEED_URL)
    assert all(item.categories == () and item.enclosure is None for item in feed.items)


def test_rss_090_goes_to_feedparser_when_fastfeedparser_misses_items() -> None:
    content = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title>'
        b"<link>http://old.example/</link></channel>"
        b"<item><title>One</title><link>http://old.example/1</link></item></rdf:RDF>"
    )
    feed = parse_feed(content, url=FEED_URL)
    assert feed.parser == "feedparser"
    assert feed.problem == "fastfeedparser read 0 of 1 items, title ''"
    assert (feed.title, feed.site_url) == ("Old", "http://old.example/")
    assert [(i.title, i.link) for i in feed.items] == [("One", "http://old.example/1")]


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (b"", None, "not a feed"),
        (b"   \n", None, "not a feed"),
        (b"<html><body><p>Not a feed</p></body></html>", "text/html", "not a feed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "not a feed"),
        (b"{not json", None, "invalid JSON"),
        (b'{"version": "1", "items": []}', None, "not a JSON Feed"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "invalid JSON"),
        (b"<rss version='2.0'><channel></channel></rss>", None, "nothing usable"),
    ],
)
def test_documents_without_a_feed_raise_feed_parse_error(
    content: bytes, content_type: str | None, reason: str
) -> None:
    with pytest.raises(FeedParseError, match=reason) as raised:
        parse_feed(content, url=FEED_URL, content_type=content_type)
    assert isinstance(raised.value, NewsPulseError)
    assert raised.value.url == FEED_URL
    assert FEED_URL in str(raised.value)


# --- normalisation --------------------------------------------------------------------------

HOSTILE_ITEM = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>T</title><link>/</link><ttl>30</ttl><language>en-gb</language>
<item><title>Caf&#233; &amp;amp; <![CDATA[<b>bar</b>]]></title><link>/news/1</link>
<guid isPermaLink="false">id-1</guid><pubDate>Tue, 10 Jun 2003 04:00:00 +0200</pubDate>
<description><![CDATA[<p>Short <script>alert(1)</script>summary.</p>]]></description>
<content:encoded><![CDATA[<p onclick="x()">Full <a href="javascript:alert(1)">text</a>
<img src="/i.png" onerror="alert(1)"></p><iframe src="https://evil.example/"></iframe>
<p>Second paragraph.</p>]]></content:encoded>
<category>World</category><category>World</category>
<enclosure url="/a.mp3" type="audio/mpeg" length="123"/></item>
<item><title></title><link>urn:x:1</link><description>No web link</description></item>
</channel></rss>"""


@pytest.mark.parametrize("parse", [parse_feed, parse_with_feedparser])
def test_items_are_normalised_and_sanitised(parse: Any) -> None:
    feed = parse(HOSTILE_ITEM, url=FEED_URL)
    assert (feed.title, feed.site_url, feed.ttl_minutes, feed.language) == (
        "T",
        "https://fixtures.example/",
        30,
        "en-gb",
    )
    item = feed.items[0]
    assert item.title == "Café & bar"
    assert item.link == "https://fixtures.example/news/1"
    assert item.guid == "id-1"
    assert item.published == dt.datetime(2003, 6, 10, 2, tzinfo=dt.UTC)
    assert item.summary == "Short summary."
    assert "script" not in item.content_html
    assert "onclick" not in item.content_html
    assert "onerror" not in item.content_html
    assert "javascript:" not in item.content_html
    assert "iframe" not in item.content_html
    assert 'src="https://fixtures.example/i.png"' in item.content_html
    assert html_to_text(item.content_html) == "Full text\nSecond paragraph."
    assert item.categories == ("World",)
    assert item.enclosure is not None
    assert (item.enclosure.url, item.enclosure.length) == ("https://fixtures.example/a.mp3", 123)
    assert feed.items[1].link is None


def test_entries_from_feed() -> None:
    feed = parse_feed(HOSTILE_ITEM, url=FEED_URL)
    entries = entries_from_feed(feed, source="fixtures.example")
    assert entries == [
        Entry(
            url="https://fixtures.example/news/1",
            source="fixtures.example",
            title="Café & bar",
            text="Full text\nSecond paragraph.",
            published_at=dt.datetime(2003, 6, 10, 2, tzinfo=dt.UTC),
            summary="Short summary.",
            author=None,
            language="en-gb",
            title_derived=False,
        )
    ]


def test_entries_from_feed_derive_missing_titles_and_fall_back_to_the_summary() -> None:
    content = (
        b"<rss version='2.0'><channel><title>T</title>"
        b"<item><link>https://a.example/1</link><description>Only a summary here. More."
        b"</description></item></channel></rss>"
    )
    [entry] = entries_from_feed(parse_feed(content, url=FEED_URL), source="a.example")
    assert (entry.title, entry.text, entry.title_derived) == (
        "Only a summary here. More.",
        "Only a summary here. More.",
        True,
    )


def test_entries_from_every_golden_feed_have_urls_text_and_aware_dates() -> None:
    total = 0
    for path in fixture_feeds():
        try:
            feed = parse_file(path)
        except FeedParseError:
            continue
        for entry in entries_from_feed(feed, source="golden"):
            total += 1
            assert entry.url.startswith(("http://", "https://"))
            assert entry.text
            assert entry.published_at is None or entry.published_at.tzinfo is dt.UTC
    assert total >= 1480  # 1,485 of the items carry an http(s) link or permalink guid


# --- robustness -------------------------------------------------------------------------------


def content_type_header(content: bytes) -> str | None:
    """feedparser's corpus names the Content-type its test server sent, in a comment."""
    match = re.search(rb"Header:\s*Content-type:\s*([^\r\n]*)", content, re.IGNORECASE)
    return match.group(1).decode("latin-1").strip() if match else None


def test_feedparser_corpus_raises_nothing_but_feed_parse_error() -> None:
    assert len(FEEDPARSER_CORPUS) == 300
    outcomes = {"ok": 0, "FeedParseError": 0}
    for path in FEEDPARSER_CORPUS:
        content = path.read_bytes()
        for parse in (parse_feed, parse_with_feedparser):
            try:
                parse(content, url=f"http://example.com/{path.name}", **header_of(content))
            except FeedParseError:
                outcomes["FeedParseError"] += 1
            else:
                outcomes["ok"] += 1
    assert outcomes["ok"] > outcomes["FeedParseError"]


def header_of(content: bytes) -> dict[str, str | None]:
    return {"content_type": content_type_header(content)}


def test_feedparser_corpus_folders_are_all_copied() -> None:
    folders = {path.relative_to(FEEDS / "feedparser").parts[0] for path in FEEDPARSER_CORPUS}
    assert {"encoding", "illformed", "entities", "wellformed"} <= folders


# --- XML attacks --------------------------------------------------------------------------------


def billion_laughs() -> bytes:
    declarations = [b'<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        reference = b"&lol%d;" % (level - 1)
        declarations.append(b'<!ENTITY lol%d "%s">' % (level, reference * 10))
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
        + b"\n".join(declarations)
        + b"\n]>\n<rss version='2.0'><channel><title>Bomb &lol9;</title><item><title>t &lol9;"
        b"</title><link>http://x.example/1</link><description>&lol9;</description></item>"
        b"</channel></rss>"
    )


def quadratic_blowup() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "'
        + b"A" * 50_000
        + b"\">]><rss version='2.0'><channel><title>q</title><item><title>t</title>"
        b"<link>http://x.example/1</link><description>"
        + b"&a;" * 5_000
        + b"</description></item></channel></rss>"
    )


def external_entity(target: str) -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "'
        + target.encode()
        + b"\">]><rss version='2.0'><channel><title>X &xxe;</title><item><title>t &xxe;</title>"
        b"<link>http://x.example/1</link><description>d &xxe;</description></item>"
        b"</channel></rss>"
    )


def parameter_entity(target: str) -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "'
        + target.encode()
        + b"\"> %p;]><rss version='2.0'><channel><title>X</title><item><title>t</title>"
        b"<link>http://x.example/1</link></item></channel></rss>"
    )


def text_of(feed: ParsedFeed) -> str:
    return repr(feed)


@pytest.mark.parametrize("bomb", [billion_laughs, quadratic_blowup], ids=lambda f: f.__name__)
def test_entity_expansion_bombs_are_not_expanded(bomb: Any) -> None:
    started = time.perf_counter()
    feed = parse_with_feedparser(bomb(), url=FEED_URL)
    assert time.perf_counter() - started < 5
    assert "lollol" not in text_of(feed)
    assert "A" * 1000 not in text_of(feed)
    assert len(text_of(feed)) < 50_000


@pytest.mark.parametrize("bomb", [billion_laughs, quadratic_blowup], ids=lambda f: f.__name__)
def test_parse_feed_refuses_entity_bombs_without_the_lenient_parser(bomb: Any) -> None:
    """The strict parser refuses them; feedparser would spend seconds and 100+ MB more."""
    started = time.perf_counter()
    with pytest.raises(FeedParseError, match="entity declarations"):
        parse_feed(bomb(), url=FEED_URL)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("parse", [parse_feed, parse_with_feedparser])
@pytest.mark.parametrize("attack", [external_entity, parameter_entity], ids=lambda f: f.__name__)
def test_external_entities_are_not_loaded(parse: Any, attack: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", "utf-8")
    for target in (secret.as_uri(), "http://127.0.0.1:9/evil.dtd"):
        try:
            feed = parse(attack(target), url=FEED_URL)
        except FeedParseError:
            continue
        assert "TOP-SECRET" not in text_of(feed)


def test_external_dtd_is_not_fetched() -> None:
    content = (
        b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">'
        b"<rss version='2.0'><channel><title>X &evil;</title><item><title>t</title>"
        b"<link>http://x.example/1</link></item></channel></rss>"
    )
    started = time.perf_counter()
    feed = parse_feed(content, url=FEED_URL)
    assert time.perf_counter() - started < 2
    assert [item.title for item in feed.items] == ["t"]
