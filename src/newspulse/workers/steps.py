"""Each step's unit of work as one job runs it, over claimed items.

The work is the step list's own (``pipeline.steps``: each step's ``run`` on a batch,
``run_pending`` for clustering); only the claiming is new.  Fan-out steps (fetch,
language, enrich, route) claim a batch of items with a lease (fetch through its own
claim hook, the others here); clustering (one writer per vertical: a vertical's events
are assigned in arrival order, and no vertical's articles meet another's events) and
each topic's briefing versions hold a single-writer lease.  A step that claims nothing
returns 0, so extra or repeated jobs are harmless.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newspulse.enrich.embed import Embedder
from newspulse.pipeline import StepContext, TopicUpdate, step
from newspulse.route import TopicProfile
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from newspulse.workers.leases import heartbeat, single_writer, utc_now

# Told how many items a step claimed, before it works on them (a lease taken counts 1).
Hook = Callable[[int], None] | None

# What "nothing pending" means for each later step: the steps whose work comes first.
UPSTREAM = {
    # An article's vertical comes with its routing: clustering waits for it.
    "cluster": ("fetch", "enrich", "route"),
    "write": ("fetch", "language", "enrich", "route", "cluster"),
}


@dataclass(frozen=True, slots=True)
class Worker:
    """What a step needs of the process running it."""

    store: SqlStore
    settings: Settings
    name: str

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.settings.run.lease_seconds)

    @property
    def batch(self) -> int:
        return self.settings.run.batch_size

    def context(self, now: dt.datetime, **kwargs: Any) -> StepContext:
        """A step context of one job: this worker owns the claims its steps take."""
        return StepContext(self.store, self.settings, now, worker=self.name, **kwargs)


def pending_steps(store: SqlStore) -> set[str]:
    """The steps that have work waiting (claimed or not)."""
    waiting = {
        step
        for step, rows in (
            ("language", store.pending_language(1)),
            ("enrich", store.pending_enrichment(1)),
            ("route", store.pending_routing(1)),
            ("cluster", store.pending_clustering(1)),
        )
        if rows
    }
    if store.count_pending_fetches():
        waiting.add("fetch")
    return waiting


def waits_for_upstream(store: SqlStore, step: str) -> bool:
    """Whether ``step`` must wait: clustering assigns events in arrival order and a
    briefing describes settled events, so both run only on a drained pipeline, as the
    in-process run does (it finishes each step before the next)."""
    return bool(pending_steps(store) & set(UPSTREAM.get(step, ())))


def fetch_step(worker: Worker, *, on_claim: Hook = None) -> int:
    """Fetch, extract and ingest one claimed batch of pending fetches (the fetch step's
    claim hook takes them with a lease); the items run."""
    fetch = step("fetch")
    context = worker.context(utc_now())
    items = fetch.take(context, worker.batch)
    if not items:
        return 0
    if on_claim is not None:
        on_claim(len(items))
    return fetch.run(context, items)


def claim_batch(worker: Worker, name: str, on_claim: Hook) -> list[int]:
    """A batch of ``name``'s pending items under this worker's lease; ``on_claim`` hears how
    many (the job defers its successor before working)."""
    ids = worker.store.claim(
        name, worker=worker.name, limit=worker.batch, lease=worker.lease, now=utc_now()
    )
    if ids and on_claim is not None:
        on_claim(len(ids))
    return ids


def language_step(worker: Worker, *, on_claim: Hook = None) -> int:
    """Read the language of a claimed batch (copies too; only briefings use it)."""
    store = worker.store
    ids = claim_batch(worker, "language", on_claim)
    if not ids:
        return 0
    with heartbeat(store, "language", ids, worker=worker.name, lease=worker.lease):
        return step("language").run(worker.context(utc_now()), store.articles_to_read(ids))


def enrich_step(worker: Worker, embedder: Embedder, *, on_claim: Hook = None) -> int:
    enrich = step("enrich")
    context = worker.context(utc_now(), embedder_factory=lambda: embedder)
    if enrich.prepare is not None:  # vectors of another embedding model refuse the job
        enrich.prepare(context)
    store = worker.store
    ids = claim_batch(worker, "enrich", on_claim)
    if not ids:
        return 0
    with heartbeat(store, "enrich", ids, worker=worker.name, lease=worker.lease):
        return enrich.run(context, store.articles_to_enrich(ids))


def route_step(
    worker: Worker, profiles: list[TopicProfile], *, now: dt.datetime, on_claim: Hook = None
) -> int:
    store = worker.store
    ids = claim_batch(worker, "route", on_claim)
    if not ids:
        return 0
    with heartbeat(store, "route", ids, worker=worker.name, lease=worker.lease):
        context = worker.context(now, profiles=profiles)
        return step("route").run(context, store.articles_to_route(ids))


def cluster_step(
    worker: Worker, vertical: str | None = None, *, now: dt.datetime, on_claim: Hook = None
) -> int | None:
    """Cluster ``vertical``'s pending articles under that vertical's lease (None: each
    vertical with pending articles in turn); None when nothing ran because another
    worker holds the lease or routing is not drained yet (a later job takes over)."""
    if waits_for_upstream(worker.store, "cluster"):
        return None
    verticals = [vertical] if vertical is not None else worker.store.pending_cluster_verticals()
    done = [cluster_vertical(worker, v, now=now, on_claim=on_claim) for v in verticals]
    ran = [count for count in done if count is not None]
    return sum(ran) if ran or not done else None


def cluster_vertical(
    worker: Worker, vertical: str, *, now: dt.datetime, on_claim: Hook = None
) -> int | None:
    """Drain one vertical's clustering under its lease, in the in-process run's batches;
    None while another worker holds the lease."""
    store = worker.store
    with single_writer(
        store, "cluster", lease_key(vertical), worker=worker.name, lease=worker.lease
    ) as held:
        if not held:
            return None
        if on_claim is not None and store.pending_clustering(1, vertical=vertical):
            on_claim(1)  # real work under the lease: watch it
        return step("cluster").run_pending(worker.context(now, cluster_vertical=vertical))


def lease_key(name: str) -> int:
    """The single-writer key of a topic or a vertical: a stable 31-bit number of its
    slug.  Two names that share a key only share a lease: never less exclusion."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFF_FFFF


def write_step(
    worker: Worker,
    slug: str,
    *,
    now: dt.datetime,
    embedder: Embedder | None,
) -> TopicUpdate | None:
    """A new briefing version of ``slug`` if its events changed, under the topic's lease;
    None while the pipeline is not drained or another worker writes this topic."""
    store = worker.store
    if waits_for_upstream(store, "write"):
        return None
    topic = next((t for t in store.list_topics() if t.slug == slug), None)
    if topic is None:
        return None
    with single_writer(
        store, "write", lease_key(slug), worker=worker.name, lease=worker.lease
    ) as held:
        if not held:
            return None
        context = worker.context(now, facet_embedder=embedder)
        step("write").run(context, [topic])
        return context.updates[-1]
