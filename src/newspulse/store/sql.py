"""The store on SQLAlchemy Core: every operation a stage calls, one transaction per batch.

Stages never see SQL: they get and give the plain records of ``newspulse.domain``
and ``store.base``.  Methods named ``pending_*`` return the work a stage has
not done yet, so each stage is an idempotent unit of work over stored data and
a crashed run is finished by running it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, and_, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from newspulse.domain import (
    Article,
    Catalog,
    DateSource,
    Enrichment,
    EventAssignment,
    EventSummary,
    LiveEvent,
    Topic,
    TopicMatch,
    Vector,
    Vertical,
)
from newspulse.errors import StoreError
from newspulse.store import tables as t
from newspulse.store.base import NewArticle, StoredVersion, as_utc
from newspulse.store.engine import create_store_engine
from newspulse.store.migrate import upgrade_to_head
from newspulse.store.vectors import blob_to_vector, vector_to_blob


class SqlStore:
    """All persistence of NewsPulse behind plain-data methods."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> SqlStore:
        return cls(create_store_engine(url))

    def migrate(self) -> None:
        try:
            upgrade_to_head(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError("cannot create or upgrade the database", str(self.engine.url)) from exc

    def check_ready(self) -> None:
        """Fail clearly when the database was never initialised."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(func.count()).select_from(t.topics)).scalar_one()
        except OperationalError as exc:
            raise StoreError(
                "database is not initialised; run `newspulse init` first", str(self.engine.url)
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    # --- catalog -------------------------------------------------------------------------

    def save_catalog(self, catalog: Catalog) -> None:
        """Upsert verticals and topics; topics missing from the file become inactive."""
        with self.engine.begin() as connection:
            for vertical in catalog.verticals:
                upsert(
                    connection,
                    t.verticals,
                    {"slug": vertical.slug},
                    {"name": vertical.name, "description": vertical.description},
                )
            connection.execute(update(t.topics).values(active=False))
            for position, topic in enumerate(catalog.topics):
                values: dict[str, Any] = {
                    "vertical": topic.vertical,
                    "title": topic.title,
                    "tagline": topic.tagline,
                    "description": topic.description,
                    "include_terms": list(topic.include),
                    "exclude_terms": list(topic.exclude),
                    "threshold": topic.threshold,
                    "window_days": topic.window_days,
                    "position": position,
                    "active": True,
                }
                upsert(connection, t.topics, {"slug": topic.slug}, values)

    def list_verticals(self) -> list[Vertical]:
        with self.engine.connect() as connection:
            used = select(t.topics.c.vertical).where(t.topics.c.active.is_(True))
            rows = connection.execute(
                select(t.verticals).where(t.verticals.c.slug.in_(used)).order_by(t.verticals.c.slug)
            ).mappings()
            return [Vertical(r["slug"], r["name"], r["description"]) for r in rows]

    def list_topics(self) -> list[Topic]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(t.topics).where(t.topics.c.active.is_(True)).order_by(t.topics.c.position)
            ).mappings()
            return [topic_from_row(row) for row in rows]

    # --- sources and articles --------------------------------------------------------------

    def ensure_sources(
        self, names: Iterable[str], *, kind: str, now: dt.datetime
    ) -> dict[str, int]:
        """Source ids by name, creating missing ones (corpus sources are keyed by host name)."""
        wanted = sorted(set(names))
        with self.engine.begin() as connection:
            found = {
                row.name: row.id
                for row in connection.execute(
                    select(t.sources.c.id, t.sources.c.name).where(t.sources.c.name.in_(wanted))
                )
            }
            for name in wanted:
                if name not in found:
                    found[name] = connection.execute(
                        insert(t.sources).values(
                            url=f"{kind}:{name}",
                            kind=kind,
                            name=name,
                            vertical_hints=[],
                            consecutive_errors=0,
                            items_seen=0,
                            created_at=now,
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
        return found

    def find_exact(
        self, canonical_urls: Sequence[str], content_hashes: Sequence[str]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Existing article ids by canonical URL and by content hash (originals only)."""
        with self.engine.connect() as connection:
            by_url = {
                row.canonical_url: row.id
                for row in connection.execute(
                    select(t.articles.c.id, t.articles.c.canonical_url).where(
                        t.articles.c.canonical_url.in_(list(canonical_urls))
                    )
                )
            }
            by_hash = {
                row.content_hash: row.id
                for row in connection.execute(
                    select(t.articles.c.id, t.articles.c.content_hash).where(
                        t.articles.c.content_hash.in_(list(content_hashes)),
                        t.articles.c.duplicate_of.is_(None),
                    )
                )
            }
        return by_url, by_hash

    def insert_articles(self, batch: Sequence[NewArticle], source_ids: dict[str, int]) -> list[int]:
        """Insert one batch of accepted articles in one transaction; returns their ids."""
        ids: list[int] = []
        originals: dict[str, int] = {}
        with self.engine.begin() as connection:
            for item in sorted(batch, key=lambda new: new.duplicate_of_hash is not None):
                entry = item.dated.entry
                duplicate_of = None
                if item.duplicate_of_hash is not None:
                    duplicate_of = originals.get(item.duplicate_of_hash) or original_by_hash(
                        connection, item.duplicate_of_hash
                    )
                ids.append(
                    connection.execute(
                        insert(t.articles).values(
                            uid=item.uid,
                            url=entry.url,
                            canonical_url=item.dated.canonical_url,
                            source_id=source_ids.get(entry.source),
                            source_name=entry.source,
                            title=entry.title,
                            title_derived=entry.title_derived,
                            author=entry.author,
                            language=entry.language,
                            summary=entry.summary,
                            text=entry.text,
                            published_at=item.dated.published_at,
                            date_source=item.dated.date_source.value,
                            fetched_at=item.dated.fetched_at,
                            content_hash=item.content_hash,
                            duplicate_of=duplicate_of,
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
                )
                if duplicate_of is None:
                    originals.setdefault(item.content_hash, ids[-1])
            counts: dict[int, int] = {}
            for item in batch:
                source_id = source_ids.get(item.dated.entry.source)
                if source_id is not None:
                    counts[source_id] = counts.get(source_id, 0) + 1
            for source_id, count in counts.items():
                connection.execute(
                    update(t.sources)
                    .where(t.sources.c.id == source_id)
                    .values(items_seen=t.sources.c.items_seen + count)
                )
        return ids

    def pending_enrichment(self, limit: int) -> list[Article]:
        query = (
            article_select()
            .where(t.articles.c.embedding.is_(None), t.articles.c.duplicate_of.is_(None))
            .order_by(t.articles.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [article_from_row(row) for row in connection.execute(query).mappings()]

    def save_enrichments(self, enrichments: Sequence[Enrichment]) -> None:
        with self.engine.begin() as connection:
            for item in enrichments:
                connection.execute(
                    update(t.articles)
                    .where(t.articles.c.id == item.article_id)
                    .values(
                        embedding=vector_to_blob(item.embedding),
                        embedding_model=item.model,
                        entities=list(item.entities),
                        figures=[
                            {"kind": f.kind, "value": f.value, "unit": f.unit, "text": f.text}
                            for f in item.figures
                        ],
                    )
                )

    def pending_routing(self, limit: int) -> list[tuple[Article, Vector]]:
        return self._with_vectors(t.articles.c.routed_at.is_(None), limit)

    def save_topic_matches(
        self, article_ids: Sequence[int], matches: Sequence[TopicMatch], now: dt.datetime
    ) -> None:
        """Replace the routing of ``article_ids`` (idempotent on rerun)."""
        with self.engine.begin() as connection:
            connection.execute(
                t.article_topics.delete().where(t.article_topics.c.article_id.in_(article_ids))
            )
            for match in matches:
                connection.execute(
                    insert(t.article_topics).values(
                        article_id=match.article_id,
                        topic=match.topic,
                        score=match.score,
                        similarity=match.similarity,
                        matched_terms=list(match.matched_terms),
                    )
                )
            connection.execute(
                update(t.articles).where(t.articles.c.id.in_(article_ids)).values(routed_at=now)
            )

    def pending_clustering(self, limit: int) -> list[tuple[Article, Vector]]:
        """Enriched articles not yet in an event, oldest first (arrival order)."""
        return self._with_vectors(t.articles.c.clustered_at.is_(None), limit)

    def _with_vectors(self, condition: Any, limit: int) -> list[tuple[Article, Vector]]:
        query = (
            article_select()
            .add_columns(t.articles.c.embedding)
            .where(
                condition,
                t.articles.c.embedding.is_not(None),
                t.articles.c.duplicate_of.is_(None),
            )
            .order_by(t.articles.c.published_at, t.articles.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                (article_from_row(row), blob_to_vector(row["embedding"]))
                for row in connection.execute(query).mappings()
            ]

    def articles_by_ids(self, ids: Iterable[int]) -> dict[int, Article]:
        wanted = sorted(set(ids))
        found: dict[int, Article] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = article_select().where(t.articles.c.id.in_(chunk))
                for row in connection.execute(query).mappings():
                    found[row["id"]] = article_from_row(row)
        return found

    def article_figures(self, ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        wanted = sorted(set(ids))
        with self.engine.connect() as connection:
            query = select(t.articles.c.id, t.articles.c.figures).where(t.articles.c.id.in_(wanted))
            return {row.id: list(row.figures or []) for row in connection.execute(query)}

    # --- events ------------------------------------------------------------------------------

    def live_events(self, since: dt.datetime) -> list[LiveEvent]:
        """Events whose last article is not older than ``since``: the clustering window."""
        query = select(
            t.events.c.id, t.events.c.centroid, t.events.c.size, t.events.c.last_seen
        ).where(t.events.c.last_seen >= since)
        with self.engine.connect() as connection:
            return [
                LiveEvent(
                    id=row.id,
                    centroid=blob_to_vector(row.centroid),
                    size=row.size,
                    last_seen=as_utc(row.last_seen),
                )
                for row in connection.execute(query)
            ]

    def save_event_assignments(
        self,
        assignments: Sequence[EventAssignment],
        articles: dict[int, Article],
        new_events: dict[int, LiveEvent],
        changed_events: Sequence[LiveEvent],
        now: dt.datetime,
    ) -> None:
        """Persist one clustering batch atomically.

        ``new_events`` maps the placeholder (negative) ids used during the batch to the
        events to create; assignments that name a placeholder are rewritten to the new id.
        """
        with self.engine.begin() as connection:
            real_ids: dict[int, int] = {}
            for placeholder, live in sorted(new_events.items(), reverse=True):
                first = min(
                    articles[a.article_id].published_at
                    for a in assignments
                    if a.event_id == placeholder
                )
                label = next(
                    articles[a.article_id].title for a in assignments if a.event_id == placeholder
                )
                real_ids[placeholder] = connection.execute(
                    insert(t.events).values(
                        label=label,
                        first_seen=first,
                        last_seen=live.last_seen,
                        centroid=vector_to_blob(live.centroid),
                        size=live.size,
                        source_count=0,
                        salience=0.0,
                        key_facts={},
                        updated_at=now,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            for live in changed_events:
                connection.execute(
                    update(t.events)
                    .where(t.events.c.id == live.id)
                    .values(
                        centroid=vector_to_blob(live.centroid),
                        size=live.size,
                        last_seen=live.last_seen,
                        updated_at=now,
                    )
                )
            touched: set[int] = set()
            for assignment in assignments:
                assert assignment.event_id is not None
                event_id = real_ids.get(assignment.event_id, assignment.event_id)
                touched.add(event_id)
                connection.execute(
                    insert(t.event_articles).values(
                        article_id=assignment.article_id,
                        event_id=event_id,
                        similarity=assignment.similarity,
                        assigned_at=now,
                    )
                )
            ids = [a.article_id for a in assignments]
            connection.execute(
                update(t.articles).where(t.articles.c.id.in_(ids)).values(clustered_at=now)
            )
            refresh_event_stats(connection, touched)

    def topic_events(self, topic: str, since: dt.datetime) -> list[EventSummary]:
        """Events with at least one article routed to ``topic``, last seen after ``since``."""
        in_topic = (
            select(t.event_articles.c.event_id)
            .join(t.article_topics, t.article_topics.c.article_id == t.event_articles.c.article_id)
            .where(t.article_topics.c.topic == topic)
        )
        query = (
            select(
                t.events,
                t.event_articles.c.article_id,
                t.articles.c.source_name,
                t.articles.c.date_source,
                t.article_topics.c.score,
            )
            .join(t.event_articles, t.event_articles.c.event_id == t.events.c.id)
            .join(t.articles, t.articles.c.id == t.event_articles.c.article_id)
            .outerjoin(
                t.article_topics,
                and_(
                    t.article_topics.c.article_id == t.articles.c.id,
                    t.article_topics.c.topic == topic,
                ),
            )
            .where(t.events.c.id.in_(in_topic), t.events.c.last_seen >= since)
            .order_by(t.events.c.id, t.articles.c.published_at, t.articles.c.id)
        )
        with self.engine.connect() as connection:
            return summarise_events(connection.execute(query).mappings())

    def save_salience(self, salience: dict[int, float]) -> None:
        with self.engine.begin() as connection:
            for event_id, value in salience.items():
                connection.execute(
                    update(t.events).where(t.events.c.id == event_id).values(salience=value)
                )

    # --- briefings ---------------------------------------------------------------------------

    def latest_version(self, topic: str) -> StoredVersion | None:
        query = (
            select(t.briefing_versions)
            .where(t.briefing_versions.c.topic == topic)
            .order_by(t.briefing_versions.c.version.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return StoredVersion(
            id=row["id"],
            topic=row["topic"],
            version=row["version"],
            created_at=as_utc(row["created_at"]),
            fingerprint=row["fingerprint"],
            document=dict(row["document"]),
        )

    def latest_briefing(self, topic_slug: str) -> dict[str, Any] | None:
        version = self.latest_version(topic_slug)
        return version.document if version else None

    def save_version(
        self,
        *,
        topic: str,
        document: dict[str, Any],
        fingerprint: str,
        settings: dict[str, Any],
        input_article_ids: Sequence[int],
        diff: dict[str, Any],
        citations: Sequence[tuple[str, int, str, float]],
        created_at: dt.datetime,
    ) -> int:
        """Store a new version with its citations in one transaction; returns its number."""
        with self.engine.begin() as connection:
            current = connection.execute(
                select(func.max(t.briefing_versions.c.version)).where(
                    t.briefing_versions.c.topic == topic
                )
            ).scalar_one()
            number = (current or 0) + 1
            document = {**document, "version": number}
            version_id = connection.execute(
                insert(t.briefing_versions).values(
                    topic=topic,
                    version=number,
                    created_at=created_at,
                    headline=document["headline"],
                    document=document,
                    fingerprint=fingerprint,
                    writer=document.get("writer", "extractive"),
                    model=None,
                    settings=settings,
                    input_article_ids=list(input_article_ids),
                    diff=diff,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            for path, article_id, passage, score in citations:
                connection.execute(
                    insert(t.citations).values(
                        version_id=version_id,
                        statement_path=path,
                        article_id=article_id,
                        passage=passage,
                        support_score=score,
                    )
                )
        return number

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status output and tests."""
        names = ("articles", "events", "article_topics", "briefing_versions", "citations")
        with self.engine.connect() as connection:
            return {
                name: connection.execute(
                    select(func.count()).select_from(t.metadata.tables[name])
                ).scalar_one()
                for name in names
            }


def upsert(connection: Connection, table: Any, key: dict[str, Any], values: dict[str, Any]) -> None:
    """Portable insert-or-update on a primary key (small catalog tables only)."""
    condition = and_(*(table.c[name] == value for name, value in key.items()))
    exists = connection.execute(select(func.count()).select_from(table).where(condition))
    if exists.scalar_one():
        connection.execute(update(table).where(condition).values(**values))
    else:
        connection.execute(insert(table).values(**key, **values))


def original_by_hash(connection: Connection, content_hash: str) -> int | None:
    query = select(t.articles.c.id).where(
        t.articles.c.content_hash == content_hash, t.articles.c.duplicate_of.is_(None)
    )
    found: int | None = connection.execute(query.order_by(t.articles.c.id).limit(1)).scalar()
    return found


def topic_from_row(row: RowMapping) -> Topic:
    return Topic(
        slug=row["slug"],
        vertical=row["vertical"],
        title=row["title"],
        tagline=row["tagline"],
        description=row["description"],
        include=tuple(row["include_terms"]),
        exclude=tuple(row["exclude_terms"]),
        threshold=row["threshold"],
        window_days=row["window_days"],
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
    )


def refresh_event_stats(connection: Connection, event_ids: Iterable[int]) -> None:
    """Recount members and distinct sources of the touched events only."""
    for event_id in event_ids:
        row = connection.execute(
            select(
                func.count(),
                func.count(func.distinct(t.articles.c.source_name)),
                func.min(t.articles.c.published_at),
                func.max(t.articles.c.published_at),
            )
            .select_from(t.event_articles)
            .join(t.articles, t.articles.c.id == t.event_articles.c.article_id)
            .where(t.event_articles.c.event_id == event_id)
        ).one()
        connection.execute(
            update(t.events)
            .where(t.events.c.id == event_id)
            .values(size=row[0], source_count=row[1], first_seen=row[2], last_seen=row[3])
        )


def summarise_events(rows: Iterable[RowMapping]) -> list[EventSummary]:
    grouped: dict[int, list[RowMapping]] = {}
    for row in rows:
        grouped.setdefault(row["id"], []).append(row)
    summaries = []
    for event_id, members in grouped.items():
        head = members[0]
        scores = [m["score"] for m in members if m["score"] is not None]
        share = len(scores) / len(members)
        summaries.append(
            EventSummary(
                id=event_id,
                label=head["label"],
                first_seen=as_utc(head["first_seen"]),
                last_seen=as_utc(head["last_seen"]),
                article_ids=tuple(m["article_id"] for m in members),
                sources=tuple(m["source_name"] for m in members),
                centroid=blob_to_vector(head["centroid"]),
                topic_fit=(sum(scores) / len(scores)) * share if scores else 0.0,
                topic_share=share,
                salience=head["salience"],
                has_known_date=any(m["date_source"] == DateSource.FEED.value for m in members),
            )
        )
    return summaries
