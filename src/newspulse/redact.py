"""Feed URLs without their secrets, for anything a page or an export shows.

Operators register feeds such as ``https://user:pass@host/rss?apikey=...``; the
credentials and API keys are what the poller needs, never what a page may show
(not even the operators' page: screenshots and shared screens leak too).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HIDDEN = "REDACTED"
# Query parameter names that carry secrets, as APIs spell them ("apikey", "api_key",
# "X-Amz-Signature", "access_token", "sig", "auth", "session_id", ...).
SECRET_PARAMETER = re.compile(
    r"(?:^|[-_.])(?:api[-_]?key|key|token|secret|pass(?:word|wd)?|pwd|sig(?:nature)?|auth\w*|"
    r"session\w*|credential\w*|client[-_]?secret|access[-_]?key)$|^(?:apikey|apitoken|code)$",
    re.IGNORECASE,
)
URL_IN_TEXT = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")


def public_url(url: str) -> str:
    """``url`` without ``user:password@`` and with secret query values replaced."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return HIDDEN
    netloc = parts.netloc.rpartition("@")[2]
    if not any(SECRET_PARAMETER.search(name) for name, _ in pairs) and netloc == parts.netloc:
        return url
    query = urlencode(
        [(name, HIDDEN if SECRET_PARAMETER.search(name) else value) for name, value in pairs],
        safe="/:",
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def public_text(text: str) -> str:
    """``text`` (an error message) with every URL in it made public."""
    return URL_IN_TEXT.sub(lambda match: public_url(match.group(0)), text)
