"""Live routes of the Atom feeds: ``<vertical>/feed.atom`` and ``<vertical>/<topic>/feed.atom``.

Links in a feed are absolute under the request's base URL (its scheme, host and any
``root_path`` of a proxy mount); answers carry a strong ETag like the API's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from newspulse.publish import atom
from newspulse.publish.api_http import cached_response
from newspulse.publish.paths import FEED_FILE
from newspulse.publish.ports import FeedStore
from newspulse.publish.site import find_topic, find_vertical


def create_feed_router(store: FeedStore) -> APIRouter:
    """Feed routes; include them before the page routes, whose ``/{vertical}/{topic}`` they
    would otherwise be taken for."""
    router = APIRouter()

    @router.get(f"/{{vertical}}/{FEED_FILE}", include_in_schema=False)
    def vertical_feed(request: Request, vertical: str) -> Response:
        found = find_vertical(store, vertical)
        feed = atom.vertical_feed(store, found, base_url=str(request.base_url))
        return cached_response(request, feed, atom.ATOM_MEDIA_TYPE)

    @router.get(f"/{{vertical}}/{{topic}}/{FEED_FILE}", include_in_schema=False)
    def topic_feed(request: Request, vertical: str, topic: str) -> Response:
        found = find_topic(store, vertical, topic)
        feed = atom.topic_feed(store, found, base_url=str(request.base_url))
        return cached_response(request, feed, atom.ATOM_MEDIA_TYPE)

    return router
