"""Corpus input refused well: one bad line is a reported problem, never an abort or a repr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newspulse.errors import CorpusError
from newspulse.ingest.corpus import read_corpus

GOOD = {"url": "https://example.org/a", "text": "Some text.", "title": "A title"}


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(data)
    return path


def line(record: object) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def test_deeply_nested_json_is_one_problem_and_valid_lines_are_kept(tmp_path: Path) -> None:
    nested = b"[" * 200_000 + b"]" * 200_000 + b"\n"
    path = write(tmp_path, line(GOOD) + nested + line(dict(GOOD, url="https://example.org/b")))
    read = read_corpus(path)
    assert [e.url for e in read.entries] == ["https://example.org/a", "https://example.org/b"]
    (problem,) = read.problems
    assert problem.line == 2


@pytest.mark.parametrize("field", ["title", "source", "author", "language"])
def test_wrong_types_are_problems_not_reprs(tmp_path: Path, field: str) -> None:
    path = write(tmp_path, line(GOOD) + line(dict(GOOD, **{field: ["a", "list"]})))
    read = read_corpus(path)
    assert len(read.entries) == 1
    (problem,) = read.problems
    assert (problem.line, field in problem.reason) == (2, True)


def test_non_utf8_lines_are_problems_not_replaced(tmp_path: Path) -> None:
    bad = line(dict(GOOD, title="caf\u00e9")).replace("é".encode(), b"\xe9")
    read = read_corpus(write(tmp_path, line(GOOD) + bad))
    assert len(read.entries) == 1
    (problem,) = read.problems
    assert problem.line == 2
    assert "UTF-8" in problem.reason


def test_a_byte_order_mark_does_not_skip_line_one(tmp_path: Path) -> None:
    read = read_corpus(write(tmp_path, b"\xef\xbb\xbf" + line(GOOD)))
    assert [e.url for e in read.entries] == [GOOD["url"]]
    assert not read.problems


def test_binary_garbage_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no valid record"):
        read_corpus(write(tmp_path, bytes(range(256)) * 100))


def test_an_empty_file_is_no_error(tmp_path: Path) -> None:
    read = read_corpus(write(tmp_path, b"\n\n"))
    assert (read.entries, read.problems) == ((), ())
