"""The store's time helper; the records it hands to stages live in ``newspulse.records``
(re-exported here so older imports keep working)."""

from __future__ import annotations

import datetime as dt

from newspulse.records import (
    ArticleFilters,
    ArticleRef,
    Correction,
    EventDetail,
    EventFilters,
    NewArticle,
    SearchHit,
    SearchResults,
    SourcePollState,
    SourceRecord,
    StoredVersion,
    VersionSummary,
)

__all__ = [
    "ArticleFilters",
    "ArticleRef",
    "Correction",
    "EventDetail",
    "EventFilters",
    "NewArticle",
    "SearchHit",
    "SearchResults",
    "SourcePollState",
    "SourceRecord",
    "StoredVersion",
    "VersionSummary",
    "as_utc",
]


def as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
