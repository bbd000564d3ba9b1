"""Sentence splitting, bullet quality and content words, on real corpus text and edge cases."""

from __future__ import annotations

import pytest

from newspulse.text.sentences import (
    STOPWORDS,
    content_tokens,
    content_words,
    is_clean_sentence,
    normalise_word,
    sentence_problem,
    split_sentences,
)

# Real passages from tests/text/data/articles.jsonl; test_quotes_are_real checks each one.
SANDISK_LEAD = (
    "Sandisk shares jumped more than 14 percent in after-hours trading Thursday after the memory "
    "chip maker delivered earnings that left Wall Street estimates in the dust. The company "
    "reported adjusted earnings of $6.20 per share on $3.03 billion in revenue for the quarter "
    "that ended January 2, far surpassing the $3.62 per share and $2.69 billion in sales that "
    "analysts had forecast."
)
CFTC_SENTENCE = (
    "This comes after the U.S. Commodity Futures Trading Commission (CFTC) granted Polymarket "
    "conditional clearance via a no-action letter, allowing it to resume U.S. operations under "
    "certain constraints."
)
NVIDIA_CLIENTS = (
    "Four major clients of NVDA, namely, Microsoft Corp. MSFT, Alphabet Inc. GOOGL, Meta Platforms "
    "Inc. META and Amazon.co"
)
SEC_PASSAGE = (
    "Each filing would trigger comment periods, SEC staff reviews, and possible delays or "
    "rejections.In practice, this meant that only Bitcoin and Ethereum spot ETFs had cleared the "
    "regulatory hurdle (as of 2024), and only after protracted legal and regulatory battles."
)
EXCHANGE_SENTENCE = (
    "First, an exchange (e.g. Nasdaq, Cboe) needed to propose a rule change to list the product; "
    "second, the fund manager had to gain SEC approval independently."
)
RYDER_MATCH = (
    "Match 1: Jon Rahm/Tyrrell Hatton (EUR) def. Bryson DeChambeau/Justin Thomas (U.S.), 4 and 3"
)
SANDISK_HEADERS = (
    "The revenue guidance was almost 60 percent above what Wall Street had anticipated.\n\n"
    "The numbers underscore how dramatically the storage industry has shifted in recent months, "
    "driven by an insatiable demand for the chips that power artificial intelligence systems.\n\n"
    "Advertisement\n\nBackground\n\n"
)
SAMBANOVA_BULLET = (
    "• SambaNova is reportedly seeking $300 million to $500 million from investors following the "
    "collapse of Intel takeover discussions, according to Bloomberg"
)
DIPASQUALE_QUOTE = (
    "“The broader setup remains bullish, with a prolonged government shutdown likely to continue "
    "driving interest in hard assets and supporting demand for Bitcoin as an alternative store of "
    "value,” said Joe DiPasquale, CEO of BitBull Capital."
)

REAL_SPLITS = [
    (
        SANDISK_LEAD,
        [
            "Sandisk shares jumped more than 14 percent in after-hours trading Thursday after the "
            "memory chip maker delivered earnings that left Wall Street estimates in the dust.",
            "The company reported adjusted earnings of $6.20 per share on $3.03 billion in revenue "
            "for the quarter that ended January 2, far surpassing the $3.62 per share and $2.69 "
            "billion in sales that analysts had forecast.",
        ],
    ),
    (CFTC_SENTENCE, [CFTC_SENTENCE]),
    (NVIDIA_CLIENTS, [NVIDIA_CLIENTS]),
    (
        SEC_PASSAGE,
        [
            "Each filing would trigger comment periods, SEC staff reviews, and possible delays or "
            "rejections.",
            "In practice, this meant that only Bitcoin and Ethereum spot ETFs had cleared the "
            "regulatory hurdle (as of 2024), and only after protracted legal and regulatory "
            "battles.",
        ],
    ),
    (EXCHANGE_SENTENCE, [EXCHANGE_SENTENCE]),
    (RYDER_MATCH, [RYDER_MATCH]),
    (
        SANDISK_HEADERS,
        [
            "The revenue guidance was almost 60 percent above what Wall Street had anticipated.",
            "The numbers underscore how dramatically the storage industry has shifted in recent "
            "months, driven by an insatiable demand for the chips that power artificial "
            "intelligence systems.",
            "Advertisement",
            "Background",
        ],
    ),
    (SAMBANOVA_BULLET, [SAMBANOVA_BULLET.removeprefix("• ")]),
    (DIPASQUALE_QUOTE, [DIPASQUALE_QUOTE]),
]

EDGE_SPLITS = [
    ("", []),
    ("  \n\n  ", []),
    (
        "Dr. Smith met Mr. Jones on Jan. 5 at No. 1 Main St. in L.A. The deal was $1.2B. "
        "It closed.",
        [
            "Dr. Smith met Mr. Jones on Jan. 5 at No. 1 Main St. in L.A.",
            "The deal was $1.2B.",
            "It closed.",
        ],
    ),
    ("He joined Acme Inc. The company grew.", ["He joined Acme Inc.", "The company grew."]),
    ("Acme Inc. Chairman Bob Lee spoke.", ["Acme Inc. Chairman Bob Lee spoke."]),
    ("Sales in the U.S. The rest abroad.", ["Sales in the U.S.", "The rest abroad."]),
    ("Michael J. Fox attended the launch.", ["Michael J. Fox attended the launch."]),
    (
        'He said "this is great." Then he left! Really?',
        ['He said "this is great."', "Then he left!", "Really?"],
    ),
    ("Yes... and then... Nothing.", ["Yes... and then...", "Nothing."]),
    (
        "It was 2:48 a.m. EST on Friday. The price fell.",
        ["It was 2:48 a.m. EST on Friday.", "The price fell."],
    ),
    ("Prices rose.   Volumes   fell.", ["Prices rose.", "Volumes fell."]),
    ("No. The answer was no.", ["No.", "The answer was no."]),
]


