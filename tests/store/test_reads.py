"""The store reads behind pages and the API: events, articles, corrections (both backends)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from newspulse.domain import Enrichment, TopicMatch
from newspulse.errors import StoreError
from newspulse.store.sql import SqlStore
from tests.store.sample import DAY, fill_sample


def test_get_event_folds_in_copies_with_topics_and_facts(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    event = any_store.get_event(ids.funding_event)
    assert event is not None
    assert [a.id for a in event.articles] == [
        ids.etched_reuters,
        ids.etched_bloomberg,
        ids.etched_copy,
    ]
    copy = event.articles[2]
    assert copy.duplicate_of == ids.etched_reuters
    assert copy.source == "Yahoo Finance"
    assert [a.id for a in event.originals] == [ids.etched_reuters, ids.etched_bloomberg]
    assert event.topics == ("ai-infrastructure-funding",)
    assert event.facts == ("Etched",)
    assert event.first_seen == DAY
    assert event.last_seen == DAY + dt.timedelta(hours=3)
    assert event.source_count == 3
    assert any_store.get_event(999_999) is None


def test_list_and_count_events_filter_and_page(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    newest_first = any_store.list_events()
    assert [e.id for e in newest_first] == [ids.hostile_event, ids.funding_event]
    assert any_store.count_events() == 2
    in_topic = any_store.list_events(topic="ai-infrastructure-funding", limit=1, offset=1)
    assert [e.id for e in in_topic] == [ids.funding_event]
    assert in_topic[0].article_ids == (ids.etched_reuters, ids.etched_bloomberg)
    assert in_topic[0].topic_share == 1.0
    assert any_store.count_events(topic="crypto-markets") == 0
    late = DAY + dt.timedelta(hours=4)
    assert [e.id for e in any_store.list_events(since=late)] == [ids.hostile_event]
    assert [e.id for e in any_store.list_events(until=DAY)] == [ids.funding_event]
    assert any_store.count_events(since=late, until=late) == 0


def test_articles_list_count_and_get(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    every = any_store.list_articles()
    assert [a.id for a in every] == [
        ids.bitcoin,
        ids.hostile,
        ids.etched_copy,
        ids.etched_bloomberg,
        ids.etched_reuters,
    ]
    assert any_store.count_articles() == 5
    assert [a.id for a in any_store.list_articles(vertical="crypto")] == [ids.bitcoin]
    assert any_store.count_articles(topic="ai-infrastructure-funding") == 3
    assert [a.id for a in any_store.list_articles(source="Yahoo Finance")] == [ids.etched_copy]
    since, until = DAY + dt.timedelta(hours=1), DAY + dt.timedelta(hours=5)
    assert any_store.count_articles(since=since, until=until) == 2
    assert [a.id for a in any_store.list_articles(since=since, until=until)] == [
        ids.etched_copy,
        ids.etched_bloomberg,
    ]
    assert [a.id for a in any_store.list_articles(limit=2, offset=3)] == [
        ids.etched_bloomberg,
        ids.etched_reuters,
    ]
    copy = any_store.get_article(ids.etched_copy)
    assert copy is not None
    assert copy.event_id == ids.funding_event
    assert copy.duplicate_of == ids.etched_reuters
    assert copy.published == DAY + dt.timedelta(hours=5)
    loose = any_store.get_article(ids.bitcoin)
    assert loose is not None
    assert loose.event_id is None
    assert any_store.get_article(999_999) is None


def test_corrections_round_trip_in_order(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    topic = "ai-infrastructure-funding"
    first = any_store.add_correction(topic, "Etched raised $500m, not $5bn.", created_at=DAY)
    second = any_store.add_correction(
        topic, "The fab fire report was wrong.", created_at=DAY, article_id=ids.hostile
    )
    found = any_store.list_corrections(topic)
    assert [c.id for c in found] == [first, second]
    assert found[1].article_id == ids.hostile
    assert found[1].created_at == DAY
    assert found[0].text == "Etched raised $500m, not $5bn."
    assert any_store.list_corrections("crypto-markets") == []


def test_corrections_reject_unknown_topic_or_article(any_store: SqlStore) -> None:
    fill_sample(any_store)
    with pytest.raises(StoreError, match="no such topic"):
        any_store.add_correction("nope", "text", created_at=DAY)
    with pytest.raises(StoreError, match="no such article"):
        any_store.add_correction("crypto-markets", "text", created_at=DAY, article_id=424242)
    assert any_store.list_corrections("crypto-markets") == []


def test_article_copies_by_original_uid(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    copies = any_store.article_copies(["etched-reuters", "etched-bloomb", "nope"])
    assert list(copies) == ["etched-reuters"]
    assert [c.id for c in copies["etched-reuters"]] == [ids.etched_copy]
    assert copies["etched-reuters"][0].source == "Yahoo Finance"


def test_citation_passages_by_path_and_uid(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    any_store.save_version(
        topic="ai-infrastructure-funding",
        document={"headline": "Etched raises"},
        fingerprint="f",
        settings={},
        input_article_ids=[ids.etched_reuters],
        diff={},
        citations=[
            ("lead.0", ids.etched_reuters, "raised $500 million", 0.9),
            ("lead.0", ids.etched_reuters, "a second, weaker passage", 0.5),
            ("sections.0.bullets.1", ids.etched_bloomberg, "valued at $5 billion", 0.8),
        ],
        created_at=DAY,
    )
    version = any_store.latest_version("ai-infrastructure-funding")
    assert version is not None
    assert any_store.citation_passages(version.id) == {
        ("lead.0", "etched-reuters"): "raised $500 million",
        ("sections.0.bullets.1", "etched-bloomb"): "valued at $5 billion",
    }


def test_a_merged_away_event_leads_to_the_event_that_took_its_articles(
    any_store: SqlStore,
) -> None:
    ids = fill_sample(any_store)
    funding = any_store.get_event(ids.funding_event)
    hostile = any_store.get_event(ids.hostile_event)
    assert funding is not None
    assert hostile is not None
    members = [a.id for a in (*funding.articles, *hostile.articles)]
    centroid = np.ones(4, dtype=np.float32)
    later = DAY + dt.timedelta(days=1)

    any_store.apply_regroups([(ids.funding_event, members, centroid)], [ids.hostile_event], later)
    assert any_store.get_event(ids.hostile_event) is None
    assert any_store.event_successor(ids.hostile_event) == ids.funding_event
    assert any_store.event_successor(ids.funding_event) is None  # live: no redirect
    assert any_store.event_successor(987654) is None

    # A later split moves everything to a new event and retires the survivor: follow the chain.
    any_store.apply_regroups([(None, members, centroid)], [ids.funding_event], later)
    newest = any_store.event_successor(ids.hostile_event)
    assert newest is not None
    assert newest not in (ids.funding_event, ids.hostile_event)
    assert any_store.event_successor(ids.funding_event) == newest
    assert any_store.get_event(newest) is not None


def test_topic_events_name_the_members_routed_to_the_topic(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    any_store.save_topic_matches(
        [ids.etched_bloomberg],
        [TopicMatch(ids.etched_bloomberg, "ai-models-labs", 0.7, 0.6, ())],
        DAY,
    )
    since = DAY - dt.timedelta(days=1)
    (funding,) = [
        e
        for e in any_store.topic_events("ai-infrastructure-funding", since)
        if e.id == ids.funding_event
    ]
    assert funding.topic_article_ids == (ids.etched_reuters,)
    assert funding.topic_share == 0.5
    (labs,) = any_store.topic_events("ai-models-labs", since)
    assert labs.topic_article_ids == (ids.etched_bloomberg,)


def test_article_vectors_are_read_for_embedded_articles_only(any_store: SqlStore) -> None:
    ids = fill_sample(any_store)
    vector = np.arange(4, dtype=np.float32) / 10
    any_store.save_enrichments([Enrichment(ids.etched_reuters, vector, "test-model", (), ())])
    found = any_store.article_vectors([ids.etched_bloomberg, ids.etched_reuters])
    assert list(found) == [ids.etched_reuters]
    assert np.allclose(found[ids.etched_reuters], vector, atol=1e-3)  # stored as float16
