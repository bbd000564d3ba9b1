"""When two statements tell the same fact: one rule for the writer (to avoid it) and the
evaluation (to count it).

Two statements repeat each other when their content words mostly coincide, when they state
the same amount or percent about the same name, or when they share names and enough wording:
two names with a quarter of their words, three names with a sixth ("Chinese customs blocked
Nvidia's H200 imports" and "China blocked imports of Nvidia's H200 chips").  Names are compared
by their words, with nationality adjectives folded into the country ("Chinese" -> "china").
With an embedding of each statement, two statements that share a name and lie within
``SAME_MEANING`` cosine tell one fact too, unless they state different amounts
(``same_meaning``): the page gauge counts them so, and the verifier withholds the later one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newspulse.text.figures import figure_keys
from newspulse.text.names import name_keys
from newspulse.text.sentences import content_words, word_set

EmbedTexts = Callable[[Sequence[str]], npt.NDArray[np.float32]]

# MiniLM puts two facts of one story ("Nvidia nears a $30 billion investment in OpenAI" /
# "OpenAI relies on Nvidia's chips") at 0.81-0.84 and retellings of one fact at 0.84-0.94.
SAME_MEANING = 0.85
SAME_WORDS = 0.6
TWO_NAMES_WORDS = 0.25
THREE_NAMES_WORDS = 0.15

DEMONYMS = {
    "chinese": "china", "american": "us", "u.s": "us", "u.s.": "us", "japanese": "japan",
    "korean": "korea", "indian": "india", "european": "europe", "british": "uk",
    "french": "france", "german": "germany", "taiwanese": "taiwan", "russian": "russia",
    "israeli": "israel", "canadian": "canada", "australian": "australia",
}  # fmt: skip
GENERIC_NAME_WORDS = word_set("ai the of and inc corp group co ltd")
# Countries among names (the demonyms and the countries they fold into).
COUNTRIES = frozenset(DEMONYMS) | frozenset(DEMONYMS.values())


@dataclass(frozen=True, slots=True)
class FactKeys:
    """What decides whether two statements tell one fact, computed once per statement."""

    words: frozenset[str]
    names: frozenset[str]
    amounts: frozenset[str]

    @classmethod
    def of(cls, text: str) -> FactKeys:
        amounts = frozenset(k for k in figure_keys(text) if not k.startswith("#:"))
        return cls(frozenset(content_words(text)), name_words(text), amounts)


def name_words(text: str) -> frozenset[str]:
    """The words of the names of ``text``, nationalities folded into countries."""
    words = set()
    for key in name_keys(text):
        for word in key.split():
            word = DEMONYMS.get(word, word)
            if word not in GENERIC_NAME_WORDS:
                words.add(word)
    return frozenset(words)


def same_fact(a: FactKeys, b: FactKeys) -> bool:
    """Whether two statements tell the same fact (module docstring)."""
    if not a.words or not b.words:
        return False
    shared_words = len(a.words & b.words)
    if shared_words / min(len(a.words), len(b.words)) >= SAME_WORDS:
        return True
    shared_names = len(a.names & b.names)
    if a.amounts & b.amounts and shared_names:
        return True
    jaccard = shared_words / len(a.words | b.words)
    if shared_names >= 3:
        return jaccard >= THREE_NAMES_WORDS
    return shared_names >= 2 and jaccard >= TWO_NAMES_WORDS


def same_meaning(
    a: FactKeys, b: FactKeys, a_vector: npt.NDArray[np.float32], b_vector: npt.NDArray[np.float32]
) -> bool:
    """Two statements about a shared name whose unit vectors lie within ``SAME_MEANING``;
    different amounts say different things, however close the wording."""
    if not a.names & b.names:
        return False
    if a.amounts and b.amounts and not a.amounts & b.amounts:
        return False
    return float(a_vector @ b_vector) >= SAME_MEANING
