"""The review audit trail, and the one atomic step that verifies a record.

:meth:`ReviewRepository.verify` moves a record to ``verified`` with its corrected columns and
writes the review's audit rows in one database transaction: a record is never verified
without its trail, and a trail never describes a review that did not happen. The status
change itself goes through :meth:`RecordRepository.set_status` (the one status-change
function), run on the transaction's connection: its conditional UPDATE is also what stops two
reviewers from verifying one record at once (the second gets StatusTransitionError).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, col, select

from schemas.errors import StorageError
from schemas.record import DossierRecord, utc_now
from schemas.review import REASONS_TARGET, STATUS_TARGET, ReviewEntry, new_review_id
from schemas.status import DigitizationStatus as Status
from storage.database import database_session, describe_url
from storage.records import RecordRepository


@dataclass(frozen=True)
class Change:
    """One thing a review changed: ``target`` (see schemas.review) from ``old`` to ``new``."""

    target: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Review:
    """Who reviewed a record, when, and what they changed besides the status (the status
    row is written by :meth:`ReviewRepository.verify` from the status it replaces)."""

    record_id: str
    reviewer: str
    changes: tuple[Change, ...]
    note: str | None = None
    flow_run_id: str | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True)
class Refiling:
    """Another record a review changes: a document after a reviewed receipt in its file,
    filed under the dossier code the review gave (``dossier_code``) with the doubts left
    once the review answered the one about that code (``review_reasons``). ``answered``:
    none is left, and the record, in review, becomes digitized."""

    record_id: str
    dossier_code: str
    review_reasons: tuple[str, ...]
    answered: bool


class ReviewRepository:
    """Review audit rows in the record database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def verify(self, review: Review, *, refiled: Sequence[Refiling] = (),
               **record_changes: Any) -> tuple[DossierRecord, list[ReviewEntry]]:
        """Set the record ``verified`` with ``record_changes`` (fields, review_reasons,
        doc_type, …) and write its audit rows atomically: the status row (old status →
        verified) first, then one row per entry of ``review.changes`` (which holds no status).
        ``refiled`` changes other records in the same transaction: the documents that follow
        a receipt whose code the review gave (see :class:`Refiling`); one that becomes
        digitized gets its own status and reasons rows, by the same reviewer.

        Raises StatusTransitionError when the record is not in a status that may become
        verified (someone else verified it first), RecordNotFoundError for an unknown id.
        """
        moment = _utc(review.reviewed_at or utc_now())
        try:
            with self.engine.connect() as connection, connection.begin():
                # RecordRepository opens its sessions on what it is given; on this connection
                # they join the open transaction, so its UPDATE commits or rolls back together
                # with the audit rows.
                records = RecordRepository(connection)  # type: ignore[arg-type]
                before = records.require(review.record_id)
                record = records.set_status(review.record_id, Status.VERIFIED, **record_changes)
                status = Change(STATUS_TARGET, before.status.value, record.status.value)
                entries = _entries(review, (status, *review.changes), moment)
                others = [row for refiling in refiled
                          for row in _refile(records, refiling, review, moment)]
                with Session(connection, expire_on_commit=False) as session:
                    session.add_all([*entries, *others])
                    session.commit()  # joined: the real commit is the connection's, below
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            raise StorageError(f"Database {describe_url(self.engine)} failed while recording "
                               f"the review of {review.record_id}; try again") from error
        return record, entries

    def entries_for(self, record_id: str) -> list[ReviewEntry]:
        """Every audit row of a record, oldest review first (rows of one review in the
        order they were written)."""
        statement = (select(ReviewEntry).where(ReviewEntry.record_id == record_id)
                     .order_by(col(ReviewEntry.reviewed_at), col(ReviewEntry.id)))
        with self._session() as session:
            return [_with_utc(entry) for entry in session.exec(statement).all()]

    def last_review(self, record_id: str) -> list[ReviewEntry]:
        """The rows of the record's latest review (empty when it was never reviewed)."""
        entries = self.entries_for(record_id)
        if not entries:
            return []
        latest = entries[-1].review_id
        return [entry for entry in entries if entry.review_id == latest]

    # -- internals ------------------------------------------------------------------------

    def _session(self) -> AbstractContextManager[Session]:
        return database_session(self.engine)


def _refile(records: RecordRepository, refiling: Refiling, review: Review,
            moment: datetime) -> list[ReviewEntry]:
    """Write one refiling; the audit rows of a record it made digitized (none otherwise:
    its dossier's move is the reviewed receipt's own change)."""
    before = records.require(refiling.record_id)
    if refiling.answered and records.mark_answered(
            refiling.record_id, dossier_code=refiling.dossier_code, review_reasons=[]):
        note = f"its doubt was answered by the review of record {review.record_id}"
        answered = Review(record_id=refiling.record_id, reviewer=review.reviewer, note=note,
                          flow_run_id=review.flow_run_id, changes=())
        changes = (Change(STATUS_TARGET, before.status.value, Status.DIGITIZED.value),
                   Change(REASONS_TARGET, list(before.review_reasons), []))
        return _entries(answered, changes, moment)
    if refiling.answered or before.status is not Status.NEEDS_REVIEW:
        # Verified or taken by a new run meanwhile: only its dossier follows the receipt.
        records.update(refiling.record_id, dossier_code=refiling.dossier_code)
    else:
        records.update(refiling.record_id, dossier_code=refiling.dossier_code,
                       review_reasons=list(refiling.review_reasons))
    return []


def _entries(review: Review, changes: tuple[Change, ...], moment: datetime) -> list[ReviewEntry]:
    review_id = new_review_id()
    return [ReviewEntry(review_id=review_id, record_id=review.record_id,
                        reviewer=review.reviewer, reviewed_at=moment, target=change.target,
                        old_value=change.old, new_value=change.new, note=review.note,
                        flow_run_id=review.flow_run_id)
            for change in changes]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _with_utc(entry: ReviewEntry) -> ReviewEntry:
    """SQLite hands datetimes back without their offset; they were stored in UTC."""
    if entry.reviewed_at.tzinfo is None:
        entry.reviewed_at = entry.reviewed_at.replace(tzinfo=UTC)
    return entry
