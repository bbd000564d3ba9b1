"""Relative time phrases ("today", "last week", "this year") resolved to the dates they meant.

A source sentence says "today" on the day it was published; quoted on a page updated weeks
later it would read wrong (product.md §1: dates consistent with the update time).  So the
writer anchors such phrases to the article's own date before quoting it: "announced USAT
today" from a 12 Sep 2025 article becomes "announced USAT on 12 Sep 2025".  A phrase is left
alone when it still means the same period on the reading date.  A weekday keeps its name
beside the date it meant ("on Tuesday" -> "on Tuesday 24 Feb"): the source's wording, made
exact, with the year the bullet's "as of" date gives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from newspulse.text.sentences import QUOTATION, word_set

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SHORT_MONTHS = tuple(name[:3] for name in MONTH_NAMES)
# A month as a date writes it ("Dec", "Dec.", "December", "Sept", "May 4"): a whole word,
# so "on Monday declined", "Tuesday, marking" or "Monday may" is a weekday before a verb.
MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?!\w)|may\s+\d"
)
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
DURATION_BEFORE = re.compile(r"\b(?:the|a|one|each|per|every)\s*$", re.IGNORECASE)
DAY_PHRASES = frozenset({"today", "tonight", "yesterday", "tomorrow", "last night"})
UNITS = ("week", "month", "year")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "on Monday", "last Friday", "Monday" — unless a date follows ("Monday, 23 February").
WEEKDAY_PHRASE = re.compile(
    r"\b(?P<which>on |last |this |next |)(?P<day>"
    + "|".join(WEEKDAY_NAMES)
    + rf")\b(?!,?\s+\(?(?:\d|{MONTH_WORD}))",
    re.IGNORECASE,
)


# A weekday that only says when: "on Monday", "late Sunday night", "arrested Thursday".
WEEKDAY_ADJUNCT = re.compile(
    r"\b(?P<lead>(?i:late|early)\s+)?(?P<prep>(?i:on|last)\s+)?(?P<day>"
    + "|".join(name.capitalize() for name in WEEKDAY_NAMES)
    + r")(?P<part>\s+(?:night|morning|afternoon|evening))?\b"
    r"(?!['\u2019]s)(?!\s+[A-Z])"
    rf"(?!,?\s+\(?(?:\d|(?i:{MONTH_WORD})))",
)
PLANNED_DAY = frozenset({"next", "this", "coming"})
# Words that make a weekday part of a name: "Super Tuesday", "Black Friday", "Good Friday",
# "Fox News Sunday" (a holiday, a sales day, a show: no day of the article's week).
NAMED_DAY_BEFORE = word_set(
    "super black cyber good easter ash palm bloody giving holy maundy fat shrove news"
)
HELD = re.compile("\ue000(.)\ue001")
# "As of Monday", "until Friday": the day is the object, the sentence breaks without it.
BOUND_BEFORE = frozenset({"of", "as", "by", "until", "till", "since", "from", "before", "after"})


def drop_weekdays(text: str) -> str:
    """``text`` without the weekdays that only date it: for an article whose own date is
    unknown, "on Monday" cannot be anchored, but the statement holds without it.  Kept:
    a plan ("next Friday"), a name ("Cyber Monday", "Sunday's race", "Monday Night
    Football"), a bare day before a comma ("announced Wednesday, values ...") and any
    day inside a quotation."""
    return outside_quotations(text, dropped_weekdays)


def dropped_weekdays(text: str) -> str:

    def replace(match: re.Match[str]) -> str:
        previous = PREVIOUS_WORD.search(text, 0, match.start())
        word = previous.group(1) if previous else ""
        bare = not (match["lead"] or match["prep"] or match["part"])
        if word.lower() in PLANNED_DAY or word.lower() in BOUND_BEFORE:
            return match.group(0)
        if bare and (word[:1].isupper() or text[match.end() : match.end() + 1] == ","):
            return match.group(0)
        return ""

    dropped = WEEKDAY_ADJUNCT.sub(replace, text)
    if dropped == text:
        return text
    dropped = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", dropped))
    dropped = re.sub(r",(?=[,.;:!?])", "", dropped).strip().lstrip(", ")
    return dropped[:1].upper() + dropped[1:]


def weekday_in_name(text: str, start: int, end: int) -> bool:
    """Whether the bare weekday at ``text[start:end]`` is part of a name: after a word of
    ``NAMED_DAY_BEFORE`` ("Super Tuesday") or before a capitalised word ("CBS Sunday
    Morning", "Monday Night Football")."""
    previous = PREVIOUS_WORD.search(text, 0, start)
    word = previous.group(1) if previous else ""
    if word[:1].isupper() and word.lower() in NAMED_DAY_BEFORE:
        return True
    return re.match(r" [A-Z]", text[end : end + 2]) is not None


def outside_quotations(text: str, rewrite: Callable[[str], str]) -> str:
    """``rewrite(text)`` with every quotation held out of it and put back unchanged."""
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return f"\ue000{chr(0xE100 + len(held) - 1)}\ue001"

    masked = QUOTATION.sub(hold, text)
    if not held:
        return rewrite(text)
    return HELD.sub(lambda match: held[ord(match.group(1)) - 0xE100], rewrite(masked))


def is_title_word(text: str, start: int) -> bool:
    """A capitalised "Today" or "Tonight" inside a sentence is part of a name ("USA Today",
    "Christianity Today", NBC's "Today"), not the article's day."""
    before = text[:start].rstrip()
    return text[start : start + 1].isupper() and bool(before) and before[-1] not in '.!?:"\u201c'


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


def opens_sentence(text: str, at: int) -> bool:
    return at == 0 or text[:at].rstrip().endswith((".", "!", "?"))


def resolve_relative_time(text: str, *, said_on: dt.date, read_on: dt.date | None) -> str:
    """``text`` with each relative phrase that would read differently on ``read_on`` made
    explicit (every one when ``read_on`` is None)."""

    def replace(match: re.Match[str]) -> str:
        phrase = match["phrase"].lower()
        if is_title_word(text, match.start("phrase")):
            return match.group(0)  # "Christianity Today", "USA Today": a name
        if read_on is not None and means_the_same(phrase, said_on, read_on):
            return match.group(0)
        if DURATION_BEFORE.search(text, 0, match.start()):
            return match.group(0)  # "over the next year" is a span, not a date
        preposition, period = anchored(phrase, said_on)
        if match["possessive"] and phrase in DAY_PHRASES:
            # "from today's levels" -> "from the 17 Feb 2026 levels", not "17 Feb 2026's".
            return f"{'The' if opens_sentence(text, match.start()) else 'the'} {period}"
        if match["possessive"]:
            told = f"{match['earlier'] or ''}{period}{match['possessive']}"
            return told[:1].upper() + told[1:] if opens_sentence(text, match.start()) else told
        previous = PREVIOUS_WORD.search(text, 0, match.start())
        bare = previous is not None and previous.group(1).lower() in BARE_AFTER
        resolved = period if bare else f"{preposition} {period}"
        if match["earlier"]:
            resolved = f"{match['earlier']}{preposition} {period}"
        if opens_sentence(text, match.start()):
            resolved = resolved[0].upper() + resolved[1:]
        return resolved

    return RELATIVE_PHRASE.sub(replace, text)


def weekday_date(day: str, which: str, said_on: dt.date) -> dt.date:
    """The date a weekday name meant in an article of ``said_on``: the latest such day on or
    before it ("on Monday", "last Monday"), the next one after it ("next Monday"), or for a
    day still ahead (``which`` "coming": "will vote on Monday") the first on or after it."""
    target = WEEKDAY_NAMES.index(day.lower())
    if which == "coming":  # a day the sentence speaks of as ahead: on or after it
        return said_on + dt.timedelta(days=(target - said_on.weekday()) % 7)
    if which.strip().lower() == "next":
        return said_on + dt.timedelta(days=(target - said_on.weekday() - 1) % 7 + 1)
    back = (said_on.weekday() - target) % 7
    if which.strip().lower() == "last" and back == 0:
        back = 7
    return said_on - dt.timedelta(days=back)


NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
COUNT = r"(?P<count>\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
AGO = re.compile(
    rf"\b{COUNT} (?P<unit>day|week|month|year)s? ago\b",
    re.IGNORECASE,
)
# "over the next year", "in the coming months", "in the past few weeks": spans from the
# article's date, written as spans from that date.
SPAN = re.compile(
    r"\b(?P<prep>over|in|during|within) the (?P<which>next|coming|past|last) "
    r"(?:(?:few|several|twelve|12) )?(?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)
# "only recently", "just six months prior": time words with no date to anchor, left out.
VAGUE = re.compile(
    rf",?\s*\b(?:(?:only|just|very|until) )?(?:recently|lately|currently|right now)\b,?|"
    rf",?\s*\b(?:just |only )?{COUNT.replace('?P<count>', '?:')} (?:days?|weeks?|months?|years?) "
    r"(?:prior|earlier)\b(?!\s+(?:than|to|in))",
    re.IGNORECASE,
)


# "last June", "this March", "next January": a month named relative to the article's date.
RELATIVE_MONTH = re.compile(
    r"\b(?P<which>last|this|next|past) (?P<month>" + "|".join(MONTH_NAMES) + r")\b(?!\s+\d)",
    re.IGNORECASE,
)


def month_year(month: int, which: str, said_on: dt.date) -> int:
    """The year of "last June" (the latest June before the article's month), "this June"
    (the article's year) or "next June" (the first June after it)."""
    if which in ("last", "past"):
        return said_on.year if month < said_on.month else said_on.year - 1
    if which == "next":
        return said_on.year if month > said_on.month else said_on.year + 1
    return said_on.year


def count_of(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def anchor_spans(text: str, said_on: dt.date) -> str:
    """ "three days ago" -> "on 9 Feb 2026", "over the next year" -> "in the year from
    Feb 2026"; vague "recently" and "six months prior" are dropped."""

    def ago(match: re.Match[str]) -> str:
        count, unit = count_of(match["count"]), match["unit"].lower()
        if unit == "day":
            return f"on {format_day(said_on - dt.timedelta(days=count))}"
        if unit == "week":
            return f"in the week of {format_day(said_on - dt.timedelta(weeks=count))}"
        if unit == "month":
            year, month = shift_month(said_on, -count)
            return f"in {MONTH_NAMES[month - 1]} {year}"
        return f"in {said_on.year - count}"

    def span(match: re.Match[str]) -> str:
        unit = match["unit"].lower()
        direction = "from" if match["which"].lower() in ("next", "coming") else "to"
        if unit == "year":
            month = f"{SHORT_MONTHS[said_on.month - 1]} {said_on.year}"
            return f"{match['prep']} the year {direction} {month}"
        after = "after" if direction == "from" else "before"
        return f"{match['prep']} the {unit}s {after} {format_day(said_on)}"

    text = SPAN.sub(span, AGO.sub(ago, text))

    def named_month(match: re.Match[str]) -> str:
        month = [m.lower() for m in MONTH_NAMES].index(match["month"].lower()) + 1
        year = month_year(month, match["which"].lower(), said_on)
        previous = PREVIOUS_WORD.search(text, 0, match.start())
        bare = previous is not None and previous.group(1).lower() in {*BARE_AFTER, "in"}
        return f"{'' if bare else 'in '}{MONTH_NAMES[month - 1]} {year}"

    text = RELATIVE_MONTH.sub(named_month, text)

    def vague(match: re.Match[str]) -> str:
        """Dropped with its commas, but one that closes a clause stays: "drives right now,
        their ..." -> "drives, their ..."."""
        told = match.group(0)
        opens = match.start() == 0 or told.lstrip().startswith(",")
        return "," if told.endswith(",") and not opens else ""

    dropped = " ".join(VAGUE.sub(vague, text).split())
    if text[:1].isupper():
        dropped = dropped[:1].upper() + dropped[1:]
    return dropped


# "concluded today (20 February)": the writer dated the day in brackets; that date is kept.
DATED_DAY = re.compile(
    r"\b(?:today|tonight|yesterday|tomorrow)\s+\((?P<date>(?:[0-3]?\d\s+)?"
    rf"(?:{'|'.join(MONTH_NAMES)})(?:\s+[0-3]?\d)?(?:,?\s+(?:19|20)\d\d)?)\)",
    re.IGNORECASE,
)


def dated_days(text: str) -> str:
    """``text`` with "today (20 February)" written "on 20 February" ("On" opening it)."""
    return DATED_DAY.sub(lambda m: ("On " if m.start() == 0 else "on ") + m["date"], text)


def anchor_relative_time(text: str, *, said_on: dt.date) -> str:
    """``text`` with every relative day, week, month, year and weekday phrase written as the
    date it meant on ``said_on``, the article's date ("last year" -> "in 2025"), whatever day
    the page is read on; a day the text dates itself keeps that date ("today (20 February)"
    -> "on 20 February"); a weekday keeps its name beside its date (``weekday_with_date``).
    A quotation is left as said: "we will sign it today" is the speaker's sentence, not ours
    to date (the writer does not quote it)."""

    def anchor(text: str) -> str:
        anchored_text = resolve_relative_time(
            anchor_spans(dated_days(text), said_on), said_on=said_on, read_on=None
        )
        return WEEKDAY_WITH_PART.sub(
            lambda match: weekday_with_date(match, anchored_text, said_on), anchored_text
        )

    return outside_quotations(text, anchor)


# A weekday phrase with what may follow it: a part of the day ("Monday night") or a
# possessive ("Friday's report").
WEEKDAY_WITH_PART = re.compile(
    WEEKDAY_PHRASE.pattern
    + r"(?P<part>\s+(?:night|morning|afternoon|evening)\b)?(?P<possessive>['\u2019]s\b)?",
    re.IGNORECASE,
)


# Words that put what a sentence tells after its article's date: "The Senate will vote on
# Tuesday", "Electors are set to meet Monday", "ahead of Friday's deadline".
AHEAD = re.compile(
    r"\b(?:will|won't|shall|would|(?:set|due|scheduled|expected|slated|poised) to|"
    r"(?:plans?|aims?|intends?|hopes?|vows?|promises?) to|scheduled for|upcoming|ahead of)\b|"
    r"['\u2019]ll\b",
    re.IGNORECASE,
)


def ahead_in_sentence(text: str, at: int) -> bool:
    """Whether the sentence around ``at`` speaks of the future before that point."""
    start = max(text.rfind(end, 0, at) for end in (". ", "! ", "? "))
    return AHEAD.search(text, start + 1, at) is not None


def weekday_with_date(match: re.Match[str], text: str, said_on: dt.date) -> str:
    """A weekday as the source told it, with the date it meant: "on Monday" -> "on Monday
    23 Feb", "Thursday night" -> "on the night of Thursday 19 Feb"; before a noun, the date
    alone ("Friday's report" -> "the 20 Feb report", "the White House's Tuesday statement"
    -> "... 17 Feb statement").  The year is left out: a weekday's date lies in the week
    before its article, within days of the statement's "as of" date, which the page shows."""
    which = match["which"]
    if not which and weekday_in_name(text, match.start("day"), match.end("day")):
        return match.group(0)
    if which.strip().lower() in ("", "on", "this") and ahead_in_sentence(text, match.start()):
        which = "coming"
    day = weekday_date(match["day"], which, said_on)
    date = f"{day.day} {SHORT_MONTHS[day.month - 1]}"
    part = (match["part"] or "").strip().lower()
    before = text[: match.start()].rstrip()
    if match["possessive"]:
        resolved = f"the {date} {part}".rstrip()
    elif before.endswith(("'s", "\u2019s")) or before.lower().endswith((" the", " a")):
        resolved = f"{date} {part}".rstrip()
    else:
        previous = PREVIOUS_WORD.search(text, 0, match.start())
        bare = previous is not None and previous.group(1).lower() in BARE_AFTER
        named = f"{match['day'].capitalize()} {date}"
        resolved = f"the {part} of {named}" if part else named
        resolved = resolved if bare else f"on {resolved}"
    if not before or before.endswith((".", "!", "?")):
        resolved = resolved[0].upper() + resolved[1:]
    return resolved


def shifted_relative_phrases(text: str, *, said_on: dt.date, read_on: dt.date) -> list[str]:
    """The relative phrases of ``text`` that name another period on ``read_on`` (stale); a
    name is none ("Christianity Today", "USA Today": ``is_title_word``)."""
    return [
        match.group(0)
        for match in RELATIVE_PHRASE.finditer(text)
        if not means_the_same(match["phrase"].lower(), said_on, read_on)
        and not is_title_word(text, match.start("phrase"))
    ]


def anchored_periods(said_on: dt.date, text: str = "") -> list[str]:
    """Every explicit period ``anchor_relative_time`` may write for an article of that date
    and ``text`` (lets a support check accept "on 12 Sep 2025" from the article's own
    metadata; a weekday's date only when the text names that weekday)."""
    phrases = [*DAY_PHRASES, *(f"{w} {u}" for w in ("this", "last", "next") for u in UNITS)]
    periods = [anchored(phrase, said_on)[1] for phrase in phrases]
    return [*periods, anchor_relative_time(text, said_on=said_on)] if text else periods
