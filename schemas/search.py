"""The full-text search index of records: one row per record with its words, original and
folded (lower case, no diacritics, «đ» → «d»), which the database indexes by word.

The folded columns hold words separated by single spaces, so that SQLite's tokenizer and
PostgreSQL's parser see exactly the words sohoa's own folding found (storage.search). The
word index itself is dialect-specific and kept current by the database from these columns:
SQLite: an FTS5 table over this one (external content), filled by triggers; PostgreSQL: a
``tsvector`` column a trigger computes, under a GIN index. ``create_all`` makes them too
(the DDL below), so a test database equals a migrated one.
"""

from __future__ import annotations

from sqlalchemy import DDL, Column, Text, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field, SQLModel

SEARCH_TABLE = "record_search"
FTS_TABLE = "record_search_fts"  # SQLite's FTS5 table; its shadow tables share the prefix
VECTOR_INDEX = "ix_record_search_vector"  # PostgreSQL's GIN index (made by DDL, not the model)

# SQLite: an external-content FTS5 table (the words are stored once, in record_search) kept in
# step by triggers, as the SQLite FTS5 documentation (§4.4.3) shows. The explicit INTEGER
# PRIMARY KEY is its rowid: an implicit rowid could change on VACUUM and orphan the index.
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(folded_heading, folded_body, "
    f"content='{SEARCH_TABLE}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_ai AFTER INSERT ON {SEARCH_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, folded_heading, folded_body) "
    f"VALUES (new.id, new.folded_heading, new.folded_body); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_ad AFTER DELETE ON {SEARCH_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, folded_heading, folded_body) "
    f"VALUES ('delete', old.id, old.folded_heading, old.folded_body); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_au AFTER UPDATE ON {SEARCH_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, folded_heading, folded_body) "
    f"VALUES ('delete', old.id, old.folded_heading, old.folded_body); "
    f"INSERT INTO {FTS_TABLE}(rowid, folded_heading, folded_body) "
    f"VALUES (new.id, new.folded_heading, new.folded_body); END",
)
SQLITE_DROP = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)

# PostgreSQL: the words of the heading (file name, type, dossier code, field values) weigh A,
# those of the OCR text B. 'simple' neither stems nor drops stop words: Vietnamese has no
# dictionary in PostgreSQL, and a syllable such as «an» or «do» is a name, not noise.
POSTGRESQL_DDL = (
    f"CREATE OR REPLACE FUNCTION {SEARCH_TABLE}_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN NEW.vector := setweight(to_tsvector('simple', NEW.folded_heading), 'A') || "
    f"setweight(to_tsvector('simple', NEW.folded_body), 'B'); RETURN NEW; END $$",
    f"CREATE TRIGGER {SEARCH_TABLE}_vector BEFORE INSERT OR UPDATE ON {SEARCH_TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {SEARCH_TABLE}_vector()",
    f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON {SEARCH_TABLE} USING gin (vector)",
)


class RecordSearch(SQLModel, table=True):
    """A record's searchable words (see the module's docstring)."""

    __tablename__ = SEARCH_TABLE

    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(foreign_key="dossier_records.id", unique=True, max_length=36)
    heading: str = Field(default="", sa_column_kwargs={"server_default": ""}, sa_type=Text)
    body: str = Field(default="", sa_column_kwargs={"server_default": ""}, sa_type=Text)
    folded_heading: str = Field(default="", sa_column_kwargs={"server_default": ""},
                                sa_type=Text)
    folded_body: str = Field(default="", sa_column_kwargs={"server_default": ""}, sa_type=Text)
    # PostgreSQL only (its trigger writes it); always NULL on SQLite, whose FTS5 table holds
    # the index instead.
    vector: str | None = Field(default=None, sa_column=Column(
        TSVECTOR().with_variant(Text(), "sqlite"), nullable=True))


def is_search_internal(name: str | None, type_: str) -> bool:
    """Whether a reflected table or index is the search index's dialect-specific part, which
    the model does not describe (schema comparisons skip it)."""
    if name is None:
        return False
    return (type_ == "table" and name.startswith(FTS_TABLE)) or \
        (type_ == "index" and name == VECTOR_INDEX)


def compared(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic's ``include_name`` hook: every name but the search index's own DDL."""
    return not is_search_internal(name, type_)


def _install_ddl() -> None:
    table = RecordSearch.__table__  # type: ignore[attr-defined]
    for statement in SQLITE_DDL:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in SQLITE_DROP:
        event.listen(table, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRESQL_DDL:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


_install_ddl()
