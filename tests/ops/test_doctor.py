"""`newspulse doctor`: one ok/FAIL line per check, exit 1 on any failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def doctor(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newspulse", *args],
        cwd=folder,
        env={**os.environ, "NEWSPULSE_EMBED__MODEL": "hashing", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def lines(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """check name -> "ok" | "FAIL"."""
    found = {}
    for line in result.stdout.splitlines():
        state, name = line.split()[:2]
        found[name.rstrip(":")] = state
    return found


@contextmanager
def models_endpoint(status: int) -> Iterator[str]:
    """A loopback OpenAI-compatible ``GET /v1/models`` answering ``status``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"data": [{"id": "tiny"}]}).encode()
            self.send_response(status if self.path == "/v1/models" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_an_uninitialised_store_fails_the_database_check(tmp_path: Path) -> None:
    result = doctor(tmp_path, "doctor")
    assert result.returncode == 1
    assert lines(result) == {
        "config": "ok",
        "database": "FAIL",
        "model": "ok",
        "llm": "ok",
        "disk": "ok",
    }
    assert "newspulse init" in result.stdout
    assert not (tmp_path / "newspulse.db").exists()  # doctor does not create it


def test_a_ready_installation_passes_every_check(tmp_path: Path) -> None:
    assert doctor(tmp_path, "init").returncode == 0
    result = doctor(tmp_path, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(lines(result).values()) == {"ok"}
    assert "schema at" in result.stdout


@pytest.mark.slow
def test_the_bundled_model_is_checksummed(tmp_path: Path) -> None:
    result = doctor(tmp_path, "doctor", NEWSPULSE_EMBED__MODEL="all-MiniLM-L6-v2")
    assert lines(result)["model"] == "ok"
    assert "sha256 ok" in result.stdout


def test_config_llm_and_disk_failures(tmp_path: Path) -> None:
    assert doctor(tmp_path, "init").returncode == 0
    broken = tmp_path / "broken.toml"
    broken.write_text("[cluster]\nthreshold = 7\n", "utf-8")
    result = doctor(tmp_path, "doctor", "--config", str(broken))
    assert result.returncode == 1
    assert lines(result) == {"config": "FAIL"}  # nothing else can be checked

    with models_endpoint(200) as up, models_endpoint(500) as failing:
        for url, state in ((up, "ok"), (failing, "FAIL"), ("http://127.0.0.1:9/v1", "FAIL")):
            result = doctor(
                tmp_path, "doctor", NEWSPULSE_LLM__ENABLED="true", NEWSPULSE_LLM__BASE_URL=url
            )
            assert lines(result)["llm"] == state, result.stdout
            assert result.returncode == (0 if state == "ok" else 1)

    result = doctor(tmp_path, "doctor", "--min-free-gb", "1000000")
    assert lines(result)["disk"] == "FAIL"
    assert result.returncode == 1
