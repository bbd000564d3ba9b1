from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from types import SimpleNamespace
from typing import cast

import numpy as np
import numpy.typing as npt
import pytest

from newspulse.domain import Article, Topic
from newspulse.enrich.embed import HashingEmbedder
from newspulse.pipeline import topic_profiles
from newspulse.route import (
    TopicProfile,
    build_profile,
    profile_texts,
    route_article,
    split_phrases,
    term_pattern,
    topic_phrases,
    vertical_profiles,
)
from newspulse.settings import RouteSettings

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def topic(slug: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> Topic:
    return Topic(slug, "ai", slug.title(), "tagline", "description", include, exclude)


def article(title: str, text: str) -> Article:
    return Article(1, "u1", "https://x/1", "https://x/1", "x", title, text, NOW, False)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_similarity_and_terms_add_up_with_reasons() -> None:
    profiles = [
        build_profile(topic("chips", include=("GPU", "HBM", "data center")), unit(1, 0, 0)),
        build_profile(topic("crypto", include=("bitcoin",)), unit(0, 1, 0)),
    ]
    settings = RouteSettings(threshold=0.5, term_bonus=0.1)
    matches = route_article(
        article("SK hynix ships HBM4", "New GPUs need HBM in every data center."),
        unit(0.6, 0.0, 0.8),
        profiles,
        settings,
    )
    (match,) = matches
    assert match.topic == "chips"
    assert match.matched_terms == ("GPU", "HBM", "data center")
    assert match.similarity == 0.6
    assert match.score == 0.9


def test_multi_label_and_exclude_veto() -> None:
    profiles = [
        build_profile(topic("a"), unit(1, 0)),
        build_profile(topic("b"), unit(1, 0.2)),
        build_profile(topic("c", exclude=("NFL",)), unit(1, 0)),
    ]
    matches = route_article(
        article("Week 9", "The NFL trade deadline passed."),
        unit(1, 0),
        profiles,
        RouteSettings(threshold=0.5),
    )
    assert [m.topic for m in matches] == ["a", "b"]


def test_per_topic_threshold_overrides_default() -> None:
    strict = Topic("s", "ai", "S", "t", "d", threshold=0.95)
    profiles = [build_profile(strict, unit(1, 0))]
    assert (
        route_article(article("t", "x"), unit(1, 0.5), profiles, RouteSettings(threshold=0.1)) == []
    )


def test_term_pattern_is_whole_word_and_pluralises_acronyms() -> None:
    assert term_pattern("GPU").search("thousands of GPUs")
    assert not term_pattern("chip").search("microchipping")
    assert term_pattern("data center").search("a new Data Center in Texas")


def test_only_near_ties_are_multi_labelled() -> None:
    profiles = [
        build_profile(Topic("markets", "crypto", "M", "t", "d"), unit(1, 0)),
        build_profile(Topic("rules", "crypto", "R", "t", "d"), unit(0.8, 0.6)),
        build_profile(Topic("chips", "ai", "C", "t", "d"), unit(0.95, 0.31)),
    ]
    settings = RouteSettings(threshold=0.3, label_margin=0.15, cross_vertical_margin=0.03)
    matches = route_article(article("ETF", "flows"), unit(1, 0), profiles, settings)
    # rules scores 0.8 (< 1.0 - 0.15); chips 0.95 is another vertical (< 1.0 - 0.03).
    assert [m.topic for m in matches] == ["markets"]
    wider = RouteSettings(threshold=0.3, label_margin=0.25, cross_vertical_margin=0.06)
    assert [
        m.topic for m in route_article(article("ETF", "flows"), unit(1, 0), profiles, wider)
    ] == [
        "markets",
        "rules",
        "chips",
    ]


def test_description_phrases_keep_parenthesised_lists_together() -> None:
    phrases = split_phrases(
        "AI chips and accelerators (GPUs, TPUs, custom silicon), data centers; and "
        "funding rounds. Export controls"
    )
    assert phrases == [
        "AI chips and accelerators (GPUs, TPUs, custom silicon)",
        "data centers",
        "funding rounds",
        "Export controls",
    ]


def test_topic_phrases_put_every_phrase_in_the_topics_context() -> None:
    plain = Topic("f1", "sports", "Formula 1", "Grands Prix", "race results, penalties")
    assert topic_phrases(plain) == [
        "Formula 1",
        "Formula 1: Grands Prix",
        "Formula 1: race results",
        "Formula 1: penalties",
    ]
    # Read like the catalog's optional `facets` attribute (a stand-in while Topic lacks it).
    fields = {field.name: getattr(plain, field.name) for field in dataclasses.fields(plain)}
    fields["facets"] = ("pit stops", "Grands Prix")
    faceted = cast(Topic, SimpleNamespace(**fields))
    assert topic_phrases(faceted) == topic_phrases(plain)  # facets only when asked for
    with_facets = topic_phrases(faceted, facets=True)
    assert with_facets[-1] == "Formula 1: pit stops"  # repeats are dropped
    assert len(with_facets) == len(topic_phrases(plain)) + 1
    assert profile_texts(plain, phrases=False) == [plain.profile_text]


def test_similarity_is_the_closest_phrase_not_a_blurred_profile() -> None:
    phrases = np.stack([unit(1, 0, 0), unit(0, 1, 0)])
    profile = build_profile(topic("sport"), phrases)
    (match,) = route_article(
        article("t", "x"), unit(0, 0.9, 0.44), [profile], RouteSettings(threshold=0.8)
    )
    assert match.similarity == pytest.approx(0.9, abs=0.01)
    # The mean of the two phrases would score 0.64 and miss the threshold.
    blurred = build_profile(topic("sport"), unit(1, 1, 0))
    assert (
        route_article(
            article("t", "x"), unit(0, 0.9, 0.44), [blurred], RouteSettings(threshold=0.8)
        )
        == []
    )


def test_topic_profiles_embed_each_topics_phrases_in_one_call() -> None:
    calls: list[int] = []

    class Counting(HashingEmbedder):
        def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
            calls.append(len(texts))
            return super().embed(texts)

    topics = [
        Topic("a", "ai", "Chips", "Silicon", "GPUs, memory"),
        Topic("b", "ai", "Models", "Labs", "releases"),
    ]
    profiles = topic_profiles(topics, Counting())
    assert calls == [7]
    assert [p.vectors.shape[0] for p in profiles] == [4, 3]
    (single,) = topic_profiles(topics[:1], HashingEmbedder(), phrases=False)
    assert single.vectors.shape[0] == 1


def broad_and_specific_profiles(games_exclude: tuple[str, ...] = ()) -> list[TopicProfile]:
    """Axes: (sport at large, NFL, tennis, rugby, chips).  "games" is a broad topic whose
    phrases name major events, the NFL playoffs and tennis majors; the others are specific."""
    return [
        build_profile(Topic("leagues", "sports", "L", "t", "d"), np.stack([unit(0.3, 1, 0, 0, 0)])),
        build_profile(
            Topic("games", "sports", "G", "t", "d", exclude=games_exclude),
            np.stack([unit(1, 0, 0, 0, 0), unit(0.7, 0.7, 0, 0, 0), unit(0.7, 0, 0.7, 0, 0)]),
        ),
        build_profile(Topic("tennis", "sports", "T", "t", "d"), np.stack([unit(0.3, 0, 1, 0, 0)])),
        build_profile(Topic("rugby", "sports", "R", "t", "d"), np.stack([unit(0.3, 0, 0, 1, 0)])),
        build_profile(Topic("chips", "ai", "C", "t", "d"), np.stack([unit(0.2, 0.6, 0, 0, 1)])),
        build_profile(Topic("models", "ai", "M", "t", "d"), np.stack([unit(0, 0, 0, 0, 1)])),
    ]


NFL_STORY = unit(0.2, 1, 0, 0, 0)  # leagues 0.996, games 0.832, the sports profile 0.582


def routed_topics(settings: RouteSettings, profiles: Sequence[TopicProfile]) -> list[str]:
    return [m.topic for m in route_article(article("t", "x"), NFL_STORY, profiles, settings)]


def test_vertical_profile_is_the_mean_of_its_topics_centroids() -> None:
    many = build_profile(Topic("m", "ai", "M", "t", "d"), np.stack([unit(1, 0)] * 5))
    one = build_profile(Topic("o", "ai", "O", "t", "d"), np.stack([unit(0, 1)]))
    other = build_profile(Topic("x", "crypto", "X", "t", "d"), np.stack([unit(1, 1)]))
    profiles = vertical_profiles([many, one, other])
    # Each topic weighs once, however many phrases it has.
    np.testing.assert_allclose(profiles["ai"], unit(1, 1), atol=1e-6)
    np.testing.assert_allclose(profiles["crypto"], unit(1, 1), atol=1e-6)


def test_a_topic_clear_of_its_vertical_joins_outside_the_near_tie_margin() -> None:
    profiles = broad_and_specific_profiles()
    margin_only = RouteSettings(threshold=0.3, label_margin=0.05, vertical_lift=None)
    # Near-ties only: the broad topic (0.832) is 0.16 behind the specific one and starves.
    assert routed_topics(margin_only, profiles) == ["leagues"]
    # It fits the story 0.25 better than sports at large (0.582): squarely about it.
    lifted = margin_only.model_copy(update={"vertical_lift": 0.075})
    assert routed_topics(lifted, profiles) == ["leagues", "games"]
    # Precomputed vertical profiles give the same answer (route_batch passes them).
    verticals = vertical_profiles(profiles)
    assert route_article(
        article("t", "x"), NFL_STORY, profiles, lifted, verticals
    ) == route_article(article("t", "x"), NFL_STORY, profiles, lifted)
    # A lift the topic does not reach keeps near-ties only.
    assert routed_topics(margin_only.model_copy(update={"vertical_lift": 0.3}), profiles) == [
        "leagues"
    ]


def test_the_lift_stays_in_the_best_matchs_vertical_and_exclude_still_vetoes() -> None:
    profiles = broad_and_specific_profiles()
    settings = RouteSettings(threshold=0.3, label_margin=0.05, vertical_lift=0.075)
    chips, models = profiles[4], profiles[5]
    ai_profile = vertical_profiles(profiles)["ai"]
    # chips stands 0.16 clear of the AI profile, but AI is not the story's vertical.
    assert chips.similarity(NFL_STORY) - float(ai_profile @ NFL_STORY) > 0.075
    assert models.similarity(NFL_STORY) < 0.3
    assert "chips" not in routed_topics(settings, profiles)
    # An exclude term still vetoes the topic the lift would admit.
    vetoed = route_article(
        article("NFL deadline", "x"),
        NFL_STORY,
        broad_and_specific_profiles(games_exclude=("NFL",)),
        settings,
    )
    assert [m.topic for m in vetoed] == ["leagues"]


def test_settings_default_has_the_lift_and_single_profile_mode_keeps_working() -> None:
    assert RouteSettings().vertical_lift == 0.075
    profiles = topic_profiles(
        [Topic("a", "ai", "Chips", "Silicon", "GPUs"), Topic("b", "ai", "Models", "Labs", "x")],
        HashingEmbedder(),
        phrases=False,
    )
    settings = RouteSettings(phrase_profiles=False, threshold=-1.0)
    routed = route_article(
        article("GPUs", "Silicon chips"), profiles[0].vectors[0], profiles, settings
    )
    assert routed[0].topic == "a"
