"""End-to-end fixtures: the site on 127.0.0.1 over real briefings, and Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (``executable_path``; it never downloads a browser).
Each page is guarded: requests to any host but 127.0.0.1 are blocked and recorded, and
console errors, uncaught page errors and Content-Security-Policy violations are collected,
so a test can assert that none happened.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Route, sync_playwright

from newspulse.publish.app import create_app
from tests.admin import ADMIN_TOKEN
from tests.e2e.demo_store import DEMO_NOW, demo_store
from tests.e2e.live_server import serve

CHROMIUM = Path("/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOOPBACK = "127.0.0.1"
# Runs in every document before its own scripts: records CSP violations the page reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


@dataclass
class Guard:
    """What a page did that it must not: each list must stay empty."""

    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {name: items for name, items in vars(self).items() if items}


@dataclass
class GuardedPage:
    page: Page
    guard: Guard
    base_url: str

    def open(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status == status, f"{path}: {response.status}"
        if status >= 400:
            # Chromium logs the document's own error status; that one is expected here.
            expected = f"the server responded with a status of {status}"
            errors = self.guard.console_errors
            errors[:] = [text for text in errors if expected not in text]
        self.collect_csp()

    def collect_csp(self) -> None:
        """Add the violations the current document recorded (its listener starts empty)."""
        found = self.page.evaluate("window.__cspViolations || []")
        self.guard.csp_violations.extend(str(item) for item in found)

    def assert_clean(self) -> None:
        self.collect_csp()
        assert self.guard.problems() == {}


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e-store")
    with (
        demo_store(folder) as store,
        serve(create_app(store, now_fn=lambda: DEMO_NOW, admin_token=ADMIN_TOKEN)) as url,
    ):
        yield url


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in the
# main thread while it is open, and other tests in the same worker call asyncio.run().
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright, chromium_path: Path) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(executable_path=str(chromium_path), headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def guarded_page(browser: Browser, base_url: str, viewport: dict[str, int]) -> GuardedPage:
    context = browser.new_context(
        viewport={"width": viewport["width"], "height": viewport["height"]},
        color_scheme="light",
        locale="en-GB",
        timezone_id="UTC",
        reduced_motion="reduce",
        http_credentials={"username": "operator", "password": ADMIN_TOKEN},
    )
    context.add_init_script(CSP_LISTENER)
    guard = Guard()

    def only_loopback(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == LOOPBACK or url.startswith(("data:", "about:")):
            route.continue_()
        else:
            guard.external_requests.append(url)
            route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            guard.console_errors.append(message.text)
            if "Content Security Policy" in message.text:
                guard.csp_violations.append(message.text)

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: guard.page_errors.append(str(error)))
    page.set_default_timeout(10_000)
    return GuardedPage(page, guard, base_url)


@pytest.fixture
def desktop(browser: Browser, site_url: str) -> Iterator[GuardedPage]:
    guarded = guarded_page(browser, site_url, DESKTOP)
    yield guarded
    guarded.page.context.close()


@pytest.fixture
def phone(browser: Browser, site_url: str) -> Iterator[GuardedPage]:
    guarded = guarded_page(browser, site_url, PHONE)
    yield guarded
    guarded.page.context.close()
