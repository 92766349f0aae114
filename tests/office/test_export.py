"""JSON Lines export: stored documents and documents built from records, filters, keyset
paging, conformance to the published JSON Schema, and flat memory over 100 000 records.

The helpers here (services on a temporary SQLite and local store, records inserted directly
in any status) are shared by the other report and API tests.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import insert, text
from sqlmodel import SQLModel

from config.settings import Settings
from office.export import export_records
from office.services import Services
from schemas.document import (
    Artifacts,
    DossierDocument,
    ExtractedField,
    PageSummary,
    SourceInfo,
)
from schemas.jsonschema import SCHEMA_PATH
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage import keys
from storage.database import create_db_engine, init_database
from storage.objects import ObjectNotFoundError
from storage.records import RecordFilter, RecordRepository
from tests.memory import MemorySampler

START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def make_services(tmp_path: Path, **overrides: Any) -> Services:
    """Services on a SQLite file and a local object store under ``tmp_path``."""
    return Services(Settings(data_dir=tmp_path / "data", **overrides))


def record_row(number: int, *, status: Status | str = Status.DIGITIZED, unit: str = "A",
               station: str = "s1", created_at: datetime | None = None,
               **columns: Any) -> dict[str, Any]:
    """Column values of a record (number makes id and checksum unique). Every row has the
    same keys, as one INSERT of many rows needs."""
    optional = dict.fromkeys(("doc_type", "pdf_key", "text_key", "json_key", "error",
                              "duplicate_of", "processed_at", "page_count"))
    return {**optional, "id": f"rec-{number:06d}", "filename": f"scan {number}.pdf",
            "sha256": hashlib.sha256(str(number).encode()).hexdigest(), "size_bytes": 1000,
            "station": station, "unit": unit, "status": Status(status), "fields": {},
            "review_reasons": [], "original_key": f"originals/2026/11/rec-{number:06d}/o.pdf",
            "created_at": created_at or START + timedelta(seconds=number),
            "updated_at": START, **columns}


def insert_rows(repository: RecordRepository, rows: list[dict[str, Any]]) -> None:
    """Insert records as they are, in one statement: tests need records in every status
    without walking each through the status transitions."""
    with repository.engine.begin() as connection:
        connection.execute(insert(DossierRecord.__table__), rows)


def stored_document(record: DossierRecord) -> DossierDocument:
    """The document the pipeline would have stored for a digitized record."""
    field = ExtractedField(value="Nguyễn Văn An", confidence=0.93, page=1, bbox=(10, 20, 300, 45),
                           valid=True)
    return DossierDocument(
        record_id=record.id,
        source=SourceInfo(filename=record.filename, sha256=record.sha256,
                          station=record.station, unit=record.unit,
                          size_bytes=record.size_bytes),
        status=record.status, doc_type="birth_registration", fields={"child_name": field},
        pages=[PageSummary(number=1, text="TỜ KHAI ĐĂNG KÝ KHAI SINH", mean_confidence=91.5,
                           rotation=0, skew_degrees=-1.2)],
        artifacts=Artifacts(original=record.original_key, json=record.json_key),
        processed_at=datetime(2026, 11, 28, 9, 30, tzinfo=UTC), pipeline_version="sohoa test")


def store_json(services: Services, record_id: str) -> dict[str, Any]:
    """Store a document for the record, point the record at it; return it as parsed JSON."""
    record = services.repository.require(record_id)
    key = keys.json_key(record.id, record.created_at)
    record = services.repository.update(record.id, json_key=key)
    text = stored_document(record).to_json()
    services.store.put_bytes(key, text.encode(), "application/json")
    return json.loads(text)


def schema_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def export_ids(services: Services, **options: Any) -> list[str]:
    out = io.StringIO()
    export_records(services.repository, services.store, out, **options)
    return [json.loads(line)["record_id"] for line in out.getvalue().splitlines()]


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return make_services(tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RecordRepository]:
    """A repository on an empty SQLite file, and on the session's real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sohoa.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = create_db_engine(url)
    # The PostgreSQL database is shared by the session: drop tables and migration revision,
    # so that init_database creates them afresh.
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    init_database(engine)
    yield RecordRepository(engine)
    engine.dispose()


def test_export_writes_stored_documents_and_builds_the_others(services: Services) -> None:
    """GIVEN a digitized record with a stored JSON and a received one without
    WHEN exported THEN the first line is the stored document and the second is built from
    the record, both valid against the published schema."""
    insert_rows(services.repository, [record_row(1), record_row(2, status=Status.RECEIVED)])
    stored = store_json(services, "rec-000001")
    out = io.StringIO()

    count = export_records(services.repository, services.store, out, since=None,
                           statuses=None, units=None)

    lines = out.getvalue().splitlines()
    assert count == 2 and len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first == stored
    assert first["pages"][0]["text"] == "TỜ KHAI ĐĂNG KÝ KHAI SINH"
    assert "TỜ KHAI" in lines[0]  # Vietnamese written as text, not \\u escapes
    assert second["record_id"] == "rec-000002"
    assert second["status"] == "received"
    assert second["doc_type"] == "unknown" and second["pages"] == []
    assert second["artifacts"]["original"] == "originals/2026/11/rec-000002/o.pdf"
    assert second["artifacts"]["json"] is None
    validator = schema_validator()
    for document in (first, second):
        assert list(validator.iter_errors(document)) == []


