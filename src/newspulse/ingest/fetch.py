"""Fetching feeds and pages over HTTP, politely and defensively: URL → ``FetchResult``.

Everything the web can throw at a crawler is bounded here, so later stages only see
bytes of a known maximum size or one specific ``FetchError``:

- timeouts for connect, for each read, and for the whole fetch across redirects;
- a size cap enforced while streaming, on both the bytes received and the bytes
  after decompression (a 50 KB gzip body can inflate to gigabytes);
- redirects followed by hand, at most ``max_redirects``, each hop going through the
  SSRF-guarded connector (``netguard``) and the per-host politeness gate again;
- conditional GET from stored validators, so an unchanged feed costs a 304 and no
  parsing;
- per host: at most ``max_per_host`` requests in flight and ``min_delay`` seconds
  between request starts (across processes too, with a shared ``pace``: ``ingest.pace``);
- gzip, deflate and brotli (aiohttp decodes them; brotli needs the ``brotli`` package).

The errors (``fetch_errors``) all carry the URL that was requested.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from newspulse import __version__
from newspulse.ingest.fetch_errors import (
    FetchBlockedError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    TooLargeError,
    TooManyRedirectsError,
)
from newspulse.ingest.netguard import BlockedAddressError, IPNetwork, guarded_connector
from newspulse.ingest.pace import HostPace

__all__ = [
    "FetchBlockedError",
    "FetchError",
    "FetchJob",
    "FetchResult",
    "FetchTimeoutError",
    "Fetcher",
    "HttpStatusError",
    "TooLargeError",
    "TooManyRedirectsError",
    "fetch_bodies",
]

DEFAULT_USER_AGENT = f"NewsPulse/{__version__} (+https://github.com/newspulse)"
DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
# stack.md §1: at most 2 connections per host; one request start per second per host.
# (sources.schedule.HostPoliteness carries the same two numbers as scheduler data;
# stages do not import each other, so the poller passes them in.)
DEFAULT_MAX_PER_HOST = 2
DEFAULT_MIN_DELAY = 1.0
CHUNK_BYTES = 64 * 1024

# The response headers kept on a FetchResult: validators for the next conditional GET
# (RFC 9110 §8.8), freshness (RFC 9111 §5.2) and Retry-After (RFC 9110 §10.2.3).
KEPT_HEADERS = ("content-type", "etag", "last-modified", "retry-after", "cache-control")
# RFC 9110 §15.4: the redirect statuses a client follows automatically when Location is set.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# RFC 9110 §15.4.2 / §15.4.9: permanent redirects; a feed reader should update its link.
PERMANENT_REDIRECT_STATUSES = frozenset({301, 308})
ALLOWED_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class FetchJob:
    """One URL to fetch, with the validators stored from its last 200 (if any)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one successful fetch (2xx with a body, or 304 without one)."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str] = field(hash=False)
    body: bytes | None
    not_modified: bool
    elapsed: float
    redirects: tuple[str, ...] = ()
    # Set when every hop was a permanent redirect: the URL to store instead of ``url``.
    permanent_url: str | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def retry_after(self) -> str | None:
        return self.headers.get("retry-after")

    @property
    def cache_control(self) -> str | None:
        return self.headers.get("cache-control")


@dataclass(frozen=True, slots=True)
class _Redirect:
    status: int
    location: str


@dataclass(frozen=True, slots=True)
class _Final:
    status: int
    final_url: str
    headers: Mapping[str, str]
    body: bytes | None


@dataclass(slots=True)
class _HostGate:
    """Per-host politeness state: in-flight slots and when the last request started."""

    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float | None = None


