"""Events and their members: the clustering window, assignments, per-topic summaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Unpack

from sqlalchemy import case, func, insert, select, update
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
from newspulse.store.article_records import article_ref_from_row, article_ref_select
from newspulse.store.base import EventDetail, EventFilters, as_utc
from newspulse.store.event_records import member_rows, summarise_events
from newspulse.store.filters import event_filters
from newspulse.store.rows import StoreRows
from newspulse.store.vectors import blob_to_vector, vector_to_blob
from newspulse.store.vertical_rows import CATCH_ALL
from newspulse.text.event_titles import TEXT_CHARS, TITLE_MEMBERS, TitleSource, event_title

# Event ids per ``IN (...)`` list: well under SQLite's bound-parameter limit.
ID_CHUNK = 5_000


class EventRows(StoreRows):
    # --- events ------------------------------------------------------------------------------

    def live_events(self, since: dt.datetime, vertical: str | None = None) -> list[LiveEvent]:
        """Events whose last article is not older than ``since``: the clustering window
        (of ``vertical``'s events only, when given)."""
        query = select(
            t.events.c.id,
            t.events.c.centroid,
            t.events.c.size,
            t.events.c.last_seen,
            t.events.c.key_facts,
        ).where(t.events.c.last_seen >= since)
        if vertical is not None:
            query = query.where(t.events.c.vertical == vertical)
        with self.reading() as connection:
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
        self, since: dt.datetime, events: Collection[int] | None = None
    ) -> dict[int, list[tuple[int, Vector, dt.datetime]]]:
        """(article id, vector, published) of every member of the events in the window
        (only of ``events`` among them when given)."""
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
        if events is not None:
            query = query.where(t.event_articles.c.event_id.in_(sorted(events)))
        members: dict[int, list[tuple[int, Vector, dt.datetime]]] = {}
        with self.reading() as connection:
            for row in connection.execute(query):
                members.setdefault(row.event_id, []).append(
                    (row.id, blob_to_vector(row.embedding), as_utc(row.published_at))
                )
        return members

    def window_summaries(
        self, since: dt.datetime, exclude: Collection[int] = (), vertical: str | None = None
    ) -> list[tuple[int, int, Vector]]:
        """(event id, size, centroid) of the events in the window (``vertical``'s only,
        when given), ``exclude`` left out."""
        query = select(t.events.c.id, t.events.c.size, t.events.c.centroid).where(
            t.events.c.last_seen >= since
        )
        if vertical is not None:
            query = query.where(t.events.c.vertical == vertical)
        skipped = set(exclude)
        # Sorted here: ``ORDER BY id`` in the query makes SQLite scan every event ever made.
        with self.reading() as connection:
            rows = sorted(
                (row.id, row.size, row.centroid)
                for row in connection.execute(query)
                if row.id not in skipped
            )
        return [(event_id, size, blob_to_vector(blob)) for event_id, size, blob in rows]

    def event_member_ids(self, event_ids: Collection[int]) -> dict[int, list[int]]:
        """Article ids of each event's members, in id order."""
        query = (
            select(t.event_articles.c.event_id, t.event_articles.c.article_id)
            .where(t.event_articles.c.event_id.in_(sorted(event_ids)))
            .order_by(t.event_articles.c.event_id, t.event_articles.c.article_id)
        )
        members: dict[int, list[int]] = {event_id: [] for event_id in event_ids}
        with self.reading() as connection:
            for event_id, article_id in connection.execute(query):
                members[event_id].append(article_id)
        return members

    def apply_regroups(
        self,
        regroups: Sequence[tuple[int | None, Sequence[int], Vector]],
        retired: Sequence[int],
        now: dt.datetime,
        vertical: str = CATCH_ALL,
    ) -> None:
        """Persist a maintenance plan in one transaction: move members, create split-off
        events (in ``vertical``), drop merged-away ones, recount what changed."""
        with self.transaction() as connection:
            members_of_retired = connection.execute(
                select(t.event_articles.c.event_id, t.event_articles.c.article_id).where(
                    t.event_articles.c.event_id.in_(list(retired))
                )
            ).all()
            touched: set[int] = set()
            target_of: dict[int, int] = {}
            for event_id, article_ids, centroid in regroups:
                if event_id is None:
                    label = connection.execute(
                        select(t.articles.c.title).where(t.articles.c.id == article_ids[0])
                    ).scalar_one()
                    event_id = connection.execute(
                        insert(t.events).values(
                            **fresh_event_id(connection),
                            label=label,
                            first_seen=now,
                            last_seen=now,
                            centroid=vector_to_blob(centroid),
                            size=len(article_ids),
                            source_count=0,
                            salience=0.0,
                            key_facts={},
                            updated_at=now,
                            vertical=vertical,
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
                target_of.update(dict.fromkeys(article_ids, event_id))
            if retired:
                connection.execute(t.events.delete().where(t.events.c.id.in_(list(retired))))
                save_redirects(connection, members_of_retired, target_of, now)
            refresh_event_stats(connection, touched - set(retired))

    def save_event_assignments(
        self,
        assignments: Sequence[EventAssignment],
        articles: dict[int, Article],
        new_events: dict[int, LiveEvent],
        changed_events: Sequence[LiveEvent],
        now: dt.datetime,
        vertical: str = CATCH_ALL,
    ) -> set[int]:
        """Persist one clustering batch atomically; the ids of the events it touched.
        New events belong to ``vertical`` (the batch's: one vertical per batch).

        ``new_events`` maps the placeholder (negative) ids used during the batch to the
        events to create; assignments that name a placeholder are rewritten to the new id.
        """
        with self.transaction() as connection:
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
                        **fresh_event_id(connection),
                        label=label,
                        first_seen=first,
                        last_seen=live.last_seen,
                        centroid=vector_to_blob(live.centroid),
                        size=live.size,
                        source_count=0,
                        salience=0.0,
                        key_facts={"facts": sorted(live.entities)},
                        updated_at=now,
                        vertical=vertical,
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
        return touched

    def topic_events(
        self, topic: str, since: dt.datetime, until: dt.datetime | None = None
    ) -> list[EventSummary]:
        """Events with at least one article routed to ``topic``, last seen after ``since``.

        With ``until``, articles published later are left out of each event, so a run
        with ``--now`` in the past never cites the future.
        """
        # The window's events first (by last_seen), then their members: one query with both
        # would let the planner walk every article published before ``until``, i.e. the
        # whole history (bench/bench_store_growth.py).
        candidates = select(t.events.c.id).where(*event_filters(topic, since, None))
        latest = until or dt.datetime.max.replace(tzinfo=dt.UTC)
        rows: list[RowMapping] = []
        with self.reading() as connection:
            ids = sorted(connection.execute(candidates).scalars())
            for start in range(0, len(ids), ID_CHUNK):
                query = member_rows(topic).where(
                    t.events.c.id.in_(ids[start : start + ID_CHUNK]),
                    t.articles.c.published_at <= latest,
                )
                rows += connection.execute(query).mappings()
        return summarise_events(rows)

    def reset_understanding(self) -> int:
        """Forget vectors, routing and events (not articles or briefing history), for a
        model change; returns how many articles need embedding again."""
        with self.transaction() as connection:
            connection.execute(t.event_articles.delete())
            connection.execute(t.events.delete())
            connection.execute(t.event_redirects.delete())
            connection.execute(t.article_topics.delete())
            result = connection.execute(
                update(t.articles).values(
                    embedding=None,
                    embedding_model=None,
                    routed_at=None,
                    cluster_vertical=None,
                    clustered_at=None,
                )
            )
            return int(result.rowcount)

    def unrouted_events(self, since: dt.datetime) -> list[EventSummary]:
        """Events of which no article belongs to any topic: material for new topics."""
        routed = (
            select(t.event_articles.c.event_id)
            .join(t.article_topics, t.article_topics.c.article_id == t.event_articles.c.article_id)
            .where(t.event_articles.c.event_id == t.events.c.id)
        )
        query = member_rows(None).where(~routed.exists(), t.events.c.last_seen >= since)
        with self.reading() as connection:
            return summarise_events(connection.execute(query).mappings())

    # --- reading (pages, API) ----------------------------------------------------------------

    def event_successor(self, event_id: int) -> int | None:
        """The live event a merged-away ``event_id`` now lives on in, or None (unknown,
        expired, or still live itself)."""
        seen = {event_id}
        current = event_id
        with self.reading() as connection:
            while True:
                following = connection.execute(
                    select(t.event_redirects.c.new_id).where(t.event_redirects.c.old_id == current)
                ).scalar()
                if following is None or following in seen:
                    return None
                exists = connection.execute(
                    select(t.events.c.id).where(t.events.c.id == following)
                ).scalar()
                if exists is not None:
                    return int(following)
                seen.add(following)
                current = following

    def get_event(self, event_id: int) -> EventDetail | None:
        """An event with all its articles, syndicated copies included, oldest first."""
        with self.reading() as connection:
            head = (
                connection.execute(select(t.events).where(t.events.c.id == event_id))
                .mappings()
                .first()
            )
            if head is None:
                return None
            articles = connection.execute(
                article_ref_select()
                .where(t.event_articles.c.event_id == event_id)
                .order_by(t.articles.c.published_at, t.articles.c.id)
            ).mappings()
            refs = tuple(article_ref_from_row(row) for row in articles)
            topics = connection.execute(
                select(t.article_topics.c.topic)
                .join(
                    t.event_articles,
                    t.event_articles.c.article_id == t.article_topics.c.article_id,
                )
                .where(t.event_articles.c.event_id == event_id)
                .distinct()
                .order_by(t.article_topics.c.topic)
            ).scalars()
            topic_slugs = tuple(topics)
        return EventDetail(
            id=head["id"],
            label=head["label"],
            facts=tuple((head["key_facts"] or {}).get("facts", [])),
            first_seen=as_utc(head["first_seen"]),
            last_seen=as_utc(head["last_seen"]),
            articles=refs,
            topics=topic_slugs,
        )

    def list_events(
        self, *, limit: int = 50, offset: int = 0, **filters: Unpack[EventFilters]
    ) -> list[EventSummary]:
        """Events, most recently active first; ``since``/``until`` keep those overlapping."""
        e = t.events.c
        topic = filters.get("topic")
        page = (
            select(e.id)
            .where(*event_filters(topic, filters.get("since"), filters.get("until")))
            .order_by(e.last_seen.desc(), e.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.reading() as connection:
            ids = list(connection.execute(page).scalars())
            if not ids:
                return []
            query = member_rows(topic).where(t.events.c.id.in_(ids))
            summaries = summarise_events(connection.execute(query).mappings())
        position = {event_id: index for index, event_id in enumerate(ids)}
        return sorted(summaries, key=lambda summary: position[summary.id])

    def count_events(self, **filters: Unpack[EventFilters]) -> int:
        conditions = event_filters(filters.get("topic"), filters.get("since"), filters.get("until"))
        query = select(func.count()).select_from(t.events).where(*conditions)
        with self.reading() as connection:
            return int(connection.execute(query).scalar_one())


def fresh_event_id(connection: Connection) -> dict[str, int]:
    """An explicit id for a new event on SQLite, which would otherwise hand out again the id
    of the newest event after it was merged away; old versions and redirects name events
    by id, so an id must never come back.  PostgreSQL's sequence never reuses one."""
    if connection.dialect.name != "sqlite":
        return {}
    highest = connection.execute(
        select(
            select(func.max(t.events.c.id)).scalar_subquery(),
            select(func.max(t.event_redirects.c.old_id)).scalar_subquery(),
        )
    ).one()
    return {"id": max(value or 0 for value in highest) + 1}


def save_redirects(
    connection: Connection,
    members_of_retired: Sequence[tuple[int, int]],
    target_of: dict[int, int],
    now: dt.datetime,
) -> None:
    """Point each retired event at the event that received most of its articles."""
    votes: dict[int, dict[int, int]] = {}
    for old_id, article_id in members_of_retired:
        new_id = target_of.get(article_id)
        if new_id is not None and new_id != old_id:
            counts = votes.setdefault(old_id, {})
            counts[new_id] = counts.get(new_id, 0) + 1
    for old_id, counts in votes.items():
        new_id = max(counts, key=lambda candidate: (counts[candidate], -candidate))
        connection.execute(t.event_redirects.delete().where(t.event_redirects.c.old_id == old_id))
        connection.execute(
            insert(t.event_redirects).values(old_id=old_id, new_id=new_id, created_at=now)
        )


def refresh_event_stats(connection: Connection, event_ids: Iterable[int]) -> None:
    """Recount members and distinct sources of the touched events only, and label each by
    its title (``text.event_titles``, from its first ``TITLE_MEMBERS`` members).
    ``first_seen`` and ``last_seen`` come from the members whose date a feed or the text
    stated (all members when none did), as the event summaries read them
    (``event_records.summarise_events``): an undated article must not keep a weeks-old
    story in the clustering window or list it as today's."""
    published = t.articles.c.published_at
    dated = case((t.articles.c.date_source != DateSource.FETCH_TIME.value, published))
    for event_id in event_ids:
        titles = connection.execute(
            select(
                t.articles.c.title,
                t.articles.c.title_derived,
                func.substr(t.articles.c.text, 1, TEXT_CHARS),
            )
            .select_from(t.event_articles)
            .join(t.articles, t.articles.c.id == t.event_articles.c.article_id)
            .where(t.event_articles.c.event_id == event_id)
            .order_by(t.articles.c.id)
            .limit(TITLE_MEMBERS)
        ).all()
        row = connection.execute(
            select(
                func.count(),
                func.count(func.distinct(t.articles.c.source_name)),
                func.coalesce(func.min(dated), func.min(published)),
                func.coalesce(func.max(dated), func.max(published)),
            )
            .select_from(t.event_articles)
            .join(t.articles, t.articles.c.id == t.event_articles.c.article_id)
            .where(t.event_articles.c.event_id == event_id)
        ).one()
        connection.execute(
            update(t.events)
            .where(t.events.c.id == event_id)
            .values(
                size=row[0],
                source_count=row[1],
                first_seen=row[2],
                last_seen=row[3],
                **label_values(
                    [
                        TitleSource(title, bool(derived), text or "")
                        for title, derived, text in titles
                    ]
                ),
            )
        )


def label_values(members: list[TitleSource]) -> dict[str, str]:
    """The ``label`` column's new value, or nothing when no member has a title."""
    label = event_title(members)
    return {"label": label} if label else {}
