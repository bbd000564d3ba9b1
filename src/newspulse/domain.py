"""Plain frozen data passed between pipeline stages.

Names say the phase a record is in: an ``Entry`` is what a feed or corpus
offered, an ``Article`` is what the store kept after canonicalisation and
dedup, an ``EventAssignment`` is the clustering decision for one article, and
a ``Briefing`` is one written version of a topic page.  No ORM rows or loose
tuples cross a stage boundary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Vertical:
    slug: str
    name: str
    description: str = ""


# The vertical an article is clustered in when neither its topics nor its source name one
# (clustering runs per vertical: ``store.vertical_rows``).
CATCH_ALL_VERTICAL = "*"


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    vertical: str
    title: str
    tagline: str
    description: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Minimum routing score for an article to belong to the topic; None = settings default.
    threshold: float | None = None
    window_days: int | None = None
    # Themes a reader expects on the page ("memory and storage"): section titles, in order.
    facets: tuple[str, ...] = ()
    # The language the page's prose is written in: sentences are drawn only from articles
    # in it; other-language articles are listed as coverage (issue 11, item 2).
    language: str = "en"

    @property
    def profile_text(self) -> str:
        """The text embedded to represent the topic when routing."""
        terms = ", ".join(self.include)
        return f"{self.title}. {self.tagline}. {self.description} {terms}".strip()


@dataclass(frozen=True, slots=True)
class Catalog:
    verticals: tuple[Vertical, ...]
    topics: tuple[Topic, ...]


class DateSource(StrEnum):
    """Where an article's ``published_at`` came from; anything but FEED is flagged as estimated."""

    FEED = "feed"
    TEXT = "text"
    URL = "url"
    FETCH_TIME = "fetch_time"


@dataclass(frozen=True, slots=True)
class Entry:
    """One item as offered by a feed or a corpus file, before it is stored."""

    url: str
    source: str
    title: str
    text: str
    published_at: dt.datetime | None
    summary: str = ""
    author: str | None = None
    language: str | None = None
    title_derived: bool = False
    # The page's own idea of its address (rel=canonical, or where redirects ended).
    canonical: str | None = None


