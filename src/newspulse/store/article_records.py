"""Article rows as records: the columns each read selects and how a row becomes an
``Article`` or an ``ArticleRef`` (shared by the article and event row groups)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping

from newspulse.domain import Article, DateSource
from newspulse.store import tables as t
from newspulse.store.base import ArticleRef, as_utc


def article_ref_select() -> Any:
    """Article references with the event of the article, or of its original for a copy."""
    a = t.articles.c
    return select(
        a.id,
        a.title,
        a.url,
        a.source_name,
        a.published_at,
        a.duplicate_of,
        a.date_source,
        a.summary,
        a.language,
        t.event_articles.c.event_id,
    ).outerjoin(
        t.event_articles,
        t.event_articles.c.article_id == func.coalesce(a.duplicate_of, a.id),
    )


def article_ref_from_row(row: RowMapping) -> ArticleRef:
    return ArticleRef(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        source=row["source_name"],
        published=as_utc(row["published_at"]),
        duplicate_of=row["duplicate_of"],
        event_id=row["event_id"],
        date_estimated=row["date_source"] != DateSource.FEED.value,
        summary=row["summary"] or "",
        language=row["language"],
    )


ARTICLE_COLUMNS = (
    t.articles.c.id,
    t.articles.c.uid,
    t.articles.c.url,
    t.articles.c.canonical_url,
    t.articles.c.source_name,
    t.articles.c.title,
    t.articles.c.text,
    t.articles.c.published_at,
    t.articles.c.date_source,
    t.articles.c.title_derived,
    t.articles.c.duplicate_of,
    t.articles.c.language,
    t.articles.c.declared_language,
    t.articles.c.fact_keys,
)


def article_select() -> Any:
    return select(*ARTICLE_COLUMNS)


def article_from_row(row: RowMapping) -> Article:
    return Article(
        id=row["id"],
        uid=row["uid"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        source=row["source_name"],
        title=row["title"],
        text=row["text"],
        published_at=as_utc(row["published_at"]),
        date_estimated=row["date_source"] != DateSource.FEED.value,
        title_derived=bool(row["title_derived"]),
        duplicate_of=row["duplicate_of"],
        language=row["language"],
        declared_language=row["declared_language"],
        fact_keys=frozenset(row["fact_keys"]) if row["fact_keys"] is not None else None,
    )
