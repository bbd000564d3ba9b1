"""Incremental wording: a section whose events did not change keeps its published text.

Each section records the events the plan gave it and a fingerprint of those events'
articles and of the writer that worded them.  When the next version's plan gives a
theme exactly the same events (same articles) and the same writer runs, the previous
version's section is taken over word for word (title, intro, bullets, as-of dates), so
the version's diff reports only sections that really changed.  Kept sections are
verified again like any other text before they are published.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from newspulse.domain import Briefing, EventSummary, Section
from newspulse.write.plan import BriefingPlan


def section_fingerprint(events: Sequence[EventSummary], writer_key: str) -> str:
    parts = sorted(f"{e.id}:{','.join(map(str, sorted(e.article_ids)))}" for e in events)
    text = writer_key + "#" + "|".join(parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def kept_sections(
    plan: BriefingPlan, previous: Mapping[str, Any] | None, writer_key: str
) -> dict[int, Section]:
    """Theme index → the previous version's section for exactly the same events."""
    if not previous:
        return {}
    stored: dict[str, Section] = {}
    for data in previous.get("sections", []):
        try:
            section = Section.from_json(data)
        except (KeyError, TypeError, ValueError):
            continue
        if section.fingerprint and section.bullets:
            stored.setdefault(section.fingerprint, section)
    kept = {}
    for index, theme in enumerate(plan.themes):
        found = stored.get(section_fingerprint(theme.events, writer_key))
        if found is not None:
            kept[index] = found
    return kept


def stamp_sections(
    briefing: Briefing,
    plan: BriefingPlan,
    writer_key: str,
    kept: Mapping[int, Section],
    keys: Mapping[str, str] | None = None,
) -> Briefing:
    """Record each written section's events and fingerprint; kept sections keep theirs.

    ``keys`` gives some sections (by title) another writer key than ``writer_key``: a
    section the LLM writer left in extractive wording is worded anew next time.
    Titles are made distinct: a kept title may coincide with a new theme's name.
    """
    keys = keys or {}
    kept_fingerprints = {section.fingerprint for section in kept.values()}
    events_of = {theme.title: theme.events for theme in plan.themes}
    sections = []
    titles: set[str] = set()
    for section in briefing.sections:
        if section.fingerprint not in kept_fingerprints or not section.fingerprint:
            events = events_of.get(section.title, ())
            section = dataclasses.replace(
                section,
                event_ids=tuple(e.id for e in events),
                fingerprint=section_fingerprint(events, keys.get(section.title, writer_key)),
            )
        title = section.title
        while title in titles:
            title = f"{title} (continued)"
        titles.add(title)
        sections.append(dataclasses.replace(section, title=title))
    return dataclasses.replace(briefing, sections=tuple(sections))
