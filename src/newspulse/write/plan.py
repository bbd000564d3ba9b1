"""The briefing plan: which events go where.  Pure and deterministic given the store and now.

1. Keep the topic's events in the window (by last article), ranked by salience.
2. "Notable recent developments": the most salient events with a known date in
   the last ``recent_days`` days.  They are told there and nowhere else.
3. The rest, capped to what the sections can hold, are grouped into 3-7 themes;
   themes are ordered by their total salience and events within a theme by
   their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newspulse.domain import Article, EventSummary, Topic
from newspulse.settings import WriteSettings
from newspulse.text.sentences import content_words
from newspulse.write.themes import group_events, merge_small_groups, name_themes, theme_count

MIN_EVENTS_FOR_SECTIONS = 1


@dataclass(frozen=True, slots=True)
class ThemePlan:
    title: str
    events: tuple[EventSummary, ...]

    @property
    def salience(self) -> float:
        return sum(event.salience for event in self.events)


@dataclass(frozen=True, slots=True)
class BriefingPlan:
    topic: Topic
    now: dt.datetime
    events: tuple[EventSummary, ...]
    themes: tuple[ThemePlan, ...]
    notable: tuple[EventSummary, ...]

    @property
    def planned_events(self) -> tuple[EventSummary, ...]:
        in_themes = tuple(event for theme in self.themes for event in theme.events)
        return in_themes + self.notable


def plan_briefing(
    topic: Topic,
    ranked_events: Sequence[EventSummary],
    articles: Mapping[int, Article],
    *,
    now: dt.datetime,
    settings: WriteSettings,
) -> BriefingPlan:
    days = topic.window_days if topic.window_days is not None else settings.window_days
    window = dt.timedelta(days=days)
    events = [e for e in ranked_events if now - window <= e.last_seen]
    recent_cutoff = now - dt.timedelta(days=settings.recent_days)
    notable = [e for e in events if e.has_known_date and e.last_seen >= recent_cutoff]
    notable = notable[: settings.max_notable]
    notable_ids = {e.id for e in notable}
    capacity = settings.max_themes * settings.max_bullets_per_section
    rest = [e for e in events if e.id not in notable_ids][:capacity]
    k = theme_count(len(rest), min_themes=settings.min_themes, max_themes=settings.max_themes)
    groups = merge_small_groups(group_events(rest, k), min_groups=settings.min_themes)
    texts = [[text for e in group for text in article_texts(e, articles)] for group in groups]
    stop = frozenset(content_words(topic.title)) | frozenset(topic.title.lower().split())
    titles = name_themes(texts, stop=stop)
    themes = [
        ThemePlan(title, tuple(sorted(group, key=lambda e: (-e.salience, e.id))))
        for title, group in zip(titles, groups, strict=True)
    ]
    themes.sort(key=lambda theme: (-theme.salience, theme.events[0].id))
    trimmed = tuple(
        ThemePlan(theme.title, theme.events[: settings.max_bullets_per_section]) for theme in themes
    )
    return BriefingPlan(
        topic=topic, now=now, events=tuple(events), themes=trimmed, notable=tuple(notable)
    )


def article_texts(event: EventSummary, articles: Mapping[int, Article]) -> list[str]:
    """Title and opening of each of an event's articles: the words a theme is named from."""
    texts = []
    for article_id in event.article_ids:
        article = articles.get(article_id)
        if article is not None:
            title = "" if article.title_derived else article.title
            texts.append(f"{title}. {article.text[:300]}")
    return texts
