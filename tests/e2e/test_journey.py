"""A reader's path through the live site in headless Chromium, on briefings from the corpora.

home → vertical → topic → citation → source → event → history → search, following the
links a reader would click (never typing URLs after the home page), checking what each page
shows, and that nothing reaches beyond 127.0.0.1, logs an error or breaks the CSP.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import GuardedPage
from tests.publish.pages import parse_page

pytestmark = pytest.mark.e2e

TOPIC_TITLE = "AI Infrastructure & Funding"
TOPIC_PATH = "/ai/ai-infrastructure-funding/"
# Enough to reach every page type several times over, small enough to take seconds.
CRAWL_LIMIT = 400
GONE_EVENT = re.compile(r"/events/\d+/$")


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    return path


def test_reader_journey(desktop: GuardedPage, screenshot_dir: Path) -> None:
    page = desktop.page
    desktop.open("/")
    expect(page).to_have_title("NewsPulse")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=TOPIC_TITLE)).to_be_visible()
    shot(page, screenshot_dir, "desktop-home")

    # Home → vertical, through the site navigation.
    page.get_by_role("banner").get_by_role("link", name="AI", exact=True).click()
    assert path_of(page) == "/ai/"
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("AI"))

    # Vertical → topic.
    page.get_by_role("main").get_by_role("link", name=TOPIC_TITLE).first.click()
    assert path_of(page) == TOPIC_PATH
    expect(page.get_by_role("heading", level=1)).to_have_text(TOPIC_TITLE)
    expect(page.locator(".headline")).not_to_be_empty()
    expect(page.locator("section.theme h2").first).to_be_visible()
    shot(page, screenshot_dir, "desktop-topic")

    # A citation shows its source, date and passage on hover, without any script.
    citation = page.locator("sup.cite").first
    card = citation.locator(".cite-card")
    expect(card).to_be_hidden()
    citation.locator("a").first.hover()
    expect(card).to_be_visible()
    expect(card.locator(".cite-outlet")).not_to_be_empty()
    expect(card.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    expect(card.locator(".cite-passage")).not_to_be_empty()
    event_href = card.locator("a.cite-event").get_attribute("href")
    assert event_href is not None
    number = (citation.locator("a").first.text_content() or "").strip("[]")
    shot(page, screenshot_dir, "desktop-citation")

    # Citation → its source in the topic's source list.
    citation.locator("a").first.click()
    assert path_of(page) == f"{TOPIC_PATH}sources/"
    anchor = urlsplit(page.url).fragment
    source = page.locator(f"li#{anchor}")
    expect(source).to_be_visible()
    expect(source).to_have_attribute("value", number)
    outlet_link = source.locator("a[rel~='noopener']").first
    expect(outlet_link).to_have_attribute("href", re.compile(r"^https?://"))

    # Source → its event: the group the source is filed under links to the story's page.
    group = source.locator("xpath=ancestor::section[1]")
    group.get_by_role("heading").get_by_role("link").click()
    assert re.fullmatch(r"/events/\d+/", path_of(page))
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    expect(page.locator(".event-timeline > li").first).to_be_visible()
    briefings = page.get_by_role("region", name="Briefings using it")
    expect(briefings.get_by_role("link", name=TOPIC_TITLE)).to_be_visible()
    shot(page, screenshot_dir, "desktop-event")

    # Event → the briefing that uses it → its history.
    briefings.get_by_role("link", name=TOPIC_TITLE).click()
    assert path_of(page) == TOPIC_PATH
    page.get_by_role("main").get_by_role("link", name="History", exact=True).click()
    assert path_of(page) == f"{TOPIC_PATH}history/"
    versions = page.locator("article.version")
    assert versions.count() >= 2
    newest = versions.first
    expect(newest.locator("details.diff")).to_have_attribute("open", "")
    expect(newest.locator("details.diff summary")).to_have_text("What changed")
    shot(page, screenshot_dir, "desktop-history")

    # History → the first version's permalink, marked as old, linking back to the current one.
    page.get_by_role("link", name="Version 1", exact=True).click()
    assert path_of(page) == f"{TOPIC_PATH}v/1/"
    expect(page.get_by_role("link", name="Read the current briefing")).to_be_visible()

    # Search, from the header, with the keyboard: results highlight the words found.
    page.get_by_role("banner").get_by_role("link", name="Search").click()
    assert path_of(page) == "/search/"
    box = page.get_by_label("Words to find")
    box.fill("nvidia")
    box.press("Enter")
    page.wait_for_url("**/search/?*q=nvidia*")
    results = page.locator("ol.results > li")
    assert results.count() > 0
    expect(page.locator("ol.results mark").first).to_have_text(re.compile("nvidia", re.I))
    shot(page, screenshot_dir, "desktop-search")
    page.locator("ol.results").get_by_role("link", name="the story from all outlets").first.click()
    assert re.fullmatch(r"/events/\d+/", path_of(page))
    desktop.assert_clean()


def test_search_with_filters_and_a_broken_query(desktop: GuardedPage) -> None:
    page = desktop.page
    desktop.open("/search/?q=bitcoin&vertical=crypto&kind=event")
    results = page.locator("ol.results > li")
    assert results.count() > 0
    assert page.locator("li.result-article").count() == 0
    desktop.open("/search/?q=%22unbalanced", status=400)
    expect(page.get_by_role("alert")).to_contain_text("quote")
    desktop.assert_clean()


def test_topic_page_advertises_its_feed(desktop: GuardedPage) -> None:
    page = desktop.page
    desktop.open(TOPIC_PATH)
    feed = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(feed).to_have_count(1)
    href = feed.get_attribute("href")
    assert href is not None
    response = page.request.get(urlsplit(page.url)._replace(path=TOPIC_PATH + href).geturl())
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    desktop.assert_clean()


def test_every_link_from_home_resolves(desktop: GuardedPage) -> None:
    """Breadth-first over the site's own links (pages, feeds, JSON, stylesheets), as the
    browser resolves them: none answers an error.  Outbound links are only counted.

    Redirects are by design in one place: a briefing written before the clustering
    maintenance merged one of its events away links that event, and the live event page
    then redirects to the event that took its articles (an event that expired outright
    answers 404 with an explanation).  Both are allowed only for event pages, and counted."""
    request = desktop.page.request
    start = f"{desktop.base_url}/"
    queue, seen, outbound, gone = [start], {start}, 0, 0
    linked_from = {start: "(start)"}
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        response = request.get(url, max_redirects=0)
        if response.status == 404 and GONE_EVENT.search(url):
            assert "no longer tracked" in response.text(), url
            gone += 1
            continue
        if response.status == 308 and GONE_EVENT.search(url):
            target = urljoin(url, response.headers["location"])
            assert GONE_EVENT.search(target), (url, target)
            gone += 1
            if target not in seen:
                seen.add(target)
                linked_from[target] = url
                queue.append(target)
            continue
        assert response.status == 200, f"{url}: {response.status}, linked from {linked_from[url]}"
        if not response.headers["content-type"].startswith("text/html"):
            continue
        for href in parse_page(response.text()).hrefs:
            target = urljoin(url, href).split("#", 1)[0]
            if urlsplit(target).hostname != "127.0.0.1":
                outbound += 1
            elif target not in seen:
                seen.add(target)
                linked_from[target] = url
                queue.append(target)
    # The crawl reached the whole site, not one page: it ran out of links before its limit,
    # after every topic page and the event and version pages they link (about 90 with the e2e
    # slices since briefings cite only stories with a sentence that stands alone).
    assert not queue
    assert len(seen) >= 60
    assert sum(1 for url in seen if "/events/" in url) >= 10
    assert outbound > 0
    assert gone < len(seen) // 10
