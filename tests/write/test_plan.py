"""The plan: window, notable developments, analysis material."""

from __future__ import annotations

import dataclasses
import datetime as dt

from newspulse.domain import Article, EventSummary
from newspulse.settings import WriteSettings
from newspulse.write.plan import median_salience, notable_events, plan_briefing
from tests.write.helpers import NOW, STORIES, TOPIC, build_stories, make_article, make_event

ANALYSIS = (
    "Analysts said Alphabet's $185 billion spending plan could pressure margins at Google "
    "Cloud through 2027."
)


def aged(event: EventSummary, articles: dict[int, Article], days: float) -> EventSummary:
    """The event as if its articles were published ``days`` ago."""
    for article_id in event.article_ids:
        when = NOW - dt.timedelta(days=days)
        articles[article_id] = dataclasses.replace(articles[article_id], published_at=when)
    return dataclasses.replace(
        event, first_seen=NOW - dt.timedelta(days=days), last_seen=NOW - dt.timedelta(days=days)
    )


def test_notable_is_recent_salient_stated_and_newest_first() -> None:
    """Every story is its own theme here, so only a theme's second story could be notable:
    with the themes' leads kept apart (``leads``) the rule is the one of the docstring."""
    events, articles = build_stories()  # salience 4, 3, 2, 1
    events = [
        aged(events[0], articles, 3),
        aged(events[1], articles, 1),
        dataclasses.replace(aged(events[2], articles, 1), has_known_date=False),
        aged(events[3], articles, 2),  # the least salient: below the median
    ]
    settings = WriteSettings()
    floor = median_salience(events)
    assert [e.id for e in notable_events(events, now=NOW, settings=settings, floor=floor)] == [
        2,
        1,
    ]  # newest first
    limited = notable_events(events, now=NOW, settings=WriteSettings(max_notable=1))
    assert [e.id for e in limited] == [1]  # the most salient is kept


FACETED = dataclasses.replace(
    TOPIC,
    facets=(
        "Chips and storage (chip, processor, hard drives, storage)",
        "Power and spending (nuclear, energy, capital expenditures, spending)",
    ),
)


def test_notable_never_takes_the_story_that_leads_a_theme() -> None:
    """A theme keeps its most salient story; the next recent, salient one is notable (on a
    small page the biggest stories otherwise left their sections to weaker ones)."""
    events, articles = build_stories()  # salience 4, 3, 2, 1
    events = [aged(event, articles, 1) for event in events]
    plan = plan_briefing(FACETED, events, articles, now=NOW, settings=WriteSettings())
    themes = {theme.title: [e.id for e in theme.events] for theme in plan.themes}
    assert themes == {"Chips and storage": [1], "Power and spending": [3, 4]}
    assert [e.id for e in plan.notable] == [2]
    told = [e.id for theme in plan.themes for e in theme.events] + [e.id for e in plan.notable]
    assert sorted(told) == [1, 2, 3, 4]  # each story told once


def test_window_excludes_old_and_future_events() -> None:
    events, articles = build_stories()
    events = [
        aged(events[0], articles, 200),
        aged(events[1], articles, -1),
        *events[2:],
    ]
    plan = plan_briefing(TOPIC, events, articles, now=NOW, settings=WriteSettings())
    assert sorted(e.id for e in plan.events) == [3, 4]


def test_analysis_material_comes_from_interpretive_coverage() -> None:
    events, articles = build_stories()
    analysis = make_article(99, ANALYSIS, title=STORIES[3][0], days_ago=20)
    members = [articles[a] for a in events[3].article_ids] + [analysis]
    events[3] = make_event(4, members, direction=3, salience=1)
    articles[99] = analysis
    plan = plan_briefing(TOPIC, events, articles, now=NOW, settings=WriteSettings())
    # Event 4 (least salient) holds two forward-looking sentences with figures; no other
    # event holds any.
    assert [e.id for e in plan.analysis] == [4]
