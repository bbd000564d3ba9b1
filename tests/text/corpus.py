"""Reading corpus records (JSONL, one article a line) for the text tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "articles.jsonl"
# The full corpora: the copy bundled with the project, else the shared one beside the checkout.
FULL_CORPUS_DIRS = (ROOT / "examples" / "corpus", ROOT.parent / "shared" / "corpus")


def load_records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def full_corpus(vertical: str) -> Path | None:
    """The full ``articles.jsonl`` of ``vertical``, or None where no copy is present."""
    for directory in FULL_CORPUS_DIRS:
        path = directory / vertical / "articles.jsonl"
        if path.exists():
            return path
    return None
