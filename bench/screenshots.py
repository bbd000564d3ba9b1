"""Screenshots of the demo site for the README, taken in Debian's headless Chromium.

Builds the demo store from the bundled corpora (as `make demo-build` does), serves it with
uvicorn on 127.0.0.1 and writes PNGs into docs/images/: the home page, a topic page, a
citation card opened by hover, an event page and the history (desktop, 1280x900), and the
topic page on a phone (390x844), light and dark.  Nothing is fetched from outside 127.0.0.1.
    python bench/screenshots.py [--embedder minilm|hashing] [--out docs/images]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from playwright.sync_api import Browser, Page, Route, sync_playwright

from bench_publish import NOW, TOPIC, build_demo_store, busiest_event, free_port
from common import ROOT
from newspulse.enrich.embed import Embedder, HashingEmbedder, MiniLMEmbedder
from newspulse.publish.app import create_app

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TOPIC_PAGE = f"/ai/{TOPIC}/"


def only_loopback(route: Route) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def open_page(browser: Browser, viewport: dict[str, int], scheme: str) -> Page:
    context = browser.new_context(
        viewport={"width": viewport["width"], "height": viewport["height"]},
        color_scheme="dark" if scheme == "dark" else "light",
        device_scale_factor=1,
        locale="en-GB",
        timezone_id="UTC",
    )
    context.route("**/*", only_loopback)
    page = context.new_page()
    # The pages' "6 hours ago" comes from the reader's clock: pin it to the demo's period.
    page.clock.set_fixed_time(NOW + dt.timedelta(hours=6))
    return page


def capture(browser: Browser, base: str, out: Path, event_id: int) -> list[Path]:
    written: list[Path] = []

    def save(page: Page, name: str) -> None:
        path = out / f"{name}.png"
        page.screenshot(path=str(path))
        written.append(path)

    page = open_page(browser, DESKTOP, "light")
    for name, path in (
        ("desktop-home", "/"),
        ("desktop-topic", TOPIC_PAGE),
        ("desktop-history", f"{TOPIC_PAGE}history/"),
    ):
        page.goto(base + path)
        save(page, name)
    # The event page from its timeline: the story's articles from every outlet.
    page.goto(base + f"/events/{event_id}/")
    timeline = page.get_by_role("heading", name="Coverage over time")
    if timeline.count():
        timeline.evaluate("e => e.scrollIntoView({block: 'start'})")
    save(page, "desktop-event")
    # A citation card, opened by hovering its number in the middle of the screen.
    page.goto(base + TOPIC_PAGE)
    citation = page.locator("section.theme li sup.cite > a").first
    citation.evaluate("e => e.scrollIntoView({block: 'center'})")
    citation.hover()
    save(page, "desktop-citation")
    page.context.close()
    for scheme in ("light", "dark"):
        phone = open_page(browser, PHONE, scheme)
        phone.goto(base + TOPIC_PAGE)
        save(phone, f"phone-topic-{scheme}")
        phone.context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", choices=("hashing", "minilm"), default="minilm")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    embedder: Embedder = MiniLMEmbedder() if args.embedder == "minilm" else HashingEmbedder()
    with tempfile.TemporaryDirectory() as folder:
        store = build_demo_store(Path(folder), embedder)
        port = free_port()
        app = create_app(store, now_fn=lambda: NOW)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True)
                written = capture(
                    browser, f"http://127.0.0.1:{port}", args.out, busiest_event(store)
                )
                browser.close()
        finally:
            server.should_exit = True
            thread.join()
            store.close()
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
