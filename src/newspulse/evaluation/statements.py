"""The statements of a stored briefing document, each with its path in the citations table's
scheme (``sections.1.bullets.0.children.0``), for every measure that reads a page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class StatementRef:
    path: str
    text: str
    citations: tuple[str, ...]
    as_of: dt.date | None
    # Whether the writer stores support scores for it (the timeline is not verified so).
    scored: bool = True
    # The date a reader reads it against: a timeline line's own date, else the version's.
    read_on: dt.date | None = None


def iter_statements(document: Mapping[str, Any]) -> Iterator[StatementRef]:
    """Every published statement with its path, in the citations table's path scheme."""
    yield from plain("lead", document.get("lead", []))
    for number, section in enumerate(document.get("sections", [])):
        yield from plain(f"sections.{number}.intro", section.get("intro", []))
        yield from bullets(f"sections.{number}.bullets", section.get("bullets", []))
    yield from bullets("notable", document.get("notable", []))
    yield from bullets("implications", document.get("implications", []))
    yield from plain("summary", document.get("summary", []))
    for number, entry in enumerate(document.get("timeline", [])):
        path, date = f"timeline.{number}", dt.date.fromisoformat(entry["date"])
        citations = tuple(entry["citations"])
        yield StatementRef(path, entry["text"], citations, None, scored=False, read_on=date)


def plain(path: str, items: Sequence[Mapping[str, Any]]) -> Iterator[StatementRef]:
    for number, item in enumerate(items):
        yield StatementRef(f"{path}.{number}", item["text"], tuple(item["citations"]), None)


def bullets(path: str, items: Sequence[Mapping[str, Any]]) -> Iterator[StatementRef]:
    for number, item in enumerate(items):
        as_of = dt.date.fromisoformat(item["as_of"]) if item.get("as_of") else None
        here = f"{path}.{number}"
        yield StatementRef(here, item["text"], tuple(item["citations"]), as_of)
        yield from bullets(f"{here}.children", item.get("children", []))
