"""Rendered pages: the anatomy of product.md §1, relative links, citations and escaping."""

from __future__ import annotations

import posixpath
import re
from typing import Any

import pytest

from newspulse.publish import site

from .conftest import CRYPTO, HOSTILE_TITLE, INFRA, MARKETS, NOW, FakeSiteStore
from .pages import headings, is_internal, parse_page, split_target


def render_all(store: FakeSiteStore) -> dict[str, str]:
    """Every page by its path from the site root."""
    topic = (INFRA.vertical, INFRA.slug)
    return {
        "": site.render_home(store, now=NOW),
        "ai/": site.render_vertical(store, "ai", now=NOW),
        "ai/ai-infrastructure-funding/": site.render_topic(store, *topic, now=NOW),
        "ai/ai-infrastructure-funding/sources/": site.render_topic_sources(store, *topic, now=NOW),
    }


def test_home_lists_verticals_topics_and_briefing_facts(store: FakeSiteStore) -> None:
    html = site.render_home(store, now=NOW)
    for text in ("AI", "Crypto", "AI Infrastructure &amp; Funding", INFRA.tagline.split(",")[0]):
        assert text in html
    assert "Chip Startups Draw Record Funding as Memory Shortages Bite" in html
    assert "4 sources" in html
    # Updated: relative, and absolute in UTC (time.js adds the reader's local time).
    assert (
        'Updated <span class="age" data-since="2026-02-26T14:05:00Z">19 hours ago</span> '
        '(<time class="local-time" '
        'datetime="2026-02-26T14:05:00Z">26 Feb 2026, 14:05 UTC</time>)'
    ) in html
    assert html.count("No briefing yet") == 2
    assert 'href="./ai/ai-infrastructure-funding/"' in html
    assert 'href="./static/style.css"' in html


def test_vertical_page_shows_headline_and_notable(store: FakeSiteStore) -> None:
    html = site.render_vertical(store, "ai", now=NOW)
    assert "<h1>AI</h1>" in html
    assert "Memory makers warned of an HBM shortage into 2027." in html
    assert 'href="../ai/ai-infrastructure-funding/sources/#s-a104"' in html
    assert "Crypto Markets" not in html


def test_topic_page_has_full_anatomy(store: FakeSiteStore, document: dict[str, Any]) -> None:
    html = site.render_topic(store, INFRA.vertical, INFRA.slug, now=NOW)
    page = parse_page(html)
    for text in (
        "<h1>AI Infrastructure &amp; Funding</h1>",
        '<p class="tagline">Hardware, data centers',
        '<p class="headline">Chip Startups Draw Record Funding',
        "Etched raised $500 million.<sup",
        ">Funding for challengers to the incumbent GPU makers</h2>",
        ">Memory and storage supply</h2>",
        "Investors kept backing custom AI silicon.",
        '<ul class="bullets children">',
        "It plans to ship its first chip in 2027.",
        'as of <time datetime="2026-02-24">24 Feb 2026</time>',
        '2 publishers · newest <time datetime="2026-02-24">24 Feb 2026</time>',
        ">Notable recent developments</h2>",
        ">Implications</h2>",
        ">In summary</h2>",
        "Verified against 4 sources: 8 of 9 statements supported · 1 withheld",
        '<a href="#sources-heading">Sources (4)</a> · Updated <span class="age"',
        'data-since="2026-02-26T14:05:00Z">19 hours ago</span>',
        'datetime="2026-02-26T14:05:00Z">26 Feb 2026, 14:05 UTC</time>)',
        '2 publishers · newest <time datetime="2026-02-24">24 Feb 2026</time> (3 days ago)',
        'href="../../api/v1/topics/ai-infrastructure-funding.json"',
    ):
        assert text in html, text
    assert headings(page)[0] == 1
    assert all(b - a <= 1 for a, b in zip(headings(page), headings(page)[1:], strict=False))
    assert {"header", "nav", "main", "footer"} <= set(page.tags)
    assert '<html lang="en">' in html
    assert 'name="viewport"' in html


def test_citations_link_to_source_anchors(store: FakeSiteStore, document: dict[str, Any]) -> None:
    store.passages = {("sections.1.bullets.0", "a104"): "HBM is sold out <b>through</b> 2026"}
    html = site.render_topic(store, INFRA.vertical, INFRA.slug, now=NOW)
    topic_page = parse_page(html)
    sources_page = parse_page(site.render_topic_sources(store, INFRA.vertical, INFRA.slug, now=NOW))
    citations = [link for link in topic_page.links if link["href"].startswith("sources/#")]
    assert citations
    numbers = {s["id"]: n for n, s in enumerate(document["sources"], start=1)}
    for link in citations:
        _, anchor = split_target(link["href"])
        assert anchor in sources_page.ids
        assert anchor in topic_page.ids  # the expandable source list on the page itself
        # Each marker names the card that shows its outlet, date and passage.
        assert link["aria-describedby"] in topic_page.ids
    card = html.split('id="tip-sections-1-bullets-0-0">', 1)[1].split("</sup>", 1)[0]
    assert '<span class="cite-outlet">Financial Times</span>' in card
    assert '<time datetime="2026-02-26T08:00:00Z">26 Feb 2026, 08:00 UTC</time>' in card
    assert '<q class="cite-passage">HBM is sold out &lt;b&gt;through&lt;/b&gt; 2026</q>' in card
    assert 'href="../../events/9/">The story from all outlets</a>' in card
    assert f'>[{numbers["a104"]}]</a><span class="cite-card"' in html


