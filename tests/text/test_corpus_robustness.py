"""Every helper runs over whole real records without errors and keeps its invariants.

The main check uses the project's copied records (data/articles.jsonl); the
extended check reads the full corpora (examples/corpus, else ../shared/corpus)
and is skipped where neither is present.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newspulse.text import (
    estimate_published,
    figure_keys,
    find_figures,
    find_names,
    find_stale_time_references,
    is_clean_sentence,
    name_keys,
    number_tokens,
    shingles,
    split_sentences,
)

from .corpus import DATA, full_corpus, load_records

VERTICALS = ("ai-infra", "crypto", "sports")
NOW = dt.datetime(2026, 3, 15, 12, 0)


def check_record(record: dict[str, Any]) -> int:
    """Run every helper on one record; return how many sentences pass as bullets."""
    text: str = record["text"]
    flattened = " ".join(text.split())
    sentences = split_sentences(text)
    assert sentences, record["url"]
    for sentence in sentences:
        assert sentence == " ".join(sentence.split())
        assert sentence in flattened
    clean = sum(is_clean_sentence(sentence) for sentence in sentences)
    for figure in find_figures(text):
        assert figure.kind in {"money", "percent", "number"}
        assert figure.value >= 0
        assert figure.text in text
    for name in find_names(text):
        assert name.strip() == name
        assert name
    assert all(":" in key for key in figure_keys(text))
    assert all(key == key.lower() for key in name_keys(text))
    number_tokens(text)
    shingles(text)
    find_stale_time_references(text, as_of=NOW.date())
    estimate = estimate_published(text, record["url"], now=NOW)
    assert estimate is None or estimate[0] <= NOW.date()
    return clean


def test_copied_records_run_cleanly() -> None:
    records = load_records(DATA)
    assert len(records) == 18
    clean = sum(check_record(record) for record in records)
    assert clean > 100


@pytest.mark.parametrize("vertical", VERTICALS)
def test_whole_shared_corpus_runs_cleanly(vertical: str) -> None:
    path = full_corpus(vertical)
    if path is None:
        pytest.skip(f"no full {vertical} corpus in examples/corpus or ../shared/corpus")
    records = load_records(path)
    clean = sum(check_record(record) for record in records)
    assert clean > len(records)
