from __future__ import annotations

from newspulse.write.themes import (
    group_events,
    merge_small_groups,
    name_themes,
    name_themes_by_events,
    theme_count,
    theme_phrases,
)
from tests.write.helpers import make_article, make_event


def test_theme_count_bounds() -> None:
    assert theme_count(0, min_themes=3, max_themes=7) == 0
    assert theme_count(2, min_themes=3, max_themes=7) == 2
    assert theme_count(9, min_themes=3, max_themes=7) == 3
    assert theme_count(40, min_themes=3, max_themes=7) == 7


def test_grouping_follows_vector_directions_and_is_deterministic() -> None:
    articles = [make_article(i, "text") for i in range(6)]
    events = [make_event(i, [articles[i]], direction=i % 2) for i in range(6)]
    groups = group_events(events, 2)
    assert sorted(sorted(e.id for e in g) for g in groups) == [[0, 2, 4], [1, 3, 5]]
    assert group_events(events, 2) == groups


def test_single_event_groups_fold_into_neighbours() -> None:
    articles = [make_article(i, "text") for i in range(5)]
    events = [make_event(i, [articles[i]], direction=d) for i, d in enumerate([0, 0, 1, 1, 0])]
    groups = [[events[0], events[1]], [events[2], events[3]], [events[4]]]
    merged = merge_small_groups(groups, min_groups=2)
    assert sorted(len(g) for g in merged) == [2, 3]


def test_theme_names_are_distinct_and_from_content() -> None:
    memory = [
        "SK hynix and Samsung race to supply HBM4 memory for Nvidia Rubin.",
        "Samsung posts record profit as HBM memory prices soar; SK hynix follows.",
    ]
    power = [
        "Meta signs nuclear power deals with Vistra and Oklo for data centers.",
        "Redwood Materials raises money for power storage at data centers; Vistra shares rise.",
    ]
    titles = name_themes([memory, power, power], stop=frozenset({"ai"}), names=False)
    assert len(set(titles)) == 3
    # Noun phrases the texts share, never a name ("Samsung", "SK hynix", "Vistra").
    assert "data centers" in titles[1].lower() or "power" in titles[1].lower()
    for title in titles:
        assert not any(name in title for name in ("Samsung", "hynix", "Vistra", "Meta", "Oklo"))


def test_themes_are_named_by_what_their_events_share() -> None:
    # One story told by four outlets repeats "Western Digital"; "memory chips" is what the
    # theme's two stories have in common.
    drives = [
        "Western Digital sold out of hard drives as memory chips run short.",
        "Western Digital says hard drives are sold out for 2026.",
        "Western Digital chief executive Irving Tan says hard drives sold out.",
        "Western Digital reported strong demand for hard drives.",
    ]
    samsung = [
        "Samsung posts record profit as memory chips soar.",
        "Samsung reported strong profit on memory chips.",
    ]
    bitcoin = [
        "The price of Bitcoin fell while BTC outflows grew.",
        "Funds sold more Bitcoin while BTC slid.",
    ]
    miners = ["Miners sold Bitcoin while BTC reserves shrank."]
    single = ["Kraken raised $800 million at a $20 billion valuation."]
    titles = name_themes_by_events([[drives, samsung], [bitcoin, miners], [single]])
    assert titles[0] == "Memory chips"  # not the one story's "Western Digital"
    assert "reported strong" not in titles[0].lower()
    # Bitcoin and BTC are names: the second theme has no shared noun phrase to be named by.
    assert "Bitcoin" not in titles[1]
    assert "BTC" not in titles[1]
    assert "shrank" not in titles[1]  # "reserves shrank" is a clause, not a theme
    assert titles[2] == name_themes([drives + samsung, bitcoin + miners, single], names=False)[2]


def test_no_theme_phrase_opens_on_a_past_form_or_ends_on_a_linking_word() -> None:
    texts = [
        "Exchanges refunded many affected users after the outage.",
        "Regulators said affected users would get refunds before the board behind the fund met.",
    ]
    phrases = theme_phrases(texts, names=False)
    assert "affected users" not in phrases
    assert "board behind" not in phrases
    assert "power grid" in theme_phrases(["The new power grid failed twice."], names=False)
