"""OPML import (lenient, over real broken lists) and export (round-trips)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import pytest

from newspulse.sources.opml import OpmlError, OpmlFeed, read_opml, write_opml

OPML = Path(__file__).resolve().parent.parent / "data" / "feeds" / "opml"
# file -> how it is broken, as the repaired note says it
REAL_LISTS = {
    "Sports.opml": None,
    "Australia.opml": "escaped",
    "Tech.opml": "read tag by tag",
    "Programming.opml": "read tag by tag",
    "Russia.opml": "read tag by tag",
}


def xml_urls(content: bytes) -> list[str]:
    """Every xmlUrl value, by regex: the count a lenient reader must reach."""
    return [m.decode() for m in re.findall(rb'xmlUrl="([^"]*)"', content)]


@pytest.mark.parametrize("name", sorted(REAL_LISTS))
def test_real_lists_give_every_feed(name: str) -> None:
    content = (OPML / name).read_bytes()
    result = read_opml(content)
    expected_urls = [url.replace("&amp;", "&") for url in xml_urls(content)]
    assert [feed.url for feed in result.feeds] == expected_urls
    assert result.skipped == []
    assert all(feed.title and feed.title != feed.url for feed in result.feeds)
    category = name.removesuffix(".opml")
    assert {feed.category for feed in result.feeds} == {category}
    note = REAL_LISTS[name]
    if note is None:
        assert result.repaired == []
    else:
        assert len(result.repaired) == 1
        assert note in result.repaired[0]
    assert result.title == "Export from Plenary"


def test_strict_xml_alone_would_lose_most_of_them() -> None:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    broken = 0
    for name in REAL_LISTS:
        try:
            lxml.etree.fromstring((OPML / name).read_bytes(), parser)
        except lxml.etree.XMLSyntaxError:
            broken += 1
    assert broken == 4


def test_titles_with_stray_quotes_are_kept_whole() -> None:
    russia = read_opml((OPML / "Russia.opml").read_bytes())
    assert 'Газета "Коммерсантъ". Главное' in [feed.title for feed in russia.feeds]
    tech = read_opml((OPML / "Tech.opml").read_bytes())
    reply_all = next(feed for feed in tech.feeds if feed.title == "Reply All")
    assert reply_all.url == "https://feeds.megaphone.fm/replyall"


@pytest.mark.parametrize("name", sorted(REAL_LISTS))
def test_real_lists_round_trip(name: str) -> None:
    result = read_opml((OPML / name).read_bytes())
    written = write_opml(result.feeds, title="NewsPulse sources")
    lxml.etree.fromstring(written)  # well-formed, whatever came in
    again = read_opml(written)
    assert again.feeds == result.feeds
    assert (again.title, again.skipped, again.repaired) == ("NewsPulse sources", [], [])


def test_round_trip_of_awkward_values() -> None:
    feeds = [
        OpmlFeed("https://a.example/rss?x=1&y=2", 'Tom & "Jerry" <news>', None, "News/World"),
        OpmlFeed("https://b.example/feed", "Café ☕", "https://b.example/", "News/World"),
        OpmlFeed("https://c.example/atom", "Top level", None, None),
        OpmlFeed("http://d.example/", "Tech feed", None, "Tech"),
        OpmlFeed("https://e.example/", "Deep", None, "A/B/C"),
    ]
    assert read_opml(write_opml(feeds, title="t")).feeds == feeds


def test_categories_from_nesting_and_from_the_attribute() -> None:
    content = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
    <outline text="News"><outline text="World">
        <outline text="A" xmlUrl="https://a.example/rss"/>
        <outline text="B" xmlUrl="https://b.example/rss" category="/Sports/Tennis,/Other"/>
    </outline></outline>
    <outline text="C" xmlUrl="https://c.example/rss"/>
    </body></opml>"""
    result = read_opml(content)
    assert [(f.url, f.category) for f in result.feeds] == [
        ("https://a.example/rss", "News/World"),
        ("https://b.example/rss", "Sports/Tennis"),
        ("https://c.example/rss", None),
    ]
    assert result.title == "Mine"


def test_skipped_outlines_say_why() -> None:
    content = b"""<opml version="1.0"><body>
    <outline text="Good" xmlUrl="https://a.example/rss" htmlUrl="https://a.example/"/>
    <outline text="Note without a feed"/>
    <outline text="Mail" xmlUrl="mailto:x@example.com"/>
    <outline text="Relative" xmlUrl="/rss.xml"/>
    <outline text="Again" xmlUrl="https://a.example/rss"/>
    <outline text="Feed scheme" xmlUrl="feed://f.example/rss"/>
    </body></opml>"""
    result = read_opml(content)
    assert [(f.url, f.html_url) for f in result.feeds] == [
        ("https://a.example/rss", "https://a.example/"),
        ("http://f.example/rss", None),
    ]
    assert result.skipped == [
        "line 3: 'Note without a feed': no xmlUrl",
        "line 4: 'Mail': not an http(s) URL: 'mailto:x@example.com'",
        "line 5: 'Relative': not an http(s) URL: '/rss.xml'",
        "line 6: 'Again': same xmlUrl as line 2",
    ]


def test_broken_single_line_document_is_read_tag_by_tag() -> None:
    content = (
        b'<opml><head><title>One line</title></head><body><outline text="Q&A" title="Q&A">'
        b'<outline text="He said "hi"" xmlUrl="https://a.example/rss" description="<b>x</b>"/>'
        b'<outline text="Two" xmlUrl="https://b.example/rss?a=1&b=2"/></outline></body></opml>'
    )
    result = read_opml(content)
    assert [(f.title, f.url, f.category) for f in result.feeds] == [
        ('He said "hi"', "https://a.example/rss", "Q&A"),
        ("Two", "https://b.example/rss?a=1&b=2", "Q&A"),
    ]
    assert result.title == "One line"
    assert "read tag by tag" in result.repaired[0]


@pytest.mark.parametrize(
    "content", [b"", b"<html><body><p>no outlines</p></body></html>", b"not xml at all"]
)
def test_documents_without_outlines_raise(content: bytes) -> None:
    with pytest.raises(OpmlError, match="no <outline>"):
        read_opml(content)


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", "utf-8")
    content = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "'
        + secret.as_uri().encode()
        + b'">]><opml><body><outline text="&x;" xmlUrl="https://a.example/rss"/></body></opml>'
    )
    result = read_opml(content)
    assert "TOP-SECRET" not in repr(result)
    assert [feed.url for feed in result.feeds] == ["https://a.example/rss"]


def test_tag_by_tag_reports_lines_of_skipped_outlines() -> None:
    content = (
        b'<opml><body>\n<outline text="A & B" xmlUrl="https://a.example/rss"/>\n'
        b'<outline text="No feed"/>\n</body></opml>'
    )
    result = read_opml(content.replace(b'"A & B"', b'"A "&" B"'))
    assert [feed.title for feed in result.feeds] == ['A "&" B']
    assert result.skipped == ["line 3: 'No feed': no xmlUrl"]
