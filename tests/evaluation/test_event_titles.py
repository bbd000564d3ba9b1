"""The event-title gauge: each rule fails a title built to break it, and a clean page
passes; the report and ``--check`` floors carry the count."""

from __future__ import annotations

from typing import Any

import pytest

from newspulse.evaluation.event_titles import bad_event_titles, page_event_titles
from newspulse.text.title_rules import spellings, title_problem

TEXT = (
    "Intel is in talks to buy SambaNova for $350 million. SoftBank agreed to buy "
    "DigitalBridge for $4 billion, and PJM capacity costs rose 35% as Western Digital "
    "sold out. MatX raised $500 million."
)
NAMES = spellings([TEXT])


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Sambanovas second life a 350 million bet that intel cant build alone", "slug"),
        ("Softbank is buying digitalbridge for dollar4 billion", "slug: money"),
        ("Pjm s capacity costs hit record grid falls short supply", "slug: punctuation"),
        ("Musks xai just raised 20 billion heres what its fo", "slug: apostrophe"),
        ("Nvidia hits revenue records as ai driven data center demand surges", "slug"),
        ("Western digital has already sold out of all hard drives", "slug: lower-cased"),
        ("Matx secures $500 million", "slug: miscased"),
        ("Memory maker stock surges 35 on shortage windfall", "slug: percent"),
        ("Bitcoin hits all time high above 125000 as shorts are liquidated", "slug: punct"),
        ("Samsung posts record operating profit in the quarter ending with", "cut off"),
        (
            "Artificial intelligence chip maker Cerebras Systems announced this week that "
            "it has raised $1 billion in new capital at ...",
            "body sentence: cut off",
        ),
        (
            "Chip maker Cerebras Systems announced this week that it has raised $1 billion",
            "body sentence: reported speech",
        ),
        ("Of course, this does not seem like the best time to build a PC", "connective"),
        ("The company expects record revenue in the coming quarter.", "full stop"),
        (
            "Executives from several of the largest chip companies gathered in the capital "
            "for a summit on export rules and supply chains",
            "too long",
        ),
        ("February 26, 2026 /SemiMedia/ \u2014 SK hynix teams up with SanDisk", "dateline"),
        ("LONDON, Dec 11 (Reuters) - Oracle debt insurance costs jump", "dateline"),
        ("[FCE] Anthropic raises $30bn in latest round", "outlet tag"),
        ("Snail-speed superbrain, big-time drama", "teaser"),
    ],
)
def test_each_rule_fails_a_title_built_to_break_it(title: str, reason: str) -> None:
    found = title_problem(title, NAMES)
    assert found is not None
    assert reason in found, found


@pytest.mark.parametrize(
    "title",
    [
        "SoftBank agrees to buy DigitalBridge for $4 billion",
        "Intel takes a big step in its SambaNova acquisition",
        "Etched is betting one chip on transformers and nothing else",
        "China blocks Nvidia\u2019s H200 AI chips at customs amid US-China tensions",
        "Why Won't Europe Build AI Data Centers in Iceland?",
        "MatX raises $500M for new LLM chip",
    ],
)
def test_real_headlines_pass(title: str) -> None:
    assert title_problem(title, NAMES) is None


def document(*sources: dict[str, Any]) -> dict[str, Any]:
    return {"sources": list(sources)}


def test_the_page_heading_is_the_stored_event_title_else_the_first_source_title() -> None:
    old = document(
        {"id": "a", "event_id": 1, "title": "Matx secures 500 million"},
        {"id": "b", "event_id": 1, "title": "MatX raises $500M for new LLM chip"},
    )
    assert page_event_titles(old) == {1: "Matx secures 500 million"}
    new = document({"id": "a", "event_id": 1, "title": "x", "event_title": "MatX raises $500M"})
    assert page_event_titles(new) == {1: "MatX raises $500M"}


def test_headings_and_event_page_labels_are_judged_once_each() -> None:
    page = document(
        {"id": "a", "event_id": 1, "title": "Matx secures 500 million"},
        {"id": "b", "event_id": 2, "title": "SoftBank agrees to buy DigitalBridge for $4 billion"},
    )
    labels = {1: "Matx secures 500 million", 2: "Softbank is buying digitalbridge for dollar4"}
    bad = bad_event_titles(page, {"a": TEXT, "b": TEXT}, labels)
    assert [title for title, _ in bad] == [
        "Matx secures 500 million",
        "Softbank is buying digitalbridge for dollar4",
    ]
    clean = document({"id": "b", "event_id": 2, "title": "SoftBank agrees to buy DigitalBridge"})
    assert bad_event_titles(clean, {"b": TEXT}, {2: "SoftBank agrees to buy DigitalBridge"}) == ()


def test_the_report_and_its_floor_carry_bad_event_titles() -> None:
    from newspulse.evaluation.briefing import SourceText, evaluate_briefing
    from newspulse.evaluation.floors import missed_floors

    doc: dict[str, Any] = {
        "updated_at": "2026-02-27T00:00:00Z",
        "headline": "SoftBank buys DigitalBridge",
        "lead": [
            {"text": "SoftBank agreed to buy DigitalBridge for $4 billion.", "citations": ["a"]}
        ],
        "sections": [],
        "sources": [
            {"id": "a", "event_id": 7, "title": "Softbank is buying digitalbridge for dollar4"}
        ],
    }
    articles = {"a": SourceText("a", "Softbank is buying digitalbridge for dollar4", TEXT)}
    report = evaluate_briefing(doc, articles, [])
    assert report.event_titles == 1
    assert report.to_json()["bad_event_titles"] == [
        ["Softbank is buying digitalbridge for dollar4", "slug: money as a word"]
    ]
    assert any(line.startswith("bad event titles 1 > 0") for line in missed_floors(report))
    doc["sources"][0]["event_title"] = "SoftBank agrees to buy DigitalBridge for $4 billion"
    fixed = evaluate_briefing(doc, articles, [])
    assert fixed.bad_event_titles == ()
    assert not any("event titles" in line for line in missed_floors(fixed))
