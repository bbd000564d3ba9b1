from __future__ import annotations

import datetime as dt

import numpy as np

from newspulse.domain import Article, Topic
from newspulse.route import build_profile, route_article, term_pattern
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
