"""The LLM writer: the extractive writer's plan and facts, worded section by section by any
OpenAI-compatible server.

Why it is built this way:

1. Plan, then word.  The extractive writer plans the page (themes, events, the facts of
   each section with the ids of the articles that support them).  The model is asked to
   reword one section at a time from that section's facts only: short requests sized to
   fit a 4k-context model (``context_tokens``, ``max_tokens``; a section too long for one
   request is split), sent with bounded concurrency (``concurrency``).  The lead, notable
   developments and implications are worded the same way; the headline and summary stay
   composed from the page.
2. Article text is data.  Facts are quoted inside ``<fact>`` delimiters, escaped so that no
   article can close them or open a role tag, and the system prompt, which no article
   text reaches, says text inside them is never an instruction.  The model only names the
   fact it rewords: citations are the fact's own, so an invented "[99]" cites nothing.
3. Every sentence is checked before it is used: its figures and names must occur in the
   articles its fact cites (the shared verifier's rule), most of its words in the fact,
   no instruction echoed, no stale time.  A section with any sentence withheld keeps its
   extractive wording whole (the rest of the page stays LLM-written); each withheld
   sentence is listed with its reason.
4. When the server fails (``llm_client``: timeouts, 5xx, 429, connection failures,
   refused formats, malformed output, each retried first) the section keeps its
   extractive wording, with the reason recorded; when every section fails the version is
   the extractive briefing, marked ``extractive-fallback``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import logging
import re
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from newspulse.domain import Article, Briefing, Bullet, Section, Statement
from newspulse.settings import WriteSettings
from newspulse.text.dates import find_stale_time_references
from newspulse.text.sentences import content_words
from newspulse.write.conflicts import conflict_note
from newspulse.write.evidence import INSTRUCTION_LIKE
from newspulse.write.extractive import write_extractive
from newspulse.write.llm_client import (
    Answer,
    LLMConfig,
    LLMError,
    Usage,
    accepted_mode,
    http_client,
    request_json,
)
from newspulse.write.llm_prompt import (
    CHARS_PER_TOKEN,
    SCHEMA,
    DraftSection,
    Fact,
    chat_messages,
    estimate_tokens,
    parse_section,
    reminder,
)
from newspulse.write.plan import BriefingPlan
from newspulse.write.verify import unsupported_reason

log = logging.getLogger(__name__)

# Bump when a prompt template or the answer schema changes; stored with every version.
PROMPT_VERSION = "llm-4"
WRITER_LLM = "llm"
WRITER_FALLBACK = "extractive-fallback"

# Share of a sentence's content words that must occur in the fact it rewords.
MIN_FACT_WORD_SHARE = 0.5
REJECTED_PREVIEW = 240
# Characters of JSON around each answered sentence ({"fact": 12, "text": "..."}).
ANSWER_OVERHEAD_CHARS = 40
LEAD_TITLE = "Lead"
NOTABLE_TITLE = "Notable recent developments"
IMPLICATIONS_TITLE = "Implications"

CITATION_MARK = re.compile(r"\s*[\[【]\d+(?:\s*[,;\u2013-]\s*\d+)*[\]】]")


# ---- what the model is asked and answers -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """One part of the page the model words: a section, the notable list or implications."""

    key: str  # "lead", "section:<position>", "notable" or "implications"
    title: str
    intro: tuple[Statement, ...]
    bullets: tuple[Bullet, ...]

    @property
    def facts(self) -> tuple[Fact, ...]:
        texts = [*self.intro, *walk(self.bullets)]
        return tuple(Fact(i, s.text, s.citations) for i, s in enumerate(texts, start=1))

    def groups(self) -> list[list[Fact]]:
        """Facts that go to the model together: the intro, then each bullet with its children."""
        facts = list(self.facts)
        sizes = [len(self.intro)] + [1 + len(list(walk(b.children))) for b in self.bullets]
        groups, start = [], 0
        for size in sizes:
            if size:
                groups.append(facts[start : start + size])
            start += size
        return groups


def walk(bullets: Sequence[Bullet]) -> list[Statement]:
    """Bullets and their sub-bullets, depth first, in reading order."""
    found: list[Statement] = []
    for bullet in bullets:
        found.append(Statement(without_note(bullet), bullet.citations))
        found += walk(bullet.children)
    return found


def without_note(bullet: Bullet) -> str:
    """The bullet's own sentence: a note on disagreeing sources is the engine's, not the
    model's to reword (it is put back after the wording, and checked by the verifier)."""
    note = f" {conflict_note(bullet.conflicts)}" if bullet.conflicts else ""
    if note and bullet.text.endswith(note):
        return bullet.text[: -len(note)]
    return bullet.text


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one unit: who worded it, and why not the model when it did not."""

    section: str
    writer: str  # WRITER_LLM or "extractive"
    reason: str | None = None
    requests: int = 0  # requests sent for it (format probes and retries not counted)
    sentences: int = 0  # facts the model reworded and the checks passed
    withheld: int = 0

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class LLMResult:
    briefing: Briefing
    writer: str
    model: str
    prompt_version: str
    fallback_reason: str | None = None
    # Model sentences withheld before publication, each "reason: text".
    rejected: tuple[str, ...] = ()
    sections: tuple[Outcome, ...] = ()
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    mode: str | None = None
    # response_format refusals met while negotiating, each "mode: http status: body".
    refusals: tuple[str, ...] = ()

    def report(self) -> dict[str, Any]:
        """The run as recorded with the version (reproducibility) and in its JSON note."""
        return {
            "writer": self.writer,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "mode": self.mode,
            "fallback_reason": self.fallback_reason,
            "requests": self.requests,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "seconds": round(self.seconds, 2),
            "refusals": list(self.refusals),
            "withheld": list(self.rejected),
            "sections": [outcome.to_json() for outcome in self.sections],
        }


@dataclass(slots=True)
class Chunk:
    """One request: some of a unit's facts, and what came of it."""

    unit: Unit
    facts: tuple[Fact, ...]
    answer: DraftSection | None = None
    error: str | None = None
    refusals: tuple[str, ...] = ()
    sent: bool = False


