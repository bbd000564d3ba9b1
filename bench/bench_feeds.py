"""Feed parsing: throughput of the hybrid router against feedparser alone, and the edge-case corpus.

python bench/bench_feeds.py [--repeat N]  (at most N passes, stopping after 5 CPU seconds)

1. Throughput over the golden fixture feeds (tests/data/feeds: feed-rs and rss-parser, 108
   documents, about 1,500 items a pass), each parser in its own subprocess so that its peak
   RSS is its own.  Items per second per core = items / CPU seconds of the single process.
   The raw library calls are timed too, to show what normalising and sanitising cost on top.
2. The full feedparser edge-case corpus (../shared/data/feeds/feedparser-tests, 2,107 files)
   when it is present: ok / FeedParseError / other exceptions for both paths, with each
   file's ``Header: Content-type`` replayed.  Any other exception is a bug: exit status 1.
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable

import fastfeedparser
import feedparser

from common import ROOT, SHARED, peak_rss_mib
from newspulse.ingest.feeds import FeedParseError, ParsedFeed, parse_feed, parse_with_feedparser

FIXTURES = ROOT / "tests" / "data" / "feeds"
CORPUS = SHARED / "data" / "feeds" / "feedparser-tests"
URL = "https://bench.example/feed.xml"
MIN_SECONDS = 5.0


def fixture_documents() -> list[bytes]:
    paths = [*(FIXTURES / "feed-rs").rglob("*"), *(FIXTURES / "rss-parser").glob("input*/*")]
    return [
        path.read_bytes()
        for path in sorted(paths)
        if path.is_file() and not path.name.endswith((".serde.json", ".txt", "LICENSE-MIT"))
    ]


def count_items(parse: Callable[[bytes], int], documents: list[bytes]) -> int:
    total = 0
    for content in documents:
        try:
            total += parse(content)
        except FeedParseError:
            continue
    return total


def items_of(feed: ParsedFeed) -> int:
    return len(feed.items)


PARSERS: dict[str, Callable[[bytes], int]] = {
    "hybrid router (parse_feed)": lambda c: items_of(parse_feed(c, url=URL)),
    "feedparser only (parse_with_feedparser)": lambda c: items_of(
        parse_with_feedparser(c, url=URL)
    ),
    "raw fastfeedparser.parse (no normalising)": lambda c: _raw_fast(c),
    "raw feedparser.parse (no normalising)": lambda c: len(
        feedparser.parse(io.BytesIO(c)).get("entries", [])
    ),
}


def _raw_fast(content: bytes) -> int:
    try:
        return len(fastfeedparser.parse(content).get("entries", []))
    except Exception:  # the raw library raises on what it cannot read; not counted
        return 0


def measure(name: str, repeat: int) -> None:
    documents = fixture_documents()
    parse = PARSERS[name]
    count_items(parse, documents)  # warm caches and imports
    wall, cpu = time.perf_counter(), time.process_time()
    items = 0
    for _ in range(repeat):  # stop early once the figure is steady (feedparser is slow)
        items += count_items(parse, documents)
        if time.process_time() - cpu >= MIN_SECONDS:
            break
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"feeds: {name:<44} {items:>7} items {cpu:>7.2f} s CPU "
        f"{items / cpu:>10,.0f} items/s/core  {items / wall:>10,.0f} items/s wall  "
        f"peak RSS {peak_rss_mib():,.0f} MiB",
        flush=True,
    )


def route_counts(documents: list[bytes]) -> dict[str, tuple[int, int]]:
    """Which path the router sends each fixture document down: the mix behind the figure."""
    routes: Counter[str] = Counter()
    items: Counter[str] = Counter()
    for content in documents:
        try:
            feed = parse_feed(content, url=URL)
        except FeedParseError:
            routes["FeedParseError"] += 1
            continue
        routes[feed.parser] += 1
        items[feed.parser] += len(feed.items)
    return {route: (routes[route], items[route]) for route in sorted(routes)}


def content_type_header(content: bytes) -> str | None:
    match = re.search(rb"Header:\s*Content-type:\s*([^\r\n]*)", content, re.IGNORECASE)
    return match.group(1).decode("latin-1").strip() if match else None


def run_corpus() -> int:
    if not CORPUS.is_dir():
        print(f"feeds: corpus not found at {CORPUS}; skipped", flush=True)
        return 0
    paths = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")
    others = 0
    for label, parse in (("hybrid", parse_feed), ("feedparser only", parse_with_feedparser)):
        outcomes: Counter[str] = Counter()
        started = time.perf_counter()
        for path in paths:
            content = path.read_bytes()
            try:
                parse(content, url=f"http://example.com/{path.name}", **_header(content))
                outcomes["ok"] += 1
            except FeedParseError:
                outcomes["FeedParseError"] += 1
            except Exception as exc:
                outcomes["other"] += 1
                print(f"  other exception: {path.relative_to(CORPUS)}: {exc!r}", flush=True)
        others += outcomes["other"]
        print(
            f"feeds: feedparser corpus, {label:<16} {len(paths)} files: ok {outcomes['ok']}, "
            f"FeedParseError {outcomes['FeedParseError']}, other {outcomes['other']} "
            f"({time.perf_counter() - started:.2f} s)",
            flush=True,
        )
    return 1 if others else 0


def _header(content: bytes) -> dict[str, str | None]:
    return {"content_type": content_type_header(content)}


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    arguments.add_argument("--repeat", type=int, default=20)
    arguments.add_argument("--only", choices=sorted(PARSERS), help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.only:
        measure(options.only, options.repeat)
        return 0
    documents = fixture_documents()
    print(f"feeds: {len(documents)} fixture documents from {FIXTURES}", flush=True)
    print(f"feeds: hybrid routes (documents, items): {route_counts(documents)}", flush=True)
    for name in PARSERS:
        command = [sys.executable, __file__, "--only", name, "--repeat", str(options.repeat)]
        subprocess.run(command, check=True)
    return run_corpus()


if __name__ == "__main__":
    sys.exit(main())
