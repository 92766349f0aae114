"""The record repository: every read and write of dossier records, and every status change.

Status changes go through :meth:`RecordRepository.set_status` only. It applies a transition
table (below) inside the database with a conditional UPDATE, so two processes cannot both move
a record from the same state. Timestamps are stored and returned in UTC (timezone-aware).

Claiming: :meth:`RecordRepository.claim_for_processing` takes a record for one flow run with a
lease. Until the model gets a lease column, the lease starts at ``updated_at``: a record in
``processing`` whose ``updated_at`` is older than the lease may be claimed again (its run
presumably died). Any ``update()`` during processing therefore also renews the lease.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Engine, and_, func, or_, update
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, col, select

from schemas.errors import SohoaError
from schemas.record import DossierRecord, new_record_id, utc_now
from schemas.status import DigitizationStatus as Status
from storage import search
from storage.database import database_session
from storage.search import SearchHit

# Which statuses each status may move to. Nothing leaves `duplicate` or `verified`;
# `processing` may be entered again for re-runs (and by a run taking over an expired lease).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.PROCESSING, Status.FAILED}),
    Status.PROCESSING: frozenset({Status.PROCESSING, Status.DIGITIZED, Status.NEEDS_REVIEW,
                                  Status.FAILED, Status.RECEIVED}),
    Status.DIGITIZED: frozenset({Status.VERIFIED}),
    Status.NEEDS_REVIEW: frozenset({Status.VERIFIED, Status.PROCESSING}),
    Status.VERIFIED: frozenset(),
    Status.FAILED: frozenset({Status.PROCESSING}),
    Status.DUPLICATE: frozenset(),
}
CLAIMABLE = (Status.RECEIVED, Status.FAILED, Status.NEEDS_REVIEW)
# Columns that only register() and set_status() may write.
PROTECTED_COLUMNS = frozenset({"id", "status", "sha256", "created_at", "updated_at",
                               "duplicate_of"})
_DATETIME_COLUMNS = ("created_at", "updated_at", "processed_at")
MaybeRecord = TypeVar("MaybeRecord", DossierRecord, None)
GroupBy = Literal["unit", "station", "day"]
# Keyset position in the (created_at, id) order that listings use.
Position = tuple[datetime, str]


@dataclass(frozen=True)
class RecordFilter:
    """Which records a listing returns: every given criterion must hold; an empty tuple
    means any value. ``since`` (inclusive) and ``until`` (exclusive) are on created_at."""

    statuses: tuple[Status, ...] = ()
    units: tuple[str, ...] = ()
    stations: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


class RecordNotFoundError(SohoaError, LookupError):
    """No record has this id."""


class StatusTransitionError(SohoaError):
    """The record's current status does not allow the requested one; retrying will not help."""


