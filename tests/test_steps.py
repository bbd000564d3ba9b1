"""The one list of steps: its order, the runs as slices of it, a step's batch on its own."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from collections.abc import Sequence
from pathlib import Path

import pytest

from newspulse.cluster.stream import cluster_stream
from newspulse.domain import Entry
from newspulse.enrich.embed import Embedder
from newspulse.evaluation.records import ClusterRecord
from newspulse.evaluation.run import cluster_records
from newspulse.pipeline import (
    STEP_NAMES,
    STEPS,
    Step,
    StepContext,
    StepError,
    ingest_corpus,
    poll_cycle,
    replay,
    run_steps,
    runs,
    step,
    steps_between,
    understand,
    update_briefings,
)
from newspulse.settings import ClusterSettings, Settings
from newspulse.store.sql import SqlStore
from tests.conftest import corpus_slice
from tests.servers import HttpServer
from tests.servers import http_server as http_server  # the session fixture

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
ORDER = (
    "poll", "fetch", "ingest", "language", "enrich", "route", "cluster", "write", "publish",
)  # fmt: skip
SRC = Path(__file__).resolve().parents[1] / "src" / "newspulse"


def test_the_steps_are_declared_once_in_pipeline_order() -> None:
    assert STEP_NAMES == ORDER
    assert len(set(STEP_NAMES)) == len(STEPS)
    assert [s.name for s in steps_between("enrich", "cluster")] == ["enrich", "route", "cluster"]
    assert steps_between("write", "write") == (step("write"),)
    # Stateful steps keep one writer; the fed step (ingest) claims nothing itself.
    assert {s.name for s in STEPS if s.single_writer} == {"ingest", "cluster", "write", "publish"}
    assert {s.name for s in STEPS if s.fed} == {"ingest"}
    assert all(s.batch_size > 0 for s in STEPS)
    with pytest.raises(StepError, match="no such step"):
        step("embed")
    with pytest.raises(StepError, match="comes after"):
        steps_between("cluster", "enrich")


def test_every_run_is_a_slice_of_the_list(
    store: SqlStore,
    settings: Settings,
    hashing_embedder: Embedder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Replay, the poll cycle, reembed's understand and update run the list's own slices."""
    seen: list[tuple[str, ...]] = []
    real = runs.run_steps

    def spy(steps: Sequence[Step], context: StepContext, **kwargs: object) -> dict[str, int]:
        seen.append(tuple(s.name for s in steps))
        return real(steps, context, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runs, "run_steps", spy)
    corpus = corpus_slice("crypto", 12, tmp_path)
    report = replay(store, corpus, hashing_embedder, now=NOW, settings=settings)
    assert report.ingest.stored == 12
    assert (report.enriched, report.routed, report.clustered) == (12, 12, 12)
    poll_cycle(store, settings=settings, now=NOW)  # no sources, nothing pending: poll only
    store.reset_understanding()
    assert understand(store, hashing_embedder, now=NOW, settings=settings)["enrich"] == 12
    update_briefings(store, now=NOW, settings=settings)
    assert seen == [
        ("ingest", "language", "enrich", "route", "cluster"),
        ("poll", "fetch", "ingest"),
        ("language", "enrich", "route", "cluster"),
        ("write",),
    ]
    for names in seen:
        start = STEP_NAMES.index(names[0])
        assert STEP_NAMES[start : start + len(names)] == names


def test_a_steps_batch_is_a_unit_of_work_on_its_own(
    store: SqlStore, settings: Settings, hashing_embedder: Embedder, tmp_path: Path
) -> None:
    """What a job on a worker would call: claim one batch, run it; rerunning adds nothing."""
    ingest_corpus(store, corpus_slice("sports", 5, tmp_path), now=NOW, settings=settings)
    context = StepContext(store, settings, NOW, embedder_factory=lambda: hashing_embedder)
    language, enrich, route, cluster = steps_between("language", "cluster")
    assert route.run_batch(context) == 0  # nothing embedded yet: nothing to route
    assert language.run_pending(context) == 5
    assert language.run_batch(context) == 0
    assert enrich.run_batch(context, 2) == 2
    assert len(store.pending_enrichment(10)) == 3
    assert enrich.run_pending(context) == 3
    assert enrich.run_batch(context) == 0
    assert route.run_pending(context) == 5
    assert cluster.has_pending(context)
    assert cluster.run_batch(context, 5) == 5
    assert not cluster.has_pending(context)
    events = store.counts()["events"]
    assert cluster.run_pending(context) == 0
    assert store.counts()["events"] == events
    # The write step takes each topic once per run, however often it is asked.
    write = step("write")
    topics = len(store.list_topics())
    assert sum(write.run_batch(context, 1) for _ in range(topics + 2)) == topics
    assert len(context.updates) == topics
    with pytest.raises(StepError, match="fed by the step before it"):
        step("ingest").run_batch(context)


def test_the_fetch_step_claims_stored_pending_fetches_and_ingests_them(
    http_server: HttpServer, store: SqlStore, settings: Settings
) -> None:
    """fetch → ingest on a stored snippet: the page's text is what gets stored."""
    loopback = settings.model_copy(
        update={
            "allow_private_hosts": True,
            "fetch": settings.fetch.model_copy(update={"min_delay": 0.0}),
        }
    )
    snippet = Entry(
        url=http_server.url("files/site/article.html"),
        source="example.org",
        title="A port",
        text="A snippet of the story.",
        published_at=NOW - dt.timedelta(hours=1),
    )
    assert store.add_pending_fetches(None, [(snippet, "127.0.0.1")], NOW) == 1
    context = StepContext(store, loopback, NOW)
    # The fetch step claims the stored item itself; ingest ran inside it (nothing handed).
    assert run_steps(steps_between("fetch", "ingest"), context) == {"fetch": 1, "ingest": 0}
    (article,) = store.pending_enrichment(10)
    assert len(article.text) > 1000  # from the page, not the snippet
    assert store.count_pending_fetches() == 0
    assert step("fetch").run_batch(context) == 0  # nothing left: a rerun adds nothing
    assert store.counts()["articles"] == 1


def test_the_evaluation_clusters_in_the_cluster_steps_batches(
    monkeypatch: pytest.MonkeyPatch, hashing_embedder: Embedder
) -> None:
    parameter = inspect.signature(cluster_stream).parameters["batch_size"]
    assert parameter.default is inspect.Parameter.empty  # no batch size of its own
    sizes: list[int] = []

    def spy(items: Sequence[object], settings: ClusterSettings, **kwargs: object) -> object:
        sizes.append(int(kwargs["batch_size"]))  # type: ignore[call-overload]
        return {0: 1}, None

    monkeypatch.setattr("newspulse.evaluation.run.cluster_stream", spy)
    cluster_records(
        [ClusterRecord(id="a", title="A", text="one story")], hashing_embedder, ClusterSettings()
    )
    assert sizes == [step("cluster").batch_size]


def test_no_module_outside_the_pipeline_orders_steps() -> None:
    """The drain helpers of single steps are called only inside pipeline/ (and by tests)."""
    helpers = {"enrich_pending", "route_pending", "cluster_pending", "ingest_entries"}
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if "pipeline" in path.relative_to(SRC).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Name) and called.id in helpers:
                offenders.append(f"{path.relative_to(SRC)}: {called.id}")
    assert offenders == []
