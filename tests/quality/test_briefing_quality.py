"""Briefing quality floors on the three bundled corpora, with the real model.

Each corpus is replayed into its own throwaway store with ``now`` at the end of its
period (the instants of `make demo-build`) and written, then measured by
``newspulse.evaluation.briefing`` — exactly what ``newspulse eval briefing --corpus``
runs.  Targets (issue 5): cited 100 %, supported >= 95 %, no redundant bullet pair,
no stale time reference, top-20 event coverage >= 80 %.  Coverage floors are the
measured values rounded down; lowering one needs a note in the change that does it.

What a reader sees (issue 10, ``evaluation.readability``): dangling openers <= 3 % of
statements, no article-relative time, no page scraps, at most two repeated-fact pairs, no
headline copied from a source, no single-word or name-pair section title, at most three
visible citation markers per statement, and the key facts of ``examples/facts`` (written
from the corpora by reading them, never from the output).  A topic defined by its
description alone, on a corpus nobody tuned it for, holds the same page floors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from newspulse.enrich.embed import Embedder
from newspulse.evaluation.briefing import BriefingReport
from newspulse.evaluation.briefing_run import CorpusRun, build_and_evaluate
from newspulse.evaluation.floors import Floors, missed_floors
from newspulse.evaluation.readability import read_fact_files
from newspulse.settings import Settings
from tests.conftest import CORPUS

FACTS = CORPUS.parent / "facts"

pytestmark = pytest.mark.slow

RUNS = {
    "ai-infra": dt.datetime(2026, 2, 27, tzinfo=dt.UTC),
    "crypto": dt.datetime(2025, 11, 30, tzinfo=dt.UTC),
    "sports": dt.datetime(2025, 11, 30, tzinfo=dt.UTC),
}
TOPICS = {
    "ai-infra": {"ai-infrastructure-funding", "ai-models-labs", "ai-policy-security"},
    "crypto": {"crypto-markets", "crypto-industry-regulation"},
    "sports": {"football", "championships-title-races"},
}
SUPPORTED_FLOOR = 95.0  # measured 100 on every topic (2026-12-06)
# Measured 2026-11-25 and again 2026-12-06 (`newspulse eval briefing --corpus ...`, see
# README): 90, 100, 100, 82, 100, 100, 100.  Each floor allows one top event fewer than measured.
COVERAGE_FLOOR = {
    "ai-infrastructure-funding": 90.0,  # 19/20
    # 7/8 since the writer refuses "Which means ..." (2026-12-07, session 17): one top event
    # (SambaNova against Nvidia) offers no sentence that stands alone, so it gets no bullet.
    "ai-models-labs": 87.0,
    "ai-policy-security": 75.0,  # 4/4
    "crypto-markets": 76.0,  # 14/17
    # 14/16 since issue 11's phrase routing (2026-12-07): the topic's events changed (16 top
    # events, was 18); crypto is held out of the routing's tuning, so the floor follows it.
    "crypto-industry-regulation": 87.0,
    "football": 87.0,  # 8/8
    "championships-title-races": 87.0,  # 8/8
}


@pytest.fixture(scope="module")
def reports(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder
) -> dict[str, dict[str, BriefingReport]]:
    folder: Path = tmp_path_factory.mktemp("briefing-quality")
    measured = {}
    facts = read_fact_files([FACTS])
    for name, now in RUNS.items():
        run = CorpusRun(CORPUS / name / "articles.jsonl", now)
        built = build_and_evaluate(run, folder, minilm, Settings(), facts=facts)
        measured[name] = {report.topic: report for report in built}
    return measured


def corpus_topics(
    reports: dict[str, dict[str, BriefingReport]],
) -> Iterator[tuple[str, BriefingReport]]:
    for name, topics in TOPICS.items():
        for topic in topics:
            yield name, reports[name][topic]


def test_each_corpus_writes_its_own_topics(reports: dict[str, dict[str, BriefingReport]]) -> None:
    for name, topics in TOPICS.items():
        assert topics <= set(reports[name]), name
        for topic in topics:
            report = reports[name][topic]
            assert report.headline
            assert report.version_date == RUNS[name].date()
            assert report.statements >= 5


def test_every_statement_is_cited(reports: dict[str, dict[str, BriefingReport]]) -> None:
    for name, report in corpus_topics(reports):
        assert report.cited_pct == 100.0, (name, report.topic)


def test_cited_statements_are_supported(reports: dict[str, dict[str, BriefingReport]]) -> None:
    for name, report in corpus_topics(reports):
        assert report.supported_pct >= SUPPORTED_FLOOR, (name, report.topic, report.unsupported)


def test_no_redundant_bullets(reports: dict[str, dict[str, BriefingReport]]) -> None:
    for name, report in corpus_topics(reports):
        assert report.redundant_pairs == (), (name, report.topic)


def test_no_stale_time_references(reports: dict[str, dict[str, BriefingReport]]) -> None:
    for name, report in corpus_topics(reports):
        assert report.stale_references == (), (name, report.stale_references)


def test_top_events_are_covered(reports: dict[str, dict[str, BriefingReport]]) -> None:
    for name, report in corpus_topics(reports):
        assert report.coverage_pct >= COVERAGE_FLOOR[report.topic], (name, report.topic)


# Key facts (issue 10 asks >= 80 % of each topic's facts file).  Measured 2026-12-07 with
# `newspulse eval briefing --corpus ... --facts examples/facts`: 90, 22, 44, 50, 82, 88, 60
# after issue 11's phrase routing; 90, 61, 69, 69, 82, 94, 70 after the vertical lift, event
# dates from stated dates, details for notable and big stories and the verifier's meaning
# rule.  What the four topics below 80 % still miss: details inside one chained event
# (crypto's Oct 10 crash and November outflows), stories routed mostly to a sibling topic
# (F1 and NFL/NBA facts now on formula-1 and us-leagues), sentence choice (Anthropic's $30B).
# 95, 94, 75 on the AI topics after slices of neighbours' events (write.scope), "The <noun> of
# <Name>" read as self-contained, sub-bullets that retell with descriptors left out and "AI"
# no longer a shared name; the AI policy page still misses facts whose events are routed to
# a neighbour from one outlet or not at all (distillation, PJM) or sit deep in a summit
# round-up (Tata, $250B pledges).
# 100, 100, 81, 81, 82, 94, 80 after sub-bullets that add an amount first, one more
# sub-bullet per three outlets beyond the first, "The summit, ..." told under a bullet naming
# the summit, and Notable no longer taking a section's biggest story.
# Each floor allows one fact fewer than measured, but never below the 80 %.
KEY_FACTS_FLOOR = {
    "ai-infrastructure-funding": 95.0,  # 20/20
    "ai-models-labs": 94.0,  # 18/18
    "ai-policy-security": 80.0,  # 13/16
    "crypto-markets": 80.0,  # 13/16
    "crypto-industry-regulation": 80.0,  # 14/17
    "football": 88.0,  # 16/17
    "championships-title-races": 80.0,  # 16/20
}
# Event titles ratchet to this stop's pages: one event each on the AI infrastructure and
# crypto markets pages has no member headline or lead sentence that reads as a headline
# ("Of course, this does not seem like ..."); ``eval briefing --check`` holds 0.
PAGE_FLOORS = Floors(key_facts_pct=0.0, bad_event_titles=1)


def test_pages_read_as_an_analyst_wrote_them(
    reports: dict[str, dict[str, BriefingReport]],
) -> None:
    for name, report in corpus_topics(reports):
        assert missed_floors(report, PAGE_FLOORS) == [], (name, report.topic)


def test_key_facts_are_on_the_page(reports: dict[str, dict[str, BriefingReport]]) -> None:
    for name, report in corpus_topics(reports):
        page = report.readability
        assert page is not None, (name, report.topic)
        assert page.facts_total >= 15, (name, report.topic)
        assert page.facts_pct is not None
        assert page.facts_pct >= KEY_FACTS_FLOOR[report.topic], (name, report.topic, page)


def test_the_ai_infrastructure_page_has_five_themes(
    reports: dict[str, dict[str, BriefingReport]],
) -> None:
    assert reports["ai-infra"]["ai-infrastructure-funding"].sections >= 5


# The operator's topic of issue 11, written as the README suggests: no include terms, no
# facets.  Nothing in the writer was chosen by looking at this topic's page.
DESCRIBED_ONLY = (
    '[[verticals]]\nslug = "sports"\nname = "Sports"\n\n'
    '[[topics]]\nslug = "the-big-games"\nvertical = "sports"\ntitle = "The Big Games"\n'
    'tagline = "Results and storylines of the season\'s major events"\n'
    'description = "Results and storylines of major events: NFL playoffs and the Super Bowl, '
    "college football, tennis majors, football leagues and continental cups, the NBA trade "
    'deadline, the Winter Olympics."\n'
)


def test_a_topic_defined_by_its_description_alone_holds_the_page_floors(
    tmp_path: Path, minilm: Embedder
) -> None:
    topics = tmp_path / "topics.toml"
    topics.write_text(DESCRIBED_ONLY, encoding="utf-8")
    run = CorpusRun(CORPUS / "sports" / "articles.jsonl", RUNS["sports"])
    settings = Settings(topics_file=str(topics))
    (report,) = build_and_evaluate(run, tmp_path, minilm, settings)
    assert report.topic == "the-big-games"
    assert report.statements >= 5
    assert report.sections >= 1
    assert missed_floors(report, PAGE_FLOORS) == [], report
