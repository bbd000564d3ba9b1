"""An article's language from its own words, offline (issue 11, item 2).

py3langid (a maintained fork of langid.py, BSD-3-Clause) ships its naive Bayes
model over byte n-grams in the wheel: nothing is fetched, ~0.3 ms per article,
97 languages.  Its probabilities are calibrated to the text's length, so a
confidence floor turns "too little to tell" into ``und`` instead of a wrong guess
(bench/bench_language.py measures accuracy per language on the MMDS dev split).

A feed's declared language (RSS ``<language>``, ``<html lang>``, JSON Feed
``language``) is only a hint: feeds declare their site's default, and a site that
publishes in two languages declares one.  It decides only when the text itself
cannot (too short, or no language clearly ahead); clear text evidence wins.

Codes are the primary BCP-47 subtag ("en", "zh", "id"); ``language_name`` gives
the English name a page shows as the code's title ("Chinese").
"""

from __future__ import annotations

import functools
import re

from babel import Locale
from py3langid.langid import MODEL_FILE, LanguageIdentifier

UNDETERMINED = "und"
DEFAULT_LANGUAGE = "en"
# What the classifier reads (what the embedder reads, ``Article.lead``): the opening carries
# the language as clearly as the whole article at a fraction of the cost (time grows with bytes).
SAMPLE_CHARS = 600
# Fewer letters than this (about one short sentence; a CJK character counts as one) is
# too little to tell a language by: the text is "und" unless the feed declared one.
MIN_LETTERS = 20
# The classifier's length-calibrated probability a detected language must reach.
MIN_CONFIDENCE = 0.8
# The model's label for "no language".
NO_LANGUAGE = frozenset({"zxx"})
# Written varieties the model splits but a reader knows as one language: Wu and Cantonese
# labels go to Chinese (on news in Chinese script they are Mandarin misread, MMDS dev).
MACROLANGUAGE = {"wuu": "zh", "yue": "zh"}
# Close relatives the model hesitates between ("ms" 0.69, "id" 0.31 on a Malay report): the
# probability of the family counts towards the floor, the label stays the likeliest one's.
RELATIVES = (frozenset({"ms", "id"}), frozenset({"bs", "hr", "sr"}), frozenset({"no", "nn"}))
PRIMARY_SUBTAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


class LanguageError(ValueError):
    """A language code that is not a BCP-47 primary language subtag we can name."""


@functools.cache
def identifier() -> LanguageIdentifier:
    """The bundled model, loaded once per process (about 0.5 s, 20 MB)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.cache
def language_names() -> dict[str, str]:
    return dict(Locale("en").languages)


def language_tag(tag: str | None) -> str | None:
    """The primary subtag of a declared tag ("en-US" → "en", "zh_Hans" → "zh"), or None
    for anything that is not a nameable language ("x-klingon", "und", "")."""
    if not tag:
        return None
    match = PRIMARY_SUBTAG.match(tag.strip())
    if match is None:
        return None
    code = match.group(1).lower()
    if code == UNDETERMINED or code in NO_LANGUAGE or code not in language_names():
        return None
    return code


def checked_language(tag: str) -> str:
    """A configured language code, normalised; a clear error for one no reader could name."""
    code = language_tag(tag)
    if code is None or code != tag.strip().lower():
        raise LanguageError(
            f"{tag!r} is not a language code: use a BCP-47 primary subtag such as "
            f"'en', 'zh' or 'id'"
        )
    return code


def language_name(code: str | None) -> str:
    """English name of a code for a title attribute: "zh" → "Chinese"."""
    if not code or code == UNDETERMINED:
        return "Unknown language"
    return language_names().get(code, code)


def letter_count(text: str) -> int:
    return sum(char.isalpha() for char in text)


def detect_language(title: str, text: str, declared: str | None = None) -> str:
    """The article's language code, the declared one when the words cannot tell, else "und"."""
    hint = language_tag(declared)
    sample = f"{title}\n{text[:SAMPLE_CHARS]}".strip()
    if letter_count(sample) < MIN_LETTERS:
        return hint or UNDETERMINED
    code, confidence = likeliest(identifier().rank(sample))
    if confidence < MIN_CONFIDENCE or code in NO_LANGUAGE:
        return hint or UNDETERMINED
    return language_tag(code) or code


def likeliest(ranked: list[tuple[str, float]]) -> tuple[str, float]:
    """The top language after folding varieties, with its family's probability."""
    folded: dict[str, float] = {}
    for label, probability in ranked:
        code = MACROLANGUAGE.get(label, label)
        folded[code] = folded.get(code, 0.0) + probability
    code = max(sorted(folded), key=lambda c: folded[c])
    family = next((group for group in RELATIVES if code in group), frozenset({code}))
    return code, sum(folded.get(member, 0.0) for member in family)
