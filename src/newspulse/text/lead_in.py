"""What a page put before a sentence, cut so the sentence can be judged on its own: a wire
dateline, a place or outlet label before a dash, a run-in date and stock tickers."""

from __future__ import annotations

import re

from newspulse.text.readability import DATELINE, HEADING_PREFIX, MONTH_WORDS, SECTION_LABEL


def strip_dateline(text: str) -> str:
    """The sentence without a wire dateline ("FARMINGDALE, N.Y., Sept 29 (AP): ")."""
    return DATELINE.sub("", text, count=1)


# "November 18, 2025 Bitcoin tumbled ...": a date run into the sentence after a dateline.
LEADING_DATE = re.compile(
    rf"^(?:{MONTH_WORDS})\.?\s+\d{{1,2}},?\s+\d{{4}}\s*[-\u2013\u2014:]?\s+(?=[A-Z])",
    re.IGNORECASE,
)
# "NVIDIA (NASDAQ:NVDA) reported ...": a stock ticker the reader does not need; a site's
# ticker link glued to the name ("CoreWeaveCRWV-- generated ...") goes too.
TICKER = re.compile(
    r"\s*\((?:NASDAQ|NYSE|NYSE American|TSX|LSE|HKEX|OTC|TSE|TYO|KRX|KOSPI|SIX|ASX|NSE|BSE)"
    r"\s*:\s*[A-Z0-9][A-Z0-9.]{0,6}\)|(?<=[a-z])(?-i:[A-Z]{2,5})--(?=\s)",
    re.IGNORECASE,
)


# "Yamamoto Named MVP/ Newslooks/ WASHINGTON/ J. Mansour/ Yoshinobu Yamamoto capped ...":
# a page header's fields (title, outlet, place, author) run into the first sentence.
SLASH_HEADER = re.compile(r"^(?:[^/\n]{1,120}?[^\s/]/\s+){3,}(?=[A-Z])")


def strip_lead_in(text: str) -> str:
    """The sentence without what a page put before it: a wire dateline, a place or section
    label before a dash ("LONDON - ", "NextFin News - "), a run-in date, a header's
    slash-separated fields and stock tickers;
    the rest is the sentence, to be judged on its own."""
    rest = SLASH_HEADER.sub("", TICKER.sub("", strip_dateline(text)), count=1)
    for pattern in (SECTION_LABEL, HEADING_PREFIX):
        label = pattern.match(rest)
        if label:
            stripped = rest[label.end() :].lstrip()
            # Only a sentence after a dash is freed: a colon heads a list whose items lean
            # on it ("Record Revenue and Growth: Fiscal Q1 revenue ..." names no company),
            # and "Company news $425 million, Series E the ..." is no sentence.
            if ":" not in label.group(0) and stripped[:1].isupper():
                rest = stripped
            break
    rest = LEADING_DATE.sub("", rest, count=1).lstrip()
    return rest[:1].upper() + rest[1:] if rest != text else text
