"""Entry hygiene before storage: what every database accepts, whatever the source sent.

PostgreSQL rejects NUL characters in text and values longer than a column; SQLite
accepts both silently.  Cleaning here keeps one bad item from failing a batch on
one engine only.
"""

from __future__ import annotations

import dataclasses
import re

from newspulse.domain import Entry
from newspulse.ingest.canonical import without_userinfo

# Column sizes of store/tables.py.
MAX_URL = 2000
MAX_SOURCE = 300
MAX_AUTHOR = 300
MAX_LANGUAGE = 16
MAX_TITLE = 1000
# C0 controls other than tab and newline, DEL, and NUL; and the bidirectional embeddings,
# overrides and isolates (U+202A-E, U+2066-9) that make "txt.exe" read as "exe.txt".
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def normalise_entry(entry: Entry, *, max_text_chars: int) -> Entry:
    """A storable copy of ``entry``; raises ValueError when it cannot be stored at all."""
    url = without_userinfo(clean(entry.url))
    if len(url) > MAX_URL:
        raise ValueError(f"URL longer than {MAX_URL} characters")
    text = clean(entry.text)[:max_text_chars]
    if not text.strip() and not entry.summary.strip():
        raise ValueError("entry has no text")
    return dataclasses.replace(
        entry,
        url=url,
        source=clean(entry.source)[:MAX_SOURCE],
        title=clean(entry.title)[:MAX_TITLE],
        canonical=without_userinfo(clean(entry.canonical)) if entry.canonical else None,
        text=text,
        summary=clean(entry.summary)[:max_text_chars],
        author=clean(entry.author)[:MAX_AUTHOR] if entry.author else None,
        language=clean(entry.language)[:MAX_LANGUAGE] if entry.language else None,
    )


def clean(value: str) -> str:
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
