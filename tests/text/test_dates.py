"""Dates in text and URLs, publication estimates and stale time frames."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newspulse.domain import DateSource
from newspulse.text.dates import (
    DateMention,
    date_from_url,
    estimate_published,
    find_dates,
    find_stale_time_references,
)

Records = dict[str, dict[str, Any]]

ADANI_URL = (
    "https://www.livemint.com/market/stock-market-news/adani-group-commits-100-billion-investment"
    "-to-develop-renewable-energy-powered-hyperscale-ai-ready-data-centres-11771314655245.html"
)
META_URL = (
    "https://www.racetoagi.org/news/2026-01-09-meta-secures-66-gw-nuclear-power-to-fuel-ai-superc"
)
MATX_URL = "https://www.ai-market-watch.com/news/nvidia-challenger-ai-chip-startup-matx-raised-500m"
RYDER_URL = (
    "https://www.golfchannel.com/news/ryder-cup-2025-results-match-by-match-scoring-with-europe"
    "-winning-at-bethpage-black"
)
AINVEST_URL = (
    "https://www.ainvest.com/news/bitcoin-news-today-bitcoin-freefall-bear-market-temporary"
    "-correction-2511"
)

REFERENCE = dt.date(2026, 2, 20)

# Real passages from tests/text/data/articles.jsonl; test_quotes_are_real checks each one.
REAL_DATES = [
    (
        "Billionaire Gautam Adan-led Adani Group on Tuesday, February 17, announced",
        [("2026-02-17", "February 17", "day")],
    ),
    ("On January 9, 2026, Meta revealed", [("2026-01-09", "January 9, 2026", "day")]),
    ("Updated Feb 23, 2026 5 min read", [("2026-02-23", "Feb 23, 2026", "day")]),
    (
        "date 2025-09-28 28 September 2025 20:00 (UTC+04:00)",
        [("2025-09-28", "2025-09-28", "day"), ("2025-09-28", "28 September 2025", "day")],
    ),
    ("SAN FRANCISCO, Jan 21, 2026, 15:57 PST", [("2026-01-21", "Jan 21, 2026", "day")]),
    (
        "Sandisk separated from its parent company Western Digital in February 2025",
        [("2025-02-01", "February 2025", "month")],
    ),
    (
        "for the quarter that ended January 2, far surpassing",
        [("2026-01-02", "January 2", "day")],
    ),
    (
        "US President Donald Trump on Thursday, October 24, 2025, granted",
        [("2025-10-24", "October 24, 2025", "day")],
    ),
    ("As we enter the first quarter of 2026, we expect", []),
    ("reported strong fourth-quarter fiscal 2026 earnings results", []),
]

EDGE_DATES = [
    ("Q4 2025 revenue beat estimates.", []),
    ("Revenue for FY2026 and H2 2025 rose.", []),
    ("February 24, 2026", [("2026-02-24", "February 24, 2026", "day")]),
    ("24 February 2026", [("2026-02-24", "24 February 2026", "day")]),
    ("27th January, 2026", [("2026-01-27", "27th January, 2026", "day")]),
    ("Feb 24, 2026", [("2026-02-24", "Feb 24, 2026", "day")]),
    ("2026-02-24", [("2026-02-24", "2026-02-24", "day")]),
    ("January 2026", [("2026-01-01", "January 2026", "month")]),
    ("mid-2024", [("2024-01-01", "mid-2024", "year")]),
    ("by the end of 2025", [("2025-01-01", "end of 2025", "year")]),
    ("Feb. 24", [("2026-02-24", "Feb. 24", "day")]),
    ("Dec 31", [("2025-12-31", "Dec 31", "day")]),
    ("on 7 December", [("2025-12-07", "7 December", "day")]),
    ("February 30, 2026", []),
    ("May 2.5% growth", []),
    ("Published: 27/09/2025 - 17:45", [("2025-09-27", "27/09/2025", "day")]),
    ("22.02.2026", [("2026-02-22", "22.02.2026", "day")]),
    ("10/13/2025", [("2025-10-13", "10/13/2025", "day")]),
    ("Wallstreetcn 2025.09.12 21:53", [("2025-09-12", "2025.09.12", "day")]),
    ("3/4/2025", []),
]


@pytest.mark.parametrize(("text", "expected"), REAL_DATES + EDGE_DATES)
def test_find_dates(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = find_dates(text, reference=REFERENCE)
    assert [(m.date.isoformat(), m.text, m.precision) for m in found] == expected


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("March 3", dt.date(2026, 2, 25), dt.date(2026, 3, 3)),
        ("March 10", dt.date(2026, 2, 25), dt.date(2025, 3, 10)),
        ("Feb 29", dt.date(2026, 3, 1), dt.date(2024, 2, 29)),
        ("December 31", dt.date(2026, 1, 2), dt.date(2025, 12, 31)),
        ("January 5", dt.date(2025, 12, 30), dt.date(2026, 1, 5)),
    ],
)
def test_month_day_resolves_to_latest_date_within_a_week(
    text: str, reference: dt.date, expected: dt.date
) -> None:
    assert find_dates(text, reference=reference) == [DateMention(expected, text, "day")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://cc.mediagearheads.com/2025/12/09/intel-progresses-toward-acquiring-sambanova",
            dt.date(2025, 12, 9),
        ),
        (META_URL, dt.date(2026, 1, 9)),
        (
            "https://www.aljazeera.com/sports/2025/11/4/mac-allister-scores?traffic_source=rss",
            dt.date(2025, 11, 4),
        ),
        (
            "https://tmv.in/article/adani-unveils-100-billion-ai-data-centre-plan-date=2026-02-18",
            dt.date(2026, 2, 18),
        ),
        (
            "https://www.hngn.com/articles/267976/20250908/carlos-alcaraz-clinches-second-us-open",
            dt.date(2025, 9, 8),
        ),
        ("https://www.sentifin.ai/20251004100848-ebb37802", dt.date(2025, 10, 4)),
        ("https://www.aurcoin.org/2025/11/balancers-128m-defi-hack-how-11-audits.html", None),
        (
            "https://www.outlookindia.com/sports/football/liverpool-vs-real-madrid-uefa-champions"
            "-league-2025-26-matchweek-4-anfield-in-pics",
            None,
        ),
        ("https://www.gamereactor.eu/western-digital-sold-out-hard-drives-for-2026-1677113/", None),
        (ADANI_URL, None),
        ("https://example.com/story?published=2026-02-18", None),
        ("https://example.com/2026/02/30/impossible-day", None),
    ],
)
def test_date_from_url(url: str, expected: dt.date | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "now", "expected"),
    [
        (META_URL, dt.datetime(2026, 2, 1, 12, 0), (dt.date(2026, 1, 9), "url")),
        (ADANI_URL, dt.datetime(2026, 2, 20, 8, 0), (dt.date(2026, 2, 17), "text")),
        (RYDER_URL, dt.datetime(2025, 10, 1, 8, 0), (dt.date(2025, 9, 28), "text")),
        (AINVEST_URL, dt.datetime(2025, 11, 25, 8, 0), (dt.date(2025, 11, 21), "text")),
        (MATX_URL, dt.datetime(2026, 2, 20, 8, 0), None),
    ],
)
def test_estimate_published_on_real_records(
    records: Records, url: str, now: dt.datetime, expected: tuple[dt.date, str] | None
) -> None:
    assert estimate_published(records[url]["text"], url, now=now) == expected


def test_estimate_published_names_its_source_as_a_date_source() -> None:
    estimate = estimate_published("", META_URL, now=dt.datetime(2026, 2, 1))
    assert estimate == (dt.date(2026, 1, 9), DateSource.URL)


def test_estimate_published_skips_dates_after_now() -> None:
    now = dt.datetime(2026, 2, 20, 8, 0)
    future_url = "https://example.com/2026/03/01/story"
    text = "The deal closed on February 17. The launch follows on February 25."
    assert estimate_published(text, future_url, now=now) == (dt.date(2026, 2, 17), "text")
    assert (
        estimate_published("The launch is on February 25.", "https://example.com/a", now=now)
        is None
    )


AS_OF = dt.date(2026, 2, 26)

REAL_STALE = [
    ("all its 2025 gains. As of Nov. 18, 2025,\n\n(BTC) had dropped 30%", ["As of Nov. 18, 2025"]),
    ("had cleared the regulatory hurdle (as of 2024), and only after", ["as of 2024"]),
    ("Zhao completed his four-month sentence in September 2024.", []),
    ("was sentenced to four months in prison in April 2024 after pleading guilty", []),
]

# Phrases from other records of the shared ai-infra corpus: contrasts, not stale time frames.
CORPUS_NOT_STALE = [
    "This valuation leap—from approximately $157 billion in late 2024 to $850 billion today",
    "reportedly completed development in 2025 and is now expected to feed directly into Nvidia",
]

EDGE_STALE = [
    ("As of mid-2024, Nvidia held 80% of the market.", ["As of mid-2024"]),
    ("As of the end of 2024 the fund held $1 billion.", ["As of the end of 2024"]),
    (
        "In early 2024, the company currently employs 50 people.",
        ["In early 2024, the company currently"],
    ),
    (
        "The chain currently processes, in early 2024, 50 transactions.",
        ["currently processes, in early 2024"],
    ),
    ("Revenue this year (2024) will rise.", ["this year (2024)"]),
    ("Shares trade today (2025) near highs.", ["today (2025)"]),
    ("In 2023 the company raised $1 billion.", []),
    ("Bitcoin, founded in 2009, is now worth more.", []),
    ("It is now worth more than in 2023.", []),
    ("As of 2026, the fund holds $1 billion.", []),
    ("As of January, the fund holds $1 billion.", []),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    REAL_STALE + [(text, []) for text in CORPUS_NOT_STALE] + EDGE_STALE,
)
def test_find_stale_time_references(text: str, expected: list[str]) -> None:
    assert find_stale_time_references(text, as_of=AS_OF) == expected


def test_stale_depends_on_the_as_of_year() -> None:
    text = "As of Nov. 18, 2025, Bitcoin had dropped 30%."
    assert find_stale_time_references(text, as_of=dt.date(2025, 11, 21)) == []
    assert find_stale_time_references(text, as_of=dt.date(2026, 1, 2)) == ["As of Nov. 18, 2025"]


def test_quotes_are_real(corpus_text: str) -> None:
    for text, _ in REAL_DATES + REAL_STALE:
        assert text in corpus_text, text
