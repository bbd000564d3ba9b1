"""Full-text search over articles and events: SQLite FTS5 or PostgreSQL text search.

The indexes are created by migration 0005 and kept in step by the database itself
(SQLite triggers, PostgreSQL expression indexes), so a query never rebuilds them.
Readers type a small query language, parsed here into clauses and compiled for each
backend, so a stray operator can never reach the database as syntax:

* ``word`` and ``"a phrase"`` must all match;
* ``a OR b`` matches either;
* ``-word`` or ``-"a phrase"`` excludes.

Snippets come back as plain text with the matched spans listed separately, so every
reader (HTML page, JSON API) escapes the source text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Unpack

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    func,
    literal_column,
    null,
    select,
    table,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import TableClause

from newspulse.records import (
    SEARCH_KINDS,
    ArticleFilters,
    SearchHit,
    SearchQueryError,
    SearchResults,
)
from newspulse.store import tables as t
from newspulse.store.base import as_utc
from newspulse.store.filters import article_filters, event_filters
from newspulse.store.rows import StoreRows

MARK_START = "\ue000"
MARK_END = "\ue001"
MAX_QUERY_CHARS = 500
KINDS = SEARCH_KINDS
SEARCH_OBJECT_PREFIX = "search_"
FTS_ARTICLES = table("search_articles", column("rowid"))
FTS_EVENTS = table("search_events", column("rowid"))
ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")

PG_ARTICLE_VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, articles.title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, articles.summary || ' ' || articles.text), 'B'))"
)
PG_EVENT_VECTOR = (
    "to_tsvector('english'::regconfig, events.label || ' ' || "
    "coalesce(events.key_facts ->> 'facts', ''))"
)
PG_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
PG_EVENT_TEXT = (
    "events.label || ' — ' || "
    "replace(translate(coalesce(events.key_facts ->> 'facts', ''), '[]\"', ''), ',', ', ')"
)


def is_schema_object(obj: object, name: str | None, *_: object) -> bool:
    """Alembic ``include_object``: the search index objects are not in ``tables.py``
    (FTS5 tables and GIN expression indexes are backend-specific), so autogenerate and
    the schema test leave them alone."""
    return not (name or "").startswith(SEARCH_OBJECT_PREFIX)


@dataclass(frozen=True, slots=True)
class Clause:
    """Alternatives (``OR``) of words or phrases; ``negated`` clauses exclude."""

    alternatives: tuple[str, ...]
    negated: bool = False


TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
WORD_CHARS = re.compile(r"\w", re.UNICODE)


def parse_query(query: str) -> tuple[Clause, ...]:
    """Clauses of a reader's query; raises ``SearchQueryError`` on one it cannot run."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"search query is longer than {MAX_QUERY_CHARS} characters")
    if query.count('"') % 2:
        raise SearchQueryError("search query has an unbalanced quote", query)
    clauses: list[Clause] = []
    pending_or = False
    for match in TOKEN.finditer(query):
        negated = bool(match.group(1))
        phrase = match.group(2)
        word = match.group(3)
        if word == "OR":
            pending_or = bool(clauses) and not clauses[-1].negated
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = True, word[1:]
        text = " ".join((phrase if phrase is not None else word).replace('"', " ").split())
        if not WORD_CHARS.search(text):
            continue
        if pending_or and not negated:
            last = clauses.pop()
            clauses.append(Clause((*last.alternatives, text)))
        else:
            clauses.append(Clause((text,), negated))
        pending_or = False
    if not any(not clause.negated for clause in clauses):
        raise SearchQueryError("search query has no word to look for", query)
    return tuple(clauses)


def fts5_expression(clauses: tuple[Clause, ...]) -> str:
    """FTS5 MATCH syntax; every word or phrase is a quoted string, so none is an operator."""

    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    positive = [
        "(" + " OR ".join(quoted(a) for a in clause.alternatives) + ")"
        for clause in clauses
        if not clause.negated
    ]
    expression = "(" + " AND ".join(positive) + ")"
    for clause in clauses:
        if clause.negated:
            expression += " NOT " + quoted(clause.alternatives[0])
    return expression


