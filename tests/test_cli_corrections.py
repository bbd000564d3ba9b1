"""`newspulse corrections add/list`, and the next `update` honouring a correction."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newspulse.cli import app
from newspulse.store.sql import SqlStore
from tests.conftest import corpus_slice

runner = CliRunner()
NOW = "2025-11-30T00:00:00Z"
ENV = {"NEWSPULSE_EMBED__MODEL": "hashing"}


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args), env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


def test_correction_is_listed_and_the_next_version_honours_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    invoke("init", "--db", db)
    invoke("replay", str(corpus_slice("sports", 40, tmp_path)), "--now", NOW, "--db", db)
    invoke("update", "--now", NOW, "--db", db)
    store = SqlStore.open(db)
    topic, first = next(
        (t.slug, v) for t in store.list_topics() if (v := store.latest_version(t.slug))
    )
    cited = first.document["sources"][0]
    found = store.article_routing(cited["url"])
    assert found is not None
    article_id = found[0].id
    assert "unchanged" in invoke("update", "--now", NOW, "--topic", topic, "--db", db)

    output = invoke(
        "corrections", "add", topic, "The  score was 2-1,\nnot 3-1.", "--article",
        str(article_id), "--now", NOW, "--db", db,
    )  # fmt: skip
    assert f"recorded for {topic}" in output
    listed = invoke("corrections", "list", topic, "--json", "--db", db)
    record = json.loads(listed.splitlines()[0])
    assert record["text"] == "The score was 2-1, not 3-1."
    assert record["article_id"] == article_id
    assert "The score was 2-1, not 3-1. (article" in invoke(
        "corrections", "list", topic, "--db", db
    )

    # Same events, same clock: only the correction makes this a new version.
    assert f"{topic}: written v{first.version + 1}" in invoke(
        "update", "--now", NOW, "--topic", topic, "--db", db
    )
    second = store.latest_version(topic)
    assert second is not None
    assert second.document["corrections"][0]["text"] == "The score was 2-1, not 3-1."
    assert cited["id"] not in {source["id"] for source in second.document["sources"]}
    assert "unchanged" in invoke("update", "--now", NOW, "--topic", topic, "--db", db)
    store.close()


def test_bad_corrections_are_clear_errors(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    invoke("init", "--db", db)
    for args, message in (
        (("add", "no-such-topic", "text"), "no such topic"),
        (("add", "football", "text", "--article", "99999"), "no such article"),
        (("add", "football", "   "), "empty"),
        (("list", "no-such-topic"), "no such topic"),
    ):
        result = runner.invoke(app, ["corrections", *args, "--db", db], env=ENV)
        assert result.exit_code != 0
        assert message in (result.output + str(result.exception))
    assert invoke("corrections", "list", "football", "--db", db) == ""
