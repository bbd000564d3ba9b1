"""Pages served per second by the live app, latency percentiles, and the static export time.

Builds a store from the three bundled corpora the way `make demo-build` does (each corpus
replayed at its period end, then `update`), serves it with uvicorn on 127.0.0.1, and
fetches the topic, history and event pages sequentially and concurrently with a real HTTP
client; then times `export_site` of the whole site.  The fast hashing embedder is the
default (page cost does not depend on the model); `--embedder minilm` uses the bundled
model, as the demo does.  ``--while-writing`` builds the store from the AI corpus only and
serves the topic page while `newspulse replay` and `update` processes write the crypto and
sports corpora into the same store (ingest → enrich → route → cluster → briefing versions),
and reports pages/s and latency under those writes.
    python bench/bench_publish.py [--requests 500] [--embedder hashing|minilm] [--while-writing]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from common import CORPUS, report, timed
from newspulse.enrich.embed import MINILM_NAME, Embedder, HashingEmbedder, MiniLMEmbedder
from newspulse.pipeline import replay, update_briefings
from newspulse.publish.app import create_app
from newspulse.publish.export import export_site
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

TOPIC = "ai-infrastructure-funding"
TOPIC_PAGE = f"/ai/{TOPIC}/"
HISTORY_PAGE = f"/ai/{TOPIC}/history/"
# The demo's corpora, each replayed and updated at the end of its period (see the Makefile).
DEMO = (
    ("ai-infra", "ai", dt.datetime(2026, 2, 27, tzinfo=dt.UTC)),
    ("crypto", "crypto", dt.datetime(2025, 11, 30, tzinfo=dt.UTC)),
    ("sports", "sports", dt.datetime(2025, 11, 30, tzinfo=dt.UTC)),
)
NOW = max(now for _, _, now in DEMO)


@dataclass(frozen=True, slots=True)
class Latency:
    p50_ms: float
    p99_ms: float


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


def percentiles(latencies: list[float]) -> Latency:
    cuts = statistics.quantiles(latencies, n=100)
    return Latency(p50_ms=cuts[49] * 1000, p99_ms=cuts[98] * 1000)


def build_demo_store(
    folder: Path, embedder: Embedder, parts: tuple[tuple[str, str, dt.datetime], ...] = DEMO
) -> SqlStore:
    settings = Settings(db=f"sqlite:///{folder / 'bench.db'}")
    store = SqlStore.open(settings.db)
    store.migrate()
    store.save_catalog(load_catalog())
    write_parts(store, embedder, parts, settings)
    return store


def write_parts(
    store: SqlStore,
    embedder: Embedder,
    parts: tuple[tuple[str, str, dt.datetime], ...],
    settings: Settings,
) -> None:
    for corpus, vertical, now in parts:
        replay(store, CORPUS / corpus / "articles.jsonl", embedder, now=now, settings=settings)
        update_briefings(store, now=now, settings=settings, vertical=vertical)


def measure_while_writing(base: str, folder: Path, model: str, total: int) -> None:
    """The topic page at concurrency 1, 2, 4 and 8 in turn while ``newspulse replay`` and
    ``update`` processes write two more corpora into the same store, as a separate
    `newspulse run` would."""
    db = f"sqlite:///{folder / 'bench.db'}"
    env = {**os.environ, "NEWSPULSE_EMBED__MODEL": model}
    commands = [
        step
        for corpus, vertical, now in DEMO[1:]
        for step in (
            ["replay", str(CORPUS / corpus / "articles.jsonl"), "--now", now.isoformat()],
            ["update", "--vertical", vertical, "--now", now.isoformat()],
        )
    ]

    failures: list[str] = []

    def write() -> None:
        """Each step in its own process, its failure kept for the main thread."""
        for command in commands:
            done = subprocess.run(
                [sys.executable, "-m", "newspulse", *command, "--db", db],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                failures.append(f"{' '.join(command)}: {done.stderr.strip()[-500:]}")
                return

    asyncio.run(hammer(base + TOPIC_PAGE, 8, 1))  # rendered and cached once before the writes
    writer = threading.Thread(target=write, daemon=True)
    levels = (1, 2, 4, 8)
    latencies: dict[int, list[float]] = {level: [] for level in levels}
    seconds: dict[int, float] = dict.fromkeys(levels, 0.0)
    with timed() as run:
        writer.start()
        while writer.is_alive():
            for level in levels:
                with timed() as batch:
                    latencies[level] += asyncio.run(hammer(base + TOPIC_PAGE, total, level))
                seconds[level] += batch.seconds
        writer.join()
    if failures:
        raise SystemExit(f"the writer failed: {failures[0]}")
    print(f"    the writes took {run.seconds:.1f} s", flush=True)
    for level in levels:
        report(f"publish: topic page while writing, concurrency {level}", len(latencies[level]),
               seconds[level], "pages")  # fmt: skip
        cut = percentiles(latencies[level])
        print(f"    p50 {cut.p50_ms:.1f} ms, p99 {cut.p99_ms:.1f} ms", flush=True)


def busiest_event(store: SqlStore) -> int:
    """The topic's event with the most articles: the heaviest event page a reader opens."""
    events = store.list_events(topic=TOPIC, limit=500)
    return max(events, key=lambda event: (len(event.article_ids), -event.id)).id


def measure_pages(base: str, pages: list[tuple[str, str]], total: int) -> None:
    for name, path in pages:
        for concurrency in (1, 8):
            with timed() as run:
                latencies = asyncio.run(hammer(base + path, total, concurrency))
            report(f"publish: {name}, concurrency {concurrency}", total, run.seconds, "pages")
            cut = percentiles(latencies)
            print(f"    p50 {cut.p50_ms:.1f} ms, p99 {cut.p99_ms:.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--embedder", choices=("hashing", "minilm"), default="hashing")
    parser.add_argument("--while-writing", action="store_true")
    args = parser.parse_args()
    embedder: Embedder = MiniLMEmbedder() if args.embedder == "minilm" else HashingEmbedder()
    with tempfile.TemporaryDirectory() as folder:
        with timed() as build:
            parts = DEMO[:1] if args.while_writing else DEMO
            store = build_demo_store(Path(folder), embedder, parts)
        counts = store.counts()
        print(
            f"demo store ({args.embedder}): {counts['articles']} articles, "
            f"{counts['events']} events, {counts['briefing_versions']} versions "
            f"in {build.seconds:.1f} s",
            flush=True,
        )
        with timed() as run:
            exported = export_site(store, Path(folder) / "site", now=NOW)
        report("publish: export demo site", exported.files, run.seconds, "files")
        print(f"    {exported.pages} pages, {exported.files} files", flush=True)

        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        pages = [
            ("topic page", TOPIC_PAGE),
            ("history page", HISTORY_PAGE),
            ("event page", f"/events/{busiest_event(store)}/"),
        ]
        if args.while_writing:
            model = MINILM_NAME if args.embedder == "minilm" else "hashing"
            measure_while_writing(f"http://127.0.0.1:{port}", Path(folder), model, args.requests)
        else:
            measure_pages(f"http://127.0.0.1:{port}", pages, args.requests)
        server.should_exit = True
        thread.join()
        store.close()


if __name__ == "__main__":
    main()
