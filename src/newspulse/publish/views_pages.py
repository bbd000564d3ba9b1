"""View models of the pages around a briefing: history and diffs, corrections, events,
search results, source health, the volume chart, and relative times.

Pure like ``views``: records from the store come in, frozen data for templates goes out;
the clock comes in as ``now``.  No HTML is built here: highlighted snippets are split into
segments the template escapes one by one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newspulse.domain import Topic
from newspulse.publish.chips import name_chips
from newspulse.publish.views import (
    Moment,
    event_path,
    int_of,
    list_of,
    list_of_values,
    moment_of,
    read_timestamp,
    text_of,
)
from newspulse.publish.views_sources import CopyItem, event_headings
from newspulse.records import ArticleRef, Correction, EventDetail, SearchHit, SourceRecord
from newspulse.redact import public_text, public_url
from newspulse.text.language import language_tag


def relative_age(moment: dt.datetime | None, now: dt.datetime) -> str:
    """``3 hours ago``, ``2 days ago``; ``just now`` under a minute; "" when unknown."""
    if moment is None:
        return ""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return "in the future"
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        count = int(seconds // size)
        if count:
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def moment_age(moment: Moment | None, now: dt.datetime) -> str:
    if moment is None:
        return ""
    value = dt.datetime.fromisoformat(moment.iso.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return relative_age(value, now)


# --- corrections and changes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorrectionItem:
    text: str
    made: Moment
    article_excluded: bool


def build_corrections(corrections: Sequence[Correction]) -> tuple[CorrectionItem, ...]:
    return tuple(
        CorrectionItem(c.text, moment_of(c.created_at), c.article_id is not None)
        for c in corrections
    )


@dataclass(frozen=True, slots=True)
class EventChange:
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What one version changed against the one before (``document["changes"]``)."""

    first_version: bool
    previous_version: int | None
    headline_changed: bool
    events_added: tuple[EventChange, ...]
    events_removed: tuple[EventChange, ...]
    bullets_added: tuple[str, ...]
    bullets_removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.first_version
            or self.headline_changed
            or self.events_added
            or self.events_removed
            or self.bullets_added
            or self.bullets_removed
        )


def event_labels(document: Mapping[str, Any] | None) -> dict[int, str]:
    """Event labels as a document's Sources list heads them (``views_sources``)."""
    return event_headings(document)


def build_changes(
    diff: object,
    *,
    labels: Mapping[int, str],
    events_href: str,
    linkable: frozenset[int] | None = None,
) -> ChangesView | None:
    """The diff of a version; events link to their pages when in ``linkable`` (None: all)."""
    if not isinstance(diff, Mapping):
        return None

    def events(key: str) -> tuple[EventChange, ...]:
        found = []
        for value in list_of_values(diff.get(key)):
            if not isinstance(value, int):
                continue
            href = events_href + event_path(value)
            if linkable is not None and value not in linkable:
                href = ""
            found.append(EventChange(labels.get(value) or f"Event {value}", href))
        return tuple(found)

    previous = diff.get("previous_version")
    return ChangesView(
        first_version=diff.get("first_version") is True,
        previous_version=previous if isinstance(previous, int) else None,
        headline_changed=diff.get("headline_changed") is True,
        events_added=events("events_added"),
        events_removed=events("events_removed"),
        bullets_added=tuple(text_of(v) for v in list_of_values(diff.get("bullets_added"))),
        bullets_removed=tuple(text_of(v) for v in list_of_values(diff.get("bullets_removed"))),
    )


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One original article on the event's timeline, with the copies folded under it."""

    outlet: str
    title: str
    url: str
    published: Moment
    date_estimated: bool
    copies: tuple[CopyItem, ...]
    language: str | None = None


@dataclass(frozen=True, slots=True)
class TopicLink:
    title: str
    href: str
    in_briefing: bool


FIGURE = re.compile(r"(?<![\w:])(?:[A-Z]{2,4}|%):-?\d+(?:\.\d+)?(?![\w.])")
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def format_figure(fact: str) -> str | None:
    """``USD:9600000000`` → ``$9.6 billion``, ``%:14`` → ``14%``; None for a name or term
    (the clustering stage keeps figures as ``UNIT:value`` next to entity names)."""
    unit, _, raw = fact.partition(":")
    if not raw or (not unit.isupper() and unit != "%"):
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    if unit == "%":
        return f"{value:g}%"
    amount = f"{value:,.2f}".rstrip("0").rstrip(".")
    for size, word in SCALES:
        if abs(value) >= size:
            amount = f"{value / size:.3g} {word}"
            break
    sign = CURRENCY_SIGNS.get(unit)
    return f"{sign}{amount}" if sign else f"{amount} {unit}"


