from __future__ import annotations

import datetime as dt

from newspulse.store.base import NewArticle, SourcePollState
from newspulse.store.sql import SqlStore
from tests.store.test_sql import new_article

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def test_add_is_idempotent_and_merges_hints(store: SqlStore) -> None:
    record, created = store.add_source(
        "https://feeds.example/ai.xml", name="Example AI", now=NOW, vertical_hints=["ai"]
    )
    assert created
    again, created_again = store.add_source(
        "https://feeds.example/ai.xml", name="ignored", now=NOW, vertical_hints=["crypto"]
    )
    assert not created_again
    assert again.id == record.id
    assert again.vertical_hints == ("ai", "crypto")
    assert [s.url for s in store.list_sources()] == ["https://feeds.example/ai.xml"]


def test_due_pause_resume_cycle(store: SqlStore) -> None:
    record, _ = store.add_source("https://feeds.example/a.xml", name="A", now=NOW)
    assert [s.id for s in store.due_sources(NOW)] == [record.id]
    later = NOW + dt.timedelta(hours=1)
    state = SourcePollState(
        etag='"v1"',
        last_modified=None,
        last_status=200,
        last_error=None,
        last_success_at=NOW,
        consecutive_errors=0,
        next_poll_at=later,
        paused_reason=None,
    )
    store.save_poll_state(record.id, state, new_items=12)
    assert store.due_sources(NOW) == []
    (due,) = store.due_sources(later)
    assert (due.etag, due.items_seen, due.last_success_at) == ('"v1"', 12, NOW)
    store.save_poll_state(
        record.id,
        SourcePollState(None, None, 500, "HTTP 500", NOW, 10, None, "10 failures: HTTP 500"),
        new_items=0,
    )
    assert store.due_sources(later) == []
    assert store.resume_source("https://feeds.example/a.xml")
    assert [s.id for s in store.due_sources(later)] == [record.id]


def test_removing_a_source_keeps_its_articles(store: SqlStore) -> None:
    record, _ = store.add_source("https://feeds.example/b.xml", name="example.com", now=NOW)
    item: NewArticle = new_article("https://example.com/story-1")
    ids = store.insert_articles([item], {"example.com": record.id})
    assert store.remove_source("https://feeds.example/b.xml")
    assert not store.remove_source("https://feeds.example/b.xml")
    assert ids[0] in store.articles_by_ids(ids)
