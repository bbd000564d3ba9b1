"""The verifier shared by every writer, run before a version is stored.

For each statement: its citations must name sources of the briefing; every
figure it states must occur in the cited articles, and most of its names; it
must not anchor the present in an earlier year ("as of mid-2024" on a 2026
page).  No two bullets may say the same thing.  A statement that fails is
withheld (and listed), never published.  Each surviving citation gets a
support score and the passage of the cited article that supports it best.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newspulse.domain import Article, Briefing, Bullet, Statement, Verification
from newspulse.text.dates import find_stale_time_references
from newspulse.text.figures import figure_keys
from newspulse.text.names import name_keys
from newspulse.text.sentences import content_words, split_sentences
from newspulse.text.similarity import jaccard, shingles
from newspulse.write.evidence import Fact, same_fact

MIN_NAME_SHARE = 0.6
WITHHELD_PREVIEW = 120


@dataclass(frozen=True, slots=True)
class CitationRecord:
    """One statement → article link as stored in the ``citations`` table."""

    path: str
    article_id: int
    passage: str
    support_score: float


@dataclass(slots=True)
class Verifier:
    articles_by_uid: Mapping[str, Article]
    source_ids: frozenset[str]
    redundancy_threshold: float
    as_of: dt.date
    records: list[CitationRecord] = dataclasses.field(default_factory=list)
    withheld: list[str] = dataclasses.field(default_factory=list)
    bullet_facts: list[tuple[Fact, set[str]]] = dataclasses.field(default_factory=list)
    statements: int = 0
    cited: int = 0
    supported: int = 0

    def check(self, statement: Statement, path: str, *, is_bullet: bool) -> Statement | None:
        self.statements += 1
        citations = tuple(c for c in statement.citations if c in self.source_ids)
        if not citations:
            return self.withhold(statement, "no citation")
        self.cited += 1
        cited = [self.articles_by_uid[c] for c in citations if c in self.articles_by_uid]
        problem = unsupported_reason(statement.text, cited)
        if problem is None and find_stale_time_references(statement.text, as_of=self.as_of):
            problem = "stale time reference"
        if problem is None and is_bullet:
            fact = Fact(statement.text)
            grams = shingles(statement.text)
            if any(
                jaccard(grams, seen_grams) > self.redundancy_threshold or same_fact(fact, seen)
                for seen, seen_grams in self.bullet_facts
            ):
                problem = "repeats another bullet"
            else:
                self.bullet_facts.append((fact, grams))
        if problem is not None:
            return self.withhold(statement, problem)
        self.supported += 1
        for article in cited:
            passage, score = best_passage(statement.text, article)
            self.records.append(CitationRecord(path, article.id, passage, score))
        return Statement(statement.text, citations)

    def withhold(self, statement: Statement, reason: str) -> Statement | None:
        """Record why a statement is not published; returns None so the caller drops it."""
        self.withheld.append(f"{reason}: {statement.text[:WITHHELD_PREVIEW]}")
        return None

    def bullets(self, bullets: Sequence[Bullet], path: str) -> tuple[Bullet, ...]:
        kept = []
        for number, bullet in enumerate(bullets):
            here = f"{path}.{number}"
            checked = self.check(Statement(bullet.text, bullet.citations), here, is_bullet=True)
            if checked is None:
                continue
            children = self.bullets(bullet.children, f"{here}.children")
            kept.append(dataclasses.replace(bullet, citations=checked.citations, children=children))
        return tuple(kept)

    def statements_of(self, statements: Sequence[Statement], path: str) -> tuple[Statement, ...]:
        checked = (self.check(s, f"{path}.{i}", is_bullet=False) for i, s in enumerate(statements))
        return tuple(s for s in checked if s is not None)


def unsupported_reason(text: str, cited: Sequence[Article]) -> str | None:
    corpus = " ".join(f"{a.title}. {a.text}" for a in cited)
    missing_figures = figure_keys(text) - figure_keys(corpus)
    if missing_figures:
        return f"figures not in cited sources ({', '.join(sorted(missing_figures))})"
    names = name_keys(text)
    if names:
        lowered = corpus.lower()
        share = sum(1 for name in names if name in lowered) / len(names)
        if share < MIN_NAME_SHARE:
            return "names not in cited sources"
    return None


def best_passage(text: str, article: Article) -> tuple[str, float]:
    """The article sentence sharing most content words with the statement, and that share."""
    words = content_words(text)
    if not words:
        return "", 0.0
    best, best_share = "", 0.0
    for sentence in split_sentences(article.text) or [article.text]:
        share = len(words & content_words(sentence)) / len(words)
        if share > best_share:
            best, best_share = sentence, share
    return best, round(best_share, 3)


def verify_briefing(
    briefing: Briefing, articles: Mapping[int, Article], *, redundancy_threshold: float
) -> tuple[Briefing, list[CitationRecord]]:
    by_uid = {article.uid: article for article in articles.values()}
    verifier = Verifier(
        articles_by_uid=by_uid,
        source_ids=frozenset(ref.id for ref in briefing.sources),
        redundancy_threshold=redundancy_threshold,
        as_of=briefing.updated_at.date(),
    )
    lead = verifier.statements_of(briefing.lead, "lead")
    sections = []
    for number, section in enumerate(briefing.sections):
        path = f"sections.{number}"
        bullets = verifier.bullets(section.bullets, f"{path}.bullets")
        if not bullets:
            continue
        intro = verifier.statements_of(section.intro, f"{path}.intro")
        sections.append(dataclasses.replace(section, intro=intro, bullets=bullets))
    notable = verifier.bullets(briefing.notable, "notable")
    implications = verifier.bullets(briefing.implications, "implications")
    summary = verifier.statements_of(briefing.summary, "summary")
    verification = Verification(
        statements=verifier.statements,
        cited=verifier.cited,
        supported=verifier.supported,
        withheld=tuple(verifier.withheld),
    )
    verified = dataclasses.replace(
        briefing,
        lead=lead,
        sections=tuple(sections),
        notable=notable,
        implications=implications,
        summary=summary,
        verification=verification,
    )
    return verified, verifier.records
