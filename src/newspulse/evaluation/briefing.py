"""Quality measures of one stored briefing version (product spec §4), as pure functions.

They read the stored JSON document, the texts of the articles it cites and the
topic's events; none of them calls the writer or its verifier, so they check
the writer's output rather than repeat its own bookkeeping.

- **Statements**: every lead, section-intro and summary sentence, every bullet (sub-bullets
  included) and every timeline line.  The headline is reported on its own (present or not).
- **Cited**: the statement names at least one source listed in the document.
- **Supported** (a cited statement): (1) every figure (amount, percent, quantity) and
  every other number it states occurs in the title or text of the articles it cites;
  (2) every name it states (``text.names``) occurs in them; (3) when the version's
  stored per-citation support scores are given (the writer stores them for every
  statement but timeline lines), the best of them (the share of the statement's content
  words found in one sentence of a cited article) is at least ``min_support_score``.
- **Redundant pairs**: two bullets whose normalised content words overlap by at least
  ``overlap_threshold`` of the shorter one's, or that state the same amount or percent
  about the same name.
- **Stale time references**: a phrase that puts "now" in a period ending more than
  ``stale_days`` before the version date ("as of mid-2024", "so far in 2024",
  "this year (2024)"), or a relative phrase ("last year", "this month", "yesterday")
  whose meaning read on the version date (a timeline line: on its own date) differs from
  its meaning on the date of the newest source the statement cites (its ``as_of``).
- **Coverage**: the share of the topic's ``top_k`` events with the most distinct sources
  of which at least one article is cited by a published statement.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newspulse.evaluation.event_titles import bad_event_titles, event_title_count, titles_json
from newspulse.evaluation.readability import (
    KeyFact,
    ReadabilityReport,
    evaluate_readability,
)
from newspulse.evaluation.statements import StatementRef, bullets, iter_statements
from newspulse.text.figures import figure_keys, number_tokens
from newspulse.text.names import mentions, name_keys, normalise_for_names
from newspulse.text.relative_time import anchored_periods
from newspulse.text.repeats import GENERIC_NAME_WORDS, EmbedTexts
from newspulse.text.sentences import STOPWORDS

WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


@dataclass(frozen=True, slots=True)
class SourceText:
    """A cited article as the measures need it."""

    uid: str
    title: str
    text: str
    # The writer may anchor "today" to this date ("on 12 Sep 2025"): those numbers are sourced.
    published: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EventRef:
    """One of the topic's events at the version date."""

    id: int
    source_count: int
    size: int
    last_seen: dt.datetime
    article_uids: frozenset[str]
    # The title its event page shows.
    label: str = ""


@dataclass(frozen=True, slots=True)
class EvalConfig:
    min_support_score: float = 0.5
    overlap_threshold: float = 0.8
    min_overlap_words: int = 4
    stale_days: int = 365
    top_k: int = 20


DEFAULT_CONFIG = EvalConfig()


@dataclass(frozen=True, slots=True)
class BriefingReport:
    topic: str
    version: int
    version_date: dt.date
    headline: bool
    sections: int
    statements: int
    cited: int
    supported: int
    redundant_pairs: tuple[tuple[str, str], ...]
    stale_references: tuple[tuple[str, str], ...]
    top_events: int
    covered_events: int
    unsupported: tuple[tuple[str, str], ...] = field(default=())
    readability: ReadabilityReport | None = None
    # Event titles a reader sees (``evaluation.event_titles``): how many, and the bad ones.
    event_titles: int = 0
    bad_event_titles: tuple[tuple[str, str], ...] = field(default=())

    @property
    def cited_pct(self) -> float:
        return percent(self.cited, self.statements)

    @property
    def supported_pct(self) -> float:
        return percent(self.supported, self.cited)

    @property
    def coverage_pct(self) -> float:
        return percent(self.covered_events, self.top_events)

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "version": self.version,
            "version_date": self.version_date.isoformat(),
            "headline": self.headline,
            "sections": self.sections,
            "statements": self.statements,
            "cited": self.cited,
            "cited_pct": round(self.cited_pct, 1),
            "supported": self.supported,
            "supported_pct": round(self.supported_pct, 1),
            "redundant_pairs": [list(pair) for pair in self.redundant_pairs],
            "stale_references": [list(pair) for pair in self.stale_references],
            "top_events": self.top_events,
            "covered_events": self.covered_events,
            "coverage_pct": round(self.coverage_pct, 1),
            "unsupported": [list(pair) for pair in self.unsupported],
            **(self.readability.to_json(self.statements) if self.readability else {}),
            **titles_json(self.bad_event_titles, self.event_titles),
        }


