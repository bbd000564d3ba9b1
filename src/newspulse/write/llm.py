"""The LLM writer: the same plan as the extractive writer, worded by any OpenAI-compatible server.

Why it is built this way:

1. The model sees only the plan and numbered source passages (the best evidence
   sentences of each planned event's articles).  Passages are quoted data inside
   ``<passage>`` delimiters, escaped so an article cannot close them, and the system
   prompt says text inside them is never an instruction (prompt-injection defence).
   Sentences that read like instructions are not shown at all.
2. It must answer with JSON (json_schema, else json_object with the schema in the
   prompt; see ``llm_client``), validated by pydantic.
3. Every sentence cites passage numbers; numbers that do not exist are dropped.  A
   sentence whose cited passages do not hold its figures, names and most of its
   words is replaced by the extractive bullet of the same event, or dropped.
4. When the server fails (``llm_client``: timeouts, 5xx, 429, connection failures,
   malformed output, each retried with backoff first) the page is still written,
   from the extractive briefing of the same plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from string import Template

from pydantic import BaseModel, ConfigDict, ValidationError

from newspulse.domain import Article, Briefing, Bullet, Section, Statement
from newspulse.settings import WriteSettings
from newspulse.text.dates import find_stale_time_references
from newspulse.text.sentences import content_words
from newspulse.write.conflicts import with_conflicts
from newspulse.write.evidence import INSTRUCTION_LIKE, ArticleFacts, Candidate, best_candidates
from newspulse.write.extractive import Composer, as_of_date, section_with_stats, write_extractive
from newspulse.write.llm_client import MALFORMED, LLMConfig, LLMError, request_json
from newspulse.write.plan import BriefingPlan
from newspulse.write.verify import unsupported_reason

log = logging.getLogger(__name__)

# Bump when a prompt template or the answer schema changes; stored with every version.
PROMPT_VERSION = "llm-2"
WRITER_LLM = "llm"
WRITER_FALLBACK = "extractive-fallback"

PASSAGE_SENTENCES = 2
PASSAGE_ARTICLES_PER_EVENT = 4
MAX_PASSAGES = 80
# Share of a sentence's content words that must occur in the passages it cites.
MIN_PASSAGE_WORD_SHARE = 0.5
REJECTED_PREVIEW = 120

# Article sentences that address the reader's software rather than report news.
CITATION_MARK = re.compile(r"\s*[\[【]\d+(?:\s*[,;\u2013-]\s*\d+)*[\]】]")
CODE_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class LLMResult:
    briefing: Briefing
    writer: str
    model: str
    prompt_version: str
    fallback_reason: str | None = None
    # LLM sentences withheld before verification, each "reason: text".
    rejected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Passage:
    number: int
    article: Article
    event_id: int
    text: str

    def as_article(self) -> Article:
        """The passage as the only text of its article: what the model actually saw."""
        return dataclasses.replace(self.article, title="", text=self.text)


# The answer schema.  Extra keys are ignored when reading but forbidden in the schema sent.
class Draft(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": False})


class DraftSentence(Draft):
    text: str
    cites: list[int]


class DraftBullet(Draft):
    event: int
    text: str
    cites: list[int]
    details: list[DraftSentence]


class DraftSection(Draft):
    theme: int
    intro: list[DraftSentence]
    bullets: list[DraftBullet]


class DraftBriefing(Draft):
    headline: DraftSentence
    lead: list[DraftSentence]
    sections: list[DraftSection]
    notable: list[DraftBullet]
    implications: list[DraftBullet]
    summary: list[DraftSentence]


def write_llm(
    plan: BriefingPlan,
    articles: Mapping[int, Article],
    settings: WriteSettings,
    llm: LLMConfig,
    kept: Mapping[int, Section] | None = None,
) -> LLMResult:
    """The LLM's briefing for ``plan``, checked sentence by sentence; extractive on failure.

    Themes in ``kept`` (by index) keep their previous section whatever the model writes.
    """
    kept = kept or {}
    extractive = write_extractive(plan, articles, settings, kept)
    # Kept sections are not shown: the model words only what changed.
    skip = frozenset(e.id for index in kept for e in plan.themes[index].events)
    passages = build_passages(plan, articles, settings, skip)
    if not passages:
        return fallback(extractive, llm, "no passages")
    try:
        draft = request_draft(llm, chat_messages(plan, passages, frozenset(kept)))
    except LLMError as exc:
        log.warning("LLM writer for %s fell back to extractive: %s", plan.topic.slug, exc.reason)
        return fallback(extractive, llm, exc.reason)
    merger = Merger(
        passages={p.number: p for p in passages},
        extractive=extractive_bullets(extractive),
        planned_events=frozenset(e.id for e in plan.planned_events),
        as_of=plan.now.date(),
    )
    briefing = merge(draft, plan, articles, extractive, merger, kept)
    if merger.kept == 0:
        return fallback(extractive, llm, "no sentence verified", tuple(merger.rejected))
    return LLMResult(briefing, WRITER_LLM, llm.model, PROMPT_VERSION, None, tuple(merger.rejected))


def fallback(
    extractive: Briefing, llm: LLMConfig, reason: str, rejected: tuple[str, ...] = ()
) -> LLMResult:
    briefing = dataclasses.replace(extractive, writer=WRITER_FALLBACK)
    return LLMResult(briefing, WRITER_FALLBACK, llm.model, PROMPT_VERSION, reason, rejected)


# ---- passages and prompt -------------------------------------------------------------------


def build_passages(
    plan: BriefingPlan,
    articles: Mapping[int, Article],
    settings: WriteSettings,
    skip: frozenset[int] = frozenset(),
) -> tuple[Passage, ...]:
    """Per planned event (but those in ``skip``), a few articles (one per outlet first), each
    as its best sentences."""
    composer = Composer(articles=articles, settings=settings)
    passages: list[Passage] = []
    shown: set[int] = set()
    for event in (e for e in plan.planned_events if e.id not in skip):
        ids = [a for a in composer.evidence_ids(event) if a not in shown]
        ids = ids[:PASSAGE_ARTICLES_PER_EVENT]
        facts = composer.facts_for(ids)
        for article_id in ids:
            shown.add(article_id)
            text = passage_text(composer.candidates_for([article_id]), facts)
            if text and len(passages) < MAX_PASSAGES:
                passages.append(Passage(len(passages) + 1, articles[article_id], event.id, text))
    return tuple(passages)


def passage_text(candidates: Sequence[Candidate], facts: Sequence[ArticleFacts]) -> str:
    """The article's most informative, best supported sentences, in reading order."""
    usable = [c for c in candidates if not INSTRUCTION_LIKE.search(c.text)]
    best = [candidate for candidate, _ in best_candidates(usable, facts)[:PASSAGE_SENTENCES]]
    return " ".join(c.text for c in sorted(best, key=lambda c: c.position))


