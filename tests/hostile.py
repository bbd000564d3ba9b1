"""Hostile feed documents, one per case, served by ``tests.servers`` at ``/hostile/{case}``.

Each case is what an attacker with a feed would serve; ``tests/test_hostile_feeds.py``
polls it beside a good feed and checks the cost is bounded, the damage stays on that
source and the good feed is still processed.  Add a case here and it joins the suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

LONG = "Enough text that the item is no snippet and no page is fetched for it. " * 12


@dataclass(frozen=True, slots=True)
class HostileDoc:
    body: bytes
    content_type: str = "application/rss+xml"
    headers: tuple[tuple[str, str], ...] = ()


def rss(items: str, *, channel: str = "", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel>'
        f"<title>hostile</title><link>https://example.org/</link><description>d</description>"
        f"{channel}{items}</channel></rss>"
    ).encode()


def item(
    number: int,
    *,
    title: str = "",
    link: str = "",
    date: str = "Tue, 01 Dec 2026 10:00:00 GMT",
    text: str = LONG,
    guid: str = "",
) -> str:
    link = link or f"https://example.org/hostile/{number}"
    guid = guid or link
    return (
        f"<item><title>{title or f'Story {number}'}</title><link>{link}</link>"
        f"<guid>{guid}</guid><pubDate>{date}</pubDate>"
        f"<description>{text}</description></item>"
    )


def atom(entry_updated: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>hostile atom</title><id>tag:example.org,2026:f</id>"
        "<updated>2026-12-01T10:00:00Z</updated>"
        "<entry><title>Year one</title><id>tag:example.org,2026:1</id>"
        '<link href="https://example.org/atom/1"/>'
        f"<updated>{entry_updated}</updated><summary>{LONG}</summary></entry></feed>"
    ).encode()


def json_feed(date: str) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "hostile json",
        "items": [
            {
                "id": "1",
                "url": "https://example.org/json/1",
                "title": "Year one",
                "content_text": LONG,
                "date_published": date,
            }
        ],
    }
    return json.dumps(document).encode()


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    return rss(item(1, title="&lol9;"), prolog=f"<!DOCTYPE rss [{entities}]>")


def external_entity() -> bytes:
    prolog = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return rss(item(1, title="leak &xxe; here"), prolog=prolog)


def nested_html() -> bytes:
    depth = 20_000
    html = "&lt;div&gt;" * depth + "deep" + "&lt;/div&gt;" * depth
    return rss(item(1, text=html + LONG))


def many_snippets(base: str) -> bytes:
    """500 snippet items whose pages live on the test server: the page budget's case."""
    return rss(
        "".join(
            item(n, link=f"{base}files/site/article.html?n={n}", text="short") for n in range(500)
        )
    )


CASES: dict[str, Callable[[str], HostileDoc]] = {
    "huge-ttl": lambda base: HostileDoc(rss(item(1), channel="<ttl>99999999999999999</ttl>")),
    "huge-max-age": lambda base: HostileDoc(
        rss(item(1)), headers=(("Cache-Control", "max-age=99999999999999999"),)
    ),
    "year-one-rss": lambda base: HostileDoc(rss(item(1, date="Mon, 01 Jan 0001 00:00:00 +0500"))),
    "year-one-atom": lambda base: HostileDoc(
        atom("0001-01-01T00:00:00+05:00"), "application/atom+xml"
    ),
    "year-one-json": lambda base: HostileDoc(
        json_feed("0001-01-01T00:00:00+05:00"), "application/feed+json"
    ),
    "dates-1970-9999": lambda base: HostileDoc(
        rss(
            item(1, date="Thu, 01 Jan 1970 00:00:00 GMT")
            + item(2, date="Fri, 31 Dec 9999 23:59:59 -0500")
        )
    ),
    "external-entity": lambda base: HostileDoc(external_entity()),
    "billion-laughs": lambda base: HostileDoc(billion_laughs()),
    "ten-mb-title": lambda base: HostileDoc(rss(item(1, title="A" * 10_000_000))),
    "nul-bytes": lambda base: HostileDoc(rss(item(1, title="nul\x00title", text="nul\x00" + LONG))),
    "nested-html": lambda base: HostileDoc(nested_html()),
    "duplicate-guids": lambda base: HostileDoc(
        rss("".join(item(n, guid="same-guid") for n in range(50)))
    ),
    "relative-and-data-links": lambda base: HostileDoc(
        rss(
            item(1, link="/relative/story")
            + item(2, link="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;")
            + item(3, link="javascript:alert(1)")
        )
    ),
    "html-in-titles": lambda base: HostileDoc(
        rss(
            item(1, title="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;")
        )
    ),
    "spoofed-titles-and-links": lambda base: HostileDoc(
        rss(
            item(1, title="Safe \u202etxt.exe\u202c title")
            + item(2, link="https://user:secret@example.org/creds/2")
        )
    ),
    "many-snippets": lambda base: HostileDoc(many_snippets(base)),
    "not-xml-garbage": lambda base: HostileDoc(bytes(range(256)) * 64),
}
