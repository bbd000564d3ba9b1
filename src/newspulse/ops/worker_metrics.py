"""Metrics of the procrastinate engine (``newspulse worker`` and ``run --engine
procrastinate``): the queue per step, the claims and their age, a worker's own jobs.

- ``QueueCollector`` reads at scrape time, from tables that stay small (procrastinate
  deletes finished jobs; a claim lives while its work runs): jobs waiting or running per
  step, pending page fetches, and per step the live claims and how long the oldest has
  been held (a stuck worker shows as a claim age near ``run.lease_seconds``).
- ``WorkerMetrics`` are one worker process's counters: jobs per step by outcome, units
  of work per step, and job duration.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from newspulse.ops.metrics import StoreCollector, utc
from newspulse.store import tables as t

TASK_PREFIX = "newspulse."
JOBS = text(
    "SELECT task_name, status, count(*) FROM procrastinate_jobs "
    "WHERE status IN ('todo', 'doing', 'failed') GROUP BY task_name, status"
)


class QueueCollector(Collector):
    """Queue depth and claim age, read from the store at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            families = list(self._read())
        except SQLAlchemyError:
            return  # newspulse_store_up (StoreCollector) says the store did not answer
        yield from families

    def _read(self) -> Iterator[GaugeMetricFamily]:
        now = dt.datetime.now(dt.UTC)
        claims = t.work_claims.c
        with self.engine.connect() as connection:
            fetches = GaugeMetricFamily(
                "newspulse_pending_fetches", "Feed items waiting for their page to be fetched."
            )
            waiting = select(func.count()).select_from(t.pending_fetches)
            fetches.add_metric([], connection.execute(waiting).scalar_one())
            yield fetches
            held = GaugeMetricFamily(
                "newspulse_claims", "Live claims per step (items or leases held).", labels=["step"]
            )
            age = GaugeMetricFamily(
                "newspulse_oldest_claim_seconds",
                "How long the oldest live claim of each step has been held.",
                labels=["step"],
            )
            rows = connection.execute(
                select(claims.step, func.count(), func.min(claims.claimed_at))
                .where(claims.lease_until > now)
                .group_by(claims.step)
                .order_by(claims.step)
            )
            for step, count, first in rows:
                held.add_metric([step], count)
                age.add_metric([step], max((now - utc(first)).total_seconds(), 0.0))
            yield held
            yield age
            yield from jobs_by_step(connection)


def jobs_by_step(connection: Connection) -> Iterator[GaugeMetricFamily]:
    """procrastinate's jobs per step and status; nothing before its schema is installed
    (a SQLite store, a store never used with the procrastinate engine)."""
    if not inspect(connection).has_table("procrastinate_jobs"):
        return
    jobs = GaugeMetricFamily(
        "newspulse_jobs",
        "procrastinate jobs per step: waiting (todo), running (doing), failed.",
        labels=["step", "status"],
    )
    for task, status, count in connection.execute(JOBS):
        jobs.add_metric([str(task).removeprefix(TASK_PREFIX), str(status)], count)
    yield jobs


class WorkerMetrics:
    """Counters of one ``newspulse worker`` process, in their own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.jobs = Counter(
            "newspulse_worker_jobs",
            "Jobs this worker ran, per step, by outcome: worked (did some work), idle "
            "(found nothing, or another worker held the lease), failed.",
            ["step", "outcome"],
            registry=self.registry,
        )
        self.units = Counter(
            "newspulse_step_articles",
            "Units through each step in this process (articles; poll: new items; write: "
            "topics written).",
            ["step"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "newspulse_job_seconds",
            "Duration of one job, per step.",
            ["step"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
            registry=self.registry,
        )

    def job(self, step: str, work: Callable[[], int]) -> int:
        """Run one job's ``work`` (returns its units) and count it."""
        started = time.perf_counter()
        try:
            done = work()
        except BaseException:
            self.jobs.labels(step, "failed").inc()
            raise
        finally:
            self.seconds.labels(step).observe(time.perf_counter() - started)
        self.jobs.labels(step, "worked" if done else "idle").inc()
        self.units.labels(step).inc(done)
        return done


def engine_registry(engine: Engine, registry: CollectorRegistry) -> CollectorRegistry:
    """``registry`` with the store gauges and the queue's beside its own counters."""
    registry.register(StoreCollector(engine))
    registry.register(QueueCollector(engine))
    return registry
