from __future__ import annotations

import pytest

from newspulse.ingest.canonical import InvalidURLError, canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.Example.com:443/a/b/?utm_source=rss&b=2&a=1&fbclid=x#comments",
            "https://www.example.com/a/b/?a=1&b=2",
        ),
        ("http://example.com:80/path?ref=rss&id=5&gclid=4", "http://example.com/path?id=5"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/news/story.html  ", "https://example.com/news/story.html"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", ["ftp://example.com/x", "not a url", "/relative/path", ""])
def test_rejects_non_http_urls(url: str) -> None:
    with pytest.raises(InvalidURLError):
        canonical_url(url)
