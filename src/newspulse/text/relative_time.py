"""Relative time phrases ("today", "last week", "this year") resolved to the dates they meant.

A source sentence says "today" on the day it was published; quoted on a page updated weeks
later it would read wrong (product.md §1: dates consistent with the update time).  So the
writer anchors such phrases to the article's own date before quoting it: "announced USAT
today" from a 12 Sep 2025 article becomes "announced USAT on 12 Sep 2025".  A phrase is left
alone when it still means the same period on the reading date, and weekday phrases ("on
Tuesday") are left alone because the bullet's "as of" date already places them.
"""

from __future__ import annotations

import datetime as dt
import re

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SHORT_MONTHS = tuple(name[:3] for name in MONTH_NAMES)
# After these words the phrase stands without its own preposition: "since 2024", not
# "since in 2024".
BARE_AFTER = frozenset(
    {"since", "from", "until", "till", "by", "before", "after", "than", "of", "for", "to"}
)
RELATIVE_PHRASE = re.compile(
    r"\b(?P<earlier>earlier |later )?"
    r"(?P<phrase>today|tonight|yesterday|tomorrow|last night|"
    r"(?:this|last|next) (?:week|month|year))(?P<possessive>'s|\u2019s)?\b",
    re.IGNORECASE,
)
PREVIOUS_WORD = re.compile(r"(\w+)\s*$")
DAY_PHRASES = frozenset({"today", "tonight", "yesterday", "tomorrow", "last night"})
UNITS = ("week", "month", "year")


def format_day(day: dt.date) -> str:
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def shift_month(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def anchored(phrase: str, said_on: dt.date) -> tuple[str, str]:
    """(preposition, explicit period) for a lower-case relative phrase said on ``said_on``."""
    one_day = dt.timedelta(days=1)
    if phrase in DAY_PHRASES:
        day = {"yesterday": said_on - one_day, "last night": said_on - one_day,
               "tomorrow": said_on + one_day}.get(phrase, said_on)  # fmt: skip
        night = phrase in ("tonight", "last night")
        return "on", f"the night of {format_day(day)}" if night else format_day(day)
    which, unit = phrase.split()
    step = {"this": 0, "last": -1, "next": 1}[which]
    if unit == "week":
        monday = said_on - dt.timedelta(days=said_on.weekday()) + dt.timedelta(weeks=step)
        return "in", f"the week of {format_day(monday)}"
    if unit == "month":
        year, month = shift_month(said_on, step)
        return "in", f"{MONTH_NAMES[month - 1]} {year}"
    return "in", str(said_on.year + step)


def means_the_same(phrase: str, said_on: dt.date, read_on: dt.date) -> bool:
    """Whether the phrase still names the same period when read on ``read_on``."""
    if phrase.endswith("year"):
        return said_on.year == read_on.year
    if phrase.endswith("month"):
        return (said_on.year, said_on.month) == (read_on.year, read_on.month)
    if phrase.endswith("week"):
        return said_on.isocalendar()[:2] == read_on.isocalendar()[:2]
    return said_on == read_on


def resolve_relative_time(text: str, *, said_on: dt.date, read_on: dt.date) -> str:
    """``text`` with each relative phrase that would now read differently made explicit."""

    def replace(match: re.Match[str]) -> str:
        phrase = match["phrase"].lower()
        if means_the_same(phrase, said_on, read_on):
            return match.group(0)
        preposition, period = anchored(phrase, said_on)
        if match["possessive"]:
            return f"{match['earlier'] or ''}{period}{match['possessive']}"
        previous = PREVIOUS_WORD.search(text, 0, match.start())
        bare = previous is not None and previous.group(1).lower() in BARE_AFTER
        resolved = period if bare else f"{preposition} {period}"
        if match["earlier"]:
            resolved = f"{match['earlier']}{preposition} {period}"
        if match.start() == 0 or text[: match.start()].rstrip().endswith((".", "!", "?")):
            resolved = resolved[0].upper() + resolved[1:]
        return resolved

    return RELATIVE_PHRASE.sub(replace, text)


def shifted_relative_phrases(text: str, *, said_on: dt.date, read_on: dt.date) -> list[str]:
    """The relative phrases of ``text`` that name another period on ``read_on`` (stale)."""
    return [
        match.group(0)
        for match in RELATIVE_PHRASE.finditer(text)
        if not means_the_same(match["phrase"].lower(), said_on, read_on)
    ]


def anchored_periods(said_on: dt.date) -> list[str]:
    """Every explicit period ``resolve_relative_time`` may write for an article of that date
    (lets a support check accept "on 12 Sep 2025" from the article's own metadata)."""
    phrases = [*DAY_PHRASES, *(f"{w} {u}" for w in ("this", "last", "next") for u in UNITS)]
    return [anchored(phrase, said_on)[1] for phrase in phrases]
