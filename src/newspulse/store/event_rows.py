"""Events and their members: the clustering window, assignments, per-topic summaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, func, insert, literal, select, update
from sqlalchemy.engine import Connection, RowMapping

from newspulse.domain import (
    Article,
    DateSource,
    EventAssignment,
    EventSummary,
    LiveEvent,
    Vector,
)
from newspulse.store import tables as t
from newspulse.store.base import as_utc
from newspulse.store.rows import StoreRows
from newspulse.store.vectors import blob_to_vector, vector_to_blob


class EventRows(StoreRows):
    # --- events ------------------------------------------------------------------------------

    def live_events(self, since: dt.datetime) -> list[LiveEvent]:
        """Events whose last article is not older than ``since``: the clustering window."""
        query = select(
            t.events.c.id,
            t.events.c.centroid,
            t.events.c.size,
            t.events.c.last_seen,
            t.events.c.key_facts,
        ).where(t.events.c.last_seen >= since)
        with self.engine.connect() as connection:
            return [
                LiveEvent(
                    id=row.id,
                    centroid=blob_to_vector(row.centroid),
                    size=row.size,
                    last_seen=as_utc(row.last_seen),
                    entities=frozenset((row.key_facts or {}).get("facts", [])),
                )
                for row in connection.execute(query)
            ]

    def window_members(
        self, since: dt.datetime
    ) -> dict[int, list[tuple[int, Vector, dt.datetime]]]:
        """(article id, vector, published) of every member of the events in the window."""
        query = (
            select(
                t.event_articles.c.event_id,
                t.articles.c.id,
                t.articles.c.embedding,
                t.articles.c.published_at,
            )
            .join(t.articles, t.articles.c.id == t.event_articles.c.article_id)
            .join(t.events, t.events.c.id == t.event_articles.c.event_id)
            .where(t.events.c.last_seen >= since, t.articles.c.embedding.is_not(None))
            .order_by(t.event_articles.c.event_id, t.articles.c.published_at, t.articles.c.id)
        )
        members: dict[int, list[tuple[int, Vector, dt.datetime]]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                members.setdefault(row.event_id, []).append(
                    (row.id, blob_to_vector(row.embedding), as_utc(row.published_at))
                )
        return members

    def apply_regroups(
        self,
        regroups: Sequence[tuple[int | None, Sequence[int], Vector]],
        retired: Sequence[int],
        now: dt.datetime,
    ) -> None:
        """Persist a maintenance plan in one transaction: move members, create split-off
        events, drop merged-away ones, recount what changed."""
        with self.engine.begin() as connection:
            touched: set[int] = set()
            for event_id, article_ids, centroid in regroups:
                if event_id is None:
                    label = connection.execute(
                        select(t.articles.c.title).where(t.articles.c.id == article_ids[0])
                    ).scalar_one()
                    event_id = connection.execute(
                        insert(t.events).values(
                            label=label,
                            first_seen=now,
                            last_seen=now,
                            centroid=vector_to_blob(centroid),
                            size=len(article_ids),
                            source_count=0,
                            salience=0.0,
                            key_facts={},
                            updated_at=now,
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
                else:
                    connection.execute(
                        update(t.events)
                        .where(t.events.c.id == event_id)
                        .values(centroid=vector_to_blob(centroid), updated_at=now)
                    )
                connection.execute(
                    update(t.event_articles)
                    .where(t.event_articles.c.article_id.in_(list(article_ids)))
                    .values(event_id=event_id)
                )
                touched.add(event_id)
            if retired:
                connection.execute(t.events.delete().where(t.events.c.id.in_(list(retired))))
            refresh_event_stats(connection, touched - set(retired))

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
                        key_facts={"facts": sorted(live.entities)},
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
                        key_facts={"facts": sorted(live.entities)},
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

    def topic_events(
        self, topic: str, since: dt.datetime, until: dt.datetime | None = None
    ) -> list[EventSummary]:
        """Events with at least one article routed to ``topic``, last seen after ``since``.

        With ``until``, articles published later are left out of each event, so a run
        with ``--now`` in the past never cites the future.
        """
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
                t.articles.c.published_at,
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
            .where(
                t.events.c.id.in_(in_topic),
                t.events.c.last_seen >= since,
                t.articles.c.published_at <= (until or dt.datetime.max.replace(tzinfo=dt.UTC)),
            )
            .order_by(t.events.c.id, t.articles.c.published_at, t.articles.c.id)
        )
        with self.engine.connect() as connection:
            return summarise_events(connection.execute(query).mappings())

    def reset_understanding(self) -> int:
        """Forget vectors, routing and events (not articles or briefing history), for a
        model change; returns how many articles need embedding again."""
        with self.engine.begin() as connection:
            connection.execute(t.event_articles.delete())
            connection.execute(t.events.delete())
            connection.execute(t.article_topics.delete())
            result = connection.execute(
                update(t.articles).values(
                    embedding=None, embedding_model=None, routed_at=None, clustered_at=None
                )
            )
            return int(result.rowcount)

    def unrouted_events(self, since: dt.datetime) -> list[EventSummary]:
        """Events of which no article belongs to any topic: material for new topics."""
        routed = select(t.event_articles.c.event_id).join(
            t.article_topics, t.article_topics.c.article_id == t.event_articles.c.article_id
        )
        query = (
            select(
                t.events,
                t.event_articles.c.article_id,
                t.articles.c.source_name,
                t.articles.c.date_source,
                t.articles.c.published_at,
                literal(None).label("score"),
            )
            .join(t.event_articles, t.event_articles.c.event_id == t.events.c.id)
            .join(t.articles, t.articles.c.id == t.event_articles.c.article_id)
            .where(t.events.c.id.not_in(routed), t.events.c.last_seen >= since)
            .order_by(t.events.c.id, t.articles.c.published_at, t.articles.c.id)
        )
        with self.engine.connect() as connection:
            return summarise_events(connection.execute(query).mappings())


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
                first_seen=min(as_utc(m["published_at"]) for m in members),
                last_seen=max(as_utc(m["published_at"]) for m in members),
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
