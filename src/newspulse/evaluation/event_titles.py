"""Event titles as a reader sees them, measured: the headings of the Sources page's event
groups and the titles of the event pages those groups link to (product spec §4; issue 10
item 6).  Each is judged by ``text.title_rules`` against the spellings of the event's own
cited articles, so a slug's lower-cased names are seen for what they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newspulse.text.title_rules import spellings, title_problem


def page_event_titles(document: Mapping[str, Any]) -> dict[int, str]:
    """Each cited event's heading on the Sources page: its first source's ``event_title``,
    or that source's own title in versions written before titles were stored."""
    headings: dict[int, str] = {}
    for source in document.get("sources", []):
        event_id = source.get("event_id")
        if isinstance(event_id, int) and event_id not in headings:
            title = source.get("event_title") or source.get("title") or ""
            headings[event_id] = str(title)
    return headings


def bad_event_titles(
    document: Mapping[str, Any],
    texts: Mapping[str, str],
    labels: Mapping[int, str] | None = None,
) -> tuple[tuple[str, str], ...]:
    """(title, reason) for each distinct bad title among the page's event headings and,
    from ``labels`` (event id → stored label), the event pages of the events it cites;
    ``texts`` are the cited articles' texts by source id."""
    by_event: dict[int, list[str]] = {}
    for source in document.get("sources", []):
        event_id = source.get("event_id")
        if isinstance(event_id, int):
            by_event.setdefault(event_id, []).append(texts.get(str(source.get("id", "")), ""))
    found: dict[str, str] = {}
    for event_id, heading in page_event_titles(document).items():
        names = spellings(text[:3000] for text in by_event.get(event_id, []))
        for title in dict.fromkeys([heading, (labels or {}).get(event_id, "")]):
            if title and title not in found:
                reason = title_problem(title, names)
                if reason is not None:
                    found[title] = reason
    return tuple(found.items())


def event_title_count(document: Mapping[str, Any]) -> int:
    return len(page_event_titles(document))


def titles_json(bad: Sequence[tuple[str, str]], total: int) -> dict[str, Any]:
    return {"event_titles": total, "bad_event_titles": [list(pair) for pair in bad]}
