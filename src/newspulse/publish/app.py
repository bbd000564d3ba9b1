"""The live web site: ``create_app`` wires the pages of ``site``, the API and static files.

The app holds no module globals: the store and the clock come in as arguments.  Every
response carries a strict Content-Security-Policy (the site loads only its own stylesheet
and its own two small scripts, which are progressive enhancement: local times and the
static export's search) and ``X-Content-Type-Options: nosniff``.  Errors under ``/api/`` answer
with the one JSON error shape of ``api.error_body``; page errors answer with an HTML page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request, Response
from fastapi import Path as FastApiPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newspulse.errors import NewsPulseError
from newspulse.ops.metrics import CONTENT_TYPE
from newspulse.ops.probe import StoreProbe, probe_for
from newspulse.publish import site, site_pages, site_search
from newspulse.publish.api import (
    API_PREFIX,
    create_api_router,
    error_body,
    json_response,
)
from newspulse.publish.api_feeds import create_feed_router
from newspulse.publish.operator import PRIVATE, OperatorGuard
from newspulse.publish.page_cache import PageCache
from newspulse.publish.ports import AppStore, PageStore

logger = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
# HEAD too, for link checkers and `curl -I`; the API stays GET-only to keep OpenAPI ids unique.
PAGE_METHODS = ["GET", "HEAD"]
# 308 keeps the method and, unlike 301, is not rewritten to GET by clients (RFC 7538).
SLASH_REDIRECT_STATUS = 308

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SecurityHeadersMiddleware:
    """Adds ``SECURITY_HEADERS`` to every HTTP response, static files and errors included.

    An unexpected exception becomes the site's own 500 here, inside this middleware:
    Starlette's outermost error handler would answer without these headers.
    """

    def __init__(self, app: ASGIApp, clock: Clock = utc_now) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            logger.exception("request failed: %s", scope.get("path", ""))
            response = error_response(Request(scope), 500, "internal error", self.clock)
            await response(scope, receive, send_with_headers)


class PublicAddressMiddleware:
    """Every request is seen at the site's public address, whatever Host header it names.

    Absolute links (API pagination, Atom ``rel="self"``) are built from the request and
    cached publicly; taken from a client's Host header, one request could poison them
    for everyone.  ``newspulse serve`` always gives an address (``serve.base_url``, else
    the bound one).
    """

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url)
        self.scheme = parts.scheme
        self.netloc = parts.netloc.encode("ascii")
        default = 443 if parts.scheme == "https" else 80
        self.server = (parts.hostname or "", parts.port or default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k not in (b"host", b"forwarded")]
            scope = {
                **scope,
                "scheme": self.scheme,
                "server": self.server,
                "headers": [*headers, (b"host", self.netloc)],
            }
        await self.app(scope, receive, send)


def create_app(
    store: AppStore,
    *,
    now_fn: Clock | None = None,
    base_url: str | None = None,
    admin_token: str | None = None,
) -> FastAPI:
    """The site, the JSON API under ``/api/v1``, ``/static/``, ``/healthz`` (the process is up),
    ``/readyz`` (the store is reachable and migrated) and ``/metrics`` over ``store``.

    ``base_url`` (``https://news.example.org``) is the public address absolute links use;
    without it they follow the request (tests, and nothing that is served publicly).
    ``admin_token`` opens the operators' pages (``publish.operator``); None keeps them off.
    """
    clock = now_fn or utc_now
    app = FastAPI(
        title="NewsPulse",
        openapi_url=f"{API_PREFIX}/openapi.json",
        # The interactive docs pages load scripts from a CDN, which the CSP forbids.
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(SecurityHeadersMiddleware, clock=clock)
    if base_url is not None:
        app.add_middleware(PublicAddressMiddleware, base_url=base_url)
    add_error_handlers(app, clock)

    @app.get("/healthz")
    def healthz() -> Response:
        return json_response({"status": "ok"})

    add_ops_routes(app, probe_for(store))

    app.include_router(create_api_router(store))
    # Before the pages: "/ai/feed.atom" would otherwise match the "/{vertical}/{topic}" redirect.
    app.include_router(create_feed_router(store))
    app.mount("/static", StaticFiles(packages=[("newspulse.publish", "static")]), name="static")
    add_page_routes(app, store, clock, OperatorGuard(admin_token))
    return app


def add_ops_routes(app: FastAPI, probe: StoreProbe | None) -> None:
    """``/readyz``: 200 when the store answers at the newest schema, else 503 with the reason
    (never the database URL); ``/metrics``: Prometheus text format (``ops.metrics``)."""

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        reason = "no store to check" if probe is None else probe.not_ready()
        if reason is not None:
            return json_response({"status": "not ready", "reason": reason}, status=503)
        return json_response({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        if probe is None:
            return Response("no store to measure\n", status_code=404, media_type="text/plain")
        return Response(
            probe.metrics(),
            media_type=CONTENT_TYPE,
            headers={"Cache-Control": "no-store"},
        )


def add_page_routes(app: FastAPI, store: PageStore, clock: Clock, guard: OperatorGuard) -> None:
    """The HTML pages, each also reachable without its trailing slash through a redirect.

    The briefing pages (home, vertical, topic, its sources, history, versions) come from a
    ``PageCache``; search, event and operators' pages are rendered per request.
    """
    pages = PageCache(store, clock)
    app.state.page_cache = pages

    # Site-wide pages first: "/search/" would otherwise match the "/{vertical}/" route.
    @app.api_route("/search/", methods=PAGE_METHODS, include_in_schema=False)
    def search_page(request: Request) -> HTMLResponse:
        params = {name: value for name, value in request.query_params.items()}
        outcome = site_search.render_search(store, params, now=clock())
        return HTMLResponse(outcome.html, status_code=outcome.status)

    @app.api_route(
        "/sources/", methods=PAGE_METHODS, include_in_schema=False, dependencies=[Depends(guard)]
    )
    def health_page() -> HTMLResponse:
        return HTMLResponse(site_search.render_health(store, now=clock()), headers=PRIVATE)

    @app.api_route("/events/{event_id}/", methods=PAGE_METHODS, include_in_schema=False)
    def event_page(event_id: Annotated[int, FastApiPath(ge=1, le=2**62)]) -> Response:
        try:
            return HTMLResponse(site_pages.render_event(store, event_id, now=clock()))
        except site.PageNotFoundError:
            successor = store.event_successor(event_id)
            if successor is None:
                raise
        # Merged into another event: links from older versions lead on (relative, as above).
        return RedirectResponse(f"../{successor}/", status_code=SLASH_REDIRECT_STATUS)

    @app.api_route("/{vertical}/{topic}/history/", methods=PAGE_METHODS, include_in_schema=False)
    def history_page(vertical: str, topic: str) -> HTMLResponse:
        html = pages.page(
            f"history:{vertical}/{topic}",
            lambda now: site_pages.render_history(store, vertical, topic, now=now),
        )
        return HTMLResponse(html)

    @app.api_route("/{vertical}/{topic}/v/{number}/", methods=PAGE_METHODS, include_in_schema=False)
    def version_page(
        vertical: str, topic: str, number: Annotated[int, FastApiPath(ge=1, le=2**31)]
    ) -> HTMLResponse:
        html = pages.page(
            f"version:{vertical}/{topic}/{number}",
            lambda now: site_pages.render_version(store, vertical, topic, number, now=now),
        )
        return HTMLResponse(html)

    def redirect_to_folder(request: Request) -> RedirectResponse:
        return slash_redirect(request.url.path.rsplit("/", 1)[-1])

    for path in (
        "/search",
        "/sources",
        "/events/{event_id}",
        "/{vertical}/{topic}/history",
        "/{vertical}/{topic}/v/{number}",
    ):
        app.add_api_route(path, redirect_to_folder, methods=PAGE_METHODS, include_in_schema=False)

    @app.api_route("/", methods=PAGE_METHODS, include_in_schema=False)
    def home() -> HTMLResponse:
        return HTMLResponse(pages.page("home", lambda now: site.render_home(store, now=now)))

    @app.api_route("/{vertical}/", methods=PAGE_METHODS, include_in_schema=False)
    def vertical_page(vertical: str) -> HTMLResponse:
        html = pages.page(
            f"vertical:{vertical}", lambda now: site.render_vertical(store, vertical, now=now)
        )
        return HTMLResponse(html)

    @app.api_route("/{vertical}/{topic}/", methods=PAGE_METHODS, include_in_schema=False)
    def topic_page(vertical: str, topic: str) -> HTMLResponse:
        html = pages.page(
            f"topic:{vertical}/{topic}",
            lambda now: site.render_topic(store, vertical, topic, now=now),
        )
        return HTMLResponse(html)

    @app.api_route("/{vertical}/{topic}/sources/", methods=PAGE_METHODS, include_in_schema=False)
    def sources_page(vertical: str, topic: str) -> HTMLResponse:
        html = pages.page(
            f"sources:{vertical}/{topic}",
            lambda now: site.render_topic_sources(store, vertical, topic, now=now),
        )
        return HTMLResponse(html)

    # The redirects' Locations are relative to the requested path ("/ai" + "ai/" is "/ai/"),
    # so they stay right behind a proxy that mounts the site under a prefix.
    @app.api_route("/{vertical}", methods=PAGE_METHODS, include_in_schema=False)
    def vertical_redirect(vertical: str) -> RedirectResponse:
        site.find_vertical(store, vertical)
        return slash_redirect(vertical)

    @app.api_route("/{vertical}/{topic}", methods=PAGE_METHODS, include_in_schema=False)
    def topic_redirect(vertical: str, topic: str) -> RedirectResponse:
        site.find_topic(store, vertical, topic)
        return slash_redirect(topic)

    @app.api_route("/{vertical}/{topic}/sources", methods=PAGE_METHODS, include_in_schema=False)
    def sources_redirect(vertical: str, topic: str) -> RedirectResponse:
        site.find_topic(store, vertical, topic)
        return slash_redirect("sources")


def slash_redirect(last_segment: str) -> RedirectResponse:
    return RedirectResponse(f"{quote(last_segment, safe='')}/", status_code=SLASH_REDIRECT_STATUS)


def add_error_handlers(app: FastAPI, clock: Clock) -> None:
    async def handle_http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StarletteHTTPException):
            return error_response(request, exc.status_code, str(exc.detail), clock, exc.headers)
        raise exc

    async def handle_invalid_request(request: Request, exc: Exception) -> Response:
        if isinstance(exc, RequestValidationError):
            return error_response(request, 422, validation_message(exc), clock)
        raise exc

    async def handle_not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, str(exc), clock)

    async def handle_newspulse_error(request: Request, exc: Exception) -> Response:
        # The message may name a resource such as a database URL, so readers get a generic one.
        logger.error("request failed: %s", request.url.path, exc_info=exc)
        return error_response(request, 500, "internal error", clock)

    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(RequestValidationError, handle_invalid_request)
    app.add_exception_handler(site.PageNotFoundError, handle_not_found)
    app.add_exception_handler(NewsPulseError, handle_newspulse_error)


def validation_message(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as one line: "query.limit: Input should be ...; ..."."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def error_response(
    request: Request,
    status: int,
    message: str,
    clock: Clock,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The JSON error shape under ``/api/``, an HTML error page everywhere else."""
    path = request.url.path
    if path == "/api" or path.startswith("/api/"):
        response = json_response(error_body(status, message), status=status)
    else:
        # The page's folder depth: "/a/b/" and "/a/b/c" both resolve relative links from "/a/b/".
        depth = max(path.count("/") - 1, 0)
        html = site.render_error_page(status, message, depth=depth, now=clock())
        response = HTMLResponse(html, status_code=status)
    response.headers.update(headers or {})
    return response
