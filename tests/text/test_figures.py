"""Money, percentages and quantities, their comparison keys, and bare number tokens."""

from __future__ import annotations

import pytest

from newspulse.domain import Figure
from newspulse.text.figures import figure_key, figure_keys, find_figures, number_tokens

# Real passages from tests/text/data/articles.jsonl; test_quotes_are_real checks each one.
REAL_FIGURES = [
    (
        "AI chip startup MatX just raised $500M Series B",
        [("money", 500_000_000.0, "USD", "$500M")],
    ),
    (
        "Artificial Intelligence chip startup MatX has raised $500 million in a Series B",
        [("money", 500_000_000.0, "USD", "$500 million")],
    ),
    (
        "net profit reached TWD 505.7 billion ($16 billion), up 11.8 percent year-on-year.",
        [
            ("money", 505_700_000_000.0, "TWD", "TWD 505.7 billion"),
            ("money", 16_000_000_000.0, "USD", "$16 billion"),
            ("percent", 11.8, "%", "11.8 percent"),
        ],
    ),
    (
        "estimating an operating profit of 20 trillion won ($13.8 billion).",
        [
            ("money", 20_000_000_000_000.0, "KRW", "20 trillion won"),
            ("money", 13_800_000_000.0, "USD", "$13.8 billion"),
        ],
    ),
    (
        "plan to invest ₹10 trillion, roughly $110 billion, over the next seven years",
        [
            ("money", 10_000_000_000_000.0, "INR", "₹10 trillion"),
            ("money", 110_000_000_000.0, "USD", "$110 billion"),
        ],
    ),
    (
        "was fined $4.3 billion (£3.4 billion) following a US investigation",
        [
            ("money", 4_300_000_000.0, "USD", "$4.3 billion"),
            ("money", 3_400_000_000.0, "GBP", "£3.4 billion"),
        ],
    ),
    (
        "SambaNova is reportedly seeking $300 million to $500 million from investors",
        [
            ("money", 300_000_000.0, "USD", "$300 million to $500 million"),
            ("money", 500_000_000.0, "USD", "$300 million to $500 million"),
        ],
    ),
    (
        "allocate between $52 billion and $56 billion to capital expenditures in 2026",
        [
            ("money", 52_000_000_000.0, "USD", "$52 billion"),
            ("money", 56_000_000_000.0, "USD", "$56 billion"),
        ],
    ),
    (
        "would generate between $12 and $14 in adjusted earnings per share",
        [("money", 12.0, "USD", "$12"), ("money", 14.0, "USD", "$14")],
    ),
    (
        "Sandisk shares jumped more than 14 percent in after-hours trading",
        [("percent", 14.0, "%", "14 percent")],
    ),
    (
        "has committed up to $2 billion for a ~20% stake in Polymarket",
        [("money", 2_000_000_000.0, "USD", "$2 billion"), ("percent", 20.0, "%", "20%")],
    ),
    (
        "Bitcoin (BTC) surged past $125,000 for the first time in its 17-year history",
        [("money", 125_000.0, "USD", "$125,000")],
    ),
    (
        "could provide up to 6.6 GW of nuclear power by 2035",
        [("number", 6.6, "GW", "6.6 GW")],
    ),
    (
        "By locking in up to 6.6 gigawatts of firm, low‑carbon electricity",  # noqa: RUF001
        [("number", 6.6, "GW", "6.6 gigawatts")],
    ),
    (
        "existing 2 GW national data centre, with a target to reach 5 GW.",
        [("number", 2.0, "GW", "2 GW"), ("number", 5.0, "GW", "5 GW")],
    ),
    (
        "fiscal fourth-quarter revenues increased 73.3%, marking the eleventh consecutive quarter",
        [("percent", 73.3, "%", "73.3%")],
    ),
    ("EUR 3, U.S. 1; Overall: EUR 8.5, U.S. 3.5", []),
    ("inflicting Liverpool’s heaviest home defeat since losing 4-1 to Manchester City", []),  # noqa: RUF001
]

