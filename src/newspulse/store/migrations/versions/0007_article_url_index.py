"""article url index: a poll skips the item pages it has already stored

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 04:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_url", ["url"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_url")
