"""The operators' endpoints of a process that is not the web app: ``newspulse run`` (either
engine) and ``newspulse worker`` serve ``/metrics``, ``/healthz`` and ``/readyz`` on a port
of their own, answering as the web process does (``publish.app``).

A small ``http.server`` in a daemon thread: it needs nothing from the process but its
metrics registry and a readiness check, and it stops with the process.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CollectorRegistry

from newspulse.errors import ConfigError
from newspulse.ops.metrics import CONTENT_TYPE, exposition

# None when ready, else why not (never the database URL).
Readiness = Callable[[], str | None]


class OpsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], registry: CollectorRegistry, ready: Readiness):
        self.registry = registry
        self.ready = ready
        super().__init__(address, OpsHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class OpsHandler(BaseHTTPRequestHandler):
    server: OpsServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self.answer(200, exposition(self.server.registry), CONTENT_TYPE)
        elif path == "/healthz":
            self.answer_json(200, {"status": "ok"})
        elif path == "/readyz":
            reason = self.server.ready()
            if reason is None:
                self.answer_json(200, {"status": "ready"})
            else:
                self.answer_json(503, {"status": "not ready", "reason": reason})
        else:
            self.answer_json(404, {"error": "not found"})

    def answer_json(self, status: int, body: dict[str, str]) -> None:
        self.answer(status, json.dumps(body).encode("utf-8"), "application/json")

    def answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Scrapes are not worth a log line each."""


def serve_ops(
    registry: CollectorRegistry, ready: Readiness, *, host: str, port: int, setting: str
) -> OpsServer:
    """Serve the endpoints on ``host:port`` (0: any free port) until the process ends;
    a port that cannot be bound is a ``ConfigError`` naming ``setting``."""
    try:
        server = OpsServer((host, port), registry, ready)
    except OSError as exc:
        raise ConfigError(f"cannot serve the metrics ({setting})", f"{host}:{port}") from exc
    threading.Thread(target=server.serve_forever, name="ops-endpoints", daemon=True).start()
    return server
