from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newspulse.errors import CorpusError
from newspulse.ingest.corpus import parse_published, read_corpus
from tests.conftest import CORPUS


def test_reads_every_bundled_corpus_record() -> None:
    for name, count in (("ai-infra", 288), ("crypto", 120), ("sports", 129)):
        result = read_corpus(CORPUS / name / "articles.jsonl")
        assert len(result.entries) == count
        assert result.problems == ()
        assert all(e.url.startswith("http") and e.text for e in result.entries)


def test_real_record_fields() -> None:
    result = read_corpus(CORPUS / "ai-infra" / "articles.jsonl")
    first = result.entries[0]
    assert first.source == "ai-market-watch.com"
    assert first.title_derived  # title_from = slug
    assert first.published_at is None
    dated = [e for e in result.entries if e.published_at is not None]
    assert len(dated) == 102


def test_bad_lines_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"url": "https://a.example/1", "source": "a.example", "title": "T", "text": "Body",'
        ' "published": null}\n'
        "{broken json\n"
        "[1, 2]\n"
        '{"url": "https://a.example/2", "title": "no text"}\n'
        '{"url": "https://a.example/3", "text": "x", "published": "yesterday"}\n'
        "\n",
        "utf-8",
    )
    result = read_corpus(path)
    assert [e.url for e in result.entries] == ["https://a.example/1"]
    assert [p.line for p in result.problems] == [2, 3, 4, 5]
    assert "invalid JSON" in result.problems[0].reason


def test_missing_file_is_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="cannot open corpus"):
        read_corpus(tmp_path / "absent.jsonl")


def test_parse_published() -> None:
    assert parse_published("2026-02-24") == dt.datetime(2026, 2, 24, 12, tzinfo=dt.UTC)
    assert parse_published("2026-02-24T08:00:00Z") == dt.datetime(2026, 2, 24, 8, tzinfo=dt.UTC)
    assert parse_published(None) is None
