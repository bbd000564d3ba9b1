"""The standalone-sentence detectors, on the faults issue 10 found on a published page."""

from __future__ import annotations

import datetime as dt

import pytest

from newspulse.text.garbles import without_echoes
from newspulse.text.lead_in import strip_dateline, strip_lead_in
from newspulse.text.readability import (
    article_relative_time,
    dangling_opener,
    headline_fragment,
    incomplete_ending,
    page_scrap,
    strip_trailing_tag,
)
from newspulse.text.relative_time import anchor_relative_time

CLEAN = [
    "Meta signed deals with Vistra, Oklo and TerraPower for 6.6 gigawatts of nuclear power.",
    "The Adani Group plans to invest $100 billion in data centres in India by 2035.",
    "Nvidia said its quarterly revenue rose 73% to $68.13 billion.",
    "The U.S. government approved the sale of H200 chips to China.",
    "Western Digital sold out its hard drives for 2026, backed by orders from seven clients.",
    "Meta's deal closed on Monday, 23 February 2026, after regulators approved it.",
    "Revenue rose 20% from a year earlier to $5 billion, the company said.",
    "SanDisk opened the event at its headquarters in Milpitas, California.",
    "The ETF market has grown to $100 billion since the first fund launched in 2024.",
    "Europe won the Ryder Cup 15-13 at Bethpage Black on 28 September 2025.",
    "The Federal Reserve cut interest rates by 25 basis points on 29 October 2025.",
    "The US government approved exports of H200 chips to China with a 25% fee.",
    "Meta signed a deal with Vistra in January, and this new deal gives it 2 gigawatts.",
    "Nvidia's revenue rose 73% to $68 billion in 2025, and this revenue beat every forecast.",
    "According to Reuters, Nvidia will invest $30 billion in OpenAI.",
    "By capturing both titles, Sabalenka became the first woman to defend it since 2014.",
    "With their 6-5 win at Dodger Stadium, the Dodgers took a 2-1 lead in the World Series.",
    "In his public explanation, Dario Amodei argued that mass surveillance harms democracy.",
    "The Dodgers now lead the best-of-seven World Series 2-1 after the 18-inning game.",
    "FTX stole $32 billion of customer funds before it collapsed in November 2022.",
    "According to Reuters, Nvidia is investing $30 billion in OpenAI's funding round.",
    "The Canary XRP ETF commenced trading with 10,000 shares at $25 each on Nasdaq.",
    "The well-known crypto exchange Gemini, which listed on Nasdaq, raised $425 million.",
    "The British rookie Oliver Bearman took a career-best fourth place for Haas in Mexico.",
    "The recent funding round of Anthropic raised $30 billion at a $380 billion valuation.",
    "In the United States, Nvidia sold more chips than it could make in 2025.",
    # Names and restrictive clauses say what the description is about (NeuS/AllSides leads).
    "The Trump administration will reject new applications for the program.",
    "The Senate overwhelmingly passed legislation that funds chip research.",
    "The man who shot 12 people at a municipal building was an employee of the city.",
    "Roger Stone, the former adviser to President Trump, has been indicted on seven charges.",
    "Christianity Today published an editorial calling for the president's removal.",
    "Nvidia told USA Today that it would ship the chips in 2026.",
]


