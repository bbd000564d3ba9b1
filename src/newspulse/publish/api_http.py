"""HTTP details shared by the API and the feeds: strong ETags, caching, pagination links.

Every GET answer is a byte string known before it is sent, so its ETag is a hash of those
bytes (a strong validator: equal tags mean equal bytes) and ``If-None-Match`` is answered
with ``304 Not Modified`` and no body.  Clients and proxies may reuse an answer for a
minute and must revalidate after; revalidation is cheap thanks to the ETag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request, Response
from pydantic import BaseModel

from newspulse.publish.api_models import ErrorBody

JSON_MEDIA_TYPE = "application/json"
CACHE_CONTROL = "public, max-age=60"
NOT_MODIFIED = 304
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Offsets beyond this are refused rather than handed to the database as huge integers.
MAX_OFFSET = 1_000_000
# Row ids are 32-bit integers on PostgreSQL.
MAX_ID = 2**31 - 1
# RFC 3339 §5.6 date-time: an offset is required; "t" and "z" may be lowercase.
RFC3339_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
RFC3339_DATE_TIME = re.compile(RFC3339_PATTERN)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
# Documented for every API route; FastAPI's own 422 schema is replaced by the one error shape.
ERRORS: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is current."},
    404: {"model": ErrorBody, "description": "No such resource."},
    422: {"model": ErrorBody, "description": "A parameter is invalid."},
}


def encode_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def cached_json(request: Request, value: BaseModel | dict[str, Any]) -> Response:
    """A GET answer in JSON with its ETag and Cache-Control."""
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return cached_response(request, encode_json(data), JSON_MEDIA_TYPE)


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(header: str | None, etag: str) -> bool:
    """``If-None-Match`` uses the weak comparison (RFC 9110 §13.1.2): ``W/`` is ignored."""
    if not header:
        return False
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def cached_response(request: Request, body: bytes, media_type: str) -> Response:
    """``body`` with its ETag and Cache-Control, or a bodiless 304 when the client has it."""
    etag = strong_etag(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=NOT_MODIFIED, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


@dataclass(frozen=True, slots=True)
class PageLinks:
    next: str | None
    prev: str | None


def page_links(request: Request, *, total: int, limit: int, offset: int) -> PageLinks:
    """Absolute URLs of the neighbouring pages, keeping every other query parameter."""
    following = offset + limit
    next_url = (
        str(request.url.include_query_params(limit=limit, offset=following))
        if following < total
        else None
    )
    prev_url = (
        str(request.url.include_query_params(limit=limit, offset=max(offset - limit, 0)))
        if offset > 0
        else None
    )
    return PageLinks(next=next_url, prev=prev_url)


def page_fields(request: Request, *, total: int, limit: int, offset: int) -> dict[str, Any]:
    """The ``Page`` fields of one page of a list: its counts and its neighbours' links."""
    links = page_links(request, total=total, limit=limit, offset=offset)
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": links.next,
        "prev": links.prev,
    }


def parse_moment(name: str, text: str | None) -> dt.datetime | None:
    """An RFC 3339 date-time filter in UTC; a 422 naming ``name`` when it is not one."""
    if text is None:
        return None
    if not RFC3339_DATE_TIME.match(text):
        raise HTTPException(status_code=422, detail=f"{name}: not an RFC 3339 date-time")
    try:
        return dt.datetime.fromisoformat(text.upper()).astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise HTTPException(status_code=422, detail=f"{name}: invalid date-time") from exc
