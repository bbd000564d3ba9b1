"""Three `newspulse worker` processes on a real PostgreSQL do what one in-process run does,
and a worker killed with SIGKILL mid-job loses nothing once its leases lapse."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.ops.test_run_daemon import free_port, scrape
from tests.servers import HttpServer
from tests.servers import http_server as http_server  # the session fixture
from tests.store.conftest import fresh_database
from tests.workers.test_cluster_verticals import two_verticals

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

NOW = "2026-02-27T00:00:00Z"
LEASE = "3"


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "NEWSPULSE_EMBED__MODEL": "hashing",
        "NEWSPULSE_RUN__LEASE_SECONDS": LEASE,
        "NEWSPULSE_RUN__BATCH_SIZE": "8",
        "NEWSPULSE_ALLOW_PRIVATE_HOSTS": "true",
        "NEWSPULSE_FETCH__MIN_DELAY": "0",
        "NEWSPULSE_LOG__LEVEL": "INFO",
    }


def newspulse(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newspulse", *args, "--db", url],
        env=environment(),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def workers(
    url: str,
    count: int,
    logs: Path,
    *,
    first: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` worker processes; ``first``: more arguments for the first of them;
    ``env``: settings of all of them over ``environment()``'s."""
    with ExitStack() as files:
        started = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "newspulse",
                    "worker",
                    "--db",
                    url,
                    *(first if number == 0 else ()),
                ],
                env={**environment(), **(env or {})},
                stdout=files.enter_context((logs / f"worker{number}.log").open("wb")),
                stderr=subprocess.STDOUT,
            )
            for number in range(count)
        ]
        try:
            yield started
        finally:
            for process in started:
                if process.poll() is None:
                    process.terminate()
            for process in started:
                process.wait(timeout=30)


def settled(url: str) -> bool:
    """No job waits or runs on a live worker, and no work is pending.  (The job of a
    killed worker stays 'doing' until the periodic tick retries it; its claims lapse
    after their lease, and the other workers take the work.)"""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            busy = connection.execute(
                text(
                    "SELECT count(*) FROM procrastinate_jobs j WHERE task_name <> "
                    "'newspulse.tick' AND (status = 'todo' OR status = 'doing' AND EXISTS "
                    "(SELECT 1 FROM procrastinate_workers w WHERE w.id = j.worker_id AND "
                    f"w.last_heartbeat > now() - interval '{LEASE} seconds'))"
                )
            ).scalar_one()
            pending = connection.execute(
                text(
                    "SELECT count(*) FROM articles WHERE duplicate_of IS NULL AND "
                    "(embedding IS NULL OR routed_at IS NULL OR clustered_at IS NULL)"
                )
            ).scalar_one()
            fetches = connection.execute(text("SELECT count(*) FROM pending_fetches")).scalar_one()
    finally:
        engine.dispose()
    # Each job defers what comes next before it ends, so an empty queue over a drained
    # pipeline means the briefing jobs ran too.
    return busy == 0 and pending == 0 and fetches == 0


def state(url: str) -> dict[str, object]:
    """What is left, for a failure's message."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                query: connection.execute(text(query)).all()
                for query in (
                    "SELECT task_name, status, count(*) FROM procrastinate_jobs "
                    "GROUP BY task_name, status",
                    "SELECT step, worker, lease_until FROM work_claims",
                    "SELECT url, attempts, last_error FROM pending_fetches",
                    "SELECT count(*) FROM articles WHERE duplicate_of IS NULL AND "
                    "(embedding IS NULL OR routed_at IS NULL OR clustered_at IS NULL)",
                )
            }
    finally:
        engine.dispose()


def wait_until_settled(url: str, *, seconds: float) -> float:
    started = time.monotonic()
    while not settled(url):
        assert time.monotonic() - started < seconds, f"not finished in time: {state(url)}"
        time.sleep(0.3)
    return time.monotonic() - started


Outcome = tuple[list[list[str]], dict[str, list[str]], int]


def outcome(url: str, names: dict[tuple[str, ...], int] | None = None) -> Outcome:
    """Events as sorted groups of canonical URLs, each topic's briefing documents in
    version order, and the number of memberships.

    Event ids are row ids: verticals cluster in parallel on workers, so which vertical's
    event gets the next id depends on timing.  ``names`` (member group -> id, from the
    run compared with) renames the events in the documents by their members; the
    documents' fingerprints, which hash the ids, are left out.
    """
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            groups: dict[int, list[str]] = {}
            rows = connection.execute(
                text(
                    "SELECT ea.event_id, a.canonical_url FROM event_articles ea "
                    "JOIN articles a ON a.id = ea.article_id"
                )
            )
            for event_id, canonical in rows:
                groups.setdefault(event_id, []).append(canonical)
            renamed = {
                event_id: (names or {}).get(tuple(sorted(group)), event_id)
                for event_id, group in groups.items()
            }
            documents: dict[str, list[str]] = {}
            for topic, document in connection.execute(
                text("SELECT topic, document FROM briefing_versions ORDER BY topic, version")
            ):
                body = json.loads(document) if isinstance(document, str) else document
                documents.setdefault(topic, []).append(
                    json.dumps(rename_events(body, renamed), sort_keys=True)
                )
    finally:
        engine.dispose()
    members = sum(len(group) for group in groups.values())
    return sorted(sorted(group) for group in groups.values()), documents, members


def event_names(url: str) -> dict[tuple[str, ...], int]:
    """Each event's id by its members (sorted canonical URLs)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            groups: dict[int, list[str]] = {}
            for event_id, canonical in connection.execute(
                text(
                    "SELECT ea.event_id, a.canonical_url FROM event_articles ea "
                    "JOIN articles a ON a.id = ea.article_id"
                )
            ):
                groups.setdefault(event_id, []).append(canonical)
    finally:
        engine.dispose()
    return {tuple(sorted(group)): event_id for event_id, group in groups.items()}


