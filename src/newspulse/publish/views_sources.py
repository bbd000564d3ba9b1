"""The Sources list of a briefing as the pages show it: every cited article numbered in
citation order, grouped by event (each group linking its event page), syndicated copies
folded under their original."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newspulse.publish.views import (
    OTHER_GROUP_HEADING,
    Moment,
    event_path,
    list_of,
    read_timestamp,
    source_anchor,
    text_of,
)
from newspulse.text.language import language_tag


@dataclass(frozen=True, slots=True)
class CopyItem:
    """A syndicated copy, folded under the original it repeats."""

    outlet: str
    title: str
    url: str
    published: Moment | None


@dataclass(frozen=True, slots=True)
class SourceItem:
    number: int
    anchor: str
    outlet: str
    title: str
    url: str
    published: Moment | None
    date_estimated: bool
    copies: tuple[CopyItem, ...] = ()
    # The article's language code ("zh"), None when unknown; shown beside its outlet.
    language: str | None = None


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """The sources of one event (``event_href`` links its page) or the event-less rest."""

    heading: str
    sources: tuple[SourceItem, ...]
    event_href: str = ""


def build_source_groups(
    document: Mapping[str, Any],
    *,
    copies: Mapping[str, Sequence[CopyItem]] | None = None,
    events_href: str | None = None,
) -> tuple[SourceGroup, ...]:
    """Sources grouped by event in order of first appearance; event-less ones last, as Other.

    ``copies`` (by source id) are folded under their original; with ``events_href`` (the
    site root as seen from the page) each group heading links to its event page.
    """
    groups: dict[int | None, list[SourceItem]] = {}
    headings = event_headings(document)
    for number, source in enumerate(list_of(document.get("sources")), start=1):
        event_id = source.get("event_id")
        key = event_id if isinstance(event_id, int) else None
        item = build_source_item(number, source)
        folded = (copies or {}).get(str(source.get("id", "")), ())
        groups.setdefault(key, []).append(replace(item, copies=tuple(folded)))
    ordered = [
        SourceGroup(
            heading=headings.get(key) or items[0].title,
            sources=tuple(items),
            event_href=events_href + event_path(key) if events_href is not None else "",
        )
        for key, items in groups.items()
        if key is not None
    ]
    if None in groups:
        ordered.append(SourceGroup(heading=OTHER_GROUP_HEADING, sources=tuple(groups[None])))
    return tuple(ordered)


def event_headings(document: Mapping[str, Any] | None) -> dict[int, str]:
    """Each event's title as the pages show it: the one its first source carries
    (``event_title``), or, in versions written before titles were stored, that source's
    own title."""
    headings: dict[int, str] = {}
    for source in list_of(document.get("sources") if document else None):
        event_id = source.get("event_id")
        if isinstance(event_id, int) and event_id not in headings:
            headings[event_id] = text_of(source.get("event_title")) or text_of(source.get("title"))
    return headings


def build_source_item(number: int, source: Mapping[str, Any]) -> SourceItem:
    return SourceItem(
        number=number,
        anchor=source_anchor(str(source.get("id", ""))),
        outlet=text_of(source.get("source")),
        title=text_of(source.get("title")),
        url=text_of(source.get("url")),
        published=read_timestamp(source.get("published_at")),
        date_estimated=source.get("date_estimated") is True,
        language=language_tag(text_of(source.get("language"))),
    )


def source_ids(document: Mapping[str, Any]) -> list[str]:
    return [str(source.get("id", "")) for source in list_of(document.get("sources"))]