def split_facts(facts: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(figures as readers write them, names and terms) of an event's key facts."""
    figures, names = [], []
    for fact in facts:
        figure = format_figure(fact)
        if figure is not None:
            figures.append(figure)
        else:
            names.append(fact)
    return tuple(dict.fromkeys(figures)), tuple(names)


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    label: str
    figures: tuple[str, ...]
    facts: tuple[str, ...]
    first_seen: Moment
    last_seen: Moment
    outlets: int
    timeline: tuple[TimelineItem, ...]
    copies: int
    topics: tuple[TopicLink, ...]


def copy_item(article: ArticleRef) -> CopyItem:
    return CopyItem(article.source, article.title, article.url, moment_of(article.published))


def build_event(
    event: EventDetail, topics: Sequence[TopicLink], texts: Mapping[int, str] | None = None
) -> EventView:
    """The event page's view; ``texts`` are member articles' bodies by id, the evidence
    that sorts names from title-case phrases among the chips (``chips``)."""
    originals = event.originals
    copies: dict[int, list[CopyItem]] = {}
    for article in event.articles:
        if article.duplicate_of is not None:
            copies.setdefault(article.duplicate_of, []).append(copy_item(article))
    timeline = tuple(
        TimelineItem(
            outlet=article.source,
            title=article.title,
            url=article.url,
            published=moment_of(article.published),
            date_estimated=article.date_estimated,
            copies=tuple(copies.get(article.id, ())),
            language=language_tag(article.language),
        )
        for article in sorted(originals, key=lambda a: (a.published, a.id))
    )
    figures, names = split_facts(event.facts)
    return EventView(
        id=event.id,
        label=event.label,
        figures=figures,
        facts=name_chips(
            names,
            [a.title for a in event.articles],
            texts=[(texts or {}).get(a.id, "") for a in event.articles],
            sources=[a.source for a in event.articles],
        ),
        first_seen=moment_of(event.first_seen),
        last_seen=moment_of(event.last_seen),
        outlets=event.source_count,
        timeline=timeline,
        copies=len(event.articles) - len(originals),
        topics=tuple(topics),
    )


# --- search ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    marked: bool


@dataclass(frozen=True, slots=True)
class ResultItem:
    kind: str
    title: str
    href: str
    external: bool
    source: str
    published: Moment
    snippet: tuple[Segment, ...]
    event_href: str


def segments(text: str, spans: Sequence[tuple[int, int]]) -> tuple[Segment, ...]:
    """``text`` cut into plain and marked pieces at ``spans`` (sorted, not overlapping)."""
    pieces: list[Segment] = []
    cursor = 0
    for start, end in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue
        if start > cursor:
            pieces.append(Segment(text[cursor:start], False))
        pieces.append(Segment(text[start:end], True))
        cursor = end
    if cursor < len(text):
        pieces.append(Segment(text[cursor:], False))
    return tuple(pieces)


def build_result(
    hit: SearchHit, *, root: str, event_of: Mapping[int, int | None] | None = None
) -> ResultItem:
    """A hit as the search page lists it; an article links out, an event to its page."""
    if hit.kind == "event":
        href, external, event_href = root + event_path(hit.id), False, ""
    else:
        href, external = hit.url or "", True
        event_id = (event_of or {}).get(hit.id)
        event_href = root + event_path(event_id) if event_id is not None else ""
    snippet = segments(hit.snippet, hit.highlights)
    if hit.kind == "event":
        # An event's text is its label and key facts; figures read as written ("$9.6 billion").
        snippet = tuple(
            Segment(FIGURE.sub(lambda m: format_figure(m.group(0)) or m.group(0), s.text), s.marked)
            for s in snippet
        )
    return ResultItem(
        kind=hit.kind,
        title=hit.title,
        href=href,
        external=external,
        source=hit.source or "",
        published=moment_of(hit.published),
        snippet=snippet,
        event_href=event_href,
    )


# --- source health --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HealthRow:
    name: str
    url: str
    homepage: str
    kind: str
    state: str  # "ok" | "failing" | "paused" | "new"
    last_status: int | None
    last_success: Moment | None
    last_success_age: str
    errors: int
    last_error: str
    paused_reason: str
    next_poll: Moment | None
    items: int


def health_state(record: SourceRecord) -> str:
    if record.paused_reason:
        return "paused"
    if record.consecutive_errors:
        return "failing"
    if record.last_success_at is None and record.kind != "corpus":
        return "new"
    return "ok"


def build_health(records: Sequence[SourceRecord], now: dt.datetime) -> tuple[HealthRow, ...]:
    order = {"paused": 0, "failing": 1, "new": 2, "ok": 3}
    rows = [
        HealthRow(
            name=public_text(record.name),
            url=public_url(record.url),
            homepage=public_url(record.homepage) if record.homepage else "",
            kind=record.kind,
            state=health_state(record),
            last_status=record.last_status,
            last_success=moment_of(record.last_success_at) if record.last_success_at else None,
            last_success_age=relative_age(record.last_success_at, now),
            errors=record.consecutive_errors,
            last_error=public_text(record.last_error or ""),
            paused_reason=public_text(record.paused_reason or ""),
            next_poll=moment_of(record.next_poll_at) if record.next_poll_at else None,
            items=record.items_seen,
        )
        for record in records
    ]
    return tuple(sorted(rows, key=lambda row: (order[row.state], row.name.lower())))


# --- the vertical page's latest developments ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Development:
    text: str
    topic_title: str
    topic_href: str
    newest: Moment | None


def newest_cited(bullet: Mapping[str, Any], dates: Mapping[str, Moment]) -> Moment | None:
    found = [dates[str(i)] for i in list_of_values(bullet.get("citations")) if str(i) in dates]
    return max(found, key=lambda moment: moment.iso) if found else None


def latest_developments(
    briefings: Sequence[tuple[Topic, str, Mapping[str, Any]]], *, limit: int = 8
) -> tuple[Development, ...]:
    """The notable developments of several topics' briefings, newest source first."""
    found = []
    for topic, href, document in briefings:
        dates = {
            str(source.get("id", "")): moment
            for source in list_of(document.get("sources"))
            if (moment := read_timestamp(source.get("published_at"))) is not None
        }
        for bullet in list_of(document.get("notable")):
            found.append(
                Development(
                    text=text_of(bullet.get("text")),
                    topic_title=topic.title,
                    topic_href=href,
                    newest=newest_cited(bullet, dates),
                )
            )
    found.sort(key=lambda item: item.newest.iso if item.newest else "", reverse=True)
    return tuple(found[:limit])


def version_number(document: Mapping[str, Any]) -> int:
    return int_of(document.get("version"))