@pytest.mark.parametrize(
    ("text", "opener"),
    [
        ("The deals are with Vistra, Oklo, and TerraPower, reflecting demand.", "The deals"),
        ("On a results call, its CEO, Irving Tan, said drives sold out.", "its"),
        ("The collapse of the talks marks a setback for both sides.", "The collapse"),
        ("However, Nvidia said demand remains strong across regions.", "However,"),
        ("It plans to ship its first chip in 2027 with a foundry partner.", "It"),
        ("The Japanese conglomerate will pay $16 per share in cash.", "The Japanese conglomerate"),
        ("The two companies held the launch event in Milpitas.", "The two"),
        (
            "In the midst of this context, Western Digital said its drives sold out.",
            "In the midst of",
        ),
        ("First, an exchange needed to propose a rule change to list the fund.", "First,"),
        ("If not, GenAI is dead in the water because prices have not come down.", "If not"),
        ("Either way, Nvidia keeps selling every chip it makes this quarter.", "Either way"),
        ("Interestingly, Intel CEO Lip-Bu Tan chairs SambaNova Systems.", "Interestingly,"),
        ("Which means the cost of inference has to fall by orders of magnitude.", "Which"),
        (
            "Singapore's fund GIC and Coatue Management led this latest investment.",
            "this latest investment",
        ),
        ("The ETF opened with $58 million in trading volume.", "The ETF"),
        ("The project is part of OpenAI's plan to build data centres abroad.", "The project"),
        ("The acquisition includes all of Groq's assets except its cloud.", "The acquisition"),
        ("Under the agreement, TCS will provide the data-centre capacity.", "Under the agreement,"),
        ("As part of the new deal, Oracle will host the models.", "As part of the new deal,"),
        (
            "Under the first phase of the partnership, TCS will build 100 megawatts.",
            "Under the first phase of the partnership,",
        ),
        ("The IPO was oversubscribed by more than 20 times, bankers said.", "The IPO"),
        (
            "The Intel investment also includes a partnership with SambaNova.",
            "The Intel investment",
        ),
        (
            "The 22-year-old Spaniard won 6-2, 3-6, 6-1, 6-4 to capture the title.",
            "The 22-year-old",
        ),
        # The source named first is not the sentence's subject.
        ("Per Next Gen Stats, he faced No. 1 receivers on 45.5% of his matchups.", "He"),
        ("According to Reuters, the deal values the company at $4 billion.", "The deal"),
        ("Kraken itself secured $500 million in a pre-IPO round.", "itself"),
        ("After adjusting, his fastball was hit by Springer for a single in the ninth.", "his"),
        (
            "The company's rival, OpenAI, is assembling a $100 billion funding round.",
            "The company's",
        ),
        (
            "The attack \u2014 spread across Ethereum, Arbitrum and Base \u2014 cost $128 million.",
            "The attack",
        ),
        ("The crypto IPO was expected after the SEC completed its review.", "The crypto"),
        ("The IT services company also intends to use OpenAI's Codex tools.", "The IT"),
        (
            "Valued at over $10 billion, the deal aims to deploy 750 megawatts of compute.",
            "the deal",
        ),
        ("Adani Group followed with a $100 billion commitment to data centres.", "followed with"),
        ("Microsoft and Google quickly followed suit with deals of their own.", "followed suit"),
        ("Back then, negotiations were still in preliminary phases.", "Back then"),
        (
            "The San Francisco facility, which opened in April 2025, tests power systems.",
            "The San Francisco facility",
        ),
        # The main clause after the opening phrase opens on a description, not a name.
        ("While its staff stays at 1,200, the San Francisco expansion shows its focus.", "its"),
        ("Tiger Global led the round, but Benchmark Capital doubled down.", "led the round"),
        ("Additional contributions stemmed from Fidelity's FBTC and Bitwise's BITB.", "Additional"),
        ("Another $500 million came from SoftBank and Nvidia in the same round.", "Another"),
        ("At the time, SambaNova was valued at $5 billion by investors.", "At the time"),
        # After a main clause, "those" still points at things the reader never saw.
        (
            "Cerebras is the willing partner, providing those dinner-plate-sized chips.",
            "those dinner-plate-sized chips",
        ),
        (
            "A new technique making waves in the AI community does exactly that by using NVMe.",
            "does exactly that",
        ),
        (
            "After the 29 Jan 2026 presentation, there will be an opportunity to ask questions.",
            "After the 29 Jan 2026 presentation,",
        ),
        ("Two more testnet runs are scheduled for October 14 and October 28.", "Two more"),
    ],
)
def test_dangling_openers_are_found(text: str, opener: str) -> None:
    assert dangling_opener(text) == opener


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("The companies said in a statement Monday that the deal would close.", "Monday"),
        ("The administration only recently approved exports of H200 chips.", "recently"),
        ("Nvidia announced a $100 billion investment in OpenAI last year.", "last year"),
        ("They plan $650 billion of capital spending over the next year.", "over the next year"),
        ("Its valuation tripled from $8.1 billion just six months prior.", "six months prior"),
        ("On Wednesday, PJM announced the results of its auction.", "On Wednesday"),
        ("The chip will ship next month to its first customers.", "next month"),
        ("The exchange was hacked three days ago by a known group.", "three days ago"),
    ],
)
def test_article_relative_time_is_found(text: str, phrase: str) -> None:
    assert article_relative_time(text) == phrase


