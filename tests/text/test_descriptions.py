"""Definite descriptions: the ones that lean on an earlier sentence and the ones that say
what they mean (text.descriptions, through readability.dangling_opener)."""

from __future__ import annotations

import pytest

from newspulse.text.descriptions import names_its_referent
from newspulse.text.readability import dangling_opener
from newspulse.text.sentences import split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "The Ohio legislature has failed to override a veto by Gov. John Kasich.",
        "The New York attorney general is still pursuing a lawsuit against the charity.",
        "The American oil industry is facing a doomsday scenario.",
        "The Czech central bank buys bitcoin for the first time.",
        "The incumbent Trump administration views stablecoins as a strategic issue.",
        "The authorities in Britain said they were treating the attack as terrorism.",
        "The stark differences between President Donald Trump and Joe Biden were on display.",
        "The sixth victory of the season for Norris was his first since August.",
        "The House of Representatives is barreling toward votes on two immigration bills.",
        "The Prince and Princess of Wales led the congratulations on social media.",
        "Anthropic, the first frontier AI firm to deploy its model on classified networks, "
        "has provided support to the US military.",
        "Freeman, the first player in World Series history with two walk-off home runs, "
        "went 2 for 7.",
        "The Clean Energy Performance Program, the linchpin of the climate bill, may be dropped.",
        "Representative John Conyers (D-Mich.), the longest-serving House member, settled.",
        "The Senate, the upper chamber, voted 52-48 to confirm her.",
        "The number of people seeking unemployment benefits fell sharply to 684,000.",
        "The price of bitcoin fell 5% to $90,000.",
    ],
)
def test_a_description_that_names_its_referent_stands_alone(text: str) -> None:
    assert dangling_opener(text) is None


@pytest.mark.parametrize(
    ("text", "opener"),
    [
        ("The deals are with Vistra, Oklo and TerraPower.", "The deals"),
        ("The deal in March gave Nvidia a board seat.", "The deal"),
        ("The core of the deal involves Cerebras deploying its systems.", "The core"),
        ("The roadmap builds on AdaniConnex's existing 2 GW platform.", "The roadmap"),
        ("The document promised at least ten gigawatts of GPU capacity.", "The document"),
        ("The deep loss in Q3 fy 2025 is an accounting loss.", "The deep"),
        (
            "The streamlined system ensures that American capital markets stay open.",
            "The streamlined",
        ),
        ("The ongoing U.S. government shutdown has boosted Bitcoin's appeal.", "The ongoing"),
        ("The prominent Silicon Valley company invested at least $225 million.", "The prominent"),
        (
            "The young Barcelona goalkeeper was under pressure all night.",
            "The young",
        ),
        ("The startup in Paris raised $100 million.", "The startup"),
        ("The price of the deal rose to $5 billion.", "The price"),
        ("The president said the talks would go on.", "The president"),
        ("In Texas, the company said it would grow.", "the company"),
    ],
)
def test_a_description_of_something_told_before_still_leans(text: str, opener: str) -> None:
    assert dangling_opener(text) == opener


def test_the_two_discourse_new_kinds_are_told_apart() -> None:
    assert names_its_referent("The French president said the talks would go on.")
    assert not names_its_referent("The president said the talks would go on.")
    assert names_its_referent("The authorities in Britain said it was terrorism.")
    assert not names_its_referent("The authorities said it was terrorism.")
    # A quarter or an acronym for a kind of thing is no name.
    assert not names_its_referent("The combination of a high-yield ETF and a stablecoin works.")


def test_a_heading_glued_to_its_paragraph_is_split_off() -> None:
    text = "Since the normative discussionThe company is keeping its cash. In a LinkedIn post, he spoke."  # noqa: E501
    assert split_sentences(text) == [
        "Since the normative discussion",
        "The company is keeping its cash.",
        "In a LinkedIn post, he spoke.",
    ]