def percent(part: int, whole: int) -> float:
    """A share in percent; an empty whole scores 100 (nothing to get wrong)."""
    return 100.0 * part / whole if whole else 100.0


def evaluate_briefing(
    document: Mapping[str, Any],
    articles: Mapping[str, SourceText],
    events: Sequence[EventRef],
    *,
    support_scores: Mapping[str, Sequence[float]] | None = None,
    config: EvalConfig = DEFAULT_CONFIG,
    facts: Sequence[KeyFact] = (),
    embed: EmbedTexts | None = None,
) -> BriefingReport:
    """Every measure of the module docstring for one stored document, and what a reader
    sees (``readability``)."""
    version_date = parse_date(document["updated_at"])
    known = {source["id"] for source in document.get("sources", [])}
    statements = list(iter_statements(document))
    cited = [s for s in statements if any(c in known for c in s.citations)]
    unsupported = []
    for statement in cited:
        scores = None
        if support_scores is not None and statement.scored:
            scores = support_scores.get(statement.path, [])
        reason = unsupported_reason(statement, articles, scores, config)
        if reason is not None:
            unsupported.append((statement.path, reason))
    top = top_events(events, config.top_k)
    cited_uids = {c for s in statements for c in s.citations}
    return BriefingReport(
        topic=str(document.get("topic", {}).get("slug", "")),
        version=int(document.get("version", 0)),
        version_date=version_date,
        headline=bool(str(document.get("headline", "")).strip()),
        sections=len(document.get("sections", [])),
        statements=len(statements),
        cited=len(cited),
        supported=len(cited) - len(unsupported),
        redundant_pairs=tuple(redundant_pairs(bullet_texts(document), config)),
        stale_references=tuple(stale_in(statements, document, version_date, config)),
        top_events=len(top),
        covered_events=sum(1 for event in top if event.article_uids & cited_uids),
        unsupported=tuple(unsupported),
        readability=evaluate_readability(document, facts=facts, embed=embed),
        event_titles=event_title_count(document),
        bad_event_titles=bad_event_titles(
            document,
            {uid: article.text for uid, article in articles.items()},
            {event.id: event.label for event in events},
        ),
    )


def parse_date(value: str) -> dt.date:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()


def bullet_texts(document: Mapping[str, Any]) -> list[str]:
    groups = [section.get("bullets", []) for section in document.get("sections", [])]
    groups += [document.get("notable", []), document.get("implications", [])]
    return [s.text for number, group in enumerate(groups) for s in bullets(str(number), group)]


# --- support --------------------------------------------------------------------------------


def unsupported_reason(
    statement: StatementRef,
    articles: Mapping[str, SourceText],
    scores: Sequence[float] | None,
    config: EvalConfig,
) -> str | None:
    """Why a cited statement is not supported by the articles it cites, or None."""
    cited = [articles[c] for c in statement.citations if c in articles]
    if not cited:
        return "cited articles not found"
    corpus = " ".join(f"{a.title}. {a.text}" for a in cited)
    missing = sorted(figure_keys(statement.text) - figure_keys(corpus))
    dates = " ".join(p for a in cited if a.published for p in anchored_periods(a.published, a.text))
    missing += sorted(
        number_tokens(statement.text)
        - number_tokens(corpus)
        - figure_numbers(corpus)
        - number_tokens(dates)
    )
    if missing:
        return f"numbers not in cited sources: {', '.join(missing)}"
    normalised = normalise_for_names(corpus)
    absent = sorted(name for name in name_keys(statement.text) if not mentions(normalised, name))
    if absent:
        return f"names not in cited sources: {', '.join(absent)}"
    if scores is not None:
        best = max(scores, default=0.0)
        if best < config.min_support_score:
            return f"best stored support score {best:.2f} < {config.min_support_score}"
    return None


def figure_numbers(text: str) -> set[str]:
    """The plain values of the source's figures: a statement may state "5" of "5%" bare."""
    return {key.split(":", 1)[1] for key in figure_keys(text)}


# --- redundancy -----------------------------------------------------------------------------


def normalised_words(text: str) -> frozenset[str]:
    return frozenset(w for w in WORD.findall(text.lower()) if w not in STOPWORDS)


