"""Scaling out: the same articles through 1, 2 and 4 `newspulse worker` processes.

Each run gets a fresh PostgreSQL database and a synthetic corpus (fresh originals made
of the bundled corpora's sentences, as bench_store_growth.py makes them).  `replay
--engine procrastinate` stores the articles and defers the jobs; the workers do the
rest (language, enrich, route, cluster, write).  Measured: seconds until nothing is
pending or queued, articles/s, and each worker's CPU seconds and peak RSS, so the
bottleneck shows (the single-writer cluster and write steps do not fan out; on 2 cores
more than 2 workers only share the same CPUs).

    python bench/bench_workers.py [--workers 1,2,4] [--articles 2000] [--model hashing]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench_store_growth import load_pool, new_entries
from common import ROOT

sys.path.insert(0, str(ROOT))
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
PENDING = (
    "SELECT (SELECT count(*) FROM articles WHERE duplicate_of IS NULL AND (embedding IS NULL "
    "OR routed_at IS NULL OR clustered_at IS NULL)) + (SELECT count(*) FROM procrastinate_jobs "
    "WHERE task_name <> 'newspulse.tick' AND (status = 'doing' OR status = 'todo' AND "
    "(scheduled_at IS NULL OR scheduled_at <= now())))"
)


def environment(model: str) -> dict[str, str]:
    return {**os.environ, "NEWSPULSE_EMBED__MODEL": model, "NEWSPULSE_LOG__LEVEL": "WARNING"}


def write_corpus(path: Path, count: int) -> None:
    entries = new_entries(load_pool(), count, now=NOW, seed=7)
    with path.open("w", encoding="utf-8") as out:
        for entry in entries:
            record = {
                "url": entry.url,
                "source": entry.source,
                "title": entry.title,
                "text": entry.text,
                "published": entry.published_at.isoformat() if entry.published_at else None,
            }
            out.write(json.dumps(record) + "\n")


def cpu_and_rss(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS in MiB of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    peak = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return cpu, peak


def pending(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(PENDING)).scalar_one())
    finally:
        engine.dispose()


def run(count: int, corpus: Path, model: str, timeout: float) -> None:
    from tests.pgserver import running_postgres

    env = environment(model)
    cli = [sys.executable, "-m", "newspulse"]
    with running_postgres() as url, tempfile.TemporaryDirectory() as logs:
        subprocess.run([*cli, "init", "--db", url], env=env, check=True, capture_output=True)
        workers = [
            subprocess.Popen(
                [*cli, "worker", "--db", url],
                env=env,
                stdout=(Path(logs) / f"worker{n}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            for n in range(count)
        ]
        try:
            started = time.monotonic()
            subprocess.run(
                [
                    *cli,
                    "replay",
                    str(corpus),
                    "--engine",
                    "procrastinate",
                    "--now",
                    NOW.isoformat(),
                    "--db",
                    url,
                ],
                env=env,
                check=True,
                capture_output=True,
            )
            stored = time.monotonic() - started
            while pending(url) > 0:
                if time.monotonic() - started > timeout:
                    raise SystemExit(f"{count} workers: not finished in {timeout:.0f} s")
                time.sleep(0.5)
            seconds = time.monotonic() - started
            usage = [cpu_and_rss(worker.pid) for worker in workers]
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
    articles = sum(1 for _ in corpus.open(encoding="utf-8"))
    cpu = " ".join(f"{c:.1f}" for c, _ in usage)
    rss = max(r for _, r in usage)
    print(
        f"{count} worker(s): {articles} articles in {seconds:7.1f} s "
        f"({articles / seconds:6.1f} articles/s; replay's ingest {stored:.1f} s) "
        f"worker CPU s [{cpu}] peak worker RSS {rss:,.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--model", default="hashing")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "synthetic.jsonl"
        write_corpus(corpus, args.articles)
        print(f"{os.cpu_count()} CPUs; {args.articles} articles; embed.model {args.model}")
        for count in (int(n) for n in args.workers.split(",")):
            run(count, corpus, args.model, args.timeout)


if __name__ == "__main__":
    main()
