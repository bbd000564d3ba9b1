"""Static export: the file layout, working relative links, and parity with the live API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from newspulse.domain import Vertical
from newspulse.errors import PublishError
from newspulse.publish.export import ExportReport, export_site
from newspulse.publish.site import render_topic
from newspulse.store.sql import SqlStore
from tests.e2e.demo_store import DEMO_NOW, demo_store

from .conftest import INFRA, NOW, FakeSiteStore
from .pages import headings, is_internal, parse_page, split_target

EXPECTED_FILES = {
    "index.html",
    "ai/index.html",
    "ai/ai-infrastructure-funding/index.html",
    "ai/ai-infrastructure-funding/sources/index.html",
    "ai/ai-models-labs/index.html",
    "ai/ai-models-labs/sources/index.html",
    "crypto/index.html",
    "crypto/crypto-markets/index.html",
    "crypto/crypto-markets/sources/index.html",
    "static/style.css",
    "static/time.js",
    "static/search.js",
    "static/favicon.svg",
    "api/v1/topics.json",
    "api/v1/topics/ai-infrastructure-funding.json",
    "ai/ai-infrastructure-funding/history/index.html",
    "ai/ai-infrastructure-funding/v/3/index.html",
    "ai/ai-models-labs/history/index.html",
    "crypto/crypto-markets/history/index.html",
    "search/index.html",
    "search/index.json",
    "sources/index.html",
    # The briefing cites events 7 and 9, which this store no longer holds: their pages
    # say so rather than leaving the links broken.
    "events/7/index.html",
    "events/9/index.html",
    "ai/feed.atom",
    "crypto/feed.atom",
    "ai/ai-infrastructure-funding/feed.atom",
    "ai/ai-models-labs/feed.atom",
    "crypto/crypto-markets/feed.atom",
}


@pytest.fixture
def exported(store: FakeSiteStore, tmp_path: Path) -> tuple[Path, ExportReport]:
    return tmp_path, export_site(store, tmp_path, now=NOW, operator_pages=True)


def test_export_writes_the_site_layout(exported: tuple[Path, ExportReport]) -> None:
    out_dir, report = exported
    written = {
        path.relative_to(out_dir).as_posix() for path in out_dir.rglob("*") if path.is_file()
    }
    assert written == EXPECTED_FILES
    assert (report.pages, report.files) == (17, len(EXPECTED_FILES))


def resolve(page: Path, href: str) -> tuple[Path, str]:
    path, fragment = split_target(href)
    target = (page.parent / path).resolve() if path else page
    if target.is_dir():
        target = target / "index.html"
    return target, fragment


def check_links(out_dir: Path) -> int:
    """Fail on any relative link or resource of an exported page that does not resolve to a
    file of the export (and, with a fragment, to an element of that page); returns how
    many were checked."""
    root = out_dir.resolve()
    checked = 0
    ids: dict[Path, set[str]] = {}
    for page in sorted(out_dir.rglob("*.html")):
        parsed = parse_page(page.read_text())
        for href in [*parsed.hrefs, *parsed.srcs]:
            if not is_internal(href) or href.startswith("?"):
                continue
            target, fragment = resolve(page, href)
            assert target.is_relative_to(root), (page, href)
            assert target.is_file(), (page, href)
            if fragment:
                if target not in ids:
                    ids[target] = parse_page(target.read_text()).ids
                assert fragment in ids[target], (page, href)
            checked += 1
    return checked


def test_every_exported_link_resolves(exported: tuple[Path, ExportReport]) -> None:
    out_dir, _ = exported
    assert check_links(out_dir) > 50


def test_link_checker_catches_a_broken_link(exported: tuple[Path, ExportReport]) -> None:
    out_dir, _ = exported
    (out_dir / "ai/ai-infrastructure-funding/history/index.html").unlink()
    with pytest.raises(AssertionError, match="history"):
        check_links(out_dir)


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SqlStore]]:
    """The real briefings of the bundled corpora (two versions per topic) exported."""
    folder = tmp_path_factory.mktemp("demo-export")
    with demo_store(folder) as store:
        export_site(store, folder / "site", now=DEMO_NOW, operator_pages=True)
        yield folder / "site", store


def test_demo_export_has_every_page_and_no_broken_link(
    demo_export: tuple[Path, SqlStore],
) -> None:
    out_dir, store = demo_export
    assert check_links(out_dir) > 1000
    for topic in store.list_topics():
        folder = out_dir / topic.vertical / topic.slug
        assert (folder / "index.html").is_file()
        assert (folder / "sources/index.html").is_file()
        assert (folder / "history/index.html").is_file()
        for summary in store.list_versions(topic.slug):
            assert (folder / f"v/{summary.version}/index.html").is_file(), summary
    for event in store.list_events(limit=10_000):
        assert (out_dir / f"events/{event.id}/index.html").is_file()
    assert (out_dir / "search/index.html").is_file()
    assert (out_dir / "sources/index.html").is_file()


def test_demo_export_pages_are_accessible_markup(demo_export: tuple[Path, SqlStore]) -> None:
    """Every exported page: a language, landmarks, a skip link to main, one h1 first and
    no skipped heading level, labelled form fields, and text for every image."""
    out_dir, _ = demo_export
    pages = sorted(out_dir.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        html = page.read_text()
        parsed = parse_page(html)
        levels = headings(parsed)
        assert '<html lang="en">' in html, page
        assert {"header", "nav", "main", "footer"} <= set(parsed.tags), page
        assert '<a class="skip-link" href="#main">' in html
        assert "main" in parsed.ids
        assert levels[0] == 1, page
        assert levels.count(1) == 1, page
        assert all(b - a <= 1 for a, b in pairwise(levels)), (page, levels)
        assert "<img" not in html or all('alt="' in tag for tag in html.split("<img")[1:])
        for field_id in parsed.form_fields:
            assert f'for="{field_id}"' in html, (page, field_id)


def test_demo_export_search_index_matches_the_store(demo_export: tuple[Path, SqlStore]) -> None:
    out_dir, store = demo_export
    index = json.loads((out_dir / "search/index.json").read_text())
    originals = [a for a in store.list_articles(limit=10_000) if a.duplicate_of is None]
    assert len(index["articles"]) == len(originals)
    assert {e["id"] for e in index["events"]} == {e.id for e in store.list_events(limit=10_000)}
    for article in index["articles"]:
        assert article["url"] == "" or article["url"].startswith(("http://", "https://"))
        if article["event"] is not None:
            assert (out_dir / f"events/{article['event']}/index.html").is_file()
    html = (out_dir / "search/index.html").read_text()
    assert 'src="../static/search.js"' in html
    assert "needs JavaScript" in html


def test_export_matches_live_rendering(
    exported: tuple[Path, ExportReport], store: FakeSiteStore, document: dict[str, Any]
) -> None:
    out_dir, _ = exported
    topic_html = (out_dir / "ai/ai-infrastructure-funding/index.html").read_text()
    assert topic_html == render_topic(store, INFRA.vertical, INFRA.slug, now=NOW)
    api_file = out_dir / "api/v1/topics/ai-infrastructure-funding.json"
    assert json.loads(api_file.read_text()) == document
    index = json.loads((out_dir / "api/v1/topics.json").read_text())
    assert [t["slug"] for t in index["topics"]] == [
        "ai-infrastructure-funding",
        "ai-models-labs",
        "crypto-markets",
    ]


def test_export_reads_each_briefing_once(store: FakeSiteStore, tmp_path: Path) -> None:
    export_site(store, tmp_path, now=NOW)
    assert store.briefing_reads == len(store.topics)


def test_export_refuses_reserved_vertical(store: FakeSiteStore, tmp_path: Path) -> None:
    store.verticals.append(Vertical("static", "Static"))
    with pytest.raises(PublishError):
        export_site(store, tmp_path, now=NOW)
    assert not any(tmp_path.iterdir())
