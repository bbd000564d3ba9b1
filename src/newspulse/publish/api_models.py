"""Response models of the JSON API v1: what ``/api/v1/openapi.json`` promises and tests check.

Routes build these models and encode them once (``api.model_json``); the stored briefing
document is served as stored, and ``BriefingDocument`` describes its v1 contract (additive
fields such as ``changes`` or ``timeline`` are allowed and passed through).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ApiModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorDetail(ApiModel):
    status: int = Field(description="The HTTP status code, repeated.")
    message: str = Field(description="What went wrong, for people.")


class ErrorBody(ApiModel):
    """The one error shape of the API, for every error status (404, 405, 422, 500, ...)."""

    error: ErrorDetail


class Page(ApiModel):
    """Pagination of a list: ``next``/``prev`` are absolute URLs, or null at either end."""

    total: int = Field(ge=0, description="Items matching the filters, on all pages.")
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)
    next: str | None = None
    prev: str | None = None


class VerticalItem(ApiModel):
    slug: str
    name: str
    description: str
    topics: list[str] = Field(description="Slugs of the vertical's topics.")
    feed: str = Field(description="The vertical's Atom feed, relative to the site root.")


class VerticalList(ApiModel):
    verticals: list[VerticalItem]


class TopicItem(ApiModel):
    slug: str
    title: str
    tagline: str
    vertical: str
    headline: str | None
    version: int | None
    updated_at: str | None = Field(description="ISO 8601 UTC time of the current version.")
    source_count: int


class TopicList(ApiModel):
    topics: list[TopicItem]


class TopicRef(ApiModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    slug: str
    title: str
    tagline: str
    vertical: str
    language: str | None = Field(
        default=None,
        description="The language the page is written in (BCP-47 primary subtag); absent "
        "in versions written before topics had one.",
    )


class StatementDoc(ApiModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    text: str
    citations: list[str]


class BulletDoc(ApiModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    text: str
    citations: list[str]
    children: list[BulletDoc]
    event_id: int | None
    as_of: str | None


class SectionDoc(ApiModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    title: str
    intro: list[StatementDoc]
    bullets: list[BulletDoc]
    publisher_count: int
    newest: str | None


class SourceDoc(ApiModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    url: str
    title: str
    source: str
    published_at: str | None
    event_id: int | None
    date_estimated: bool
    language: str | None = Field(
        default=None,
        description="The article's language, a BCP-47 primary subtag read from its words "
        "('und': too little text to tell); absent in versions written before it was stored.",
    )
    event_title: str | None = Field(
        default=None,
        description="The title of the source's event as the page shows it; absent in versions "
        "written before it was stored (the event's first source's title stands in).",
    )


class VerificationDoc(ApiModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    statements: int
    cited: int
    supported: int
    withheld: list[str]


class BriefingDocument(ApiModel):
    """The v1 briefing contract (``Briefing.to_json``), one version of one topic."""

    model_config = ConfigDict(extra="allow", frozen=True)
    topic: TopicRef
    version: int
    updated_at: str
    headline: str
    lead: list[StatementDoc]
    sections: list[SectionDoc]
    notable: list[BulletDoc]
    implications: list[BulletDoc]
    summary: list[StatementDoc]
    sources: list[SourceDoc]
    source_count: int
    event_ids: list[int]
    verification: VerificationDoc | None
    writer: str


class VersionItem(ApiModel):
    version: int
    created_at: dt.datetime
    headline: str
    writer: str
    diff: dict[str, Any] = Field(description="Events and bullets added or removed.")
    url: str = Field(description="This version's document in the API.")
    permalink: str = Field(description="This version's page, relative to the site root.")


class VersionList(Page):
    topic: str
    versions: list[VersionItem]


class EventItem(ApiModel):
    id: int
    label: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    article_count: int
    sources: list[str]


class EventList(Page):
    events: list[EventItem]


class ArticleItem(ApiModel):
    id: int
    title: str
    url: str
    source: str
    published: dt.datetime
    date_estimated: bool
    duplicate_of: int | None = Field(description="The original of a syndicated copy.")
    event_id: int | None
    language: str | None = Field(
        description="The language read from its words, a BCP-47 primary subtag ('zh'); "
        "'und' when too little text to tell, null until the enrich stage read it."
    )


class ArticleList(Page):
    articles: list[ArticleItem]


class EventDetailItem(ApiModel):
    id: int
    label: str
    facts: list[str]
    first_seen: dt.datetime
    last_seen: dt.datetime
    source_count: int
    topics: list[str]
    articles: list[ArticleItem]


class SearchHitItem(ApiModel):
    kind: Literal["article", "event"]
    id: int
    title: str
    snippet: str = Field(description="Plain text: escape it before showing it as HTML.")
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) character spans of the snippet that matched."
    )
    published: dt.datetime
    url: str | None
    source: str | None
    score: float


class SearchResultList(Page):
    query: str
    hits: list[SearchHitItem]
