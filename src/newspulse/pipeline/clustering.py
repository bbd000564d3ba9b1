"""The cluster step: unclustered articles into events in arrival order, then the
merge/split pass over the events the batch touched.  A single writer per vertical:
each vertical's articles are compared with, and merged into, only that vertical's events
(``store.vertical_rows`` says which vertical an article is clustered in), so verticals
are independent and two can be clustered at once; within one vertical, batches run in
order in one process, one transaction each.  A batch is one vertical's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from newspulse.bounds import window_start
from newspulse.cluster.assign import cluster_batch
from newspulse.cluster.index import EventIndex
from newspulse.cluster.maintain import (
    EventMembers,
    MaintenancePlan,
    Member,
    Regroup,
    StoredEvent,
    plan_maintenance,
)
from newspulse.domain import CATCH_ALL_VERTICAL, Article, Vector
from newspulse.pipeline.ingest import BATCH_SIZE
from newspulse.pipeline.ports import ClusterPort
from newspulse.pipeline.understand import drain
from newspulse.settings import Settings


def cluster_claimed(
    store: ClusterPort,
    batch: Sequence[tuple[Article, Vector]],
    *,
    now: dt.datetime,
    settings: Settings,
    vertical: str = CATCH_ALL_VERTICAL,
) -> int:
    """Assign one claimed batch of ``vertical``'s articles to that vertical's events and
    run the maintenance pass over them, as one unit."""
    window = dt.timedelta(days=settings.cluster.window_days)
    # One stray old date must not load the whole history into the index: articles
    # more than two windows older than the batch's newest just start new events.
    newest = max(article.published_at for article, _ in batch)
    earliest = max(
        min(article.published_at for article, _ in batch), window_start(newest, 2 * window)
    )
    live = store.live_events(since=window_start(earliest, window), vertical=vertical)
    index = EventIndex(
        live,
        len(batch[0][1]),
        kind=settings.cluster.index,
        hnsw_min_events=settings.cluster.hnsw_min_events,
    )
    result = cluster_batch(batch, index, settings.cluster)
    # One transaction for both: a batch saved but never maintained (a crash between
    # the two) would leave groupings no rerun repairs, since the batch is no longer pending.
    with store.unit_of_work():
        touched = store.save_event_assignments(
            result.assignments,
            {article.id: article for article, _ in batch},
            result.new_events,
            list(result.changed_events.values()),
            now,
            vertical=vertical,
        )
        maintain_events(
            store,
            since=window_start(newest, window),
            focus=touched,
            settings=settings,
            now=now,
            vertical=vertical,
        )
    return len(batch)


def cluster_pending(
    store: ClusterPort, *, now: dt.datetime, settings: Settings, batch_size: int = BATCH_SIZE
) -> int:
    """Assign unclustered (routed) articles to events, vertical by vertical in slug order,
    each in arrival order, one batch per transaction."""
    done = 0
    for vertical in store.pending_cluster_verticals():
        done += cluster_vertical(store, vertical, now=now, settings=settings, batch_size=batch_size)
    return done


def cluster_vertical(
    store: ClusterPort, vertical: str, *, now: dt.datetime, settings: Settings, batch_size: int
) -> int:
    """Drain one vertical's pending articles in batches of ``batch_size``."""

    def claim(limit: int) -> list[tuple[Article, Vector]]:
        return store.pending_clustering(limit, vertical=vertical)

    def run(batch: Sequence[tuple[Article, Vector]]) -> int:
        return cluster_claimed(store, batch, now=now, settings=settings, vertical=vertical)

    return drain(claim, run, batch_size)


def maintain_events(
    store: ClusterPort,
    *,
    since: dt.datetime,
    focus: Collection[int],
    settings: Settings,
    now: dt.datetime,
    vertical: str = CATCH_ALL_VERTICAL,
) -> MaintenancePlan:
    """The merge/split pass of cluster/maintain.py after one batch, as `newspulse cluster`
    runs it: only events the batch touched can split or have converged with another, so
    events of other stories keep their members, and only ``vertical``'s events take part.

    Only the touched events' member vectors are loaded; the window's other events take
    part in merges through their stored size and centroid (issue 11, item 4)."""
    members = store.window_members(since, events=focus)
    events = [
        EventMembers(event_id, tuple(Member(a, vector, published) for a, vector, published in rows))
        for event_id, rows in members.items()
    ]
    stored = [
        StoredEvent(event_id, size, centroid)
        for event_id, size, centroid in store.window_summaries(
            since, exclude=members, vertical=vertical
        )
    ]
    plan = plan_maintenance(events, settings.cluster, focus=focus, summaries=stored)
    if plan.changed:
        vectors = {a: vector for rows in members.values() for a, vector, _ in rows}
        summary = {event.event_id: event for event in stored}
        whole = store.event_member_ids([e for r in plan.regroups for e in r.whole_events])
        store.apply_regroups(
            [
                (
                    regroup.event_id,
                    [*regroup.article_ids, *(a for e in regroup.whole_events for a in whole[e])],
                    regroup_centroid(regroup, vectors, summary),
                )
                for regroup in plan.regroups
            ],
            plan.retired,
            now,
            vertical=vertical,
        )
    return plan


def regroup_centroid(
    regroup: Regroup, vectors: Mapping[int, Vector], stored: Mapping[int, StoredEvent]
) -> Vector:
    """Mean member vector of a regrouped event: loaded members plus whole stored events."""
    parts = [vectors[a] for a in regroup.article_ids]
    parts += [stored[e].centroid * stored[e].size for e in regroup.whole_events]
    size = len(regroup.article_ids) + sum(stored[e].size for e in regroup.whole_events)
    mean: Vector = (np.sum(parts, axis=0) / size).astype(np.float32)
    return mean
