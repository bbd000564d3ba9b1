"""How a topic's next version honours operators' corrections.

A correction is carried in every later version's document (readers see what was
corrected and when), enters the version fingerprint (so recording one makes the next
``update`` write a new version even when no event changed), and a correction naming an
article takes that article out of the topic's evidence.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from typing import Any

from newspulse.domain import EventSummary, iso_utc
from newspulse.records import Correction


def excluded_articles(corrections: Sequence[Correction]) -> frozenset[int]:
    return frozenset(c.article_id for c in corrections if c.article_id is not None)


def apply_corrections(
    events: Sequence[EventSummary], corrections: Sequence[Correction]
) -> list[EventSummary]:
    """``events`` without the articles corrections exclude; an event left empty is dropped."""
    excluded = excluded_articles(corrections)
    if not excluded:
        return list(events)
    kept = []
    for event in events:
        members = [
            (article_id, source)
            for article_id, source in zip(event.article_ids, event.sources, strict=True)
            if article_id not in excluded
        ]
        if not members:
            continue
        if len(members) < len(event.article_ids):
            event = dataclasses.replace(
                event,
                article_ids=tuple(article_id for article_id, _ in members),
                sources=tuple(source for _, source in members),
            )
        kept.append(event)
    return kept


def corrected_fingerprint(fingerprint: str, corrections: Sequence[Correction]) -> str:
    """The events fingerprint, changed by every correction recorded (none: unchanged)."""
    if not corrections:
        return fingerprint
    ids = ",".join(str(c.id) for c in corrections)
    return hashlib.sha256(f"{fingerprint}#corrections:{ids}".encode()).hexdigest()


def corrections_json(corrections: Sequence[Correction]) -> list[dict[str, Any]]:
    """The ``corrections`` array of a briefing document (additive to contract v1)."""
    return [
        {
            "id": c.id,
            "text": c.text,
            "created_at": iso_utc(c.created_at),
            "article_id": c.article_id,
        }
        for c in corrections
    ]
