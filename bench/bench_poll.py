"""Polling throughput: 1,000 feeds on 50 loopback hosts through the polite fetcher.

python bench/bench_poll.py [--feeds 1000] [--hosts 50] [--min-delay 1.0] [--items 40]

The feeds come from tests/servers.py in a child process, bound to 127.0.0.2 ...
127.0.0.51 so per-host politeness applies as it would to 50 publishers; CPU time and
peak RSS are the polling process's own.  Three passes:

1. politeness on (2 connections per host, ``--min-delay`` between starts): 200s;
2. the same with no minimum delay: what the fetcher costs when nothing waits;
3. the 304 path: every feed asked again with the ETag from pass 1.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

from common import ROOT, peak_rss_mib

sys.path.insert(0, str(ROOT))

from newspulse.ingest.fetch import Fetcher, FetchError, FetchJob, FetchResult
from newspulse.sources.schedule import HostPoliteness


@dataclass(frozen=True)
class Pass:
    name: str
    requests: int
    wall: float
    cpu: float
    ok: int
    not_modified: int
    failed: int
    body_bytes: int


def serve(hosts: Sequence[str], pipe: Connection) -> None:
    """Child process: run the test server on ``hosts`` until the parent says stop."""
    from tests.servers import HttpServer

    with HttpServer(hosts=hosts) as server:
        pipe.send(server.ports)
        pipe.recv()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def poll(jobs: list[FetchJob], politeness: HostPoliteness) -> list[FetchResult | FetchError]:
    # The poller's wiring: the scheduler's politeness data configures the fetcher.
    async with Fetcher(
        allow_private_hosts=True,
        max_per_host=politeness.max_concurrency,
        min_delay=politeness.min_delay,
    ) as fetcher:
        return await fetcher.fetch_many(jobs)


def run_pass(
    name: str, jobs: list[FetchJob], politeness: HostPoliteness
) -> tuple[Pass, list[FetchResult | FetchError]]:
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    results = asyncio.run(poll(jobs, politeness))
    wall = time.perf_counter() - started
    fetched = [result for result in results if isinstance(result, FetchResult)]
    summary = Pass(
        name=name,
        requests=len(jobs),
        wall=wall,
        cpu=cpu_seconds() - cpu_before,
        ok=sum(1 for result in fetched if result.status == 200),
        not_modified=sum(1 for result in fetched if result.not_modified),
        failed=len(results) - len(fetched),
        body_bytes=sum(len(result.body or b"") for result in fetched),
    )
    return summary, results


def report(summary: Pass) -> None:
    print(
        f"poll: {summary.name:<38} {summary.requests:>6} req  wall {summary.wall:7.3f} s  "
        f"CPU {summary.cpu:6.3f} s  {summary.requests / summary.wall:8,.1f} req/s  "
        f"{summary.requests / summary.cpu if summary.cpu else float('inf'):8,.1f} req/CPU-s  "
        f"200={summary.ok} 304={summary.not_modified} failed={summary.failed}  "
        f"body {summary.body_bytes / 1e6:6.2f} MB  peak RSS {peak_rss_mib():,.0f} MiB",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--min-delay", type=float, default=1.0)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--items", type=int, default=40)
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 250:
        parser.error("--hosts must be 1..250 (127.0.0.2 upwards)")

    hosts = [f"127.0.0.{2 + index}" for index in range(args.hosts)]
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(hosts, child), daemon=True)
    server.start()
    try:
        ports: dict[str, int] = parent.recv()
        jobs = [
            FetchJob(
                f"http://{hosts[index % len(hosts)]}:{ports[hosts[index % len(hosts)]]}"
                f"/feed/f{index}?items={args.items}"
            )
            for index in range(args.feeds)
        ]
        polite = HostPoliteness(max_concurrency=args.per_host, min_delay=args.min_delay)
        eager = HostPoliteness(max_concurrency=args.per_host, min_delay=0.0)
        print(
            f"poll: {args.feeds} feeds on {args.hosts} hosts, {args.per_host} per host, "
            f"{args.items} items each",
            flush=True,
        )
        summary, results = run_pass(f"200s, min delay {args.min_delay:g} s", jobs, polite)
        report(summary)
        summary, results = run_pass("200s, min delay 0 s", jobs, eager)
        report(summary)
        conditional = [
            FetchJob(job.url, etag=result.etag, last_modified=result.last_modified)
            if isinstance(result, FetchResult)
            else job
            for job, result in zip(jobs, results, strict=True)
        ]
        summary, _ = run_pass("304s (ETag), min delay 0 s", conditional, eager)
        report(summary)
    finally:
        parent.send("stop")
        server.join(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
