"""The extractive writer: every statement is a source sentence, cited to all that support it.

1. Per event, rank its articles' clean sentences by support breadth and
   informativeness; of the best few, the one closest to the event's headlines becomes
   the bullet (``main_fact``), sentences that add
   new figures or names becomes a sub-bullet.  When the event's sources disagree
   on a figure, the bullet says so and cites both sides (``conflicts``).
2. Each section of several events opens with the theme's most central unused sentence
   (in a one-bullet section that sentence is the bullet's last detail).
3. The lead takes, per leading theme, the top event's main fact with a figure; the
   headline is composed later (``compose``).
4. "Implications" takes forward-looking sentences with numbers from the plan's
   analysis material; "In summary"
   takes the most topic-central sentences left.
Nothing is invented; the verifier checks the result before it is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
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
from newspulse.text.event_titles import TitleSource, event_title
from newspulse.text.headlines import clean_headline
from newspulse.text.sentences import content_words
from newspulse.write.compose import summary_statements
from newspulse.write.conflicts import conflict_note, find_conflicts, with_conflicts
from newspulse.write.details import adds_detail, amounts_first, child_count, resolved_on
from newspulse.write.evidence import (
    ArticleFacts,
    Candidate,
    Fact,
    article_candidates,
    best_candidates,
    cleaned_sentences,
    is_analysis,
    leaning_candidates,
    ranked_by_score,
    same_fact,
)
from newspulse.write.plan import BriefingPlan

MAX_HEADLINE_WORDS = 18
MAX_ARTICLES_PER_EVENT = 20
INTRO_ARTICLES_PER_EVENT = 5
LEAD_THEMES = 3
LEAD_EVENTS_PER_THEME = 2
LEAD_MIN_EVENTS = 2
# "Future XRP observed that the ETF ...": someone's account of the story, not the story.
REPORTED_VIEW = re.compile(
    r"^[^,.]{1,60}?\b(?:observed|noted|said|says|argued|believes|thinks|wrote|pointed out|"
    r"claimed|suggested|warned|stressed) that\b"
)
# A bullet's (and the lead's) sentence is the one among the event's best few that tells most
# of what its headlines say (``main_fact``).
MAIN_CHOICES = 4
Ranked = list[tuple[Candidate, list[tuple[int, float]]]]


@dataclass(slots=True)
class Composer:
    """Holds what has been said so far, so nothing is said twice."""

    articles: Mapping[int, Article]
    settings: WriteSettings
    facts: dict[int, ArticleFacts] = field(default_factory=dict)
    candidates: dict[int, list[Candidate]] = field(default_factory=dict)
    leaning: dict[int, list[Candidate]] = field(default_factory=dict)
    cleaned: dict[int, list[Candidate]] = field(default_factory=dict)
    used: list[Candidate] = field(default_factory=list)
    event_of: dict[int, EventSummary] = field(default_factory=dict)
    cited_events: dict[int, EventSummary] = field(default_factory=dict)

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
                self.candidates[article_id] = article_candidates(
                    self.articles[article_id], self.cleaned_of(article_id)
                )
            out.extend(self.candidates.get(article_id, []))
        return out

    def cleaned_of(self, article_id: int) -> list[Candidate]:
        """The article's cleaned sentences, computed once for both kinds of candidate."""
        if article_id not in self.cleaned:
            self.cleaned[article_id] = cleaned_sentences(self.articles[article_id])
        return self.cleaned[article_id]

    def is_new(self, candidate: Candidate) -> bool:
        return not any(same_fact(candidate, other) for other in self.used)

    def ranked(self, event: EventSummary) -> Ranked:
        ids = self.evidence_ids(event)
        facts = self.facts_for(ids)
        fresh = [c for c in self.candidates_for(ids) if self.is_new(c)]
        return best_candidates(fresh, facts)

    def with_resolved(self, event: EventSummary, ranked: Ranked, main: Candidate) -> Ranked:
        """``ranked`` and the event's sentences that lean on what ``main`` names, ranked
        together (``details.resolved_on``)."""
        ids = self.evidence_ids(event)
        leaning = [c for a in ids if a in self.articles for c in self.leaning_of(a)]
        resolved = [c for c in resolved_on(leaning, main.text) if self.is_new(c)]
        if not resolved:
            return ranked
        return ranked_by_score([*ranked, *best_candidates(resolved, self.facts_for(ids))])

    def leaning_of(self, article_id: int) -> list[Candidate]:
        if article_id not in self.leaning:
            self.leaning[article_id] = leaning_candidates(self.cleaned_of(article_id))
        return self.leaning[article_id]

    def take(self, candidate: Candidate, supporters: Sequence[tuple[int, float]]) -> Statement:
        """Use a sentence; the events of its supporters become sources of the briefing."""
        self.used.append(candidate)
        for article_id, _ in supporters:
            event = self.event_of.get(article_id)
            if event is not None:
                self.cited_events.setdefault(event.id, event)
        return Statement(candidate.text, tuple(self.uid(a) for a, _ in supporters))

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

    def notable_bullet(self, event: EventSummary) -> Bullet | None:
        """A notable development: its main fact and the details its coverage earns, as a
        themed bullet would have (the plan moves it out of its theme)."""
        return self.bullet_for(event)

    def bullets_for(self, event: EventSummary) -> list[Bullet]:
        """One bullet per episode of ``event`` (``EventSummary.episodes``: a series' games,
        a crash and the slide weeks later), most-covered first; one for a single story."""
        parts = episode_views(event)
        if len(parts) > 1:
            # The whole event owns its articles (citations, sources page), not an episode.
            self.evidence_ids(event)
        return [b for b in map(self.bullet_for, parts) if b is not None]

    def bullet_for(self, event: EventSummary, *, max_children: int | None = None) -> Bullet | None:
        ranked = self.ranked(event)
        if not ranked:
            return None
        main, supporters = main_fact(ranked, headline_words(event, self.articles))
        statement = self.take(main, supporters)
        ranked = amounts_first(self.with_resolved(event, ranked, main), main)
        children: list[Bullet] = []
        told = [main]
        for candidate, child_supporters in ranked:
            if candidate is main:
                continue
            limit = child_count(event) if max_children is None else max_children
            if len(children) >= limit:
                break
            if adds_detail(candidate, told) and self.is_new(candidate):
                child = self.take(candidate, child_supporters)
                children.append(Bullet(child.text, child.citations, event_id=event.id))
                told.append(candidate)
        newest = as_of_date([self.articles[a] for a, _ in supporters])
        bullet = Bullet(
            statement.text, statement.citations, tuple(children), event_id=event.id, as_of=newest
        )
        evidence = [self.articles[a] for a in self.evidence_ids(event)]
        return without_restated_conflicts(with_conflicts(bullet, find_conflicts(evidence)))


