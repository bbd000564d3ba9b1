"""The procrastinate App on the store's PostgreSQL, and its tasks.

Task names (``newspulse.<step>``): ``poll`` (one source), ``fetch``, ``language``,
``enrich`` and ``route`` (one claimed batch each: the fan-out steps), ``cluster``
(one vertical's single writer of events) and ``write`` (one topic's briefing version,
single writer per topic), and the periodic ``tick`` (every minute) that defers polls of
due sources and recovers jobs of crashed workers.  Every task is idempotent over
stored, claimed work; a job that finds nothing to do returns at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import UniqueViolation
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from newspulse.enrich.embed import Embedder, create_embedder
from newspulse.errors import ConfigError
from newspulse.ops.probe import StoreProbe
from newspulse.ops.serve import serve_ops
from newspulse.ops.worker_metrics import WorkerMetrics, engine_registry
from newspulse.pipeline import TopicUpdate
from newspulse.pipeline.poll import create_fetcher, poll_sources
from newspulse.pipeline.understand import store_profiles
from newspulse.route import TopicProfile
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from newspulse.workers import schedule, steps
from newspulse.workers.leases import utc_now
from newspulse.workers.schedule import task_name

log = logging.getLogger(__name__)


class EngineError(ConfigError):
    """The procrastinate engine cannot run on this store."""


def conninfo(store: SqlStore) -> str:
    """The store's URL as libpq takes it (no SQLAlchemy driver name)."""
    url = store.engine.url
    if url.get_backend_name() != "postgresql":
        raise EngineError(
            "the procrastinate engine needs a PostgreSQL store (db = postgresql://...); "
            "without --engine procrastinate everything runs in process",
            store.url,
        )
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def schema_installed(store: SqlStore) -> bool:
    return inspect(store.engine).has_table("procrastinate_jobs")


def install_schema(store: SqlStore) -> bool:
    """Apply procrastinate's schema to the store's database (``newspulse init``);
    False when it is there already."""
    if schema_installed(store):
        return False
    with create_app(store).open() as app:
        app.schema_manager.apply_schema()
    return True


