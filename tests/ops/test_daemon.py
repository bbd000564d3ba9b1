"""Busy-store backoff and stop signals of `newspulse run` (ops/daemon.py), on real databases."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

# Imported at collection: trafilatura's first import warns (urllib3 without PySocks), and
# inside a test warnings are errors.
from newspulse import poller
from newspulse.cli_run import run_loop
from newspulse.ops.daemon import (
    StopRequestedError,
    StopSignals,
    StoreBusyError,
    backoff_delays,
    is_busy,
    retry_busy,
)
from newspulse.store.sql import SqlStore


@pytest.fixture
def locked_sqlite(tmp_path: Path) -> Iterator[tuple[str, sqlite3.Connection]]:
    """A SQLite file, and a second connection holding its write lock."""
    path = tmp_path / "busy.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (x INTEGER)")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield f"sqlite:///{path}", holder
    holder.close()


def test_backoff_doubles_up_to_the_cap() -> None:
    assert backoff_delays(6, 1.0, 10.0) == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff_delays(0, 1.0, 10.0) == []


def test_a_locked_sqlite_file_is_busy_and_retried_until_it_frees(
    locked_sqlite: tuple[str, sqlite3.Connection],
) -> None:
    url, holder = locked_sqlite
    engine = create_engine(url, connect_args={"timeout": 0.05})
    waits: list[float] = []

    def insert() -> int:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
        return 1

    def release_on_second(attempt: int, delay: float, exc: BaseException) -> None:
        assert is_busy(exc)
        if attempt == 2:
            holder.execute("ROLLBACK")

    result = retry_busy(
        insert,
        retries=5,
        first=0.01,
        cap=0.02,
        resource=url,
        wait=lambda seconds: waits.append(seconds) is not None,
        on_retry=release_on_second,
    )
    assert result == 1
    assert waits == [0.01, 0.02]
    engine.dispose()


def test_a_store_that_stays_busy_gives_a_clear_error(
    locked_sqlite: tuple[str, sqlite3.Connection],
) -> None:
    url, _ = locked_sqlite
    engine = create_engine(url, connect_args={"timeout": 0.01})

    def insert() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))

    with pytest.raises(StoreBusyError) as raised:
        retry_busy(insert, retries=3, first=0.001, cap=0.002, resource=url, wait=lambda _: False)
    message = str(raised.value)
    assert "stayed busy through 3 retries" in message
    assert "busy.db" in message
    assert "database is locked" in message
    engine.dispose()


def test_a_stop_while_waiting_ends_the_retries(
    locked_sqlite: tuple[str, sqlite3.Connection],
) -> None:
    url, _ = locked_sqlite
    engine = create_engine(url, connect_args={"timeout": 0.01})

    def insert() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))

    with pytest.raises(StopRequestedError):
        retry_busy(insert, retries=5, first=1.0, cap=1.0, resource=url, wait=lambda _: True)
    engine.dispose()


def test_other_errors_are_not_retried(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    calls = []

    def broken() -> None:
        calls.append(1)
        with engine.connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(OperationalError):
        retry_busy(broken, retries=5, first=0.001, cap=0.001, resource="x", wait=lambda _: False)
    assert calls == [1]
    engine.dispose()


@pytest.mark.postgres
def test_a_postgres_lock_timeout_is_busy(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as setup:
        setup.execute(text("CREATE TABLE IF NOT EXISTS busy_probe (x INTEGER)"))
    holder = engine.connect()
    holder.execute(text("LOCK TABLE busy_probe IN ACCESS EXCLUSIVE MODE"))
    try:
        for setting, query in (
            ("lock_timeout", "SELECT * FROM busy_probe"),  # 55P03 lock_not_available
            ("statement_timeout", "SELECT pg_sleep(1)"),  # 57014 query_canceled
        ):
            with engine.connect() as connection:
                connection.execute(text(f"SET {setting} = '50ms'"))
                with pytest.raises(OperationalError) as raised:
                    connection.execute(text(query))
            assert is_busy(raised.value), setting
    finally:
        holder.rollback()
        holder.close()
        with engine.begin() as cleanup:
            cleanup.execute(text("DROP TABLE busy_probe"))
        engine.dispose()


def test_the_first_signal_asks_to_stop_and_the_second_stops_at_once() -> None:
    stop = StopSignals()
    with stop.installed():
        signal.raise_signal(signal.SIGTERM)
        assert stop.stopping
        assert stop.received == "SIGTERM"
        assert stop.wait(10)  # returns at once
        with pytest.raises(SystemExit) as raised:
            signal.raise_signal(signal.SIGINT)
        assert raised.value.code == 128 + signal.SIGINT
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.postgres
def test_a_lock_timeout_in_the_url_reaches_every_connection(postgres_url: str) -> None:
    """docs/deploy.md sets PostgreSQL's lock_timeout in NEWSPULSE_DB; it must take effect."""
    store = SqlStore.open(f"{postgres_url}?options=-c%20lock_timeout%3D30s")
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("SHOW lock_timeout")).scalar() == "30s"
    finally:
        store.close()


def real_lock_error(locked: tuple[str, sqlite3.Connection]) -> OperationalError:
    """The error SQLAlchemy raises when another connection holds the write lock."""
    engine = create_engine(locked[0], connect_args={"timeout": 0.01})
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
    except OperationalError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("the write went through a held lock")


def test_run_retries_a_busy_tick_and_then_gives_up(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    locked_sqlite: tuple[str, sqlite3.Connection],
) -> None:
    busy = real_lock_error(locked_sqlite)
    db = f"sqlite:///{tmp_path / 'run.db'}"
    store = SqlStore.open(db)
    store.migrate()
    store.close()
    for name, value in {
        "NEWSPULSE_EMBED__MODEL": "hashing",
        "NEWSPULSE_RUN__BUSY_RETRIES": "3",
        "NEWSPULSE_RUN__BUSY_BACKOFF": "0.01",
        "NEWSPULSE_RUN__BUSY_MAX_BACKOFF": "0.02",
    }.items():
        monkeypatch.setenv(name, value)
    real = poller.poll_and_process
    calls: list[int] = []

    def busy_twice(store: SqlStore, **kwargs: object) -> poller.PollReport:
        calls.append(1)
        if len(calls) <= 2:
            raise busy
        return real(store, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(poller, "poll_and_process", busy_twice)
    run_loop(1.0, 1, db, None)
    assert len(calls) == 3
    err = capsys.readouterr().err
    assert "store busy (OperationalError); retry 1 in 0.01s" in err
    assert "retry 2 in 0.02s" in err
    assert "0 polled, 0 new" in err

    def always_busy(store: SqlStore, **kwargs: object) -> poller.PollReport:
        raise busy

    monkeypatch.setattr(poller, "poll_and_process", always_busy)
    with pytest.raises(StoreBusyError, match="stayed busy through 3 retries"):
        run_loop(1.0, 1, db, None)
