"""Disagreeing figures: found per event, said in the bullet with both sides cited, verified."""

from __future__ import annotations

import dataclasses

import pytest

from newspulse.domain import Article, Briefing, Bullet, Conflict, ConflictSide
from newspulse.settings import LLMSettings, WriteSettings
from newspulse.write.briefing import write_version
from newspulse.write.conflicts import (
    article_reports,
    conflict_note,
    figure_roles,
    find_conflicts,
    with_conflicts,
)
from newspulse.write.extractive import write_extractive
from newspulse.write.plan import plan_briefing
from newspulse.write.verify import verify_briefing
from tests.llmserver import facts_of, rewording, running_llm_server
from tests.write.helpers import NOW, TOPIC, make_article, make_event

SETTINGS = WriteSettings(min_themes=1)
REPORTS = (
    (
        "OpenAI is valued at $150 billion after its latest share sale to investors.",
        "reuters.example",
    ),
    (
        "Investors valued OpenAI at $150 billion in the share sale led by Thrive Capital.",
        "bloomberg.example",
    ),
    (
        "The share sale values OpenAI at $157 billion, according to people familiar with it.",
        "cnbc.example",
    ),
)


def reporting(texts: tuple[tuple[str, str], ...] = REPORTS) -> list[Article]:
    return [
        make_article(n, text, title=f"Report {n}", source=source, days_ago=20)
        for n, (text, source) in enumerate(texts, start=1)
    ]


def test_disagreeing_valuations_form_one_conflict_with_both_sides() -> None:
    (conflict,) = find_conflicts(reporting())
    assert (conflict.about, conflict.subject) == ("valuation", "OpenAI")
    first, second = conflict.sides
    assert (first.value, first.citations) == (150e9, ("a001", "a002"))
    assert first.sources == ("reuters.example", "bloomberg.example")
    assert (second.value, second.citations, second.figure) == (157e9, ("a003",), "$157 billion")
    assert conflict_note([conflict]) == (
        "Reports differ on the valuation of OpenAI: $150 billion (reuters.example, "
        "bloomberg.example) vs $157 billion (cnbc.example)."
    )


@pytest.mark.parametrize(
    "texts",
    [
        # Both values in one article: a comparison, not a report of either.
        (
            ("OpenAI is valued at $150 billion after its share sale.", "a.example"),
            ("OpenAI was valued at $157 billion, up from $86 billion last year.", "b.example"),
        ),
        # A range does not disagree with a value inside it.
        (
            ("TSMC expects capital expenditures of $52 billion this year.", "a.example"),
            ("TSMC expects capital expenditures between $52 billion and $56 billion.", "b.example"),
        ),
        # Different companies.
        (
            ("Anthropic is valued at $150 billion after its share sale.", "a.example"),
            ("OpenAI is valued at $157 billion after its share sale.", "b.example"),
        ),
        # Too far apart to be one quantity reported two ways.
        (
            ("OpenAI is valued at $150 billion after its share sale.", "a.example"),
            ("OpenAI is valued at $300 billion after its share sale.", "b.example"),
        ),
        # Rounding: $72 billion and $72.2 billion are the same figure.
        (
            ("Meta spent $72 billion in capital expenditures in 2025.", "a.example"),
            ("Meta spent $72.2 billion in capital expenditures in 2025.", "b.example"),
        ),
    ],
    ids=["comparison", "range", "other-company", "far-apart", "rounding"],
)
def test_no_conflict(texts: tuple[tuple[str, str], ...]) -> None:
    assert find_conflicts(reporting(texts)) == ()


def test_roles_follow_the_nearest_cue() -> None:
    sentence = (
        "MatX raised $500 million in a Series B round at a valuation of $3 billion, "
        "and shipped 6.6 GW of chips."
    )
    assert [(role, f.value) for role, f, _ in figure_roles(sentence)] == [
        ("round size", 500e6),
        ("valuation", 3e9),
    ]
    (ranged,) = figure_roles(
        "Alphabet expects capital expenditures of $175 billion to $185 billion"
    )[:1]
    assert ranged[2] is True
    article = make_article(
        9, "Alphabet expects capital expenditures of $175 billion to $185 billion."
    )
    assert article_reports(article) == []


def one_event_briefing(articles: list[Article]) -> tuple[Briefing, dict[int, Article]]:
    by_id = {a.id: a for a in articles}
    event = make_event(1, articles, direction=0)
    plan = plan_briefing(TOPIC, [event], by_id, now=NOW, settings=SETTINGS)
    return write_extractive(plan, by_id, SETTINGS), by_id


