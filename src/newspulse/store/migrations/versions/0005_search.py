"""full-text search over articles and events

SQLite: FTS5 tables kept in step by triggers (``search_articles`` reads its text from
``articles``; ``search_events`` holds each event's label and facts).  PostgreSQL: GIN
expression indexes over ``to_tsvector`` that the search query repeats verbatim.  Neither
is ever rebuilt per query; both are filled once here for rows that already exist.
A later migration that rebuilds ``articles`` or ``events`` in SQLite batch mode (a table
copy) drops the triggers with the old table and must create them again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
EVENT_FACTS = "(SELECT group_concat(value, ' · ') FROM json_each({row}.key_facts, '$.facts'))"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_articles USING fts5("
    f"title, summary, text, content='articles', content_rowid='id', tokenize='{TOKENIZE}')",
    "CREATE TRIGGER search_articles_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO search_articles(rowid, title, summary, text) "
    "VALUES (new.id, new.title, new.summary, new.text); END",
    "CREATE TRIGGER search_articles_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO search_articles(search_articles, rowid, title, summary, text) "
    "VALUES ('delete', old.id, old.title, old.summary, old.text); END",
    "CREATE TRIGGER search_articles_au AFTER UPDATE OF title, summary, text ON articles BEGIN "
    "INSERT INTO search_articles(search_articles, rowid, title, summary, text) "
    "VALUES ('delete', old.id, old.title, old.summary, old.text); "
    "INSERT INTO search_articles(rowid, title, summary, text) "
    "VALUES (new.id, new.title, new.summary, new.text); END",
    "INSERT INTO search_articles(search_articles) VALUES ('rebuild')",
    f"CREATE VIRTUAL TABLE search_events USING fts5(label, facts, tokenize='{TOKENIZE}')",
    "CREATE TRIGGER search_events_ai AFTER INSERT ON events BEGIN "
    "INSERT INTO search_events(rowid, label, facts) "
    f"VALUES (new.id, new.label, {EVENT_FACTS.format(row='new')}); END",
    "CREATE TRIGGER search_events_ad AFTER DELETE ON events BEGIN "
    "DELETE FROM search_events WHERE rowid = old.id; END",
    "CREATE TRIGGER search_events_au AFTER UPDATE OF label, key_facts ON events BEGIN "
    "DELETE FROM search_events WHERE rowid = old.id; "
    "INSERT INTO search_events(rowid, label, facts) "
    f"VALUES (new.id, new.label, {EVENT_FACTS.format(row='new')}); END",
    "INSERT INTO search_events(rowid, label, facts) "
    f"SELECT id, label, {EVENT_FACTS.format(row='events')} FROM events",
]

SQLITE_DOWN = [
    "DROP TRIGGER search_events_au",
    "DROP TRIGGER search_events_ad",
    "DROP TRIGGER search_events_ai",
    "DROP TABLE search_events",
    "DROP TRIGGER search_articles_au",
    "DROP TRIGGER search_articles_ad",
    "DROP TRIGGER search_articles_ai",
    "DROP TABLE search_articles",
]

POSTGRES_UP = [
    "CREATE INDEX search_articles ON articles USING gin (("
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, summary || ' ' || text), 'B')))",
    "CREATE INDEX search_events ON events USING gin (("
    "to_tsvector('english'::regconfig, label || ' ' || coalesce(key_facts ->> 'facts', ''))))",
]

POSTGRES_DOWN = ["DROP INDEX search_events", "DROP INDEX search_articles"]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(dialect, []):
        op.execute(statement)