class Fetcher:
    """One aiohttp session shared by every fetch; use ``async with Fetcher(...) as f``.

    Keyword-only configuration (seconds and bytes):

    - ``connect_timeout`` per TCP connect; ``read_timeout`` for each read (no byte
      for this long); ``total_timeout`` for the whole fetch, redirects included and
      politeness waits excluded;
    - ``max_bytes``: body cap, on the wire and after decompression;
    - ``max_redirects``: hops followed before ``TooManyRedirectsError``;
    - ``max_per_host`` requests in flight per host and ``min_delay`` seconds between
      the starts of two requests to one host; ``max_connections``: all hosts together;
    - ``allow_private_hosts`` / ``allowed_networks``: the SSRF policy (``netguard``);
      None reads ``NEWSPULSE_ALLOW_PRIVATE_HOSTS``;
    - ``pace``: where request starts to a host are reserved, shared with other processes.
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        total_timeout: float = 60.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        user_agent: str = DEFAULT_USER_AGENT,
        accept: str = DEFAULT_ACCEPT,
        max_per_host: int = DEFAULT_MAX_PER_HOST,
        min_delay: float = DEFAULT_MIN_DELAY,
        max_connections: int = 100,
        allow_private_hosts: bool | None = None,
        allowed_networks: Iterable[IPNetwork] = (),
        pace: HostPace | None = None,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        if max_per_host < 1 or max_connections < 1:
            raise ValueError("max_per_host and max_connections must be at least 1")
        self.max_per_host = max_per_host
        self.min_delay = max(min_delay, 0.0)
        self.max_connections = max_connections
        self._headers = {"User-Agent": user_agent, "Accept": accept}
        self._allow_private_hosts = allow_private_hosts
        self._allowed_networks = tuple(allowed_networks)
        self._session: aiohttp.ClientSession | None = None
        self._connections: asyncio.Semaphore | None = None
        self._gates: dict[str, _HostGate] = {}
        self._pace = pace

    async def __aenter__(self) -> Fetcher:
        self._open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url``, following redirects; raises a ``FetchError`` subclass on failure.

        ``etag``/``last_modified`` are the validators stored from the last 200; they are
        sent as If-None-Match / If-Modified-Since (RFC 9110 §13.1.2, §13.1.3), so an
        unchanged resource answers 304 and the result has ``not_modified`` and no body.
        """
        session = self._open()
        conditional = _conditional_headers(etag, last_modified)
        hops = [url]
        permanent = True
        spent = 0.0
        current = url
        while True:
            _check_scheme(url, current)
            async with self._host_slot(current):
                started = time.monotonic()
                try:
                    outcome = await self._request_hop(
                        session, url, current, conditional, budget=self.total_timeout - spent
                    )
                finally:
                    spent += time.monotonic() - started
            if isinstance(outcome, _Final):
                return _result(url, outcome, hops=hops, permanent=permanent, elapsed=spent)
            permanent = permanent and outcome.status in PERMANENT_REDIRECT_STATUSES
            current = _next_hop(url, current, outcome.location, hops, self.max_redirects)
            hops.append(current)

    async def fetch_many(self, jobs: Iterable[str | FetchJob]) -> list[FetchResult | FetchError]:
        """Fetch every job concurrently under the per-host limits; results keep job order.

        Each host gets at most ``max_per_host`` workers, so a slow host
        never holds up the others; a failed fetch is returned as its ``FetchError``.
        """
        queued = [job if isinstance(job, FetchJob) else FetchJob(job) for job in jobs]
        results: list[FetchResult | FetchError | None] = [None] * len(queued)
        by_host: dict[str, deque[int]] = {}
        for index, job in enumerate(queued):
            by_host.setdefault(_host_key(job.url), deque()).append(index)

        async def work(pending: deque[int]) -> None:
            while pending:
                index = pending.popleft()
                job = queued[index]
                try:
                    results[index] = await self.fetch(
                        job.url, etag=job.etag, last_modified=job.last_modified
                    )
                except FetchError as exc:
                    results[index] = exc

        async with asyncio.TaskGroup() as group:
            for pending in by_host.values():
                for _ in range(min(self.max_per_host, len(pending))):
                    group.create_task(work(pending))
        # TaskGroup returned, so every worker finished and every slot is filled.
        return cast(list[FetchResult | FetchError], results)

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = guarded_connector(
                allow_private_hosts=self._allow_private_hosts,
                allowed_networks=self._allowed_networks,
                limit=self.max_connections,
                limit_per_host=self.max_per_host,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers=self._headers,
                # The whole-fetch limit is an asyncio.timeout per hop (see _request_hop),
                # so time spent waiting for politeness does not count against it.
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self.connect_timeout, sock_read=self.read_timeout
                ),
                # A proxy from the environment would connect for us, unchecked by netguard.
                trust_env=False,
                # Feeds need no cookies; a shared jar would leak state between feeds.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            self._connections = asyncio.Semaphore(self.max_connections)
        return self._session

    @contextlib.asynccontextmanager
    async def _host_slot(self, url: str) -> AsyncIterator[None]:
        """Wait for a free slot on the URL's host and its minimum delay, then a connection."""
        connections = self._connections
        assert connections is not None, "the session is opened before any request"
        key = _host_key(url)
        gate = self._gates.get(key)
        if gate is None:
            gate = _HostGate(slots=asyncio.Semaphore(self.max_per_host))
            self._gates[key] = gate
        async with gate.slots:
            # The lock makes waiters take turns, so starts stay min_delay apart.
            async with gate.lock:
                if self._pace is not None and self.min_delay > 0:
                    shared = self._pace.reserve_host_start
                    await asyncio.sleep(await asyncio.to_thread(shared, key, self.min_delay))
                if gate.last_start is not None:
                    wait = gate.last_start + self.min_delay - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                await connections.acquire()
                gate.last_start = time.monotonic()
            try:
                yield
            finally:
                connections.release()

    async def _request_hop(
        self,
        session: aiohttp.ClientSession,
        url: str,
        hop_url: str,
        conditional: Mapping[str, str],
        *,
        budget: float,
    ) -> _Final | _Redirect:
        """One request without following redirects, under what is left of the total timeout."""
        with _translate_errors(url, hop_url, self):
            if budget <= 0:
                raise TimeoutError
            async with asyncio.timeout(budget):
                async with session.get(
                    hop_url, headers=conditional, allow_redirects=False
                ) as response:
                    location = response.headers.get("Location")
                    if response.status in REDIRECT_STATUSES and location:
                        return _Redirect(response.status, location)
                    headers = _kept_headers(response.headers)
                    if response.status == 304:
                        return _Final(304, str(response.url), headers, None)
                    if not 200 <= response.status < 300:
                        raise HttpStatusError(url, response.status, headers.get("retry-after"))
                    body = await _read_capped(url, response, self.max_bytes)
                    return _Final(response.status, str(response.url), headers, body)


