"""What every step's claim and batch get, and what a run collects from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from newspulse.domain import Entry
from newspulse.enrich.embed import Embedder, create_embedder
from newspulse.pipeline.briefings import TopicUpdate
from newspulse.pipeline.fetch import local_worker
from newspulse.pipeline.ingest import IngestReport
from newspulse.pipeline.poll import PageBudget, SourcePoll
from newspulse.pipeline.ports import PipelineStore
from newspulse.route import TopicProfile
from newspulse.settings import Settings
from newspulse.write.writers import Writer

U = TypeVar("U")


@dataclass(slots=True)
class StepContext:
    """The store (through the steps' ports), the settings and the clock of one run.

    The embedding model is created on first use (``embedder``): a quiet poll cycle
    loads none.  ``taken`` is the in-process claim: the units each step took in this
    run, so a step whose pending query cannot tell done work from new (the due sources,
    the topics) takes each unit once.  The lists at the end collect what the steps did.
    """

    store: PipelineStore
    settings: Settings
    now: dt.datetime
    # Replaces the settings' embedding model (a replay or a test hands its own).
    embedder_factory: Callable[[], Embedder] | None = None
    # The write step places events in a topic's facets by meaning with it (None: by words).
    facet_embedder: Embedder | None = None
    # The write step's scope: only this vertical's topics, only this topic (None: all).
    vertical: str | None = None
    topic: str | None = None
    # The cluster step's scope: only this vertical's articles (a worker holding its lease);
    # None: every vertical with pending articles, one after another in slug order.
    cluster_vertical: str | None = None
    # Entries handed to a slice that starts with a fed step (a corpus, for ingest).
    inbox: Sequence[Entry] = ()
    source_ids: Mapping[str, int] | None = None
    # The publish step's action (``publish`` lives above the pipeline): pages written.
    publisher: Callable[[], int] | None = None
    taken: dict[str, set[Hashable]] = field(default_factory=dict)
    # The owner of the claims a step takes with a lease (a worker passes its own name).
    worker: str = field(default_factory=local_worker)
    # The poll's item-page budget, shared by the sources of one run (set by the poll step).
    page_budget: PageBudget | None = None
    # Built once per run on first use: the route step's topic profiles, the write step's writer.
    profiles: list[TopicProfile] | None = None
    writer: Writer | None = None
    polls: list[SourcePoll] = field(default_factory=list)
    ingested: list[IngestReport] = field(default_factory=list)
    updates: list[TopicUpdate] = field(default_factory=list)
    loaded: Embedder | None = None

    @property
    def embedder(self) -> Embedder:
        """The embedding model of this run, created once on first use."""
        if self.loaded is None:
            if self.embedder_factory is not None:
                self.loaded = self.embedder_factory()
            else:
                embed = self.settings.embed
                self.loaded = create_embedder(
                    embed.model, batch_size=embed.batch_size, threads=embed.threads
                )
        return self.loaded

    def take(
        self, step: str, units: Sequence[U], key: Callable[[U], Hashable], limit: int
    ) -> list[U]:
        """Up to ``limit`` of ``units`` that ``step`` has not taken in this run; now taken."""
        taken = self.taken.setdefault(step, set())
        fresh = [unit for unit in units if key(unit) not in taken][:limit]
        taken.update(key(unit) for unit in fresh)
        return fresh