def prompt(name: str) -> str:
    return resources.files("newspulse.write").joinpath("prompts", name).read_text("utf-8")


def chat_messages(
    plan: BriefingPlan, passages: Sequence[Passage], kept: frozenset[int] = frozenset()
) -> list[dict[str, str]]:
    user = Template(prompt("user.txt")).substitute(
        topic=quote(plan.topic.title),
        date=plan.now.date().isoformat(),
        plan=render_plan(plan, passages, kept),
        passages=render_passages(passages),
    )
    return [{"role": "system", "content": prompt("system.txt")}, {"role": "user", "content": user}]


def render_plan(
    plan: BriefingPlan, passages: Sequence[Passage], kept: frozenset[int] = frozenset()
) -> str:
    """Themes and events with their passage numbers; kept themes (indexes) are only named."""
    numbers: dict[int, list[int]] = {}
    for passage in passages:
        numbers.setdefault(passage.event_id, []).append(passage.number)
    lines = []
    for index, theme in enumerate(plan.themes, start=1):
        if index - 1 in kept:
            lines.append(f'Theme {index}: "{quote(theme.title)}" (unchanged: do not write it)')
            continue
        lines.append(f'Theme {index}: "{quote(theme.title)}"')
        lines += [f"  Event {e.id}: passages {numbers.get(e.id, [])}" for e in theme.events]
    if plan.notable:
        lines.append("Notable recent developments:")
        lines += [f"  Event {e.id}: passages {numbers.get(e.id, [])}" for e in plan.notable]
    return "\n".join(lines)


