"""The extractive writer: every statement is a source sentence, cited to all that support it.

1. Per event, rank its articles' clean sentences by support breadth and
   informativeness; the best becomes the bullet, one more sentence that adds
   new figures or names becomes a sub-bullet.  When the event's sources disagree
   on a figure, the bullet says so and cites both sides (``conflicts``).
2. Each section opens with the theme's most central unused sentence.
3. The lead takes the top events' strongest unused sentences; the headline is
   the best real headline of the top event.
4. "Implications" takes forward-looking sentences with numbers from the plan's
   analysis material; "In summary"
   takes the most topic-central sentences left.
Nothing is invented; the verifier checks the result before it is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from newspulse.domain import (
    Article,
    Briefing,
    Bullet,
    EventSummary,
    Section,
    SourceRef,
    Statement,
)
from newspulse.settings import WriteSettings
from newspulse.text.relative_time import resolve_relative_time
from newspulse.write.conflicts import find_conflicts, with_conflicts
from newspulse.write.evidence import (
    ArticleFacts,
    Candidate,
    article_candidates,
    best_candidates,
    is_analysis,
    same_fact,
)
from newspulse.write.plan import BriefingPlan

# " - Outlet", " | Site", " \u2013 Outlet": a trailing site name in a headline.
HEADLINE_SUFFIX = re.compile("\\s+[-|\u2013\u2014]\\s+[^-|\u2013\u2014]{2,40}$")
MAX_HEADLINE_WORDS = 18
MIN_CHILD_NOVELTY = 2
MAX_ARTICLES_PER_EVENT = 20
INTRO_ARTICLES_PER_EVENT = 5


@dataclass(slots=True)
class Composer:
    """Holds what has been said so far, so nothing is said twice."""

    articles: Mapping[int, Article]
    settings: WriteSettings
    facts: dict[int, ArticleFacts] = field(default_factory=dict)
    candidates: dict[int, list[Candidate]] = field(default_factory=dict)
    used: list[Candidate] = field(default_factory=list)
    event_of: dict[int, EventSummary] = field(default_factory=dict)
    cited_events: dict[int, EventSummary] = field(default_factory=dict)
    # The version's date: "today" in a quoted sentence is anchored to its article's date.
    read_on: dt.date | None = None

    def evidence_ids(self, event: EventSummary) -> list[int]:
        """The event's articles the writer reads: one per outlet first, at most a cap.

        Scoring is quadratic in the number of articles, and the 21st article of a story
        rarely adds a fact the first twenty lacked.
        """
        for article_id in event.article_ids:
            self.event_of.setdefault(article_id, event)
        present = [a for a in event.article_ids if a in self.articles]
        seen: set[str] = set()
        first_per_outlet: list[int] = []
        repeats: list[int] = []
        for article_id in present:
            outlet = self.articles[article_id].source
            (repeats if outlet in seen else first_per_outlet).append(article_id)
            seen.add(outlet)
        return (first_per_outlet + repeats)[:MAX_ARTICLES_PER_EVENT]

    def facts_for(self, ids: Iterable[int]) -> list[ArticleFacts]:
        out = []
        for article_id in ids:
            if article_id not in self.facts and article_id in self.articles:
                self.facts[article_id] = ArticleFacts.of(self.articles[article_id])
            if article_id in self.facts:
                out.append(self.facts[article_id])
        return out

    def candidates_for(self, ids: Iterable[int]) -> list[Candidate]:
        out = []
        for article_id in ids:
            if article_id not in self.candidates and article_id in self.articles:
                self.candidates[article_id] = article_candidates(self.articles[article_id])
            out.extend(self.candidates.get(article_id, []))
        return out

    def is_new(self, candidate: Candidate) -> bool:
        return not any(same_fact(candidate, other) for other in self.used)

    def ranked(self, event: EventSummary) -> list[tuple[Candidate, list[tuple[int, float]]]]:
        ids = self.evidence_ids(event)
        facts = self.facts_for(ids)
        fresh = [c for c in self.candidates_for(ids) if self.is_new(c)]
        return best_candidates(fresh, facts)

    def take(self, candidate: Candidate, supporters: Sequence[tuple[int, float]]) -> Statement:
        """Use a sentence; the events of its supporters become sources of the briefing."""
        self.used.append(candidate)
        for article_id, _ in supporters:
            event = self.event_of.get(article_id)
            if event is not None:
                self.cited_events.setdefault(event.id, event)
        return Statement(self.anchored(candidate), tuple(self.uid(a) for a, _ in supporters))

    def anchored(self, candidate: Candidate) -> str:
        """The sentence with relative time phrases fixed to its article's stated date."""
        article = self.articles.get(candidate.article_id)
        if self.read_on is None or article is None or article.date_estimated:
            return candidate.text
        said_on = article.published_at.date()
        return resolve_relative_time(candidate.text, said_on=said_on, read_on=self.read_on)

    def keep(self, section: Section, events: Sequence[EventSummary]) -> Section:
        """Take over a previous version's section: its sentences count as said, and the
        events of the articles it cites become sources of the briefing."""
        event_of_uid = {
            self.articles[a].uid: event
            for event in events
            for a in event.article_ids
            if a in self.articles
        }
        for statement in section_statements(section):
            self.used.append(Candidate(text=statement.text))
            for uid in statement.citations:
                event = event_of_uid.get(uid)
                if event is not None:
                    self.cited_events.setdefault(event.id, event)
        return section

    def uid(self, article_id: int) -> str:
        return self.articles[article_id].uid

    def bullet_for(self, event: EventSummary, *, with_child: bool = True) -> Bullet | None:
        ranked = self.ranked(event)
        if not ranked:
            return None
        main, supporters = ranked[0]
        statement = self.take(main, supporters)
        children: list[Bullet] = []
        if with_child:
            for candidate, child_supporters in ranked[1:]:
                novelty = len(candidate.figures - main.figures) + len(candidate.names - main.names)
                if novelty >= MIN_CHILD_NOVELTY and self.is_new(candidate):
                    child = self.take(candidate, child_supporters)
                    children.append(Bullet(child.text, child.citations, event_id=event.id))
                    break
        newest = as_of_date([self.articles[a] for a, _ in supporters])
        bullet = Bullet(
            statement.text, statement.citations, tuple(children), event_id=event.id, as_of=newest
        )
        evidence = [self.articles[a] for a in self.evidence_ids(event)]
        return with_conflicts(bullet, find_conflicts(evidence))


