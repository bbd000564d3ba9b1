"""Page view models: a briefing JSON document turned into plain frozen data for the templates.

Owns citation numbering (a source's number is its position in ``sources`` plus one), the
grouping of sources by event, and how dates read.  Pure: no store, no clock, no HTML.  The
document is read defensively because fields are added over versions (domain.py, contract v1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from newspulse.domain import Topic, Vertical

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
OTHER_GROUP_HEADING = "Other"


@dataclass(frozen=True, slots=True)
class Moment:
    """A date or time as a ``<time>`` element shows it: machine form and reader form."""

    iso: str
    text: str


@dataclass(frozen=True, slots=True)
class Citation:
    """One ``[n]`` marker; ``number`` is None when the id is missing from the source list."""

    number: int | None
    href: str
    title: str


@dataclass(frozen=True, slots=True)
class CitedText:
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class BulletItem:
    text: str
    citations: tuple[Citation, ...]
    children: tuple[BulletItem, ...]
    as_of: Moment | None


@dataclass(frozen=True, slots=True)
class SectionItem:
    title: str
    intro: tuple[CitedText, ...]
    bullets: tuple[BulletItem, ...]
    publisher_count: int
    newest: Moment | None


@dataclass(frozen=True, slots=True)
class VerificationNote:
    statements: int
    supported: int
    withheld: int


@dataclass(frozen=True, slots=True)
class BriefingView:
    version: int
    updated: Moment | None
    headline: str
    lead: tuple[CitedText, ...]
    sections: tuple[SectionItem, ...]
    notable: tuple[BulletItem, ...]
    implications: tuple[BulletItem, ...]
    summary: tuple[CitedText, ...]
    source_count: int
    verification: VerificationNote | None


@dataclass(frozen=True, slots=True)
class SourceItem:
    number: int
    anchor: str
    outlet: str
    title: str
    url: str
    published: Moment | None
    date_estimated: bool


@dataclass(frozen=True, slots=True)
class SourceGroup:
    heading: str
    sources: tuple[SourceItem, ...]


@dataclass(frozen=True, slots=True)
class NavLink:
    """A navigation or breadcrumb link; ``href`` is None for the page itself."""

    label: str
    href: str | None


@dataclass(frozen=True, slots=True)
class TopicCard:
    """A topic as home and vertical pages list it; ``href`` is relative to the listing page."""

    slug: str
    title: str
    tagline: str
    href: str
    headline: str | None
    source_count: int
    updated: Moment | None
    notable: tuple[BulletItem, ...]


@dataclass(frozen=True, slots=True)
class VerticalListing:
    vertical: Vertical
    href: str
    cards: tuple[TopicCard, ...]


def read_timestamp(value: object) -> Moment | None:
    """``2026-02-26T14:05:00Z`` → ``26 Feb 2026, 14:05 UTC``; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment_of(moment)


def moment_of(moment: dt.datetime) -> Moment:
    """A point in time shown in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    text = f"{format_day(moment.date())}, {moment:%H:%M} UTC"
    return Moment(iso=moment.strftime("%Y-%m-%dT%H:%M:%SZ"), text=text)


def read_date(value: object) -> Moment | None:
    """``2026-02-20`` → ``20 Feb 2026``; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return Moment(iso=day.isoformat(), text=format_day(day))


def format_day(day: dt.date) -> str:
    # Month names from a fixed table, not strftime("%b"), so the output ignores the locale.
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_anchor(source_id: str) -> str:
    return f"s-{source_id}"


def build_citation_index(document: Mapping[str, Any], *, sources_href: str) -> dict[str, Citation]:
    """Citation markers by source id, numbered in the order of the ``sources`` array."""
    index: dict[str, Citation] = {}
    for number, source in enumerate(list_of(document.get("sources")), start=1):
        source_id = str(source.get("id", ""))
        published = read_timestamp(source.get("published_at"))
        parts = [text_of(source.get("source")), published.text if published else "date unknown"]
        parts.append(text_of(source.get("title")))
        title = " · ".join(part for part in parts if part)
        href = f"{sources_href}#{quote(source_anchor(source_id), safe='-_.~')}"
        index.setdefault(source_id, Citation(number=number, href=href, title=title))
    return index


def cite(ids: object, index: Mapping[str, Citation]) -> tuple[Citation, ...]:
    missing = Citation(number=None, href="", title="Source not listed")
    return tuple(index.get(str(source_id), missing) for source_id in list_of_values(ids))