def redundant_pairs(texts: Sequence[str], config: EvalConfig) -> Iterator[tuple[str, str]]:
    """Pairs of bullets that say the same thing (module docstring)."""
    # "AI" names no one (as in ``text.repeats``): two amounts about two AI companies are
    # two facts.
    facts = [
        (
            text,
            normalised_words(text),
            amount_keys(text),
            frozenset(name_keys(text)) - GENERIC_NAME_WORDS,
        )
        for text in texts
    ]
    for (a, words_a, amounts_a, names_a), (
        b,
        words_b,
        amounts_b,
        names_b,
    ) in itertools.combinations(facts, 2):
        shorter = min(len(words_a), len(words_b))
        overlap = len(words_a & words_b)
        same_words = shorter >= config.min_overlap_words and (
            overlap / shorter >= config.overlap_threshold
        )
        same_figure = bool(amounts_a & amounts_b) and bool(names_a & names_b)
        if a == b or same_words or same_figure:
            yield a, b


def amount_keys(text: str) -> frozenset[str]:
    """Money and percent figures: the facts a page must not state twice."""
    return frozenset(key for key in figure_keys(text) if not key.startswith("#:"))


# --- stale time references ------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
PERIOD = (
    r"(?P<period>early|mid|late|end of|the end of|start of|the start of|beginning of|"
    r"the beginning of|middle of|q[1-4]|h[12]|"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")?(?:\s+[0-3]?\d(?:st|nd|rd|th)?,?)?[-\s]*"
)
YEAR = r"(?P<year>(?:19|20)\d{2})\b"
ANCHORED_NOW = re.compile(
    r"\b(?:as of|as at|so far in|to date in|year[- ]to[- ]date in|"
    r"currently,? in|now,? in)\s+"
    + PERIOD
    + YEAR
    + r"|\b(?:this|the current) year\s*\(\s*"
    + YEAR.replace("year>", "year2>")
    + r"\s*\)",
    re.IGNORECASE,
)
RELATIVE = re.compile(
    r"\b(?P<phrase>(?:this|last|next) (?:year|month|week)|earlier this (?:year|month)|"
    r"yesterday|today|tomorrow|tonight)\b",
    re.IGNORECASE,
)
RECENT_DAYS = 7


PERIOD_LAST_MONTH = {
    "early": 4, "start of": 4, "beginning of": 4, "q1": 3, "h1": 6, "q2": 6,
    "mid": 8, "middle of": 8, "q3": 9,
}  # fmt: skip


def period_end(period: str | None, year: int) -> dt.date:
    """The last day of "early 2024", "mid-2024", "Q1 2024", "March 2024", "2024"."""
    key = (period or "").lower().replace("the ", "").strip()
    month = MONTHS.get(key) or PERIOD_LAST_MONTH.get(key, 12)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def stale_phrases(
    text: str, *, version_date: dt.date, as_of: dt.date | None, stale_days: int
) -> list[str]:
    """The phrases of one statement that are stale on ``version_date`` (module docstring)."""
    found = []
    for match in ANCHORED_NOW.finditer(text):
        year = int(match["year"] or match["year2"])
        end = period_end(match["period"] if match["year"] else None, year)
        if (version_date - end).days > stale_days:
            found.append(match.group(0))
    if as_of is not None:
        for match in RELATIVE.finditer(text):
            if relative_shift(match["phrase"].lower(), as_of, version_date):
                found.append(match.group(0))
    return found


def relative_shift(phrase: str, said_on: dt.date, read_on: dt.date) -> bool:
    """Whether a relative phrase means another period when read on ``read_on``."""
    if "year" in phrase:
        return said_on.year != read_on.year
    if "month" in phrase:
        return (said_on.year, said_on.month) != (read_on.year, read_on.month)
    return (read_on - said_on).days > RECENT_DAYS


def stale_in(
    statements: Sequence[StatementRef],
    document: Mapping[str, Any],
    version_date: dt.date,
    config: EvalConfig,
) -> Iterator[tuple[str, str]]:
    published = {
        source["id"]: parse_date(source["published_at"])
        for source in document.get("sources", [])
        if source.get("published_at")
    }
    for statement in statements:
        dates = [published[c] for c in statement.citations if c in published]
        as_of = statement.as_of or (max(dates) if dates else None)
        for phrase in stale_phrases(
            statement.text,
            version_date=statement.read_on or version_date,
            as_of=as_of,
            stale_days=config.stale_days,
        ):
            yield statement.path, phrase


# --- coverage -------------------------------------------------------------------------------


def top_events(events: Sequence[EventRef], k: int) -> list[EventRef]:
    """The ``k`` events with most distinct sources; ties go to the larger, then newer event."""
    ranked = sorted(
        events, key=lambda e: (-e.source_count, -e.size, -e.last_seen.timestamp(), e.id)
    )
    return ranked[:k]
