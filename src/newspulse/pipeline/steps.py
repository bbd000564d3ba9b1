"""The one list of steps: each declared once, in order, as data.

A step is a name, how it finds its pending work (``claim``: up to ``limit`` units,
from the store through its port; None for a step fed by the step before it), what
it runs on one batch (``run``: returns the units it ran), whether it needs a single
writer, and its batch size.  ``run_batch`` is one unit of work on its own (what a
job on a worker would call); ``run_pending`` drains a step.  Replay, the poll cycle,
``newspulse run``, ``update``, ``reembed`` and the evaluation are runs over slices of
``STEPS`` (``pipeline.runs``); nothing else writes the order down.  ``language`` is
the enrich stage's language pass, a step of its own since it covers copies too,
which are never embedded.

Every ``run`` is idempotent over stored data: it records that it did its part in the
same transaction, so a batch run twice (a crash, a retried job) changes nothing more.
The fetch step claims its items with a lease (``store.claim``: a crashed run's claims
return to the pool); the other claims are the plain ``pending_*`` queries, and a worker
(``newspulse.workers``) claims those units with leases itself before it runs a step.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from newspulse.domain import Article, Entry, Topic, Vector
from newspulse.errors import NewsPulseError
from newspulse.pipeline.briefings import topics_in_scope, update_topic
from newspulse.pipeline.clustering import cluster_claimed
from newspulse.pipeline.context import StepContext
from newspulse.pipeline.fetch import fetch_claimed
from newspulse.pipeline.ingest import BATCH_SIZE, ingest_entries
from newspulse.pipeline.poll import create_fetcher, page_budget, poll_sources
from newspulse.pipeline.understand import (
    check_embedding_model,
    enrich_batch,
    language_batch,
    route_batch,
    store_profiles,
)
from newspulse.records import PendingFetch, SourceRecord
from newspulse.write.writers import Writer, create_writer

Claim = Callable[[StepContext, int], Sequence[Any]]
Run = Callable[[StepContext, Sequence[Any]], int]

# Due sources one poll claims: all of them, as one fetch with one shared page budget.
POLL_BATCH = 10_000


class StepError(NewsPulseError):
    """A step was asked for something it cannot do (an unknown name, a claim it has none of)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step, as data.  ``claim(context, limit)`` returns up to ``limit`` units of
    pending work (articles, sources, topics); ``run(context, batch)`` does the step's part
    on them in its own transaction(s) and returns how many units it ran; ``single_writer``
    says whether two processes may run the step at once."""

    name: str
    run: Run
    claim: Claim | None
    single_writer: bool
    batch_size: int
    # Once per run (and per ``run_batch``) before the first claim: a check that refuses
    # the whole run, e.g. vectors of another embedding model in the store.
    prepare: Callable[[StepContext], None] | None = None

    @property
    def fed(self) -> bool:
        """Whether the step's input is handed over by the step before it, not claimed."""
        return self.claim is None

    def take(self, context: StepContext, limit: int) -> Sequence[Any]:
        """Up to ``limit`` units of pending work (the claim hook)."""
        if self.claim is None:
            raise StepError("this step is fed by the step before it; it claims nothing", self.name)
        return self.claim(context, limit)

    def run_batch(self, context: StepContext, limit: int | None = None) -> int:
        """Claim one batch and run it: the step's unit of work; 0 when nothing was pending."""
        if self.prepare is not None:
            self.prepare(context)
        batch = self.take(context, limit or self.batch_size)
        return self.run(context, batch) if batch else 0

    def run_pending(self, context: StepContext) -> int:
        """Claim and run batches until nothing is pending; the units run."""
        if self.prepare is not None:
            self.prepare(context)
        done = 0
        while batch := self.take(context, self.batch_size):
            done += self.run(context, batch)
        return done

    def has_pending(self, context: StepContext) -> bool:
        return not self.fed and bool(self.take(context, 1))

    def feed(self, context: StepContext) -> int:
        """Run a fed step on what the context was handed (``inbox``)."""
        return self.run(context, context.inbox)


