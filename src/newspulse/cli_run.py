"""`newspulse run` (the scheduler daemon) and `newspulse doctor` (the operator's checks)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newspulse.cli_context import ConfigOption, Context, DbOption, facet_embedder, parse_now, say
from newspulse.cli_workers import Engine, EngineOption, defer_ticks

if TYPE_CHECKING:
    from newspulse.enrich.embed import Embedder
    from newspulse.ops.daemon import StopSignals
    from newspulse.ops.metrics import RunMetrics


def run(
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between scheduler ticks.", min=1)
    ] = 60.0,
    ticks: Annotated[
        int | None, typer.Option("--ticks", help="Stop after this many ticks (default: never).")
    ] = None,
    engine: EngineOption = Engine.INPROCESS,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Poll due sources, process and update briefings in a loop.

    ``--engine procrastinate`` (PostgreSQL store): each tick only defers jobs (polls of
    due sources, pending steps) for `newspulse worker` processes.

    One ``run`` per store: a second one is refused (``store.run_lock``).  SIGTERM or
    Ctrl-C stops it after the current step, releasing the lock; a busy store is retried
    with a capped exponential backoff (``run.busy_*``); ``run.metrics_port`` serves its
    Prometheus metrics.
    """
    from newspulse.ops.daemon import StopSignals
    from newspulse.store.run_lock import run_lock

    signals = StopSignals()
    context = Context.ready(db, config)
    if engine is Engine.PROCRASTINATE:
        from newspulse.workers.jobs import conninfo

        conninfo(context.store)  # a clear error on SQLite before anything starts
    with signals.installed(), run_lock(context.store):
        if engine is Engine.PROCRASTINATE:
            from newspulse.ops.metrics import RunMetrics

            metrics = RunMetrics()
            serve_run_metrics(context, metrics, queue=True)
            defer_ticks(context, interval, ticks, signals, metrics)
        else:
            run_loop(interval, ticks, db, config, signals)
    if signals.received:
        say(f"stopped on {signals.received}")


def run_loop(
    interval: float,
    ticks: int | None,
    db: str | None,
    config: Path | None,
    signals: StopSignals | None = None,
) -> None:
    """The loop of ``newspulse run``, under the run lock."""
    from newspulse.ops.daemon import StopRequestedError, StopSignals, retry_busy
    from newspulse.ops.metrics import RunMetrics

    stop = signals or StopSignals()
    context = Context.ready(db, config)
    embedder = facet_embedder(context)
    metrics = RunMetrics()
    options = context.settings.run
    serve_run_metrics(context, metrics, queue=False)

    def on_busy(attempt: int, delay: float, exc: BaseException) -> None:
        metrics.errors.labels("store_busy").inc()
        say(f"store busy ({type(exc).__name__}); retry {attempt} in {delay:g}s")

    done = 0
    while (ticks is None or done < ticks) and not stop.stopping:
        started = time.perf_counter()
        try:
            retry_busy(
                lambda: run_tick(context, embedder, stop, metrics),
                retries=options.busy_retries,
                first=options.busy_backoff,
                cap=options.busy_max_backoff,
                resource=context.store.url,
                wait=stop.wait,
                on_retry=on_busy,
            )
        except StopRequestedError:
            break
        except Exception:
            metrics.errors.labels("tick").inc()
            raise
        metrics.ticks.inc()
        metrics.tick_seconds.observe(time.perf_counter() - started)
        done += 1
        if (ticks is None or done < ticks) and stop.wait(interval):
            break


def serve_run_metrics(context: Context, metrics: RunMetrics, *, queue: bool) -> None:
    """With ``run.metrics_port``: /metrics (the run's counters, the store gauges and, for
    the procrastinate engine, ``queue``: jobs per step and claim age), /healthz and
    /readyz, served until the process ends."""
    from newspulse.ops.probe import StoreProbe
    from newspulse.ops.serve import serve_ops
    from newspulse.ops.worker_metrics import QueueCollector

    options = context.settings.run
    if not options.metrics_port:
        return
    metrics.add_store(context.store.engine)
    if queue:
        metrics.registry.register(QueueCollector(context.store.engine))
    server = serve_ops(
        metrics.registry,
        StoreProbe(context.store).not_ready,
        host=options.metrics_host,
        port=options.metrics_port,
        setting="run.metrics_port",
    )
    say(f"run metrics at {server.url}/metrics")


def run_tick(
    context: Context, embedder: Embedder | None, stop: StopSignals, metrics: RunMetrics
) -> None:
    """One tick: poll and process, then (unless a stop was asked for) update briefings."""
    from newspulse.ops.metrics import llm_usage
    from newspulse.pipeline import StepContext, step
    from newspulse.poller import poll_and_process

    moment = parse_now(None)
    report = poll_and_process(context.store, settings=context.settings, now=moment)
    for polled in report.polled:
        metrics.polls.labels(polled.status).inc()
        if polled.error_kind:
            metrics.errors.labels(polled.error_kind).inc()
    for name, count in (
        ("ingest", report.new_items),
        ("enrich", report.enriched),
        ("route", report.routed),
        ("cluster", report.clustered),
    ):
        metrics.articles.labels(name).inc(count)
    written: list[str] = []
    write = step("write")
    briefings = StepContext(context.store, context.settings, moment, facet_embedder=embedder)
    # One topic per batch: a stop finishes the current topic; the next run takes up the rest.
    while not stop.stopping:
        started = time.perf_counter()
        if not write.run_batch(briefings, 1):
            break
        result = briefings.updates[-1]
        metrics.write_seconds.labels(result.status).observe(time.perf_counter() - started)
        if result.status == "written" and result.version is not None:
            written.append(result.topic)
            if context.settings.llm.enabled:
                metrics.count_llm(llm_usage(context.store.engine, result.topic, result.version))
    say(
        f"{moment.isoformat()}: {len(report.polled)} polled, {report.new_items} new, "
        f"briefings written: {', '.join(written) or 'none'}"
    )
    logging.getLogger("newspulse.run").info(
        "tick",
        extra={"polled": len(report.polled), "new": report.new_items, "written": written},
    )


def doctor(
    min_free_gb: Annotated[
        float, typer.Option("--min-free-gb", help="Free disk (GiB) below which disk fails.", min=0)
    ] = 1.0,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Check config, database and migrations, model files, LLM endpoint and disk.

    One line per check (``ok`` or ``FAIL``); exits 1 when any check failed.
    """
    from newspulse.ops.doctor import run_checks

    failed = 0
    for check in run_checks(config, db, min_free_gib=min_free_gb):
        typer.echo(check.line())
        failed += not check.ok
    if failed:
        say(f"{failed} check(s) failed")
        raise typer.Exit(1)
