"""The JSON API v1 under ``/api/v1``: verticals, topics, briefings and their versions.

Events, articles and search live in ``api_records``; response models in ``api_models``;
ETags, caching and pagination links in ``api_http``.  The live routes and the static export
both encode through ``encode_json``, so the exported ``api/v1/topics.json`` and
``api/v1/topics/<slug>.json`` hold exactly what the server answers.  Errors use one shape,
``{"error": {"status": 404, "message": "..."}}`` (``error_body``), 422 and 405 included.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, Response

from newspulse.domain import Topic
from newspulse.publish import api_models as m
from newspulse.publish.api_http import (
    DEFAULT_LIMIT,
    ERRORS,
    JSON_MEDIA_TYPE,
    MAX_ID,
    Limit,
    Offset,
    cached_json,
    encode_json,
    page_fields,
)
from newspulse.publish.api_records import add_record_routes
from newspulse.publish.paths import version_path, vertical_feed_path
from newspulse.publish.ports import ApiStore, SiteStore
from newspulse.publish.views import count_sources

__all__ = ["API_PREFIX", "ApiStore", "create_api_router", "encode_json", "topic_index"]

API_PREFIX = "/api/v1"

TopicSlug = Annotated[str, Path(max_length=200, description="A topic's slug.")]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="A version number.")]


def topic_index(store: SiteStore) -> dict[str, Any]:
    """Every topic with its current version's headline, or nulls before the first version."""
    entries = []
    for topic in store.list_topics():
        document = store.latest_briefing(topic.slug)
        entries.append(
            {
                "slug": topic.slug,
                "title": topic.title,
                "tagline": topic.tagline,
                "vertical": topic.vertical,
                "headline": document.get("headline") if document else None,
                "version": document.get("version") if document else None,
                "updated_at": document.get("updated_at") if document else None,
                "source_count": count_sources(document) if document else 0,
            }
        )
    return {"topics": entries}


def vertical_index(store: SiteStore) -> dict[str, Any]:
    topics = store.list_topics()
    return m.VerticalList(
        verticals=[
            m.VerticalItem(
                slug=vertical.slug,
                name=vertical.name,
                description=vertical.description,
                topics=[topic.slug for topic in topics if topic.vertical == vertical.slug],
                feed=vertical_feed_path(vertical.slug),
            )
            for vertical in store.list_verticals()
        ]
    ).model_dump(mode="json")


def find_topic(store: SiteStore, topic_slug: str) -> Topic:
    for topic in store.list_topics():
        if topic.slug == topic_slug:
            return topic
    raise HTTPException(status_code=404, detail=f"no such topic: {topic_slug!r}")


def topic_document(store: SiteStore, topic_slug: str) -> dict[str, Any]:
    """The latest briefing document; HTTP 404 for an unknown topic or one without a version."""
    find_topic(store, topic_slug)
    document = store.latest_briefing(topic_slug)
    if document is None:
        raise HTTPException(status_code=404, detail=f"topic {topic_slug!r} has no briefing yet")
    return document


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}


def json_response(value: Any, *, status: int = 200) -> Response:
    return Response(content=encode_json(value), status_code=status, media_type=JSON_MEDIA_TYPE)


def version_list(
    request: Request, store: ApiStore, topic: Topic, *, limit: int, offset: int
) -> m.VersionList:
    total = store.count_versions(topic.slug)
    return m.VersionList(
        topic=topic.slug,
        **page_fields(request, total=total, limit=limit, offset=offset),
        versions=[
            m.VersionItem(
                version=summary.version,
                created_at=summary.created_at,
                headline=summary.headline,
                writer=summary.writer,
                diff=summary.diff,
                url=str(
                    request.url_for(
                        "get_topic_version", topic_slug=topic.slug, number=summary.version
                    )
                ),
                permalink=version_path(topic, summary.version),
            )
            for summary in store.list_versions(topic.slug, limit=limit, offset=offset)
        ],
    )


def create_api_router(store: ApiStore) -> APIRouter:
    """Routes under ``/api/v1``; the ``.json`` spellings match the static export's file names."""
    router = APIRouter(prefix=API_PREFIX, tags=["api"], responses=ERRORS)

    @router.get("/verticals", response_model=m.VerticalList)
    def list_verticals(request: Request) -> Response:
        """Every vertical with its topics' slugs and its Atom feed."""
        return cached_json(request, vertical_index(store))

    @router.get("/topics", response_model=m.TopicList)
    @router.get("/topics.json", include_in_schema=False)
    def list_topics(request: Request) -> Response:
        """Every topic with its current headline, version and source count."""
        return cached_json(request, topic_index(store))

    @router.get("/topics/{topic_slug}", response_model=m.BriefingDocument)
    def get_topic(request: Request, topic_slug: TopicSlug) -> Response:
        """The topic's current briefing: the v1 contract."""
        return cached_json(request, topic_document(store, topic_slug.removesuffix(".json")))

    @router.get("/topics/{topic_slug}/versions", response_model=m.VersionList)
    def list_topic_versions(
        request: Request, topic_slug: TopicSlug, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
    ) -> Response:
        """The topic's versions, newest first, each with its diff."""
        topic = find_topic(store, topic_slug)
        return cached_json(request, version_list(request, store, topic, limit=limit, offset=offset))

    @router.get("/topics/{topic_slug}/versions/{number}", response_model=m.BriefingDocument)
    def get_topic_version(
        request: Request, topic_slug: TopicSlug, number: VersionNumber
    ) -> Response:
        """One version of the briefing, as it was published."""
        topic = find_topic(store, topic_slug)
        version = store.get_version(topic.slug, number)
        if version is None:
            raise HTTPException(
                status_code=404, detail=f"topic {topic.slug!r} has no version {number}"
            )
        return cached_json(request, version.document)

    add_record_routes(router, store)
    return router
