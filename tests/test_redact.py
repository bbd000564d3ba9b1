"""Secrets in feed URLs never reach a page."""

from __future__ import annotations

import pytest

from newspulse.redact import HIDDEN, public_text, public_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://user:pass@host.example/rss?apikey=s3cret",
            f"https://host.example/rss?apikey={HIDDEN}",
        ),
        (
            "https://host.example/rss?api_key=a&lang=en",
            f"https://host.example/rss?api_key={HIDDEN}&lang=en",
        ),
        (
            "https://host.example/f?access_token=t&X-Amz-Signature=z",
            f"https://host.example/f?access_token={HIDDEN}&X-Amz-Signature={HIDDEN}",
        ),
        ("https://host.example/f?token=t", f"https://host.example/f?token={HIDDEN}"),
        ("https://host.example/f?page=2&q=ai", "https://host.example/f?page=2&q=ai"),
        ("https://host.example/rss", "https://host.example/rss"),
        ("https://:pw@host.example:8443/rss", "https://host.example:8443/rss"),
    ],
)
def test_public_url_hides_credentials_and_keys(url: str, expected: str) -> None:
    assert public_url(url) == expected


def test_public_text_hides_urls_inside_error_messages() -> None:
    message = "fetch failed: 'https://bob:hunter2@feeds.example/rss?key=abc': timeout"
    shown = public_text(message)
    assert "hunter2" not in shown
    assert "abc" not in shown
    assert "feeds.example/rss" in shown
