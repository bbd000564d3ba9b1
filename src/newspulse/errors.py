"""The exception tree of NewsPulse.

::

    NewsPulseError
    ├── ConfigError            settings or topics file is invalid
    ├── StoreError             the database cannot be opened, migrated or mixed models
    ├── CorpusError            a corpus file or one of its records is malformed
    ├── ModelError             an embedding model cannot be loaded offline or fails its checksum
    ├── FetchError             one URL could not be fetched (ingest/fetch_errors.py)
    │   ├── TooLargeError, TooManyRedirectsError, FetchTimeoutError, HttpStatusError
    │   └── FetchBlockedError  also a BlockedAddressError
    ├── BlockedAddressError    SSRF guard: a private/loopback address (ingest/netguard.py)
    ├── FeedParseError         a document yields no usable feed (ingest/feed_items.py)
    ├── ExtractionError        a page yields no article text (ingest/extract.py)
    ├── OpmlError              an OPML document has no outlines (sources/opml.py)
    ├── SignatureError         a stored near-duplicate signature is unreadable (dedup/near.py)
    ├── NoFeedFoundError       a URL is no feed and announces none (poller.py)
    ├── SearchQueryError       a search query cannot be understood (records.py)
    ├── StepError              no such pipeline step, or a claim it has not (pipeline/steps.py)
    └── PublishError           a page or export cannot be written
        └── PageNotFoundError  a page names what the store does not hold (publish/site.py)

Leaves are defined next to the code that raises them; they all derive from
``NewsPulseError`` here, so the CLI turns any of them into one clear line.

Each error names the resource it concerns (a path, a URL, a topic slug) so a
message reads "message: resource: Cause: detail".  Expected failures of one
item (one bad corpus line) are reported on that item and the run goes on.
"""

from __future__ import annotations


class NewsPulseError(Exception):
    """Root of every error NewsPulse raises on purpose."""

    def __init__(self, message: str, resource: str | None = None) -> None:
        self.message = message
        self.resource = resource
        super().__init__(message)

    def __str__(self) -> str:
        parts = [self.message]
        if self.resource:
            parts.append(repr(self.resource))
        cause = self.__cause__
        if cause is not None:
            parts.append(f"{type(cause).__name__}: {cause}")
        return ": ".join(parts)


class ConfigError(NewsPulseError):
    """The settings file, an environment variable or the topics file is invalid."""


class StoreError(NewsPulseError):
    """The database cannot be opened, created or migrated."""


class CorpusError(NewsPulseError):
    """A corpus file cannot be read, or one of its records is malformed."""


class ModelError(NewsPulseError):
    """An embedding model cannot be loaded offline, or its weights fail the checksum."""


class PublishError(NewsPulseError):
    """A page, feed or export cannot be written."""
