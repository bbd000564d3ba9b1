"""History, permalinks, event, search and operators' pages over a real SQLite store,
hostile source text included (it must render inert on every page)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from newspulse.publish import site_pages, site_search
from newspulse.publish.app import create_app
from newspulse.publish.page_cache import PageCache
from newspulse.store.base import SourcePollState
from newspulse.store.sql import SqlStore
from tests.admin import ADMIN_TOKEN, OPERATOR
from tests.store.sample import DAY, HOSTILE, Sample, fill_sample

from .conftest import make_briefing

NOW = DAY + dt.timedelta(days=1)
TOPIC = "/ai/ai-infrastructure-funding/"
HOSTILE_CORRECTION = '<script>alert("c")</script> The fab fire figure was wrong.'


@dataclass(frozen=True)
class SampleSite:
    store: SqlStore
    client: TestClient
    ids: Sample


@pytest.fixture
def sample_site(tmp_path: Path) -> Iterator[SampleSite]:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'pages.db'}")
    store.migrate()
    ids = fill_sample(store)
    document = make_briefing().to_json()
    # Cite the stored articles, so cards, copies and event links have real rows behind them.
    document["sources"][0].update(id="etched-reuters", event_id=ids.funding_event)
    document["sources"][2].update(id="hostile", event_id=ids.hostile_event)
    document["event_ids"] = [ids.funding_event, ids.hostile_event]
    for section in document["sections"]:
        for bullet in section["bullets"]:
            bullet["citations"] = [
                {"a101": "etched-reuters", "a103": "hostile"}.get(c, c) for c in bullet["citations"]
            ]
    first = {**document, "headline": "Etched raises $500 million"}
    store.save_version(
        topic="ai-infrastructure-funding",
        document={**first, "changes": {"first_version": True}},
        fingerprint="one",
        settings={},
        input_article_ids=[ids.etched_reuters],
        diff={"first_version": True, "events_added": [ids.funding_event]},
        citations=[("sections.0.bullets.0", ids.etched_reuters, "raised $500 million", 0.9)],
        created_at=DAY,
    )
    diff = {
        "first_version": False,
        "previous_version": 1,
        "events_added": [ids.hostile_event],
        "events_removed": [],
        "bullets_added": [HOSTILE],
        "bullets_removed": ["Etched raised $500 million."],
        "headline_changed": True,
    }
    store.save_version(
        topic="ai-infrastructure-funding",
        document={**document, "changes": diff},
        fingerprint="two",
        settings={},
        input_article_ids=[ids.etched_reuters, ids.hostile],
        diff=diff,
        citations=[("sections.1.bullets.1", ids.hostile, HOSTILE, 0.7)],
        created_at=DAY + dt.timedelta(hours=12),
    )
    store.add_correction(
        "ai-infrastructure-funding",
        HOSTILE_CORRECTION,
        created_at=DAY + dt.timedelta(hours=13),
        article_id=ids.hostile,
    )
    client = TestClient(
        create_app(store, now_fn=lambda: NOW, admin_token=ADMIN_TOKEN), headers=OPERATOR
    )
    yield SampleSite(store, client, ids)
    store.close()


def page(site: SampleSite, path: str, status: int = 200) -> str:
    response = site.client.get(path)
    assert response.status_code == status, (path, response.text[:500])
    return response.text


class ElementAudit(HTMLParser):
    """Every element and attribute the browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(html: str) -> None:
    """No markup from a source survives: no script but ours, no element a source could
    bring, no event handler attribute, no script URL."""
    audit = ElementAudit()
    audit.feed(html)
    for tag, attrs in audit.elements:
        if tag == "script":
            assert re.fullmatch(r"(\./|(\.\./)+)static/(time|search)\.js", attrs.get("src", ""))
        assert tag not in {"img", "iframe", "object", "embed", "b", "i"}, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            value = attrs.get(name, "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)


def test_event_page_shows_timeline_copies_facts_and_briefings(sample_site: SampleSite) -> None:
    html = page(sample_site, f"/events/{sample_site.ids.funding_event}/")
    assert "<h1>Etched raises $500 million for transformer chips</h1>" in html
    assert "2 articles from 3 outlets (1 syndicated copy folded)" in html
    reuters, bloomberg = html.index(">Reuters<"), html.index(">Bloomberg<")
    assert reuters < bloomberg  # oldest first
    copies = html.split('<details class="copies">', 1)[1].split("</details>", 1)[0]
    assert "Also carried by 1 outlet" in copies
    assert "Yahoo Finance" in copies
    assert "<li>Etched</li>" in html
    assert (
        '<a href="../../ai/ai-infrastructure-funding/">AI Infrastructure &amp; Funding</a>' in html
    )
    assert "not in its current briefing" not in html  # the current version uses it
    assert_inert(html)


def test_hostile_event_page_is_inert(sample_site: SampleSite) -> None:
    html = page(sample_site, f"/events/{sample_site.ids.hostile_event}/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # A fact that is markup is never shown as markup (nor as a name chip: no headline names it).
    assert "<b>fab</b>" not in html
    assert '<span class="url">javascript:alert(1)</span>' in html
    assert_inert(html)


def test_a_merged_away_event_redirects_to_the_event_that_took_its_articles(
    sample_site: SampleSite,
) -> None:
    store, ids = sample_site.store, sample_site.ids
    members = [a.id for e in (ids.funding_event, ids.hostile_event)
               for a in store.get_event(e).articles]  # type: ignore[union-attr]  # fmt: skip
    store.apply_regroups(
        [(ids.funding_event, members, np.ones(4, dtype=np.float32))], [ids.hostile_event], NOW
    )
    response = sample_site.client.get(f"/events/{ids.hostile_event}/", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == f"../{ids.funding_event}/"
    assert "Etched" in sample_site.client.get(f"/events/{ids.hostile_event}/").text


def test_missing_event_is_a_404_page(sample_site: SampleSite) -> None:
    html = page(sample_site, "/events/424242/", status=404)
    assert "no longer tracked" in html
    assert page(sample_site, "/events/0/", status=422)
    response = sample_site.client.get("/events/5", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (308, "5/")


def test_topic_page_links_history_changes_corrections_and_chart(sample_site: SampleSite) -> None:
    html = page(sample_site, TOPIC)
    assert '<a href="history/">History</a>' in html
    changes = html.split('id="changes-heading"', 1)[1].split("</section>", 1)[0]
    assert "The headline changed." in changes
    assert f'href="../../events/{sample_site.ids.hostile_event}/"' in changes
    assert "<del>Etched raised $500 million.</del>" in changes
    corrections = html.split('id="corrections-heading"', 1)[1].split("</aside>", 1)[0]
    assert "&lt;script&gt;alert(&#34;c&#34;)&lt;/script&gt; The fab fire figure" in corrections
    assert "withdrawn from the evidence" in corrections
    svg = html.split('<figure class="volume">', 1)[1].split("</figure>", 1)[0]
    assert 'role="img" aria-labelledby="volume-title volume-desc"' in svg
    assert "3 sources over 3 days from 2026-02-24 to 2026-02-26" in svg  # a103: estimated
    assert svg.count('<rect class="bar"') == 3
    # Sources (N) expands to the list grouped by event, the copy folded under Reuters.
    block = html.split('id="sources-heading"', 1)[1]
    assert "Sources (4)</h2></summary>" in block
    assert "1 syndicated copy folded under their originals" in block
    reuters_item = block.split('id="s-etched-reuters"', 1)[1].split("</li>", 1)[0]
    assert "Yahoo Finance" in reuters_item
    # The supporting passage of the hostile citation is quoted inert in its card.
    assert '<q class="cite-passage">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img' in html
    assert_inert(html)


def test_history_lists_versions_with_diffs_and_corrections(sample_site: SampleSite) -> None:
    html = page(sample_site, f"{TOPIC}history/")
    assert html.index('href="../v/2/"') < html.index('href="../v/1/"')
    assert "Version 2</a> <small>(current)</small>" in html
    assert "The first version of this briefing." in html
    assert (
        "<ins>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(2)&#34;&gt;"
        in html
    )
    assert "&lt;script&gt;alert(&#34;c&#34;)&lt;/script&gt;" in html
    assert "Etched raises $500 million</p>" in html  # version 1's headline
    assert_inert(html)
    response = sample_site.client.get(f"{TOPIC}history", follow_redirects=False)
    assert response.headers["location"] == "history/"


def test_version_permalinks(sample_site: SampleSite) -> None:
    old = page(sample_site, f"{TOPIC}v/1/")
    assert "You are reading version 1, published" in old
    assert '<a href="../../">Read the current briefing</a>' in old
    assert '<p class="headline">Etched raises $500 million</p>' in old
    # Citations point at the source list on the permalink itself.
    assert 'href="#s-etched-reuters"' in old
    assert 'id="s-etched-reuters"' in old
    assert "HOSTILE" not in old
    assert "fab fire" not in old  # the correction came after version 1
    current = page(sample_site, f"{TOPIC}v/2/")
    assert "This is version 2, the current one." in current
    assert "fab fire figure was wrong" not in current  # made after version 2 was published
    assert_inert(current)
    assert "no such version" in page(sample_site, f"{TOPIC}v/9/", status=404)


def test_search_page_highlights_and_links(sample_site: SampleSite) -> None:
    html = page(sample_site, "/search/?q=etched")
    assert "3 results for “etched”" in html
    assert re.search(r"<mark>Etched</mark>", html)
    event_link = f'href="../events/{sample_site.ids.funding_event}/"'
    assert event_link in html
    assert 'href="https://reuters.example/etched" rel="noopener nofollow"' in html
    assert 'value="etched"' in html
    crypto = page(sample_site, "/search/?q=bitcoin+OR+etched&vertical=crypto")
    assert "1 result for" in crypto
    assert "Bitcoin ETF flows" in crypto
    assert '<option value="crypto" selected>' in crypto


def test_search_results_are_inert(sample_site: SampleSite) -> None:
    html = page(sample_site, "/search/?q=wafer+OR+fab")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>" in html
    hostile = html.split('<li class="result result-article">', 1)[1].split("</li>", 1)[0]
    assert "<a " not in hostile.split('<p class="meta">')[0]  # its javascript: URL is no link
    assert_inert(html)
    hostile_query = page(sample_site, "/search/?q=%3Cscript%3Ealert(9)%3C/script%3E+wafer")
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in hostile_query
    assert_inert(hostile_query)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=%22unbalanced", "unbalanced quote"),
        ("q=-only", "no word to look for"),
        ("q=chip&since=yesterday", "since must be a date"),
        ("q=chip&page=0", "page must be a number"),
        ("q=chip&kind=video", "kind must be"),
    ],
)
def test_bad_searches_are_clear_400s(sample_site: SampleSite, query: str, message: str) -> None:
    html = page(sample_site, f"/search/?{query}", status=400)
    assert message in html
    assert 'role="alert"' in html


def test_search_pages_through_results(
    sample_site: SampleSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_search, "PAGE_SIZE", 1)
    first = page(sample_site, "/search/?q=etched&kind=article")
    assert 'href="?q=etched&amp;kind=article&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = page(sample_site, "/search/?q=etched&kind=article&page=2")
    assert 'href="?q=etched&amp;kind=article" rel="prev"' in second
    assert 'rel="next"' not in second
    titles = [re.findall(r'rel="noopener nofollow">(.*?)</a>', html) for html in (first, second)]
    assert len({titles[0][0], titles[1][0]}) == 2


def test_empty_search_shows_the_form_only(sample_site: SampleSite) -> None:
    html = page(sample_site, "/search/")
    assert '<form class="search-form" role="search" method="get" action="./"' in html
    assert "Results" not in html


def test_operators_sources_page_shows_health(sample_site: SampleSite) -> None:
    store = sample_site.store
    good, _ = store.add_source("https://good.example/feed", name="Good Feed", now=DAY)
    bad, _ = store.add_source("https://bad.example/feed", name="<i>Bad</i> Feed", now=DAY)
    store.save_poll_state(
        good.id,
        SourcePollState(None, None, 200, None, DAY, 0, NOW, None),
        new_items=4,
    )
    store.save_poll_state(
        bad.id,
        SourcePollState(None, None, 500, "HTTP 500 <script>x</script>", None, 7, None, "7 errors"),
        new_items=0,
    )
    html = page(sample_site, "/sources/")
    assert "1 healthy · 0 failing · 1 paused · 0 not polled yet" in html
    assert html.index("&lt;i&gt;Bad&lt;/i&gt; Feed") < html.index("Good Feed")  # problems first
    assert "Paused: 7 errors" in html
    assert "HTTP 500 &lt;script&gt;x&lt;/script&gt;" in html
    assert "1 day ago" in html  # Good Feed's last success
    assert "Replayed corpora" in html
    assert "Yahoo Finance" in html
    assert_inert(html)


def test_operators_page_shows_who_wrote_each_briefing_and_the_negotiated_mode(
    sample_site: SampleSite,
) -> None:
    """The LLM writer's run, as stored with the version, is visible without reading logs."""
    before = page(sample_site, "/sources/")
    assert "Briefing writers" in before
    assert "<td>—</td>" in before  # the extractive version: no output mode
    document = make_briefing().to_json()
    document["writer"] = "llm"
    document["verification"]["llm"] = {
        "writer": "llm",
        "mode": "json_object",
        "fallback_reason": None,
        "sections": [
            {"title": "Chips", "writer": "llm", "reason": None},
            {"title": "Power <b>", "writer": "extractive", "reason": "invented figure"},
        ],
        "withheld": 3,
        "refusals": 1,
    }
    sample_site.store.save_version(
        topic="ai-infrastructure-funding",
        document=document,
        fingerprint="three",
        settings={},
        input_article_ids=[sample_site.ids.etched_reuters],
        diff={},
        citations=[],
        created_at=NOW,
    )
    html = page(sample_site, "/sources/")
    row = html[html.index("Current briefings by writer") :]
    assert "v3" in row
    assert "<td>json_object</td>" in row
    assert "1 of 2 parts" in row
    assert "kept: Power &lt;b&gt;: invented figure" in row
    assert "<td>1</td><td>3</td>" in re.sub(r"\s+", "", row)  # refusals, then withheld
    assert_inert(html)


def test_briefing_pages_are_reused_until_the_store_or_the_minute_changes(
    sample_site: SampleSite,
) -> None:
    cache = sample_site.client.app.state.page_cache  # type: ignore[attr-defined]
    first = page(sample_site, TOPIC)
    assert page(sample_site, TOPIC) == first
    assert (cache.hits, cache.misses) == (1, 1)

    sample_site.store.add_correction(
        "ai-infrastructure-funding", "The round was $50 million, not $500 million.",
        created_at=NOW,
    )  # fmt: skip
    corrected = page(sample_site, TOPIC)
    assert "The round was $50 million" in corrected
    assert cache.misses == 2

    missing = sample_site.client.get("/ai/no-such-topic/")
    assert missing.status_code == 404
    assert sample_site.client.get("/ai/no-such-topic/").status_code == 404
    assert cache.misses == 2  # errors are never kept


def test_the_page_cache_renders_again_each_minute() -> None:
    moments = iter(
        [dt.datetime(2026, 2, 27, 10, 0, s, tzinfo=dt.UTC) for s in (5, 50)]
        + [dt.datetime(2026, 2, 27, 10, 1, 2, tzinfo=dt.UTC)]
    )

    class Store:
        def content_stamp(self) -> int:
            return 1

    renders: list[dt.datetime] = []

    def render(now: dt.datetime) -> str:
        renders.append(now)
        return f"page at {now:%H:%M:%S}"

    cache = PageCache(Store(), lambda: next(moments), max_pages=1)
    assert [cache.page("p", render) for _ in range(3)] == [
        "page at 10:00:05", "page at 10:00:05", "page at 10:01:02",
    ]  # fmt: skip
    assert len(renders) == 2
    assert len(cache.pages) == 1  # the oldest page made room


def test_the_exported_page_of_a_merged_event_links_its_successor() -> None:
    merged = site_pages.render_gone_event(5, successor=9, now=NOW)
    assert '<a href="../9/">Go to the event it became part of</a>' in merged
    expired = site_pages.render_gone_event(5, successor=None, now=NOW)
    assert "no longer tracked" in expired
    assert "became part of" not in expired
