"""Keyboard use, the phone layout, and the guards of the end-to-end tests themselves."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from newspulse.publish.app import SECURITY_HEADERS
from tests.e2e.conftest import GuardedPage

pytestmark = pytest.mark.e2e

TOPIC_PATH = "/ai/ai-infrastructure-funding/"


def focused(page: Page) -> dict[str, str]:
    """The focused element's tag, class, text and href."""
    found: dict[str, str] = page.evaluate(
        """() => {
          const e = document.activeElement;
          return {tag: e.tagName.toLowerCase(), cls: e.className || '',
                  text: (e.textContent || '').trim(), href: e.getAttribute('href') || '',
                  inMain: String(!!e.closest('main'))};
        }"""
    )
    return found


def tab_until(page: Page, wanted: str, limit: int = 60) -> dict[str, str]:
    """Press Tab until the focused link's text is ``wanted``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused(page)
        if current["text"] == wanted:
            return current
    raise AssertionError(f"Tab never reached {wanted!r}")


def test_keyboard_reaches_the_skip_link_and_the_main_links(desktop: GuardedPage) -> None:
    page = desktop.page
    desktop.open("/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["cls"]
    assert first["href"] == "#main"
    skip = page.locator(".skip-link")
    expect(skip).to_be_in_viewport()  # shown when focused, not only to screen readers
    page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment == "main"
    # The next Tab starts inside main (the skip link moved the focus point past the header).
    page.keyboard.press("Tab")
    assert focused(page)["inMain"] == "true"
    link = tab_until(page, "AI Infrastructure & Funding")
    assert link["inMain"] == "true"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{TOPIC_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("AI Infrastructure & Funding")
    # On the topic page, the header's vertical links are reachable too, and Enter follows them.
    page.keyboard.press("Tab")
    assert "skip-link" in focused(page)["cls"]
    tab_until(page, "Crypto")
    page.keyboard.press("Enter")
    page.wait_for_url("**/crypto/")
    desktop.assert_clean()


def test_focus_is_visible(desktop: GuardedPage) -> None:
    page = desktop.page
    desktop.open(TOPIC_PATH)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"""
    )
    outline_style, outline_width, box_shadow = style
    assert (outline_style != "none" and outline_width != "0px") or box_shadow != "none"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ai/",
        TOPIC_PATH,
        f"{TOPIC_PATH}sources/",
        f"{TOPIC_PATH}history/",
        "/search/?q=nvidia",
        "/sources/",
    ],
)
def test_phone_layout_has_no_sideways_scroll(
    phone: GuardedPage, screenshot_dir: Path, path: str
) -> None:
    page = phone.page
    phone.open(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide on a 390px screen"
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_size >= 16
    name = "home" if path == "/" else path.strip("/").replace("/", "-").replace("?q=", "-")
    shot = screenshot_dir / f"phone-{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    phone.assert_clean()


def test_the_guards_catch_csp_violations(desktop: GuardedPage) -> None:
    """A page carrying the site's own CSP with an inline script and a foreign stylesheet: the
    guard must report the violations (so a clean run means something)."""
    page = desktop.page
    probe = f"{desktop.base_url}/__probe/csp"
    html = (
        "<!doctype html><title>probe</title><script>document.title='ran'</script>"
        '<link rel="stylesheet" href="http://198.51.100.7/x.css"><p>probe</p>'
    )
    page.route(
        probe,
        lambda route: route.fulfill(
            status=200, body=html, content_type="text/html", headers=dict(SECURITY_HEADERS)
        ),
    )
    page.goto(probe)
    expect(page).to_have_title("probe")  # the inline script did not run
    desktop.collect_csp()
    assert desktop.guard.csp_violations
    assert desktop.guard.console_errors
    desktop.guard.csp_violations.clear()
    desktop.guard.console_errors.clear()


def test_the_guards_block_foreign_requests(desktop: GuardedPage) -> None:
    page = desktop.page
    probe = f"{desktop.base_url}/__probe/external"
    html = '<!doctype html><title>probe</title><img src="http://198.51.100.7/pixel.png" alt="">'
    page.route(probe, lambda route: route.fulfill(status=200, body=html, content_type="text/html"))
    page.goto(probe)
    page.wait_for_load_state("load")
    assert desktop.guard.external_requests == ["http://198.51.100.7/pixel.png"]
    desktop.guard.external_requests.clear()
    desktop.guard.console_errors.clear()
