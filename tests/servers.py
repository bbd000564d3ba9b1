"""A real HTTP server on loopback, in a background thread, with the web's hostile habits.

Fetch tests talk to a real socket rather than a mocked transport, so timeouts,
streaming caps, decompression and redirects run through aiohttp exactly as they do
against publishers.  The server only ever binds loopback addresses (127.0.0.0/8).

Routes (all GET):

- ``/files/{path}``: a file from ``directory``, with ETag and Last-Modified and 304s;
  ``?encoding=gzip|deflate|br`` compresses it.
- ``/feed/{name}?items=N&v=V``: a generated RSS 2.0 feed with ETag ``"name-vV"``, a
  fixed Last-Modified and ``Cache-Control: max-age=300``; 304 when the validators match.
- ``/encoded?encoding=gzip|deflate|br``: a known text, compressed.
- ``/drip?chunks=N&interval=S``: one byte every S seconds (slow drip).
- ``/endless``: 64 KiB chunks until the client hangs up.
- ``/big?size=N``: declares ``Content-Length: N`` and sends that many bytes.
- ``/bomb?encoding=gzip|deflate|br&mib=N``: a few KB that inflate to N MiB of zeros.
- ``/wrong-type``: an RSS document served as ``image/png``.
- ``/truncated``: declares 100,000 bytes, sends 10 and hangs up.
- ``/bad-gzip``: ``Content-Encoding: gzip`` on bytes that are not gzip.
- ``/status/{code}?retry_after=X``: that status, with Retry-After when given.
- ``/redirect?to=URL&status=302``: a redirect to ``to`` (absolute or relative).
- ``/chain/{n}?status=302``: n redirects in a row, then 200.
- ``/loop/a`` and ``/loop/b``: redirect to each other forever.
- ``/slow?delay=S&group=G``: answers after S seconds; concurrency is tracked per G.
- ``/headers``: the request headers as JSON.
- ``/hostile/{case}``: a hostile feed document from ``tests.hostile.CASES``.

Every request is recorded as a ``Hit`` (``server.hits(path)``).
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import gzip
import hashlib
import json
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest
from aiohttp import web

DATA = Path(__file__).resolve().parent / "data"
FEED_LAST_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT"
ENCODED_TEXT = b"NewsPulse decodes this text. " * 200
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Hit:
    """One request as the server saw it (times are ``time.monotonic()``)."""

    path: str
    query: str
    host: str
    headers: dict[str, str]
    started: float
    finished: float


def compress(data: bytes, encoding: str) -> bytes:
    """``data`` in a Content-Encoding (RFC 9110 §8.4.1): gzip, deflate (zlib) or br."""
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "br":
        return bytes(brotli.compress(data, quality=5))
    raise ValueError(f"unknown encoding {encoding!r}")


@functools.lru_cache(maxsize=8)
def bomb_payload(encoding: str, mib: int) -> bytes:
    """``mib`` MiB of zeros, compressed: about 1000:1 for gzip, far more for brotli."""
    return compress(bytes(mib * 1024 * 1024), encoding)


@functools.lru_cache(maxsize=64)
def rss_feed(name: str, items: int) -> bytes:
    """A small, valid RSS 2.0 feed with ``items`` dated items."""
    entries = "".join(
        f"<item><title>{name} story {number}</title>"
        f"<link>https://example.org/{name}/{number}</link>"
        f"<guid>https://example.org/{name}/{number}</guid>"
        f"<pubDate>Tue, 01 Dec 2026 {number % 24:02d}:00:00 GMT</pubDate>"
        f"<description>Summary of story {number} in {name}.</description></item>"
        for number in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://example.org/{name}</link>"
        f"<description>Test feed {name}</description><ttl>30</ttl>{entries}</channel></rss>"
    ).encode()


def _etag_matches(if_none_match: str, etag: str) -> bool:
    # RFC 9110 §13.1.2: If-None-Match uses the weak comparison; "*" matches anything.
    candidates = [tag.strip() for tag in if_none_match.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in candidates or any(tag.removeprefix("W/") == bare for tag in candidates)


def _not_modified(request: web.Request, *, etag: str, last_modified: str) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        # RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
        return _etag_matches(if_none_match, etag)
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return email.utils.parsedate_to_datetime(since) >= email.utils.parsedate_to_datetime(
            last_modified
        )
    except (TypeError, ValueError):
        return False


class HttpServer:
    """The server; ``start()`` binds every address in ``hosts`` on its own free port."""

    def __init__(self, directory: Path = DATA, *, hosts: Sequence[str] = ("127.0.0.1",)) -> None:
        for host in hosts:
            if not host.startswith("127."):
                raise ValueError(f"test servers bind loopback addresses only, not {host!r}")
        self.directory = directory
        self.hosts = tuple(hosts)
        self.ports: dict[str, int] = {}
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._max_in_flight: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    def __enter__(self) -> HttpServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def url(self, path: str, *, host: str | None = None) -> str:
        """An absolute URL on this server; ``host`` picks one of the bound addresses."""
        address = host or self.hosts[0]
        port = self.ports.get(address)
        if port is None and address == "localhost":
            port = self.ports["127.0.0.1"]
        if port is None:
            raise KeyError(f"{address} is not bound by this server")
        return f"http://{address}:{port}/{path.lstrip('/')}"

    def hits(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [hit for hit in self._hits if path is None or hit.path == path]

    def max_in_flight(self, group: str) -> int:
        with self._lock:
            return self._max_in_flight.get(group, 0)

    def start(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="http-server", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), loop).result(timeout=10)

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    async def _serve(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/files/{path:.+}", self._file)
        app.router.add_get("/feed/{name}", self._feed)
        app.router.add_get("/encoded", self._encoded)
        app.router.add_get("/drip", self._drip)
        app.router.add_get("/endless", self._endless)
        app.router.add_get("/big", self._big)
        app.router.add_get("/bomb", self._bomb)
        app.router.add_get("/wrong-type", self._wrong_type)
        app.router.add_get("/truncated", self._truncated)
        app.router.add_get("/bad-gzip", self._bad_gzip)
        app.router.add_get("/status/{code}", self._status)
        app.router.add_get("/redirect", self._redirect)
        app.router.add_get("/chain/{count}", self._chain)
        app.router.add_get("/loop/{side}", self._loop_redirect)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/slow-feed", self._slow_feed)
        app.router.add_get("/headers", self._headers)
        app.router.add_get("/hostile/{case}", self._hostile)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        for host in self.hosts:
            site = web.TCPSite(self._runner, host, 0)
            await site.start()
            self.ports[host] = self._runner.addresses[-1][1]

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        group = request.query.get("group")
        started = time.monotonic()
        if group is not None:
            with self._lock:
                self._in_flight[group] = self._in_flight.get(group, 0) + 1
                self._max_in_flight[group] = max(
                    self._max_in_flight.get(group, 0), self._in_flight[group]
                )
        try:
            return await handler(request)
        finally:
            with self._lock:
                if group is not None:
                    self._in_flight[group] -= 1
                self._hits.append(
                    Hit(
                        path=request.path,
                        query=request.query_string,
                        host=request.host,
                        headers=dict(request.headers),
                        started=started,
                        finished=time.monotonic(),
                    )
                )

    async def _file(self, request: web.Request) -> web.StreamResponse:
        root = self.directory.resolve()
        path = (root / request.match_info["path"]).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise web.HTTPNotFound()
        data = path.read_bytes()
        etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
        last_modified = email.utils.formatdate(int(path.stat().st_mtime), usegmt=True)
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if _not_modified(request, etag=etag, last_modified=last_modified):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        encoding = request.query.get("encoding")
        if encoding:
            data = compress(data, encoding)
            headers["Content-Encoding"] = encoding
        return web.Response(body=data, headers=headers)

    async def _feed(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        etag = f'"{name}-v{request.query.get("v", "1")}"'
        headers = {
            "ETag": etag,
            "Last-Modified": FEED_LAST_MODIFIED,
            "Cache-Control": "max-age=300",
        }
        if _not_modified(request, etag=etag, last_modified=FEED_LAST_MODIFIED):
            return web.Response(status=304, headers=headers)
        body = rss_feed(name, int(request.query.get("items", "20")))
        headers["Content-Type"] = "application/rss+xml; charset=utf-8"
        return web.Response(body=body, headers=headers)

    async def _encoded(self, request: web.Request) -> web.StreamResponse:
        encoding = request.query.get("encoding", "gzip")
        return web.Response(
            body=compress(ENCODED_TEXT, encoding),
            headers={"Content-Type": "text/plain", "Content-Encoding": encoding},
        )

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        chunks = int(request.query.get("chunks", "100"))
        interval = float(request.query.get("interval", "0.1"))
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        try:
            for _ in range(chunks):
                await asyncio.sleep(interval)
                await response.write(b"x")
            await response.write_eof()
        except ConnectionError:
            pass  # the client gave up, as it should
        return response

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<item>endless</item>" * 3277  # ~64 KiB
        try:
            while True:
                await response.write(chunk)
        except ConnectionError:
            pass
        return response

    async def _big(self, request: web.Request) -> web.StreamResponse:
        size = int(request.query.get("size", str(1024 * 1024)))
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        response.content_length = size
        await response.prepare(request)
        try:
            for start in range(0, size, 65536):
                await response.write(bytes(min(65536, size - start)))
            await response.write_eof()
        except ConnectionError:
            pass
        return response

    async def _bomb(self, request: web.Request) -> web.StreamResponse:
        encoding = request.query.get("encoding", "gzip")
        payload = bomb_payload(encoding, int(request.query.get("mib", "64")))
        return web.Response(
            body=payload,
            headers={"Content-Type": "application/rss+xml", "Content-Encoding": encoding},
        )

    async def _wrong_type(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=rss_feed("wrong-type", 3), headers={"Content-Type": "image/png"})

    async def _truncated(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        response.content_length = 100_000
        await response.prepare(request)
        await response.write(b"<rss>trun")
        assert request.transport is not None
        request.transport.close()
        return response

    async def _bad_gzip(self, request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=b"this is not gzip at all" * 10,
            headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
        )

    async def _status(self, request: web.Request) -> web.StreamResponse:
        headers = {}
        retry_after = request.query.get("retry_after")
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        status = int(request.match_info["code"])
        return web.Response(status=status, text=f"status {status}", headers=headers)

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        status = int(request.query.get("status", "302"))
        return web.Response(status=status, headers={"Location": request.query["to"]})

    async def _chain(self, request: web.Request) -> web.StreamResponse:
        count = int(request.match_info["count"])
        if count <= 0:
            return web.Response(text="end of chain", content_type="text/plain")
        status = int(request.query.get("status", "302"))
        location = f"/chain/{count - 1}?{request.query_string}"
        return web.Response(status=status, headers={"Location": location})

    async def _loop_redirect(self, request: web.Request) -> web.StreamResponse:
        other = "b" if request.match_info["side"] == "a" else "a"
        return web.Response(status=302, headers={"Location": f"/loop/{other}"})

    async def _slow(self, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(float(request.query.get("delay", "0.1")))
        return web.Response(text="slow answer", content_type="text/plain")

    async def _slow_feed(self, request: web.Request) -> web.StreamResponse:
        """A feed of snippet items whose pages answer after ``delay`` seconds."""
        delay = request.query.get("delay", "1")
        base = f"{request.scheme}://{request.host}/slow?delay={delay}&amp;n="
        items = "".join(
            f"<item><title>Slow story {n}</title><link>{base}{n}</link>"
            f"<pubDate>Tue, 01 Dec 2026 {n % 24:02d}:00:00 GMT</pubDate>"
            f"<description>Snippet {n}.</description></item>"
            for n in range(int(request.query.get("items", "10")))
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>slow</title><link>{request.scheme}://{request.host}/</link>"
            f"<description>slow pages</description>{items}</channel></rss>"
        )
        return web.Response(body=body.encode(), content_type="application/rss+xml")

    async def _hostile(self, request: web.Request) -> web.StreamResponse:
        from tests.hostile import CASES

        make = CASES.get(request.match_info["case"])
        if make is None:
            raise web.HTTPNotFound()
        document = make(f"{request.scheme}://{request.host}/")
        headers = {"Content-Type": document.content_type, **dict(document.headers)}
        return web.Response(body=document.body, headers=headers)

    async def _headers(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(dict(request.headers))


@pytest.fixture(scope="session")
def http_server() -> Iterator[HttpServer]:
    """One server per test process on 127.0.0.1 and 127.0.0.2, serving ``tests/data``."""
    with HttpServer(DATA, hosts=("127.0.0.1", "127.0.0.2")) as server:
        yield server


def json_body(body: bytes | None) -> dict[str, str]:
    """The JSON object a ``/headers`` response carries."""
    value = json.loads(body or b"{}")
    assert isinstance(value, dict)
    return value