def rename_events(value: object, renamed: dict[int, int], key: str = "") -> object:
    """``value`` with the event ids (the values of keys that name events) renamed, and
    without fingerprints (a hash over the events' ids among the rest)."""
    if isinstance(value, dict):
        return {k: rename_events(v, renamed, k) for k, v in value.items() if k != "fingerprint"}
    if isinstance(value, list):
        return [rename_events(item, renamed, key) for item in value]
    if "event" in key and isinstance(value, int) and not isinstance(value, bool):
        return renamed.get(value, value)
    return value


def test_three_workers_give_the_events_and_briefings_of_an_in_process_run(
    postgres_url: str, tmp_path: Path
) -> None:
    # Two verticals with topics (and the catch-all): each clusters under its own lease.
    corpus = two_verticals(tmp_path)
    began = time.monotonic()
    alone, jobs = fresh_database(postgres_url), fresh_database(postgres_url)
    for url in (alone, jobs):
        newspulse(url, "init")
    newspulse(alone, "replay", str(corpus), "--now", NOW)
    newspulse(alone, "update", "--now", NOW)
    started = time.monotonic()
    port = free_port()
    with workers(jobs, 3, tmp_path, first=("--metrics-port", str(port))):
        newspulse(jobs, "replay", str(corpus), "--now", NOW, "--engine", "procrastinate")
        waited = wait_until_settled(jobs, seconds=60)
        # The first worker's own jobs per step, over real HTTP while it runs.
        values = scrape(f"http://127.0.0.1:{port}/metrics")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as ready:
            assert json.loads(ready.read()) == {"status": "ready"}
    print(f"baseline {started - began:.1f}s, jobs {waited:.1f}s after the replay command")
    worked = {
        labels[1][1]: value
        for (name, labels), value in values.items()
        if name == "newspulse_worker_jobs_total" and labels[0] == ("outcome", "worked")
    }
    print(f"jobs that did work on the first worker, per step: {worked}")
    assert sum(worked.values()) >= 1
    assert values[("newspulse_pending_articles", (("step", "cluster"),))] == 0
    events, documents, members = outcome(jobs, event_names(alone))
    expected_events, expected_documents, _ = outcome(alone)
    assert len(events) > 5
    assert events == expected_events
    assert documents == expected_documents
    assert documents  # some topic got a briefing
    assert members == sum(len(group) for group in expected_events)


def test_a_worker_killed_mid_job_loses_nothing(
    postgres_url: str, tmp_path: Path, http_server: HttpServer
) -> None:
    began = time.monotonic()
    url = fresh_database(postgres_url)
    newspulse(url, "init")
    engine = create_engine(url)
    with workers(url, 3, tmp_path) as started:
        newspulse(url, "sources", "add", http_server.url("slow-feed?items=12&delay=1.5"))
        newspulse(url, "run", "--engine", "procrastinate", "--ticks", "1")
        pids = {process.pid: process for process in started}
        victim = None
        deadline = time.monotonic() + 20
        while victim is None and time.monotonic() < deadline:
            with engine.connect() as connection:
                holders = connection.execute(
                    text("SELECT worker FROM work_claims WHERE step = 'fetch'")
                ).scalars()
                found = [int(holder.split(":")[1]) for holder in holders]
            victim = next((pid for pid in found if pid in pids), None)
            time.sleep(0.05)
        assert victim is not None, "no worker ever held a fetch claim"
        killed_at = time.monotonic() - began
        os.kill(victim, signal.SIGKILL)  # mid-fetch: it holds claims on pages being fetched
        pids[victim].wait(timeout=10)
        waited = wait_until_settled(url, seconds=45)
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT count(*), count(DISTINCT canonical_url) FROM articles")
            ).one()
            memberships = connection.execute(
                text("SELECT count(*), count(DISTINCT article_id) FROM event_articles")
            ).one()
            claims = connection.execute(text("SELECT count(*) FROM work_claims")).scalar_one()
    engine.dispose()
    print(f"killed a worker {killed_at:.1f}s in; all done {waited:.1f}s later")
    assert tuple(stored) == (12, 12)  # every item once, none lost with the killed worker
    assert tuple(memberships) == (12, 12)  # each article in exactly one event
    assert claims == 0  # the lapsed claims were taken over and released
    assert waited < 45
