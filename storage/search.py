"""Full-text search over records: their OCR text and their field values, with or without
diacritics («Nguyen Van An» finds «Nguyễn Văn An»).

Words are folded here, in Python, for both databases: lower case, compatibility-decomposed
(NFKD), combining marks dropped, «đ» → «d». The index (schemas.search) stores the folded words
next to the original text; a query is folded the same way and every word must match (AND).
The query's words are taken as plain words, never as the database's query syntax: quotes,
``*``, ``-``, ``OR`` and parentheses are separators or ordinary words.

PostgreSQL searches the same folded column as SQLite rather than ``unaccent(text)``: one
folding function means one behaviour on both databases, and no extension to install (the
test cluster has ``unaccent``; a production database may not allow CREATE EXTENSION). On the
146 Vietnamese letters (12 vowels × 6 tones × 2 cases, «đ», «Đ»), NFC or NFD, ``lower(unaccent(x))``
and :func:`fold` agree (tests/storage/test_search.py checks it on PostgreSQL).

Ranking: SQLite's bm25 with heading words (file name, type, dossier code, field values)
weighted 4 to the OCR text's 1; PostgreSQL's ts_rank with the heading at weight A (1.0) and
the text at B (0.4). A score is «lower is better» on both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Float, String, column, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Subquery

from schemas.record import DossierRecord
from schemas.search import FTS_TABLE, SEARCH_TABLE, RecordSearch

# A word: letters and digits (Unicode), without the underscore, which both databases'
# tokenizers treat as a separator.
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 32  # a pasted paragraph is not a search; it also bounds the query's cost
SNIPPET_WORDS = 24
SNIPPET_LEAD = 8  # words shown before the first match
HEADING_WEIGHT, BODY_WEIGHT = 4.0, 1.0  # SQLite bm25 column weights
# The text indexed per record, in characters (about 100 dense pages). PostgreSQL refuses a
# tsvector over 1 MB, which would fail the record's write: 250 000 characters of all-distinct
# words need at most about 875 KB (a word of L letters costs L + 6 bytes for L + 1 characters).
MAX_INDEXED_CHARS = 250_000
# Columns whose change alters a record's heading (what heading_of reads).
HEADING_COLUMNS = frozenset({"filename", "doc_type", "dossier_code", "fields"})


@dataclass(frozen=True)
class SearchHit:
    """A record a search found, with a few words of context around the first match."""

    record: DossierRecord
    snippet: str
    score: float  # lower is better (see the module's docstring)


def fold(value: str) -> str:
    """``value`` lower-cased without diacritics: «Nguyễn Văn Đức» → «nguyen van duc»."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    # «đ» is a letter of its own, not d with a mark: no decomposition removes its bar.
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def words(value: str) -> list[str]:
    """The folded words of ``value``, in order."""
    return WORD.findall(fold(value))


def folded(value: str) -> str:
    """The folded words of ``value`` joined by single spaces: what the index stores."""
    return " ".join(words(value))


def query_words(query: str) -> list[str]:
    """The distinct folded words of a query, in order, at most MAX_QUERY_WORDS."""
    return list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]


def heading_of(filename: str, doc_type: str | None, dossier_code: str | None,
               fields: Mapping[str, Any] | None) -> str:
    """The searchable text of a record besides its OCR text: file name, type, dossier code
    and every field's value (booleans such as ``sealed`` have no words)."""
    values = [field.get("value") if isinstance(field, Mapping) else field
              for field in (fields or {}).values()]
    parts = [filename, doc_type, dossier_code,
             *(str(v) for v in values if v is not None and not isinstance(v, bool))]
    return "\n".join(part for part in parts if part)


def index_record(connection: Connection, record_id: str, body: str | None = None) -> None:
    """Write the record's index row from its stored columns, in the caller's transaction.

    ``body`` is the record's OCR text (its first MAX_INDEXED_CHARS characters are indexed);
    None keeps the text indexed before (a review changes fields, not text)."""
    row = connection.execute(select(DossierRecord.filename, DossierRecord.doc_type,
                                    DossierRecord.dossier_code, DossierRecord.fields)
                             .where(DossierRecord.id == record_id)).one_or_none()
    if row is None:
        return
    heading = heading_of(*row)
    values = {"record_id": record_id, "heading": heading, "folded_heading": folded(heading)}
    if body is not None:
        body = body[:MAX_INDEXED_CHARS]
        values |= {"body": body, "folded_body": folded(body)[:MAX_INDEXED_CHARS]}
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(RecordSearch).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["record_id"],
        set_={name: statement.excluded[name] for name in values if name != "record_id"})
    connection.execute(statement)


def matches(dialect: str, wanted: Iterable[str]) -> Subquery:
    """``(record_id, score)`` of every indexed record holding all ``wanted`` words (folded,
    from query_words); lower scores are better matches."""
    wanted = list(wanted)
    if dialect == "postgresql":
        # plainto_tsquery ANDs the words and reads no operators: plain words only.
        statement = text(
            f"SELECT s.record_id, -ts_rank(s.vector, q) AS score FROM {SEARCH_TABLE} s, "
            f"plainto_tsquery('simple', :words) q WHERE s.vector @@ q"
        ).bindparams(words=" ".join(wanted))
    else:
        # Each word double-quoted is an FTS5 string, never an operator; juxtaposed: AND.
        statement = text(
            f"SELECT s.record_id, bm25({FTS_TABLE}, {HEADING_WEIGHT}, {BODY_WEIGHT}) AS score "
            f"FROM {FTS_TABLE} JOIN {SEARCH_TABLE} s ON s.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH :match"
        ).bindparams(match=" ".join(f'"{word}"' for word in wanted))
    return statement.columns(column("record_id", String), column("score", Float)).subquery("hits")


def indexed_text(connection: Connection, record_ids: list[str]) -> dict[str, tuple[str, str]]:
    """(heading, body) of each record, by id, for snippets."""
    rows = connection.execute(select(RecordSearch.record_id, RecordSearch.heading,
                                     RecordSearch.body)
                              .where(RecordSearch.record_id.in_(record_ids)))  # type: ignore[attr-defined]
    return {record_id: (heading, body) for record_id, heading, body in rows}


def snippet(heading: str, body: str, wanted: Iterable[str]) -> str:
    """A few words of the OCR text around its first matching word; of the heading when only
    the heading matches; the text's first words when neither does (cannot happen for a
    hit, but a snippet never fails)."""
    wanted = set(wanted)
    for source in (body, heading):
        found = _window(source, wanted)
        if found is not None:
            return found
    return _window(body or heading, None) or ""


@lru_cache(maxsize=65_536)
def _word_folds(word: str) -> tuple[str, ...]:
    """The folded words of one word of a text (cached: a document's syllables repeat)."""
    return tuple(words(word))


def _window(source: str, wanted: set[str] | None) -> str | None:
    """SNIPPET_WORDS words of ``source`` from SNIPPET_LEAD before the first word in
    ``wanted`` (from the start when ``wanted`` is None); None when no word matches."""
    source = unicodedata.normalize("NFC", source)
    spans = list(WORD.finditer(source))
    if wanted is None:
        first = 0 if spans else None
    else:
        first = next((i for i, span in enumerate(spans)
                      if wanted.intersection(_word_folds(span.group()))), None)
    if first is None:
        return None
    start = max(0, first - SNIPPET_LEAD)
    end = min(len(spans), start + SNIPPET_WORDS)
    shown = " ".join(source[spans[start].start():spans[end - 1].end()].split())
    return f"{'… ' if start else ''}{shown}{' …' if end < len(spans) else ''}"
