"""clustering per vertical, and per-host politeness shared by every fetcher (issue 12)

Articles get the vertical they are clustered in (``cluster_vertical``, set with their
routing) and events the vertical they belong to.  Existing rows are filled in by the
rule the store applies from now on (``store.verticals``): a routed article takes the
vertical of its best-scored topic, else the first of its source's vertical hints that is
a vertical, else the catch-all "*"; an event takes the vertical of its earliest member.
``host_pace`` holds when each host may next be fetched.  Events' ``first_seen`` and
``last_seen`` are recomputed from their members whose date a feed or the text stated (all
members when none did), as the store keeps them from now on (``refresh_event_stats``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BEST_TOPIC_VERTICAL = (
    "(SELECT tp.vertical FROM article_topics at JOIN topics tp ON tp.slug = at.topic "
    "WHERE at.article_id = articles.id ORDER BY at.score DESC, at.topic LIMIT 1)"
)
FIRST_MEMBER_VERTICAL = (
    "(SELECT a.cluster_vertical FROM event_articles ea JOIN articles a ON a.id = ea.article_id "
    "WHERE ea.event_id = events.id AND a.cluster_vertical IS NOT NULL "
    "ORDER BY a.published_at, a.id LIMIT 1)"
)


def upgrade() -> None:
    op.add_column("articles", sa.Column("cluster_vertical", sa.String(length=64), nullable=True))
    op.add_column(
        "events",
        sa.Column("vertical", sa.String(length=64), server_default="*", nullable=False),
    )
    op.create_index("ix_events_vertical_last_seen", "events", ["vertical", "last_seen"])
    op.create_table(
        "host_pace",
        sa.Column("host", sa.String(length=300), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("host", name="pk_host_pace"),
    )
    backfill()


def backfill() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.text(
            f"UPDATE articles SET cluster_vertical = {BEST_TOPIC_VERTICAL} "
            "WHERE routed_at IS NOT NULL AND duplicate_of IS NULL"
        )
    )
    verticals = set(connection.execute(sa.text("SELECT slug FROM verticals")).scalars())
    for source_id, hints in connection.execute(sa.text("SELECT id, vertical_hints FROM sources")):
        names = json.loads(hints) if isinstance(hints, str) else hints
        hint = next((h for h in sorted(map(str, names or [])) if h in verticals), None)
        if hint is not None:
            connection.execute(
                sa.text(
                    "UPDATE articles SET cluster_vertical = :hint WHERE source_id = :source "
                    "AND cluster_vertical IS NULL AND routed_at IS NOT NULL "
                    "AND duplicate_of IS NULL"
                ),
                {"hint": hint, "source": source_id},
            )
    connection.execute(
        sa.text(
            "UPDATE articles SET cluster_vertical = '*' WHERE cluster_vertical IS NULL "
            "AND routed_at IS NOT NULL AND duplicate_of IS NULL"
        )
    )
    connection.execute(
        sa.text(f"UPDATE events SET vertical = COALESCE({FIRST_MEMBER_VERTICAL}, '*')")
    )
    for column, extreme in (("first_seen", "min"), ("last_seen", "max")):
        connection.execute(
            sa.text(
                f"UPDATE events SET {column} = COALESCE((SELECT {extreme}(a.published_at) "
                "FROM event_articles ea JOIN articles a ON a.id = ea.article_id "
                "WHERE ea.event_id = events.id AND a.date_source <> 'fetch_time'), "
                f"{column})"
            )
        )


def downgrade() -> None:
    op.drop_table("host_pace")
    op.drop_index("ix_events_vertical_last_seen", table_name="events")
    # Plain ALTERs (SQLite >= 3.35, PostgreSQL): a batch copy would trip the foreign keys.
    op.execute("ALTER TABLE events DROP COLUMN vertical")
    op.execute("ALTER TABLE articles DROP COLUMN cluster_vertical")
