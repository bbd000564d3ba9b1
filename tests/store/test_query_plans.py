"""No step rescans the store per new article: every query a batch runs reads through an index.

The cost of 1,000 new articles must not grow with the history (bench/bench_store_growth.py
measures it at 10k, 100k and 1M stored articles).  Query plans are the cheap, exact way to
hold that in a test: SQLite's planner, without ANALYZE statistics, plans the same whatever
the table sizes, so a plan that walks a whole table here walks it at 1M articles too.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from sqlalchemy import event

from newspulse.enrich.embed import Embedder
from newspulse.pipeline import replay, update_briefings
from newspulse.settings import Settings
from newspulse.store.sql import SqlStore
from tests.conftest import corpus_slice

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
GROWING = "articles|events|event_articles|article_topics|citations|briefing_versions"
# A full pass over a growing table, or a range with no lower bound on a date (all history).
WHOLE_TABLE = re.compile(rf"^SCAN ({GROWING})\b(?! USING (?:COVERING )?INDEX ix_articles_pending)")
OPEN_RANGE = re.compile(rf"^SEARCH ({GROWING}) USING .*\((published_at|last_seen|created_at)<\?\)")
# Whole-table counts are once per run (the replay report, the /metrics scrape), through a
# covering index: not per article.
RUN_TOTALS = re.compile(rf"^SELECT count\(\*\) AS \w+\s+FROM ({GROWING})$")


def whole_history_reads(store: SqlStore, statements: dict[str, Any]) -> list[str]:
    """The statements whose plan reads a growing table from its beginning."""
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        found = []
        for sql, params in statements.items():
            if RUN_TOTALS.match(" ".join(sql.split())):
                continue
            bound = params[0] if isinstance(params, list) else params
            for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, bound).fetchall():
                detail = str(row[3])
                if WHOLE_TABLE.search(detail) or OPEN_RANGE.search(detail):
                    found.append(f"{detail}: {' '.join(sql.split())[:300]}")
        return found
    finally:
        raw.close()


def test_a_new_batch_reads_no_table_from_its_beginning(
    store: SqlStore, settings: Settings, hashing_embedder: Embedder, tmp_path: Path
) -> None:
    earlier = NOW - dt.timedelta(days=2)
    replay(
        store,
        corpus_slice("ai-infra", 60, tmp_path),
        hashing_embedder,
        now=earlier,
        settings=settings,
    )
    update_briefings(store, now=earlier, settings=settings, embedder=hashing_embedder)
    statements: dict[str, Any] = {}

    def capture(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.setdefault(sql, params)

    event.listen(store.engine, "before_cursor_execute", capture)
    report = replay(
        store,
        corpus_slice("ai-infra", 120, tmp_path),
        hashing_embedder,
        now=NOW,
        settings=settings,
    )
    update_briefings(store, now=NOW, settings=settings, embedder=hashing_embedder)
    event.remove(store.engine, "before_cursor_execute", capture)
    assert report.ingest.stored > 0  # the batch did reach every step
    assert len(statements) > 20
    assert whole_history_reads(store, statements) == []


def test_the_check_sees_a_whole_table_read(store: SqlStore) -> None:
    """The gauge can fail: an unindexed filter and an open-ended date range are caught."""
    statements = {
        "SELECT id FROM articles WHERE title = ?": ("x",),
        "SELECT id FROM articles WHERE published_at < ?": (NOW.isoformat(),),
        "SELECT id FROM articles WHERE published_at >= ?": (NOW.isoformat(),),
    }
    found = whole_history_reads(store, statements)
    assert len(found) == 2
    assert "title" in found[0]
    assert "published_at <" in found[1]
