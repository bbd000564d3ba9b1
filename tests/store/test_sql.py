from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from newspulse.domain import DatedEntry, DateSource, Entry
from newspulse.errors import StoreError
from newspulse.sources.catalog import load_catalog
from newspulse.store.base import NewArticle
from newspulse.store.migrate import head_revision
from newspulse.store.search_rows import is_schema_object
from newspulse.store.sql import SqlStore
from newspulse.store.tables import metadata

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def new_article(
    url: str, *, text_body: str = "Body text.", duplicate_of_uid: str | None = None
) -> NewArticle:
    entry = Entry(url=url, source="example.com", title="Title", text=text_body, published_at=NOW)
    dated = DatedEntry(entry, url, NOW, DateSource.FEED, NOW)
    digest = url[-8:]
    return NewArticle(dated, uid=url[-12:], content_hash=digest, duplicate_of_uid=duplicate_of_uid)


def check_schema_matches_tables(store: SqlStore) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": is_schema_object})
        diff = compare_metadata(context, metadata)
    assert diff == [], f"migrations and store/tables.py disagree: {diff}"


def test_sqlite_is_wal_and_migrations_match_schema(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'x.db'}")
    store.migrate()
    store.migrate()  # idempotent
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision(store.engine)
    check_schema_matches_tables(store)
    assert set(inspect(store.engine).get_table_names()) >= set(metadata.tables)


@pytest.mark.postgres
def test_postgres_migrates_and_round_trips(postgres_url: str) -> None:
    store = SqlStore.open(postgres_url)
    store.migrate()
    check_schema_matches_tables(store)
    store.save_catalog(load_catalog())
    assert len(store.list_topics()) == len(load_catalog().topics)
    sources = store.ensure_sources(["example.com"], kind="corpus", now=NOW)
    ids = store.insert_articles([new_article("https://example.com/pg-1")], sources)
    found = store.articles_by_ids(ids)
    assert found[ids[0]].published_at == NOW
    store.close()


def test_uninitialised_database_is_a_clear_error(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreError, match="newspulse init"):
        store.check_ready()


def test_bad_url_is_store_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        SqlStore.open("no-such-scheme")


def test_catalog_upsert_deactivates_removed_topics(store: SqlStore) -> None:
    catalog = load_catalog()
    smaller = type(catalog)(catalog.verticals, catalog.topics[:2])
    store.save_catalog(smaller)
    assert [t.slug for t in store.list_topics()] == [t.slug for t in catalog.topics[:2]]
    assert [v.slug for v in store.list_verticals()] == ["ai"]
    store.save_catalog(catalog)
    assert len(store.list_topics()) == len(catalog.topics)
    assert [t.facets for t in store.list_topics()] == [t.facets for t in catalog.topics]


def test_copies_link_to_the_original_in_one_transaction(store: SqlStore) -> None:
    sources = store.ensure_sources(["example.com"], kind="corpus", now=NOW)
    batch = [
        new_article("https://example.com/copy-aaaa", duplicate_of_uid="orig-bbbb"),
        new_article("https://example.com/orig-bbbb", text_body="x"),
    ]
    batch[1] = NewArticle(batch[1].dated, "orig-bbbb", "hash-orig", near_signature=b"sig")
    ids = store.insert_articles(batch, sources)
    assert len(ids) == 2
    assert ids[0] > ids[1]  # ids come back in batch order; the original was inserted first
    articles = store.articles_by_ids(ids)
    original = next(a for a in articles.values() if a.uid == "orig-bbbb")
    copy = next(a for a in articles.values() if a.uid != "orig-bbbb")
    assert copy.duplicate_of == original.id
    assert [a.id for a in store.pending_enrichment(10)] == [original.id]
    assert store.recent_signatures(NOW - dt.timedelta(days=1)) == [(original.id, b"sig")]


def test_a_copy_can_name_an_original_stored_by_an_earlier_batch(store: SqlStore) -> None:
    sources = store.ensure_sources(["example.com"], kind="corpus", now=NOW)
    first = new_article("https://example.com/orig-bbbb")
    [original] = store.insert_articles([first], sources)
    copy = new_article("https://example.com/copy-aaaa", duplicate_of_uid=first.uid)
    [copy_id] = store.insert_articles([copy], sources)
    assert store.articles_by_ids([copy_id])[copy_id].duplicate_of == original

    orphan = new_article("https://example.com/copy-cccc", duplicate_of_uid="never-stored")
    with pytest.raises(StoreError, match="never-stored"):
        store.insert_articles([orphan], sources)


def test_out_of_date_schema_is_a_clear_error(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'old.db'}")
    store.migrate()
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(StoreError, match="revision 0000"):
        store.check_ready()


@pytest.mark.postgres
def test_postgres_errors_are_clear(postgres_url: str) -> None:
    unreachable = SqlStore.open("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="cannot connect"):
        unreachable.check_ready()


def save_test_version(store: SqlStore, topic: str, headline: str, day: int) -> int:
    return store.save_version(
        topic=topic,
        document={"headline": headline},
        fingerprint=f"fp-{day}",
        settings={},
        input_article_ids=[],
        diff={"events_added": [day]},
        citations=[],
        created_at=dt.datetime(2026, 1, day, tzinfo=dt.UTC),
    )


def test_versions_are_listed_newest_first_and_fetched_by_number(store: SqlStore) -> None:
    topic = store.list_topics()[0].slug
    for day, headline in ((1, "First"), (2, "Second"), (3, "Third")):
        save_test_version(store, topic, headline, day)

    history = store.list_versions(topic)
    assert [v.version for v in history] == [3, 2, 1]
    assert [v.headline for v in history] == ["Third", "Second", "First"]
    assert history[0].diff == {"events_added": [3]}
    assert history[-1].created_at == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert [v.version for v in store.list_versions(topic, limit=1, offset=1)] == [2]
    assert store.count_versions(topic) == 3

    second = store.get_version(topic, 2)
    assert second is not None
    assert second.document["headline"] == "Second"
    assert second.document["version"] == 2
    assert store.get_version(topic, 9) is None
    assert store.list_versions("no-such-topic") == []


class Interrupted(Exception):
    """A crash in the middle of a unit of work."""


def check_unit_of_work(store: SqlStore) -> None:
    """Writes inside one unit of work see each other and vanish together on a crash;
    outside one, every call commits on its own."""
    sources = store.ensure_sources(["example.com"], kind="corpus", now=NOW)
    before = store.counts()["articles"]

    def interrupted_unit() -> None:
        with store.unit_of_work():
            first = store.insert_articles([new_article("https://example.com/unit-1")], sources)
            with store.unit_of_work():  # a nested block joins the outer transaction
                store.insert_articles([new_article("https://example.com/unit-2")], sources)
            assert store.articles_by_ids(first)  # the unit reads its own writes
            raise Interrupted

    with pytest.raises(Interrupted):
        interrupted_unit()
    assert store.counts()["articles"] == before
    with store.unit_of_work():
        store.insert_articles([new_article("https://example.com/unit-3")], sources)
    store.insert_articles([new_article("https://example.com/unit-4")], sources)
    assert store.counts()["articles"] == before + 2


def test_a_unit_of_work_commits_or_rolls_back_as_one(store: SqlStore) -> None:
    check_unit_of_work(store)


@pytest.mark.postgres
def test_a_unit_of_work_commits_or_rolls_back_as_one_on_postgres(postgres_url: str) -> None:
    store = SqlStore.open(postgres_url)
    store.migrate()
    try:
        check_unit_of_work(store)
    finally:
        store.close()
