"""The record repository on SQLite and on a real PostgreSQL: registration and duplicates,
status transitions, claims, listings and counts."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from schemas.status import DigitizationStatus as Status
from storage.records import (
    TRANSITIONS,
    RecordNotFoundError,
    RecordRepository,
    StatusTransitionError,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def register(repository: RecordRepository, content: str = "scan-1", *,
             station: str = "mot-cua-thach-ha", unit: str = "UBND xã Thạch Hạ",
             created_at: datetime | None = None):
    return repository.register(
        filename="Tờ khai khai sinh (bản scan).pdf", source_path=f"/srv/scans/{content}.pdf",
        sha256=sha(content), size_bytes=1234, station=station, unit=unit,
        original_key=f"originals/2026/11/{content}/original.pdf", created_at=created_at)


def test_register_creates_a_received_record(repository: RecordRepository) -> None:
    record, created = register(repository)

    assert created is True
    assert record.status is Status.RECEIVED
    assert record.duplicate_of is None
    stored = repository.get(record.id)
    assert stored is not None
    assert stored.filename == "Tờ khai khai sinh (bản scan).pdf"
    assert stored.unit == "UBND xã Thạch Hạ"
    assert stored.sha256 == sha("scan-1")
    assert stored.created_at.tzinfo is not None
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert repository.find_original(sha("scan-1")).id == record.id


def test_register_keeps_the_given_id_and_creation_time(repository: RecordRepository) -> None:
    moment = datetime(2026, 11, 28, 9, 30, tzinfo=timezone(timedelta(hours=7)))

    record, _ = repository.register(filename="a.pdf", source_path=None, sha256=sha("a"),
                                    size_bytes=1, station="s", unit="u", original_key=None,
                                    record_id="rec-123", created_at=moment)

    stored = repository.get("rec-123")
    assert stored is not None and record.id == "rec-123"
    assert stored.created_at == moment
    assert stored.created_at.utcoffset() == timedelta(0)  # handed back in UTC


def test_same_checksum_again_is_a_duplicate(repository: RecordRepository) -> None:
    original, _ = register(repository)

    duplicate, created = register(repository)

    assert created is False
    assert duplicate.id != original.id
    assert duplicate.status is Status.DUPLICATE
    assert duplicate.duplicate_of == original.id
    assert duplicate.processed_at is not None
    assert repository.find_original(sha("scan-1")).id == original.id
    third, _ = register(repository)
    assert third.duplicate_of == original.id  # always the original, never a duplicate


def test_losing_the_registration_race_makes_a_duplicate(
        engine_factory: Callable[[], Engine]) -> None:
    """GIVEN process B has looked up the checksum and found nothing
    WHEN process A registers that checksum before B inserts
    THEN B's insert hits the unique index and B's record becomes A's duplicate."""
    process_a, process_b = RecordRepository(engine_factory()), RecordRepository(engine_factory())
    lookup = process_b.find_original
    winner = {}

    def stale_lookup(sha256: str):
        found = lookup(sha256)
        if not winner:  # first look-up: A slips in between B's look-up and B's insert
            winner["record"], _ = register(process_a)
        return found

    process_b.find_original = stale_lookup

    loser, created = register(process_b)

    assert created is False
    assert loser.status is Status.DUPLICATE
    assert loser.duplicate_of == winner["record"].id


def test_concurrent_registrations_leave_one_original_per_checksum(
        engine_factory: Callable[[], Engine]) -> None:
    repositories = [RecordRepository(engine_factory()) for _ in range(2)]
    contents = [f"scan-{n}" for n in range(6)]
    barrier = threading.Barrier(len(repositories))
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def work(repository: RecordRepository) -> None:
        try:
            for content in contents:
                barrier.wait(timeout=10)
                record, created = register(repository, content)
                results.append((record.sha256, created))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(r,)) for r in repositories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    for content in contents:
        outcomes = sorted(created for sha256, created in results if sha256 == sha(content))
        assert outcomes == [False, True]
        records = [r for r in repositories[0].list_records() if r.sha256 == sha(content)]
        original = repositories[0].find_original(sha(content))
        assert {r.status for r in records} == {Status.RECEIVED, Status.DUPLICATE}
        assert [r.duplicate_of for r in records if r.status is Status.DUPLICATE] == [original.id]


def test_a_run_moves_through_its_statuses(repository: RecordRepository) -> None:
    record, _ = register(repository)

    processing = repository.set_status(record.id, Status.PROCESSING)
    assert processing.status is Status.PROCESSING
    assert processing.processed_at is None
    assert processing.updated_at >= record.updated_at

    fields = {"child_name": {"value": "Nguyễn Văn An", "confidence": 0.93, "valid": True}}
    done = repository.set_status(record.id, "needs_review", doc_type="birth_registration",
                                 fields=fields, review_reasons=["father_name missing"],
                                 page_count=2, pdf_key="pdf/2026/11/x.pdf")
    assert done.status is Status.NEEDS_REVIEW
    assert done.fields == fields
    assert done.review_reasons == ["father_name missing"]
    assert (done.doc_type, done.page_count) == ("birth_registration", 2)
    assert done.processed_at is not None

    reviewed = repository.set_status(record.id, Status.VERIFIED)
    assert reviewed.status is Status.VERIFIED
    assert reviewed.processed_at == done.processed_at  # a review is not a processing run
    assert reviewed.updated_at >= done.updated_at