def test_vertical_page_citations_keep_their_titles(store: FakeSiteStore) -> None:
    html = site.render_vertical(store, "ai", now=NOW)
    expected_title = "Financial Times · 26 Feb 2026, 08:00 UTC · Memory makers warn HBM shortage"
    assert f'href="../ai/ai-infrastructure-funding/sources/#s-a104" title="{expected_title}' in html


def test_sources_page_groups_and_marks_dates(store: FakeSiteStore) -> None:
    html = site.render_topic_sources(store, INFRA.vertical, INFRA.slug, now=NOW)
    page = parse_page(html)
    assert {"s-a101", "s-a102", "s-a103", "s-a104"} <= page.ids
    assert ">Other</h2>" in html
    assert (
        '<a href="../../../events/7/">Etched raises $500 million as AI chip startups draw '
        "record funding</a></h2>"
    ) in html
    assert "date estimated" in html
    outbound = [link for link in page.links if not is_internal(link["href"])]
    assert len(outbound) == 3
    assert all(link["rel"] == "noopener nofollow" for link in outbound)


OWN_SCRIPT = re.compile(
    r'<script src="(?:\./|(?:\.\./)+)static/(?:time|search)\.js" defer></script>'
)


def test_hostile_source_renders_inert(store: FakeSiteStore) -> None:
    for html in render_all(store).values():
        assert "<script" not in OWN_SCRIPT.sub("", html)
        assert not any(href.lower().startswith("javascript") for href in parse_page(html).hrefs)
        assert "<b>Outlet</b>" not in html
    sources = render_all(store)["ai/ai-infrastructure-funding/sources/"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Chipmaker shares jump" in sources
    assert '<span class="url">javascript:alert(1)</span>' in sources
    assert HOSTILE_TITLE not in sources


def test_relative_links_stay_inside_the_site(store: FakeSiteStore) -> None:
    pages = render_all(store)
    for page_path, html in pages.items():
        for href in parse_page(html).hrefs:
            if not is_internal(href) or href.startswith("#"):
                continue
            path, _ = split_target(href)
            target = posixpath.normpath(posixpath.join(page_path, path))
            assert not target.startswith(".."), (page_path, href)


def test_topic_without_briefing_renders_gracefully(store: FakeSiteStore) -> None:
    html = site.render_topic(store, MARKETS.vertical, MARKETS.slug, now=NOW)
    assert "No briefing yet" in html
    assert "<h1>Crypto Markets</h1>" in html
    sources = site.render_topic_sources(store, MARKETS.vertical, MARKETS.slug, now=NOW)
    assert "No briefing yet" in sources


def test_vertical_description_is_escaped(store: FakeSiteStore) -> None:
    html = site.render_vertical(store, CRYPTO.slug, now=NOW)
    assert "Digital assets &amp; their &lt;regulators&gt;." in html


@pytest.mark.parametrize(
    ("vertical", "topic"),
    [("nope", INFRA.slug), ("ai", "nope"), ("crypto", INFRA.slug)],
)
def test_unknown_pages_raise_not_found(store: FakeSiteStore, vertical: str, topic: str) -> None:
    with pytest.raises(site.PageNotFoundError):
        site.render_topic(store, vertical, topic, now=NOW)
    with pytest.raises(site.PageNotFoundError):
        site.render_topic_sources(store, vertical, topic, now=NOW)


def test_topic_page_shows_the_timeline_escaped(
    store: FakeSiteStore, document: dict[str, Any]
) -> None:
    document["timeline"] = [
        {
            "date": "2026-02-20",
            "text": "<b>Etched</b> raises $500 million",
            "citations": ["a101"],
            "event_id": 9,
        },
    ]
    html = site.render_topic(store, INFRA.vertical, INFRA.slug, now=NOW)
    timeline = html.split('<section class="timeline"', 1)[1].split("</section>", 1)[0]
    assert '<h2 id="timeline">Timeline</h2>' in timeline
    assert '<time datetime="2026-02-20">20 Feb 2026</time>' in timeline
    assert '<a href="../../events/9/">&lt;b&gt;Etched&lt;/b&gt; raises $500 million</a>' in timeline
    assert 'href="sources/#s-a101"' in timeline
    del document["timeline"]
    assert 'class="timeline"' not in site.render_topic(store, INFRA.vertical, INFRA.slug, now=NOW)


def test_every_statement_renders_its_markers_three_then_the_rest_behind_plus_n(
    store: FakeSiteStore, document: dict[str, Any]
) -> None:
    """Each statement path shows as many markers as it has citations: the first three in
    order, then "+N" opening the others (none dropped, none left unrendered)."""
    from newspulse.evaluation.readability import page_statements

    ids = [source["id"] for source in document["sources"]]
    document["sections"][0]["bullets"][0]["children"][0]["citations"] = ids[:5]
    document["lead"][0]["citations"] = ids[:4]
    html = site.render_topic(store, INFRA.vertical, INFRA.slug, now=NOW)
    statements = list(page_statements(document))
    assert any(s.citations > 3 for s in statements)
    for statement in statements:
        prefix = f"tip-{statement.path.replace('.', '-')}-"
        shown = re.findall(rf'aria-describedby="{prefix}(\d+)"', html)
        assert [int(n) for n in shown] == list(range(statement.citations)), statement.path
        if statement.citations > 3:
            after_third = html.split(f'id="{prefix}2"', 1)[1]
            more = after_third.split('<span class="cite-rest">', 1)
            assert f">+{statement.citations - 3}</label>" in more[0]
            assert f'aria-describedby="{prefix}3"' in more[1]