@pytest.mark.parametrize(
    "text",
    [
        "Beijing restricts access to boost domestic chipmakers in trade talks, News.",
        "Company news $425 million, Series E the fundraising will provide the capital needed.",
        "By John Smith The company raised money from several investors this spring.",
        "Developers confirmed the launch, CoinDesk (Source 6) and Cointelegraph reported.",
        "The Independent is trusted by Americans across the entire political spectrum.",
        "Dave Roberts \U0001f5e3 Yamamoto started Game 6, and ended Game 7 to win MVP honors.",
        "Nvidia stakes $20 billion on Groq to win inference | 19 views | 1.2K shares",
        "Future XRP (@the5blairs), a prominent voice, analyzed the launch of the XRPC ETF.",
        "By leveraging Polymarket\u03b2s forecasting engine, ICE aims to improve its analytics.",
        "Record Revenue and Growth: Fiscal Q1 revenue reached $13.6 billion, up 21%.",
        "Core Viewpoint - TSMC is accelerating construction of advanced factories.",
        "The chart shows prices rising, as seen in hero-image.jpg from the report.",
        "Markets rallied strongly after the decision, 5 min read for subscribers.",
        "Who is covered and when:Eligible users are futures and margin account holders.",
        "FARMINGDALE, N.Y., Sept 29 (AP): Staked to the largest lead in history, Europe won.",
        "Camera IconMan-of-the-match George Ford (l) celebrates with his England teammates.",
        "Yamamoto Named MVP/ Newslooks/ WASHINGTON/ J. Mansour/ Yamamoto capped a postseason.",
        "Bart, co-founder of Media52 and Professor of Journalism oversees IO+, events, and Laio.",
        "Jane Doe is a senior reporter at Example News covering chips and data centers.",
        "NEW YORK, September 2, 2025 \u2014 Gemini Space Station, Inc. filed for an IPO.",
        "San Jose, February 2026 \u2014 Western Digital has sold out of hard drives for 2026.",
    ],
)
def test_page_scraps_are_found(text: str) -> None:
    assert page_scrap(text) is not None


def test_headlines_and_teasers_used_as_prose_are_found() -> None:
    assert headline_fragment("Snail-speed superbrain, big-time drama.") == "no verb"
    assert headline_fragment("SpaceX Acquires xAI In $1.25T Merger To Build Data Centers.")
    assert headline_fragment("Building energy-efficient AI chips to reduce reliance on Nvidia.")
    caption = "A blue holographic workspace showing a Documents icon and a shield."
    assert headline_fragment(caption) == "no verb"
    assert headline_fragment("A Nvidia spokesperson declined to comment on the report.") is None


def test_a_sentence_cut_at_its_start_is_a_fragment() -> None:
    assert headline_fragment("(BTC) had dropped 30% from its October high of $126,250.")


def test_a_phrase_or_unit_printed_twice_is_told_once() -> None:
    assert without_echoes("Gemini filed the Form S-1 Form S-1 (SEC) for its IPO.") == (
        "Gemini filed the Form S-1 (SEC) for its IPO."
    )
    assert (
        without_echoes("Revenue grew 65% %, driven by demand.")
        == "Revenue grew 65%, driven by demand."
    )
    orphan = "(BTC) had dropped 30% from its October high of $126,250."
    assert without_echoes(orphan) == "BTC had dropped 30% from its October high of $126,250."
    told_once = "He said that that was fine, and shares rose 5%, 5% and 5% again."
    assert without_echoes(told_once) == told_once


def test_an_item_under_a_label_is_a_fragment_and_a_list_in_a_sentence_is_not() -> None:
    item = "External fund manager oversight failure: $93 million in user assets lost."
    assert headline_fragment(item) == "list label"
    hosting = "Local hosting and policy: Data-residency rules place the cluster under India."
    assert headline_fragment(hosting) == "list label"
    assert headline_fragment("Nvidia named one risk: demand for its chips could slow.") is None