def test_a_failed_record_can_be_run_again(repository: RecordRepository) -> None:
    record, _ = register(repository)
    repository.set_status(record.id, Status.PROCESSING)
    repository.set_status(record.id, Status.FAILED, error="PDF is password-protected")

    again = repository.set_status(record.id, Status.PROCESSING, error=None)

    assert again.status is Status.PROCESSING
    assert again.error is None


@pytest.mark.parametrize(("path", "refused"), [
    ([], Status.VERIFIED),
    ([], Status.DIGITIZED),
    ([], Status.DUPLICATE),
    ([Status.PROCESSING, Status.DIGITIZED], Status.PROCESSING),
    ([Status.PROCESSING, Status.DIGITIZED, Status.VERIFIED], Status.NEEDS_REVIEW),
    ([Status.PROCESSING, Status.FAILED], Status.VERIFIED),
])
def test_transitions_not_in_the_table_are_refused(repository: RecordRepository,
                                                  path: list[Status], refused: Status) -> None:
    record, _ = register(repository)
    for status in path:
        repository.set_status(record.id, status)
    before = repository.get(record.id)

    with pytest.raises(StatusTransitionError, match=f"to {refused.value}"):
        repository.set_status(record.id, refused)

    assert repository.get(record.id).model_dump() == before.model_dump()


@pytest.mark.parametrize("target", list(Status))
def test_nothing_leaves_duplicate(repository: RecordRepository, target: Status) -> None:
    register(repository)
    duplicate, _ = register(repository)

    with pytest.raises(StatusTransitionError):
        repository.set_status(duplicate.id, target)


def test_verified_only_from_review_or_digitized() -> None:
    assert {s for s, targets in TRANSITIONS.items() if Status.VERIFIED in targets} == {
        Status.NEEDS_REVIEW, Status.DIGITIZED}
    assert {s for s, targets in TRANSITIONS.items() if Status.PROCESSING in targets} == {
        Status.RECEIVED, Status.PROCESSING, Status.FAILED, Status.NEEDS_REVIEW}


def test_bad_status_calls(repository: RecordRepository) -> None:
    record, _ = register(repository)
    with pytest.raises(RecordNotFoundError):
        repository.set_status("no-such-record", Status.PROCESSING)
    with pytest.raises(ValueError, match="unknown record columns: colour"):
        repository.set_status(record.id, Status.PROCESSING, colour="red")
    with pytest.raises(ValueError, match="register"):
        repository.set_status(record.id, Status.PROCESSING, duplicate_of="x")
    with pytest.raises(ValueError):
        repository.set_status(record.id, "finished")
    assert repository.get(record.id).status is Status.RECEIVED


def test_update_writes_other_columns_only(repository: RecordRepository) -> None:
    record, _ = register(repository)

    updated = repository.update(record.id, text_key="text/2026/11/x.txt", pipeline_version="0.1")

    assert (updated.text_key, updated.pipeline_version) == ("text/2026/11/x.txt", "0.1")
    assert updated.status is Status.RECEIVED
    with pytest.raises(ValueError, match="status"):
        repository.update(record.id, status=Status.DIGITIZED)
    with pytest.raises(RecordNotFoundError):
        repository.update("no-such-record", error="x")


def test_claim_holds_a_lease(repository: RecordRepository) -> None:
    record, _ = register(repository)

    assert repository.claim_for_processing(record.id, timedelta(hours=1)) is True
    assert repository.get(record.id).status is Status.PROCESSING
    assert repository.claim_for_processing(record.id, timedelta(hours=1)) is False

    time.sleep(0.05)
    # A run that has not been heard of for longer than the lease is presumed dead.
    assert repository.claim_for_processing(record.id, timedelta(milliseconds=10)) is True


def test_renewing_leases_keeps_a_runs_waiting_records_from_being_claimed(
        repository: RecordRepository) -> None:
    """GIVEN two records a run claimed and one still received WHEN the run renews its
    leases later THEN its records are not claimable within the lease (a sweep would have
    taken them for abandoned), and the received one is left as it was."""
    held, _ = register(repository, "scan-1")
    waiting, _ = register(repository, "scan-2")
    received, _ = register(repository, "scan-3")
    for record in (held, waiting):
        assert repository.claim_for_processing(record.id, timedelta(hours=1))
    time.sleep(0.3)

    assert repository.renew_leases([held.id, waiting.id, received.id]) == 2
    lease = timedelta(milliseconds=200)
    assert not repository.claim_for_processing(held.id, lease)
    assert not repository.claim_for_processing(waiting.id, lease)
    assert repository.get(received.id).updated_at == received.updated_at
    assert repository.renew_leases([]) == 0


