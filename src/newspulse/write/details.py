"""Sub-bullets: which of an event's sentences add a detail to its bullet, and how many it earns.

A detail adds names or figures to what the bullet told and does not retell it.  A sentence
that opens on a definite description ("The summit, described by the minister as ...")
leans on a sentence its article had before it; under a bullet that names the thing
("... India's AI Impact Summit 2026 ...") it stands once the description is the name
(``resolved_on``): the head-match rule of coreference resolution, where a definite noun
phrase refers to an earlier proper name with the same head word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from newspulse.domain import EventSummary
from newspulse.text.repeats import COUNTRIES
from newspulse.text.sentences import OWNER_ENDING
from newspulse.write.evidence import DEFINITE_OPENER, Candidate, Fact, standalone_problem

MIN_CHILD_NOVELTY = 2
RETOLD_NAME_WORDS = 3
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_CHILDREN = 7
OUTLETS_PER_CHILD = 3
NAME_WORD = r"[A-Z][\w&.\'\u2019-]*"


def adds_detail(candidate: Candidate, told: Sequence[Candidate]) -> bool:
    """A sub-bullet adds names or figures (``MIN_CHILD_NOVELTY``) to each statement told,
    and retells none of them (``retells``)."""
    novelty = min(
        len(candidate.figures - other.figures) + len(candidate.names - other.names)
        for other in told
    )
    if novelty < MIN_CHILD_NOVELTY:
        return False
    if numbers(candidate.text) - {n for other in told for n in numbers(other.text)}:
        return True
    return not any(retells(candidate, other) for other in told)


def retells(candidate: Fact, other: Fact) -> bool:
    """``candidate`` tells ``other``'s story again with descriptors: it is about the same
    actors (``RETOLD_NAME_WORDS`` words of their names) and the only names it adds are
    countries or longer forms of told names ("Acme, based in Dubai, partnered with Beta
    Systems, a U.S. firm" after "Acme and Beta will build a supercomputer in India").  A
    detail names new actors ("a goal by X and an own goal by Y sealed it") or a number."""
    if len(candidate.keys.names & other.keys.names) < RETOLD_NAME_WORDS:
        return False
    told = [frozenset(name.split()) for name in other.names]
    added = [
        name
        for name in candidate.names
        if name not in COUNTRIES
        and not any(
            frozenset(name.split()) <= words or words <= frozenset(name.split()) for words in told
        )
    ]
    return len(added) < MIN_CHILD_NOVELTY


def numbers(text: str) -> set[str]:
    """Every number written in digits: a score, a penalty or a date is a detail too."""
    return set(NUMBER.findall(text))


def child_count(event: EventSummary) -> int:
    """Sub-bullets an event earns: one, and one more per ``OUTLETS_PER_CHILD`` outlets
    beyond the first, up to ``MAX_CHILDREN``: a story many outlets cover carries more facts
    worth telling (amounts, who, what next) than a one-source item; each must add names or
    figures (``MIN_CHILD_NOVELTY``) and the verifier withholds one that retells another."""
    return min(MAX_CHILDREN, 1 + (event.source_count - 1) // OUTLETS_PER_CHILD)


def resolved_on(candidates: Iterable[Candidate], parent: str) -> list[Candidate]:
    """Those of ``candidates`` (sentences that open on a definite description) whose head
    word ends a name in ``parent``, with the description replaced by that name, when the
    sentence then stands alone."""
    resolved = []
    for candidate in candidates:
        found = DEFINITE_OPENER.match(candidate.text)
        if found is None:
            continue
        name = name_with_head(parent, found["head"])
        if name is None:
            continue
        text = f"The {name}{candidate.text[found.end() :]}"
        if standalone_problem(text, set()) is None:
            resolved.append(Candidate(text, candidate.article_id, candidate.position))
    return resolved


def name_with_head(text: str, head: str) -> str | None:
    """The first name of two or more capitalised words in ``text`` whose last word (a year
    after it allowed) is ``head``, without an opening "The" or owner ("summit" in "...
    India's AI Impact Summit 2026 ..." -> "AI Impact Summit 2026"): the words "The" takes."""
    word = re.escape(head if head.isupper() else head.capitalize())
    pattern = re.compile(rf"\b(?:{NAME_WORD}\s+){{1,5}}{word}\b(?:\s+(?:19|20)\d\d\b)?")
    found = pattern.search(text)
    if found is None:
        return None
    words = found.group(0).split()
    if words[0] == "The" or OWNER_ENDING.search(words[0]):
        words = words[1:]
    return " ".join(words) if len(words) > 1 else None


def amounts_first(
    ranked: Sequence[tuple[Candidate, list[tuple[int, float]]]], main: Candidate
) -> list[tuple[Candidate, list[tuple[int, float]]]]:
    """``ranked`` with the sentences that add an amount (money, a share, a capacity: a
    figure with a unit) the bullet lacks first, each group in rank order: a bullet names
    amounts (product.md), and a story's other deals and totals are what its readers want
    under it."""

    def adds_amount(candidate: Candidate) -> bool:
        return any(not f.startswith("#:") for f in candidate.figures - main.figures)

    return sorted(ranked, key=lambda pair: not adds_amount(pair[0]))