async def fetch_bodies(
    urls: Sequence[str],
    *,
    allow_private_hosts: bool | None = None,
    min_delay: float = DEFAULT_MIN_DELAY,
) -> dict[str, bytes | BaseException]:
    """Bodies of ``urls`` fetched politely with the default limits; a failure maps its URL
    to the ``FetchError`` (for one-shot commands such as ``newspulse extract``)."""
    unique = list(dict.fromkeys(urls))
    async with Fetcher(allow_private_hosts=allow_private_hosts, min_delay=min_delay) as fetcher:
        outcomes = await fetcher.fetch_many(unique)
    bodies: dict[str, bytes | BaseException] = {}
    for url, outcome in zip(unique, outcomes, strict=True):
        if isinstance(outcome, FetchResult):
            bodies[url] = outcome.body or b""
        else:
            bodies[url] = outcome
    return bodies


async def _read_capped(url: str, response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body, refused as soon as it passes ``max_bytes`` on the wire or decoded."""
    if response.content_length is not None and response.content_length > max_bytes:
        raise TooLargeError(url, limit=max_bytes)
    chunks: list[bytes] = []
    decoded = 0
    # aiohttp inflates gzip/deflate/br at most one bounded chunk at a time, so counting
    # decoded bytes here stops a decompression bomb after ~max_bytes of output.
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        decoded += len(chunk)
        if decoded > max_bytes or response.content.total_raw_bytes > max_bytes:
            response.close()
            raise TooLargeError(url, limit=max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _host_key(url: str) -> str:
    """The host politeness applies to: lower-cased name without port or final dot."""
    host = urlsplit(url).hostname or ""
    return host.rstrip(".").lower()


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        # RFC 9110 §13.1.2: the stored entity-tag is sent back verbatim (quotes, W/ and all).
        headers["If-None-Match"] = etag
    if last_modified:
        # RFC 9110 §13.1.3: echo the stored Last-Modified value exactly.
        headers["If-Modified-Since"] = last_modified
    return headers


def _kept_headers(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}


def _check_scheme(url: str, hop_url: str) -> None:
    try:
        scheme = URL(hop_url).scheme.lower()
    except ValueError as exc:
        raise FetchError(url, f"invalid URL {hop_url!r}") from exc
    if scheme not in ALLOWED_SCHEMES:
        where = "" if hop_url == url else f" (redirected to {hop_url})"
        raise FetchError(url, f"unsupported URL scheme {scheme!r}{where}")


def _next_hop(url: str, current: str, location: str, hops: list[str], max_redirects: int) -> str:
    """The absolute URL a redirect points to, or TooManyRedirectsError."""
    try:
        # RFC 9110 §10.2.2: Location may be relative, resolved against the request URL
        # (RFC 3986 §5); the fragment is dropped since it is never sent to a server.
        target = str(URL(current).join(URL(location)).with_fragment(None))
    except ValueError as exc:
        raise FetchError(url, f"invalid redirect Location {location!r}") from exc
    if target in hops:
        raise TooManyRedirectsError(url, redirects=[*hops, target], loop=True, limit=max_redirects)
    if len(hops) > max_redirects:
        raise TooManyRedirectsError(url, redirects=[*hops, target], loop=False, limit=max_redirects)
    return target


def _result(
    url: str, final: _Final, *, hops: list[str], permanent: bool, elapsed: float
) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=final.final_url,
        status=final.status,
        headers=final.headers,
        body=final.body,
        not_modified=final.status == 304,
        elapsed=elapsed,
        redirects=tuple(hops[1:]),
        permanent_url=final.final_url if permanent and len(hops) > 1 else None,
    )


@contextlib.contextmanager
def _translate_errors(url: str, hop_url: str, fetcher: Fetcher) -> Iterator[None]:
    """Turn aiohttp, socket and guard exceptions into the FetchError tree (``raise from``)."""
    try:
        yield
    except FetchError:
        raise
    except BlockedAddressError as exc:
        via = "" if hop_url == url else f"; redirected to {hop_url}"
        raise FetchBlockedError(url, address=exc.address, reason=f"{exc.reason}{via}") from exc
    except aiohttp.ConnectionTimeoutError as exc:
        raise FetchTimeoutError(url, phase="connect", seconds=fetcher.connect_timeout) from exc
    except aiohttp.ServerTimeoutError as exc:
        # aiohttp's sock_read: no byte arrived for read_timeout seconds.
        raise FetchTimeoutError(url, phase="read", seconds=fetcher.read_timeout) from exc
    except TimeoutError as exc:
        # Our asyncio.timeout: the fetch as a whole (a slow drip keeps every read alive).
        raise FetchTimeoutError(url, phase="fetch", seconds=fetcher.total_timeout) from exc
    except aiohttp.ClientPayloadError as exc:
        raise FetchError(url, "response body could not be read or decoded") from exc
    except aiohttp.InvalidURL as exc:
        raise FetchError(url, f"invalid URL {hop_url!r}") from exc
    except (aiohttp.ClientError, OSError) as exc:
        raise FetchError(url, "connection failed") from exc