class RecordRepository:
    """Dossier records in one SQL database."""

    def __init__(self, engine: Engine | Connection) -> None:
        # A connection lets a caller run several changes in one transaction (reviews).
        self.engine = engine

    def register(self, *, filename: str, source_path: str | None, sha256: str,
                 size_bytes: int, station: str, unit: str, original_key: str | None,
                 record_id: str | None = None,
                 created_at: datetime | None = None) -> tuple[DossierRecord, bool]:
        """Record a received file. Returns the record and whether it is a new original.

        A file whose checksum an original record already has becomes a ``duplicate`` record
        pointing at it (``created`` is False). When two processes register one checksum at
        once, the database's unique index lets one win; the other becomes its duplicate.
        ``created_at`` lets the caller use the same moment it derived object keys from.
        """
        values = dict(id=record_id or new_record_id(), filename=filename,
                      source_path=source_path, sha256=sha256, size_bytes=size_bytes,
                      station=station, unit=unit, original_key=original_key,
                      created_at=_utc(created_at or utc_now()))
        original = self.find_original(sha256)
        if original is None:
            try:
                return self._insert(DossierRecord(status=Status.RECEIVED, **values)), True
            except sa_exc.IntegrityError:
                original = self.find_original(sha256)  # lost the race: the winner is there
                if original is None:
                    raise
        duplicate = DossierRecord(status=Status.DUPLICATE, duplicate_of=original.id,
                                  processed_at=utc_now(), **values)
        return self._insert(duplicate), False

    def get(self, record_id: str) -> DossierRecord | None:
        """The record with this id, or None."""
        with self._session() as session:
            return _with_utc(session.get(DossierRecord, record_id))

    def require(self, record_id: str) -> DossierRecord:
        """The record with this id; RecordNotFoundError if there is none."""
        record = self.get(record_id)
        if record is None:
            raise RecordNotFoundError(f"no dossier record {record_id}")
        return record

    def find_original(self, sha256: str) -> DossierRecord | None:
        """The original record with this checksum (a split file's first record), or None."""
        statement = select(DossierRecord).where(DossierRecord.sha256 == sha256,
                                                col(DossierRecord.duplicate_of).is_(None),
                                                col(DossierRecord.part_of).is_(None))
        with self._session() as session:
            return _with_utc(session.exec(statement).first())

    def find_by_checksum(self, sha256: str) -> list[DossierRecord]:
        """Every record (originals and duplicates) with this checksum, newest first."""
        statement = (select(DossierRecord).where(DossierRecord.sha256 == sha256)
                     .order_by(col(DossierRecord.created_at).desc()))
        with self._session() as session:
            return [_with_utc(record) for record in session.exec(statement).all()]

    def part_record(self, first: DossierRecord, part: int, parts: int) -> DossierRecord:
        """Document ``part`` (2 or more) of the split file whose first record is ``first``:
        the existing one when a retry of the same run made it already, else a new record in
        ``processing``, with the file's original, checksum, station and unit."""
        statement = select(DossierRecord).where(DossierRecord.part_of == first.id,
                                                DossierRecord.part == part)
        with self._session() as session:
            existing = _with_utc(session.exec(statement).first())
        if existing is not None:
            return existing
        return self._insert(DossierRecord(
            status=Status.PROCESSING, part_of=first.id, part=part, parts=parts,
            filename=first.filename, source_path=first.source_path, sha256=first.sha256,
            size_bytes=first.size_bytes, station=first.station, unit=first.unit,
            original_key=first.original_key, created_at=first.created_at))

    def parts_of(self, first_id: str) -> list[DossierRecord]:
        """The later documents of a split file, in page order (its first record excluded)."""
        statement = (select(DossierRecord).where(DossierRecord.part_of == first_id)
                     .order_by(col(DossierRecord.part)))
        with self._session() as session:
            return [_with_utc(record) for record in session.exec(statement).all()]

    def set_status(self, record_id: str, status: Status | str, *, text: str | None = None,
                   **changes: Any) -> DossierRecord:
        """Move a record to ``status`` and write ``changes`` with it, atomically.

        Raises StatusTransitionError when the current status does not allow it (see
        TRANSITIONS) and RecordNotFoundError for an unknown id. Sets ``updated_at``, and
        ``processed_at`` when a run ends in a final status (a review leaves it as it was).
        ``text`` is the record's OCR text, for the search index (None: unchanged); the index
        is written in the same transaction whenever the text or a searched column changes.
        """
        status = Status(status)
        values = _column_values(changes)
        now = utc_now()
        values.update(status=status, updated_at=now)
        if status.is_final and status is not Status.VERIFIED:
            values.setdefault("processed_at", now)
        sources = [source for source, targets in TRANSITIONS.items() if status in targets]
        condition = and_(DossierRecord.id == record_id, col(DossierRecord.status).in_(sources))
        if not self._update_where(condition, values, record_id, text):
            raise self._refusal(record_id, status)
        return self.require(record_id)

    def mark_answered(self, record_id: str, **changes: Any) -> bool:
        """Move a record in review whose last doubt another review answered to
        ``digitized``, with ``changes``; False (nothing written) when it is no longer in
        review: a reviewer verified it, or a new run took it, first.

        The one way from needs_review to digitized, kept out of TRANSITIONS so that no
        other status change (a stale run's, say) can take it."""
        values = {**_column_values(changes), "status": Status.DIGITIZED,
                  "updated_at": utc_now()}
        condition = and_(DossierRecord.id == record_id,
                         DossierRecord.status == Status.NEEDS_REVIEW)
        return self._update_where(condition, values, record_id)

    def update(self, record_id: str, *, text: str | None = None,
               **changes: Any) -> DossierRecord:
        """Write columns other than the status (keys, doc_type, fields, error, …) and, with
        ``text``, the record's OCR text into the search index."""
        values = {**_column_values(changes), "updated_at": utc_now()}
        if not self._update_where(DossierRecord.id == record_id, values, record_id, text):
            raise RecordNotFoundError(f"no dossier record {record_id}")
        return self.require(record_id)

    def claim_for_processing(self, record_id: str, lease: timedelta,
                             from_statuses: tuple[Status, ...] = CLAIMABLE) -> bool:
        """Set ``processing`` unless another run holds an unexpired lease; True if claimed.

        Claimable: a record in one of ``from_statuses`` (by default received, failed,
        needs_review), or processing with ``updated_at`` older than ``lease``. Never
        digitized, verified or duplicate records.
        """
        if not set(from_statuses) <= set(CLAIMABLE):
            raise ValueError(f"only {', '.join(s.value for s in CLAIMABLE)} can be claimed")
        now = utc_now()
        expired = and_(DossierRecord.status == Status.PROCESSING,
                       col(DossierRecord.updated_at) < now - lease)
        condition = and_(DossierRecord.id == record_id,
                         or_(col(DossierRecord.status).in_(from_statuses), expired))
        return self._update_where(condition, {"status": Status.PROCESSING, "updated_at": now},
                                  record_id)

    def touch(self, record_id: str) -> None:
        """Renew the processing lease: the run working on the record is alive."""
        self.update(record_id)

    def renew_leases(self, record_ids: list[str]) -> int:
        """Renew the lease of each of these records still ``processing``: the run holding
        them is alive, though it has not reached them yet. Returns how many were renewed."""
        if not record_ids:
            return 0
        statement = (update(DossierRecord)
                     .where(col(DossierRecord.id).in_(record_ids),
                            DossierRecord.status == Status.PROCESSING)
                     .values(updated_at=utc_now())
                     .execution_options(synchronize_session=False))
        with self._session() as session:
            renewed = session.execute(statement).rowcount
            session.commit()
        return renewed

    def list_unfinished(self, limit: int = 1000) -> list[DossierRecord]:
        """Records a run has not finished (received or processing), least recently touched
        first: what a recovery sweep looks at."""
        statement = (select(DossierRecord)
                     .where(col(DossierRecord.status).in_([Status.RECEIVED, Status.PROCESSING]))
                     .order_by(col(DossierRecord.updated_at)).limit(limit))
        with self._session() as session:
            return [_with_utc(record) for record in session.exec(statement).all()]

    def list_records(self, status: Status | str | None = None, station: str | None = None,
                     unit: str | None = None, since: datetime | None = None,
                     limit: int | None = None) -> list[DossierRecord]:
        """Records matching every given filter, oldest first; ``since`` is on created_at."""
        statement = select(DossierRecord)
        if status is not None:
            statement = statement.where(DossierRecord.status == Status(status))
        if station is not None:
            statement = statement.where(DossierRecord.station == station)
        if unit is not None:
            statement = statement.where(DossierRecord.unit == unit)
        if since is not None:
            statement = statement.where(col(DossierRecord.created_at) >= _utc(since))
        statement = statement.order_by(col(DossierRecord.created_at), col(DossierRecord.id))
        if limit is not None:
            statement = statement.limit(limit)
        with self._session() as session:
            return [_with_utc(record) for record in session.exec(statement).all()]

    def count_by_status(self, unit: str | None = None) -> dict[Status, int]:
        """How many records are in each status (every status present, zeros included)."""
        statement = select(DossierRecord.status, func.count()).group_by(DossierRecord.status)
        if unit is not None:
            statement = statement.where(DossierRecord.unit == unit)
        counts = dict.fromkeys(Status, 0)
        with self._session() as session:
            for status, count in session.exec(statement).all():
                counts[Status(status)] = count
        return counts

    def page_records(self, where: RecordFilter, after: Position | None = None,
                     limit: int = 500) -> list[DossierRecord]:
        """Up to ``limit`` records matching ``where``, oldest first, strictly after the
        position ``after`` (keyset pagination: stable while records are being added)."""
        statement = _filtered(select(DossierRecord), where)
        if after is not None:
            moment, record_id = _utc(after[0]), after[1]
            # The redundant `>=` lets SQLite and PostgreSQL range-scan the created_at index
            # and stop at `limit`; a bare OR makes SQLite sort every later row for each page.
            statement = statement.where(
                col(DossierRecord.created_at) >= moment,
                or_(col(DossierRecord.created_at) > moment, col(DossierRecord.id) > record_id))
        statement = statement.order_by(col(DossierRecord.created_at), col(DossierRecord.id))
        with self._session() as session:
            return [_with_utc(record) for record in session.exec(statement.limit(limit)).all()]

    def iter_records(self, where: RecordFilter | None = None,
                     batch_size: int = 500) -> Iterator[DossierRecord]:
        """Every record matching ``where``, oldest first, read ``batch_size`` at a time.

        Memory stays bounded by one batch whatever the table's size; each batch is its own
        short query, so no transaction stays open while the caller works on the records.
        """
        where = where or RecordFilter()
        after: Position | None = None
        while True:
            page = self.page_records(where, after, batch_size)
            yield from page
            if len(page) < batch_size:
                return
            after = (page[-1].created_at, page[-1].id)

    def search(self, query: str, where: RecordFilter | None = None, offset: int = 0,
               limit: int = 100) -> list[SearchHit]:
        """Records whose text or field values hold every word of ``query`` (diacritics and
        case ignored; see storage.search), best match first, ``limit`` from ``offset``.

        Ties (equal scores) go newest first. A query without words finds nothing.
        """
        wanted = search.query_words(query)
        if not wanted:
            return []
        hits = search.matches(self.engine.dialect.name, wanted)
        statement = (_filtered(select(hits.c.record_id, hits.c.score)
                               .join(DossierRecord, col(DossierRecord.id) == hits.c.record_id),
                               where or RecordFilter())
                     .order_by(hits.c.score, col(DossierRecord.created_at).desc(),
                               col(DossierRecord.id))
                     .offset(offset).limit(limit))
        with self._session() as session:
            scores = dict(session.execute(statement).all())
            records = session.exec(select(DossierRecord).where(
                col(DossierRecord.id).in_(scores))).all()
            texts = search.indexed_text(session.connection(), list(scores))
        by_id = {record.id: _with_utc(record) for record in records}
        return [SearchHit(by_id[record_id], search.snippet(*texts[record_id], wanted), score)
                for record_id, score in scores.items()]

    def index_text(self, record_id: str, text: str | None) -> None:
        """Rewrite a record's search index row (with ``text`` as its OCR text; None keeps
        the indexed text) without touching the record itself: ``sohoa reindex``."""
        with self._session() as session:
            search.index_record(session.connection(), record_id, text)
            session.commit()

    def count_by_group(self, by: GroupBy, since: datetime | None = None,
                       utc_offset: timedelta = timedelta(0)) -> dict[str, dict[Status, int]]:
        """Record counts per group and status, counted by the database (GROUP BY).

        Groups are unit or station names, or ``YYYY-MM-DD`` days of created_at shifted by
        ``utc_offset`` (so a day can be the offices' local day). Only statuses that occur are
        keys of a group's counts.
        """
        group = self._group_expression(by, utc_offset).label("grp")
        statement = select(group, DossierRecord.status, func.count()).group_by(
            group, DossierRecord.status)
        if since is not None:
            statement = statement.where(col(DossierRecord.created_at) >= _utc(since))
        counts: dict[str, dict[Status, int]] = {}
        with self._session() as session:
            for name, status, count in session.exec(statement).all():
                counts.setdefault(str(name), {})[Status(status)] = count
        return counts

    def unfiled_receipts(self, by: GroupBy, since: datetime | None = None,
                         utc_offset: timedelta = timedelta(0)) -> list[tuple[str, list[str]]]:
        """Receipts whose dossier code could not be read (waiting in review for it): each
        one's group (its day: the day it came in) and review reasons, which name the code
        as it was read, if it was. No more than the review queue's receipts."""
        group = self._group_expression(by, utc_offset).label("grp")
        statement = (select(group, DossierRecord.review_reasons)
                     .where(col(DossierRecord.role) == "receipt",
                            col(DossierRecord.dossier_code).is_(None),
                            col(DossierRecord.status) != Status.DUPLICATE))
        if since is not None:
            statement = statement.where(col(DossierRecord.created_at) >= _utc(since))
        with self._session() as session:
            return [(str(name), list(reasons or [])) for name, reasons
                    in session.exec(statement).all()]

    def unfiled_receipts_in_review(self) -> list[DossierRecord]:
        """The receipts in review filed under no dossier (their code could not be read), in
        the order they came: those a result arriving in its dossier's folder may name."""
        statement = (select(DossierRecord)
                     .where(col(DossierRecord.role) == "receipt",
                            col(DossierRecord.dossier_code).is_(None),
                            col(DossierRecord.status) == Status.NEEDS_REVIEW)
                     .order_by(col(DossierRecord.created_at), col(DossierRecord.part)))
        with self._session() as session:
            return [_with_utc(record) for record in session.exec(statement).all()]

    def file_unfiled(self, record_id: str, dossier_code: str, review_reasons: list[str]
                     ) -> bool:
        """File a record in review that no dossier holds under ``dossier_code``, with its new
        review reasons; False (nothing written) when it is no longer so: a reviewer, or a
        new run, took it first."""
        condition = and_(DossierRecord.id == record_id,
                         DossierRecord.status == Status.NEEDS_REVIEW,
                         col(DossierRecord.dossier_code).is_(None))
        values = {**_column_values({"dossier_code": dossier_code,
                                    "review_reasons": review_reasons}),
                  "updated_at": utc_now()}
        return self._update_where(condition, values, record_id)

    def _group_expression(self, by: GroupBy, utc_offset: timedelta) -> Any:
        """The SQL expression a report groups on."""
        if by == "unit":
            return col(DossierRecord.unit)
        if by == "station":
            return col(DossierRecord.station)
        if self.engine.dialect.name == "sqlite":
            # SQLite keeps datetimes as ISO text; date() shifts them with a modifier.
            seconds = int(utc_offset.total_seconds())
            return func.date(DossierRecord.created_at, f"{seconds:+d} seconds")
        return func.date(col(DossierRecord.created_at) + utc_offset)

    # -- internals ------------------------------------------------------------------------

    def _session(self) -> AbstractContextManager[Session]:
        return database_session(self.engine)

    def _insert(self, record: DossierRecord) -> DossierRecord:
        with self._session() as session:
            session.add(record)
            session.flush()
            search.index_record(session.connection(), record.id)  # found by its file name
            session.commit()
        return _with_utc(record)

    def _update_where(self, condition: Any, values: dict[str, Any], record_id: str,
                      text: str | None = None) -> bool:
        """One conditional UPDATE; True if it changed the row. The search index follows in
        the same transaction when the text or a column it reads changed."""
        statement = (update(DossierRecord).where(condition).values(**values)
                     .execution_options(synchronize_session=False))
        with self._session() as session:
            changed = session.execute(statement).rowcount == 1
            if changed and (text is not None or not search.HEADING_COLUMNS.isdisjoint(values)):
                search.index_record(session.connection(), record_id, text)
            session.commit()
        return changed

    def _refusal(self, record_id: str, status: Status) -> SohoaError:
        record = self.require(record_id)
        return StatusTransitionError(f"dossier record {record_id} cannot go from "
                                     f"{record.status.value} to {status.value}")


