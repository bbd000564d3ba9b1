"""One `newspulse run` per store; the lock dies with its holder, `kill -9` included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newspulse.store.run_lock import RunLockedError, run_lock
from newspulse.store.sql import SqlStore

LOCKED = "another `newspulse run` is already working on this store"


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqlStore]:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'lock.db'}")
    store.migrate()
    yield store
    store.close()


def test_a_second_holder_is_refused_until_the_first_lets_go(sqlite_store: SqlStore) -> None:
    other = SqlStore.open(sqlite_store.url)
    try:
        with (
            run_lock(sqlite_store),
            pytest.raises(RunLockedError, match="already"),
            run_lock(other),
        ):
            pass
        with run_lock(other):
            pass
    finally:
        other.close()


def test_postgres_stores_are_locked_too(postgres_url: str) -> None:
    first, second = SqlStore.open(postgres_url), SqlStore.open(postgres_url)
    try:
        with run_lock(first), pytest.raises(RunLockedError), run_lock(second):
            pass
        with run_lock(second):
            pass
    finally:
        first.close()
        second.close()


def cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newspulse", *args, "--db", f"sqlite:///{db}"]


def test_two_run_processes_are_refused_and_kill_9_frees_the_store(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    env = {**os.environ, "NEWSPULSE_EMBED__MODEL": "hashing"}
    subprocess.run(cli(db, "init"), env=env, check=True, capture_output=True, timeout=120)
    first = subprocess.Popen(
        cli(db, "run", "--interval", "1"), env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        lock_file = Path(f"{db}.run.lock")
        deadline = time.monotonic() + 60
        while not (lock_file.exists() and lock_file.read_text().strip() == str(first.pid)):
            assert time.monotonic() < deadline, "the first run never took the lock"
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            time.sleep(0.1)
        second = subprocess.run(
            cli(db, "run", "--ticks", "1"), env=env, capture_output=True, text=True, timeout=120
        )
        assert second.returncode == 1
        assert LOCKED in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        if first.stderr is not None:
            first.stderr.close()
    third = subprocess.run(
        cli(db, "run", "--ticks", "1"), env=env, capture_output=True, text=True, timeout=120
    )
    assert third.returncode == 0, third.stderr
