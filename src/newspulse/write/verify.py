"""The verifier shared by every writer, run before a version is stored.

For each statement: its citations must name sources of the briefing; every figure it states
must occur in the cited articles, and most of its names; it must not anchor the present in
an earlier year ("as of mid-2024" on a 2026 page) nor say "today" of a day that is no longer
today. No two statements may say the same thing (with an embedding function, by the
page gauge's meaning rule too: ``text.repeats``). A statement that fails is withheld (and
listed), never published. An explanation of what something is ("X, a ... chip,") stays only
when cited text holds it (``definitions``); a bullet that reports a disagreement stays only
when each side is found in the articles it cites (``conflicts``). Each surviving citation
gets a support score and the passage of the cited article that supports it best.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newspulse.domain import Article, Briefing, Bullet, Statement, TimelineEntry, Verification
from newspulse.text.dates import find_stale_time_references
from newspulse.text.figures import figure_keys
from newspulse.text.names import mentions, name_keys, normalise_for_names
from newspulse.text.relative_time import shifted_relative_phrases
from newspulse.text.repeats import EmbedTexts, FactKeys, same_meaning
from newspulse.text.sentences import content_words, split_sentences
from newspulse.text.similarity import jaccard, shingles
from newspulse.write.conflicts import conflict_note, conflict_problem
from newspulse.write.definitions import strip_unsupported_definitions
from newspulse.write.evidence import Fact, same_fact
from newspulse.write.extractive import bullet_statements, section_statements

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
    support: dict[str, list[tuple[int, str, float]]] = dataclasses.field(default_factory=dict)
    withheld: list[str] = dataclasses.field(default_factory=list)
    told: list[tuple[Fact, set[str]]] = dataclasses.field(default_factory=list)
    definitions_removed: list[str] = dataclasses.field(default_factory=list)
    statements: int = 0
    cited: int = 0
    supported: int = 0
    # With an embedding function, the repeat check also applies the gauge's meaning rule.
    embed: EmbedTexts | None = None
    told_meaning: list[tuple[FactKeys, npt.NDArray[np.float32]]] = dataclasses.field(
        default_factory=list
    )
    vectors: dict[str, npt.NDArray[np.float32]] = dataclasses.field(default_factory=dict)

    def check(
        self, statement: Statement, note: str = "", *, restates: bool = False
    ) -> Statement | None:
        """The statement as published (explanations its sources lack cut out), or None.

        ``note`` is a checked conflict note the bullet ends with: it names outlets, so it
        is kept out of the support check (its sides were checked against their own
        citations), but not out of the repeat check.  ``restates`` marks the summary, whose
        sentences restate the page's main facts by design: everything but the repeat check.
        """
        self.statements += 1
        citations = tuple(c for c in statement.citations if c in self.source_ids)
        if not citations:
            return self.withhold(statement, "no citation")
        self.cited += 1
        cited = [self.articles_by_uid[c] for c in citations if c in self.articles_by_uid]
        text, removed = strip_unsupported_definitions(statement.text, cited)
        self.definitions_removed += removed
        if text is None:
            return self.withhold(statement, "definition not in cited sources")
        published = f"{text} {note}" if note else text
        problem = unsupported_reason(text, cited)
        if problem is None and find_stale_time_references(text, as_of=self.as_of):
            problem = "stale time reference"
        if problem is None and self.relative_time_shifted(text, cited):
            problem = "relative time reference that reads differently now"
        if problem is None and not restates and self.repeats(published):
            problem = "repeats another statement"
        if problem is not None:
            return self.withhold(statement, problem)
        self.supported += 1
        # The note's sides were checked against their own citations: score the claim alone.
        self.support[published] = [(a.id, *best_passage(text, a)) for a in cited]
        return Statement(published, citations)

    def relative_time_shifted(self, text: str, cited: Sequence[Article]) -> bool:
        """ "today" from a September article on a November page: the writer should have
        anchored it (``relative_time``); an LLM writer may not have."""
        if not cited:
            return False
        said_on = max(a.published_at for a in cited).date()
        return bool(shifted_relative_phrases(text, said_on=said_on, read_on=self.as_of))

    def check_bullet(self, bullet: Bullet) -> Statement | None:
        """A bullet with a conflict note is published only when each side holds."""
        if not bullet.conflicts:
            return self.check(Statement(bullet.text, bullet.citations))
        citations = tuple(c for c in bullet.citations if c in self.source_ids)
        problem = conflict_problem(bullet, citations, self.articles_by_uid)
        if problem is not None:
            self.statements += 1
            return self.withhold(Statement(bullet.text, citations), problem)
        note = conflict_note(bullet.conflicts)
        base = bullet.text[: -len(note)].rstrip()
        return self.check(Statement(base, bullet.citations), note)

    def repeats(self, text: str) -> bool:
        """Whether the page already states this fact; if not, remember it as told."""
        fact, grams = Fact(text), shingles(text)
        if any(
            jaccard(grams, told_grams) > self.redundancy_threshold or same_fact(fact, told)
            for told, told_grams in self.told
        ):
            return True
        if self.embed is not None:
            keys, vector = FactKeys.of(text), self.vector(text)
            if any(same_meaning(keys, k, vector, v) for k, v in self.told_meaning):
                return True
            self.told_meaning.append((keys, vector))
        self.told.append((fact, grams))
        return False

    def embed_all(self, texts: Sequence[str]) -> None:
        """Embed the draft's statements in one batch (one call per statement is slow)."""
        if self.embed is not None and texts:
            unique = list(dict.fromkeys(texts))
            self.vectors.update(zip(unique, self.embed(unique), strict=True))

    def vector(self, text: str) -> npt.NDArray[np.float32]:
        """``text``'s vector; one the draft did not hold (a conflict note added) is embedded."""
        if text not in self.vectors and self.embed is not None:
            self.vectors[text] = self.embed([text])[0]
        return self.vectors[text]

    def withhold(self, statement: Statement, reason: str) -> Statement | None:
        """Record why a statement is not published; returns None so the caller drops it."""
        self.withheld.append(f"{reason}: {statement.text[:WITHHELD_PREVIEW]}")
        return None

    def bullets(self, bullets: Sequence[Bullet]) -> tuple[Bullet, ...]:
        kept = []
        for bullet in bullets:
            checked = self.check_bullet(bullet)
            if checked is not None:
                children = self.bullets(bullet.children)
                kept.append(
                    dataclasses.replace(
                        bullet, text=checked.text, citations=checked.citations, children=children
                    )
                )
        return tuple(kept)

    def dated(self, entry: TimelineEntry) -> bool:
        """A timeline line is cited, supported and not stale; it restates a bullet's event by
        design, so it is not counted as a statement nor checked for repeats."""
        cited = [self.articles_by_uid[c] for c in entry.citations if c in self.source_ids]
        return (
            bool(cited)
            and len(cited) == len(entry.citations)
            and unsupported_reason(entry.text, cited) is None
            and not find_stale_time_references(entry.text, as_of=self.as_of)
        )

    def statements_of(
        self, statements: Sequence[Statement], *, restates: bool = False
    ) -> tuple[Statement, ...]:
        checked = (self.check(s, restates=restates) for s in statements)
        return tuple(s for s in checked if s is not None)


