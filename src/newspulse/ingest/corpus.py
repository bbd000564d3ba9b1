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
OPTIONAL_TEXT = ("title", "source", "author", "language")


@dataclass(frozen=True, slots=True)
class CorpusProblem:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class CorpusRead:
    entries: tuple[Entry, ...]
    problems: tuple[CorpusProblem, ...]


def read_corpus(path: Path) -> CorpusRead:
    """Every valid record of ``path``; bad lines are problems, a file with no valid record
    at all (binary garbage, the wrong file) is a ``CorpusError``."""
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
    if problems and not entries:
        first = problems[0]
        raise CorpusError(
            f"no valid record in {len(problems)} lines (line {first.line}: {first.reason})",
            str(path),
        )
    return CorpusRead(tuple(entries), tuple(problems))


def iter_records(path: Path) -> Iterator[tuple[int, dict[str, Any] | CorpusProblem]]:
    """Records by line number; a line that is not UTF-8 JSON of an object is a problem.

    Bytes are decoded strictly (a replaced byte would be stored as if the source had
    written U+FFFD); a UTF-8 byte order mark before line 1 is allowed.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CorpusError("cannot open corpus", str(path)) from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.removeprefix(BOM) if number == 1 else raw
            if line.strip():
                yield number, parse_line(line, number)


BOM = b"\xef\xbb\xbf"


def parse_line(raw: bytes, number: int) -> dict[str, Any] | CorpusProblem:
    """One line's JSON object, or the problem that keeps it out (never an exception)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return CorpusProblem(number, f"not UTF-8 (byte {exc.start + 1})")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return CorpusProblem(number, f"invalid JSON: {exc.msg}")
    except RecursionError:
        return CorpusProblem(number, "invalid JSON: nested too deeply")
    if not isinstance(record, dict):
        return CorpusProblem(number, "line is not a JSON object")
    return record


def entry_from_record(record: dict[str, Any]) -> Entry:
    """The entry of one record; a field of the wrong type is refused (ValueError), never
    stored as a Python repr."""
    missing = [name for name in REQUIRED_FIELDS if not isinstance(record.get(name), str)]
    if missing:
        raise ValueError(f"missing or non-text fields {missing}")
    wrong = [n for n in OPTIONAL_TEXT if not isinstance(record.get(n), str | None)]
    if wrong:
        raise ValueError(f"fields that must be text or null: {wrong}")
    url = record["url"].strip()
    title = (record.get("title") or "").strip()
    return Entry(
        url=url,
        source=(record.get("source") or "").strip() or host_of(url),
        title=title,
        text=record["text"].strip(),
        published_at=parse_published(record.get("published")),
        author=record.get("author") or None,
        language=record.get("language") or None,
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
