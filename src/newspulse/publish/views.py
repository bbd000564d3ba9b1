"""Page view models: a briefing JSON document turned into plain frozen data for the templates.

Owns citation numbering (a source's number is its position in ``sources`` plus one), the
grouping of sources by event, and how dates read.  Pure: no store, no clock, no HTML.  The
document is read defensively because fields are added over versions (domain.py, contract v1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    """One ``[n]`` marker; ``number`` is None when the id is missing from the source list.

    ``title`` is the one-line hover text; ``tip_id`` (empty: no card) names the card that
    shows outlet, date and the supporting ``passage`` on hover or keyboard focus.
    """

    number: int | None
    href: str
    title: str
    outlet: str = ""
    published: Moment | None = None
    passage: str = ""
    event_href: str = ""
    tip_id: str = ""
    # False when the date was estimated (often the fetch time): not a known publication date.
    dated: bool = True


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
class TimelineItem:
    """One line of the topic's timeline; ``href`` is its event page (empty: no link)."""

    date: Moment
    text: str
    citations: tuple[Citation, ...]
    href: str = ""


@dataclass(frozen=True, slots=True)
class VerificationNote:
    statements: int
    supported: int
    withheld: int
    # The LLM writer's sections: those the model worded, those kept extractive ("title: why").
    model_sections: tuple[str, ...] = ()
    extractive_sections: tuple[str, ...] = ()


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
    timeline: tuple[TimelineItem, ...] = ()


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
    updated_age: str = ""


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


def event_path(event_id: int) -> str:
    return f"events/{event_id}/"


def build_citation_index(
    document: Mapping[str, Any], *, sources_href: str, events_href: str | None = None
) -> dict[str, Citation]:
    """Citation markers by source id, numbered in the order of the ``sources`` array.

    With ``events_href`` (the site root as seen from the page) a citation also links to
    the event page of its source.
    """
    index: dict[str, Citation] = {}
    for number, source in enumerate(list_of(document.get("sources")), start=1):
        source_id = str(source.get("id", ""))
        published = read_timestamp(source.get("published_at"))
        parts = [text_of(source.get("source")), published.text if published else "date unknown"]
        parts.append(text_of(source.get("title")))
        title = " · ".join(part for part in parts if part)
        href = f"{sources_href}#{quote(source_anchor(source_id), safe='-_.~')}"
        event_id = source.get("event_id")
        event_href = ""
        if events_href is not None and isinstance(event_id, int):
            event_href = events_href + event_path(event_id)
        citation = Citation(
            number=number,
            href=href,
            title=title,
            outlet=text_of(source.get("source")),
            published=published,
            event_href=event_href,
            dated=source.get("date_estimated") is not True,
        )
        index.setdefault(source_id, citation)
    return index


@dataclass(frozen=True, slots=True)
class CiteContext:
    """What a statement needs to turn source ids into markers: the numbered index and,
    when the page shows cards, the supporting passages by (statement path, source id)."""

    index: Mapping[str, Citation]
    passages: Mapping[tuple[str, str], str] = field(default_factory=dict)
    cards: bool = False


def as_context(index: Mapping[str, Citation] | CiteContext) -> CiteContext:
    return index if isinstance(index, CiteContext) else CiteContext(index)


def cite(
    ids: object, index: Mapping[str, Citation] | CiteContext, path: str = ""
) -> tuple[Citation, ...]:
    context = as_context(index)
    missing = Citation(number=None, href="", title="Source not listed")
    found = []
    for position, source_id in enumerate(list_of_values(ids)):
        citation = context.index.get(str(source_id), missing)
        if context.cards and citation.number is not None:
            passage = context.passages.get((path, str(source_id)), "")
            tip_id = f"tip-{path.replace('.', '-')}-{position}" if path else ""
            title = f"{citation.title} — “{passage}”" if passage else citation.title
            citation = replace(citation, passage=passage, tip_id=tip_id, title=title)
        found.append(citation)
    return tuple(found)


def build_statements(
    raw: object, index: Mapping[str, Citation] | CiteContext, path: str = ""
) -> tuple[CitedText, ...]:
    return tuple(
        CitedText(
            text=text_of(item.get("text")),
            citations=cite(item.get("citations"), index, f"{path}.{number}"),
        )
        for number, item in enumerate(list_of(raw))
    )


def build_bullets(
    raw: object, index: Mapping[str, Citation] | CiteContext, path: str = ""
) -> tuple[BulletItem, ...]:
    return tuple(
        BulletItem(
            text=text_of(item.get("text")),
            citations=cite(item.get("citations"), index, f"{path}.{number}"),
            children=build_bullets(item.get("children"), index, f"{path}.{number}.children"),
            as_of=read_date(item.get("as_of")),
        )
        for number, item in enumerate(list_of(raw))
    )