EDGE_FIGURES = [
    ("US$ 3bn", [("money", 3_000_000_000.0, "USD", "US$ 3bn")]),
    ("€250m", [("money", 250_000_000.0, "EUR", "€250m")]),
    ("£40 million", [("money", 40_000_000.0, "GBP", "£40 million")]),
    (
        "$52\u201356B",
        [
            ("money", 52_000_000_000.0, "USD", "$52\u201356B"),
            ("money", 56_000_000_000.0, "USD", "$52\u201356B"),
        ],
    ),
    ("500 million dollars", [("money", 500_000_000.0, "USD", "500 million dollars")]),
    ("Rs 1,000 crore", [("money", 10_000_000_000.0, "INR", "Rs 1,000 crore")]),
    ("USD 100 billion", [("money", 100_000_000_000.0, "USD", "USD 100 billion")]),
    ("$1.2T", [("money", 1_200_000_000_000.0, "USD", "$1.2T")]),
    ("$99k", [("money", 99_000.0, "USD", "$99k")]),
    ("1.5 trillion yen", [("money", 1_500_000_000_000.0, "JPY", "1.5 trillion yen")]),
    ("a $5 billion to 2026 plan", [("money", 5_000_000_000.0, "USD", "$5 billion")]),
    (
        "$5 billion\nto $6 billion",
        [("money", 5e9, "USD", "$5 billion"), ("money", 6e9, "USD", "$6 billion")],
    ),
    ("25 percent", [("percent", 25.0, "%", "25 percent")]),
    ("10-15%", [("percent", 10.0, "%", "10-15%"), ("percent", 15.0, "%", "10-15%")]),
    ("750 MW", [("number", 750.0, "MW", "750 MW")]),
    ("an 8-exaflop system", [("number", 8.0, "exaflops", "8-exaflop")]),
    ("24GB of memory", [("number", 24.0, "GB", "24GB")]),
    ("2 million users", [("number", 2_000_000.0, "", "2 million")]),
    ("he won 3 games", []),
    ("40 pounds of flour", []),
    ("the USD1 stablecoin", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), REAL_FIGURES + EDGE_FIGURES)
def test_find_figures(text: str, expected: list[tuple[str, float, str, str]]) -> None:
    assert find_figures(text) == [Figure(*figure) for figure in expected]


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (
            ["$500M", "$500 million", "500 million dollars", "$0.5 billion", "US$500m"],
            "USD:500000000",
        ),
        (["25%", "25 percent", "25 per cent"], "%:25"),
        (["6.6 GW", "6.6 gigawatts", "6.6GW"], "GW:6.6"),
        (["$1.2B", "$1.2 billion", "$1,200 million"], "USD:1200000000"),
        (["750 MW", "750 megawatts"], "MW:750"),
        (["2 million", "2,000,000 dollars"], None),
    ],
)
def test_figure_keys_agree_across_spellings(spellings: list[str], key: str | None) -> None:
    keys = [figure_keys(spelling) for spelling in spellings]
    if key is None:
        assert keys == [{"#:2000000"}, {"USD:2000000"}]
    else:
        assert keys == [{key}] * len(spellings)


def test_figure_keys_of_a_real_sentence() -> None:
    sentence = "net profit reached TWD 505.7 billion ($16 billion), up 11.8 percent year-on-year."
    assert figure_keys(sentence) == {"TWD:505700000000", "USD:16000000000", "%:11.8"}


def test_figure_key_writes_values_plainly() -> None:
    assert figure_key(Figure("money", 1.2e9, "USD", "$1.2B")) == "USD:1200000000"
    assert figure_key(Figure("percent", 5.11, "%", "5.11%")) == "%:5.11"
    assert figure_key(Figure("number", 3e6, "", "3 million")) == "#:3000000"


REAL_NUMBER_TOKENS = [
    (
        "Europe won the 45th Ryder Cup Sunday at Bethpage Black, 15-13, despite a dramatic closing",
        {"45", "15-13"},
    ),
    ("a record-breaking home crowd of 81,885 at the Allianz Stadium", {"81885"}),
    ("with the 3-0 reverse to Nottingham Forest", {"3-0"}),
    ("since losing 4-1 to Manchester City in 2021", {"4-1", "2021"}),
    ("Processing times could stretch to 240–270 days or longer.", {"240-270"}),  # noqa: RUF001
    ("EUR 3, U.S. 1; Overall: EUR 8.5, U.S. 3.5", {"3", "1", "8.5", "3.5"}),
    ("SAN FRANCISCO, Jan 21, 2026, 15:57 PST", {"21", "2026", "15:57"}),
]

EDGE_NUMBER_TOKENS = [
    ("Nvidia's H200 chips cost $30,000 each in Q4 2025", {"2025"}),
    ("Shipments hit 2026-02-24 with 10x gains", {"2026-02-24", "10"}),
    ("India posted 298/7 and won by 52 runs", {"298/7", "52"}),
    ("$500 million and 25% and 6.6 GW", set()),
    ("", set()),
]


@pytest.mark.parametrize(("text", "expected"), REAL_NUMBER_TOKENS + EDGE_NUMBER_TOKENS)
def test_number_tokens(text: str, expected: set[str]) -> None:
    assert number_tokens(text) == expected


def test_quotes_are_real(corpus_text: str) -> None:
    for text, _ in REAL_FIGURES + REAL_NUMBER_TOKENS:
        assert text in corpus_text, text
