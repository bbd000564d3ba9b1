"""Real corpus records for the text tests, keyed by URL (see data/README.md)."""

from __future__ import annotations

from typing import Any

import pytest

from .corpus import DATA, load_records


@pytest.fixture(scope="session")
def records() -> dict[str, dict[str, Any]]:
    return {record["url"]: record for record in load_records(DATA)}


@pytest.fixture(scope="session")
def corpus_text(records: dict[str, dict[str, Any]]) -> str:
    """All copied texts joined, to check that quoted test sentences are real."""
    return "\n".join(record["text"] for record in records.values())
