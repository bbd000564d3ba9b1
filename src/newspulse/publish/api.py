"""The JSON API v1: each topic's briefing document as stored, and the topic index.

The live routes and the static export both encode through ``encode_json``, so the exported
``api/v1/topics.json`` and ``api/v1/topics/<slug>.json`` hold exactly what the server answers.
Errors use one shape, ``{"error": {"status": 404, "message": "..."}}`` (``error_body``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Response

from newspulse.publish.site import SiteStore
from newspulse.publish.views import count_sources

API_PREFIX = "/api/v1"
JSON_MEDIA_TYPE = "application/json"


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


def topic_document(store: SiteStore, topic_slug: str) -> dict[str, Any]:
    """The latest briefing document; HTTP 404 for an unknown topic or one without a version."""
    if not any(topic.slug == topic_slug for topic in store.list_topics()):
        raise HTTPException(status_code=404, detail=f"no such topic: {topic_slug!r}")
    document = store.latest_briefing(topic_slug)
    if document is None:
        raise HTTPException(status_code=404, detail=f"topic {topic_slug!r} has no briefing yet")
    return document


def encode_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}


def json_response(value: Any, *, status: int = 200) -> Response:
    return Response(content=encode_json(value), status_code=status, media_type=JSON_MEDIA_TYPE)


def create_api_router(store: SiteStore) -> APIRouter:
    """Routes under ``/api/v1``; the ``.json`` spellings match the static export's file names."""
    router = APIRouter(prefix=API_PREFIX, tags=["api"])

    @router.get("/topics")
    @router.get("/topics.json", include_in_schema=False)
    def list_topics() -> Response:
        return json_response(topic_index(store))

    @router.get("/topics/{topic_slug}")
    def get_topic(topic_slug: str) -> Response:
        return json_response(topic_document(store, topic_slug.removesuffix(".json")))

    return router
