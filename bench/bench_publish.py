"""Topic pages served per second by the live app, and latency percentiles.

Builds a store from the three corpora with the fast hashing embedder (page
rendering cost does not depend on the model), starts the real server with
uvicorn on 127.0.0.1, and fetches the topic page sequentially and concurrently.
    python bench/bench_publish.py [--requests 500]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from common import CORPUS, report, timed
from newspulse.enrich.embed import HashingEmbedder
from newspulse.pipeline import replay, update_briefings
from newspulse.publish.app import create_app
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
PAGE = "/ai/ai-infrastructure-funding/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def hammer(url: str, total: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    async with httpx.AsyncClient() as client:
        queue = list(range(total))

        async def worker() -> None:
            while queue:
                queue.pop()
                started = time.perf_counter()
                response = await client.get(url)
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    total = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db=f"sqlite:///{Path(folder) / 'bench.db'}")
        store = SqlStore.open(settings.db)
        store.migrate()
        store.save_catalog(load_catalog())
        for name in ("ai-infra", "crypto", "sports"):
            replay(
                store,
                CORPUS / name / "articles.jsonl",
                HashingEmbedder(),
                now=NOW,
                settings=settings,
            )
        update_briefings(store, now=NOW, settings=settings)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}{PAGE}"
        for concurrency in (1, 8):
            with timed() as run:
                latencies = asyncio.run(hammer(url, total, concurrency))
            report(f"publish: topic page, concurrency {concurrency}", total, run.seconds, "pages")
            cuts = statistics.quantiles(latencies, n=100)
            print(f"    p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms", flush=True)
        server.should_exit = True
        thread.join()
        store.close()


if __name__ == "__main__":
    main()
