"""Relative time phrases anchored to the date their article was published."""

from __future__ import annotations

import datetime as dt

import pytest

from newspulse.text.relative_time import drop_weekdays, resolve_relative_time

SAID = dt.date(2025, 9, 12)  # a Friday
LATER = dt.date(2025, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tether announced USAT today.", "Tether announced USAT on 12 Sep 2025."),
        ("Today, Tether announced USAT.", "On 12 Sep 2025, Tether announced USAT."),
        ("Shares fell yesterday.", "Shares fell on 11 Sep 2025."),
        ("The vote is tomorrow.", "The vote is on 13 Sep 2025."),
        ("Fans celebrated last night.", "Fans celebrated on the night of 11 Sep 2025."),
        ("It launched earlier this week.", "It launched earlier in the week of 8 Sep 2025."),
        ("Prices rose last week.", "Prices rose in the week of 1 Sep 2025."),
        ("It raised money this month.", "It raised money in September 2025."),
        ("Sales fell last month.", "Sales fell in August 2025."),
        ("Talks resume on Tuesday.", "Talks resume on Tuesday."),
        # A capitalised "Today" inside a sentence is a name, not the article's day.
        ("Trump hit Christianity Today.", "Trump hit Christianity Today."),
        ("He told USA Today it was over.", "He told USA Today it was over."),
    ],
)
def test_phrases_are_anchored_to_the_article_date(text: str, expected: str) -> None:
    assert resolve_relative_time(text, said_on=SAID, read_on=LATER) == expected


def test_year_phrases_change_when_the_year_does() -> None:
    next_year = dt.date(2026, 1, 5)
    since = resolve_relative_time("Revenue doubled since last year.", said_on=SAID, read_on=LATER)
    assert since == "Revenue doubled since last year."  # still 2024 on 30 Nov 2025
    since = resolve_relative_time(
        "Revenue doubled since last year.", said_on=SAID, read_on=next_year
    )
    assert since == "Revenue doubled since 2024."
    owned = resolve_relative_time(
        "Last year's results beat forecasts.", said_on=SAID, read_on=next_year
    )
    assert owned == "2024's results beat forecasts."


def test_phrases_that_still_mean_the_same_are_kept() -> None:
    text = "Bitcoin rose today; it is up this week, this month and this year."
    assert resolve_relative_time(text, said_on=SAID, read_on=SAID) == text
    same_year = resolve_relative_time("It grew this year.", said_on=SAID, read_on=LATER)
    assert same_year == "It grew this year."
    next_year = resolve_relative_time(
        "It grew this year.", said_on=SAID, read_on=dt.date(2026, 1, 2)
    )
    assert next_year == "It grew in 2025."


def test_words_containing_the_phrases_are_untouched() -> None:
    text = "Todays and yesterdays are not phrases; neither is thisweek."
    assert resolve_relative_time(text, said_on=SAID, read_on=LATER) == text