def build_sections(
    raw: object, index: Mapping[str, Citation] | CiteContext
) -> tuple[SectionItem, ...]:
    sections = []
    for number, item in enumerate(list_of(raw)):
        intro = build_statements(item.get("intro"), index, f"sections.{number}.intro")
        bullets = build_bullets(item.get("bullets"), index, f"sections.{number}.bullets")
        sections.append(
            SectionItem(
                title=text_of(item.get("title")),
                intro=intro,
                bullets=bullets,
                publisher_count=int_of(item.get("publisher_count")),
                newest=section_newest(read_date(item.get("newest")), intro, bullets),
            )
        )
    return tuple(sections)


def section_newest(
    stated: Moment | None, intro: Sequence[CitedText], bullets: Sequence[BulletItem]
) -> Moment | None:
    """The section's "newest" day, never one only an estimated (unknown) date supports.

    An undated article carries its fetch time; 229 of the demo's 537 articles do, and a
    section built on them read "newest 27 Feb 2026 (just now)".  With no cited source
    whose publisher gave a date, the section has no newest day.
    """
    cited = [c for c in cited_in(intro, bullets) if c.number is not None]
    if not cited:
        return stated
    days = [c.published.iso[:10] for c in cited if c.dated and c.published is not None]
    if not days:
        return None
    newest = max(days)
    if stated is not None and stated.iso[:10] <= newest:
        return stated
    return read_date(newest)


def cited_in(intro: Sequence[CitedText], bullets: Sequence[BulletItem]) -> list[Citation]:
    found = [c for statement in intro for c in statement.citations]
    pending = list(bullets)
    while pending:
        bullet = pending.pop()
        found.extend(bullet.citations)
        pending.extend(bullet.children)
    return found


def build_timeline(
    raw: object, context: CiteContext, *, events_href: str | None
) -> tuple[TimelineItem, ...]:
    """Dated key events; an entry without a readable date is left out rather than misdated."""
    items = []
    for number, item in enumerate(list_of(raw)):
        date = read_date(item.get("date"))
        if date is None:
            continue
        event_id = item.get("event_id")
        href = (
            events_href + event_path(event_id)
            if events_href is not None and isinstance(event_id, int)
            else ""
        )
        citations = cite(item.get("citations"), context, f"timeline.{number}")
        items.append(TimelineItem(date, text_of(item.get("text")), citations, href))
    return tuple(items)


def build_verification(raw: object) -> VerificationNote | None:
    if not isinstance(raw, Mapping):
        return None
    llm = raw.get("llm")
    sections = list_of(llm.get("sections")) if isinstance(llm, Mapping) else []
    return VerificationNote(
        statements=int_of(raw.get("statements")),
        supported=int_of(raw.get("supported")),
        withheld=len(list_of_values(raw.get("withheld"))),
        model_sections=tuple(text_of(s.get("title")) for s in sections if s.get("writer") == "llm"),
        extractive_sections=tuple(
            f"{text_of(s.get('title'))}: {text_of(s.get('reason'))}"
            for s in sections
            if s.get("writer") != "llm"
        ),
    )


def count_sources(document: Mapping[str, Any]) -> int:
    count = document.get("source_count")
    return count if isinstance(count, int) else len(list_of(document.get("sources")))


def build_briefing(
    document: Mapping[str, Any],
    *,
    sources_href: str,
    events_href: str | None = None,
    passages: Mapping[tuple[str, str], str] | None = None,
) -> BriefingView:
    """The topic page's content; citations link to ``sources_href`` plus the source anchor.

    With ``passages`` each citation carries a card (outlet, date, supporting passage, and
    the event page when ``events_href`` is given): statement paths are those of the
    ``citations`` table (``sections.1.bullets.0.children.0``).
    """
    index = build_citation_index(document, sources_href=sources_href, events_href=events_href)
    context = CiteContext(index, passages or {}, cards=passages is not None)
    return BriefingView(
        version=int_of(document.get("version")),
        updated=read_timestamp(document.get("updated_at")),
        headline=text_of(document.get("headline")),
        lead=build_statements(document.get("lead"), context, "lead"),
        sections=build_sections(document.get("sections"), context),
        notable=build_bullets(document.get("notable"), context, "notable"),
        implications=build_bullets(document.get("implications"), context, "implications"),
        summary=build_statements(document.get("summary"), context, "summary"),
        source_count=count_sources(document),
        verification=build_verification(document.get("verification")),
        timeline=build_timeline(document.get("timeline"), context, events_href=events_href),
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
