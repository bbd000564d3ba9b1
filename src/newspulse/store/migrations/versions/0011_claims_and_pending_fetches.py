"""claims with leases on pending work, and feed items waiting for their page (issue 12)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_claims",
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("step", "item_id", name="pk_work_claims"),
    )
    op.create_index("ix_work_claims_lease_until", "work_claims", ["lease_until"])
    op.create_table(
        "pending_fetches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(length=300), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_pending_fetches_source_id_sources"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pending_fetches"),
        sa.UniqueConstraint("url", name="uq_pending_fetches_url"),
    )
    op.create_index("ix_pending_fetches_source_id", "pending_fetches", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_fetches_source_id", table_name="pending_fetches")
    op.drop_table("pending_fetches")
    op.drop_index("ix_work_claims_lease_until", table_name="work_claims")
    op.drop_table("work_claims")
