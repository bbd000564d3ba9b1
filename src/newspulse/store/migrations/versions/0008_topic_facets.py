"""topic facets: the themes a topic's page is organised by (issue 10)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 05:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facets", sa.JSON(), nullable=True))


def downgrade() -> None:
    # A plain ALTER (SQLite >= 3.35, PostgreSQL): a batch copy of "topics" would trip the
    # foreign keys that point at it.
    op.execute("ALTER TABLE topics DROP COLUMN facets")
