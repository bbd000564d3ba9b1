"""One topic's version written by the chosen ``Writer`` (``writers``); its fingerprint, diff."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from newspulse.domain import Article, EventSummary, Topic, Vector
from newspulse.settings import LLMSettings, RankSettings, WriteSettings
from newspulse.write.writers import (
    WRITER_VERSION,
    Writer,
    WrittenVersion,
    create_writer,
    writer_key,
)

__all__ = [
    "WRITER_VERSION",
    "WrittenVersion",
    "bullet_texts",
    "events_fingerprint",
    "version_diff",
    "write_version",
    "writer_key",
]


def events_fingerprint(
    events: Sequence[EventSummary],
    *,
    now: dt.datetime,
    settings: WriteSettings,
    rank: RankSettings,
    llm: LLMSettings | None = None,
    writer: Writer | None = None,
) -> str:
    """Changes when an event enters, leaves or gains/loses an article, when an event ages
    out of "recent", or when the writer or its settings change: exactly when a new
    version could read differently.  ``writer`` defaults to the one ``llm`` chooses."""
    recent_cutoff = now - dt.timedelta(days=settings.recent_days)
    parts = sorted(f"{e.id}:{','.join(map(str, sorted(e.article_ids)))}" for e in events)
    recent = sorted(str(e.id) for e in events if e.last_seen >= recent_cutoff)
    chosen = writer or create_writer(llm)
    configuration = json.dumps(chosen.fingerprint_parts(settings, rank), sort_keys=True)
    text = "|".join(parts) + "#" + ",".join(recent) + "#" + configuration
    return hashlib.sha256(text.encode()).hexdigest()


def write_version(
    topic: Topic,
    ranked_events: Sequence[EventSummary],
    articles: Mapping[int, Article],
    *,
    now: dt.datetime,
    settings: WriteSettings,
    llm: LLMSettings | None = None,
    previous: Mapping[str, Any] | None = None,
    facet_vectors: Sequence[Vector] | None = None,
) -> WrittenVersion:
    """Plan, word (LLM when enabled, else extractive: ``create_writer``) and verify one version.

    ``previous`` is the topic's last published document: sections whose events did not
    change keep its wording (``incremental``).
    """
    return create_writer(llm).write(
        topic,
        ranked_events,
        articles,
        now=now,
        settings=settings,
        previous=previous,
        facet_vectors=facet_vectors,
    )


def version_diff(previous: dict[str, Any] | None, current: dict[str, Any]) -> dict[str, Any]:
    """What changed since the previous version: events and bullets added or removed."""
    if previous is None:
        return {"first_version": True, "events_added": current.get("event_ids", [])}
    before_events = set(previous.get("event_ids", []))
    after_events = set(current.get("event_ids", []))
    before_bullets = set(bullet_texts(previous))
    after_bullets = set(bullet_texts(current))
    return {
        "first_version": False,
        "previous_version": previous.get("version"),
        "events_added": sorted(after_events - before_events),
        "events_removed": sorted(before_events - after_events),
        "bullets_added": sorted(after_bullets - before_bullets),
        "bullets_removed": sorted(before_bullets - after_bullets),
        "headline_changed": previous.get("headline") != current.get("headline"),
        **section_changes(previous, current),
    }


def section_changes(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, list[str]]:
    """Titles of the sections taken over word for word, and of those written anew."""
    before = {s.get("fingerprint") for s in previous.get("sections", []) if s.get("fingerprint")}
    kept: list[str] = []
    rewritten: list[str] = []
    for section in current.get("sections", []):
        (kept if section.get("fingerprint") in before else rewritten).append(section["title"])
    return {"sections_kept": kept, "sections_rewritten": rewritten}


def bullet_texts(document: dict[str, Any]) -> list[str]:
    texts = []
    groups = [section.get("bullets", []) for section in document.get("sections", [])]
    groups += [document.get("notable", []), document.get("implications", [])]
    for bullets in groups:
        stack = list(bullets)
        while stack:
            bullet = stack.pop()
            texts.append(bullet["text"])
            stack.extend(bullet.get("children", []))
    return texts
