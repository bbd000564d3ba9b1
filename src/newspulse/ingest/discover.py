"""Feed discovery: the feeds a site announces with ``<link rel="alternate">``.

The autodiscovery convention (RSS Advisory Board, "RSS Autodiscovery", 2006)
that browsers and feed readers follow: an HTML page lists its feeds as
alternate links with a feed MIME type.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "text/xml",
    "application/xml",
)


def feed_links(html: bytes, *, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the feeds the page announces, in page order, best first."""
    try:
        document = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return []
    found: list[tuple[int, str]] = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme in ("http", "https"):
            found.append((FEED_TYPES.index(kind), url))
    ordered = sorted(found, key=lambda pair: pair[0])
    return list(dict.fromkeys(url for _, url in ordered))
