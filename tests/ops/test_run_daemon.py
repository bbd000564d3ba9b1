"""`newspulse run` as an operator leaves it: SIGTERM stops it cleanly, and a restart after
an interruption (SIGTERM or kill -9 at any point) loses and duplicates nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

# Imported at collection: trafilatura's first import warns (urllib3 without PySocks), and
# inside a test warnings are errors.
from newspulse.poller import create_fetcher, poll_due_sources
from newspulse.settings import load_settings
from newspulse.store.sql import SqlStore
from tests.ops.feeds import corpus_feed, serving

ARTICLES = 40


def newspulse(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newspulse", *args, "--db", f"sqlite:///{db}"]


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "NEWSPULSE_EMBED__MODEL": "hashing",
        "NEWSPULSE_ALLOW_PRIVATE_HOSTS": "true",
        "NEWSPULSE_FETCH__MIN_DELAY": "0",
        "NEWSPULSE_FETCH__SNIPPET_CHARS": "0",  # every item is full text: no page fetches
        # The hashing embedder routes with the single-profile settings (as tests/e2e does).
        "NEWSPULSE_ROUTE__PHRASE_PROFILES": "false",
        "NEWSPULSE_ROUTE__THRESHOLD": "0.32",
        "NEWSPULSE_ROUTE__TERM_BONUS": "0.06",
        "NEWSPULSE_ROUTE__LABEL_MARGIN": "0.15",
    }


def prepare(db: Path, feed_url: str) -> None:
    for args in (("init",), ("sources", "add", feed_url)):
        subprocess.run(
            newspulse(db, *args), env=environment(), check=True, capture_output=True, timeout=120
        )


def run_once(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        newspulse(db, "run", "--ticks", "1"),
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def outcome(db: Path) -> dict[str, object]:
    """What a finished store holds, independent of ids and clock times."""
    with sqlite3.connect(db) as connection:
        urls = [row[0] for row in connection.execute("SELECT canonical_url FROM articles")]
        pending = connection.execute(
            "SELECT count(*) FROM articles WHERE duplicate_of IS NULL AND "
            "(embedding IS NULL OR routed_at IS NULL OR clustered_at IS NULL)"
        ).fetchone()[0]
        groups: dict[int, list[str]] = {}
        for event_id, url in connection.execute(
            "SELECT ea.event_id, a.canonical_url FROM event_articles ea "
            "JOIN articles a ON a.id = ea.article_id"
        ):
            groups.setdefault(event_id, []).append(url)
        memberships = connection.execute("SELECT count(*) FROM event_articles").fetchone()[0]
        originals = connection.execute(
            "SELECT count(*) FROM articles WHERE duplicate_of IS NULL"
        ).fetchone()[0]
        versions = connection.execute(
            "SELECT topic, count(*) FROM briefing_versions GROUP BY topic ORDER BY topic"
        ).fetchall()
        routed = connection.execute(
            "SELECT topic, count(*) FROM article_topics GROUP BY topic ORDER BY topic"
        ).fetchall()
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    assert len(urls) == len(set(urls))
    return {
        "integrity": integrity,
        "articles": sorted(urls),
        "pending": pending,
        "all_in_one_event": memberships == originals,
        "events": sorted(sorted(group) for group in groups.values()),
        "versions": versions,
        "routed": routed,
    }


@contextmanager
def killed_on_exit(process: subprocess.Popen[str]) -> Iterator[None]:
    """Never leave a daemon behind when an assertion fails before it is stopped."""
    try:
        yield
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        body = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


@pytest.mark.slow
def test_sigterm_finishes_the_step_releases_the_lock_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    port = free_port()
    with serving(corpus_feed("ai-infra", ARTICLES, dt.datetime.now(dt.UTC))) as feed:
        prepare(db, feed)
        daemon = subprocess.Popen(
            newspulse(db, "run", "--interval", "3600"),
            env={**environment(), "NEWSPULSE_RUN__METRICS_PORT": str(port)},
            stderr=subprocess.PIPE,
            text=True,
        )
        with killed_on_exit(daemon):
            assert daemon.stderr is not None
            assert "run metrics at" in daemon.stderr.readline()
            tick = daemon.stderr.readline()  # the first tick's line; then it sleeps an hour
            assert "polled" in tick, tick
            # The daemon's own counters and the store gauges, while it sleeps.
            # The tick is counted just after its line is printed.
            deadline = time.monotonic() + 10
            while (values := scrape(f"http://127.0.0.1:{port}/metrics"))[
                ("newspulse_ticks_total", ())
            ] < 1:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert values[("newspulse_feed_polls_total", (("outcome", "new items"),))] == 1
            for step in ("ingest", "enrich", "route", "cluster"):
                assert values[("newspulse_step_articles_total", (("step", step),))] == ARTICLES
            assert values[("newspulse_pending_articles", (("step", "cluster"),))] == 0
            assert values[("newspulse_articles", ())] == ARTICLES
            written = values[("newspulse_write_seconds_count", (("status", "written"),))]
            assert written >= 1
            for path, body in (("/healthz", b'"ok"'), ("/readyz", b'"ready"')):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
                    assert body in answer.read()
            started = time.monotonic()
            daemon.send_signal(signal.SIGTERM)
            rest = daemon.communicate(timeout=60)[1]
            assert daemon.returncode == 0, rest
            assert time.monotonic() - started < 10  # the sleep is cut short
            assert "stopped on SIGTERM" in rest
            assert "Traceback" not in rest
        # The lock is free: another run starts at once.
        again = run_once(db)
        assert again.returncode == 0, again.stderr
    assert outcome(db)["pending"] == 0


@pytest.mark.slow
def test_a_restart_after_an_interruption_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    with serving(corpus_feed("ai-infra", ARTICLES, now)) as feed:
        clean = tmp_path / "clean.db"
        prepare(clean, feed)
        first = run_once(clean)
        assert first.returncode == 0, first.stderr
        expected = outcome(clean)
        assert expected["pending"] == 0
        assert len(expected["articles"]) == ARTICLES  # type: ignore[arg-type]
        assert expected["versions"], "the clean run wrote no briefing"

        rng = random.Random(12)
        for attempt, how in enumerate((signal.SIGTERM, signal.SIGKILL, signal.SIGKILL)):
            db = tmp_path / f"interrupted-{attempt}.db"
            prepare(db, feed)
            daemon = subprocess.Popen(
                newspulse(db, "run", "--ticks", "1"),
                env=environment(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            # Somewhere between start-up and the end of the tick (about 2-4 s here).
            time.sleep(rng.uniform(1.0, 3.5))
            daemon.send_signal(how)
            daemon.wait(timeout=120)
            restarted = run_once(db)
            assert restarted.returncode == 0, restarted.stderr
            assert outcome(db) == expected, f"after {how.name} (attempt {attempt})"


@pytest.mark.slow
def test_a_restart_finishes_work_stored_but_not_processed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash right after the poll stored its articles: the feed is not due again, and the
    next tick still embeds, routes and clusters them and writes the briefings."""
    now = dt.datetime.now(dt.UTC)
    with serving(corpus_feed("ai-infra", ARTICLES, now)) as feed:
        clean = tmp_path / "clean.db"
        prepare(clean, feed)
        assert run_once(clean).returncode == 0
        expected = outcome(clean)

        db = tmp_path / "crashed.db"
        prepare(db, feed)
        for name, value in environment().items():  # the same settings in this process
            monkeypatch.setenv(name, value)
        settings = load_settings(db=f"sqlite:///{db}")
        store = SqlStore.open(settings.db)

        async def poll_only() -> int:
            async with create_fetcher(settings) as fetcher:
                report = await poll_due_sources(store, fetcher, now=now, settings=settings)
            return report.new_items

        try:
            assert asyncio.run(poll_only()) == ARTICLES
        finally:
            store.close()
        assert outcome(db)["pending"] == ARTICLES
        restarted = run_once(db)
        assert restarted.returncode == 0, restarted.stderr
        assert "0 new" in restarted.stderr  # nothing was polled again
        assert outcome(db) == expected


