"""`newspulse run --engine procrastinate` serves run.metrics_port like the in-process
daemon: /metrics with its ticks, the jobs it deferred and the queue per step, /healthz
and /readyz, fetched over real HTTP on 127.0.0.1 while it runs."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from typing import IO

import pytest

from tests.ops.test_run_daemon import free_port, scrape
from tests.servers import HttpServer
from tests.servers import http_server as http_server  # the session fixture
from tests.store.conftest import fresh_database
from tests.workers.test_worker_processes import environment, newspulse

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def line_with(stream: IO[str], words: str) -> str:
    """The first line of ``stream`` with ``words`` in it (log lines come between)."""
    for line in stream:
        if words in line:
            return line
    raise AssertionError(f"the process ended without a line with {words!r}")


def test_run_with_the_procrastinate_engine_serves_its_metrics(
    postgres_url: str, http_server: HttpServer
) -> None:
    url = fresh_database(postgres_url)
    newspulse(url, "init")
    newspulse(url, "sources", "add", http_server.url("feed/engine-metrics?items=3"))
    port = free_port()
    daemon = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newspulse",
            "run",
            "--engine",
            "procrastinate",
            "--db",
            url,
            "--interval",
            "3600",
        ],
        env={**environment(), "NEWSPULSE_RUN__METRICS_PORT": str(port)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert daemon.stderr is not None
        assert line_with(daemon.stderr, "run metrics at")
        assert line_with(daemon.stderr, "deferred")  # the first tick; then it sleeps
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while (values := scrape(f"{base}/metrics"))[("newspulse_ticks_total", ())] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # No worker runs: the poll it deferred waits in the queue.
        assert values[("newspulse_deferred_jobs_total", (("step", "poll"),))] == 1
        assert values[("newspulse_jobs", (("status", "todo"), ("step", "poll")))] == 1
        assert values[("newspulse_sources", ())] == 1
        assert values[("newspulse_store_up", ())] == 1
        for path, body in (("/healthz", {"status": "ok"}), ("/readyz", {"status": "ready"})):
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                assert json.loads(answer.read()) == body
        daemon.send_signal(signal.SIGTERM)
        rest = daemon.communicate(timeout=30)[1]
        assert daemon.returncode == 0, rest
        assert "stopped on SIGTERM" in rest
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait(timeout=10)
