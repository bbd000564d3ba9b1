"""JSON log lines (log.format = "json") and progress bars that stay off a pipe."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newspulse.ops.logs import JsonFormatter
from newspulse.ops.progress import Progress, progress_bar, render


def test_a_json_line_has_the_message_the_extras_and_the_exception() -> None:
    record = logging.LogRecord("newspulse.run", logging.ERROR, __file__, 1, "tick %s", (3,), None)
    record.polled = 12
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR"
    assert line["logger"] == "newspulse.run"
    assert line["message"] == "tick 3"
    assert line["polled"] == 12
    assert "ValueError: boom" in line["exception"]
    assert line["time"].endswith("+00:00")


def test_the_cli_logs_json_when_asked(tmp_path: Path) -> None:
    """`newspulse run` logs its tick at INFO; with log.format = json that is one JSON line."""
    db = f"sqlite:///{tmp_path / 'logs.db'}"
    env = {
        **os.environ,
        "NEWSPULSE_EMBED__MODEL": "hashing",
        "NEWSPULSE_LOG__FORMAT": "json",
        "NEWSPULSE_LOG__LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "newspulse"]
    subprocess.run([*command, "init", "--db", db], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*command, "run", "--ticks", "1", "--db", db],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    ticks = [line for line in logged if line["message"] == "tick"]
    assert ticks
    assert ticks[0]["polled"] == 0
    assert ticks[0]["level"] == "INFO"
    # The command's own output line is unchanged beside the logs.
    assert any("0 polled, 0 new" in line for line in result.stderr.splitlines())


def test_render_shows_a_bar_or_a_count() -> None:
    line = render(Progress("replay", 25, 100), 3.2, 120)
    assert line.startswith("replay [#######.......................] 25/100")
    assert "25%" in line
    assert render(Progress("export: files written", 7), 1.0, 120) == "export: files written 7  1s"
    assert len(render(Progress("x" * 500, 1, 2), 0, 40)) <= 39


def test_no_bar_off_a_terminal_and_measure_is_never_called() -> None:
    calls = []

    def measure() -> Progress:
        calls.append(1)
        return Progress("x", 1, 2)

    stream = io.StringIO()
    with progress_bar(measure, period=0.01, stream=stream):  # a StringIO is no terminal
        time.sleep(0.1)
    assert stream.getvalue() == ""
    assert calls == []


def test_a_bar_on_a_terminal_is_drawn_then_cleared() -> None:
    stream = io.StringIO()
    with progress_bar(lambda: Progress("work", 1, 2), period=0.01, stream=stream, enabled=True):
        time.sleep(0.1)
    drawn = stream.getvalue()
    assert "\rwork [" in drawn
    assert drawn.endswith("\r")


def test_replay_output_is_unchanged_through_a_pipe(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parent.parent.parent / "examples" / "corpus"
    sample = tmp_path / "sample.jsonl"
    sample.write_text(
        "\n".join((corpus / "ai-infra" / "articles.jsonl").read_text("utf-8").splitlines()[:5]),
        "utf-8",
    )
    db = f"sqlite:///{tmp_path / 'p.db'}"
    env = {**os.environ, "NEWSPULSE_EMBED__MODEL": "hashing"}
    command = [sys.executable, "-m", "newspulse"]
    subprocess.run([*command, "init", "--db", db], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*command, "replay", str(sample), "--db", db, "--now", "2026-02-27T00:00:00Z"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("replayed sample.jsonl: 5 new")


def test_a_message_during_the_bar_gets_its_own_line(capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    progress = Progress("work", 1, 2, "waiting: enrich 3")
    with progress_bar(lambda: progress, period=0.01, stream=stream, enabled=True) as bar:
        time.sleep(0.05)
        bar.say("enriched 3 articles")
        time.sleep(0.05)
    assert capsys.readouterr().err == "enriched 3 articles\n"
    drawn = stream.getvalue()
    assert "] 1/2  50%" in drawn
    assert "waiting: enrich 3" in drawn
    # Cleared (spaces over the whole line) before the message, drawn again after it.
    assert drawn.count("\r" + " " * 20) >= 2
