"""Full-text search over records on SQLite (FTS5) and a real PostgreSQL (tsvector): words
with or without diacritics, AND semantics, ranking, filters, the index following processing
and review, plain words whatever the query's punctuation, and the migration's back-fill."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage.database import alembic_config, create_db_engine, init_database
from storage.records import RecordFilter, RecordRepository
from storage.reviews import Review, ReviewRepository
from storage.search import fold, query_words, snippet
from tests.services import create_postgres_database

CODE = "000.00.21.H27-241128-0001"
BIRTH_TEXT = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỜ KHAI ĐĂNG KÝ KHAI SINH
Kính gửi: Ủy ban nhân dân xã Thạch Hạ
Họ, chữ đệm, tên người yêu cầu: Trần Thị Hương
Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:
Họ, chữ đệm, tên: Nguyễn Văn An
Ngày, tháng, năm sinh: 12/03/2024 Giới tính: Nam"""
OTHER_TEXT = """GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Tiếp nhận hồ sơ của: Nguyễn Thị Bình
Nội dung yêu cầu giải quyết: Đăng ký kết hôn"""
# Vietnamese vowels (12) with each tone (none and 5 marks), both cases; and «đ», «Đ».
VIETNAMESE_LETTERS = sorted(
    {unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
     for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")} | {"đ", "Đ"})


def processed(repository: RecordRepository, number: int, body: str,
              fields: dict[str, str], status: Status = Status.DIGITIZED,
              **columns: str) -> DossierRecord:
    """A record registered, then processed with this OCR text and these field values."""
    record, _ = repository.register(
        filename=f"scan-{number}.pdf", source_path=None, sha256=f"{number:064x}",
        size_bytes=1, station="s", unit=columns.pop("unit", "u"), original_key=None)
    repository.set_status(record.id, Status.PROCESSING)
    return repository.set_status(record.id, status, text=body, doc_type="birth_registration",
                                 fields={k: {"value": v} for k, v in fields.items()},
                                 **columns)


def found(repository: RecordRepository, query: str, **where: tuple) -> list[str]:
    return [hit.record.filename for hit in repository.search(query, RecordFilter(**where))]


def test_folding_strips_every_vietnamese_mark_and_the_bar_of_d() -> None:
    assert fold("NGUYỄN Văn Đức, Ủy ban") == "nguyen van duc, uy ban"
    assert fold(unicodedata.normalize("NFD", "Nguyễn Thị Hương")) == "nguyen thi huong"
    assert query_words('"Nguyễn*" OR (Văn) -An') == ["nguyen", "or", "van", "an"]


def test_a_query_without_diacritics_finds_the_accented_record(
        repository: RecordRepository) -> None:
    processed(repository, 1, BIRTH_TEXT, {"child_name": "Nguyễn Văn An"})
    processed(repository, 2, OTHER_TEXT, {"applicant_name": "Nguyễn Thị Bình"})

    assert found(repository, "Nguyen Van An") == ["scan-1.pdf"]
    assert found(repository, "nguyễn văn an") == ["scan-1.pdf"]
    assert found(repository, "NGUYEN VAN AN") == ["scan-1.pdf"]
    assert found(repository, "thach ha") == ["scan-1.pdf"]  # «Thạch Hạ»: OCR text only
    assert found(repository, "dang ky ket hon") == ["scan-2.pdf"]  # «Đăng ký kết hôn»


def test_every_word_must_match(repository: RecordRepository) -> None:
    processed(repository, 1, BIRTH_TEXT, {"child_name": "Nguyễn Văn An"})
    processed(repository, 2, OTHER_TEXT, {"applicant_name": "Nguyễn Thị Bình"})

    assert sorted(found(repository, "nguyen")) == ["scan-1.pdf", "scan-2.pdf"]
    assert found(repository, "nguyen binh") == ["scan-2.pdf"]
    assert found(repository, "an binh") == []


def test_absent_words_and_wordless_queries_find_nothing(repository: RecordRepository) -> None:
    processed(repository, 1, BIRTH_TEXT, {"child_name": "Nguyễn Văn An"})

    assert found(repository, "Hoàng") == []
    assert found(repository, "Nguyễn Hoàng") == []
    assert found(repository, "*** --- ()") == []
    assert found(repository, "") == []


@pytest.mark.parametrize("query", ['"Nguyễn', "Nguyễn*", "-Nguyễn", "(Nguyễn)", "Nguyễn)",
                                   "Nguyễn:An", "^Nguyễn", "'Nguyễn'", "Nguyễn_An", "An & Văn |",
                                   "{Văn An}", "Văn + An", "'; DROP TABLE record_search; --An"])
def test_query_syntax_characters_are_plain_separators(repository: RecordRepository,
                                                      query: str) -> None:
    processed(repository, 1, BIRTH_TEXT + " drop table record_search", {})

    assert found(repository, query) == ["scan-1.pdf"]


@pytest.mark.parametrize("query", ["An OR Bình", "An AND Văn", "NEAR(An Văn)", "An NOT x"])
def test_operators_are_words(repository: RecordRepository, query: str) -> None:
    """«OR», «AND», «NEAR», «NOT» are words like any other: no record holds them."""
    processed(repository, 1, BIRTH_TEXT, {"child_name": "Nguyễn Văn An"})
    processed(repository, 2, OTHER_TEXT, {"applicant_name": "Nguyễn Thị Bình"})

    assert found(repository, query) == []


def test_a_hit_in_a_field_ranks_above_one_in_the_text_only(
        repository: RecordRepository) -> None:
    processed(repository, 1, BIRTH_TEXT + "\nghi chú: Lê Minh Khoa làm chứng", {})
    processed(repository, 2, OTHER_TEXT, {"applicant_name": "Lê Minh Khoa"})

    assert found(repository, "le minh khoa") == ["scan-2.pdf", "scan-1.pdf"]


def test_hits_carry_a_snippet_of_the_original_text(repository: RecordRepository) -> None:
    processed(repository, 1, BIRTH_TEXT, {"child_name": "Nguyễn Văn An"})

    hit = repository.search("thach ha")[0]

    assert "xã Thạch Hạ" in hit.snippet
    assert hit.snippet.startswith("… ") and hit.snippet.endswith(" …")
    assert snippet("Nguyễn Văn An", "", ["an"]) == "Nguyễn Văn An"  # a field-only hit


def test_filters_and_pages_apply_to_the_hits(repository: RecordRepository) -> None:
    for number in range(1, 6):
        processed(repository, number, f"{OTHER_TEXT} số {number}", {},
                  unit="Thạch Hạ" if number % 2 else "Hà Tĩnh")

    first, second = repository.search("binh", limit=3), repository.search("binh", offset=3)

    assert len(first) == 3 and len(second) == 2
    assert {h.record.id for h in first}.isdisjoint(h.record.id for h in second)
    assert sorted(found(repository, "binh", units=("Hà Tĩnh",))) == ["scan-2.pdf", "scan-4.pdf"]
    assert found(repository, "binh", statuses=(Status.VERIFIED,)) == []


def test_the_dossier_code_and_file_name_are_searchable(repository: RecordRepository) -> None:
    processed(repository, 1, OTHER_TEXT, {}, dossier_code=CODE)
    processed(repository, 2, BIRTH_TEXT, {})

    assert found(repository, CODE) == ["scan-1.pdf"]
    assert found(repository, "scan-2.pdf") == ["scan-2.pdf"]


def test_a_reviewed_field_value_becomes_findable(repository: RecordRepository,
                                                 engine_factory: Callable[[], Engine]) -> None:
    """GIVEN a record whose name was read wrong WHEN a reviewer corrects it THEN the
    corrected name finds it and the wrong one no longer does (the text never held either)."""
    record = processed(repository, 1, OTHER_TEXT, {"child_name": "Phạm Văn Tú"},
                       status=Status.NEEDS_REVIEW)
    assert found(repository, "pham van tu") == ["scan-1.pdf"]

    ReviewRepository(engine_factory()).verify(
        Review(record_id=record.id, reviewer="Trần Thị Lan", changes=()),
        fields={"child_name": {"value": "Phạm Văn Tuấn"}})

    assert found(repository, "Pham Van Tuan") == ["scan-1.pdf"]
    assert found(repository, "pham van tu") == []
    assert found(repository, "Tiếp nhận hồ sơ") == ["scan-1.pdf"]  # the text stays indexed


def test_a_new_text_replaces_the_old_one(repository: RecordRepository) -> None:
    record = processed(repository, 1, BIRTH_TEXT, {}, status=Status.NEEDS_REVIEW)
    repository.set_status(record.id, Status.PROCESSING)
    repository.set_status(record.id, Status.DIGITIZED, text=OTHER_TEXT)

    assert found(repository, "khai sinh") == []
    assert found(repository, "hen tra ket qua") == ["scan-1.pdf"]


def test_a_huge_text_is_indexed_up_to_the_limit(repository: RecordRepository) -> None:
    """GIVEN a text of 300 000 distinct numbers (2 MB: a tsvector of it would pass
    PostgreSQL's 1 MB limit) WHEN the record is processed THEN it is stored and searchable
    by its beginning."""
    huge = " ".join(str(n) for n in range(1_000_000, 1_300_000))

    processed(repository, 1, huge, {"child_name": "Nguyễn Văn An"})

    assert found(repository, "1000001 nguyen") == ["scan-1.pdf"]
    assert found(repository, "1299999") == []  # past the limit


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_migration_back_fills_existing_records(request: pytest.FixtureRequest,
                                                   tmp_path: Path, database: str) -> None:
    """GIVEN a database at the revision before search, holding a processed record WHEN
    sohoa starts THEN the record is found by its field values."""
    url = (f"sqlite:///{tmp_path / 'old.db'}" if database == "sqlite" else
           create_postgres_database(request.getfixturevalue("postgres_url"), "backfill"))
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0004_dossiers")
            connection.execute(text(
                "INSERT INTO dossier_records (id, filename, sha256, size_bytes, station, unit, "
                "doc_type, status, fields, review_reasons, part, parts, created_at, updated_at)"
                " VALUES ('r1', 'old.pdf', :sha, 1, 's', 'u', 'birth_registration', "
                "'digitized', :fields, '[]', 1, 1, :now, :now)"),
                {"sha": "f" * 64, "now": "2026-11-28 09:30:00",
                 "fields": '{"child_name": {"value": "Nguyễn Văn An"}, "sealed": {"value": '
                           'true}}'})

        init_database(engine)
        repository = RecordRepository(engine)

        assert found(repository, "nguyen van an") == ["old.pdf"]
        assert found(repository, "true") == []  # a boolean has no words
        repository.index_text("r1", BIRTH_TEXT)  # what `sohoa reindex` adds from the store
        assert found(repository, "thach ha") == ["old.pdf"]
    finally:
        engine.dispose()


def test_unaccent_folds_vietnamese_as_sohoa_does(postgres_url: str) -> None:
    """The PostgreSQL index uses sohoa's folding instead of unaccent: measured equal on every
    Vietnamese letter, precomposed (NFC) or decomposed (NFD)."""
    engine = create_db_engine(create_postgres_database(postgres_url, "unaccent"))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
            letters = VIETNAMESE_LETTERS + [unicodedata.normalize("NFD", letter)
                                            for letter in VIETNAMESE_LETTERS]
            folded_by_pg = connection.execute(
                text("SELECT lower(unaccent(x)) FROM unnest(CAST(:xs AS text[])) AS x"),
                {"xs": letters}).scalars().all()
    finally:
        engine.dispose()

    assert len(VIETNAMESE_LETTERS) == 146
    assert folded_by_pg == [fold(letter) for letter in letters]
