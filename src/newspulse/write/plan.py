"""The briefing plan: which events go where.  Pure and deterministic given the store and now.

1. Keep the topic's events in the window (by last article), ranked by salience
   (which decays with age, ``rank``).
2. Those the sections can hold are grouped into the topic's facets and 3-7 themes;
   themes are ordered by their total salience and events within a theme by their own.
3. "Notable recent developments": the most salient events with a stated date in the last
   ``recent_days`` days (at least as salient as the window's median), newest first, except
   a theme's first event: a section keeps its biggest story (on a small page Notable
   otherwise emptied the sections of theirs and left them the weakest).  They are told
   there and nowhere else.
4. Analysis material for "Implications": events whose coverage holds concrete
   forward-looking sentences, those with most such sentences first.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newspulse.domain import Article, EventSummary, Topic, Vector
from newspulse.settings import WriteSettings
from newspulse.text.sentences import content_words
from newspulse.write.evidence import article_candidates, is_analysis
from newspulse.write.facets import assign_facets, facet_title
from newspulse.write.themes import (
    group_events,
    merge_small_groups,
    name_themes_by_events,
    theme_count,
)

MIN_EVENTS_FOR_SECTIONS = 1
# Articles per event read for analysis material (the writer reads the same leads first).
ANALYSIS_ARTICLES = 5


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
    # Events whose coverage interprets or looks ahead, most such sentences first.
    analysis: tuple[EventSummary, ...] = ()

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
    facet_vectors: Sequence[Vector] | None = None,
) -> BriefingPlan:
    """The plan of one version (module docstring).  With facets, events go to the facet
    nearest in meaning (``facet_vectors``, one per facet, or shared words without them);
    events no facet claims are grouped and named from their shared phrases."""
    days = topic.window_days if topic.window_days is not None else settings.window_days
    window = dt.timedelta(days=days)
    in_window = [e for e in ranked_events if now - window <= e.last_seen <= now]
    events = sorted(in_window, key=lambda e: (-e.salience, e.id))
    capacity = settings.max_themes * settings.max_bullets_per_section
    rest = events[:capacity]
    faceted: list[tuple[str, list[EventSummary]]] = []
    if topic.facets:
        texts_of = {e.id: " ".join(article_texts(e, articles)) for e in rest}
        by_facet, rest = assign_facets(topic.facets, rest, texts_of, facet_vectors)
        faceted = [(facet_title(f), group) for f, group in by_facet.items() if group]
    generated = generated_themes(topic, rest, articles, settings, taken=len(faceted))
    groups = [
        (title, sorted(group, key=lambda e: (-e.salience, e.id)))
        for title, group in [*faceted, *generated]
    ]
    leads = {group[0].id for _, group in groups}
    notable = notable_events(
        [e for e in events if e.id not in leads],
        now=now,
        settings=settings,
        floor=median_salience(events),
    )
    notable_ids = {e.id for e in notable}
    themes = [
        ThemePlan(title, tuple(e for e in group if e.id not in notable_ids))
        for title, group in groups
    ]
    themes.sort(key=lambda theme: (-theme.salience, theme.events[0].id))
    trimmed = tuple(
        ThemePlan(theme.title, theme.events[: settings.max_bullets_per_section]) for theme in themes
    )
    return BriefingPlan(
        topic=topic,
        now=now,
        events=tuple(events),
        themes=trimmed,
        notable=tuple(notable),
        analysis=analysis_events(events, articles),
    )


def generated_themes(
    topic: Topic,
    events: Sequence[EventSummary],
    articles: Mapping[int, Article],
    settings: WriteSettings,
    *,
    taken: int = 0,
) -> list[tuple[str, list[EventSummary]]]:
    """Events no facet claimed, grouped by meaning and named from their shared phrases."""
    if not events:
        return []
    low = max(settings.min_themes - taken, 1)
    high = max(settings.max_themes - taken, 1)
    k = theme_count(len(events), min_themes=min(low, high), max_themes=high)
    groups = merge_small_groups(group_events(events, k), min_groups=min(low, high))
    texts = [[article_texts(e, articles) for e in group] for group in groups]
    stop = frozenset(content_words(topic.title)) | frozenset(topic.title.lower().split())
    titles = name_themes_by_events(texts, stop=stop)
    return list(zip(titles, groups, strict=True))


def median_salience(events: Sequence[EventSummary]) -> float:
    return statistics.median(e.salience for e in events) if events else 0.0


def notable_events(
    events: Sequence[EventSummary],
    *,
    now: dt.datetime,
    settings: WriteSettings,
    floor: float | None = None,
) -> list[EventSummary]:
    """The most salient events of the last ``recent_days`` with a stated date, newest first.

    Only events at least as salient as ``floor`` (the window's median salience) qualify: a
    one-article item from yesterday is recent, not notable.
    """
    if not events:
        return []
    floor = median_salience(events) if floor is None else floor
    cutoff = now - dt.timedelta(days=settings.recent_days)
    recent = [
        e for e in events if e.has_known_date and e.last_seen >= cutoff and e.salience >= floor
    ]
    chosen = sorted(recent, key=lambda e: (-e.salience, e.id))[: settings.max_notable]
    return sorted(chosen, key=lambda e: (e.last_seen, e.id), reverse=True)


def analysis_events(
    events: Sequence[EventSummary], articles: Mapping[int, Article]
) -> tuple[EventSummary, ...]:
    """Events whose first few articles hold concrete forward-looking sentences, by how many
    (then salience): where "Implications" finds its material."""
    counted = []
    for event in events:
        members = [articles[a] for a in event.article_ids[:ANALYSIS_ARTICLES] if a in articles]
        count = sum(1 for a in members for c in article_candidates(a) if is_analysis(c))
        if count:
            counted.append((count, event))
    counted.sort(key=lambda pair: (-pair[0], -pair[1].salience, pair[1].id))
    return tuple(event for _, event in counted)


def article_texts(event: EventSummary, articles: Mapping[int, Article]) -> list[str]:
    """Title and opening of each of an event's articles: the words a theme is named from."""
    texts = []
    for article_id in event.article_ids:
        article = articles.get(article_id)
        if article is not None:
            title = "" if article.title_derived else article.title
            texts.append(f"{title}. {article.text[:300]}")
    return texts
