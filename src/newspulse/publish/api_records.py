"""API routes over the stored records: events, articles and full-text search.

Filters are validated before they reach the store: dates must be RFC 3339 date-times (with
an offset) and become UTC, text filters refuse NUL characters (PostgreSQL cannot hold them)
and ids stay in the 32-bit range of the tables, so odd input is a 422 in the one error
shape, never a 500.  A search query its little language cannot parse is a 400.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from newspulse.domain import EventSummary
from newspulse.publish import api_models as m
from newspulse.publish.api_http import (
    DEFAULT_LIMIT,
    MAX_ID,
    RFC3339_PATTERN,
    Limit,
    Offset,
    cached_json,
    page_fields,
    parse_moment,
)
from newspulse.publish.ports import ApiStore
from newspulse.records import (
    ArticleFilters,
    ArticleRef,
    EventDetail,
    EventFilters,
    SearchQueryError,
)

NO_NUL = r"^[^\x00]*$"
TextFilter = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
Since = Annotated[
    str | None,
    Query(
        pattern=RFC3339_PATTERN,
        description="Only items at or after this RFC 3339 time, e.g. 2026-02-20T00:00:00Z.",
        json_schema_extra={"format": "date-time"},
    ),
]
Until = Annotated[
    str | None,
    Query(
        pattern=RFC3339_PATTERN,
        description="Only items at or before this RFC 3339 time.",
        json_schema_extra={"format": "date-time"},
    ),
]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
Record = TypeVar("Record")
SearchText = Annotated[
    str,
    Query(
        min_length=1,
        max_length=500,
        pattern=NO_NUL,
        description='Words must all match; "a phrase", a OR b, -word excludes.',
    ),
]


def article_item(article: ArticleRef) -> m.ArticleItem:
    return m.ArticleItem(
        id=article.id,
        title=article.title,
        url=article.url,
        source=article.source,
        published=article.published,
        date_estimated=article.date_estimated,
        duplicate_of=article.duplicate_of,
        event_id=article.event_id,
        language=article.language,
    )


def event_item(event: EventSummary) -> m.EventItem:
    return m.EventItem(
        id=event.id,
        label=event.label,
        first_seen=event.first_seen,
        last_seen=event.last_seen,
        article_count=len(event.article_ids),
        sources=list(event.sources),
    )


def event_detail(event: EventDetail) -> m.EventDetailItem:
    return m.EventDetailItem(
        id=event.id,
        label=event.label,
        facts=list(event.facts),
        first_seen=event.first_seen,
        last_seen=event.last_seen,
        source_count=event.source_count,
        topics=list(event.topics),
        articles=[article_item(article) for article in event.articles],
    )


def date_range(
    since: str | None, until: str | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The filter's bounds in UTC; ``since`` after ``until`` is an empty range, not an error."""
    return parse_moment("since", since), parse_moment("until", until)


def found(record: Record | None, kind: str, record_id: int) -> Record:
    """``record``, or a 404 naming the ``kind`` and id the store does not hold."""
    if record is None:
        raise HTTPException(status_code=404, detail=f"no such {kind}: {record_id}")
    return record


def add_record_routes(router: APIRouter, store: ApiStore) -> None:
    """Add the events, articles and search routes to the ``/api/v1`` router."""

    @router.get("/events", response_model=m.EventList)
    def list_events(
        request: Request,
        topic: TextFilter = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response:
        """Events (stories), most recently active first; ``topic`` keeps one topic's."""
        start, end = date_range(since, until)
        filters = EventFilters(topic=topic, since=start, until=end)
        total = store.count_events(**filters)
        events = store.list_events(**filters, limit=limit, offset=offset)
        page = m.EventList(
            **page_fields(request, total=total, limit=limit, offset=offset),
            events=[event_item(event) for event in events],
        )
        return cached_json(request, page)

    @router.get("/events/{event_id}", response_model=m.EventDetailItem)
    def get_event(request: Request, event_id: RecordId) -> Response:
        """One event: its facts, its topics and every article, syndicated copies included."""
        event = found(store.get_event(event_id), "event", event_id)
        return cached_json(request, event_detail(event))

    @router.get("/articles", response_model=m.ArticleList)
    def list_articles(
        request: Request,
        vertical: TextFilter = None,
        topic: TextFilter = None,
        source: TextFilter = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response:
        """Articles, newest first, without their text."""
        start, end = date_range(since, until)
        filters = ArticleFilters(
            vertical=vertical, topic=topic, source=source, since=start, until=end
        )
        total = store.count_articles(**filters)
        articles = store.list_articles(**filters, limit=limit, offset=offset)
        page = m.ArticleList(
            **page_fields(request, total=total, limit=limit, offset=offset),
            articles=[article_item(article) for article in articles],
        )
        return cached_json(request, page)

    @router.get("/articles/{article_id}", response_model=m.ArticleItem)
    def get_article(request: Request, article_id: RecordId) -> Response:
        """One article, without its text."""
        article = found(store.get_article(article_id), "article", article_id)
        return cached_json(request, article_item(article))

    @router.get(
        "/search",
        response_model=m.SearchResultList,
        responses={400: {"model": m.ErrorBody, "description": "The query cannot be parsed."}},
    )
    def search(
        request: Request,
        q: SearchText,
        kind: Literal["article", "event"] | None = None,
        vertical: TextFilter = None,
        topic: TextFilter = None,
        source: TextFilter = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response:
        """Full-text search over articles and events, best match first."""
        start, end = date_range(since, until)
        try:
            results = store.search(
                q,
                kind=kind,
                vertical=vertical,
                topic=topic,
                source=source,
                since=start,
                until=end,
                limit=limit,
                offset=offset,
            )
        except SearchQueryError as exc:
            # The query's own syntax (quotes, OR, -word) is malformed: a 400, not a 422, as
            # no parameter schema can say which strings the little language accepts.
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        page = m.SearchResultList(
            query=q,
            **page_fields(request, total=results.total, limit=limit, offset=offset),
            hits=[
                m.SearchHitItem(
                    kind="event" if hit.kind == "event" else "article",
                    id=hit.id,
                    title=hit.title,
                    snippet=hit.snippet,
                    highlights=[(start, end) for start, end in hit.highlights],
                    published=hit.published,
                    url=hit.url,
                    source=hit.source,
                    score=hit.score,
                )
                for hit in results.hits
            ],
        )
        return cached_json(request, page)
