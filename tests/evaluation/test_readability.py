"""The reader's gauge fails pages built to fail each measure, and passes a clean one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newspulse.evaluation.briefing import evaluate_briefing
from newspulse.evaluation.floors import Floors, missed_floors
from newspulse.evaluation.readability import (
    FactsFileError,
    bad_section_title,
    evaluate_readability,
    read_facts,
)

CHINA_H200 = [
    "Chinese customs officials have blocked imports of Nvidia's H200 artificial intelligence "
    "chips, creating confusion for suppliers after the processors were cleared for export by "
    "the United States.",
    "Chinese customs authorities have told firms that Nvidia's H200 AI chips are not permitted "
    "to enter the country, according to sources familiar with the matter.",
    "China has effectively blocked imports of Nvidia's powerful H200 artificial intelligence "
    "chips, despite the processors having received clearance from the US government for export.",
]
META_NUCLEAR = [
    "Meta has signed three major nuclear energy agreements to fuel its new AI data center "
    "supercluster, Prometheus, in New Albany, Ohio.",
    "Meta's deals involve TerraPower, Oklo, and Vistra and are aimed at supporting the "
    "construction of the Prometheus AI data center in New Albany, Ohio.",
    "Reuters reported that the 20-year power purchase agreements cover three existing Vistra "
    "nuclear plants and advanced reactor projects with TerraPower and Oklo.",
    "Meta's agreements are with Vistra, Oklo, and TerraPower, reflecting Big Tech's growing "
    "reliance on nuclear power to meet rising AI energy demands.",
]
CLEAN_BULLETS = [
    "SoftBank agreed to buy DigitalBridge for about $4 billion in cash.",
    "Western Digital sold out its hard drives for 2026, backed by orders from seven clients.",
    "Alphabet plans $175 billion to $185 billion of capital spending in 2026.",
]


def page(bullets: list[str], **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "headline": "Alphabet plans record capital spending; Western Digital sells out",
        "updated_at": "2026-02-27T00:00:00Z",
        "lead": [],
        "sections": [
            {
                "title": "Memory and storage",
                "intro": [],
                "bullets": [{"text": t, "citations": ["a1"], "children": []} for t in bullets],
            }
        ],
        "notable": [],
        "implications": [],
        "summary": [],
        "sources": [{"id": "a1", "title": "SoftBank to buy DigitalBridge", "url": "u"}],
    }
    document.update(extra)
    return document


def test_a_clean_page_shows_no_fault() -> None:
    report = evaluate_readability(page(CLEAN_BULLETS))
    assert (report.dangling, report.relative_time, report.scraps) == ((), (), ())
    assert (report.fragments, report.repeated, report.bad_titles) == ((), (), ())
    assert report.copied_headline is None
    assert report.visible_markers_max == 1


def test_each_fault_is_counted_where_it_is() -> None:
    faulty = [
        "The deals are with Vistra, Oklo, and TerraPower, reflecting rising demand.",
        "The Japanese conglomerate will pay $16 per share in cash for DigitalBridge.",
        "Nvidia announced a planned investment of $100 billion in OpenAI last year.",
        "Beijing restricts access to boost domestic chipmakers in trade talks, News.",
        "Snail-speed superbrain, big-time drama.",
    ]
    report = evaluate_readability(page(faulty))
    assert [p for p, _ in report.dangling] == ["sections.0.bullets.0", "sections.0.bullets.1"]
    assert report.relative_time == (("sections.0.bullets.2", "last year"),)
    assert report.scraps == (("sections.0.bullets.3", ", News."),)
    assert report.fragments == (("sections.0.bullets.4", "no verb"),)


def test_the_same_fact_told_by_several_outlets_counts_as_repeated() -> None:
    report = evaluate_readability(page(CHINA_H200 + META_NUCLEAR + CLEAN_BULLETS))
    paired = {path for pair in report.repeated for path in pair}
    china = {f"sections.0.bullets.{i}" for i in range(3)}
    meta = {f"sections.0.bullets.{i}" for i in range(3, 7)}
    assert china <= paired
    assert meta <= paired
    assert not paired & {f"sections.0.bullets.{i}" for i in range(7, 10)}


def test_repeats_are_counted_across_lead_sections_and_summary() -> None:
    lead = [{"text": CLEAN_BULLETS[0], "citations": ["a1"]}]
    summary = [
        {"text": "SoftBank agreed to acquire DigitalBridge for $4 billion.", "citations": []}
    ]
    report = evaluate_readability(page(CLEAN_BULLETS, lead=lead, summary=summary))
    assert ("lead.0", "sections.0.bullets.0") in report.repeated
    assert ("lead.0", "summary.0") in report.repeated


def test_a_headline_copied_from_a_source_title_is_found() -> None:
    copied = page(CLEAN_BULLETS, headline="SoftBank to buy DigitalBridge")
    assert evaluate_readability(copied).copied_headline == "SoftBank to buy DigitalBridge"


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("PC", "single word"),
        ("SoftBank Group", "single name"),
        ("TerraPower and Vistra", "name pair"),
        ("DigitalBridge and SoftBank Group", "name pair"),
        ("Chip startup and Elon Musk", "name pair"),
        ("Memory and storage supply", None),
        ("Export controls and China", None),
        ("Power for data centers", None),
        ("Affected users", "not a noun phrase"),
        ("Slammed shut", "not a noun phrase"),
        ("Board behind", "not a noun phrase"),
        ("Centre investor and including debt", "not a noun phrase"),
        ("Capital spending and funding", None),
        ("Managers and sackings", None),
    ],
)
def test_section_titles(title: str, reason: str | None) -> None:
    assert bad_section_title(title) == reason


def test_citation_markers_are_counted_and_capped_for_display() -> None:
    runs = page(CLEAN_BULLETS)
    runs["sections"][0]["bullets"][0]["citations"] = [f"a{i}" for i in range(8)]
    report = evaluate_readability(runs)
    assert (report.markers_max, report.visible_markers_max) == (8, 3)


def test_key_facts_are_matched_per_statement(tmp_path: Path) -> None:
    facts_file = tmp_path / "topic.tsv"
    facts_file.write_text(
        "id\tdescription\tpattern\n"
        "softbank-digitalbridge\tSoftBank buys DigitalBridge\tsoftbank.{0,80}digitalbridge\n"
        "nvidia-groq\tNvidia buys Groq\tnvidia.{0,80}groq\n",
        encoding="utf-8",
    )
    report = evaluate_readability(page(CLEAN_BULLETS), facts=read_facts(facts_file))
    assert report.facts_covered == ("softbank-digitalbridge",)
    assert report.facts_missed == ("nvidia-groq",)
    assert report.facts_pct == 50.0


def test_a_broken_facts_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tdescription\tpattern\nx\ty\t(unclosed\n", encoding="utf-8")
    with pytest.raises(FactsFileError, match="bad pattern"):
        read_facts(bad)
    bad.write_text("name\tpattern\n", encoding="utf-8")
    with pytest.raises(FactsFileError, match="first line"):
        read_facts(bad)


def test_floors_fail_on_each_derived_figure() -> None:
    articles: dict[str, Any] = {}
    clean = evaluate_briefing(page(CLEAN_BULLETS), articles, [])
    # The cited article is unknown: supported falls, and the floor says so.
    assert clean.supported_pct < 95.0
    assert any(line.startswith("supported") for line in missed_floors(clean))
    faulty = page(
        [*CHINA_H200, "The deals closed last year, News."], headline="SoftBank to buy DigitalBridge"
    )
    faulty["sections"][0]["title"] = "PC"
    faulty["sections"][0]["bullets"][0]["citations"] = ["a1", "x", "y", "z"]
    missed = " | ".join(
        missed_floors(evaluate_briefing(faulty, articles, []), Floors(min_sections=5))
    )
    for floor in (
        "dangling openers", "article-relative time", "page scraps", "copied headline",
        "section titles", "sections < 5",
    ):  # fmt: skip
        assert floor in missed
    assert "repeated-fact pairs" in " | ".join(
        missed_floors(evaluate_briefing(page(CHINA_H200 + META_NUCLEAR), articles, []))
    )


def test_an_event_name_in_a_theme_title_is_no_person() -> None:
    assert bad_section_title("Baseball's postseason and World Series") is None
