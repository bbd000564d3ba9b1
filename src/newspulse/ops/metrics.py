"""Prometheus metrics in the text exposition format.

Two sources, both cheap to scrape:

- ``StoreCollector`` reads the store at scrape time with a handful of queries, each a
  ``COUNT`` or ``MIN``/``MAX`` answered by an index: the primary keys, the partial
  indexes over each step's pending work (migration 0002) and ``ix_events_last_seen``.
  No query scans a whole table's rows.  The web process (``/metrics``) and the ``run``
  daemon (``run.metrics_port``) both serve it.
- ``RunMetrics`` are counters and histograms kept by the ``run`` process itself: feeds
  polled by outcome, errors by kind, articles per step, tick and briefing-write latency.

LLM usage (requests, prompt and completion tokens) is counted by the ``run`` process from
what the LLM writer records with each version it writes (``llm_run`` in the version's
reproducibility settings), read back by the version's unique key.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from newspulse.store import tables as t

__all__ = ["CONTENT_TYPE", "RunMetrics", "StoreCollector", "exposition"]
# The classic text format every Prometheus version reads.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

articles = t.articles.c
# Each step's pending work, written exactly as the partial index's predicate so the
# database answers from that index alone.
PENDING = {
    "enrich": articles.embedding.is_(None) & articles.duplicate_of.is_(None),
    "route": articles.routed_at.is_(None) & articles.duplicate_of.is_(None),
    "cluster": articles.clustered_at.is_(None) & articles.duplicate_of.is_(None),
}
# The oldest waiting article of a step is the lowest id in its pending set.  Enrichment's
# partial index is on ``id``, so ``MIN(id)`` is one index lookup; the routing and
# clustering indexes lead with ``published_at``, and a plain ``MIN(id)`` there lets the
# planner walk the primary key from the oldest row of the whole table until a pending one
# turns up.  ``id + 0`` rules that plan out: the pending rows' index is read instead, a
# cost that grows with the queue, not with the table.
OLDEST_ID = {
    "enrich": func.min(articles.id),
    "route": func.min(articles.id + 0),
    "cluster": func.min(articles.id + 0),
}
LIVE_EVENT_DAYS = 30.0


def utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class StoreCollector(Collector):
    """Gauges read from the store at scrape time (see the module's note on cost)."""

    def __init__(self, engine: Engine, *, live_event_days: float = LIVE_EVENT_DAYS) -> None:
        self.engine = engine
        self.live_event_days = live_event_days

    def collect(self) -> Iterator[GaugeMetricFamily]:
        started = time.perf_counter()
        up = GaugeMetricFamily("newspulse_store_up", "1 when the store answered this scrape.")
        try:
            families = list(self._read())
        except SQLAlchemyError:
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        yield from families
        took = GaugeMetricFamily(
            "newspulse_store_scrape_seconds", "Time taken to read this scrape's store gauges."
        )
        took.add_metric([], time.perf_counter() - started)
        yield took

    def _read(self) -> Iterator[GaugeMetricFamily]:
        now = dt.datetime.now(dt.UTC)
        with self.engine.connect() as connection:

            def scalar(query: Any) -> Any:
                return connection.execute(query).scalar()

            stored = GaugeMetricFamily("newspulse_articles", "Articles stored (copies included).")
            stored.add_metric([], scalar(select(func.count()).select_from(t.articles)))
            yield stored
            pending = GaugeMetricFamily(
                "newspulse_pending_articles",
                "Queue depth: articles (copies excluded) not yet through each step.",
                labels=["step"],
            )
            oldest = GaugeMetricFamily(
                "newspulse_oldest_pending_seconds",
                "Age (since it was fetched) of the oldest article waiting for each step; "
                "0 when none waits.",
                labels=["step"],
            )
            for step, condition in PENDING.items():
                pending.add_metric(
                    [step], scalar(select(func.count()).select_from(t.articles).where(condition))
                )
                first = select(OLDEST_ID[step]).where(condition).scalar_subquery()
                fetched = scalar(select(articles.fetched_at).where(articles.id == first))
                age = (now - utc(fetched)).total_seconds() if fetched is not None else 0.0
                oldest.add_metric([step], max(age, 0.0))
            yield pending
            yield oldest
            events = GaugeMetricFamily(
                "newspulse_events",
                f"Events stored, and live ones (an article in the last "
                f"{self.live_event_days:g} days).",
                labels=["state"],
            )
            events.add_metric(["all"], scalar(select(func.count()).select_from(t.events)))
            since = now - dt.timedelta(days=self.live_event_days)
            live = select(func.count()).select_from(t.events).where(t.events.c.last_seen >= since)
            events.add_metric(["live"], scalar(live))
            yield events
            versions = GaugeMetricFamily(
                "newspulse_briefing_versions", "Briefing versions written, all topics."
            )
            versions.add_metric([], scalar(select(func.count()).select_from(t.briefing_versions)))
            yield versions
            newest = select(func.max(t.briefing_versions.c.id)).scalar_subquery()
            written = scalar(
                select(t.briefing_versions.c.created_at).where(t.briefing_versions.c.id == newest)
            )
            latest = GaugeMetricFamily(
                "newspulse_last_briefing_timestamp_seconds",
                "Unix time of the newest briefing version (its `updated` time); 0 when none.",
            )
            latest.add_metric([], utc(written).timestamp() if written is not None else 0.0)
            yield latest
            sources = GaugeMetricFamily("newspulse_sources", "Feeds registered.")
            sources.add_metric([], scalar(select(func.count()).select_from(t.sources)))
            yield sources


@dataclass(frozen=True, slots=True)
class LlmUsage:
    requests: int
    prompt_tokens: int
    completion_tokens: int
    # Structured-output formats the server refused while the writer negotiated one.
    refusals: int = 0


def llm_usage(engine: Engine, topic: str, version: int) -> LlmUsage | None:
    """What the LLM writer recorded for one version (None when it did not run)."""
    versions = t.briefing_versions.c
    query = select(versions.settings).where(versions.topic == topic, versions.version == version)
    with engine.connect() as connection:
        settings = connection.execute(query).scalar()
    run = settings.get("llm_run") if isinstance(settings, dict) else None
    if not isinstance(run, dict):
        return None

    def number(key: str) -> int:
        value = run.get(key)
        return value if isinstance(value, int) and value >= 0 else 0

    refused = run.get("refusals")
    refusals = len(refused) if isinstance(refused, list) else 0
    return LlmUsage(
        number("requests"), number("prompt_tokens"), number("completion_tokens"), refusals
    )


class RunMetrics:
    """Counters and histograms of one ``newspulse run`` process, in their own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.polls = Counter(
            "newspulse_feed_polls",
            "Feed polls by outcome (new items, not modified, error, paused).",
            ["outcome"],
            registry=self.registry,
        )
        self.errors = Counter(
            "newspulse_errors",
            "Errors by kind: a feed's failure by its exception class, store_busy for a "
            "busy-store retry, tick for a tick that failed.",
            ["kind"],
            registry=self.registry,
        )
        self.articles = Counter(
            "newspulse_step_articles",
            "Articles through each step (ingest: new articles stored).",
            ["step"],
            registry=self.registry,
        )
        self.ticks = Counter(
            "newspulse_ticks", "Scheduler ticks completed.", registry=self.registry
        )
        self.deferred = Counter(
            "newspulse_deferred_jobs",
            "Jobs deferred by `run --engine procrastinate`, per step.",
            ["step"],
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "newspulse_tick_seconds",
            "Duration of one tick (poll, process, write).",
            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
            registry=self.registry,
        )
        self.write_seconds = Histogram(
            "newspulse_write_seconds",
            "Duration of one topic's briefing update, by outcome (written, unchanged, ...).",
            ["status"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=self.registry,
        )

        self.llm_requests = Counter(
            "newspulse_llm_requests",
            "Requests sent to the LLM server for the briefing versions written.",
            registry=self.registry,
        )
        self.llm_tokens = Counter(
            "newspulse_llm_tokens",
            "LLM tokens used for the briefing versions written, as the server counted them.",
            ["kind"],
            registry=self.registry,
        )
        self.llm_refusals = Counter(
            "newspulse_llm_format_refusals",
            "Structured-output formats the LLM server refused (each one is also in the "
            "version's reproducibility record): never a silent fallback.",
            registry=self.registry,
        )

    def count_llm(self, usage: LlmUsage | None) -> None:
        if usage is None:
            return
        self.llm_refusals.inc(usage.refusals)
        self.llm_requests.inc(usage.requests)
        self.llm_tokens.labels("prompt").inc(usage.prompt_tokens)
        self.llm_tokens.labels("completion").inc(usage.completion_tokens)

    def add_store(self, engine: Engine) -> None:
        """Serve the store gauges beside the process's counters."""
        self.registry.register(StoreCollector(engine))


def store_registry(engine: Engine) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(StoreCollector(engine))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The registry in the Prometheus text format (``CONTENT_TYPE``)."""
    return generate_latest(registry)
