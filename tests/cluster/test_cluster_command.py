"""`newspulse cluster FILE.jsonl --out OUT.jsonl` and the record handling behind it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from newspulse.cli import app
from newspulse.evaluation.records import ClusterRecord, read_cluster_records
from newspulse.evaluation.run import records_to_articles

runner = CliRunner()
HASHING = {"NEWSPULSE_EMBED__MODEL": "hashing"}
KERRY = (
    "President Trump on Monday slammed former Secretary of State John Kerry for reportedly "
    "working to save the Iran nuclear deal through shadow diplomacy with foreign leaders."
)
KERRY_AGAIN = (
    "Trump on Monday slammed former Secretary of State John Kerry for working to save the "
    "Iran nuclear deal, calling his talks with foreign leaders shadow diplomacy."
)
RYDER = (
    "Europe won the Ryder Cup 15-13 at Bethpage Black on Sunday after the United States "
    "mounted a fierce comeback in the singles matches on Long Island."
)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def record(record_id: object, title: str, text: str, **extra: object) -> str:
    return json.dumps({"id": record_id, "title": title, "text": text, **extra})


def run_cluster(source: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["cluster", str(source), "--out", str(out)], env=HASHING)
    return result.exit_code, result.output


def test_one_line_per_record_with_consistent_events(tmp_path: Path) -> None:
    source = write_lines(
        tmp_path / "in.jsonl",
        [
            record("a", "Trump slams Kerry", KERRY, published="2026-02-02"),
            record(7, "Ryder Cup", RYDER, published="2026-02-01T18:00:00Z", source="x.com"),
            "{not json",
            record("b", "Trump castigates Kerry", KERRY_AGAIN, published="2026-02-02T10:00:00"),
            json.dumps({"title": "no id", "text": RYDER}),
            record("copy", "Syndicated", KERRY),
            record("a", "repeated id", RYDER),
            record("c", "Ryder Cup", RYDER + " Captain Luke Donald cried.", published="someday"),
        ],
    )
    out = tmp_path / "out.jsonl"
    code, output = run_cluster(source, out)
    assert code == 0, output
    assert "line 3: invalid JSON" in output
    assert 'line 5: "id" must be a non-empty string or an integer (skipped)' in output
    assert "line 7: repeated id 'a' (skipped)" in output
    assert "line 8:" in output
    assert "(kept)" in output
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a", 7, "b", "copy", "c"]
    event = {line["id"]: line["event"] for line in lines}
    assert all(isinstance(value, int) for value in event.values())
    assert event["a"] == event["b"] == event["copy"]
    assert event[7] == event["c"] != event["a"]
    assert event["a"] == 1  # numbered by first appearance in the file


def test_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "bad.jsonl", ["[1, 2]", '{"id": true, "text": "x"}'])
    code, output = run_cluster(source, tmp_path / "out.jsonl")
    assert code == 1
    assert "line 1: not a JSON object" in output
    assert "no usable record" in output
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _ = run_cluster(tmp_path / "none.jsonl", tmp_path / "out.jsonl")
    assert code == 2


def test_published_order_with_undated_records_after_their_predecessor(tmp_path: Path) -> None:
    day = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    records = [
        ClusterRecord("undated-first", "t", "x"),
        ClusterRecord("late", "t", "x", published=day + dt.timedelta(days=2)),
        ClusterRecord("undated-after-late", "t", "x"),
        ClusterRecord("early", "t", "x", published=day),
    ]
    articles = records_to_articles(records)
    ordered = sorted(articles, key=lambda a: (a.published_at, a.id))
    # An undated record takes the time of the dated one before it (the first dated one at the
    # top of the file); equal times keep file order.
    assert [a.uid for a in ordered] == ["early", "undated-first", "late", "undated-after-late"]


def test_reader_parses_zones_and_dates(tmp_path: Path) -> None:
    source = write_lines(
        tmp_path / "in.jsonl",
        [
            record(1, "t", "x", published="2026-02-01"),
            record(2, "t", "x", published="2026-02-01T12:00:00+02:00"),
            record(3, "", "", published="2026-02-01"),
        ],
    )
    read = read_cluster_records(source)
    assert [r.published for r in read.records] == [
        dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC),
    ]
    assert [p.describe() for p in read.problems] == ['line 3: no "title" or "text" (skipped)']
