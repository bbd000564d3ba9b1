"""Garbles a page's markup leaves in a sentence, repaired where the repair is certain."""

from __future__ import annotations

import re

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