def poll_claim(context: StepContext, limit: int) -> list[SourceRecord]:
    if context.page_budget is None:  # one item-page budget for the sources of this run
        context.page_budget = page_budget(context.settings)
    due = context.store.due_sources(context.now, limit=limit)
    return context.take("poll", due, lambda source: source.id, limit)


def poll_run(context: StepContext, sources: Sequence[SourceRecord]) -> int:
    """Fetch the claimed feeds; each source's items go through fetch and ingest inside,
    sharing the run's page budget."""
    budget = context.page_budget or page_budget(context.settings)

    async def poll() -> None:
        async with create_fetcher(context.settings, pace=context.store) as fetcher:
            polled = await poll_sources(
                context.store,
                fetcher,
                sources,
                now=context.now,
                settings=context.settings,
                budget=budget,
            )
        context.polls.extend(polled)

    asyncio.run(poll())
    return len(sources)


def fetch_claim(context: StepContext, limit: int) -> list[PendingFetch]:
    """Up to ``limit`` pending fetches, claimed with a lease for ``context.worker``.

    After the poll step in the same run nothing: the poll ran this step for each source
    it polled within its page budget, and the pages over the budget wait for their
    source's next poll (as before; a claim counts as an attempt at the page).
    """
    if context.page_budget is not None:
        return []
    store = context.store
    lease = dt.timedelta(seconds=context.settings.run.lease_seconds)
    ids = store.claim("fetch", worker=context.worker, limit=limit, lease=lease, now=context.now)
    items = store.pending_fetches_by_ids(ids)
    # Each item once per run: one whose ingest failed stays pending for the next run.
    fresh = context.take("fetch", items, lambda item: item.id, limit)
    kept = {item.id for item in fresh}
    store.release("fetch", [i for i in ids if i not in kept], worker=context.worker)
    return fresh


def fetch_run(context: StepContext, items: Sequence[PendingFetch]) -> int:
    """Fetch, extract and ingest the claimed items' pages; the claims are released."""
    fetch_claimed(
        context.store, items, worker=context.worker, now=context.now, settings=context.settings
    )
    return len(items)


def ingest_run(context: StepContext, entries: Sequence[Entry]) -> int:
    report = ingest_entries(
        context.store,
        entries,
        now=context.now,
        settings=context.settings,
        source_ids=context.source_ids,
    )
    context.ingested.append(report)
    context.inbox = ()
    return len(entries)


def language_run(context: StepContext, batch: Sequence[Article]) -> int:
    return language_batch(context.store, batch)


def enrich_prepare(context: StepContext) -> None:
    check_embedding_model(context.store, context.embedder)


def enrich_run(context: StepContext, batch: Sequence[Article]) -> int:
    return enrich_batch(context.store, context.embedder, batch)


def route_run(context: StepContext, batch: Sequence[tuple[Article, Vector]]) -> int:
    if context.profiles is None:  # the topics' profiles, embedded once per run
        context.profiles = store_profiles(context.store, context.embedder, context.settings)
    return route_batch(
        context.store, batch, context.profiles, now=context.now, settings=context.settings.route
    )


def cluster_claim(context: StepContext, limit: int) -> list[tuple[Article, Vector, str]]:
    """The next batch of one vertical's pending articles, each with that vertical: the
    context's ``cluster_vertical``, else the first (by slug) that has pending articles,
    so a run drains the verticals one after another in the same batches as a worker
    draining each under its lease."""
    store = context.store
    scope = context.cluster_vertical
    for vertical in [scope] if scope is not None else store.pending_cluster_verticals():
        batch = store.pending_clustering(limit, vertical=vertical)
        if batch:
            return [(article, vector, vertical) for article, vector in batch]
    return []


def cluster_run(context: StepContext, batch: Sequence[tuple[Article, Vector, str]]) -> int:
    verticals = {vertical for _, _, vertical in batch}
    if len(verticals) != 1:
        raise StepError(
            "a cluster batch must hold one vertical's articles", ", ".join(sorted(verticals))
        )
    return cluster_claimed(
        context.store,
        [(article, vector) for article, vector, _ in batch],
        now=context.now,
        settings=context.settings,
        vertical=verticals.pop(),
    )


