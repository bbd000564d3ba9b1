"""Shared fixtures: stores on SQLite and a real PostgreSQL, embedders, corpus paths."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from newspulse.enrich.embed import Embedder, HashingEmbedder, MiniLMEmbedder
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore
from tests.pgserver import postgres_bin_dir, running_postgres

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


def corpus_slice(name: str, count: int, tmp_path: Path) -> Path:
    """The first ``count`` records of a bundled corpus, as a new JSONL file."""
    lines = (CORPUS / name / "articles.jsonl").read_text("utf-8").splitlines()[:count]
    path = tmp_path / f"{name}-{count}.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def load_records(name: str) -> list[dict[str, object]]:
    text = (CORPUS / name / "articles.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=f"sqlite:///{tmp_path / 'test.db'}", embed={"model": "hashing"})


@pytest.fixture
def store(settings: Settings) -> Iterator[SqlStore]:
    store = SqlStore.open(settings.db)
    store.migrate()
    store.save_catalog(load_catalog())
    yield store
    store.close()


@pytest.fixture(scope="session")
def hashing_embedder() -> Embedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def minilm() -> Embedder:
    """The real bundled model: loaded once per test process."""
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if postgres_bin_dir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI (.ci/run installs it)")
        pytest.skip("PostgreSQL server binaries not installed")
    with running_postgres() as url:
        yield url