def build_statements(raw: object, index: Mapping[str, Citation]) -> tuple[CitedText, ...]:
    return tuple(
        CitedText(text=text_of(item.get("text")), citations=cite(item.get("citations"), index))
        for item in list_of(raw)
    )


def build_bullets(raw: object, index: Mapping[str, Citation]) -> tuple[BulletItem, ...]:
    return tuple(
        BulletItem(
            text=text_of(item.get("text")),
            citations=cite(item.get("citations"), index),
            children=build_bullets(item.get("children"), index),
            as_of=read_date(item.get("as_of")),
        )
        for item in list_of(raw)
    )


def build_sections(raw: object, index: Mapping[str, Citation]) -> tuple[SectionItem, ...]:
    return tuple(
        SectionItem(
            title=text_of(item.get("title")),
            intro=build_statements(item.get("intro"), index),
            bullets=build_bullets(item.get("bullets"), index),
            publisher_count=int_of(item.get("publisher_count")),
            newest=read_date(item.get("newest")),
        )
        for item in list_of(raw)
    )


def build_verification(raw: object) -> VerificationNote | None:
    if not isinstance(raw, Mapping):
        return None
    return VerificationNote(
        statements=int_of(raw.get("statements")),
        supported=int_of(raw.get("supported")),
        withheld=len(list_of_values(raw.get("withheld"))),
    )


def count_sources(document: Mapping[str, Any]) -> int:
    count = document.get("source_count")
    return count if isinstance(count, int) else len(list_of(document.get("sources")))


def build_briefing(document: Mapping[str, Any], *, sources_href: str) -> BriefingView:
    """The topic page's content; citations link to ``sources_href`` plus the source anchor."""
    index = build_citation_index(document, sources_href=sources_href)
    return BriefingView(
        version=int_of(document.get("version")),
        updated=read_timestamp(document.get("updated_at")),
        headline=text_of(document.get("headline")),
        lead=build_statements(document.get("lead"), index),
        sections=build_sections(document.get("sections"), index),
        notable=build_bullets(document.get("notable"), index),
        implications=build_bullets(document.get("implications"), index),
        summary=build_statements(document.get("summary"), index),
        source_count=count_sources(document),
        verification=build_verification(document.get("verification")),
    )


def build_source_groups(document: Mapping[str, Any]) -> tuple[SourceGroup, ...]:
    """Sources grouped by event in order of first appearance; event-less ones last, as Other."""
    groups: dict[int | None, list[SourceItem]] = {}
    for number, source in enumerate(list_of(document.get("sources")), start=1):
        event_id = source.get("event_id")
        key = event_id if isinstance(event_id, int) else None
        groups.setdefault(key, []).append(build_source_item(number, source))
    ordered = [
        SourceGroup(heading=items[0].title, sources=tuple(items))
        for key, items in groups.items()
        if key is not None
    ]
    if None in groups:
        ordered.append(SourceGroup(heading=OTHER_GROUP_HEADING, sources=tuple(groups[None])))
    return tuple(ordered)


def build_source_item(number: int, source: Mapping[str, Any]) -> SourceItem:
    return SourceItem(
        number=number,
        anchor=source_anchor(str(source.get("id", ""))),
        outlet=text_of(source.get("source")),
        title=text_of(source.get("title")),
        url=text_of(source.get("url")),
        published=read_timestamp(source.get("published_at")),
        date_estimated=source.get("date_estimated") is True,
    )


def build_topic_card(
    topic: Topic, document: Mapping[str, Any] | None, *, href: str, notable_limit: int = 0
) -> TopicCard:
    """A topic listing; with ``notable_limit`` its first notable developments, without children."""
    notable: tuple[BulletItem, ...] = ()
    if document is not None and notable_limit:
        index = build_citation_index(document, sources_href=f"{href}sources/")
        notable = tuple(
            BulletItem(text=item.text, citations=item.citations, children=(), as_of=item.as_of)
            for item in build_bullets(document.get("notable"), index)[:notable_limit]
        )
    return TopicCard(
        slug=topic.slug,
        title=topic.title,
        tagline=topic.tagline,
        href=href,
        headline=text_of(document.get("headline")) if document is not None else None,
        source_count=count_sources(document) if document is not None else 0,
        updated=read_timestamp(document.get("updated_at")) if document is not None else None,
        notable=notable,
    )


def list_of(value: object) -> list[Mapping[str, Any]]:
    """The mappings in a JSON array; anything else reads as empty."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def list_of_values(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


def int_of(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
