"""SQLAlchemy Core schema shared by SQLite and PostgreSQL (product.md §2).

Migrations in ``store/migrations`` create exactly this schema; a test compares
them.  JSON columns hold small lists (terms, entities, figures) whose shape is
owned by the stage that writes them.  Vectors are float16 blobs (see
``store.vectors``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_datetime() -> DateTime:
    return DateTime(timezone=True)


verticals = Table(
    "verticals",
    metadata,
    Column("slug", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
)

topics = Table(
    "topics",
    metadata,
    Column("slug", String(64), primary_key=True),
    Column("vertical", String(64), ForeignKey("verticals.slug"), nullable=False),
    Column("title", String(300), nullable=False),
    Column("tagline", String(500), nullable=False),
    Column("description", Text, nullable=False),
    Column("include_terms", JSON, nullable=False),
    Column("exclude_terms", JSON, nullable=False),
    Column("threshold", Float, nullable=True),
    Column("window_days", Integer, nullable=True),
    Column("facets", JSON, nullable=True),
    # The language the topic's prose is written in (BCP-47 primary subtag, text.language).
    Column("language", String(16), nullable=False, server_default="en"),
    Column("position", Integer, nullable=False, default=0),
    Column("active", Boolean, nullable=False, default=True),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # feed | site | corpus
    Column("name", String(300), nullable=False),
    Column("homepage", String(2000), nullable=True),
    Column("vertical_hints", JSON, nullable=False),
    Column("etag", String(500), nullable=True),
    Column("last_modified", String(100), nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_success_at", utc_datetime(), nullable=True),
    Column("consecutive_errors", Integer, nullable=False, default=0),
    Column("next_poll_at", utc_datetime(), nullable=True),
    Column("paused_reason", Text, nullable=True),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("created_at", utc_datetime(), nullable=False),
    # The scheduler's memory between polls (interval, recent item times, publisher hints);
    # its shape is owned by sources/schedule.py.
    Column("schedule", JSON, nullable=True),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uid", String(16), nullable=False, unique=True),
    Column("url", String(2000), nullable=False),
    Column("canonical_url", String(2000), nullable=False, unique=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=True),
    Column("source_name", String(300), nullable=False),
    Column("title", Text, nullable=False),
    Column("title_derived", Boolean, nullable=False, default=False),
    Column("author", String(300), nullable=True),
    # Read from the article's words by the enrich stage (text.language); NULL until then.
    Column("language", String(16), nullable=True),
    # What the feed or page declared: only a hint for ``language``.
    Column("declared_language", String(16), nullable=True),
    Column("summary", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("published_at", utc_datetime(), nullable=False),
    Column("date_source", String(16), nullable=False),
    Column("fetched_at", utc_datetime(), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("near_signature", LargeBinary, nullable=True),
    Column("duplicate_of", Integer, ForeignKey("articles.id"), nullable=True),
    Column("embedding", LargeBinary, nullable=True),
    Column("embedding_model", String(200), nullable=True),
    Column("entities", JSON, nullable=True),
    Column("figures", JSON, nullable=True),
    # Name and figure keys clustering compares (cluster.similarity.fact_keys), from enrich.
    Column("fact_keys", JSON, nullable=True),
    Column("routed_at", utc_datetime(), nullable=True),
    # The vertical whose events the article is clustered among (``store.verticals``), set
    # with its routing: the best-scored topic's vertical, else its source's, else "*".
    Column("cluster_vertical", String(64), nullable=True),
    Column("clustered_at", utc_datetime(), nullable=True),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_published_at", "published_at"),
    Index("ix_articles_url", "url"),
    Index("ix_articles_embedding_model", "embedding_model"),
)

# Partial indexes over each stage's pending work, so `pending_*` queries read only the
# rows still to do instead of scanning every stored article.
for _name, _pending, _columns in (
    ("ix_articles_pending_enrichment", articles.c.embedding.is_(None), ("id",)),
    ("ix_articles_pending_routing", articles.c.routed_at.is_(None), ("published_at", "id")),
    ("ix_articles_pending_clustering", articles.c.clustered_at.is_(None), ("published_at", "id")),
):
    _condition = _pending & articles.c.duplicate_of.is_(None)
    Index(
        _name,
        *(articles.c[column] for column in _columns),
        sqlite_where=_condition,
        postgresql_where=_condition,
    )
# Every row (copies too: source lists show them) waits for its language to be read.
Index(
    "ix_articles_pending_language",
    articles.c.id,
    sqlite_where=articles.c.language.is_(None),
    postgresql_where=articles.c.language.is_(None),
)

article_topics = Table(
    "article_topics",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("topic", String(64), ForeignKey("topics.slug"), primary_key=True),
    Column("score", Float, nullable=False),
    Column("similarity", Float, nullable=False),
    Column("matched_terms", JSON, nullable=False),
    Index("ix_article_topics_topic", "topic"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("label", Text, nullable=False),
    Column("first_seen", utc_datetime(), nullable=False),
    Column("last_seen", utc_datetime(), nullable=False),
    Column("centroid", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("source_count", Integer, nullable=False),
    Column("salience", Float, nullable=False, default=0.0),
    Column("key_facts", JSON, nullable=False),
    Column("updated_at", utc_datetime(), nullable=False),
    # Events are clustered per vertical (one writer each): an article is only compared
    # with, and merged into, events of its own ``cluster_vertical``.
    Column("vertical", String(64), nullable=False, server_default="*"),
    Index("ix_events_last_seen", "last_seen"),
    Index("ix_events_vertical_last_seen", "vertical", "last_seen"),
)

# A merged-away event's id → the event that took most of its articles, so links from older
# briefing versions lead on (the new id may itself be merged later: follow the chain).
event_redirects = Table(
    "event_redirects",
    metadata,
    Column("old_id", Integer, primary_key=True, autoincrement=False),
    Column("new_id", Integer, nullable=False),
    Column("created_at", utc_datetime(), nullable=False),
)

event_articles = Table(
    "event_articles",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=False),
    Column("similarity", Float, nullable=False),
    Column("assigned_at", utc_datetime(), nullable=False),
    Index("ix_event_articles_event_id", "event_id"),
)

briefing_versions = Table(
    "briefing_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(64), ForeignKey("topics.slug"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", utc_datetime(), nullable=False),
    Column("headline", Text, nullable=False),
    Column("document", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("writer", String(64), nullable=False),
    Column("model", String(200), nullable=True),
    Column("settings", JSON, nullable=False),
    Column("input_article_ids", JSON, nullable=False),
    Column("diff", JSON, nullable=False),
    UniqueConstraint("topic", "version", name="uq_briefing_versions_topic_version"),
)

citations = Table(
    "citations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_id", Integer, ForeignKey("briefing_versions.id"), nullable=False),
    Column("statement_path", String(64), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("passage", Text, nullable=False),
    Column("support_score", Float, nullable=False),
    Index("ix_citations_version_id", "version_id"),
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(64), ForeignKey("topics.slug"), nullable=False),
    Column("text", Text, nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=True),
    Column("created_at", utc_datetime(), nullable=False),
    Index("ix_corrections_topic", "topic"),
)

# Claims on pending work (issue 12): a worker holds (step, item) until ``lease_until``;
# finished work deletes its claim, a crashed worker's claim lapses and the item is taken
# again.  ``item_id`` is the id of the step's own row (an article, a pending fetch) or the
# key of what a single-writer step writes (a vertical's events, a topic's versions).
work_claims = Table(
    "work_claims",
    metadata,
    Column("step", String(32), primary_key=True),
    Column("item_id", Integer, primary_key=True, autoincrement=False),
    Column("worker", String(200), nullable=False),
    Column("lease_until", utc_datetime(), nullable=False),
    Column("claimed_at", utc_datetime(), nullable=False),
    Index("ix_work_claims_lease_until", "lease_until"),
)

# Feed items whose page must be fetched and extracted before ingest: stored by the poll,
# so a crash between poll and fetch loses nothing and fetching fans out over workers.
# ``entry`` is the feed's item (``ingest.pending_fetch.entry_json``); the row is deleted
# once the item is ingested.  ``attempts`` counts claims, so a page that kills its worker
# every time is given up after a few tries and ingested with the feed's text.
pending_fetches = Table(
    "pending_fetches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=True),
    Column("host", String(300), nullable=False),
    Column("entry", JSON, nullable=False),
    Column("published_at", utc_datetime(), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("created_at", utc_datetime(), nullable=False),
    Index("ix_pending_fetches_source_id", "source_id"),
)

# When each host may next be fetched, shared by every process that fetches (issue 12):
# ``next_at`` (Unix seconds, on the database's clock for PostgreSQL) is moved on by
# ``fetch.min_delay`` with each request start that a fetcher reserves (``store.pace_rows``).
host_pace = Table(
    "host_pace",
    metadata,
    Column("host", String(300), primary_key=True),
    Column("next_at", Float, nullable=False),
)
