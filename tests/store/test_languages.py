"""Migration 0009 on both backends: declared languages move aside, every row waits for
its language to be read from its words, and the enrich pass reads it (issue 11, item 2)."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import text

from newspulse.domain import DatedEntry, DateSource, Entry
from newspulse.enrich.embed import HashingEmbedder
from newspulse.pipeline import enrich_pending
from newspulse.store.base import NewArticle
from newspulse.store.migrate import alembic_config
from newspulse.store.sql import SqlStore

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
ENGLISH = (
    "Nvidia agreed to buy the chip designer for twenty billion dollars, the companies said "
    "on Monday, in the largest deal the company has made."
)
CHINESE = "英伟达周一表示，公司同意以两百亿美元收购这家芯片设计公司，这是该公司迄今最大的一笔交易。"  # noqa: RUF001 (Chinese punctuation)


def new_article(
    url: str, body: str, *, declared: str | None, copy_of: str | None = None
) -> NewArticle:
    entry = Entry(
        url=url,
        source="example.com",
        title="Chip deal",
        text=body,
        published_at=NOW,
        language=declared,
    )
    dated = DatedEntry(entry, url, NOW, DateSource.FEED, NOW)
    return NewArticle(
        dated, uid=url.rsplit("/", 1)[1], content_hash=url[-8:], duplicate_of_uid=copy_of
    )


def insert(store: SqlStore, *articles: NewArticle) -> list[int]:
    sources = store.ensure_sources(["example.com"], kind="corpus", now=NOW)
    return store.insert_articles(list(articles), sources)


def test_declared_language_is_a_hint_and_enrich_reads_every_rows_language(
    any_store: SqlStore,
) -> None:
    ids = insert(
        any_store,
        # A feed that declares English for a Chinese report: the words win.
        new_article("https://example.com/zh-000001", CHINESE, declared="en-US"),
        new_article("https://example.com/en-000002", ENGLISH, declared=None),
        # Too short to tell: the declaration decides; without one, "und".
        new_article("https://example.com/sh-000003", "Kurz.", declared="de"),
        new_article("https://example.com/sh-000004", "Short.", declared=None),
        # A copy is never embedded but is listed as a source: its language is read too.
        new_article(
            "https://example.com/cp-000005", ENGLISH + " ", declared=None, copy_of="zh-000001"
        ),
    )
    assert [a.language for a in any_store.pending_language(10)] == [None] * 5
    enrich_pending(any_store, HashingEmbedder())
    articles = any_store.articles_by_ids(ids)
    assert [articles[i].language for i in ids] == ["zh", "en", "de", "und", "en"]
    assert [articles[i].declared_language for i in ids] == ["en-US", None, "de", None, None]
    assert any_store.pending_language(10) == []
    refs = any_store.list_articles(limit=10)
    assert {ref.id: ref.language for ref in refs} == {i: articles[i].language for i in ids}


def test_migration_0009_moves_declared_languages_aside_and_back(any_store: SqlStore) -> None:
    config = alembic_config(any_store.engine)
    with any_store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    with any_store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO verticals (slug, name, description) VALUES ('ai', 'AI', '')")
        )
        connection.execute(
            text(
                "INSERT INTO topics (slug, vertical, title, tagline, description, include_terms, "
                "exclude_terms, position, active) VALUES ('chips', 'ai', 'Chips', 'Chips', "
                "'Chips.', '[]', '[]', 0, true)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO sources (url, kind, name, vertical_hints, consecutive_errors, "
                "items_seen, created_at) VALUES ('corpus:x', 'corpus', 'x', '[]', 0, 0, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO articles (uid, url, canonical_url, source_name, title, "
                "title_derived, language, summary, text, published_at, date_source, "
                "fetched_at, content_hash) VALUES ('u1', 'https://x/1', 'https://x/1', 'x', "
                "'Chip deal', false, 'zh-CN', '', :body, :now, 'feed', :now, 'h1')"
            ),
            {"body": ENGLISH, "now": NOW},
        )
    any_store.migrate()
    (old,) = any_store.pending_language(10)
    assert (old.language, old.declared_language) == (None, "zh-CN")
    assert [(t.slug, t.language) for t in any_store.list_topics()] == [("chips", "en")]
    enrich_pending(any_store, HashingEmbedder())
    (article,) = any_store.articles_by_ids([old.id]).values()
    assert (article.language, article.declared_language) == ("en", "zh-CN")
    assert article.fact_keys is not None
    assert "nvidia" in article.fact_keys
    with any_store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        language = connection.execute(text("SELECT language FROM articles")).scalar_one()
    assert language == "zh-CN"  # the declaration is what the old schema held