def episode_views(event: EventSummary) -> list[EventSummary]:
    """``event`` narrowed to each of its episodes, or ``[event]`` when it has fewer than
    two (members a correction removed are left out)."""
    members = set(event.article_ids)
    outlet = dict(zip(event.article_ids, event.sources, strict=True))
    parts = [tuple(a for a in episode if a in members) for episode in event.episodes]
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return [event]
    return [
        dataclasses.replace(
            event, article_ids=part, sources=tuple(outlet[a] for a in part), episodes=()
        )
        for part in parts
    ]


def without_restated_conflicts(bullet: Bullet) -> Bullet:
    """A bullet whose note lists the sides of a disagreement does not tell one side again
    in a sub-bullet ("... vs $830 billion (C)." then "OpenAI is valued at $830 billion.")."""
    if not bullet.conflicts:
        return bullet
    note = Fact(conflict_note(bullet.conflicts))
    children = tuple(c for c in bullet.children if not same_fact(Fact(c.text), note))
    return dataclasses.replace(bullet, children=children)


def section_statements(section: Section) -> list[Statement]:
    """Intro and every bullet and sub-bullet of a section, as statements."""
    return [*section.intro, *bullet_statements(section.bullets)]


def bullet_statements(bullets: Sequence[Bullet]) -> list[Statement]:
    """Every bullet and sub-bullet, as statements."""
    found = []
    stack = list(bullets)
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
    composer = Composer(articles=articles, settings=settings)
    kept = kept or {}
    # The lead is chosen first, one fact per leading theme; the sections then tell the rest.
    lead = lead_statements(composer, plan)
    sections = []
    for index, theme in enumerate(plan.themes):
        if index in kept:
            sections.append(composer.keep(kept[index], plan.events))
            continue
        bullets = [b for e in theme.events for b in composer.bullets_for(e)]
        if not bullets:
            continue
        intro = section_intro(composer, theme.events)
        if len(bullets) == 1:
            bullets, intro = [with_details(bullets[0], intro)], ()
        sections.append(section_with_stats(theme.title, intro, bullets, theme.events, articles))
    notable = tuple(b for b in map(composer.notable_bullet, plan.notable) if b is not None)
    implications = implication_bullets(composer, plan)
    said = [*lead, *(s for section in sections for s in section_statements(section))]
    said += [s for bullets in (notable, implications) for s in bullet_statements(bullets)]
    summary = summary_statements(lead, sections, [s.text for s in said])
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


