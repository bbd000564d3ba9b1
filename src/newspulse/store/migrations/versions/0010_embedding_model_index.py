"""embedding model index: the mixed-model check reads a few index entries, not every article

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 08:15:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_embedding_model", ["embedding_model"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_embedding_model")
