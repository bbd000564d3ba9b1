"""What a reader sees on a published page, measured (product spec §4, "as a reader sees it").

Pure functions over the stored briefing document (and, for key facts, a facts table):

- **dangling openers**, **article-relative time**, **page scraps**, **headline fragments**:
  statements with the faults ``text.readability`` names, with the offending phrase.
- **repeated facts**: pairs of statements anywhere on the page (lead, section intros and
  bullets, notable, implications, summary) that tell the same fact: near-identical wording,
  the same amount or percent about the same name, two or more shared names with overlapping
  wording, or, when an embedding function is given, close meaning (cosine >= 0.85) about a
  shared name with no amounts that differ.
- **copied headline**: the headline is (nearly) one source's title.
- **bad section titles**: a single word or single proper name, or a pair/list of names.
- **citation markers**: per statement; at most ``VISIBLE_CITATIONS`` are shown, the rest
  behind "+N".
- **key facts**: the share of a facts table's facts that some statement states (each fact is
  a case-insensitive regular expression searched in each statement).
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newspulse.domain import VISIBLE_CITATIONS
from newspulse.errors import NewsPulseError
from newspulse.evaluation.statements import iter_statements
from newspulse.text.grammar import title_phrase_problem
from newspulse.text.headlines import copied_title
from newspulse.text.names import find_names
from newspulse.text.readability import (
    article_relative_time,
    dangling_opener,
    headline_fragment,
    page_scrap,
)
from newspulse.text.repeats import EmbedTexts, FactKeys, same_fact, same_meaning
from newspulse.text.sentences import word_set


class FactsFileError(NewsPulseError):
    """A key-facts table that cannot be read (wrong header, a pattern that does not compile)."""


@dataclass(frozen=True, slots=True)
class KeyFact:
    id: str
    description: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class PageStatement:
    path: str
    text: str
    citations: int


@dataclass(frozen=True, slots=True)
class ReadabilityReport:
    dangling: tuple[tuple[str, str], ...]
    relative_time: tuple[tuple[str, str], ...]
    scraps: tuple[tuple[str, str], ...]
    fragments: tuple[tuple[str, str], ...]
    repeated: tuple[tuple[str, str], ...]
    copied_headline: str | None
    bad_titles: tuple[tuple[str, str], ...]
    markers_max: int
    markers_mean: float
    visible_markers_max: int
    facts_total: int = 0
    facts_covered: tuple[str, ...] = ()
    facts_missed: tuple[str, ...] = ()

    @property
    def facts_pct(self) -> float | None:
        if not self.facts_total:
            return None
        return 100.0 * len(self.facts_covered) / self.facts_total

    def to_json(self, statements: int) -> dict[str, Any]:
        def share(found: Sequence[object]) -> float:
            return round(100.0 * len(found) / statements, 1) if statements else 0.0

        return {
            "dangling_openers": [list(p) for p in self.dangling],
            "dangling_pct": share(self.dangling),
            "relative_time": [list(p) for p in self.relative_time],
            "scraps": [list(p) for p in self.scraps],
            "headline_fragments": [list(p) for p in self.fragments],
            "repeated_facts": [list(p) for p in self.repeated],
            "copied_headline": self.copied_headline,
            "bad_section_titles": [list(p) for p in self.bad_titles],
            "markers_max": self.markers_max,
            "markers_mean": round(self.markers_mean, 2),
            "visible_markers_max": self.visible_markers_max,
            "key_facts_total": self.facts_total,
            "key_facts_covered": list(self.facts_covered),
            "key_facts_missed": list(self.facts_missed),
            "key_facts_pct": None if self.facts_pct is None else round(self.facts_pct, 1),
        }


def read_facts(path: Path) -> list[KeyFact]:
    """A facts table: tab-separated ``id``, ``description``, ``pattern`` with that header."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (OSError, UnicodeDecodeError) as error:
        raise FactsFileError(f"{path}: {error}") from error
    if not rows or [c.strip().lower() for c in rows[0][:3]] != ["id", "description", "pattern"]:
        raise FactsFileError(f"{path}: the first line must be 'id<TAB>description<TAB>pattern'")
    facts = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise FactsFileError(f"{path}:{number}: expected 3 tab-separated fields")
        try:
            pattern = re.compile(row[2], re.IGNORECASE)
        except re.error as error:
            raise FactsFileError(f"{path}:{number}: bad pattern: {error}") from error
        facts.append(KeyFact(row[0].strip(), row[1].strip(), pattern))
    return facts


