"""Input records of ``newspulse cluster``: ``{"id", "title", "text", "published"?, "source"?}``.

One JSON object a line.  ``id`` is a string or an integer and is echoed back as
given; ``published`` is an ISO-8601 date or time (UTC when it has no zone).  A line
that cannot be used (not JSON, no id, no text, a repeated id) is reported with its
number and skipped; a bad ``published`` is reported and the record kept undated.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newspulse.errors import CorpusError

RecordId = str | int


@dataclass(frozen=True, slots=True)
class ClusterRecord:
    id: RecordId
    title: str
    text: str
    published: dt.datetime | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class RecordProblem:
    line: int
    reason: str
    skipped: bool = True

    def describe(self) -> str:
        action = "skipped" if self.skipped else "kept"
        return f"line {self.line}: {self.reason} ({action})"


@dataclass(frozen=True, slots=True)
class RecordsRead:
    records: tuple[ClusterRecord, ...]
    problems: tuple[RecordProblem, ...]


def read_cluster_records(path: Path) -> RecordsRead:
    """Every usable record of ``path`` in file order, and what was wrong with the rest."""
    records: list[ClusterRecord] = []
    problems: list[RecordProblem] = []
    seen: set[RecordId] = set()
    for number, line in numbered_lines(path):
        try:
            record, warning = parse_record(line)
        except ValueError as exc:
            problems.append(RecordProblem(number, str(exc)))
            continue
        if record.id in seen:
            problems.append(RecordProblem(number, f"repeated id {record.id!r}"))
            continue
        if warning:
            problems.append(RecordProblem(number, warning, skipped=False))
        seen.add(record.id)
        records.append(record)
    return RecordsRead(tuple(records), tuple(problems))


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CorpusError("cannot open records file", str(path)) from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def parse_record(line: str) -> tuple[ClusterRecord, str | None]:
    """The record on one line, and a warning about a field that was dropped."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    record_id = data.get("id")
    # bool is an int subclass, and true/false are not ids.
    if isinstance(record_id, bool) or not isinstance(record_id, str | int) or record_id == "":
        raise ValueError('"id" must be a non-empty string or an integer')
    title, text = text_field(data, "title"), text_field(data, "text")
    if not title and not text:
        raise ValueError('no "title" or "text"')
    published, warning = None, None
    if data.get("published") not in (None, ""):
        try:
            published = parse_time(data["published"])
        except ValueError:
            warning = f'"published" is not an ISO-8601 date: {data["published"]!r}; undated'
    record = ClusterRecord(record_id, title, text, published, text_field(data, "source"))
    return record, warning


def text_field(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f'"{name}" must be a string')
    return value.strip()


def parse_time(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("not a string")
    moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