def test_a_statement_cut_short_is_a_fragment() -> None:
    cut = "JPMorgan Chase warns that if Strategy is removed from mainstream indices such."
    assert headline_fragment(cut) == "incomplete"
    assert incomplete_ending("Anthropic's platform lets teams encode workflows and.") == "and"
    assert incomplete_ending("Nvidia sold more chips than it could make.") is None


def test_a_weekday_with_its_date_in_parentheses_is_a_date() -> None:
    text = "The summit concluded on Friday (20 February) in New Delhi."
    assert article_relative_time(text) is None
    assert anchor_relative_time(text, said_on=dt.date(2026, 2, 21)) == text
    anchored = anchor_relative_time("It ended on Friday.", said_on=dt.date(2026, 2, 21))
    assert anchored == "It ended on Friday 20 Feb."
    assert article_relative_time(anchored) is None
    assert anchor_relative_time(anchored, said_on=dt.date(2026, 2, 21)) == anchored


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "LONDON - Chelsea beat 10-man Barcelona 3-0 in the Champions League.",
            "Chelsea beat 10-man Barcelona 3-0 in the Champions League.",
        ),
        (
            "New York \u2013 November 18, 2025 Bitcoin tumbled below the $90,000 mark.",
            "Bitcoin tumbled below the $90,000 mark.",
        ),
        (
            "NVIDIA (NASDAQ:NVDA) reported record results for its fourth quarter.",
            "NVIDIA reported record results for its fourth quarter.",
        ),
        (
            "Record Revenue and Growth: Fiscal Q1 revenue reached $13.6 billion, up 21%.",
            "Record Revenue and Growth: Fiscal Q1 revenue reached $13.6 billion, up 21%.",
        ),
        (
            "SoftBank (TYO: 9984) agreed to buy DigitalBridge (NYSE: DBRG) for $4 billion.",
            "SoftBank agreed to buy DigitalBridge for $4 billion.",
        ),
        (
            "Company news $425 million, Series E the fundraising will provide the capital.",
            "Company news $425 million, Series E the fundraising will provide the capital.",
        ),
        (
            "Yamamoto Named MVP in Dodgers' Title Win/ Newslooks/ WASHINGTON/ J. Mansour/ "
            "Yoshinobu Yamamoto capped an epic postseason with a clutch relief outing.",
            "Yoshinobu Yamamoto capped an epic postseason with a clutch relief outing.",
        ),
        (
            "NEW YORK, September 2, 2025 \u2014 Gemini Space Station filed for a Nasdaq IPO.",
            "Gemini Space Station filed for a Nasdaq IPO.",
        ),
        (
            "San Jose, February 2026 \u2014 Western Digital has sold out of hard drives for 2026.",
            "Western Digital has sold out of hard drives for 2026.",
        ),
        (
            "CoreWeaveCRWV-- generated $3.6 billion in revenue in nine months.",
            "CoreWeave generated $3.6 billion in revenue in nine months.",
        ),
        (
            "Prices rose 5%/ 6% in two markets and/ or held steady in the third one.",
            "Prices rose 5%/ 6% in two markets and/ or held steady in the third one.",
        ),
    ],
)
def test_a_lead_in_is_cut_and_only_a_sentence_is_freed(text: str, sentence: str) -> None:
    assert strip_lead_in(text) == sentence


@pytest.mark.parametrize(
    "text",
    [
        "FARMINGDALE, N.Y., Sept 29 (AP): Europe won the Ryder Cup at Bethpage Black.",
        "WASHINGTON (AP) — Europe won the Ryder Cup at Bethpage Black.",
        "(CNN)Europe won the Ryder Cup at Bethpage Black.",
        "(Reuters) - Europe won the Ryder Cup at Bethpage Black.",
        "Farmingdale, N.Y. \u2014 Europe won the Ryder Cup at Bethpage Black.",
        "TORONTO, Nov 21 (Reuters Breakingviews) - Europe won the Ryder Cup at Bethpage Black.",
    ],
)
def test_a_wire_dateline_is_cut_from_the_sentence(text: str) -> None:
    assert strip_dateline(text) == "Europe won the Ryder Cup at Bethpage Black."
    assert strip_dateline(CLEAN[0]) == CLEAN[0]


