"""`kill -9` at random points of a replay, then a rerun: the store ends as if nothing
had happened (same events, same briefing) and SQLite's integrity check is clean."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import corpus_slice

NOW = "2026-02-27T00:00:00Z"
KILLS = 20


def newspulse(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newspulse", *args, "--db", f"sqlite:///{db}"]


def environment() -> dict[str, str]:
    return {**os.environ, "NEWSPULSE_EMBED__MODEL": "hashing"}


def finish(db: Path, corpus: Path) -> None:
    for args in (("replay", str(corpus), "--now", NOW), ("update", "--now", NOW)):
        subprocess.run(
            newspulse(db, *args), env=environment(), check=True, capture_output=True, timeout=300
        )


def outcome(db: Path) -> tuple[str, list[list[str]], list[str]]:
    """Integrity check, events as groups of canonical URLs, and the briefing documents."""
    with sqlite3.connect(db) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        groups: dict[int, list[str]] = {}
        rows = connection.execute(
            "SELECT ea.event_id, a.canonical_url FROM event_articles ea "
            "JOIN articles a ON a.id = ea.article_id"
        )
        for event_id, url in rows:
            groups.setdefault(event_id, []).append(url)
        documents = [
            json.dumps(json.loads(row[0]), sort_keys=True)
            for row in connection.execute("SELECT document FROM briefing_versions ORDER BY id")
        ]
    return integrity, sorted(sorted(group) for group in groups.values()), documents


@pytest.mark.slow
def test_kill_9_during_replays_then_a_rerun_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    corpus = corpus_slice("ai-infra", 80, tmp_path)
    clean, crashed = tmp_path / "clean.db", tmp_path / "crashed.db"
    for db in (clean, crashed):
        subprocess.run(
            newspulse(db, "init"), env=environment(), check=True, capture_output=True, timeout=120
        )
    finish(clean, corpus)
    rng = random.Random(20261207)
    killed_while_running = 0
    for _ in range(KILLS):
        process = subprocess.Popen(
            newspulse(crashed, "replay", str(corpus), "--now", NOW),
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 4.0))
        killed_while_running += process.poll() is None
        process.kill()  # SIGKILL
        process.wait(timeout=30)
    finish(crashed, corpus)
    assert killed_while_running >= KILLS // 2  # most kills landed mid-run
    reference = outcome(clean)
    assert reference[0] == "ok"
    assert reference[1]
    assert reference[2]
    assert outcome(crashed) == reference
