"""`newspulse worker` and the `--engine procrastinate` paths of `run` and `replay`.

With the in-process engine (the default) every step runs in the command's own process,
on SQLite or PostgreSQL.  With ``--engine procrastinate`` (a PostgreSQL store) `run`
and `replay` only defer jobs, and any number of `newspulse worker` processes, on any
machines that reach the database, do the steps (``newspulse.workers``).
"""

from __future__ import annotations

import datetime as dt
import enum
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newspulse.cli_context import ConfigOption, Context, DbOption, say

if TYPE_CHECKING:
    from newspulse.ops.daemon import StopSignals
    from newspulse.ops.metrics import RunMetrics


class Engine(enum.StrEnum):
    INPROCESS = "inprocess"
    PROCRASTINATE = "procrastinate"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="inprocess: run every step in this process; procrastinate: defer them as jobs "
        "for `newspulse worker` processes (needs a PostgreSQL store).",
        case_sensitive=False,
    ),
]


def worker(
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", min=1, help="Jobs this process works at once (threads)."),
    ] = 1,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port",
            min=0,
            max=65535,
            help="Serve /metrics, /healthz and /readyz on this port (default: "
            "run.worker_metrics_port; 0: not served).",
        ),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Work the jobs that `run --engine procrastinate` defers, until SIGTERM or Ctrl-C.

    Start as many as you like, on any machine that reaches the store's PostgreSQL: each
    claims its batches with a lease (``run.lease_seconds``), so no two take the same
    work and a killed worker's work is taken again when its lease lapses.
    """
    from newspulse.workers.jobs import run_worker

    context = Context.ready(db, config)
    port = context.settings.run.worker_metrics_port if metrics_port is None else metrics_port
    run_worker(
        context.store, context.settings, concurrency=concurrency, metrics_port=port, announce=say
    )


def defer_ticks(
    context: Context,
    interval: float,
    ticks: int | None,
    signals: StopSignals,
    metrics: RunMetrics | None = None,
) -> None:
    """`run --engine procrastinate`: every ``interval`` seconds, defer polls of due
    sources and jobs for pending steps; the workers do the work.  ``metrics`` counts the
    ticks and the jobs deferred per step."""
    from newspulse.workers.jobs import create_app, schema_installed
    from newspulse.workers.schedule import tick

    app = create_app(context.store)
    if not schema_installed(context.store):
        from newspulse.workers.jobs import EngineError

        raise EngineError(
            "procrastinate's schema is missing; run `newspulse init`", context.store.url
        )
    app.open()
    try:
        done = 0
        while (ticks is None or done < ticks) and not signals.stopping:
            started = time.perf_counter()
            deferred = tick(app, context.store, lease=context.settings.run.lease_seconds)
            if metrics is not None:
                for job in deferred:
                    metrics.deferred.labels(job.split(":", 1)[0]).inc()
                metrics.ticks.inc()
                metrics.tick_seconds.observe(time.perf_counter() - started)
            moment = dt.datetime.now(dt.UTC).replace(microsecond=0)
            say(f"{moment.isoformat()}: deferred {len(deferred)} jobs")
            done += 1
            if (ticks is None or done < ticks) and signals.wait(interval):
                break
    finally:
        app.close()


def defer_replay(context: Context, file: Path, now: dt.datetime) -> None:
    """`replay --engine procrastinate`: ingest here (dedup needs one writer), then defer
    enrichment, routing, clustering and briefings as jobs."""
    from newspulse.pipeline import ingest_corpus
    from newspulse.workers.jobs import create_app
    from newspulse.workers.schedule import tick

    app = create_app(context.store)
    report = ingest_corpus(context.store, file, now=now, settings=context.settings)
    app.open()
    try:
        deferred = tick(app, context.store, now=now, lease=context.settings.run.lease_seconds)
    finally:
        app.close()
    say(
        f"stored {report.stored} of {report.read} articles from {file.name}; "
        f"deferred {', '.join(deferred) or 'nothing'} for the workers"
    )
