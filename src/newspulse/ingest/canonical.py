"""Canonical URLs: one spelling per page, so the same article is stored once.

courlan removes tracking parameters (utm_*, fbclid, gclid, ref, ...), sorts the
query and lowercases scheme and host; we also drop the fragment, which never
names a different article, a default port, and any ``user:password@``: credentials
never name a different article, and a published link must not carry them.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

from newspulse.errors import NewsPulseError


class InvalidURLError(NewsPulseError, ValueError):
    """The text is not an absolute http(s) URL (a ValueError too, for callers that
    treat it as one bad value)."""


def canonical_url(url: str) -> str:
    """The one spelling of ``url``; InvalidURLError when it is no absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise InvalidURLError(f"not an absolute http(s) URL: {url!r}")
        normalised = urlsplit(normalize_url(url.strip()))
    except InvalidURLError:
        raise
    except ValueError as exc:  # "Invalid IPv6 URL", a port out of range, ...
        raise InvalidURLError(f"not a valid URL: {url!r}") from exc
    netloc = normalised.netloc.rpartition("@")[2].lower()
    for scheme, port in (("http", ":80"), ("https", ":443")):
        if normalised.scheme == scheme and netloc.endswith(port):
            netloc = netloc[: -len(port)]
    path = normalised.path or "/"
    return urlunsplit((normalised.scheme, netloc, path, normalised.query, ""))


def without_userinfo(url: str) -> str:
    """``url`` without ``user:password@``, otherwise unchanged (spoofing and leaks:
    ``https://bank.example@evil.example/`` reads as the bank to a person)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
