"""The review audit trail on SQLite and a real PostgreSQL: verifying a record and writing its
rows is one transaction, the rows read back in order with UTC times, and databases of every
age get the table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy import exc as sa_exc
from sqlmodel import SQLModel

from schemas.record import DossierRecord
from schemas.search import compared
from schemas.status import DigitizationStatus as Status
from storage.database import (
    alembic_config,
    create_db_engine,
    head_revision,
    init_database,
    schema_revision,
)
from storage.records import RecordNotFoundError, RecordRepository, StatusTransitionError
from storage.reviews import Change, Review, ReviewRepository

MOMENT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def record_in_review(repository: RecordRepository, number: int = 1) -> DossierRecord:
    record, _ = repository.register(
        filename=f"scan {number}.pdf", source_path=None, sha256=f"{number:064x}", size_bytes=1,
        station="s", unit="u", original_key=f"originals/{number}.pdf")
    repository.set_status(record.id, Status.PROCESSING)
    return repository.set_status(record.id, Status.NEEDS_REVIEW, review_reasons=["low"],
                                 fields={"phone": {"value": "091"}})


def a_review(record_id: str, *changes: Change, reviewer: str = "Trần Thị Lan") -> Review:
    return Review(record_id=record_id, reviewer=reviewer, changes=tuple(changes),
                  note="so sánh với bản giấy", flow_run_id="run-1", reviewed_at=MOMENT)


@pytest.fixture
def reviews(engine_factory: Callable[[], Engine]) -> ReviewRepository:
    return ReviewRepository(engine_factory())


def test_verify_sets_the_status_and_writes_the_trail(repository: RecordRepository,
                                                     reviews: ReviewRepository) -> None:
    record = record_in_review(repository)
    review = a_review(record.id, Change("fields.phone", "091", "0912345678"),
                      Change("review_reasons", ["low"], []))

    verified, entries = reviews.verify(review, fields={"phone": {"value": "0912345678"}},
                                       review_reasons=[])

    assert verified.status is Status.VERIFIED and verified.review_reasons == []
    assert repository.require(record.id).fields == {"phone": {"value": "0912345678"}}
    stored = reviews.entries_for(record.id)
    assert [(e.target, e.old_value, e.new_value) for e in stored] == [
        ("status", "needs_review", "verified"),
        ("fields.phone", "091", "0912345678"),
        ("review_reasons", ["low"], []),
    ]
    assert [e.id for e in stored] == [e.id for e in entries]
    assert {(e.reviewer, e.reviewed_at, e.note, e.flow_run_id) for e in stored} == {
        ("Trần Thị Lan", MOMENT, "so sánh với bản giấy", "run-1")}
    assert len({e.review_id for e in stored}) == 1


def test_a_refused_transition_writes_no_rows(repository: RecordRepository,
                                             reviews: ReviewRepository) -> None:
    record = record_in_review(repository)
    reviews.verify(a_review(record.id))

    with pytest.raises(StatusTransitionError, match="verified to verified"):
        reviews.verify(a_review(record.id, Change("fields.phone", "091", "1"), reviewer="B"))
    with pytest.raises(RecordNotFoundError):
        reviews.verify(a_review("no-such-record"))

    assert [e.reviewer for e in reviews.entries_for(record.id)] == ["Trần Thị Lan"]


def test_rows_that_cannot_be_written_leave_the_record_in_review(
        repository: RecordRepository, reviews: ReviewRepository) -> None:
    """GIVEN a review whose audit rows fail to insert WHEN it is applied THEN the status
    change is rolled back with them: no verified record without its trail."""
    record = record_in_review(repository)
    unstorable = Change("fields.phone", object(), "0912345678")  # not JSON

    # SQLite's driver wraps the encoder's TypeError in a StatementError; psycopg does not.
    with pytest.raises((sa_exc.StatementError, TypeError)):
        reviews.verify(a_review(record.id, unstorable), review_reasons=[])

    assert repository.require(record.id).status is Status.NEEDS_REVIEW
    assert reviews.entries_for(record.id) == []


def test_entries_come_back_oldest_review_first_in_utc(repository: RecordRepository,
                                                     reviews: ReviewRepository) -> None:
    first, second = record_in_review(repository, 1), record_in_review(repository, 2)
    reviews.verify(a_review(second.id))
    later = Review(record_id=first.id, reviewer="Minh", changes=(),
                   reviewed_at=MOMENT + timedelta(hours=1))
    reviews.verify(later)

    (entry,) = reviews.entries_for(first.id)
    assert entry.reviewer == "Minh" and entry.reviewed_at == MOMENT + timedelta(hours=1)
    assert entry.reviewed_at.tzinfo is not None
    assert reviews.last_review(first.id) == [entry]
    assert reviews.last_review("never-reviewed") == []


# -- the table in databases of every age ------------------------------------------------------


def differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                             "include_name": compared})
        return compare_metadata(context, SQLModel.metadata)


def test_a_database_from_before_reviews_gets_the_table(tmp_path: Path) -> None:
    """GIVEN a database create_all made before reviews existed (only the records table as it
    was then, no revision) WHEN sohoa starts THEN it is stamped at the first revision and
    upgraded."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as connection:  # the records table as the first release made it
            command.upgrade(alembic_config(connection), "0001_initial")
            connection.execute(text("DROP TABLE alembic_version"))

        init_database(engine)
        record = record_in_review(RecordRepository(engine))

        assert schema_revision(engine) == head_revision()
        assert "review_entries" in inspect(engine).get_table_names()
        assert differences(engine) == []
        ReviewRepository(engine).verify(a_review(record.id))
    finally:
        engine.dispose()


def test_a_database_create_all_made_with_reviews_is_stamped_at_head(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        SQLModel.metadata.create_all(engine)

        init_database(engine)

        assert schema_revision(engine) == head_revision()
        assert differences(engine) == []
    finally:
        engine.dispose()
