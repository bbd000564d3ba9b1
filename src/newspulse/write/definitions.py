"""Definitions only from sources: what a statement says a product, chip, model or company *is*.

Language models like to add "MatX, a Google-backed chip startup, raised ..." where the
sources said only "MatX raised ...".  Such an explanation is a claim of its own, so it
must come from cited text: some cited sentence that mentions the name must hold every
content word of the explanation, in the same order.  Otherwise it is removed: an
appositive or relative clause is cut out of the sentence; a statement that *is* the
definition ("X is a ...") cannot be cut and is withheld.

Forms read (the name is the capitalised run right before):
  "X, a/an/the <description>,"   "X, which/who <description>,"   (also at sentence end)
  "X is/was a/an <description>"  "X is one of the <description>"
Descriptions placed before the name ("chip startup MatX") are not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newspulse.domain import Article
from newspulse.text.names import find_names, mentions, name_key, normalise_for_names
from newspulse.text.sentences import content_tokens, split_sentences

NAME = r"(?P<name>[A-Z][\w&'.\-]*(?:\s+(?:of\s+|&\s+)?[A-Z0-9][\w&'.\-]*)*)"
# Reported speech and attribution are not descriptions: "Apple, the company said, ...".
NOT_A_DESCRIPTION = re.compile(
    r"\b(?:said|says|told|according|reported|announced|added|wrote)\b", re.IGNORECASE
)
APPOSITIVE = re.compile(
    NAME + r"(?P<clause>,\s+(?P<description>(?:an?|the|which|who)\s+[^,;:()\"\u201c]{3,100}?))"
    r"(?P<end>,|(?=[.!?]\s*$))"
)
COPULAR = re.compile(
    NAME + r"\s+(?:is|was|are|were)\s+(?P<description>(?:an?|one of the)\s+[^,;:()]{3,100})"
)


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    description: str
    start: int  # the span to cut: the appositive clause with its leading comma
    end: int
    whole: bool  # the statement is the definition: nothing can be cut


def find_definitions(text: str) -> list[Definition]:
    """Appositive and copular definitions in a statement, in order."""
    names = find_names(text)
    found = []
    for match in APPOSITIVE.finditer(text):
        name = known_name(match["name"], names)
        if name and not NOT_A_DESCRIPTION.search(match["description"]):
            span = (match.start("clause"), match.end())
            found.append(Definition(name, match["description"], *span, whole=False))
    for match in COPULAR.finditer(text):
        name = known_name(match["name"], names)
        if name and not NOT_A_DESCRIPTION.search(match["description"]):
            found.append(Definition(name, match["description"], 0, len(text), whole=True))
    return found


def known_name(written: str, names: Sequence[str]) -> str | None:
    """The name the capitalised run ends with ("In January" and "Meanwhile" are none)."""
    endings = [name for name in names if written == name or written.endswith(" " + name)]
    return max(endings, key=len) if endings else None


def is_supported(definition: Definition, cited: Sequence[Article]) -> bool:
    """Some cited sentence names the thing and holds the description's content words in
    the same order ("a chip startup" is not held by "startups buy chips")."""
    words = content_tokens(definition.description)
    if not words:
        return True
    key = name_key(definition.name)
    for article in cited:
        for sentence in [article.title, *split_sentences(article.text)]:
            if in_order(words, content_tokens(sentence)) and mentions(
                normalise_for_names(sentence), key
            ):
                return True
    return False


def in_order(words: Sequence[str], sentence: Sequence[str]) -> bool:
    """Whether ``words`` occur in ``sentence`` in this order (other words may come between)."""
    remaining = iter(sentence)
    return all(word in remaining for word in words)


def strip_unsupported_definitions(
    text: str, cited: Sequence[Article]
) -> tuple[str | None, list[str]]:
    """The statement without explanations its sources lack (None: withhold it all), and
    the descriptions removed."""
    removed: list[str] = []
    cuts: list[tuple[int, int]] = []
    for definition in find_definitions(text):
        if is_supported(definition, cited):
            continue
        removed.append(definition.description)
        if definition.whole:
            return None, removed
        # "X, a ..., raised" keeps "X raised"; "... with X, a ...." keeps "... with X."
        cuts.append((definition.start, definition.end))
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + " " + text[end:]
    return " ".join(text.split()).replace(" .", "."), removed
