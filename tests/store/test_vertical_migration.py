"""Migration 0012 gives stored articles and events the verticals (and events the dates)
they would get today: a store taken back to 0011 and upgraded again has every row where
clustering put it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import text

from newspulse.enrich.embed import HashingEmbedder
from newspulse.pipeline import replay
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.migrate import alembic_config
from newspulse.store.sql import SqlStore
from tests.workers.test_cluster_verticals import two_verticals

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def verticals(store: SqlStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.engine.connect() as connection:
        articles = connection.execute(
            text("SELECT id, cluster_vertical FROM articles WHERE duplicate_of IS NULL ORDER BY id")
        ).all()
        events = connection.execute(
            text("SELECT id, vertical, first_seen, last_seen FROM events ORDER BY id")
        ).all()
    return [tuple(row) for row in articles], [tuple(row) for row in events]


def test_a_downgraded_store_upgrades_to_the_same_verticals(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'old.db'}")
    store.migrate()
    store.save_catalog(load_catalog())
    settings = Settings(embed={"model": "hashing"})
    replay(store, two_verticals(tmp_path), HashingEmbedder(), now=NOW, settings=settings)
    before = verticals(store)
    articles, events = before
    assert {event[1] for event in events} >= {"ai", "crypto", "*"}
    config = alembic_config(store.engine)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    store.migrate()
    assert verticals(store) == before
    assert len(articles) == 100
    store.close()
