"""The review audit trail: one row per change a person made while verifying a record.

Revision ID: 0002_review_entries
Revises: 0001_initial
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0002_review_entries"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("flow_run_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["dossier_records.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_entries_record_id", "review_entries", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_review_entries_record_id", table_name="review_entries")
    op.drop_table("review_entries")