# ---- the writer -----------------------------------------------------------------------------


def write_llm(
    plan: BriefingPlan,
    articles: Mapping[int, Article],
    settings: WriteSettings,
    llm: LLMConfig,
    kept: Mapping[int, Section] | None = None,
) -> LLMResult:
    """The page of ``plan`` with each section worded by the model where its wording passes
    the checks, else by the extractive writer.  Themes in ``kept`` (by index) keep their
    previous section and are not sent."""
    started = time.monotonic()
    kept = kept or {}
    extractive = write_extractive(plan, articles, settings, kept)
    units = page_units(extractive, kept)
    if not units:
        reason = None if kept else "nothing to word"
        writer = WRITER_LLM if kept else WRITER_FALLBACK
        briefing = dataclasses.replace(extractive, writer=writer)
        return LLMResult(briefing, writer, llm.model, PROMPT_VERSION, reason)
    chunks = [chunk for unit in units for chunk in chunks_of(unit, plan, llm)]
    usage = Usage()
    run_chunks(chunks, plan, llm, usage)
    by_uid = {article.uid: article for article in articles.values()}
    checker = Checker(by_uid, plan.now.date())
    outcomes: list[Outcome] = []
    worded: dict[str, Unit] = {}
    for unit in units:
        outcome, result = word_unit(unit, [c for c in chunks if c.unit is unit], checker)
        outcomes.append(outcome)
        if result is not None:
            worded[unit.key] = result
    base = LLMResult(
        extractive,
        WRITER_LLM,
        llm.model,
        PROMPT_VERSION,
        rejected=tuple(checker.rejected),
        sections=tuple(outcomes),
        requests=usage.requests,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        seconds=time.monotonic() - started,
        mode=accepted_mode(llm),
        refusals=tuple(r for chunk in chunks for r in chunk.refusals),
    )
    if not worded:
        reasons = [o.reason for o in outcomes if o.reason]
        reason = reasons[0] if len(set(reasons)) == 1 else "no section verified"
        log.warning("LLM writer for %s fell back to extractive: %s", plan.topic.slug, reason)
        briefing = dataclasses.replace(extractive, writer=WRITER_FALLBACK)
        return dataclasses.replace(
            base, briefing=briefing, writer=WRITER_FALLBACK, fallback_reason=reason
        )
    return dataclasses.replace(base, briefing=assemble(extractive, units, worded))


