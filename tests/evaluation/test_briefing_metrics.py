"""The briefing measures on hand-made documents: each one can fail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newspulse.evaluation.briefing import (
    EvalConfig,
    EventRef,
    SourceText,
    evaluate_briefing,
    period_end,
    stale_phrases,
    top_events,
)
from newspulse.evaluation.statements import iter_statements

VERSION = "2026-02-27T00:00:00Z"
ARTICLES = {
    "a1": SourceText(
        "a1",
        "Acme raises $2 billion",
        "Acme Cloud raised $2 billion from Big Fund on Monday. It plans 12 data centres.",
    ),
    "a2": SourceText(
        "a2", "Zeta buys chips", "Zeta Labs agreed to buy 40,000 GPUs from Nvidia for 30% less."
    ),
    "a3": SourceText("a3", "Omega opens office", "Omega Robotics opened an office in Lisbon."),
}


def source(uid: str, published: str = "2026-02-20T00:00:00Z") -> dict[str, Any]:
    return {"id": uid, "url": f"https://example.org/{uid}", "title": uid, "source": uid,
            "published_at": published, "event_id": None, "date_estimated": False}  # fmt: skip


def bullet(
    text: str, *cites: str, as_of: str | None = "2026-02-20", **extra: Any
) -> dict[str, Any]:
    return {"text": text, "citations": list(cites), "children": extra.get("children", []),
            "event_id": None, "as_of": as_of}  # fmt: skip


def document(*section_bullets: dict[str, Any], **parts: Any) -> dict[str, Any]:
    return {
        "topic": {"slug": "demo"},
        "version": 3,
        "updated_at": VERSION,
        "headline": parts.get("headline", "Acme raises money"),
        "lead": parts.get("lead", [{"text": "Acme Cloud raised $2 billion.", "citations": ["a1"]}]),
        "sections": [{"title": "Money", "intro": [], "bullets": list(section_bullets)}],
        "notable": parts.get("notable", []),
        "implications": [],
        "summary": [],
        "sources": parts.get("sources", [source("a1"), source("a2"), source("a3")]),
    }


CLEAN = document(
    bullet("Acme Cloud raised $2 billion from Big Fund on Monday.", "a1",
           children=[bullet("It plans 12 data centres.", "a1", as_of=None)]),
    bullet("Zeta Labs agreed to buy 40,000 GPUs from Nvidia.", "a2"),
)  # fmt: skip


def event(number: int, sources: int, *uids: str, size: int = 1, day: int = 1) -> EventRef:
    last = dt.datetime(2026, 2, day, tzinfo=dt.UTC)
    return EventRef(number, sources, size, last, frozenset(uids))


def test_a_clean_document_meets_every_target() -> None:
    report = evaluate_briefing(CLEAN, ARTICLES, [event(1, 3, "a1"), event(2, 2, "a2")])
    assert (report.statements, report.cited, report.supported) == (4, 4, 4)
    assert report.cited_pct == report.supported_pct == report.coverage_pct == 100.0
    assert report.redundant_pairs == report.stale_references == ()
    assert report.headline
    assert report.sections == 1
    assert report.version_date == dt.date(2026, 2, 27)


def test_statement_paths_follow_the_citations_table_scheme() -> None:
    paths = [s.path for s in iter_statements(CLEAN)]
    assert paths == [
        "lead.0",
        "sections.0.bullets.0",
        "sections.0.bullets.0.children.0",
        "sections.0.bullets.1",
    ]


def test_timeline_lines_are_statements_without_stored_support_scores() -> None:
    dated = {**CLEAN, "timeline": [
        {"date": "2026-02-16", "text": "Acme Cloud raises $2 billion", "citations": ["a1"]},
        {"date": "2026-02-18", "text": "Zeta Labs buys 50,000 GPUs", "citations": ["a2"]},
    ]}  # fmt: skip
    scores = {s.path: [1.0] for s in iter_statements(CLEAN)}
    report = evaluate_briefing(dated, ARTICLES, [], support_scores=scores)
    assert (report.statements, report.cited, report.supported) == (6, 6, 5)
    assert report.unsupported == (("timeline.1", "numbers not in cited sources: 50000"),)


def test_uncited_statements_and_unknown_sources_lower_cited_share() -> None:
    uncited = document(bullet("Acme Cloud raised $2 billion.", as_of=None),
                       bullet("Zeta Labs agreed to buy GPUs.", "ghost"))  # fmt: skip
    report = evaluate_briefing(uncited, ARTICLES, [])
    assert (report.statements, report.cited) == (3, 1)
    assert report.cited_pct == pytest.approx(100 / 3)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Acme Cloud raised $3 billion.", "numbers not in cited sources: USD:3000000000"),
        ("Acme Cloud plans 14 data centres.", "numbers not in cited sources: 14"),
        ("Acme Cloud raised money from Softbank.", "names not in cited sources: softbank"),
    ],
)  # fmt: skip
def test_a_figure_number_or_name_missing_from_the_cited_source_is_unsupported(
    text: str, reason: str
) -> None:
    report = evaluate_briefing(document(bullet(text, "a1")), ARTICLES, [])
    assert report.cited == 2
    assert report.supported == 1
    assert report.unsupported == (("sections.0.bullets.0", reason),)


def test_a_fact_from_another_article_than_the_cited_one_is_unsupported() -> None:
    report = evaluate_briefing(
        document(bullet("Zeta Labs bought 40,000 GPUs.", "a1")), ARTICLES, []
    )
    assert report.supported == 1
    assert report.unsupported[0][1].startswith("numbers not in cited sources")


def test_stored_support_scores_below_the_floor_make_a_statement_unsupported() -> None:
    scores = {"lead.0": [1.0], "sections.0.bullets.0": [0.2, 0.4]}
    report = evaluate_briefing(
        document(bullet("Acme Cloud raised $2 billion.", "a1")), ARTICLES, [], support_scores=scores
    )
    assert report.unsupported == (("sections.0.bullets.0", "best stored support score 0.40 < 0.5"),)
    missing = evaluate_briefing(document(), ARTICLES, [], support_scores={})
    assert missing.supported == 0


def test_a_cited_article_whose_text_is_missing_is_unsupported() -> None:
    report = evaluate_briefing(CLEAN, {}, [])
    assert report.supported == 0
    assert {reason for _, reason in report.unsupported} == {"cited articles not found"}


def test_near_identical_bullets_are_a_redundant_pair() -> None:
    repeated = document(
        bullet("Acme Cloud raised $2 billion from Big Fund on Monday.", "a1"),
        bullet("On Monday, Acme Cloud raised $2 billion from Big Fund!", "a1"),
    )
    assert len(evaluate_briefing(repeated, ARTICLES, []).redundant_pairs) == 1


def test_the_same_amount_about_two_ai_companies_is_no_redundant_pair() -> None:
    two_deals = document(
        bullet("Acme, an AI lab, closed a $2 billion Series E led by Big Fund.", "a1"),
        notable=[bullet("Beta agreed to buy AI chip startup Gamma for $2 billion.", "a1")],
    )
    assert evaluate_briefing(two_deals, ARTICLES, []).redundant_pairs == ()


def test_the_same_amount_about_the_same_name_is_a_redundant_pair() -> None:
    restated = document(
        bullet("Acme Cloud raised $2 billion from Big Fund on Monday.", "a1"),
        notable=[bullet("Investors handed Acme Cloud a $2bn round.", "a1")],
    )
    pairs = evaluate_briefing(restated, ARTICLES, []).redundant_pairs
    assert pairs == (
        (
            "Acme Cloud raised $2 billion from Big Fund on Monday.",
            "Investors handed Acme Cloud a $2bn round.",
        ),
    )


def test_different_facts_about_one_company_are_not_redundant() -> None:
    distinct = document(
        bullet("Acme Cloud raised $2 billion from Big Fund on Monday.", "a1"),
        bullet("Acme Cloud plans 12 data centres.", "a1"),
    )
    assert evaluate_briefing(distinct, ARTICLES, []).redundant_pairs == ()


@pytest.mark.parametrize(
    ("text", "as_of", "stale"),
    [
        ("Acme is, as of mid-2024, the largest lab.", None, ["as of mid-2024"]),
        ("As of March 3, 2024 Acme leads.", None, ["As of March 3, 2024"]),
        ("Sales this year (2024) doubled.", None, ["this year (2024)"]),
        ("Acme leads so far in 2024.", None, ["so far in 2024"]),
        ("Acme leads as of December 2025.", None, []),
        ("Acme was founded in 2019.", None, []),
        ("Acme doubled sales last year.", dt.date(2025, 6, 1), ["last year"]),
        ("Acme doubled sales last year.", dt.date(2026, 1, 5), []),
        ("Acme announced the deal today.", dt.date(2025, 12, 1), ["today"]),
        ("Acme announced the deal today.", dt.date(2026, 2, 25), []),
        ("Acme said this month it would hire.", dt.date(2026, 1, 30), ["this month"]),
    ],
)
def test_stale_time_references(text: str, as_of: dt.date | None, stale: list[str]) -> None:
    assert (
        stale_phrases(text, version_date=dt.date(2026, 2, 27), as_of=as_of, stale_days=365) == stale
    )


def test_stale_references_use_the_newest_cited_source_when_a_statement_has_no_as_of() -> None:
    old = document(
        bullet("Acme Cloud raised $2 billion from Big Fund last year.", "a1", as_of=None),
        sources=[source("a1", "2025-03-01T00:00:00Z"), source("a2"), source("a3")],
    )
    assert evaluate_briefing(old, ARTICLES, []).stale_references == (
        ("sections.0.bullets.0", "last year"),
    )


def test_a_timeline_line_is_read_against_its_own_date() -> None:
    old = [source("a1", "2025-10-03T00:00:00Z"), source("a2"), source("a3")]
    line = {
        "date": "2025-10-03",
        "text": "Acme Cloud raised $2 billion this week",
        "citations": ["a1"],
    }
    dated = {**document(sources=old), "timeline": [line]}
    assert evaluate_briefing(dated, ARTICLES, []).stale_references == ()
    undated = {**document(sources=old), "timeline": [{**line, "date": "2026-02-20"}]}
    stale = evaluate_briefing(undated, ARTICLES, []).stale_references
    assert stale == (("timeline.0", "this week"),)


def test_period_ends() -> None:
    assert period_end("mid", 2024) == dt.date(2024, 8, 31)
    assert period_end("March", 2024) == dt.date(2024, 3, 31)
    assert period_end(None, 2024) == dt.date(2024, 12, 31)
    assert period_end("Q1", 2025) == dt.date(2025, 3, 31)


def test_coverage_counts_the_top_events_by_distinct_sources_that_are_cited() -> None:
    events = [event(1, 5, "a1"), event(2, 4, "zz"), event(3, 3, "a2"), event(4, 1, "a3")]
    report = evaluate_briefing(CLEAN, ARTICLES, events, config=EvalConfig(top_k=3))
    assert (report.top_events, report.covered_events) == (3, 2)
    assert report.coverage_pct == pytest.approx(200 / 3)


def test_top_events_break_ties_by_size_then_recency() -> None:
    events = [event(1, 2, size=2, day=1), event(2, 2, size=3, day=1), event(3, 2, size=2, day=9)]
    assert [e.id for e in top_events(events, 2)] == [2, 3]


def test_a_date_anchored_from_the_cited_article_counts_as_sourced() -> None:
    dated = {
        **ARTICLES,
        "a3": SourceText(
            "a3", "Omega opens office", "Omega Robotics opened an office in Lisbon today.",
            published=dt.date(2026, 2, 20),
        )
    }  # fmt: skip
    anchored = document(bullet("Omega Robotics opened an office in Lisbon on 20 Feb 2026.", "a3"))
    assert evaluate_briefing(anchored, dated, []).unsupported == ()
    wrong_day = document(bullet("Omega Robotics opened an office in Lisbon on 26 Feb 2026.", "a3"))
    report = evaluate_briefing(wrong_day, dated, [])
    assert report.unsupported == (("sections.0.bullets.0", "numbers not in cited sources: 26"),)


def test_a_weekday_written_with_its_date_counts_as_sourced() -> None:
    dated = {
        **ARTICLES,
        "a3": SourceText(
            "a3", "Omega opens office", "Omega Robotics opened an office in Lisbon on Thursday.",
            published=dt.date(2026, 2, 21),
        )
    }  # fmt: skip
    anchored = document(
        bullet("Omega Robotics opened an office in Lisbon on Thursday 19 Feb.", "a3")
    )
    assert evaluate_briefing(anchored, dated, []).unsupported == ()
    wrong_day = document(
        bullet("Omega Robotics opened an office in Lisbon on Thursday 18 Feb.", "a3")
    )
    assert evaluate_briefing(wrong_day, dated, []).unsupported == (
        ("sections.0.bullets.0", "numbers not in cited sources: 18"),
    )
