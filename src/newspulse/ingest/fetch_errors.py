"""What a fetch can fail with: one ``FetchError`` subclass per cause, each carrying the URL.

Error tree (all carry the URL that was requested)::

    NewsPulseError
    └── FetchError                    connection failed, invalid URL, unreadable body
        ├── TooLargeError             body over max_bytes (received or decompressed)
        ├── TooManyRedirectsError     more than max_redirects hops, or a loop
        ├── FetchTimeoutError         connect, read or total timeout
        ├── HttpStatusError           4xx/5xx (status, raw Retry-After)
        └── FetchBlockedError         also a netguard.BlockedAddressError (SSRF guard)
"""

from __future__ import annotations

from collections.abc import Sequence

from newspulse.errors import NewsPulseError
from newspulse.ingest.netguard import BlockedAddressError


class FetchError(NewsPulseError):
    """A URL could not be fetched; ``url`` is the one requested (before redirects)."""

    def __init__(self, url: str, message: str = "fetch failed") -> None:
        super().__init__(message, url)
        self.url = url


class TooLargeError(FetchError):
    """The body (received, or after decompression) is larger than the cap."""

    def __init__(self, url: str, *, limit: int) -> None:
        super().__init__(url, f"response body larger than {limit} bytes")
        self.limit = limit


class TooManyRedirectsError(FetchError):
    """More redirects than allowed, or a redirect back to a URL already visited."""

    def __init__(self, url: str, *, redirects: Sequence[str], loop: bool, limit: int) -> None:
        what = "redirect loop" if loop else f"more than {limit} redirects"
        super().__init__(url, f"{what}: {' -> '.join(redirects)}")
        self.redirects = tuple(redirects)
        self.loop = loop
        self.limit = limit


class FetchTimeoutError(FetchError):
    """The connect, a read, or the whole fetch took longer than its timeout."""

    def __init__(self, url: str, *, phase: str, seconds: float) -> None:
        super().__init__(url, f"{phase} timed out after {seconds:g} s")
        self.phase = phase
        self.seconds = seconds


class HttpStatusError(FetchError):
    """The server answered with an error status; ``retry_after`` is the raw header."""

    def __init__(self, url: str, status: int, retry_after: str | None = None) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class FetchBlockedError(FetchError, BlockedAddressError):
    """The SSRF guard refused an address on the way to ``url`` (see ``netguard``)."""

    def __init__(self, url: str, *, address: str, reason: str) -> None:
        BlockedAddressError.__init__(self, url, address=address, reason=reason)

    def __str__(self) -> str:
        # The cause is the guard's own BlockedAddressError, whose facts this repeats.
        return f"{self.message}: {self.resource!r}"