def websearch_expression(clauses: tuple[Clause, ...]) -> str:
    """PostgreSQL ``websearch_to_tsquery`` syntax, which never raises on any input."""

    def term(text: str) -> str:
        return f'"{text}"' if " " in text else text

    parts = []
    for clause in clauses:
        if clause.negated:
            parts.append("-" + term(clause.alternatives[0]))
        else:
            parts.append(" or ".join(term(a) for a in clause.alternatives))
    return " ".join(parts)


def split_marks(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain text and highlighted spans from a snippet carrying the private-use markers."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in marked:
        if char == MARK_START:
            start = length
        elif char == MARK_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            plain.append(char)
            length += 1
    return "".join(plain), tuple(spans)


class SearchRows(StoreRows):
    def search(
        self,
        query: str,
        *,
        kind: str | None = None,
        limit: int = 20,
        offset: int = 0,
        **filters: Unpack[ArticleFilters],
    ) -> SearchResults:
        """Articles (originals, not syndicated copies) and events matching ``query``, best
        first; ``kind`` restricts to one of them."""
        if kind is not None and kind not in KINDS:
            raise SearchQueryError(f"search kind must be one of {', '.join(KINDS)}", kind)
        if limit < 0 or offset < 0:
            raise SearchQueryError("search limit and offset must not be negative")
        clauses = parse_query(query)
        postgres = self.engine.dialect.name == "postgresql"
        selects = []
        if kind in (None, "article"):
            selects.append(article_hits(clauses, article_filters(filters), postgres=postgres))
        if kind in (None, "event"):
            conditions = event_filters(
                filters.get("topic"),
                filters.get("since"),
                filters.get("until"),
                vertical=filters.get("vertical"),
                source=filters.get("source"),
            )
            selects.append(event_hits(clauses, conditions, postgres=postgres))
        union = selects[0].union_all(*selects[1:]).subquery() if len(selects) > 1 else None
        hits = union if union is not None else selects[0].subquery()
        page = select(hits).order_by(hits.c.score.desc(), hits.c.kind, hits.c.id.desc())
        # Counting reads ids only: snippets and ranks are computed for one page of rows.
        counted = [query.with_only_columns(query.selected_columns.id) for query in selects]
        matches = counted[0].union_all(*counted[1:]).subquery()
        with self.reading() as connection:
            total = int(connection.execute(select(func.count()).select_from(matches)).scalar_one())
            rows = connection.execute(page.limit(limit).offset(offset)).mappings().all()
            if postgres:
                headlines = pg_headlines(connection, rows, websearch_expression(clauses))
            else:
                headlines = fts5_snippets(connection, rows, fts5_expression(clauses))
        found = []
        for row in rows:
            snippet, spans = split_marks(headlines.get((row["kind"], row["id"])) or "")
            found.append(
                SearchHit(
                    kind=row["kind"],
                    id=row["id"],
                    title=row["title"],
                    snippet=snippet,
                    published=as_utc(row["published"]),
                    url=row["url"],
                    source=row["source"],
                    score=float(row["score"]),
                    highlights=spans,
                    event_id=row["event_id"],
                )
            )
        return SearchResults(total=total, hits=tuple(found))


def article_event() -> Any:
    return (
        select(t.event_articles.c.event_id)
        .where(t.event_articles.c.article_id == t.articles.c.id)
        .scalar_subquery()
    )


def text_match(
    clauses: tuple[Clause, ...],
    *,
    postgres: bool,
    pg_vector: str,
    fts: TableClause,
    weights: tuple[float, ...],
) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
    """A row's rank and the condition that it matches ``clauses``, on either backend:
    PostgreSQL ranks ``pg_vector``, SQLite the FTS5 table ``fts`` with bm25 ``weights``."""
    if postgres:
        tsquery = english_tsquery(websearch_expression(clauses))
        vector: ColumnElement[Any] = literal_column(pg_vector)
        return func.ts_rank_cd(vector, tsquery), vector.op("@@")(tsquery)
    index: ColumnElement[Any] = literal_column(fts.name)
    return -func.bm25(index, *weights), index.op("MATCH")(fts5_expression(clauses))


def article_hits(
    clauses: tuple[Clause, ...], filters: list[ColumnElement[bool]], *, postgres: bool
) -> Select[Any]:
    a = t.articles.c
    score, matches = text_match(
        clauses,
        postgres=postgres,
        pg_vector=PG_ARTICLE_VECTOR,
        fts=FTS_ARTICLES,
        weights=(5.0, 2.0, 1.0),
    )
    rows = t.articles if postgres else t.articles.join(FTS_ARTICLES, FTS_ARTICLES.c.rowid == a.id)
    query = select(
        literal_column("'article'").label("kind"),
        a.id,
        a.title,
        literal_column("''").label("snippet"),
        a.published_at.label("published"),
        a.url,
        a.source_name.label("source"),
        score.label("score"),
        article_event().label("event_id"),
    ).select_from(rows)
    return query.where(and_(a.duplicate_of.is_(None), matches, *filters))


def event_hits(
    clauses: tuple[Clause, ...], filters: list[ColumnElement[bool]], *, postgres: bool
) -> Select[Any]:
    e = t.events.c
    score, matches = text_match(
        clauses, postgres=postgres, pg_vector=PG_EVENT_VECTOR, fts=FTS_EVENTS, weights=(2.0, 1.0)
    )
    rows = t.events if postgres else t.events.join(FTS_EVENTS, FTS_EVENTS.c.rowid == e.id)
    query = select(
        literal_column("'event'").label("kind"),
        e.id,
        e.label.label("title"),
        literal_column("''").label("snippet"),
        e.last_seen.label("published"),
        null().label("url"),
        null().label("source"),
        score.label("score"),
        e.id.label("event_id"),
    ).select_from(rows)
    return query.where(and_(matches, *filters))


def english_tsquery(websearch: str) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(ENGLISH, websearch)


def pg_headlines(connection: Connection, rows: Any, websearch: str) -> dict[tuple[str, int], str]:
    """``ts_headline`` for the rows of one page only: it reads whole texts, so never for
    every match."""
    article_ids = [row["id"] for row in rows if row["kind"] == "article"]
    event_ids = [row["id"] for row in rows if row["kind"] == "event"]
    tsquery = english_tsquery(websearch)
    found: dict[tuple[str, int], str] = {}
    if article_ids:
        body: ColumnElement[Any] = literal_column("articles.summary || ' ' || articles.text")
        headline = func.ts_headline(ENGLISH, body, tsquery, PG_HEADLINE_OPTIONS)
        query = select(t.articles.c.id, headline).where(t.articles.c.id.in_(article_ids))
        found.update({("article", row[0]): row[1] for row in connection.execute(query)})
    if event_ids:
        headline = func.ts_headline(
            ENGLISH, literal_column(PG_EVENT_TEXT), tsquery, PG_HEADLINE_OPTIONS
        )
        query = select(t.events.c.id, headline).where(t.events.c.id.in_(event_ids))
        found.update({("event", row[0]): row[1] for row in connection.execute(query)})
    return found


def fts5_snippets(connection: Connection, rows: Any, expression: str) -> dict[tuple[str, int], str]:
    """FTS5 ``snippet()`` for the rows of one page only (SQLite would otherwise build one
    for every match before sorting)."""
    found: dict[tuple[str, int], str] = {}
    for kind, name in (("article", "search_articles"), ("event", "search_events")):
        ids = [row["id"] for row in rows if row["kind"] == kind]
        if not ids:
            continue
        fts: ColumnElement[Any] = literal_column(name)
        rowid: ColumnElement[int] = column("rowid")
        query = (
            select(rowid, func.snippet(fts, -1, MARK_START, MARK_END, "…", 30))
            .select_from(table(name))
            .where(fts.op("MATCH")(expression), rowid.in_(ids))
        )
        found.update({(kind, row[0]): row[1] for row in connection.execute(query)})
    return found