def draft_texts(briefing: Briefing) -> list[str]:
    """Every statement text of a draft, bullets and their children included."""
    statements = [
        *briefing.lead,
        *briefing.summary,
        *(s for section in briefing.sections for s in section_statements(section)),
        *bullet_statements([*briefing.notable, *briefing.implications]),
    ]
    return [s.text for s in statements]


def unsupported_reason(text: str, cited: Sequence[Article]) -> str | None:
    corpus = " ".join(f"{a.title}. {a.text}" for a in cited)
    missing_figures = figure_keys(text) - figure_keys(corpus)
    if missing_figures:
        return f"figures not in cited sources ({', '.join(sorted(missing_figures))})"
    names = name_keys(text)
    if names:
        normalised = normalise_for_names(corpus)
        share = sum(1 for name in names if mentions(normalised, name)) / len(names)
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
    briefing: Briefing,
    articles: Mapping[int, Article],
    *,
    redundancy_threshold: float,
    embed: EmbedTexts | None = None,
) -> tuple[Briefing, list[CitationRecord]]:
    by_uid = {article.uid: article for article in articles.values()}
    verifier = Verifier(
        articles_by_uid=by_uid,
        source_ids=frozenset(ref.id for ref in briefing.sources),
        redundancy_threshold=redundancy_threshold,
        as_of=briefing.updated_at.date(),
        embed=embed,
    )
    verifier.embed_all(draft_texts(briefing))
    # Bullets are checked first, so a lead or summary sentence that restates a bullet is the
    # one withheld, not the bullet.
    section_bullets = [verifier.bullets(section.bullets) for section in briefing.sections]
    notable = verifier.bullets(briefing.notable)
    implications = verifier.bullets(briefing.implications)
    sections = [
        dataclasses.replace(section, intro=verifier.statements_of(section.intro), bullets=bullets)
        for section, bullets in zip(briefing.sections, section_bullets, strict=True)
        if bullets
    ]
    lead = verifier.statements_of(briefing.lead)
    summary = verifier.statements_of(briefing.summary, restates=True)
    verification = Verification(
        statements=verifier.statements,
        cited=verifier.cited,
        supported=verifier.supported,
        withheld=tuple(verifier.withheld),
        definitions_removed=tuple(verifier.definitions_removed),
    )
    verified = dataclasses.replace(
        briefing,
        lead=lead,
        sections=tuple(sections),
        notable=notable,
        implications=implications,
        summary=summary,
        verification=verification,
        timeline=tuple(entry for entry in briefing.timeline if verifier.dated(entry)),
    )
    return verified, citation_records(verified, verifier.support)


def statement_paths(briefing: Briefing) -> Iterator[tuple[str, str]]:
    """(path, text) of every published statement, e.g. ``sections.1.bullets.0.children.0``."""
    yield from (numbered("lead", i, s.text) for i, s in enumerate(briefing.lead))
    for number, section in enumerate(briefing.sections):
        here = f"sections.{number}"
        yield from (numbered(f"{here}.intro", i, s.text) for i, s in enumerate(section.intro))
        yield from bullet_paths(f"{here}.bullets", section.bullets)
    yield from bullet_paths("notable", briefing.notable)
    yield from bullet_paths("implications", briefing.implications)
    yield from (numbered("summary", i, s.text) for i, s in enumerate(briefing.summary))


def bullet_paths(path: str, bullets: Sequence[Bullet]) -> Iterator[tuple[str, str]]:
    for number, bullet in enumerate(bullets):
        yield numbered(path, number, bullet.text)
        yield from bullet_paths(f"{path}.{number}.children", bullet.children)


def numbered(path: str, number: int, text: str) -> tuple[str, str]:
    return f"{path}.{number}", text


def citation_records(
    briefing: Briefing, support: Mapping[str, list[tuple[int, str, float]]]
) -> list[CitationRecord]:
    """Citations with the paths of the published (not the drafted) document."""
    return [
        CitationRecord(path, article_id, passage, score)
        for path, text in statement_paths(briefing)
        for article_id, passage, score in support.get(text, [])
    ]