def test_final_records_cannot_be_claimed(repository: RecordRepository) -> None:
    record, _ = register(repository)
    duplicate, _ = register(repository)
    repository.set_status(record.id, Status.PROCESSING)
    repository.set_status(record.id, Status.DIGITIZED)

    assert repository.claim_for_processing(record.id, timedelta(0)) is False
    assert repository.claim_for_processing(duplicate.id, timedelta(0)) is False
    assert repository.claim_for_processing("no-such-record", timedelta(0)) is False


def test_only_one_of_two_concurrent_claims_wins(engine_factory: Callable[[], Engine]) -> None:
    repositories = [RecordRepository(engine_factory()) for _ in range(2)]
    record, _ = register(repositories[0])
    barrier = threading.Barrier(2)
    won: list[bool] = []

    def claim(repository: RecordRepository) -> None:
        barrier.wait(timeout=10)
        won.append(repository.claim_for_processing(record.id, timedelta(hours=1)))

    threads = [threading.Thread(target=claim, args=(r,)) for r in repositories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(won) == [False, True]


def test_list_records_filters(repository: RecordRepository) -> None:
    old = datetime(2026, 1, 5, tzinfo=UTC)
    first, _ = register(repository, "a", station="s1", unit="Phường 1", created_at=old)
    second, _ = register(repository, "b", station="s2", unit="Phường 1")
    third, _ = register(repository, "c", station="s2", unit="Xã Thạch Hạ")
    repository.set_status(third.id, Status.FAILED, error="unreadable")

    def ids(**filters: object) -> list[str]:
        return [record.id for record in repository.list_records(**filters)]

    assert ids() == [first.id, second.id, third.id]
    assert ids(status=Status.RECEIVED) == [first.id, second.id]
    assert ids(status="failed") == [third.id]
    assert ids(station="s2") == [second.id, third.id]
    assert ids(unit="Phường 1") == [first.id, second.id]
    assert ids(since=datetime(2026, 6, 1, tzinfo=UTC)) == [second.id, third.id]
    assert ids(station="s2", unit="Phường 1", status="received") == [second.id]
    assert ids(limit=2) == [first.id, second.id]
    assert all(r.updated_at.tzinfo is not None for r in repository.list_records())


def test_count_by_status(repository: RecordRepository) -> None:
    a, _ = register(repository, "a", unit="Phường 1")
    register(repository, "a", unit="Phường 1")
    register(repository, "b", unit="Xã Thạch Hạ")
    repository.set_status(a.id, Status.PROCESSING)
    repository.set_status(a.id, Status.DIGITIZED)

    counts = repository.count_by_status()
    assert counts == {**dict.fromkeys(Status, 0), Status.DIGITIZED: 1, Status.DUPLICATE: 1,
                      Status.RECEIVED: 1}
    assert repository.count_by_status(unit="Phường 1")[Status.RECEIVED] == 0
    assert repository.count_by_status(unit="Phường 1")[Status.DUPLICATE] == 1
    assert sum(repository.count_by_status(unit="nowhere").values()) == 0


def test_unfiled_receipts_in_review_are_listed_and_filed_once(repository: RecordRepository
                                                              ) -> None:
    """GIVEN a receipt in review under no dossier, one in review under a dossier, one
    digitized under none, and a form in review under none WHEN listed THEN only the first;
    filed under a code it is so with its new reasons, and a second filing (a reviewer or a
    run took it: no longer unfiled) writes nothing."""
    def processed(content: str, status: Status, role: str, code: str | None) -> str:
        record, _ = register(repository, content)
        repository.set_status(record.id, Status.PROCESSING)
        repository.set_status(record.id, status, role=role, dossier_code=code,
                              review_reasons=["dossier_code: refused"])
        return record.id

    waiting = processed("a", Status.NEEDS_REVIEW, "receipt", None)
    processed("b", Status.NEEDS_REVIEW, "receipt", "000.00.21.H27-241128-0002")
    processed("c", Status.DIGITIZED, "receipt", None)
    processed("d", Status.NEEDS_REVIEW, "component", None)

    assert [r.id for r in repository.unfiled_receipts_in_review()] == [waiting]
    code = "000.00.21.H27-241128-0001"
    assert repository.file_unfiled(waiting, code, ["dossier_code: refused", "filed"])
    filed = repository.require(waiting)
    assert (filed.dossier_code, filed.review_reasons, filed.status) == (
        code, ["dossier_code: refused", "filed"], Status.NEEDS_REVIEW)
    assert repository.unfiled_receipts_in_review() == []
    assert not repository.file_unfiled(waiting, "000.00.21.H27-241128-0009", [])
    assert repository.require(waiting).dossier_code == code
