"""Dossiers (contract §6): one row per dossier code, derived from its records; and the ID
numbers records name (§7).

Revision ID: 0004_dossiers
Revises: 0003_document_parts
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_dossiers"
down_revision: str | Sequence[str] | None = "0003_document_parts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("created_at", "received_at", "station", "unit")


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("station", sa.String(), nullable=False),
        sa.Column("procedure", sa.String(), nullable=True),
        sa.Column("applicant_name", sa.String(), nullable=True),
        sa.Column("received_at", sa.String(), nullable=True),
        sa.Column("due_at", sa.String(), nullable=True),
        sa.Column("receipt_id", sa.String(length=36), nullable=True),
        sa.Column("digitized", sa.Boolean(), nullable=False),
        sa.Column("has_electronic_result", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    for column in INDEXED:
        op.create_index(f"ix_dossiers_{column}", "dossiers", [column])
    # Contract §7: the ID numbers named in records' fields, to find a person's papers again.
    op.create_table(
        "person_ids",
        sa.Column("id_number", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["dossier_records.id"]),
        sa.PrimaryKeyConstraint("id_number", "record_id"),
    )
    op.create_index("ix_person_ids_record_id", "person_ids", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_person_ids_record_id", table_name="person_ids")
    op.drop_table("person_ids")
    for column in INDEXED:
        op.drop_index(f"ix_dossiers_{column}", table_name="dossiers")
    op.drop_table("dossiers")