def only_bullet(briefing: Briefing) -> Bullet:
    (section,) = briefing.sections
    return section.bullets[0]


def test_bullet_says_reports_differ_and_cites_both_sides() -> None:
    articles = reporting()
    by_id = {a.id: a for a in articles}
    written = write_version(TOPIC, [make_event(1, articles, 0)], by_id, now=NOW, settings=SETTINGS)
    document = written.briefing.to_json()
    bullet = document["sections"][0]["bullets"][0]
    assert bullet["text"].endswith(
        "Reports differ on the valuation of OpenAI: $150 billion (reuters.example, "
        "bloomberg.example) vs $157 billion (cnbc.example)."
    )
    assert {"a001", "a002", "a003"} <= set(bullet["citations"])
    assert bullet["conflicts"][0]["sides"][1]["citations"] == ["a003"]
    assert written.briefing.verification is not None
    assert written.briefing.verification.withheld == ()
    # The JSON record reads back into the same conflict.
    (conflict,) = only_bullet(written.briefing).conflicts
    assert Conflict.from_json(bullet["conflicts"][0]) == conflict


def test_verifier_withholds_a_side_its_citations_do_not_hold() -> None:
    draft, by_id = one_event_briefing(reporting())
    bullet = only_bullet(draft)
    (conflict,) = bullet.conflicts
    wrong = dataclasses.replace(conflict.sides[1], citations=("a001",))  # a001 says $150 billion
    tampered = dataclasses.replace(conflict, sides=(conflict.sides[0], wrong))
    base = bullet.text[: -len(conflict_note(bullet.conflicts)) - 1]
    plain = dataclasses.replace(bullet, text=base, conflicts=())
    bad = with_conflicts(plain, [tampered])
    verified, _ = verify_briefing(replace_bullet(draft, bad), by_id, redundancy_threshold=0.5)
    assert verified.verification is not None
    assert any(
        "conflict side $157 billion not in its cited source" in reason
        for reason in verified.verification.withheld
    )
    assert all(b.text != bad.text for s in verified.sections for b in s.bullets)


def test_verifier_withholds_a_note_that_misstates_its_record() -> None:
    draft, by_id = one_event_briefing(reporting())
    bullet = only_bullet(draft)
    edited = dataclasses.replace(bullet, text=bullet.text.replace("$157 billion", "$160 billion"))
    verified, _ = verify_briefing(replace_bullet(draft, edited), by_id, redundancy_threshold=0.5)
    assert verified.verification is not None
    assert any("does not match its record" in r for r in verified.verification.withheld)


def test_sides_that_do_not_differ_are_rejected() -> None:
    draft, by_id = one_event_briefing(reporting())
    bullet = only_bullet(draft)
    side = ConflictSide("$150 billion", 150e9, "USD", ("a001",), ("reuters.example",))
    same = Conflict("valuation", (side, side), "OpenAI")
    plain = dataclasses.replace(
        bullet, text=bullet.text[: -len(conflict_note(bullet.conflicts)) - 1], conflicts=()
    )
    fake = with_conflicts(plain, [same])
    verified, _ = verify_briefing(replace_bullet(draft, fake), by_id, redundancy_threshold=0.5)
    assert verified.verification is not None
    assert any("do not differ" in r for r in verified.verification.withheld)


def replace_bullet(briefing: Briefing, bullet: Bullet) -> Briefing:
    (section,) = briefing.sections
    return dataclasses.replace(
        briefing, sections=(dataclasses.replace(section, bullets=(bullet,)),)
    )


def test_llm_bullets_carry_the_conflict_of_their_event() -> None:
    """The model words the bullet's own sentence; the note on disagreeing sources, found in
    all the event's sources, is the engine's and is put back after the wording."""
    articles = reporting()
    by_id = {a.id: a for a in articles}
    event = make_event(1, articles, direction=0)
    with running_llm_server() as server:
        server.respond_with(rewording(lambda number, text: f"Reportedly, {text}"))
        llm = LLMSettings(
            enabled=True, base_url=server.base_url, model="test-model", timeout=2, max_retries=0
        )
        written = write_version(TOPIC, [event], by_id, now=NOW, settings=SETTINGS, llm=llm)
    asked = " ".join(text for r in server.requests for text in facts_of(r).values())
    assert "Reports differ" not in asked
    assert written.writer == "llm"
    bullet = only_bullet(written.briefing)
    assert bullet.text.startswith("Reportedly, ")
    assert bullet.text.endswith(f" {conflict_note(bullet.conflicts)}")
    assert bullet.conflicts[0].sides[1].citations == ("a003",)
    assert "a003" in bullet.citations