def test_every_relative_phrase_is_written_as_the_date_it_meant() -> None:
    from newspulse.text.relative_time import anchor_relative_time

    said_on = dt.date(2026, 2, 25)  # a Wednesday
    cases = {
        "The companies said in a statement Monday that talks ended.": (
            "The companies said in a statement on Monday 23 Feb that talks ended."
        ),
        "On Wednesday, PJM announced the results.": (
            "On Wednesday 25 Feb, PJM announced the results."
        ),
        "The vote came late Tuesday night.": "The vote came late on the night of Tuesday 24 Feb.",
        "Monday's auction cleared at a record price.": (
            "The 23 Feb auction cleared at a record price."
        ),
        "The White House's Tuesday statement was brief.": (
            "The White House's 24 Feb statement was brief."
        ),
        "Nvidia announced the plan last year.": "Nvidia announced the plan in 2025.",
        "The exchange was hacked three days ago.": "The exchange was hacked on 22 Feb 2026.",
        "They plan $650 billion of spending over the next year.": (
            "They plan $650 billion of spending over the year from Feb 2026."
        ),
        "The administration only recently approved the exports.": (
            "The administration approved the exports."
        ),
        "It tripled from $8.1 billion just six months prior.": "It tripled from $8.1 billion.",
        "Currently, passive funds hold nearly $9 billion.": "Passive funds hold nearly $9 billion.",
        "Seagate ships HAMR drives right now, its 30TB line.": (
            "Seagate ships HAMR drives, its 30TB line."
        ),
        "The deal closed on Monday, February 23.": "The deal closed on Monday, February 23.",
        "At its launch last June, it had one gigawatt-hour.": (
            "At its launch in June 2025, it had one gigawatt-hour."
        ),
        # The article dated the day itself: its date stays, written once.
        "The summit just concluded today (20 February).": (
            "The summit just concluded on 20 February."
        ),
        "Today (February 20, 2026), India hosted the summit.": (
            "On February 20, 2026, India hosted the summit."
        ),
        # A day's possessive becomes an attribute: "the 25 Feb 2026 levels", not "...2026's".
        "Demand will double from today's levels by 2030.": (
            "Demand will double from the 25 Feb 2026 levels by 2030."
        ),
        "Today's report said sales rose 5%.": "The 25 Feb 2026 report said sales rose 5%.",
        "Last week's inflows lifted the price.": (
            "The week of 16 Feb 2026's inflows lifted the price."
        ),
        # A verb that starts like a month ("declined", "marking") is no date after the day.
        "The Supreme Court on Monday declined the case.": (
            "The Supreme Court on Monday 23 Feb declined the case."
        ),
        "McConnell spoke on Tuesday, marking a first.": (
            "McConnell spoke on Tuesday 24 Feb, marking a first."
        ),
        "The vote on Monday, Dec. 14 was held.": "The vote on Monday, Dec. 14 was held.",
    }
    for text, expected in cases.items():
        assert anchor_relative_time(text, said_on=said_on) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ohtani led the Dodgers past the Blue Jays on Monday in Game 3.",
            "Ohtani led the Dodgers past the Blue Jays in Game 3.",
        ),
        (
            "In a shocking development late Sunday night, both McLarens were disqualified.",
            "In a shocking development, both McLarens were disqualified.",
        ),
        (
            "Billups was arrested Thursday in an FBI gambling investigation.",
            "Billups was arrested in an FBI gambling investigation.",
        ),
        ("On Monday, Nvidia said revenue rose 73%.", "Nvidia said revenue rose 73%."),
    ],
)
def test_a_weekday_that_only_dates_an_undated_statement_is_dropped(
    text: str, expected: str
) -> None:
    assert drop_weekdays(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The teams meet next Friday in Qatar.",  # a plan
        "Cyber Monday sales rose 8% to $14 billion.",  # a name
        "Sunday's race was won by Verstappen.",
        "He watched Monday Night Football with 20 million viewers.",
        "The deal, announced Wednesday, values the company at $4 billion.",  # an aside
        "As of Monday, shares of Amazon fell 2%.",  # the object of "as of"
        "Nvidia reported on Tuesday, 24 February, that revenue rose.",  # a date
    ],
)
def test_a_weekday_the_sentence_needs_stays(text: str) -> None:
    assert drop_weekdays(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Electors will meet on Monday to elect the president.",
            "Electors will meet on Monday 2 Mar to elect the president.",
        ),
        (
            "Trump spoke Thursday. The Senate is set to vote Tuesday.",
            "Trump spoke on Thursday 26 Feb. The Senate is set to vote on Tuesday 3 Mar.",
        ),
        (
            "Stocks rose ahead of Friday's jobs report.",
            "Stocks rose ahead of the 27 Feb jobs report.",
        ),
        ("He said Monday he would resign.", "He said on Monday 23 Feb he would resign."),
    ],
)
def test_a_day_still_ahead_is_the_coming_one(text: str, expected: str) -> None:
    from newspulse.text.relative_time import anchor_relative_time

    assert anchor_relative_time(text, said_on=dt.date(2026, 2, 27)) == expected  # a Friday


def test_a_name_with_today_in_it_is_no_stale_phrase() -> None:
    from newspulse.text.relative_time import shifted_relative_phrases

    text = "Trump attacked Christianity Today magazine over an editorial it published today."
    assert shifted_relative_phrases(text, said_on=SAID, read_on=LATER) == ["today"]
    named = "Trump attacked Christianity Today magazine over its editorial."
    assert shifted_relative_phrases(named, said_on=SAID, read_on=LATER) == []


@pytest.mark.parametrize(
    "text",
    [
        "Biden won big on Super Tuesday in Virginia.",
        "Shoppers spent $9 billion on Black Friday, Adobe said.",
        "The Good Friday agreement was signed in 1998.",
        "He told Fox News Sunday that the deal was done.",
        "She appeared on CBS Sunday Morning to discuss the bill.",
        "Monday Night Football drew 15 million viewers.",
    ],
)
def test_a_weekday_inside_a_name_is_no_day_to_date(text: str) -> None:
    from newspulse.text.readability import article_relative_time
    from newspulse.text.relative_time import anchor_relative_time, drop_weekdays

    assert anchor_relative_time(text, said_on=SAID) == text
    assert drop_weekdays(text) == text
    assert article_relative_time(text) is None


def test_a_quotation_is_not_rewritten_and_the_sentence_still_counts_as_relative() -> None:
    from newspulse.text.readability import article_relative_time
    from newspulse.text.relative_time import anchor_relative_time, drop_weekdays

    text = "\u201cStarting today, we will stop,\u201d Smith said on Monday."
    anchored = anchor_relative_time(text, said_on=dt.date(2026, 2, 27))
    assert anchored == "\u201cStarting today, we will stop,\u201d Smith said on Monday 23 Feb."
    assert article_relative_time(anchored) == "today"  # the writer will not use it
    straight = 'Trump said "we will sign it on Monday" on Tuesday.'
    assert drop_weekdays(straight) == 'Trump said "we will sign it on Monday".'
    assert anchor_relative_time("He said on Monday he would go.", said_on=SAID) != (
        "He said on Monday he would go."
    )
