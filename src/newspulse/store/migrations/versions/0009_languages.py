"""languages: each article's detected language, a topic's prose language, stored fact keys
(issue 11, items 2 and 4)

``articles.language`` held the language a feed *declared*; it moves to
``declared_language`` (a hint) and ``language`` becomes the language read from the
article's words, NULL until the enrich stage has read them (old rows included: the
partial index keeps that pending work cheap to find).  ``fact_keys`` are the name and
figure keys clustering compares, extracted once by enrich.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PENDING = sa.text("language IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declared_language", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("fact_keys", sa.JSON(), nullable=True))
    op.execute("UPDATE articles SET declared_language = language, language = NULL")
    op.create_index(
        "ix_articles_pending_language",
        "articles",
        ["id"],
        unique=False,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=16), nullable=False, server_default="en")
        )


def downgrade() -> None:
    # Plain ALTERs (SQLite >= 3.35, PostgreSQL): a batch copy of "topics" would trip the
    # foreign keys that point at it.
    op.execute("ALTER TABLE topics DROP COLUMN language")
    op.drop_index("ix_articles_pending_language", table_name="articles")
    op.execute("UPDATE articles SET language = declared_language")
    op.execute("ALTER TABLE articles DROP COLUMN fact_keys")
    op.execute("ALTER TABLE articles DROP COLUMN declared_language")
