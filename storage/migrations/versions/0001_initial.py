"""The dossier_records table as the first release defined it.

A database made before migrations existed (by ``create_all``) has exactly this schema;
:func:`storage.database.init_database` stamps such a database at this revision.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here, not imported from schemas.status: a migration must not change when the code does.
STATUSES = ("received", "processing", "digitized", "needs_review", "verified", "failed",
            "duplicate")
INDEXED = ("created_at", "doc_type", "sha256", "station", "status", "unit")
ONLY_ORIGINALS = "duplicate_of IS NULL"


def upgrade() -> None:
    op.create_table(
        "dossier_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("station", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("doc_type", sa.String(), nullable=True),
        # The contract's strings in a plain VARCHAR: a new status needs no ALTER TYPE.
        sa.Column("status", sa.Enum(*STATUSES, name="digitizationstatus", native_enum=False,
                                    length=16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("review_reasons", sa.JSON(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("original_key", sa.String(), nullable=True),
        sa.Column("pdf_key", sa.String(), nullable=True),
        sa.Column("text_key", sa.String(), nullable=True),
        sa.Column("json_key", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("duplicate_of", sa.String(), nullable=True),
        sa.Column("pipeline_version", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["duplicate_of"], ["dossier_records.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in INDEXED:
        op.create_index(f"ix_dossier_records_{column}", "dossier_records", [column])
    # One original per checksum; duplicates share it and point at the original.
    op.create_index("uq_dossier_records_sha256_original", "dossier_records", ["sha256"],
                    unique=True, sqlite_where=sa.text(ONLY_ORIGINALS),
                    postgresql_where=sa.text(ONLY_ORIGINALS))


def downgrade() -> None:
    op.drop_index("uq_dossier_records_sha256_original", table_name="dossier_records")
    for column in INDEXED:
        op.drop_index(f"ix_dossier_records_{column}", table_name="dossier_records")
    op.drop_table("dossier_records")