def render_passages(passages: Sequence[Passage]) -> str:
    return "\n".join(
        f'<passage number="{p.number}" source="{quote(p.article.source)}" '
        f'published="{p.article.published_at.date().isoformat()}">\n{quote(p.text)}\n</passage>'
        for p in passages
    )


# Angle brackets and double quotes become look-alikes, so no article can close a delimiter.
INERT = str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d"})


def quote(text: str) -> str:
    """Article text as inert data on one line."""
    return " ".join(text.split()).translate(INERT)


# ---- the answer -----------------------------------------------------------------------------


def request_draft(llm: LLMConfig, messages: list[dict[str, str]]) -> DraftBriefing:
    """The model's draft, schema-constrained where the server supports it."""
    schema = DraftBriefing.model_json_schema()
    reminder = Template(prompt("json_object.txt")).substitute(schema=json.dumps(schema))
    return request_json(
        llm, messages, name="briefing", schema=schema, reminder=reminder, parse=parse_draft
    )


def parse_draft(content: str) -> DraftBriefing:
    fenced = CODE_FENCE.match(content)
    try:
        return DraftBriefing.model_validate_json(fenced.group(1) if fenced else content)
    except ValidationError as exc:
        raise LLMError(MALFORMED) from exc


# ---- merging the draft with the extractive briefing ----------------------------------------


def extractive_bullets(briefing: Briefing) -> dict[int, Bullet]:
    """The extractive bullet of each event, for substitution."""
    by_event: dict[int, Bullet] = {}
    groups = [s.bullets for s in briefing.sections] + [briefing.notable, briefing.implications]
    for bullet in (b for group in groups for b in group):
        if bullet.event_id is not None:
            by_event.setdefault(bullet.event_id, bullet)
    return by_event


@dataclass(slots=True)
class Merger:
    """Checks each drafted sentence against the passages it cites; remembers what it kept."""

    passages: Mapping[int, Passage]
    extractive: Mapping[int, Bullet]
    planned_events: frozenset[int]
    as_of: dt.date
    told_events: set[int] = field(default_factory=set)
    rejected: list[str] = field(default_factory=list)
    kept: int = 0

    def cited(self, numbers: Iterable[int]) -> list[Passage]:
        """Cited passages that exist, each once; invented numbers are dropped."""
        unique = dict.fromkeys(n for n in numbers if n in self.passages)
        return [self.passages[n] for n in unique]

    def problem(self, text: str, passages: Sequence[Passage]) -> str | None:
        if not text:
            return "empty sentence"
        if not passages:
            return "no valid citation"
        if INSTRUCTION_LIKE.search(text):
            return "echoes instructions"
        reason = unsupported_reason(text, [p.as_article() for p in passages])
        if reason is not None:
            return reason
        if word_share(text, passages) < MIN_PASSAGE_WORD_SHARE:
            return "words not in cited passages"
        if find_stale_time_references(text, as_of=self.as_of):
            return "stale time reference"
        return None

    def statement(self, draft: DraftSentence | DraftBullet) -> Statement | None:
        text = clean_text(draft.text)
        passages = self.cited(draft.cites)
        problem = self.problem(text, passages)
        if problem is not None:
            self.rejected.append(f"{problem}: {text[:REJECTED_PREVIEW]}")
            return None
        self.kept += 1
        return Statement(text, tuple(dict.fromkeys(p.article.uid for p in passages)))

    def statements(self, drafts: Iterable[DraftSentence]) -> tuple[Statement, ...]:
        return tuple(s for s in map(self.statement, drafts) if s is not None)

    def bullet(self, draft: DraftBullet) -> Bullet | None:
        """The drafted bullet if its cited passages hold it, else the event's extractive one."""
        passages = self.cited(draft.cites)
        event_id = draft.event if draft.event in self.planned_events else None
        if event_id is None and passages:
            event_id = passages[0].event_id
        if event_id is not None and event_id in self.told_events:
            # One event is told once: sections first, then notable developments.
            self.rejected.append(f"event already told: {clean_text(draft.text)[:REJECTED_PREVIEW]}")
            return None
        statement = self.statement(draft)
        if statement is None:
            return self.substitute(event_id)
        children = tuple(
            Bullet(child.text, child.citations, event_id=event_id)
            for child in self.statements(draft.details[:1])
        )
        if event_id is not None:
            self.told_events.add(event_id)
        bullet = Bullet(
            statement.text,
            statement.citations,
            children,
            event_id=event_id,
            as_of=as_of_date([p.article for p in passages]),
        )
        # The model sees a few passages; disagreements are found in all the event's sources.
        known = self.extractive.get(event_id) if event_id is not None else None
        return with_conflicts(bullet, known.conflicts if known else ())

    def bullets(self, drafts: Iterable[DraftBullet]) -> list[Bullet]:
        return [b for b in map(self.bullet, drafts) if b is not None]

    def substitute(self, event_id: int | None) -> Bullet | None:
        """The event's extractive bullet, once per event."""
        if event_id is None or event_id in self.told_events:
            return None
        bullet = self.extractive.get(event_id)
        if bullet is None or INSTRUCTION_LIKE.search(bullet.text):
            return None
        self.told_events.add(event_id)
        # The extractive writer may quote an article's instruction as a sub-bullet.
        children = tuple(c for c in bullet.children if not INSTRUCTION_LIKE.search(c.text))
        return dataclasses.replace(bullet, children=children)


