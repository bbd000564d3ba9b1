"""Reading a corpus in the shared JSONL format into entries.

Each line is ``{"url", "source", "title", "text", "published": ISO date | null, ...}``
(see ``examples/corpus/*/README.md``).  A malformed line is reported with its
line number and skipped; the rest of the file is still read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newspulse.bounds import utc_moment
from newspulse.domain import Entry
from newspulse.errors import CorpusError

REQUIRED_FIELDS = ("url", "text")


@dataclass(frozen=True, slots=True)
class CorpusProblem:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class CorpusRead:
    entries: tuple[Entry, ...]
    problems: tuple[CorpusProblem, ...]


def read_corpus(path: Path) -> CorpusRead:
    entries: list[Entry] = []
    problems: list[CorpusProblem] = []
    for number, record in iter_records(path):
        if isinstance(record, CorpusProblem):
            problems.append(record)
            continue
        try:
            entries.append(entry_from_record(record))
        except ValueError as exc:
            problems.append(CorpusProblem(number, str(exc)))
    return CorpusRead(tuple(entries), tuple(problems))


def iter_records(path: Path) -> Iterator[tuple[int, dict[str, Any] | CorpusProblem]]:
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CorpusError("cannot open corpus", str(path)) from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, CorpusProblem(number, f"invalid JSON: {exc.msg}")
                continue
            if not isinstance(record, dict):
                yield number, CorpusProblem(number, "line is not a JSON object")
                continue
            yield number, record


def entry_from_record(record: dict[str, Any]) -> Entry:
    missing = [name for name in REQUIRED_FIELDS if not isinstance(record.get(name), str)]
    if missing:
        raise ValueError(f"missing or non-text fields {missing}")
    url = record["url"].strip()
    title = str(record.get("title") or "").strip()
    return Entry(
        url=url,
        source=str(record.get("source") or host_of(url)),
        title=title,
        text=record["text"].strip(),
        published_at=parse_published(record.get("published")),
        author=record.get("author") if isinstance(record.get("author"), str) else None,
        language=record.get("language") if isinstance(record.get("language"), str) else None,
        title_derived=bool(record.get("title_from")) or not title,
    )


def parse_published(value: Any) -> dt.datetime | None:
    """ISO date or datetime → aware UTC datetime; a bare date means midday UTC.

    A date outside ``newspulse.bounds`` (year 1, 9999 with an offset) is unknown (None).
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' is not a string: {value!r}")
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return utc_moment(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC))
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"'published' is not an ISO date: {value!r}") from exc
    return utc_moment(moment)  # outside the accepted range: unknown, estimated later


def host_of(url: str) -> str:
    host = urlsplit(url).hostname or "unknown"
    return host.removeprefix("www.")
