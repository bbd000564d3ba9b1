"""What to defer next: polls of due sources, and a job for each step with pending work.

Every job ends by calling ``advance``, and the periodic tick (and ``newspulse run
--engine procrastinate``) calls ``tick``: so work flows on without a coordinator.  Each
step has one queueing lock, so at most one of its jobs waits in the queue; a job that
claimed a full batch defers its successor before working (``claimed``), so idle
workers take the next batch in parallel.  Clustering waits until fetch, enrichment and
routing are drained, then gets one job per vertical with pending articles (queueing
lock ``cluster:<vertical>``: verticals cluster in parallel, each on one worker);
briefings wait until everything is drained (see ``steps.UPSTREAM``).
"""

from __future__ import annotations

import datetime as dt
import logging

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.types import JSONValue, TimeDeltaParams

from newspulse.store.sql import SqlStore
from newspulse.workers.leases import utc_now
from newspulse.workers.steps import UPSTREAM, pending_steps

log = logging.getLogger(__name__)

NAMESPACE = "newspulse"
FAN_OUT = ("fetch", "language", "enrich", "route")


def task_name(step: str) -> str:
    return f"{NAMESPACE}.{step}"


def defer(
    app: App, task: str, arguments: dict[str, JSONValue], *, queueing_lock: str, after: float = 0.0
) -> bool:
    """Defer one job (to start ``after`` seconds from now) unless one with the same
    queueing lock already waits."""
    delay: TimeDeltaParams | None = {"milliseconds": round(after * 1000)} if after else None
    try:
        app.configure_task(task_name(task), queueing_lock=queueing_lock, schedule_in=delay).defer(
            **arguments
        )
    except AlreadyEnqueued:
        return False
    return True


def advance(app: App, store: SqlStore, *, now: str | None, lease: float) -> list[str]:
    """Defer a job for each step that has pending work and may run now; briefing jobs
    for every topic once nothing is pending.  Returns the jobs deferred."""
    waiting = pending_steps(store)
    deferred = []
    moment = utc_now()
    for step in FAN_OUT:
        if step not in waiting:
            continue
        if store.claimable(step, moment):
            if defer(app, step, {"now": now}, queueing_lock=step):
                deferred.append(step)
        elif defer(app, step, {"now": now}, queueing_lock=f"{step}:later", after=lease):
            # All of it is claimed: look again when a crashed worker's lease has lapsed.
            deferred.append(f"{step}:later")
    if "cluster" in waiting and not waiting & set(UPSTREAM["cluster"]):
        for vertical in store.pending_cluster_verticals():
            lock = f"cluster:{vertical}"
            if defer(app, "cluster", {"vertical": vertical, "now": now}, queueing_lock=lock):
                deferred.append(lock)
    if not waiting:
        for topic in store.list_topics():
            if defer(
                app, "write", {"topic": topic.slug, "now": now}, queueing_lock=f"write:{topic.slug}"
            ):
                deferred.append(f"write:{topic.slug}")
    return deferred


def claimed(
    app: App,
    step: str,
    count: int,
    *,
    batch: int,
    lease: float,
    now: str | None,
    vertical: str | None = None,
) -> None:
    """A job claimed ``count`` items of ``step`` (of one ``vertical``: clustering), and
    before it works on them:

    - a full batch: defer the next batch's job now, so an idle worker takes it;
    - in any case, a watchdog job after the lease (queueing lock ``<step>:later``): if
      this worker dies, its claims lapse and the watchdog takes the work up without
      waiting for the minute tick; if it finishes, the watchdog finds nothing and ends.
    """
    arguments: dict[str, JSONValue] = {"now": now}
    lock = step
    if vertical is not None:
        arguments["vertical"] = vertical
        lock = f"{step}:{vertical}"
    if count >= batch:
        defer(app, step, arguments, queueing_lock=lock)
    defer(app, step, arguments, queueing_lock=f"{lock}:later", after=1.5 * lease)


def tick(app: App, store: SqlStore, *, lease: float, now: dt.datetime | None = None) -> list[str]:
    """Defer a poll of every due source, then ``advance``; ``now`` pins the clock of the
    jobs (reproducible runs), None lets each job read its own."""
    moment = now or dt.datetime.now(dt.UTC)
    stamp = now.isoformat() if now is not None else None
    deferred = [
        f"poll:{source.id}"
        for source in store.due_sources(moment)
        if defer(
            app, "poll", {"source_id": source.id, "now": stamp}, queueing_lock=f"poll:{source.id}"
        )
    ]
    return deferred + advance(app, store, now=stamp, lease=lease)
