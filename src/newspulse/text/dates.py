"""Dates written in article text and URLs, and stale time frames in written statements.

Owns the reading of calendar dates from prose ("February 24, 2026", "24 Feb
2026", "Feb. 24", "2026-02-24", "January 2026", "mid-2024") and from URL
paths, the estimate of when an undated article was published, and the check
that a statement does not anchor "now" in an earlier year ("as of mid-2024").

Fiscal periods ("Q4 2025", "fiscal 2026") are not dates: they name a company's
reporting calendar, which says nothing about when a page was written.
Relative phrases ("last week", "on Tuesday") are not read either.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from newspulse.domain import DateSource

Precision = Literal["day", "month", "year"]

MONTH_NUMBERS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![.,:]\d)"
YEAR = r"(?P<year>(?:19|20)\d{2})\b(?![-/]\d)"

# Tried in this order; a later pattern never reads text an earlier one has claimed.
ISO_DATE = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")
MONTH_DAY_YEAR = re.compile(rf"\b{MONTH}\s+{DAY}(?:,\s*|\s+){YEAR}")
DAY_MONTH_YEAR = re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR}")
MONTH_DAY = re.compile(rf"\b{MONTH}\s+{DAY}")
DAY_MONTH = re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}")
MONTH_YEAR = re.compile(rf"\b{MONTH},?\s+{YEAR}")
NUMERIC_YEAR_FIRST = re.compile(
    r"(?<![\d./])(?P<year>(?:19|20)\d{2})(?P<separator>[./])(?P<month>[01]?\d)(?P=separator)"
    r"(?P<day>[0-3]?\d)(?![\d./])"
)
# "27/09/2025" or "10/13/2025": read only when one part exceeds 12, so the order is certain;
# "22.02.2026" with dots is the European day-first form.
NUMERIC_YEAR_LAST = re.compile(
    r"(?<![\d./])(?P<first>[0-3]?\d)(?P<separator>[./])(?P<second>[0-3]?\d)(?P=separator)"
    r"(?P<year>(?:19|20)\d{2})(?![\d./])"
)
QUALIFIED_YEAR = re.compile(
    r"\b(?:[Ee]arly|[Mm]id|[Ll]ate|(?:[Ee]nd|[Ss]tart|[Bb]eginning|[Mm]iddle)\s+of)[-\s]+"
    r"(?:the\s+)?(?P<year>(?:19|20)\d{2})\b(?![-/]\d)"
)
PATTERNS: tuple[tuple[re.Pattern[str], Precision, bool], ...] = (
    (ISO_DATE, "day", True),
    (NUMERIC_YEAR_FIRST, "day", True),
    (NUMERIC_YEAR_LAST, "day", True),
    (MONTH_DAY_YEAR, "day", True),
    (DAY_MONTH_YEAR, "day", True),
    (MONTH_DAY, "day", False),
    (DAY_MONTH, "day", False),
    (MONTH_YEAR, "month", True),
    (QUALIFIED_YEAR, "year", True),
)

URL_DATE = re.compile(
    r"(?<![\d])(?P<year>(?:19|20)\d{2})(?P<separator>[/_-])(?P<month>[01]?\d)(?P=separator)"
    r"(?P<day>[0-3]?\d)(?![\d])"
)
# "/20250908/", "-20260107", "20251004100848-": a compact date, maybe followed by HHMM[SS].
URL_COMPACT_DATE = re.compile(
    r"(?<!\d)(?P<year>20\d{2})(?P<month>0[1-9]|1[0-2])(?P<day>0[1-9]|[12]\d|3[01])"
    r"(?:\d{4}|\d{6})?(?!\d)"
)

STALE_AS_OF = re.compile(
    r"\bas of\s+(?:(?:the\s+)?(?:end|start|beginning|middle|close) of\s+(?:the\s+)?|"
    r"(?:early|mid|late)[-\s]|[QH][1-4]\s+|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+"
    r"(?:[0-3]?\d(?:st|nd|rd|th)?,?\s+)?)?"
    r"(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
STALE_THIS_YEAR = re.compile(
    r"\b(?:this|the current) year\s*\(\s*(?P<year>(?:19|20)\d{2})\s*\)", re.IGNORECASE
)
PRESENT_WORD = r"\b(?:currently|presently|at present|now|today)\b"
ANCHORED_YEAR = (
    r"(?:\b(?:in|during)\s+(?:(?:early|mid|late)[-\s])?|\b(?:early|mid|late)[-\s]|\()"
    r"(?P<year>(?:19|20)\d{2})\b(?![-/]\d)"
)
# At most five words between the present-tense word and the year, none of them a word that
# sets two times against each other ("$157 billion in late 2024 to $850 billion today").
SHORT_GAP = (
    r"(?:(?!(?:and|but|to|than|from|since|compared|versus|vs|while|whereas|after|before|"
    r"until)\b)[^\s.!?]+\s+){0,5}?"
)
STALE_PRESENT_THEN_YEAR = re.compile(PRESENT_WORD + r",?\s+" + SHORT_GAP + ANCHORED_YEAR, re.I)
# The year must open its sentence ("In early 2024, the firm currently ..."), so that a
# participle clause such as "founded in 2009, is now" is not read as a time frame.
STALE_YEAR_THEN_PRESENT = re.compile(
    r"(?:^|(?<=[.!?:;\n(\"“]))\s*" + ANCHORED_YEAR + r",?\s+" + SHORT_GAP + PRESENT_WORD, re.I
)

# Month-day dates without a year may be up to a week ahead of the reference: pages
# announce "the launch on March 3" a few days before it happens.
MONTH_DAY_LOOKAHEAD = dt.timedelta(days=7)
LEAP_YEAR_SEARCH = 8


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar date written in text.

    For month and year precision, ``date`` is the first day of that month or year
    ("January 2026" -> 2026-01-01, "mid-2024" -> 2024-01-01); ``text`` is the
    matched text as written.
    """

    date: dt.date
    text: str
    precision: Precision