def page_units(extractive: Briefing, kept: Mapping[int, Section]) -> list[Unit]:
    """The parts of the page the model words: the lead, sections not kept, notable,
    implications (the headline and summary are composed from the worded page)."""
    kept_ids = {id(section) for section in kept.values()}
    units = [Unit("lead", LEAD_TITLE, extractive.lead, ())] if extractive.lead else []
    units += [
        Unit(f"section:{position}", section.title, section.intro, section.bullets)
        for position, section in enumerate(extractive.sections)
        if id(section) not in kept_ids
    ]
    if extractive.notable:
        units.append(Unit("notable", NOTABLE_TITLE, (), extractive.notable))
    if extractive.implications:
        units.append(Unit("implications", IMPLICATIONS_TITLE, (), extractive.implications))
    return units


def assemble(extractive: Briefing, units: Sequence[Unit], worded: Mapping[str, Unit]) -> Briefing:
    """The extractive page with the worded units put in their places."""
    sections = list(extractive.sections)
    for unit in units:
        if unit.key.startswith("section:") and unit.key in worded:
            position = int(unit.key.split(":", 1)[1])
            done = worded[unit.key]
            sections[position] = dataclasses.replace(
                sections[position], intro=done.intro, bullets=done.bullets
            )
    notable = worded["notable"].bullets if "notable" in worded else extractive.notable
    implications = extractive.implications
    if "implications" in worded:
        implications = worded["implications"].bullets
    return dataclasses.replace(
        extractive,
        lead=worded["lead"].intro if "lead" in worded else extractive.lead,
        sections=tuple(sections),
        notable=notable,
        implications=implications,
        writer=WRITER_LLM,
    )


# ---- requests -------------------------------------------------------------------------------


def chunks_of(unit: Unit, plan: BriefingPlan, llm: LLMConfig) -> list[Chunk]:
    """The unit's facts in requests that fit the context: prompt + schema reminder + answer
    within ``context_tokens``, the answer within ``max_tokens``.  A bullet and its
    sub-bullets stay in one request; a bullet too long for any request is sent alone."""
    fixed = estimate_tokens([{"content": reminder()}])

    def fits(facts: Sequence[Fact]) -> bool:
        messages = chat_messages(plan, unit.title, facts, system_role=llm.system_role)
        prompt_tokens = estimate_tokens(messages) + fixed
        answer = sum(len(f.text) + ANSWER_OVERHEAD_CHARS for f in facts) // CHARS_PER_TOKEN
        return answer <= llm.max_tokens and prompt_tokens + llm.max_tokens <= llm.context_tokens

    chunks: list[list[Fact]] = []
    for group in unit.groups():
        if chunks and fits([*chunks[-1], *group]):
            chunks[-1] += group
        else:
            chunks.append(list(group))
    return [Chunk(unit, tuple(facts)) for facts in chunks]


def run_chunks(chunks: Sequence[Chunk], plan: BriefingPlan, llm: LLMConfig, usage: Usage) -> None:
    """Send every chunk: the first alone (it pays the format probe), then the rest with at
    most ``concurrency`` in flight.  When the first fails in a way every request would
    (server down, timeout, request rejected, no format accepted) the rest are not sent."""
    with http_client(llm) as client:

        def send(chunk: Chunk) -> None:
            request_chunk(chunk, plan, llm, usage, client)

        first = chunks[0]
        send(first)
        if first.error is not None and hopeless(first.error):
            for chunk in chunks[1:]:
                chunk.error = first.error
            return
        with ThreadPoolExecutor(max_workers=max(1, llm.concurrency)) as pool:
            list(pool.map(send, chunks[1:]))


def hopeless(reason: str) -> bool:
    """A failure the next request would meet too."""
    return reason in ("server unreachable", "timeout", "structured output refused") or (
        reason.startswith("request rejected")
    )


def request_chunk(
    chunk: Chunk, plan: BriefingPlan, llm: LLMConfig, usage: Usage, client: Any
) -> None:
    try:
        answer: Answer[DraftSection] = request_json(
            llm,
            chat_messages(plan, chunk.unit.title, chunk.facts, system_role=llm.system_role),
            name="section",
            schema=SCHEMA,
            reminder=reminder(),
            parse=parse_section,
            usage=usage,
            client=client,
        )
    except LLMError as exc:
        chunk.error, chunk.refusals, chunk.sent = exc.reason, exc.refusals, True
        return
    chunk.answer, chunk.refusals, chunk.sent = answer.value, answer.refusals, True


# ---- checking the answer --------------------------------------------------------------------


@dataclass(slots=True)
class Checker:
    """Checks each worded sentence against its fact and the articles the fact cites."""

    articles_by_uid: Mapping[str, Article]
    as_of: dt.date
    rejected: list[str] = field(default_factory=list)

    def problem(self, text: str, fact: Fact) -> str | None:
        if not text:
            return "empty sentence"
        if INSTRUCTION_LIKE.search(text):
            return "echoes instructions"
        cited = [self.articles_by_uid[c] for c in fact.citations if c in self.articles_by_uid]
        reason = unsupported_reason(text, cited)
        if reason is not None:
            return reason
        if word_share(text, fact.text) < MIN_FACT_WORD_SHARE:
            return "words not in the fact"
        if find_stale_time_references(text, as_of=self.as_of):
            return "stale time reference"
        return None

    def reject(self, reason: str, text: str) -> None:
        self.rejected.append(f"{reason}: {text[:REJECTED_PREVIEW]}")


def word_unit(unit: Unit, chunks: Sequence[Chunk], checker: Checker) -> tuple[Outcome, Unit | None]:
    """The unit as the model worded it, or None (extractive wording) with the reason."""
    requests = sum(c.sent for c in chunks)
    errors = [c.error for c in chunks if c.error is not None]
    if errors:
        return Outcome(unit.title, "extractive", errors[0], requests), None
    facts = {f.number: f for f in unit.facts}
    asked = {f.number for c in chunks for f in c.facts}
    texts: dict[int, str] = {}
    withheld = 0
    first: str | None = None
    for chunk in chunks:
        assert chunk.answer is not None
        for drafted in chunk.answer.sentences:
            text = clean_text(drafted.text)
            fact = facts.get(drafted.fact) if drafted.fact in asked else None
            if fact is None:
                problem: str | None = "no such fact"
            elif drafted.fact in texts:
                problem = "fact worded twice"
            else:
                problem = checker.problem(text, fact)
            if problem is not None:
                checker.reject(problem, text)
                withheld += 1
                first = first or problem
                continue
            assert fact is not None
            texts[fact.number] = text
    if withheld:
        reason = f"{withheld} sentence(s) withheld ({first})"
        return Outcome(unit.title, "extractive", reason, requests, len(texts), withheld), None
    if not texts:
        return Outcome(unit.title, "extractive", "no sentence written", requests), None
    return Outcome(unit.title, WRITER_LLM, None, requests, len(texts)), reworded(unit, texts)


def reworded(unit: Unit, texts: Mapping[int, str]) -> Unit:
    """The unit with each fact's text replaced by its wording; citations stay the fact's."""
    counter = iter(range(1, len(unit.facts) + 1))

    def text_of(original: str) -> str:
        return texts.get(next(counter), original)

    intro = tuple(dataclasses.replace(s, text=text_of(s.text)) for s in unit.intro)

    def bullet(item: Bullet) -> Bullet:
        own = without_note(item)
        text = text_of(own)
        if own != item.text:
            text = f"{text}{item.text[len(own) :]}"
        children = tuple(bullet(child) for child in item.children)
        return dataclasses.replace(item, text=text, children=children)

    return dataclasses.replace(unit, intro=intro, bullets=tuple(bullet(b) for b in unit.bullets))


def word_share(text: str, fact: str) -> float:
    words = content_words(text)
    if not words:
        return 0.0
    return len(words & content_words(fact)) / len(words)


def clean_text(text: str) -> str:
    """One line, unescaped, without inline "[3]" marks (citations are the fact's)."""
    return " ".join(CITATION_MARK.sub("", html.unescape(text)).split())


def describe(result: LLMResult) -> str:
    """One line for ``newspulse update``: what the model wrote and what fell back, and why."""
    written = [o.section for o in result.sections if o.writer == WRITER_LLM]
    fell = [f"{o.section} ({o.reason})" for o in result.sections if o.writer != WRITER_LLM]
    parts = [
        f"{result.writer} via {result.mode or 'no mode'}",
        f"{result.requests} requests",
        f"{result.prompt_tokens}+{result.completion_tokens} tokens",
        f"{result.seconds:.1f} s",
        f"model wrote {len(written)}/{len(result.sections)} sections",
    ]
    if result.fallback_reason:
        parts.append(f"fell back: {result.fallback_reason}")
    if fell:
        parts.append("extractive: " + "; ".join(fell))
    if result.rejected:
        parts.append(f"{len(result.rejected)} sentences withheld")
    if result.refusals:
        parts.append(f"{len(result.refusals)} format refusals")
    return ", ".join(parts)


def dumps_report(result: LLMResult) -> str:
    return json.dumps(result.report(), sort_keys=True)