@dataclass(frozen=True, slots=True)
class DatedEntry:
    """An entry whose publication date has been checked (and estimated when missing)."""

    entry: Entry
    canonical_url: str
    published_at: dt.datetime
    date_source: DateSource
    fetched_at: dt.datetime

    @property
    def date_estimated(self) -> bool:
        return self.date_source is not DateSource.FEED


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article as later stages see it."""

    id: int
    uid: str
    url: str
    canonical_url: str
    source: str
    title: str
    text: str
    published_at: dt.datetime
    date_estimated: bool
    title_derived: bool = False
    duplicate_of: int | None = None
    # BCP-47 primary subtag read from the words ("und": too little to tell); None until the
    # enrich stage has read them.
    language: str | None = None
    # The feed's or page's declared language: a hint for ``language``, never the answer.
    declared_language: str | None = None
    # Name and figure keys for clustering, extracted once by enrich; None before that.
    fact_keys: frozenset[str] | None = None

    @property
    def lead(self) -> str:
        """Title plus the opening of the text: what the embedder sees (stack.md §2.4)."""
        return f"{self.title}. {self.text[:600]}"


@dataclass(frozen=True, slots=True)
class Figure:
    """A normalised number found in text: money, a percentage, or a plain quantity."""

    kind: str  # "money" | "percent" | "number"
    value: float
    unit: str  # ISO currency code for money, "%" for percent, "" otherwise
    text: str


@dataclass(frozen=True, slots=True)
class Enrichment:
    article_id: int
    embedding: Vector
    model: str
    entities: tuple[str, ...]
    figures: tuple[Figure, ...]
    # What clustering compares (cluster.similarity.fact_keys), so it need not extract again.
    fact_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """Why an article belongs to a topic: kept for audit and shown to operators."""

    article_id: int
    topic: str
    score: float
    similarity: float
    matched_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """An event that can still receive articles, as the clustering index holds it."""

    id: int
    centroid: Vector
    size: int
    last_seen: dt.datetime
    entities: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class EventAssignment:
    article_id: int
    event_id: int | None  # None: the article starts a new event
    similarity: float


@dataclass(frozen=True, slots=True)
class EventSummary:
    """An event with what the ranker and the writer need about it."""

    id: int
    label: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    article_ids: tuple[int, ...]
    sources: tuple[str, ...]
    centroid: Vector
    topic_fit: float = 0.0
    # Share of the event's articles routed to the topic: an event belongs to a topic when
    # the topic is what most of its coverage is about, not when one article mentions it.
    topic_share: float = 1.0
    salience: float = 0.0
    has_known_date: bool = True
    # Members routed to the topic the event was read for (empty when read for no topic).
    topic_article_ids: tuple[int, ...] = ()
    # Sub-stories the writer tells as bullets of their own (``cluster.episodes``): member
    # ids per episode, most-covered first; empty when the event tells one story.
    episodes: tuple[tuple[int, ...], ...] = ()

    @property
    def source_count(self) -> int:
        return len(set(self.sources))


# --- the briefing document (JSON contract v1) -------------------------------------------

# Citation markers a page shows per statement; the rest open behind "+N" (all stay in the JSON).
VISIBLE_CITATIONS = 3


@dataclass(frozen=True, slots=True)
class Statement:
    text: str
    citations: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": list(self.citations)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Statement:
        return cls(str(data["text"]), tuple(data["citations"]))


@dataclass(frozen=True, slots=True)
class ConflictSide:
    """One reported value of a disputed figure and the articles that report it."""

    figure: str  # as written in a source, e.g. "$150 billion"
    value: float
    unit: str
    citations: tuple[str, ...]
    sources: tuple[str, ...]  # the outlets, as named on the page

    def to_json(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "value": self.value,
            "unit": self.unit,
            "citations": list(self.citations),
            "sources": list(self.sources),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConflictSide:
        return cls(
            figure=str(data["figure"]),
            value=float(data["value"]),
            unit=str(data["unit"]),
            citations=tuple(data["citations"]),
            sources=tuple(data["sources"]),
        )


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources of one event disagree on a figure of one kind ("valuation", "round size")."""

    about: str
    sides: tuple[ConflictSide, ...]
    subject: str = ""  # whose figure it is, e.g. "OpenAI"

    def to_json(self) -> dict[str, Any]:
        return {
            "about": self.about,
            "subject": self.subject,
            "sides": [side.to_json() for side in self.sides],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conflict:
        sides = tuple(map(ConflictSide.from_json, data["sides"]))
        return cls(str(data["about"]), sides, str(data.get("subject", "")))


@dataclass(frozen=True, slots=True)
class Bullet:
    text: str
    citations: tuple[str, ...]
    children: tuple[Bullet, ...] = ()
    event_id: int | None = None
    as_of: dt.date | None = None
    conflicts: tuple[Conflict, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": list(self.citations),
            "children": [child.to_json() for child in self.children],
            "event_id": self.event_id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "conflicts": [conflict.to_json() for conflict in self.conflicts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Bullet:
        """A stored bullet; keys added after v1 may be missing from older versions."""
        as_of = data.get("as_of")
        return cls(
            text=str(data["text"]),
            citations=tuple(data["citations"]),
            children=tuple(map(Bullet.from_json, data.get("children", []))),
            event_id=data.get("event_id"),
            as_of=dt.date.fromisoformat(as_of) if as_of else None,
            conflicts=tuple(map(Conflict.from_json, data.get("conflicts", []))),
        )


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    intro: tuple[Statement, ...]
    bullets: tuple[Bullet, ...]
    publisher_count: int = 0
    newest: dt.date | None = None
    # The planned events of the section and a hash of their articles: a later version keeps
    # the section's wording when the hash is unchanged.
    event_ids: tuple[int, ...] = ()
    fingerprint: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "intro": [s.to_json() for s in self.intro],
            "bullets": [b.to_json() for b in self.bullets],
            "publisher_count": self.publisher_count,
            "newest": self.newest.isoformat() if self.newest else None,
            "event_ids": list(self.event_ids),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        newest = data.get("newest")
        return cls(
            title=str(data["title"]),
            intro=tuple(map(Statement.from_json, data.get("intro", []))),
            bullets=tuple(map(Bullet.from_json, data.get("bullets", []))),
            publisher_count=int(data.get("publisher_count") or 0),
            newest=dt.date.fromisoformat(newest) if newest else None,
            event_ids=tuple(data.get("event_ids", [])),
            fingerprint=str(data.get("fingerprint", "")),
        )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated key event: when it happened (a date a source stated), in one line."""

    date: dt.date
    text: str
    citations: tuple[str, ...]
    event_id: int

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "text": self.text,
            "citations": list(self.citations),
            "event_id": self.event_id,
        }


@dataclass(frozen=True, slots=True)
class SourceRef:
    id: str
    url: str
    title: str
    source: str
    published_at: dt.datetime | None
    event_id: int | None = None
    date_estimated: bool = False
    # The article's language ("zh"); None when it was not read (older documents).
    language: str | None = None
    # The title of its event as the page shows it (``text.event_titles``, from the event's
    # articles on this page); "" when it has no event.
    event_title: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "source": self.source,
            "published_at": iso_utc(self.published_at) if self.published_at else None,
            "event_id": self.event_id,
            "date_estimated": self.date_estimated,
            "language": self.language,
            "event_title": self.event_title,
        }


@dataclass(frozen=True, slots=True)
class Verification:
    """What the verifier checked before the version was published."""

    statements: int
    cited: int
    supported: int
    withheld: tuple[str, ...] = ()
    # Explanations ("X, a ... chip,") cut from published statements: no cited text held them.
    definitions_removed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "statements": self.statements,
            "cited": self.cited,
            "supported": self.supported,
            "withheld": list(self.withheld),
            "definitions_removed": list(self.definitions_removed),
        }


@dataclass(frozen=True, slots=True)
class Briefing:
    topic: Topic
    updated_at: dt.datetime
    headline: str
    lead: tuple[Statement, ...]
    sections: tuple[Section, ...]
    notable: tuple[Bullet, ...]
    implications: tuple[Bullet, ...]
    summary: tuple[Statement, ...]
    sources: tuple[SourceRef, ...]
    event_ids: tuple[int, ...] = ()
    verification: Verification | None = None
    writer: str = "extractive"
    version: int = 0
    timeline: tuple[TimelineEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The v1 contract; extra fields are additive."""
        return {
            "topic": {
                "slug": self.topic.slug,
                "title": self.topic.title,
                "tagline": self.topic.tagline,
                "vertical": self.topic.vertical,
                "language": self.topic.language,
            },
            "version": self.version,
            "updated_at": iso_utc(self.updated_at),
            "headline": self.headline,
            "lead": [s.to_json() for s in self.lead],
            "sections": [s.to_json() for s in self.sections],
            "notable": [b.to_json() for b in self.notable],
            "implications": [b.to_json() for b in self.implications],
            "summary": [s.to_json() for s in self.summary],
            "sources": [s.to_json() for s in self.sources],
            "source_count": len(self.sources),
            "event_ids": list(self.event_ids),
            "verification": self.verification.to_json() if self.verification else None,
            "writer": self.writer,
            "timeline": [entry.to_json() for entry in self.timeline],
        }


def iso_utc(moment: dt.datetime) -> str:
    """ISO-8601 in UTC with a ``Z`` suffix, the one timestamp format of the API."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