@dataclass
class Runtime:
    """What the tasks of one worker process share: the store, settings, its name, and
    the embedding model and topic profiles, loaded once."""

    worker: steps.Worker
    app: App
    _embedder: Embedder | None = None
    _profiles: tuple[str, list[TopicProfile]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    metrics: WorkerMetrics = field(default_factory=WorkerMetrics)

    @property
    def embedder(self) -> Embedder:
        with self.lock:
            if self._embedder is None:
                embed = self.worker.settings.embed
                self._embedder = create_embedder(
                    embed.model, batch_size=embed.batch_size, threads=embed.threads
                )
            return self._embedder

    def profiles(self) -> list[TopicProfile]:
        """The topics' routing profiles, rebuilt when the topics change."""
        store = self.worker.store
        key = repr(store.list_topics())
        if self._profiles is None or self._profiles[0] != key:
            profiles = store_profiles(store, self.embedder, self.worker.settings)
            self._profiles = (key, profiles)
        return self._profiles[1]


_runtime: Runtime | None = None


def runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("no worker runtime: tasks run inside `newspulse worker`")
    return _runtime


def worker_name() -> str:
    """Unique per process: claims of a crashed worker are never taken for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def moment(now: str | None) -> dt.datetime:
    return dt.datetime.fromisoformat(now) if now else utc_now()


def create_app(store: SqlStore) -> App:
    """The App on the store's database, with NewsPulse's tasks registered."""
    app = App(connector=PsycopgConnector(conninfo=conninfo(store)))
    register_tasks(app)
    return app


def measured(step: str, work: Callable[[], int]) -> int:
    """Run a job's work, counted in this worker's metrics (``ops.worker_metrics``)."""
    return runtime().metrics.job(step, work)


def register_tasks(app: App) -> None:
    @app.task(name=task_name("poll"))
    def poll(source_id: int, now: str | None = None) -> int:
        """Poll one source; its snippet items become pending fetches (fetch jobs)."""
        run = runtime()
        store, settings = run.worker.store, run.worker.settings
        record = store.get_source(source_id)
        at = moment(now)
        if record is None or record.paused_reason or (record.next_poll_at or at) > at:
            return 0  # removed, paused or polled since this job was deferred

        async def poll_one() -> int:
            async with create_fetcher(settings, pace=store) as fetcher:
                polled = await poll_sources(
                    store, fetcher, [record], now=at, settings=settings, fetch_pages=False
                )
            return sum(poll.new_items for poll in polled)

        new = measured("poll", lambda: asyncio.run(poll_one()))
        advance(now)
        return new

    def on_claim(step: str, now: str | None, vertical: str | None = None) -> Callable[[int], None]:
        settings = runtime().worker.settings
        return lambda count: schedule.claimed(
            app,
            step,
            count,
            batch=settings.run.batch_size,
            lease=settings.run.lease_seconds,
            now=now,
            vertical=vertical,
        )

    def advance(now: str | None) -> None:
        worker = runtime().worker
        schedule.advance(app, worker.store, now=now, lease=worker.settings.run.lease_seconds)

    @app.task(name=task_name("fetch"))
    def fetch(now: str | None = None) -> int:
        claims = on_claim("fetch", now)
        done = measured("fetch", lambda: steps.fetch_step(runtime().worker, on_claim=claims))
        advance(now)
        return done

    @app.task(name=task_name("language"))
    def language(now: str | None = None) -> int:
        claims = on_claim("language", now)
        done = measured("language", lambda: steps.language_step(runtime().worker, on_claim=claims))
        advance(now)
        return done

    @app.task(name=task_name("enrich"))
    def enrich(now: str | None = None) -> int:
        run = runtime()
        claims = on_claim("enrich", now)
        done = measured(
            "enrich", lambda: steps.enrich_step(run.worker, run.embedder, on_claim=claims)
        )
        advance(now)
        return done

    @app.task(name=task_name("route"))
    def route(now: str | None = None) -> int:
        run = runtime()
        claims = on_claim("route", now)
        done = measured(
            "route",
            lambda: steps.route_step(run.worker, run.profiles(), now=moment(now), on_claim=claims),
        )
        advance(now)
        return done

    @app.task(name=task_name("cluster"))
    def cluster(vertical: str | None = None, now: str | None = None) -> int:
        """Cluster one vertical under its lease (None, a job deferred before clustering
        was per vertical: each pending vertical in turn)."""
        run = runtime()
        claims = on_claim("cluster", now, vertical) if vertical is not None else None
        done = measured(
            "cluster",
            lambda: steps.cluster_step(run.worker, vertical, now=moment(now), on_claim=claims) or 0,
        )
        advance(now)
        return done

    @app.task(name=task_name("write"))
    def write(topic: str, now: str | None = None) -> str:
        run = runtime()
        embedder = run.embedder if any(t.facets for t in run.worker.store.list_topics()) else None
        results: list[TopicUpdate | None] = []

        def write_one() -> int:
            result = steps.write_step(run.worker, topic, now=moment(now), embedder=embedder)
            results.append(result)
            return int(result is not None and result.status == "written")

        measured("write", write_one)
        return results[0].status if results[0] is not None else "waiting"

    @app.periodic(cron="* * * * *")
    @app.task(name=task_name("tick"), queueing_lock="tick", pass_context=True)
    async def tick(context: JobContext, timestamp: int) -> None:
        """Defer polls of due sources and pending steps; retry the jobs of workers that
        stopped sending heartbeats (killed: their claims lapse on their own)."""
        run = runtime()
        await asyncio.to_thread(
            schedule.tick, app, run.worker.store, lease=run.worker.settings.run.lease_seconds
        )
        stalled = await app.job_manager.get_stalled_jobs(
            seconds_since_heartbeat=run.worker.settings.run.lease_seconds
        )
        for job in stalled:
            log.warning("retrying job %s of a stalled worker", job.id)
            try:
                await app.job_manager.retry_job(job)
            except UniqueViolation:
                # A job with the same queueing lock already waits: it does this work.
                log.info("job %s need not run again: its successor waits", job.id)


def run_worker(
    store: SqlStore,
    settings: Settings,
    *,
    concurrency: int,
    metrics_port: int = 0,
    announce: Callable[[str], None] = log.info,
) -> None:
    """Work jobs until SIGTERM/SIGINT (procrastinate stops after the running jobs); with
    ``metrics_port``, serve /metrics, /healthz and /readyz there (``announce`` says where)."""
    global _runtime
    if not schema_installed(store):
        raise EngineError("procrastinate's schema is missing; run `newspulse init`", store.url)
    app = create_app(store)
    name = worker_name()
    _runtime = Runtime(steps.Worker(store, settings, name), app)
    if metrics_port:
        registry = engine_registry(store.engine, _runtime.metrics.registry)
        server = serve_ops(
            registry,
            StoreProbe(store).not_ready,
            host=settings.run.metrics_host,
            port=metrics_port,
            setting="run.worker_metrics_port",
        )
        announce(f"worker metrics at {server.url}/metrics")
    lease = settings.run.lease_seconds
    log.info("worker %s starting (concurrency %d)", name, concurrency)
    app.run_worker(
        name=name,
        concurrency=concurrency,
        delete_jobs="successful",
        # Jobs deferred for later (a step waiting for a lapsed lease) are found by polling.
        fetch_job_polling_interval=max(min(lease / 3, 5.0), 0.5),
        update_heartbeat_interval=max(min(lease / 4, 10.0), 0.5),
        stalled_worker_timeout=lease,
    )