def fresh_postgres_database(server_url: str, name: str) -> str:
    """A new, empty database on the test server; its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def postgres_outcome(url: str) -> dict[str, object]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:

            def rows(query: str) -> list[tuple[object, ...]]:
                return [tuple(row) for row in connection.execute(text(query))]

            groups: dict[object, list[str]] = {}
            for event_id, article_url in rows(
                "SELECT ea.event_id, a.canonical_url FROM event_articles ea "
                "JOIN articles a ON a.id = ea.article_id"
            ):
                groups.setdefault(event_id, []).append(str(article_url))
            return {
                "articles": sorted(str(r[0]) for r in rows("SELECT canonical_url FROM articles")),
                "pending": rows(
                    "SELECT count(*) FROM articles WHERE duplicate_of IS NULL AND "
                    "(embedding IS NULL OR routed_at IS NULL OR clustered_at IS NULL)"
                )[0][0],
                "memberships": rows("SELECT count(*) FROM event_articles")[0][0],
                "events": sorted(sorted(group) for group in groups.values()),
                "versions": rows(
                    "SELECT topic, count(*) FROM briefing_versions GROUP BY topic ORDER BY topic"
                ),
            }
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_restart_on_postgres_loses_and_duplicates_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    def cli(url: str, *args: str) -> list[str]:
        return [sys.executable, "-m", "newspulse", *args, "--db", url]

    def call(url: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cli(url, *args), env=environment(), capture_output=True, text=True, timeout=300
        )

    now = dt.datetime.now(dt.UTC)
    with serving(corpus_feed("ai-infra", ARTICLES, now)) as feed:
        clean = fresh_postgres_database(postgres_url, "run_clean")
        for args in (("init",), ("sources", "add", feed), ("run", "--ticks", "1")):
            assert call(clean, *args).returncode == 0
        expected = postgres_outcome(clean)
        assert expected["pending"] == 0
        assert expected["versions"]

        for attempt, delay in enumerate((2.0, 2.8)):
            url = fresh_postgres_database(postgres_url, f"run_killed_{attempt}")
            for args in (("init",), ("sources", "add", feed)):
                assert call(url, *args).returncode == 0
            daemon = subprocess.Popen(
                cli(url, "run", "--ticks", "1"),
                env=environment(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            daemon.send_signal(signal.SIGKILL)
            daemon.wait(timeout=60)
            # The advisory lock died with the process: the restart is not refused.
            restarted = call(url, "run", "--ticks", "1")
            assert restarted.returncode == 0, restarted.stderr
            assert postgres_outcome(url) == expected, f"kill -9 after {delay}s"
