"""Registering an input file: checksum, store the original, create its record.

Shared by the `register-file` task of `sohoa process` and by the folder watcher, which
registers files itself (no OCR) and hands the record to a worker through Prefect.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from office.jobs import FileJob
from office.services import Services
from pipeline.load import CONTENT_TYPES, sha256_of, sniff_format
from schemas.errors import SohoaError, StorageError
from schemas.record import DossierRecord, new_record_id, utc_now
from schemas.status import DigitizationStatus
from storage import keys


class FileChangedError(StorageError):
    """The file changed while it was being stored: it is still being written."""

    retryable = True


def register(services: Services, source: Path, station: str, *,
             resume_received: bool = True, same_drop: bool = False) -> FileJob:
    """Checksum ``source``, store its original (verified) and create its record (`received`).

    A file whose checksum is already recorded becomes a `duplicate` record, unless the earlier
    record was left unfinished: still `received` (its run stopped before processing it;
    taken up at once when ``resume_received``) or abandoned in `processing` (no progress
    for longer than the processing lease); then that record is returned instead.

    With ``same_drop`` (the watcher), a record already made from this very file, at this
    path and no older than the file, is returned as it is: a watcher that stopped between
    registering a file and moving it away must not count the file twice when it restarts.
    Any other copy is a duplicate, whatever state the earlier record is in: the watcher's
    recovery sweep, not a new copy, takes up unfinished records.
    """
    digest = sha256_of(source)
    if same_drop:
        earlier = registered_drop(services, source, digest)
        if earlier is not None:
            return job_for(earlier, str(source))
    existing = services.repository.find_original(digest)
    if existing is not None and not same_drop and (
        (resume_received and existing.status is DigitizationStatus.RECEIVED)
        or is_abandoned(existing, services.settings.processing_lease)
    ):
        return job_for(existing, str(source))
    if existing is not None:
        return register_duplicate(services, source, digest, station)
    record_id, created_at = new_record_id(), utc_now()
    extension, content_type = stored_type_of(source)
    original_key = keys.original_key(record_id, created_at, extension)
    stored = services.store.put_file(original_key, source, content_type,
                                     metadata={"station": station, "record-id": record_id})
    if stored.sha256 != digest:
        raise FileChangedError(f"{source.name} changed while it was being stored; "
                               "it will be taken again once the scanner has finished writing it")
    record, _ = services.repository.register(
        filename=source.name, source_path=str(source), sha256=digest,
        size_bytes=stored.size, station=station,
        unit=services.settings.unit_of(station), original_key=original_key,
        record_id=record_id, created_at=created_at,
    )
    return job_for(record, str(source))


def registered_drop(services: Services, source: Path, digest: str) -> DossierRecord | None:
    """The record already made from this file at this path since it was last written."""
    written = datetime.fromtimestamp(source.stat().st_mtime, UTC)
    for record in services.repository.find_by_checksum(digest):
        if record.source_path == str(source) and record.created_at >= written:
            return record
    return None


def is_abandoned(record: DossierRecord, lease: timedelta) -> bool:
    """Unfinished, and untouched for longer than a run may go without progress."""
    return not record.status.is_final and record.updated_at < utc_now() - lease


def register_duplicate(services: Services, source: Path, digest: str, station: str) -> FileJob:
    record, _ = services.repository.register(
        filename=source.name, source_path=str(source), sha256=digest,
        size_bytes=source.stat().st_size, station=station,
        unit=services.settings.unit_of(station), original_key=None,
    )
    return job_for(record, str(source))


def job_for(record: DossierRecord, path: str) -> FileJob:
    return FileJob(record_id=record.id, source_path=path, filename=record.filename,
                   status=record.status, duplicate_of=record.duplicate_of)


def stored_type_of(source: Path) -> tuple[str, str]:
    """The stored original's extension and content type, from its bytes where they tell
    (read once), else from its name."""
    try:
        fmt = sniff_format(source)
    except SohoaError:
        return source.suffix.lstrip(".").lower() or "bin", "application/octet-stream"
    return fmt.value, CONTENT_TYPES[fmt]
