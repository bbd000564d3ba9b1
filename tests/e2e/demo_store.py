"""A store holding real briefings, built from the bundled corpora the way `make demo-build` is.

Each vertical's corpus slice is replayed in two steps with an ``update`` after each, so every
topic that gets evidence has at least two versions (history, diffs, feeds, permalinks).
The HashingEmbedder stands in for the bundled MiniLM model: it keeps a build to seconds
(clustering is coarser, which these tests do not judge).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newspulse.enrich.embed import HashingEmbedder
from newspulse.evaluation.topic_routing import SINGLE_PROFILE
from newspulse.pipeline import replay, update_briefings
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

CORPUS = Path(__file__).resolve().parent.parent.parent / "examples" / "corpus"


@dataclass(frozen=True, slots=True)
class Slice:
    """The first ``first`` records replayed at ``first_now``, then up to ``second`` at ``now``."""

    corpus: str
    vertical: str
    first: int
    second: int
    first_now: dt.datetime
    now: dt.datetime


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


SLICES = (
    Slice("ai-infra", "ai", 60, 120, utc("2026-02-20T00:00:00"), utc("2026-02-27T00:00:00")),
    Slice("crypto", "crypto", 40, 80, utc("2025-11-20T00:00:00"), utc("2025-11-30T00:00:00")),
    Slice("sports", "sports", 40, 80, utc("2025-11-20T00:00:00"), utc("2025-11-30T00:00:00")),
)
# The newest period end of the slices: pages rendered "now" see every version as past.
DEMO_NOW = utc("2026-02-27T00:00:00")


def write_slice(corpus: str, count: int, folder: Path) -> Path:
    lines = (CORPUS / corpus / "articles.jsonl").read_text("utf-8").splitlines()[:count]
    path = folder / f"{corpus}-{count}.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def build_demo_store(
    folder: Path, slices: tuple[Slice, ...] = SLICES, *, db_url: str | None = None
) -> SqlStore:
    """The store on SQLite in ``folder``, or on the empty database ``db_url`` when given."""
    db = db_url or f"sqlite:///{folder / 'demo.db'}"
    # The hashing embedder shares words, not meaning: its fixtures keep the single-profile
    # routing with include-term bonuses they were built on (issue 11 tuned phrase routing
    # on the real model; bench/bench_routing.py).
    settings = Settings(db=db, embed={"model": "hashing"}, route=SINGLE_PROFILE.model_dump())
    store = SqlStore.open(settings.db)
    store.migrate()
    store.save_catalog(load_catalog())
    embedder = HashingEmbedder()
    for part in slices:
        for count, now in ((part.first, part.first_now), (part.second, part.now)):
            replay(
                store, write_slice(part.corpus, count, folder), embedder, now=now, settings=settings
            )
            update_briefings(store, now=now, settings=settings, vertical=part.vertical)
    return store


@contextmanager
def demo_store(
    folder: Path, slices: tuple[Slice, ...] = SLICES, *, db_url: str | None = None
) -> Iterator[SqlStore]:
    store = build_demo_store(folder, slices, db_url=db_url)
    try:
        yield store
    finally:
        store.close()
