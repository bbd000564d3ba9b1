"""The composed headline and summary: cut from cited statements, never a source's title."""

from __future__ import annotations

import datetime as dt

from newspulse.domain import Briefing, Bullet, Section, SourceRef, Statement, Topic
from newspulse.write.compose import compose_headline, headline_clause, summary_statements


def test_a_headline_clause_keeps_the_subject_and_its_decisive_figure() -> None:
    text = (
        "Artificial intelligence chip startup MatX has raised $500 million in a Series B "
        "funding round to accelerate development of its MatX One processor."
    )
    clause = headline_clause(text)
    assert clause is not None
    assert clause.endswith("$500 million in a Series B funding round")
    opener = (
        "In a historic move that reset the race, Alphabet (Google's parent) said it would "
        "spend $185 billion."
    )
    assert headline_clause(opener) == "Alphabet said it would spend $185 billion"


def test_no_headline_from_a_dangling_or_figureless_sentence() -> None:
    assert headline_clause("It raised $500 million in a Series B funding round.") is None
    assert headline_clause("Western Digital sold out of hard drives for the year.") is None
    assert headline_clause("Western Digital sold out.", need_figure=False) is None  # too short


def test_no_headline_from_a_sentence_that_tells_how_things_stand() -> None:
    """A headline names what happened; "Solana's market cap is roughly $110 billion" is
    background, "Bitcoin is trading at $90,000" and "is expected to" still report."""
    assert headline_clause("Solana's market cap is roughly $110 billion, behind only BTC.") is None
    assert headline_clause("Bitcoin is trading near $90,000 after a month-long slide.")
    assert headline_clause("Nvidia is expected to report revenue of $68 billion on Wednesday.")


def test_the_summary_restates_each_main_fact_once_and_cites_it() -> None:
    lead = (
        Statement("SpaceX acquired xAI on 2 Feb 2026, creating a $1.25 trillion company.", ("a",)),
        Statement("Western Digital sold out its hard drives for 2026, citing AI demand.", ("b",)),
    )
    section = Section(
        "Memory and storage",
        (),
        (Bullet("Samsung posted a record operating profit of 20 trillion won.", ("c",)),),
    )
    page = [s.text for s in lead] + [b.text for b in section.bullets]
    summary = summary_statements(lead, [section], page)
    assert [s.text for s in summary] == [
        "SpaceX acquired xAI on 2 Feb 2026.",
        "Western Digital sold out its hard drives for 2026.",
    ]
    assert [s.citations for s in summary] == [("a",), ("b",)]
    # A clause that would restate two statements of the page is passed over.
    twice = [*page, "Western Digital sold out its hard drives for 2026 as AI demand grew."]
    assert len(summary_statements(lead, [section], twice)) == 2
    assert "Western Digital" not in " ".join(
        s.text for s in summary_statements(lead, [section], twice)
    )


def test_no_clause_cut_inside_a_list_or_before_a_consequence() -> None:
    listed = (
        "Anthropic's Cowork platform introduces a plugin architecture that allows teams to "
        "encode institutional workflows, domain knowledge, and tool integrations."
    )
    assert headline_clause(listed, max_words=24, need_figure=False) is None
    conditional = (
        "JPMorgan Chase warns that if Strategy is removed from indices such as MSCI USA, it "
        "could trigger outflows of up to $2.8 billion."
    )
    assert headline_clause(conditional, max_words=24, need_figure=False) is None
    assert headline_clause("Bitcoin dropped below $90,000, deepening a month-long slide.") == (
        "Bitcoin dropped below $90,000"
    )
    titled = "President Trump's 100% tariff threat triggered the largest liquidation in history."
    assert headline_clause(titled) == titled.rstrip(".")
    # A score or a time is not a dash or a colon between clauses.
    scored = "Freddie Freeman hit a home run that sealed a 6\u20135 Dodgers win in the 18th inning."
    assert headline_clause(scored, need_figure=False) == scored.rstrip(".")
    quoted = 'Canary said its XRP ETF began trading with "10,000 shares at $25 each."'
    assert (
        headline_clause(quoted)
        == 'Canary said its XRP ETF began trading with "10,000 shares at $25 each"'
    )
    dashed = "Nvidia raised its forecast to $78 billion \u2013 above every estimate on the Street."
    assert headline_clause(dashed) == "Nvidia raised its forecast to $78 billion"