def test_those_before_the_clause_that_says_whom_leans_on_nothing() -> None:
    restricted = (
        "The FDA authorized booster doses for people 65 and older and those whose jobs put "
        "them at high risk."
    )
    assert dangling_opener(restricted) is None
    assert dangling_opener("Acme expanded those deals with Beta Systems in Ohio.") is not None


@pytest.mark.parametrize("text", CLEAN)
def test_sentences_that_stand_alone_pass_every_detector(text: str) -> None:
    found = [d(text) for d in (dangling_opener, article_relative_time, page_scrap)]
    assert found == [None, None, None]
    assert headline_fragment(text) is None


def test_a_trailing_outlet_tag_is_cut_and_a_place_is_not() -> None:
    assert strip_trailing_tag("Beijing restricts access in trade talks, News.") == (
        "Beijing restricts access in trade talks."
    )
    assert strip_trailing_tag(CLEAN[-1]) == CLEAN[-1]


def test_a_dek_in_the_present_tense_with_compact_amounts_is_a_headline() -> None:
    dek = "SpaceX acquires xAI in $1.25T merger to build space-based data centers."
    assert headline_fragment(dek) == "headline style"
    assert headline_fragment("Alphabet plans $175 billion of capital spending in 2026.") is None
    assert headline_fragment("Amazon guided about $200B in 2026 capex across the company.") is None


def test_a_capitalised_common_noun_at_the_start_is_no_antecedent() -> None:
    text = "Proof of this growth can be found at its laboratory in San Francisco."
    assert dangling_opener(text) == "this"
    assert dangling_opener("Bank of America said its profit rose 10% in 2025.") is None


def test_a_deal_named_by_its_amount_or_parties_stands_alone() -> None:
    assert dangling_opener("Valor Equity led the $2 billion round for the chipmaker.") is None
    assert dangling_opener("Regulators approved the acquisition of Juniper by HPE.") is None


def test_this_after_a_main_clause_names_what_the_clause_said() -> None:
    """ "positioning this additional capacity": "this" is the expansion just told."""
    text = (
        "The Adani Group plans to invest $100 billion to expand its data center platform from "
        "2 gigawatts to 5 gigawatts, positioning this additional capacity for AI workloads."
    )
    assert dangling_opener(text) is None
    assert dangling_opener("Tiger Global led this latest investment in the startup.") is not None


def test_a_passive_follow_names_what_came_first() -> None:
    assert dangling_opener("Modi's speech was followed by a $2 billion pledge from Adani.") is None


def test_shouting_is_written_as_the_article_writes_the_words() -> None:
    from newspulse.text.garbles import unshouted, written_forms

    text = (
        "ANGE POSTECOGLOU has been sacked after just 39 DAYS in charge. Ange Postecoglou "
        "joined in September; his 39 days were poor. NASA rose. The WHO said who."
    )
    forms = written_forms(text)
    assert unshouted("ANGE POSTECOGLOU was sacked after 39 DAYS.", forms) == (
        "Ange Postecoglou was sacked after 39 days."
    )
    # Acronyms the article never writes otherwise, and short ones, stay.
    assert unshouted("NASA and the WHO said so.", forms) == "NASA and the WHO said so."
    assert unshouted("DAYS later he left, POSTECOGLOU said.", forms) == (
        "Days later he left, Postecoglou said."
    )
    # One capitalised word is no shouting; a ticker stays a ticker.
    assert unshouted("POSTECOGLOU left.", forms) == "POSTECOGLOU left."
    tickers = written_forms("Bonk and Moodeng and Trump rose.")
    listed = "Bonk (BONK), Moodeng (MOODENG) and the ticker TRUMP fell."
    assert unshouted(listed, tickers) == listed


@pytest.mark.parametrize(
    "text",
    [
        "Chelsea's Estevao celebrates scoring their second goal with teammates.",
        "Arne Slot applauds the Liverpool fans following the defeat to Nottingham Forest.",
        "Real Madrid's Kylian Mbappe reacts during the Champions League match.",
    ],
)
def test_a_photo_caption_is_a_scrap(text: str) -> None:
    assert page_scrap(text) is not None
    assert (
        page_scrap("Norris holds a one-point advantage over Piastri with four races left.") is None
    )
