"""`newspulse eval briefing` and `newspulse eval summaries` as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from newspulse.cli import app
from newspulse.enrich.embed import Embedder
from newspulse.evaluation.briefing import iter_statements
from newspulse.pipeline import replay, update_briefings
from newspulse.settings import Settings
from newspulse.store import tables as t
from newspulse.store.sql import SqlStore
from tests.conftest import DATA, corpus_slice

runner = CliRunner()
HASHING = {"NEWSPULSE_EMBED__MODEL": "hashing"}
NOW = "2025-11-30T00:00:00Z"
REPORT_KEYS = {
    "corpus", "topic", "version", "version_date", "headline", "sections", "statements", "cited",
    "cited_pct", "supported", "supported_pct", "redundant_pairs", "stale_references",
    "top_events", "covered_events", "coverage_pct", "unsupported",
    "dangling_openers", "dangling_pct", "relative_time", "scraps", "headline_fragments",
    "repeated_facts", "copied_headline", "bad_section_titles", "markers_max", "markers_mean",
    "visible_markers_max", "key_facts_total", "key_facts_covered", "key_facts_missed",
    "key_facts_pct", "event_titles", "bad_event_titles",
}  # fmt: skip


def built_store(store: SqlStore, settings: Settings, embedder: Embedder, tmp_path: Path) -> None:
    now = dt.datetime(2025, 11, 30, tzinfo=dt.UTC)
    replay(store, corpus_slice("sports", 60, tmp_path), embedder, now=now, settings=settings)
    update_briefings(store, now=now, settings=settings)


def test_eval_briefing_measures_the_latest_versions_of_a_store(
    store: SqlStore, settings: Settings, hashing_embedder: Embedder, tmp_path: Path
) -> None:
    built_store(store, settings, hashing_embedder, tmp_path)
    result = runner.invoke(app, ["eval", "briefing", "--db", settings.db], env=HASHING)
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.split()[:4] == ["corpus", "topic", "ver", "date"]
    written = [t.slug for t in store.list_topics() if store.latest_version(t.slug)]
    assert written
    assert sorted(row.split()[1] for row in rows) == sorted(written)

    as_json = runner.invoke(app, ["eval", "briefing", "--db", settings.db, "--json"], env=HASHING)
    reports = json.loads(as_json.stdout)
    assert {r["topic"] for r in reports} == set(written)
    assert all(set(r) == REPORT_KEYS for r in reports)
    assert all(r["cited_pct"] == 100.0 for r in reports)


def test_citation_paths_stored_by_the_writer_are_the_statements_measured(
    store: SqlStore, settings: Settings, hashing_embedder: Embedder, tmp_path: Path
) -> None:
    """The supported measure reads stored support scores by path: the schemes must agree."""
    built_store(store, settings, hashing_embedder, tmp_path)
    checked = 0
    for topic in store.list_topics():
        version = store.latest_version(topic.slug)
        if version is None:
            continue
        query = select(t.citations.c.statement_path).where(t.citations.c.version_id == version.id)
        with store.engine.connect() as connection:
            stored = set(connection.execute(query).scalars())
        measured = {s.path for s in iter_statements(version.document) if s.scored}
        assert stored == measured, topic.slug
        checked += 1
    assert checked


def test_eval_briefing_replays_corpus_files_into_throwaway_stores(tmp_path: Path) -> None:
    corpus = corpus_slice("crypto", 60, tmp_path)
    keep = tmp_path / "stores"
    args = ["eval", "briefing", "--corpus", str(corpus), "--now", NOW, "--keep", str(keep)]
    result = runner.invoke(app, [*args, "--json"], env=HASHING)
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert reports
    assert all(r["corpus"] == tmp_path.name and r["version_date"] == "2025-11-30" for r in reports)
    assert all(r["statements"] >= r["cited"] >= r["supported"] for r in reports)
    assert list(keep.glob("*.db"))


def test_eval_briefing_needs_one_now_per_corpus(tmp_path: Path) -> None:
    corpus = corpus_slice("crypto", 5, tmp_path)
    result = runner.invoke(app, ["eval", "briefing", "--corpus", str(corpus)], env=HASHING)
    assert result.exit_code == 2
    assert "give one --now per --corpus" in result.output


def test_eval_briefing_on_a_store_without_versions_says_so(
    store: SqlStore, settings: Settings
) -> None:
    result = runner.invoke(app, ["eval", "briefing", "--db", settings.db], env=HASHING)
    assert result.exit_code == 2
    assert "no topic has a briefing version" in result.output


def test_eval_summaries_prints_the_writer_beside_lead_baselines() -> None:
    result = runner.invoke(app, ["eval", "summaries", str(DATA / "neus")])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert {(row[0], row[1]) for row in rows} == {
        (split, system) for split in ("all", "val") for system in ("extractive", "lead-1", "lead-3")
    }
    assert all(row[2] == "20" for row in rows)


def test_eval_summaries_rejects_a_malformed_story_file(tmp_path: Path) -> None:
    bad = tmp_path / "stories.jsonl"
    bad.write_text('{"split": "val", "cluster_id": "x"}\n', "utf-8")
    result = runner.invoke(app, ["eval", "summaries", str(bad)])
    assert result.exit_code != 0
    assert "line 1 is not a story record" in str(result.exception)