def briefing_of(*sections: Section, lead: tuple[Statement, ...] = ()) -> Briefing:
    return Briefing(
        topic=Topic(slug="t", vertical="v", title="T", tagline="", description=""),
        updated_at=dt.datetime(2026, 2, 27, tzinfo=dt.UTC),
        headline="",
        lead=lead,
        sections=sections,
        notable=(),
        implications=(),
        summary=(),
        sources=(),
    )


def test_the_headline_tells_the_most_salient_events_not_the_first_theme() -> None:
    minor = Bullet("SanDisk posted revenue of $3.03 billion for the quarter.", ("a",), event_id=1)
    major = Bullet(
        "Nvidia reported record revenue of $68.1 billion for the quarter.", ("b",), event_id=2
    )
    second = Bullet(
        "The Adani Group plans to invest $100 billion in data centres.", ("c",), event_id=3
    )
    briefing = briefing_of(Section("Memory", (), (minor,)), Section("Chips", (), (major, second)))
    assert compose_headline(briefing, [2, 3, 1]) == (
        "Nvidia reported record revenue of $68.1 billion for the quarter; the Adani Group plans "
        "to invest $100 billion in data centres"
    )
    assert compose_headline(briefing).startswith("SanDisk posted revenue")


def test_a_clause_ends_before_its_cause_or_second_verb_and_a_date_is_no_list() -> None:
    record = (
        "Bitcoin surged to a record high above $125,000 on October 5, 2025, driven by strong "
        "ETF inflows and institutional demand."
    )
    assert (
        headline_clause(record)
        == "Bitcoin surged to a record high above $125,000 on October 5, 2025"
    )
    launch = (
        "Bitwise launched a Solana staking ETF (BSOL) that pulled in nearly $300 million within "
        "a day and promises about a 7.3% APY by staking all its assets."
    )
    assert headline_clause(launch) == (
        "Bitwise launched a Solana staking ETF that pulled in nearly $300 million within a day"
    )


def test_the_headline_takes_the_events_main_facts_before_any_detail() -> None:
    """Event 2's bullet makes no headline (no name opens it); its sub-bullet would, but the
    next event's main fact comes first.  A range is not cut at its "to"."""
    figureless = "Analysts expect altcoin ETFs to attract up to $14 billion in six months."
    detail = Bullet("Solana surged 12% to $250 as inflows to the funds grew.", ("d",), event_id=2)
    altcoins = Bullet(figureless, ("b",), (detail,), event_id=2)
    bitcoin = Bullet(
        "Bitcoin dropped below $90,000 for the first time since April.", ("a",), event_id=1
    )
    etf = Bullet(
        "BlackRock's IBIT posted a record $523 million outflow on 18 Nov.", ("c",), event_id=3
    )
    briefing = briefing_of(Section("Prices", (), (bitcoin, altcoins, etf)))
    assert compose_headline(briefing, [1, 2, 3]) == (
        "Bitcoin dropped below $90,000 for the first time since April; BlackRock's IBIT posted "
        "a record $523 million outflow on 18 Nov"
    )
    ranged = "Six gigawatts could power 2.4 million to 3 million GPUs running AI training jobs."
    assert headline_clause(ranged) in (None, ranged.rstrip("."))


def test_an_event_told_in_the_lead_heads_the_page_with_its_lead_statement() -> None:
    """The lead takes an event's main fact; its bullet then tells a detail, which must not
    stand in for the story in the headline."""
    lead = Statement("Nvidia reported record revenue of $68.1 billion for the quarter.", ("b",))
    detail = Bullet("Data centre sales reached $62 billion in the quarter.", ("b",), event_id=2)
    briefing = Briefing(
        topic=Topic(slug="t", vertical="v", title="T", tagline="", description=""),
        updated_at=dt.datetime(2026, 2, 27, tzinfo=dt.UTC),
        headline="",
        lead=(lead,),
        sections=(Section("Chips", (), (detail,)),),
        notable=(),
        implications=(),
        summary=(),
        sources=(SourceRef("b", "https://b.example", "Nvidia beats", "b.example", None, 2),),
    )
    assert compose_headline(briefing, [2]).startswith(lead.text.rstrip("."))