def test_export_filters_by_since_status_and_unit(services: Services) -> None:
    insert_rows(services.repository, [
        record_row(1, unit="A", status=Status.DIGITIZED, created_at=START),
        record_row(2, unit="B", status=Status.DIGITIZED, created_at=START + timedelta(days=1)),
        record_row(3, unit="A", status=Status.FAILED, created_at=START + timedelta(days=2),
                   error="PDF is password-protected"),
        record_row(4, unit="C", status=Status.NEEDS_REVIEW, created_at=START + timedelta(days=3),
                   review_reasons=["child_dob missing"]),
    ])
    ids = ["rec-000001", "rec-000002", "rec-000003", "rec-000004"]

    assert export_ids(services) == ids
    assert export_ids(services, since=START + timedelta(days=1)) == ids[1:]
    assert export_ids(services, statuses=["digitized"]) == ids[:2]
    assert export_ids(services, statuses=["failed", "needs_review"]) == ids[2:]
    assert export_ids(services, units=["A"]) == [ids[0], ids[2]]
    assert export_ids(services, units=["A", "C"], statuses=["failed", "needs_review"],
                      since=START + timedelta(hours=1)) == ids[2:]
    assert export_ids(services, units=["nowhere"]) == []


def test_export_refuses_an_unknown_status(services: Services) -> None:
    with pytest.raises(ValueError, match="'done'"):
        export_ids(services, statuses=["done"])


def test_export_pages_through_equal_creation_times(services: Services) -> None:
    """Batches end in the middle of records created at the same moment: none is repeated
    or skipped, because the keyset is (created_at, id)."""
    insert_rows(services.repository, [record_row(n, created_at=START) for n in range(10, 0, -1)])
    out = io.StringIO()

    count = export_records(services.repository, services.store, out, batch_size=3)

    ids = [json.loads(line)["record_id"] for line in out.getvalue().splitlines()]
    assert count == 10
    assert ids == [f"rec-{n:06d}" for n in range(1, 11)]


def test_keyset_pages_and_filters_on_sqlite_and_postgresql(repository: RecordRepository) -> None:
    """page_records continues strictly after a position, ties broken by id, with filters
    (an unclassified record counts as doc_type "unknown")."""
    insert_rows(repository, [record_row(n, created_at=START, doc_type=None if n % 2 else "x")
                             for n in range(1, 8)])
    everything = RecordFilter()

    first = repository.page_records(everything, None, 3)
    second = repository.page_records(everything, (first[-1].created_at, first[-1].id), 3)
    unknown = [r.id for r in repository.iter_records(RecordFilter(doc_types=("unknown",)), 2)]

    assert [r.id for r in first + second] == [f"rec-{n:06d}" for n in range(1, 7)]
    assert first[-1].created_at == START
    assert unknown == ["rec-000001", "rec-000003", "rec-000005", "rec-000007"]
    assert [r.id for r in repository.iter_records(RecordFilter(until=START))] == []


def test_export_fails_when_a_stored_json_is_missing(services: Services) -> None:
    insert_rows(services.repository, [record_row(1, json_key="json/2026/11/rec-000001.json")])

    with pytest.raises(ObjectNotFoundError, match="rec-000001"):
        export_ids(services)


def insert_synthetic(repository: RecordRepository, total: int) -> None:
    """Insert ``total`` records in every status with one SQL statement that SQLite expands
    itself (a recursive CTE): a second instead of the ORM's many. Values are written in the
    formats SQLAlchemy uses for this table (datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff')."""
    status = " ".join(f"WHEN {n} THEN '{s.value}'" for n, s in enumerate(Status))
    statement = text(f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :total)
        INSERT INTO dossier_records (id, filename, sha256, size_bytes, station, unit, status,
                                     fields, review_reasons, original_key, created_at,
                                     updated_at)
        SELECT printf('rec-%06d', i), printf('scan %d.pdf', i), printf('%064x', i), 1000,
               's1', printf('Xã %d', i % 7), CASE i % {len(Status)} {status} END, '{{}}', '[]',
               printf('originals/2026/11/rec-%06d/o.pdf', i),
               datetime('2026-11-28 01:00:00', printf('+%d seconds', i)) || '.000000',
               '2026-11-28 01:00:00.000000'
        FROM n""")
    with repository.engine.begin() as connection:
        connection.execute(statement, {"total": total})


# Measured on these records (resident memory, sampled every 20 ms): loading all 100 000 at
# once (list_records()) grows by 357 MB; streaming 500 at a time by 4 MB. The bound sits far
# from both.
STREAMING_GROWTH_BOUND_MB = 40


def test_export_of_100000_records_runs_in_flat_memory(services: Services,
                                                      tmp_path: Path) -> None:
    """GIVEN 100 000 records WHEN exported to a file THEN every record is written once, in
    order, and the peak of traced memory stays far below what loading them all would take."""
    total = 100_000
    insert_synthetic(services.repository, total)
    target = tmp_path / "export.jsonl"
    services.repository  # noqa: B018 - open the database before measuring

    started = time.monotonic()
    with MemorySampler(interval=0.02) as memory, target.open("w", encoding="utf-8") as out:
        count = export_records(services.repository, services.store, out, version="sohoa test")
    elapsed = time.monotonic() - started

    assert count == total
    assert memory.growth() < STREAMING_GROWTH_BOUND_MB, (
        f"grew {memory.growth():.1f} MB in {elapsed:.1f} s")
    with target.open(encoding="utf-8") as lines:
        first_line = next(lines)
        remaining = sum(1 for _ in lines)
    assert remaining == total - 1
    first_document = json.loads(first_line)
    assert first_document["record_id"] == "rec-000000"
    assert list(schema_validator().iter_errors(first_document)) == []
