"""The runs: each a slice of ``pipeline.steps.STEPS`` over one context.

``replay`` (ingest → cluster over a corpus), ``poll_cycle`` (poll → cluster),
``understand`` (language → cluster, what ``reembed`` runs after its reset) and
``update_briefings`` (write).  ``newspulse run`` is a poll cycle then the write
step, topic by topic (``cli_run``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newspulse.enrich.embed import Embedder
from newspulse.ingest.corpus import read_corpus
from newspulse.pipeline.briefings import TopicUpdate
from newspulse.pipeline.context import StepContext
from newspulse.pipeline.ingest import IngestReport
from newspulse.pipeline.poll import PollReport
from newspulse.pipeline.ports import PipelineStore
from newspulse.pipeline.steps import Step, run_steps, steps_between
from newspulse.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

# The slices, by the names of their first and last steps.
REPLAY = ("ingest", "cluster")
POLL = ("poll", "ingest")
UNDERSTAND = ("language", "cluster")
WRITE = ("write", "write")


@dataclass(frozen=True, slots=True)
class ReplayReport:
    ingest: IngestReport
    enriched: int
    routed: int
    clustered: int
    events: int


def replay(
    store: PipelineStore,
    path: Path,
    embedder: Embedder,
    *,
    now: dt.datetime,
    settings: Settings,
    progress: Progress = log.info,
) -> ReplayReport:
    """Push a corpus through ingest → dedup → enrich → route → cluster."""
    corpus = read_corpus(path)
    context = StepContext(
        store, settings, now, embedder_factory=lambda: embedder, inbox=corpus.entries
    )

    def report_progress(current: Step, done: dict[str, int]) -> None:
        if current.name == "ingest":
            stored = context.ingested[-1]
            progress(f"stored {stored.stored} of {stored.read} articles from {path}")
        elif current.name == "enrich":
            progress(f"enriched {done['enrich']} articles")
        elif current.name == "cluster":
            progress(f"routed {done['route']}, clustered {done['cluster']} articles")

    done = run_steps(steps_between(*REPLAY), context, after=report_progress)
    ingest = context.ingested[-1]
    ingest = dataclasses.replace(ingest, problems=corpus.problems + ingest.problems)
    return ReplayReport(
        ingest, done["enrich"], done["route"], done["cluster"], store.counts()["events"]
    )


def poll_cycle(store: PipelineStore, *, settings: Settings, now: dt.datetime) -> PollReport:
    """Poll due sources (each feed's items fetched and ingested), then enrich, route and
    cluster what arrived."""
    context = StepContext(store, settings, now)
    run_steps(steps_between(*POLL), context)
    report = PollReport(tuple(context.polls))
    later = steps_between(*UNDERSTAND)
    # Also when nothing new arrived: a run that crashed or stopped between steps left
    # pending work that the next run must finish (each step is idempotent).
    if report.new_items or any(s.has_pending(context) for s in later):
        done = run_steps(later, context)
        return dataclasses.replace(
            report, enriched=done["enrich"], routed=done["route"], clustered=done["cluster"]
        )
    return report


def has_pending_work(store: PipelineStore, *, settings: Settings, now: dt.datetime) -> bool:
    """Whether any article still waits for its language, enrichment, routing or clustering."""
    context = StepContext(store, settings, now)
    return any(s.has_pending(context) for s in steps_between(*UNDERSTAND))


def understand(
    store: PipelineStore, embedder: Embedder, *, now: dt.datetime, settings: Settings
) -> dict[str, int]:
    """Read languages, enrich, route and cluster everything pending (``reembed``)."""
    context = StepContext(store, settings, now, embedder_factory=lambda: embedder)
    return run_steps(steps_between(*UNDERSTAND), context)


def update_briefings(
    store: PipelineStore,
    *,
    now: dt.datetime,
    settings: Settings,
    vertical: str | None = None,
    topic: str | None = None,
    embedder: Embedder | None = None,
) -> list[TopicUpdate]:
    """Write a new version for each topic whose events changed since its last version.

    ``embedder`` places events in a topic's facets by meaning; without it, by shared words.
    """
    context = StepContext(
        store, settings, now, facet_embedder=embedder, vertical=vertical, topic=topic
    )
    run_steps(steps_between(*WRITE), context)
    return context.updates
