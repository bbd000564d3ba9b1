"""Episodes: an event's sub-stories, told as bullets of their own."""

from __future__ import annotations

import datetime as dt

import numpy as np

from newspulse.cluster.episodes import LINKED_MEMBERS, event_episodes, with_episodes
from newspulse.domain import EventSummary, Vector

NOW = dt.datetime(2025, 11, 30, tzinfo=dt.UTC)


def unit(*weights: float) -> Vector:
    vector = np.array(weights, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def event(sources: list[str]) -> EventSummary:
    return EventSummary(
        id=9,
        label="Norris and Piastri disqualified from Las Vegas GP",
        first_seen=NOW,
        last_seen=NOW,
        article_ids=tuple(range(1, len(sources) + 1)),
        sources=tuple(sources),
        centroid=unit(1, 1, 0),
    )


# Two races of one season: close enough to be one running story (cosine 0.52 across),
# each told by its own outlets (0.95 within).
MEXICO = [unit(1, 0.15, 0), unit(1, 0.1, 0.05), unit(1, 0.2, 0)]
VEGAS = [unit(0.4, 1, 0), unit(0.45, 1, 0.05)]


def test_an_event_of_two_races_falls_into_two_episodes_most_covered_first() -> None:
    vectors = dict(enumerate([*VEGAS, *MEXICO], start=1))
    story = event(["a.com", "b.com", "c.com", "d.com", "e.com"])
    assert event_episodes(story, vectors, cosine=0.7, min_sources=2) == ((3, 4, 5), (1, 2))
    # A looser cut keeps the season one story; a tighter one needs more outlets per episode.
    assert event_episodes(story, vectors, cosine=0.45, min_sources=2) == ()
    assert event_episodes(story, vectors, cosine=0.7, min_sources=3) == ()


def test_an_episode_needs_two_outlets_and_a_stray_article_joins_the_nearest() -> None:
    stray = unit(0, 0.2, 1)
    vectors = dict(enumerate([*VEGAS, *MEXICO, stray], start=1))
    # The Las Vegas articles come from one outlet: one outlet's follow-ups are no episode.
    assert (
        event_episodes(
            event(["a.com", "a.com", "c.com", "d.com", "e.com", "f.com"]),
            vectors,
            cosine=0.7,
            min_sources=2,
        )
        == ()
    )
    episodes = event_episodes(
        event(["a.com", "b.com", "c.com", "d.com", "e.com", "f.com"]),
        vectors,
        cosine=0.7,
        min_sources=2,
    )
    assert sorted(a for episode in episodes for a in episode) == [1, 2, 3, 4, 5, 6]
    assert len(episodes) == 2


def test_members_without_a_vector_stay_with_the_whole_event() -> None:
    vectors = dict(enumerate([*VEGAS, *MEXICO], start=1))
    story = event(["a.com", "b.com", "c.com", "d.com", "e.com", "f.com"])
    [told] = with_episodes([story], vectors, cosine=0.7, min_sources=2)
    assert told.episodes == ((3, 4, 5), (1, 2))
    assert told.article_ids == story.article_ids


def test_a_big_event_is_grouped_on_a_sample_and_every_member_joins_an_episode() -> None:
    size = 2 * LINKED_MEMBERS + 50
    vectors = {a: (MEXICO if a % 2 else VEGAS)[a % 2] for a in range(1, size + 1)}
    story = event([f"outlet{a % 7}.com" for a in range(1, size + 1)])
    episodes = event_episodes(story, vectors, cosine=0.7, min_sources=2)
    assert len(episodes) == 2
    assert sorted(a for episode in episodes for a in episode) == list(range(1, size + 1))
    assert {a % 2 for a in episodes[0]} != {a % 2 for a in episodes[1]}