def write_claim(context: StepContext, limit: int) -> list[Topic]:
    topics = topics_in_scope(context.store, vertical=context.vertical, topic=context.topic)
    return context.take("write", topics, lambda topic: topic.slug, limit)


def writer_of(context: StepContext) -> Writer:
    """The writer the settings choose, created once per run."""
    if context.writer is None:
        context.writer = create_writer(context.settings.llm)
    return context.writer


def write_run(context: StepContext, topics: Sequence[Topic]) -> int:
    for topic in topics:
        context.updates.append(
            update_topic(
                context.store,
                topic,
                now=context.now,
                settings=context.settings,
                embedder=context.facet_embedder,
                writer=writer_of(context),
            )
        )
    return len(topics)


def publish_claim(context: StepContext, limit: int) -> list[str]:
    wanted = ["site"] if context.publisher is not None else []
    return context.take("publish", wanted, lambda name: name, limit)


def publish_run(context: StepContext, sites: Sequence[str]) -> int:
    assert context.publisher is not None  # publish_claim claims nothing without one
    context.publisher()
    return len(sites)


STEPS: tuple[Step, ...] = (
    Step("poll", poll_run, poll_claim, single_writer=False, batch_size=POLL_BATCH),
    Step("fetch", fetch_run, fetch_claim, single_writer=False, batch_size=BATCH_SIZE),
    Step("ingest", ingest_run, None, single_writer=True, batch_size=BATCH_SIZE),
    Step(
        "language",
        language_run,
        lambda context, limit: context.store.pending_language(limit),
        single_writer=False,
        batch_size=BATCH_SIZE,
    ),
    Step(
        "enrich",
        enrich_run,
        lambda context, limit: context.store.pending_enrichment(limit),
        single_writer=False,
        batch_size=BATCH_SIZE,
        prepare=enrich_prepare,
    ),
    Step(
        "route",
        route_run,
        lambda context, limit: context.store.pending_routing(limit),
        single_writer=False,
        batch_size=BATCH_SIZE,
    ),
    Step(
        "cluster",
        cluster_run,
        cluster_claim,
        single_writer=True,
        batch_size=BATCH_SIZE,
    ),
    Step("write", write_run, write_claim, single_writer=True, batch_size=1),
    Step("publish", publish_run, publish_claim, single_writer=True, batch_size=1),
)
STEP_NAMES: tuple[str, ...] = tuple(s.name for s in STEPS)


def step(name: str) -> Step:
    """The step called ``name``."""
    for candidate in STEPS:
        if candidate.name == name:
            return candidate
    raise StepError(f"no such step; the steps are {', '.join(STEP_NAMES)}", name)


def steps_between(first: str, last: str) -> tuple[Step, ...]:
    """The steps from ``first`` to ``last``, both included, in pipeline order."""
    start, end = STEP_NAMES.index(step(first).name), STEP_NAMES.index(step(last).name)
    if start > end:
        raise StepError(f"{first!r} comes after {last!r}", f"{first}..{last}")
    return STEPS[start : end + 1]


def run_steps(
    steps: Sequence[Step],
    context: StepContext,
    *,
    after: Callable[[Step, dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """Run a slice of ``STEPS`` in order, each until nothing is pending; units per step.

    A fed step at the head of the slice runs on ``context.inbox``; one after a claiming
    step ran inside that step's batches (fetch and ingest inside each source's poll).
    ``after`` is told each step's name and the counts so far (progress messages).
    """
    done: dict[str, int] = {}
    fed_head = True
    for current in steps:
        fed_head = fed_head and current.fed
        if current.fed:
            done[current.name] = current.feed(context) if fed_head else 0
        else:
            done[current.name] = current.run_pending(context)
        if after is not None:
            after(current, done)
    return done