@pytest.mark.parametrize(("text", "expected"), REAL_SPLITS + EDGE_SPLITS)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


REAL_VERDICTS: list[tuple[str, str | None]] = [
    (
        "Sandisk shares jumped more than 14 percent in after-hours trading Thursday after the "
        "memory chip maker delivered earnings that left Wall Street estimates in the dust.",
        None,
    ),
    (
        "TSMC said it plans to allocate between $52 billion and $56 billion to capital "
        "expenditures in 2026, a move seen as a sign of continued large-scale investment in "
        "artificial intelligence infrastructure.",
        None,
    ),
    (DIPASQUALE_QUOTE, None),
    (
        "He argued that higher throughput and lower latency will translate into “smarter and "
        "faster models for your subscription dollar.”",
        None,
    ),
    ("Analysts at Standard Chartered expect the bullish momentum to continue.", None),
    ("Advertisement", "too short"),
    ("Your support makes all the difference.", "too short"),
    (
        "AI chip startup MatX just raised $500M Series B to build processors 10x faster than "
        "Nvidia GPUs for...",
        "truncated",
    ),
    (
        "According to TechCrunch, MatX will fabricate the chip at TSMC and plans to start shipping "
        "devices in 2027, giving the startup a defined timeline t",
        "no terminal punctuation",
    ),
    (
        "But the real shock came from what the company said it expects to earn next quarter.",
        "starts with a conjunction",
    ),
    (
        "date 2026-02-26 NVIDIA Corp. NVDA — the undisputed global leader of generative artificial "
        "intelligence (AI)-powered graphical processing units (GPUs) — reported strong "
        "fourth-quarter fiscal 2026 earnings results.",
        "starts lowercase",
    ),
    (
        "*Hovland withdrew because of injury; per cup rules, the U.S. had to put one player “in "
        "the envelope” to sit (U.S. captain Keegan Bradley chose English), leading to a match tie.",
        "starts with a symbol",
    ),
    (
        "Your donation allows us to keep sending journalists to speak to both sides of the story.",
        "boilerplate",
    ),
    (
        "Why it matters: This move signals Wall Street’s growing confidence in "  # noqa: RUF001
        "prediction markets, "
        "offering them a bridge into traditional finance.",
        "boilerplate",
    ),
    (
        "Disclaimer: The information provided is for informational purposes only and should not be "
        "considered financial or investment advice.",
        "boilerplate",
    ),
    (
        "Proskauer+3Reuters+3Financial Times+3 The new investment and regulatory developments "
        "suggest a major pivot toward institutional legitimacy.",
        "boilerplate",
    ),
    (
        "The selloff has pushed the price below the 2025 realized price of $103,227, .",
        "broken punctuation",
    ),
    (
        "“At Adani, we are building on our foundation in data centres and green energy to expand "
        "into the complete five-layer AI stack focused on India’s technological "  # noqa: RUF001
        "sovereignty.",
        "unbalanced quotes",
    ),
]

EDGE_VERDICTS: list[tuple[str, str | None]] = [
    ("What caused the October 10 crypto crash in the markets?", "question"),
    ("Nvidia shares rose 5% on Tuesday after strong earnings #Nvidia #AI.", "hashtag"),
    ("Read the full filing at https://www.sec.gov/rules today, the agency said.", "url"),
    ("NVIDIA AND AMD SIGN A GPU DEAL WITH META TODAY.", "mostly uppercase"),
    ("Samsung Electronics and SK Hynix Compete for HBM4 Supply Deal.", "no verb"),
    (" ".join(["Nvidia said demand was strong"] * 13) + ".", "too long"),
    ("Click here to sign up for the daily newsletter today.", "boilerplate"),
]


@pytest.mark.parametrize(("sentence", "problem"), REAL_VERDICTS + EDGE_VERDICTS)
def test_sentence_problem(sentence: str, problem: str | None) -> None:
    assert sentence_problem(sentence) == problem
    assert is_clean_sentence(sentence) is (problem is None)


def test_quotes_are_real(corpus_text: str) -> None:
    flattened = " ".join(corpus_text.split())
    for text in [text for text, _ in REAL_SPLITS + REAL_VERDICTS]:
        assert " ".join(text.split()) in flattened, text


@pytest.mark.parametrize(
    ("word", "normalised"),
    [
        ("companies", "company"),
        ("raised", "rais"),
        ("raising", "rais"),
        ("raises", "rais"),
        ("raise", "rais"),
        ("planned", "plan"),
        ("running", "run"),
        ("chips", "chip"),
        ("business", "business"),
        ("analysis", "analysis"),
        ("news", "news"),
        ("bus", "bus"),
        ("h200", "h200"),
    ],
)
def test_normalise_word(word: str, normalised: str) -> None:
    assert normalise_word(word) == normalised


def test_content_words_fold_forms_and_drop_stopwords() -> None:
    text = "Nvidia's chips raised revenue 73.3% as Nvidia raises forecasts"
    assert content_words(text) == {"nvidia", "chip", "rais", "revenu", "73.3", "forecast"}


def test_content_tokens_keep_order_and_numbers() -> None:
    assert content_tokens("The U.S. don't sell 1,200 H200 chips") == [
        "sell",
        "1200",
        "h200",
        "chip",
    ]


def test_stopwords_hold_function_words_and_news_filler() -> None:
    assert {"the", "of", "said", "according", "would"} <= STOPWORDS
    assert not {"nvidia", "billion", "chip"} & STOPWORDS
