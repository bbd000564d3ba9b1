"""Briefing quality floors on the three bundled corpora, with the real model.

Each corpus is replayed into its own throwaway store with ``now`` at the end of its
period (the instants of `make demo-build`) and written, then measured by
``newspulse.evaluation.briefing`` — exactly what ``newspulse eval briefing --corpus``
runs.  Targets (issue 5): cited 100 %, supported >= 95 %, no redundant bullet pair,
no stale time reference, top-20 event coverage >= 80 %.  Coverage floors are the
measured values rounded down; lowering one needs a note in the change that does it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from newspulse.enrich.embed import Embedder
from newspulse.evaluation.briefing import BriefingReport
from newspulse.evaluation.briefing_run import CorpusRun, build_and_evaluate
from newspulse.settings import Settings
from tests.conftest import CORPUS

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
    "ai-infrastructure-funding": 85.0,  # 18/20
    "ai-models-labs": 90.0,  # 11/11
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
    for name, now in RUNS.items():
        run = CorpusRun(CORPUS / name / "articles.jsonl", now)
        built = build_and_evaluate(run, folder, minilm, Settings())
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
