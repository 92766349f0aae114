"""Full-text search over records: the record_search table, its dialect's word index (SQLite
FTS5 table and triggers; PostgreSQL tsvector trigger and GIN index), and every existing
record's heading (file name, type, dossier code, field values) back-filled.

The OCR text lives in the object store, which a migration cannot reach: ``sohoa reindex``
adds the text of records processed before this revision.

Revision ID: 0005_record_search
Revises: 0004_dossiers
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

# The folding must be the one queries use, today's: a later change of it ships a migration
# that re-folds the index.
from storage.search import folded, heading_of

revision: str = "0005_record_search"
down_revision: str | Sequence[str] | None = "0004_dossiers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "record_search"
FTS = "record_search_fts"
BATCH = 500

SQLITE_UP = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(folded_heading, folded_body, content='{TABLE}', "
    f"content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, folded_heading, folded_body) "
    f"VALUES (new.id, new.folded_heading, new.folded_body); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, folded_heading, folded_body) "
    f"VALUES ('delete', old.id, old.folded_heading, old.folded_body); END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, folded_heading, folded_body) "
    f"VALUES ('delete', old.id, old.folded_heading, old.folded_body); "
    f"INSERT INTO {FTS}(rowid, folded_heading, folded_body) "
    f"VALUES (new.id, new.folded_heading, new.folded_body); END",
)
POSTGRESQL_UP = (
    f"CREATE OR REPLACE FUNCTION {TABLE}_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN NEW.vector := setweight(to_tsvector('simple', NEW.folded_heading), 'A') || "
    f"setweight(to_tsvector('simple', NEW.folded_body), 'B'); RETURN NEW; END $$",
    f"CREATE TRIGGER {TABLE}_vector BEFORE INSERT OR UPDATE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_vector()",
    f"CREATE INDEX ix_{TABLE}_vector ON {TABLE} USING gin (vector)",
)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("heading", sa.Text(), server_default="", nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.Column("folded_heading", sa.Text(), server_default="", nullable=False),
        sa.Column("folded_body", sa.Text(), server_default="", nullable=False),
        sa.Column("vector", TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["dossier_records.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id"),
    )
    statements = POSTGRESQL_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP
    for statement in statements:
        op.execute(statement)
    backfill()


def backfill() -> None:
    """Index every record's heading, a batch at a time (the triggers fill the word index)."""
    connection = op.get_bind()
    records = sa.table("dossier_records", sa.column("id"), sa.column("filename"),
                       sa.column("doc_type"), sa.column("dossier_code"),
                       sa.column("fields", sa.JSON()))
    search = sa.table(TABLE, sa.column("record_id"), sa.column("heading"),
                      sa.column("folded_heading"))
    after = ""
    while True:
        rows = connection.execute(sa.select(records).where(records.c.id > after)
                                  .order_by(records.c.id).limit(BATCH)).all()
        if not rows:
            return
        headings = [(row.id, heading_of(row.filename, row.doc_type, row.dossier_code,
                                        row.fields)) for row in rows]
        connection.execute(search.insert(), [
            {"record_id": record_id, "heading": heading, "folded_heading": folded(heading)}
            for record_id, heading in headings])
        after = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table(TABLE)  # its trigger and index go with it
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_vector()")
    else:
        op.drop_table(TABLE)  # its triggers go with it
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