def read_fact_files(paths: Sequence[Path]) -> dict[str, list[KeyFact]]:
    """Key facts by topic slug, from ``<slug>.tsv`` files or folders of them."""
    files = [f for p in paths for f in (sorted(p.glob("*.tsv")) if p.is_dir() else [p])]
    return {f.stem: read_facts(f) for f in files}


def page_statements(document: Mapping[str, Any]) -> Iterator[PageStatement]:
    """Every statement a reader reads in the briefing body (the timeline is a list of dates)."""
    for statement in iter_statements(document):
        if not statement.path.startswith("timeline."):
            yield PageStatement(statement.path, statement.text, len(statement.citations))


def evaluate_readability(
    document: Mapping[str, Any],
    *,
    facts: Sequence[KeyFact] = (),
    embed: EmbedTexts | None = None,
) -> ReadabilityReport:
    """Every measure of the module docstring for one stored document."""
    statements = list(page_statements(document))
    counts = [s.citations for s in statements]
    covered = [f.id for f in facts if any(f.pattern.search(s.text) for s in statements)]
    return ReadabilityReport(
        dangling=found_in(statements, dangling_opener),
        relative_time=found_in(statements, article_relative_time),
        scraps=found_in(statements, page_scrap),
        fragments=found_in(statements, headline_fragment),
        repeated=tuple(repeated_facts(statements, embed)),
        copied_headline=copied_headline(document),
        bad_titles=tuple(
            (s.get("title", ""), reason)
            for s in document.get("sections", [])
            if (reason := bad_section_title(s.get("title", ""))) is not None
        ),
        markers_max=max(counts, default=0),
        markers_mean=sum(counts) / len(counts) if counts else 0.0,
        visible_markers_max=max((min(c, VISIBLE_CITATIONS) for c in counts), default=0),
        facts_total=len(facts),
        facts_covered=tuple(covered),
        facts_missed=tuple(f.id for f in facts if f.id not in covered),
    )


def found_in(
    statements: Sequence[PageStatement], detector: Callable[[str], str | None]
) -> tuple[tuple[str, str], ...]:
    return tuple((s.path, found) for s in statements if (found := detector(s.text)) is not None)


def repeated_facts(
    statements: Sequence[PageStatement], embed: EmbedTexts | None = None
) -> Iterator[tuple[str, str]]:
    """Paths of statement pairs that tell the same fact."""
    keys = [FactKeys.of(s.text) for s in statements]
    vectors = embed([s.text for s in statements]) if embed is not None and statements else None
    for i, j in itertools.combinations(range(len(statements)), 2):
        same = same_fact(keys[i], keys[j])
        if not same and vectors is not None:
            same = same_meaning(keys[i], keys[j], vectors[i], vectors[j])
        if same:
            yield statements[i].path, statements[j].path


def copied_headline(document: Mapping[str, Any]) -> str | None:
    """The source title the headline copies, or None."""
    titles = [str(source.get("title", "")) for source in document.get("sources", [])]
    return copied_title(str(document.get("headline", "")), titles)


NAME_LIST = re.compile(r"\s*(?:,|\band\b|&)\s*")


def bad_section_title(title: str) -> str | None:
    """ "single word", "single name", "name pair" or "not a noun phrase" for a title a reader
    would not write."""
    words = title.split()
    if len(words) <= 1:
        return "single word"
    shape = title_phrase_problem(title)
    if shape is not None:
        return shape
    names = find_names(title)
    if len(names) == 1 and names[0] == title.strip():
        return "single name"
    parts = [p for p in NAME_LIST.split(title) if p]
    if len(parts) >= 2:
        proper = [p for p in parts if is_proper_name(p)]
        persons = [p for p in proper if is_person_like(p)]
        if len(proper) == len(parts) or persons:
            return "name pair"
    return None


# Two capitalised words that name an event or an institution, not a person.
NOT_PERSON_WORDS = word_set(
    "series cup league open world grand prix championship championships house court union "
    "bank group games olympics council summit party street valley"
)


def is_person_like(part: str) -> bool:
    """ "Elon Musk", not "World Series": two capitalised words, none an event's or a body's."""
    words = part.split()
    return (
        len(words) == 2
        and part.istitle()
        and not any(w.lower().strip("'s\u2019") in NOT_PERSON_WORDS for w in words)
    )


def is_proper_name(part: str) -> bool:
    """Every word capitalised (after the first, which a title capitalises anyway) and named."""
    words = part.split()
    if any(not w[:1].isupper() for w in words):
        return False
    return bool(find_names(f"Reportedly, {part} said."))