def section_statements(section: Section) -> list[Statement]:
    """Intro and every bullet and sub-bullet of a section, as statements."""
    found = list(section.intro)
    stack = list(section.bullets)
    while stack:
        bullet = stack.pop()
        found.append(Statement(bullet.text, bullet.citations))
        stack.extend(bullet.children)
    return found


def as_of_date(articles: Sequence[Article]) -> dt.date:
    """Newest publication date among supporters, preferring dates the sources stated."""
    known = [a.published_at for a in articles if not a.date_estimated]
    return max(known or [a.published_at for a in articles]).date()


def write_extractive(
    plan: BriefingPlan,
    articles: Mapping[int, Article],
    settings: WriteSettings,
    kept: Mapping[int, Section] | None = None,
) -> Briefing:
    """The briefing of ``plan``; themes in ``kept`` (by index) keep their previous section."""
    composer = Composer(articles=articles, settings=settings, read_on=plan.now.date())
    kept = kept or {}
    sections = []
    for index, theme in enumerate(plan.themes):
        if index in kept:
            sections.append(composer.keep(kept[index], plan.events))
            continue
        bullets = [b for b in (composer.bullet_for(e) for e in theme.events) if b is not None]
        if not bullets:
            continue
        intro = section_intro(composer, theme.events)
        sections.append(section_with_stats(theme.title, intro, bullets, theme.events, articles))
    notable = tuple(
        b for b in (composer.bullet_for(e, with_child=False) for e in plan.notable) if b is not None
    )
    lead = lead_statements(composer, plan)
    implications = implication_bullets(composer, plan)
    summary = summary_statements(composer, plan)
    planned_ids = {e.id for e in plan.planned_events}
    extra = [e for e in composer.cited_events.values() if e.id not in planned_ids]
    used_events = (*plan.planned_events, *extra)
    return Briefing(
        topic=plan.topic,
        updated_at=plan.now,
        headline=headline(plan, articles),
        lead=lead,
        sections=tuple(sections),
        notable=notable,
        implications=implications,
        summary=summary,
        sources=source_refs(used_events, articles),
        event_ids=tuple(e.id for e in used_events),
        writer="extractive",
    )