def _filtered(statement: Any, where: RecordFilter) -> Any:
    """``statement`` restricted to the records ``where`` describes."""
    if where.statuses:
        statement = statement.where(col(DossierRecord.status).in_(
            [Status(status) for status in where.statuses]))
    for column, values in ((DossierRecord.unit, where.units),
                           (DossierRecord.station, where.stations)):
        if values:
            statement = statement.where(col(column).in_(values))
    if where.doc_types:
        condition = col(DossierRecord.doc_type).in_(where.doc_types)
        if "unknown" in where.doc_types:
            # A record not yet classified is published as "unknown" (office.documents).
            condition = or_(condition, col(DossierRecord.doc_type).is_(None))
        statement = statement.where(condition)
    if where.since is not None:
        statement = statement.where(col(DossierRecord.created_at) >= _utc(where.since))
    if where.until is not None:
        statement = statement.where(col(DossierRecord.created_at) < _utc(where.until))
    return statement


def _column_values(changes: dict[str, Any]) -> dict[str, Any]:
    """Check that changes name writable columns; datetimes go to UTC."""
    columns = set(DossierRecord.model_fields)
    unknown = set(changes) - columns
    if unknown:
        raise ValueError(f"unknown record columns: {', '.join(sorted(unknown))}")
    protected = set(changes) & PROTECTED_COLUMNS
    if protected:
        raise ValueError(f"columns written only by register()/set_status(): "
                         f"{', '.join(sorted(protected))}")
    return {name: _utc(value) if isinstance(value, datetime) else value
            for name, value in changes.items()}


def _utc(moment: datetime) -> datetime:
    # SQLite keeps no offset: store every moment in UTC so comparisons and keys agree.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _with_utc(record: MaybeRecord) -> MaybeRecord:
    """Give naive datetimes read back from SQLite their UTC offset, as PostgreSQL does."""
    if record is not None:
        for name in _DATETIME_COLUMNS:
            value = getattr(record, name)
            if value is not None and value.tzinfo is None:
                setattr(record, name, value.replace(tzinfo=UTC))
    return record
