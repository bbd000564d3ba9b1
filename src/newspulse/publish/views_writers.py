"""The operators' view of who wrote each topic's current briefing (issue 14, item 1).

An operator who turns the LLM writer on needs to see, without reading logs, whether
the model wrote anything: which structured-output mode the server accepted, how many
formats it refused first, which parts the model worded and why the others kept their
extractive wording.  All of it comes from the stored version document (its
``writer`` and ``verification.llm`` note), so the page shows what was published,
not what a probe would say now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newspulse.domain import Topic
from newspulse.publish.views import Moment, moment_of
from newspulse.redact import public_text

NO_MODE = "—"


@dataclass(frozen=True, slots=True)
class WriterRow:
    """One topic's current briefing as the operators' page lists it."""

    topic: str
    href: str
    version: int
    updated: Moment
    writer: str
    mode: str
    worded: int
    parts: int
    refusals: int
    withheld: int
    fallback_reason: str
    kept: tuple[str, ...]


def writer_row(
    topic: Topic, href: str, version: int, created_at: dt.datetime, document: Mapping[str, Any]
) -> WriterRow:
    """The row of one stored version; a version written before the LLM note existed
    (or by the extractive writer) shows its writer and no mode."""
    verification = document.get("verification")
    note = verification.get("llm") if isinstance(verification, Mapping) else None
    note = note if isinstance(note, Mapping) else {}
    sections = [s for s in note.get("sections") or () if isinstance(s, Mapping)]
    worded = [s for s in sections if s.get("writer") == "llm"]
    return WriterRow(
        topic=public_text(topic.title),
        href=href,
        version=version,
        updated=moment_of(created_at),
        writer=public_text(str(document.get("writer") or note.get("writer") or "extractive")),
        mode=public_text(str(note.get("mode") or NO_MODE)),
        worded=len(worded),
        parts=len(sections),
        refusals=count(note.get("refusals")),
        withheld=count(note.get("withheld")),
        fallback_reason=public_text(str(note.get("fallback_reason") or "")),
        kept=tuple(
            public_text(f"{s.get('title') or 'untitled'}: {s.get('reason') or 'no reason given'}")
            for s in sections
            if s.get("writer") != "llm"
        ),
    )


def count(value: object) -> int:
    """A count stored as a number or as the list it counts."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    return len(value) if isinstance(value, Sequence) and not isinstance(value, str) else 0
