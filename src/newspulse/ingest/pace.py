"""Per-host politeness shared by every process that fetches.

One ``Fetcher`` keeps ``min_delay`` between the starts of its own requests to a host; N
worker processes with N fetchers would each keep it, and a host would be asked N times
as often.  A ``HostPace`` (the store: ``store.pace_rows``) is one clock per host for all
of them: each request start is *reserved* there, at least ``min_delay`` after the last
reservation for the host, and the fetcher waits until its reserved start.  Reservations
are atomic in the store, so two fetchers never get the same slot, whichever machine
they run on.
"""

from __future__ import annotations

from typing import Protocol


class HostPace(Protocol):
    def reserve_host_start(self, host: str, delay: float) -> float:
        """Reserve the next start of a request to ``host``, ``delay`` seconds after the
        one reserved before it; the seconds to wait until then (0: start now)."""
        ...