def section_with_stats(
    title: str,
    intro: tuple[Statement, ...],
    bullets: list[Bullet],
    events: Sequence[EventSummary],
    articles: Mapping[int, Article],
) -> Section:
    members = [articles[a] for e in events for a in e.article_ids if a in articles]
    return Section(
        title=title,
        intro=intro,
        bullets=tuple(bullets),
        publisher_count=len({m.source for m in members}),
        newest=max(m.published_at for m in members).date() if members else None,
    )


def section_intro(composer: Composer, events: Sequence[EventSummary]) -> tuple[Statement, ...]:
    """The theme's most widely supported unused sentence (a few articles per event read)."""
    ids = [a for e in events for a in composer.evidence_ids(e)[:INTRO_ARTICLES_PER_EVENT]]
    facts = composer.facts_for(ids)
    fresh = [c for c in composer.candidates_for(ids) if composer.is_new(c)]
    ranked = best_candidates(fresh, facts)
    if not ranked:
        return ()
    candidate, supporters = ranked[0]
    return (composer.take(candidate, supporters),)


def lead_statements(composer: Composer, plan: BriefingPlan) -> tuple[Statement, ...]:
    """2-4 sentences from the most salient events, each with its decisive numbers."""
    top = sorted(plan.planned_events, key=lambda e: (-e.salience, e.id))[:3]
    lead = []
    for event in top:
        ranked = [(c, s) for c, s in composer.ranked(event) if c.figures]
        if ranked:
            lead.append(composer.take(*ranked[0]))
    return tuple(lead)


def implication_bullets(composer: Composer, plan: BriefingPlan) -> tuple[Bullet, ...]:
    """Forward-looking, concrete sentences (with a figure or two names), one per event."""
    bullets: list[Bullet] = []
    for event in plan.analysis:
        for candidate, supporters in composer.ranked(event):
            if is_analysis(candidate):
                statement = composer.take(candidate, supporters)
                bullets.append(Bullet(statement.text, statement.citations, event_id=event.id))
                break
        if len(bullets) >= composer.settings.max_implications:
            break
    return tuple(bullets)


def summary_statements(composer: Composer, plan: BriefingPlan) -> tuple[Statement, ...]:
    """Two sentences from the two most salient themes' events not yet quoted."""
    summary = []
    for theme in plan.themes[:2]:
        for event in theme.events:
            ranked = composer.ranked(event)
            if ranked:
                summary.append(composer.take(*ranked[0]))
                break
    return tuple(summary)


def headline(plan: BriefingPlan, articles: Mapping[int, Article]) -> str:
    """The best real headline among the most salient events (derived titles are skipped)."""
    for event in sorted(plan.planned_events, key=lambda e: (-e.salience, e.id)):
        titles = [
            clean_headline(articles[a].title)
            for a in event.article_ids
            if a in articles and not articles[a].title_derived
        ]
        titles = [t for t in titles if 4 <= len(t.split()) <= MAX_HEADLINE_WORDS]
        if titles:
            return min(titles, key=lambda t: (abs(len(t.split()) - 10), t))
    return plan.topic.title


def clean_headline(title: str) -> str:
    """Drop a trailing " - Outlet" or " | Site" and surrounding whitespace."""
    return HEADLINE_SUFFIX.sub("", " ".join(title.split())).strip()


def source_refs(
    events: Sequence[EventSummary], articles: Mapping[int, Article]
) -> tuple[SourceRef, ...]:
    """Every article behind the briefing, grouped by event, oldest first within an event."""
    refs = []
    seen: set[int] = set()
    for event in events:
        members = sorted(
            (articles[a] for a in event.article_ids if a in articles),
            key=lambda a: (a.published_at, a.id),
        )
        for article in members:
            if article.id in seen:
                continue
            seen.add(article.id)
            refs.append(
                SourceRef(
                    id=article.uid,
                    url=article.url,
                    title=article.title,
                    source=article.source,
                    published_at=article.published_at,
                    event_id=event.id,
                    date_estimated=article.date_estimated,
                )
            )
    return tuple(refs)
