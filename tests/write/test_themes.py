from __future__ import annotations

from newspulse.write.themes import group_events, merge_small_groups, name_themes, theme_count
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
    titles = name_themes([memory, power, power], stop=frozenset({"ai"}))
    assert len(set(titles)) == 3
    assert "Samsung" in titles[0] or "SK hynix" in titles[0] or "HBM" in titles[0]
    assert "Vistra" in titles[1] or "data centers" in titles[1].lower()
