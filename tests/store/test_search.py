"""Full-text search on SQLite FTS5 and PostgreSQL: matching, filters, snippets, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text, update

from newspulse.store import tables as t
from newspulse.store.search_rows import (
    Clause,
    SearchQueryError,
    fts5_expression,
    parse_query,
    split_marks,
    websearch_expression,
)
from newspulse.store.sql import SqlStore
from tests.store.sample import DAY, fill_sample


def test_parse_query_clauses() -> None:
    assert parse_query('etched "transformer chips" -bloomberg bitcoin OR ether') == (
        Clause(("etched",)),
        Clause(("transformer chips",)),
        Clause(("bloomberg",), negated=True),
        Clause(("bitcoin", "ether")),
    )
    assert parse_query("AND NOT * chips") == (
        Clause(("AND",)),
        Clause(("NOT",)),
        Clause(("chips",)),
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unbalanced', "unbalanced quote"),
        ("-only -exclusions", "no word"),
        ("   ", "no word"),
        ("x" * 501, "longer than"),
    ],
)
def test_malformed_queries_are_clear_errors(query: str, message: str) -> None:
    with pytest.raises(SearchQueryError, match=message):
        parse_query(query)


def test_compiled_queries_quote_every_term() -> None:
    clauses = parse_query('NEAR etched -"say  x" a OR b')
    assert fts5_expression(clauses) == '(("NEAR") AND ("etched") AND ("a" OR "b")) NOT "say x"'
    assert websearch_expression(clauses) == 'NEAR etched -"say x" a or b'


def test_split_marks_returns_plain_text_and_spans() -> None:
    assert split_marks("a \ue000chip\ue001 b \ue000x\ue001") == ("a chip b x", ((2, 6), (9, 10)))
    assert split_marks("dangling \ue001 end \ue000") == ("dangling  end ", ())


def test_search_finds_articles_and_events_with_highlights(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    results = any_store.search("etched")
    kinds = {(hit.kind, hit.id) for hit in results.hits}
    # Originals only: the syndicated copy is folded into its original.
    assert kinds == {
        ("article", ids.etched_reuters),
        ("article", ids.etched_bloomberg),
        ("event", ids.funding_event),
    }
    assert results.total == 3
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    for hit in results.hits:
        assert hit.highlights, hit
        marked = [hit.snippet[start:end].lower() for start, end in hit.highlights]
        assert "etched" in marked
        assert "\ue000" not in hit.snippet
        assert "\ue001" not in hit.snippet
    article = next(hit for hit in results.hits if hit.id == ids.etched_reuters)
    assert article.source == "Reuters"
    assert article.url == "https://reuters.example/etched"
    assert article.published == DAY


def test_search_stems_and_handles_phrases_or_and_exclusion(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    assert {h.id for h in any_store.search("raise", kind="article").hits} == {ids.etched_reuters}
    phrase = any_store.search('"transformer chips"', kind="article")
    assert [h.id for h in phrase.hits] == [ids.etched_reuters]
    either = any_store.search("bitcoin OR valued", kind="article")
    assert {h.id for h in either.hits} == {ids.bitcoin, ids.etched_bloomberg}
    without = any_store.search("etched -bloomberg -valued", kind="article")
    assert [h.id for h in without.hits] == [ids.etched_reuters]
    assert any_store.search("nothingmatchesthis").total == 0


def test_search_filters_and_pagination(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    crypto = any_store.search("bitcoin OR etched", vertical="crypto")
    assert [(h.kind, h.id) for h in crypto.hits] == [("article", ids.bitcoin)]
    topic = any_store.search("bitcoin OR etched", topic="ai-infrastructure-funding")
    assert {h.id for h in topic.hits} == {
        ids.etched_reuters,
        ids.etched_bloomberg,
        ids.funding_event,
    }
    by_source = any_store.search("etched", source="Bloomberg")
    assert {(h.kind, h.id) for h in by_source.hits} == {
        ("article", ids.etched_bloomberg),
        ("event", ids.funding_event),
    }
    late = any_store.search("etched", since=DAY + dt.timedelta(hours=1), kind="article")
    assert [h.id for h in late.hits] == [ids.etched_bloomberg]
    early = any_store.search("etched", until=DAY + dt.timedelta(hours=1), kind="article")
    assert [h.id for h in early.hits] == [ids.etched_reuters]
    everything = any_store.search("etched")
    pages = [any_store.search("etched", limit=1, offset=n).hits for n in range(3)]
    assert [page[0] for page in pages] == list(everything.hits)
    assert all(any_store.search("etched", limit=1, offset=n).total == 3 for n in range(2))
    with pytest.raises(SearchQueryError, match="kind"):
        any_store.search("etched", kind="video")


def test_index_follows_inserts_updates_and_deletes(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    with any_store.engine.begin() as connection:
        connection.execute(
            update(t.events).where(t.events.c.id == ids.hostile_event).values(label="Kestrel fab")
        )
        connection.execute(
            update(t.articles).where(t.articles.c.id == ids.bitcoin).values(title="Ether rallies")
        )
    assert [(h.kind, h.id) for h in any_store.search("kestrel").hits] == [
        ("event", ids.hostile_event)
    ]
    assert [h.id for h in any_store.search("ether", kind="article").hits] == [ids.bitcoin]
    assert any_store.search("spot", kind="article").total == 1  # still in its text
    assert any_store.search("ETF", kind="article").total == 0  # the old title is gone
    any_store.reset_understanding()  # deletes every event
    assert any_store.search("kestrel").total == 0


def test_hostile_text_is_returned_as_data(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    hits = any_store.search("wafer").hits
    article = next(h for h in hits if h.kind == "article")
    assert article.id == ids.hostile
    assert article.url == "javascript:alert(1)"  # stored as data; pages must render it inert
    assert any_store.search("fab", kind="event").hits[0].id == ids.hostile_event


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_indexes(postgres_url: str) -> None:
    from tests.store.conftest import fresh_database

    store = SqlStore.open(fresh_database(postgres_url))
    store.migrate()
    fill_sample(store)
    from newspulse.store.search_rows import PG_ARTICLE_VECTOR

    with store.engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            connection.execute(
                text(
                    f"EXPLAIN SELECT id FROM articles WHERE {PG_ARTICLE_VECTOR} "
                    "@@ websearch_to_tsquery('english'::regconfig, 'etched')"
                )
            ).scalars()
        )
    store.close()
    assert "search_articles" in plan, plan


def test_hits_name_their_event(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    events = {(h.kind, h.id): h.event_id for h in any_store.search("etched OR bitcoin").hits}
    assert events == {
        ("article", ids.etched_reuters): ids.funding_event,
        ("article", ids.etched_bloomberg): ids.funding_event,
        ("event", ids.funding_event): ids.funding_event,
        ("article", ids.bitcoin): None,
    }


def test_search_migration_downgrades_and_indexes_existing_rows(any_store: SqlStore) -> None:
    from alembic import command

    from newspulse.store.migrate import alembic_config

    ids = fill_sample(any_store)
    config = alembic_config(any_store.engine)
    with any_store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert search_objects(any_store) == set()
    any_store.migrate()  # 0005 again: the rows already stored are indexed once, here
    assert {h.id for h in any_store.search("etched", kind="article").hits} == {
        ids.etched_reuters,
        ids.etched_bloomberg,
    }
    assert [h.id for h in any_store.search("fab", kind="event").hits] == [ids.hostile_event]
    assert search_objects(any_store) >= {"search_articles", "search_events"}


def search_objects(store: SqlStore) -> set[str]:
    """The search tables (SQLite) or indexes (PostgreSQL) present in the database."""
    if store.engine.dialect.name == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%'"
    else:
        query = "SELECT name FROM sqlite_master WHERE name LIKE 'search_%'"
    with store.engine.connect() as connection:
        return set(connection.execute(text(query)).scalars())
