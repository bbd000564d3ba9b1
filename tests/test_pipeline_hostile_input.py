"""Hostile corpus lines are refused or bounded one by one; the rest of the run goes on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from newspulse.enrich.embed import Embedder
from newspulse.pipeline import replay, update_briefings
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from tests.conftest import corpus_slice, load_records

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def poisoned_corpus(tmp_path: Path, dates: list[str]) -> Path:
    """Ten real records, then copies of the first with hostile ``published`` values."""
    path = corpus_slice("ai-infra", 10, tmp_path)
    template = load_records("ai-infra")[0]
    lines = []
    for number, date in enumerate(dates):
        record = dict(template, url=f"https://example.org/hostile/{number}", published=date)
        record["text"] = f"{record['text']} Hostile copy {number}."
        lines.append(json.dumps(record))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def test_year_one_and_9999_dates_never_stop_clustering_or_briefings(
    store: SqlStore, settings: Settings, hashing_embedder: Embedder, tmp_path: Path
) -> None:
    dates = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01", "1970-01-01"]
    report = replay(
        store, poisoned_corpus(tmp_path, dates), hashing_embedder, now=NOW, settings=settings
    )
    assert report.ingest.read == 10 + len(dates)
    assert not report.ingest.problems
    later = corpus_slice("crypto", 5, tmp_path)
    again = replay(store, later, hashing_embedder, now=NOW, settings=settings)
    assert again.ingest.stored == 5
    update_briefings(store, now=NOW, settings=settings)
    hostile = [a for a in store.list_articles(limit=100) if "/hostile/" in a.url]
    assert len(hostile) == len(dates)
    for article in hostile:  # unknown dates are estimated and flagged, never year 1
        assert article.date_estimated
        assert dt.datetime(1990, 1, 1, tzinfo=dt.UTC) <= article.published <= NOW
