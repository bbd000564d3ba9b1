"""Garbles a page's markup leaves in a sentence, repaired where the repair is certain."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

# "the Form S-1 Form S-1 (SEC)", "growth of 65% %": a link's text or a unit printed twice.
ECHOED_WORDS = re.compile(r"\b((?:[\w$%.,'\u2019-]+\s+){1,3}[\w$%.,'\u2019-]+)\s+\1(?=[\s.,;:)]|$)")
ECHOED_UNIT = re.compile(r"(?<=\d)([%\u2030])(?:\s+\1)+")


# "(BTC) had dropped 30% ...": the page linked the name before the ticker, and the link's
# text was lost; the ticker names the subject.
ORPHAN_TICKER = re.compile(r"^\((?P<ticker>[A-Z][A-Z0-9.]{1,9})\)\s+(?=[a-z])")


def without_echoes(text: str) -> str:
    """``text`` with a phrase of two to four words or a unit told twice in a row told once,
    and a ticker left in brackets at its start (``ORPHAN_TICKER``) as its subject."""
    text = ORPHAN_TICKER.sub(lambda m: f"{m['ticker']} ", text)
    return ECHOED_UNIT.sub(r"\1", ECHOED_WORDS.sub(r"\1", text))


# "ANGE POSTECOGLOU has been sacked ... after just 39 DAYS": a tabloid's shouting.
SHOUTED = re.compile(r"\b[A-Z][A-Z\u2019'-]{3,}\b")
# One word in capitals may be a name written so ("NVIDIA"); a sentence shouts with two.
MIN_SHOUTED = 2
WORD = re.compile(r"[^\W\d_][\w\u2019'-]*")


def written_forms(text: str) -> dict[str, str]:
    """Each word of ``text`` (lowercased) to its most common form not in capitals."""
    counts = Counter(word for word in WORD.findall(text) if not word.isupper())
    forms: dict[str, str] = {}
    for word, _ in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
        forms.setdefault(word.lower(), word)
    return forms


def unshouted(sentence: str, forms: Mapping[str, str]) -> str:
    """``sentence`` with each word of four or more capitals written as its article writes it
    elsewhere, when it shouts (``MIN_SHOUTED`` such words that are no ticker): "ANGE
    POSTECOGLOU ... 39 DAYS" -> "Ange Postecoglou ... 39 days"; a word the article never
    writes otherwise (an acronym: "NASA", "NVDA") stays."""

    shouted = [m for m in SHOUTED.finditer(sentence) if not is_ticker(sentence, m.start())]
    if len(shouted) < MIN_SHOUTED:
        return sentence
    for match in reversed(shouted):
        written = forms.get(match.group(0).lower(), match.group(0))
        if match.start() == 0:
            written = written[:1].upper() + written[1:]
        sentence = sentence[: match.start()] + written + sentence[match.end() :]
    return sentence


def is_ticker(sentence: str, start: int) -> bool:
    """ "Bonk (BONK)", "the ticker TRUMP", "$NVDA": a symbol is written in capitals."""
    before = sentence[:start].rstrip()
    return before.endswith(("(", "$")) or before.lower().endswith(("ticker", "symbol"))