def with_details(bullet: Bullet, statements: Sequence[Statement]) -> Bullet:
    """A one-bullet section opens on the event's main fact: a sentence an intro would have put
    before it is one more detail after it (an intro frames several bullets; before one bullet
    it is a side fact read first)."""
    extra = tuple(Bullet(s.text, s.citations, event_id=bullet.event_id) for s in statements)
    return dataclasses.replace(bullet, children=(*bullet.children, *extra))


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
    """The theme's most widely supported unused sentence (a few articles per event read),
    from the topic's own events when it has any: a neighbour's story told here as its slice
    (``write.scope``) does not frame the section."""
    own = [e for e in events if e.topic_share >= composer.settings.min_topic_share] or events
    ids = [a for e in own for a in composer.evidence_ids(e)[:INTRO_ARTICLES_PER_EVENT]]
    facts = composer.facts_for(ids)
    fresh = [c for c in composer.candidates_for(ids) if composer.is_new(c)]
    ranked = best_candidates(fresh, facts)
    if not ranked:
        return ()
    candidate, supporters = ranked[0]
    return (composer.take(candidate, supporters),)


def lead_statements(composer: Composer, plan: BriefingPlan) -> tuple[Statement, ...]:
    """One sentence per leading theme of two or more events (up to ``LEAD_THEMES``): the
    strongest fact (with a figure where one names the story) of the theme's most salient
    events."""
    lead = []
    for theme in plan.themes[:LEAD_THEMES]:
        if len(theme.events) < LEAD_MIN_EVENTS:
            continue  # the lead would empty a one-story section
        for event in theme.events[:LEAD_EVENTS_PER_THEME]:
            headlines = headline_words(event, composer.articles)
            ranked = composer.ranked(event)
            # The lead opens the page: a sentence that names what the headlines name, with
            # its figure where one does, never a columnist's aside for the sake of a figure
            # ("People spend ridiculous money ... paid $750 to watch").
            on_story = [
                (c, s)
                for c, s in ranked
                if names_the_story(c, headlines) and not REPORTED_VIEW.match(c.text)
            ]
            choices = [
                [(c, s) for c, s in on_story if c.figures],
                on_story,
                [(c, s) for c, s in ranked if c.figures],
            ]
            chosen = next((choice for choice in choices if choice), None)
            if chosen:
                lead.append(composer.take(*main_fact(chosen, headlines)))
                break
    return tuple(lead)


def main_fact(ranked: Ranked, headlines: set[str]) -> tuple[Candidate, list[tuple[int, float]]]:
    """Among the best few candidates, the one that tells most of what the headlines say:
    the story itself, not a background figure ("Solana's market cap is $110 billion")."""
    return max(ranked[:MAIN_CHOICES], key=lambda pair: len(pair[0].words & headlines))


def names_the_story(candidate: Candidate, headlines: set[str]) -> bool:
    """Whether one of the names the sentence mentions is in the event's headlines."""
    return any(word in headlines for name in candidate.names for word in content_words(name))


def headline_words(event: EventSummary, articles: Mapping[int, Article]) -> set[str]:
    """Words at least two of the event's headlines use (every word with one headline): what
    the story is about as its editors titled it."""
    titles = [content_words(articles[a].title) for a in event.article_ids if a in articles]
    counts = Counter(word for title in titles for word in title)
    floor = 2 if len(titles) > 1 else 1
    return {word for word, count in counts.items() if count >= floor}


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


def source_refs(
    events: Sequence[EventSummary], articles: Mapping[int, Article]
) -> tuple[SourceRef, ...]:
    """Every article behind the briefing, grouped by event, oldest first within an event;
    each group's title is chosen from the group's own articles."""
    refs = []
    seen: set[int] = set()
    for event in events:
        members = [
            article
            for article in sorted(
                (articles[a] for a in event.article_ids if a in articles),
                key=lambda a: (a.published_at, a.id),
            )
            if article.id not in seen
        ]
        seen.update(article.id for article in members)
        title = event_title([TitleSource(a.title, a.title_derived, a.text) for a in members])
        for article in members:
            refs.append(
                SourceRef(
                    id=article.uid,
                    url=article.url,
                    title=article.title,
                    source=article.source,
                    published_at=article.published_at,
                    event_id=event.id,
                    date_estimated=article.date_estimated,
                    language=article.language,
                    event_title=title,
                )
            )
    return tuple(refs)
