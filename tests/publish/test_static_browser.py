"""The exported site in a real headless Chromium: the static search script, local times,
citation cards on keyboard focus, hostile text inert, under the site's own CSP."""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Error, Page, sync_playwright

from newspulse.publish.app import CONTENT_SECURITY_POLICY
from newspulse.publish.export import export_site
from newspulse.store.sql import SqlStore
from tests.store.sample import DAY, fill_sample

from .conftest import make_briefing

CHROMIUM = Path("/usr/bin/chromium")


class StrictHandler(SimpleHTTPRequestHandler):
    """Serves the export with the live site's CSP, so a page that needs more fails here."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("static-browser")
    store = SqlStore.open(f"sqlite:///{folder / 'site.db'}")
    store.migrate()
    ids = fill_sample(store)
    document = make_briefing().to_json()
    document["sources"][0].update(id="etched-reuters", event_id=ids.funding_event)
    document["lead"][0]["citations"] = ["etched-reuters"]
    store.save_version(
        topic="ai-infrastructure-funding",
        document=document,
        fingerprint="f",
        settings={},
        input_article_ids=[ids.etched_reuters],
        diff={"first_version": True},
        citations=[("lead.0", ids.etched_reuters, "raised $500 million", 0.9)],
        created_at=DAY,
    )
    export_site(store, folder / "site", now=DAY + dt.timedelta(days=1))
    store.close()
    handler = functools.partial(StrictHandler, directory=str(folder / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    tab = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        problems.append("dialog: " + dialog.message)  # an injected alert() ran
        dialog.dismiss()

    def on_error(error: Error) -> None:
        problems.append(str(error))

    tab.on("console", on_console)
    tab.on("dialog", on_dialog)
    tab.on("pageerror", on_error)
    yield tab, problems
    context.close()


def test_static_search_finds_and_marks_inertly(page: tuple[Page, list[str]], site_url: str) -> None:
    tab, problems = page
    tab.goto(site_url + "search/?q=wafer")
    tab.wait_for_selector("#static-results:not([hidden])")
    assert tab.input_value("#q") == "wafer"
    results = tab.locator("#result-list > li")
    assert results.count() == 2  # the hostile article and its event
    text = results.all_inner_texts()
    assert any("<script>alert(1)</script>" in item for item in text)  # shown as text
    assert tab.locator("#result-list mark").count() >= 2
    assert tab.locator("#result-list script, #result-list img").count() == 0
    assert tab.locator('#result-list a[href^="javascript"]').count() == 0
    assert "2 results" in tab.inner_text("#result-count")
    assert problems == []


def test_static_search_kind_filter_and_event_links(
    page: tuple[Page, list[str]], site_url: str
) -> None:
    tab, problems = page
    tab.goto(site_url + "search/?q=etched&kind=event")
    tab.wait_for_selector("#static-results:not([hidden])")
    assert tab.locator("#result-list > li").count() == 1
    tab.click("#result-list a")
    tab.wait_for_selector("h1")
    assert "Etched raises $500 million" in tab.inner_text("h1")
    assert "Yahoo Finance" in (tab.text_content("main") or "")  # the folded copy
    assert problems == []


def test_local_times_and_citation_cards(page: tuple[Page, list[str]], site_url: str) -> None:
    tab, problems = page
    tab.goto(site_url + "ai/ai-infrastructure-funding/")
    local = tab.locator(".briefing-meta .local")
    local.wait_for()
    assert "your time" in local.inner_text()  # converted to the reader's zone (Tokyo)
    # Exported before the version's time ("in the future" then), read long after it.
    assert tab.inner_text(".briefing-meta .age").endswith("days ago")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to content"
    card = tab.locator(".lead .cite-card").first
    assert not card.is_visible()
    tab.locator(".lead sup.cite a").first.focus()
    assert card.is_visible()
    assert "Reuters" in card.inner_text()
    assert "raised $500 million" in card.inner_text()  # the supporting passage
    assert problems == []
