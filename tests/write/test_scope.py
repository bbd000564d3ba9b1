"""Which events a topic's page reads: whole events, and slices of its neighbours' events."""

from __future__ import annotations

import dataclasses

import numpy as np

from newspulse.domain import EventSummary, Vector
from newspulse.settings import WriteSettings
from newspulse.write.scope import events_in_scope, topic_slice
from tests.write.helpers import make_article, make_event


def unit(*values: float) -> Vector:
    vector = np.zeros(8, dtype=np.float32)
    vector[: len(values)] = values
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def routed(event: EventSummary, routed_ids: tuple[int, ...]) -> EventSummary:
    """``event`` as ``store.topic_events`` reads it for a topic that holds ``routed_ids``."""
    share = len(routed_ids) / len(event.article_ids)
    return dataclasses.replace(
        event, topic_article_ids=routed_ids, topic_share=share, topic_fit=0.6 * share
    )


def neighbours_event() -> EventSummary:
    """Seven articles from seven outlets, three of them (ids 1-3) routed to the topic."""
    articles = [make_article(i, f"Story sentence number {i}.") for i in range(1, 8)]
    return routed(make_event(10, articles, direction=0), (1, 2, 3))


def test_an_event_mostly_about_the_topic_enters_whole() -> None:
    event = make_event(5, [make_article(i, "Text.") for i in (1, 2)], direction=1)
    (kept,) = events_in_scope([routed(event, (1, 2))], WriteSettings())
    assert (kept.id, kept.article_ids, kept.topic_share) == (5, (1, 2), 1.0)
    half = routed(make_event(6, [make_article(i, "Text.") for i in (1, 2)], direction=1), (1,))
    assert [e.article_ids for e in events_in_scope([half], WriteSettings())] == [(1, 2)]


def test_a_neighbours_event_enters_as_the_articles_routed_to_the_topic() -> None:
    event = neighbours_event()
    (part,) = events_in_scope([event], WriteSettings())
    assert part.id == event.id
    assert part.article_ids == (1, 2, 3)
    assert part.sources == ("news1.example", "news2.example", "news3.example")
    # Share and fit stay the event's: the writer knows a slice, and it ranks below the
    # topic's own stories.
    assert (part.topic_share, part.topic_fit) == (event.topic_share, event.topic_fit)


def test_one_outlet_never_brings_in_a_neighbours_story() -> None:
    articles = [make_article(i, "Text.", source="same.example") for i in (1, 2)]
    articles += [make_article(i, "Text.") for i in (3, 4, 5, 6, 7)]
    event = routed(make_event(10, articles, direction=0), (1, 2))
    assert events_in_scope([event], WriteSettings()) == []
    assert events_in_scope([routed(event, ())], WriteSettings()) == []
    assert events_in_scope([neighbours_event()], WriteSettings(min_slice_sources=0)) == []
    assert events_in_scope([neighbours_event()], WriteSettings(min_slice_sources=4)) == []


def test_a_slice_is_centred_on_its_own_articles() -> None:
    vectors = {1: unit(1, 0), 2: unit(0, 1), 3: unit(1, 1), 4: unit(0, 0, 1)}
    (part,) = events_in_scope(
        [neighbours_event()],
        WriteSettings(),
        lambda ids: {a: vectors[a] for a in ids if a in vectors},
    )
    assert np.allclose(part.centroid, unit(1, 1))


def test_a_slice_of_a_story_the_topic_already_tells_is_left_out() -> None:
    own = make_event(5, [make_article(i, "Text.") for i in (20, 21)], direction=1)
    own = dataclasses.replace(routed(own, (20, 21)), centroid=unit(0.3, 1))
    split = {1: unit(0, 1), 2: unit(0, 1), 3: unit(0, 1)}
    elsewhere = {1: unit(1, 0), 2: unit(1, 0), 3: unit(1, 0)}
    events = [neighbours_event(), own]
    kept = events_in_scope(events, WriteSettings(), lambda ids: {a: split[a] for a in ids})
    assert [e.id for e in kept] == [own.id]
    kept = events_in_scope(events, WriteSettings(), lambda ids: {a: elsewhere[a] for a in ids})
    assert [e.id for e in kept] == [10, own.id]


def test_an_event_read_for_no_topic_has_no_slice() -> None:
    event = make_event(5, [make_article(1, "Text.")], direction=1)
    assert topic_slice(dataclasses.replace(event, topic_share=0.0)) is None


def test_a_slice_enters_only_where_the_page_has_a_place_for_it() -> None:
    own = routed(make_event(5, [make_article(i, "Text.") for i in (20, 21)], direction=1), (20,))
    own = dataclasses.replace(own, topic_share=1.0)
    events = [neighbours_event(), own]
    kept = events_in_scope(events, WriteSettings(), has_place=lambda event: False)
    assert [e.id for e in kept] == [own.id]  # the topic's own events need no place
    kept = events_in_scope(events, WriteSettings(), has_place=lambda event: event.id == 10)
    assert [e.id for e in kept] == [10, own.id]