def word_share(text: str, passages: Sequence[Passage]) -> float:
    words = content_words(text)
    if not words:
        return 0.0
    seen = content_words(" ".join(p.text for p in passages))
    return len(words & seen) / len(words)


def clean_text(text: str) -> str:
    """One line, unescaped, without inline "[3]" marks (citations belong in ``cites``)."""
    return " ".join(CITATION_MARK.sub("", html.unescape(text)).split())


def merge(
    draft: DraftBriefing,
    plan: BriefingPlan,
    articles: Mapping[int, Article],
    extractive: Briefing,
    merger: Merger,
    kept: Mapping[int, Section],
) -> Briefing:
    """The checked draft in the plan's structure; events it left out keep extractive bullets,
    and kept themes their previous section."""
    drafted: dict[int, DraftSection] = {}
    for drafted_section in draft.sections:
        drafted.setdefault(drafted_section.theme, drafted_section)
    merger.told_events.update(e.id for i in kept for e in plan.themes[i].events)
    intros: list[tuple[Statement, ...]] = []
    theme_bullets: list[list[Bullet]] = []
    for index in range(len(plan.themes)):
        section = None if index in kept else drafted.get(index + 1)
        intros.append(merger.statements(section.intro[:1]) if section else ())
        theme_bullets.append(merger.bullets(section.bullets) if section else [])
    notable = merger.bullets(draft.notable)
    for theme, bullets in zip(plan.themes, theme_bullets, strict=True):
        bullets += [b for b in map(merger.substitute, (e.id for e in theme.events)) if b]
    notable += [b for b in map(merger.substitute, (e.id for e in plan.notable)) if b]
    sections = [
        kept[index]
        if index in kept
        else section_with_stats(theme.title, intro, bullets, theme.events, articles)
        for index, (theme, intro, bullets) in enumerate(
            zip(plan.themes, intros, theme_bullets, strict=True)
        )
        if index in kept or bullets
    ]
    headline = merger.statement(draft.headline)
    implications = merger.bullets(draft.implications)
    return dataclasses.replace(
        extractive,
        headline=headline.text if headline else extractive.headline,
        lead=merger.statements(draft.lead) or extractive.lead,
        sections=tuple(sections) or extractive.sections,
        notable=tuple(notable),
        implications=tuple(implications) or extractive.implications,
        summary=merger.statements(draft.summary) or extractive.summary,
        writer=WRITER_LLM,
    )
