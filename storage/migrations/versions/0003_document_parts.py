"""Several documents in one file (contract §5) and their dossier (§6): a record may be part N
of M of a file, with its pages, and carries its dossier code and role.

Revision ID: 0003_document_parts
Revises: 0002_review_entries
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_document_parts"
down_revision: str | Sequence[str] | None = "0002_review_entries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = "uq_dossier_records_sha256_original"
ONLY_ORIGINALS_BEFORE = "duplicate_of IS NULL"
# The later documents of a split file share its checksum: only a file's first record counts.
ONLY_ORIGINALS = "duplicate_of IS NULL AND part_of IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("dossier_records") as batch:
        batch.add_column(sa.Column("part_of", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("part", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("parts", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("first_page", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_page", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("dossier_code", sa.String(), nullable=True))
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=True))
        batch.create_foreign_key("fk_dossier_records_part_of", "dossier_records",
                                 ["part_of"], ["id"])
        batch.create_index("ix_dossier_records_part_of", ["part_of"])
        batch.create_index("ix_dossier_records_dossier_code", ["dossier_code"])
        batch.drop_index(UNIQUE)
        batch.create_index(UNIQUE, ["sha256"], unique=True,
                           sqlite_where=sa.text(ONLY_ORIGINALS),
                           postgresql_where=sa.text(ONLY_ORIGINALS))


def downgrade() -> None:
    with op.batch_alter_table("dossier_records") as batch:
        batch.drop_index(UNIQUE)
        batch.create_index(UNIQUE, ["sha256"], unique=True,
                           sqlite_where=sa.text(ONLY_ORIGINALS_BEFORE),
                           postgresql_where=sa.text(ONLY_ORIGINALS_BEFORE))
        batch.drop_index("ix_dossier_records_dossier_code")
        batch.drop_index("ix_dossier_records_part_of")
        batch.drop_constraint("fk_dossier_records_part_of", type_="foreignkey")
        for column in ("role", "dossier_code", "last_page", "first_page", "parts", "part",
                       "part_of"):
            batch.drop_column(column)
