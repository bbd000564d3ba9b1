"""Word-level grammar the readability and theme checks share: finite verbs, headline tense,
and what can head a theme's noun phrase."""

from __future__ import annotations

import re

from newspulse.text.sentences import VERBISH_WORDS, looks_verbish, word_set

ARTICLES = frozenset({"the", "a", "an"})
# "$1.25T", "$250M", "$4B": how headlines, not sentences, write amounts.
COMPACT_FIGURE = re.compile(r"[$€£]\d+(?:\.\d+)?[BMTK]\b")
PRESENT_AUXILIARIES = frozenset({"is", "has", "was", "does", "says"})


def headline_tense(words: list[str], lowercase: list[str]) -> bool:
    """A headline or dek: no article anywhere, and the first verb in the present tense
    ("SpaceX acquires xAI in $1.25T merger to build ...", "Axelera AI secures $250M");
    ``headline_fragment`` asks it only of text with a headline's compact amounts."""
    if any(w.lower() in ARTICLES for w in words):
        return False
    verbs = [w for w in lowercase if looks_verbish(w) or w in VERBISH_WORDS]
    if not verbs:
        return False
    first = verbs[0]
    return first.endswith("s") and not first.endswith("ss") and first not in PRESENT_AUXILIARIES


def has_finite_verb(words: list[str]) -> bool:
    """A lowercase known verb form or -ed word not right after "to" (an infinitive is no
    clause); ``words`` are all the statement's words, so "According to Reuters, Nvidia is
    ..." reads "Nvidia is", not "to is"."""
    return any(
        word.islower()
        and (word in VERBISH_WORDS or word.endswith("ed"))
        and (i == 0 or words[i - 1].lower() != "to")
        for i, word in enumerate(words)
    )


# Words that cannot end or join a theme's noun phrase ("Board behind", "Activities involving").
NOT_IN_A_NOUN_PHRASE = word_set(
    "behind including involving entering regarding during against despite toward towards amid "
    "within without across via per"
)


def verbal_word(word: str) -> bool:
    """A past form ("affected", "asked", "slammed") or a linking word: no head of a theme's
    noun phrase."""
    low = word.lower()
    return (len(low) > 4 and low.endswith("ed")) or low in NOT_IN_A_NOUN_PHRASE


def title_phrase_problem(title: str) -> str | None:
    """ "not a noun phrase" for a theme title a verb opens or a linking word breaks
    ("Affected users", "Slammed shut", "Board behind", "Centre investor and including debt")."""
    words = [w.strip(",.") for w in title.split()]
    if words and (verbal_word(words[0]) or any(w.lower() in NOT_IN_A_NOUN_PHRASE for w in words)):
        return "not a noun phrase"
    return None