def find_dates(text: str, *, reference: dt.date) -> list[DateMention]:
    """Dates written in ``text``, in order of appearance.

    A month and day without a year is read as the latest such date that is not
    more than a week after ``reference``.
    """
    claimed = bytearray(len(text))
    found: list[tuple[int, DateMention]] = []
    for pattern, precision, has_year in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(claimed[start:end]):
                continue
            date = date_of_match(match, precision, has_year, reference)
            if date is None:
                continue
            claimed[start:end] = b"\x01" * (end - start)
            found.append((start, DateMention(date=date, text=match.group(0), precision=precision)))
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


def date_of_match(
    match: re.Match[str], precision: Precision, has_year: bool, reference: dt.date
) -> dt.date | None:
    groups = match.groupdict()
    if groups.get("first"):
        groups.update(order_numeric_date(groups["first"], groups["second"], groups["separator"]))
        if not groups.get("month"):
            return None
    month = month_number(groups.get("month") or "1")
    day = int(groups["day"]) if precision == "day" else 1
    if not has_year:
        return resolve_year(month, day, reference)
    try:
        return dt.date(int(groups["year"]), month, day)
    except ValueError:
        return None


def order_numeric_date(first: str, second: str, separator: str) -> dict[str, str]:
    """Which part of "a/b/yyyy" is the month; empty when the order cannot be told."""
    if separator == "." or int(first) > 12:
        return {"day": first, "month": second}
    if int(second) > 12:
        return {"day": second, "month": first}
    return {}


def month_number(month: str) -> int:
    return int(month) if month.isdigit() else MONTH_NUMBERS[month[:3].lower()]


def resolve_year(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The latest ``month``/``day`` not after ``reference`` plus the look-ahead week."""
    limit = reference + MONTH_DAY_LOOKAHEAD
    for year in range(limit.year, limit.year - LEAP_YEAR_SEARCH, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            if month > 12 or day > 29 or month != 2:
                return None
            continue
        if candidate <= limit:
            return candidate
    return None


def date_from_url(url: str) -> dt.date | None:
    """A day-precise date in the URL path.

    Separated forms ("/2026/02/24/", "-2026-02-24-", "/2025/11/4/") win over
    compact ones ("/20250908/", "-20260107"); a year and month alone give None.
    """
    path = urlsplit(url).path
    for pattern in (URL_DATE, URL_COMPACT_DATE):
        for match in pattern.finditer(path):
            try:
                return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                continue
    return None


def estimate_published(
    text: str, url: str, *, now: dt.datetime
) -> tuple[dt.date, DateSource] | None:
    """When an undated article was most likely published, and where that came from.

    1. A date in the URL path, unless it lies after ``now`` -> ``DateSource.URL``.
    2. The latest day-precise date in the text not after ``now`` -> ``DateSource.TEXT``.
    3. Otherwise None: the caller falls back to the fetch time.
    """
    today = now.date()
    from_url = date_from_url(url)
    if from_url is not None and from_url <= today:
        return from_url, DateSource.URL
    in_text = [
        mention.date
        for mention in find_dates(text, reference=today)
        if mention.precision == "day" and mention.date <= today
    ]
    if in_text:
        return max(in_text), DateSource.TEXT
    return None


def find_stale_time_references(text: str, *, as_of: dt.date) -> list[str]:
    """Phrases that put the present in a year before ``as_of``'s year.

    Flags "as of <period in an earlier year>", "this year (<earlier year>)", a
    present-tense word (currently, now, today, at present) followed within five
    words by "in/during <earlier year>", "mid-<earlier year>" or "(<earlier year>)",
    and a sentence that opens with such a year and reaches a present-tense word
    within five words.  Contrasts ("than in 2023", "in 2024 and now") and plain
    history ("in 2023 the company raised") are not flagged.
    """
    patterns = (STALE_AS_OF, STALE_THIS_YEAR, STALE_PRESENT_THEN_YEAR, STALE_YEAR_THEN_PRESENT)
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            if int(match["year"]) < as_of.year:
                spans.append(match.span())
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    phrases: list[str] = []
    for start, end in merged:
        phrase = text[start:end].strip(" ,\n")
        if phrase.count("(") > phrase.count(")") and text.startswith(")", end):
            phrase += ")"
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases
