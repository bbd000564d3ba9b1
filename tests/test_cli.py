"""The command line as other tools script it: names, flags, --db/NEWSPULSE_DB, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newspulse.cli import app
from tests.conftest import corpus_slice

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_python_dash_m_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newspulse", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("init", "replay", "update", "export", "serve"):
        assert command in result.stdout


def test_full_cycle_with_db_flag_and_env(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"NEWSPULSE_EMBED__MODEL": "hashing"}
    assert "11 topics" in invoke("init", "--db", db, env=env)
    corpus = corpus_slice("sports", 25, tmp_path)
    output = invoke("replay", str(corpus), "--now", "2025-11-30T00:00:00Z", "--db", db, env=env)
    assert "25 new" in output
    output = invoke("update", "--now", "2025-11-30T00:00:00Z", env={**env, "NEWSPULSE_DB": db})
    assert "football:" in output
    invoke("export", str(tmp_path / "site"), "--db", db, env=env)
    suggestions = json.loads(
        invoke("topics", "suggest", "--json", "--now", "2025-11-30T00:00:00Z", "--db", db, env=env)
    )
    assert all(s["sources"] >= 2 for s in suggestions)
    first_url = json.loads(corpus.read_text().splitlines()[0])["url"]
    explained = invoke("topics", "explain", first_url, "--db", db, env=env)
    assert "score" in explained or "in no topic" in explained
    exported = tmp_path / "site" / "api" / "v1" / "topics"
    documents = [json.loads(p.read_text()) for p in exported.glob("*.json") if p.stem != "topics"]
    assert documents
    assert all(d["source_count"] == len(d["sources"]) for d in documents)


def test_commands_fail_clearly_before_init(tmp_path: Path) -> None:
    result = runner.invoke(app, ["update", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code != 0
    assert "newspulse init" in str(result.exception) or "newspulse init" in result.output


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01"])
def test_bad_now_is_rejected(tmp_path: Path, bad: str) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    invoke("init", "--db", db)
    result = runner.invoke(app, ["update", "--now", bad, "--db", db])
    assert result.exit_code == 2
    assert "ISO-8601" in result.output
