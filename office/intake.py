"""Registering an input file: checksum, store the original, create its record.

Shared by the `register-file` task of `sohoa process` and by the folder watcher, which
registers files itself (no OCR) and hands the record to a worker through Prefect.

A file is opened once and everything is read from that descriptor: its checksum, the copy
sent to the store, its header. What the name points to afterwards (a link swapped in, a new
file renamed over it) cannot change what is recorded. The store and the format checks take
paths, so they are given /proc/self/fd/N, which opens that very inode again (Linux).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PosixPath

from office.jobs import FileJob
from office.services import Services
from office.stations import Identity, identity_of, kind_of, recordable, shown
from pipeline.load import CONTENT_TYPES, sniff_format
from schemas.errors import InputFileError, SohoaError, StorageError
from schemas.record import DossierRecord, new_record_id, utc_now
from schemas.status import DigitizationStatus
from storage import keys

READ_CHUNK = 1 << 20  # scans can be hundreds of MB: hashed a MiB at a time


class FileChangedError(StorageError):
    """The file changed while it was being stored: it is still being written."""

    retryable = True


class SpecialFileError(InputFileError):
    """Not a regular file (a link, a named pipe, a socket, a device): it is never read."""


class UnreadableFileError(InputFileError):
    """The file cannot be opened or read (its permissions, a lock, a failing disk).

    Retryable: a permission may be fixed or a lock released; the watcher gives up after
    ``watch.read_attempts`` tries and records the file as `failed`.
    """

    retryable = True


class DescriptorPath(PosixPath):
    """/proc/self/fd/N: opening it opens the inode behind descriptor N, whatever its name now
    holds; named as the station named the file, so that error messages say which file."""

    shown_name = ""

    @property
    def name(self) -> str:  # noqa: D102 - as PurePath.name
        return self.shown_name or super().name


@dataclass(frozen=True)
class Source:
    """An input file opened once: its name, the descriptor everything is read from, and
    what fstat said when it was opened."""

    path: Path
    fd: int
    status: os.stat_result

    @property
    def reader(self) -> Path:
        """A path that reads this descriptor's file (for code that wants a path)."""
        reader = DescriptorPath(f"/proc/self/fd/{self.fd}")
        reader.shown_name = self.path.name
        return reader

    @property
    def identity(self) -> Identity:
        return identity_of(self.status)


@contextmanager
def opened_source(path: Path, follow_links: bool = False) -> Iterator[Source]:
    """Open ``path`` for reading, regular files only (SpecialFileError otherwise).

    Without ``follow_links`` (the watcher) a link is refused rather than followed. Non-blocking,
    so that a named pipe put under a scan's name cannot hold the caller in open() until a writer
    comes. FileNotFoundError passes through; other failures are UnreadableFileError.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_links:
            raise SpecialFileError(f"{shown(path.name)}: is a symbolic link; not taken") from error
        raise UnreadableFileError(f"{shown(path.name)}: cannot be opened ({error.strerror})") \
            from error
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise SpecialFileError(f"{shown(path.name)}: is {kind_of(status.st_mode)}, "
                                   "not a regular file; not taken")
        yield Source(path=path, fd=fd, status=status)
    finally:
        os.close(fd)


def sha256_of_descriptor(source: Source) -> str:
    """SHA-256 of the open file, read from its start with pread (the offset is untouched)."""
    digest, offset = hashlib.sha256(), 0
    try:
        while chunk := os.pread(source.fd, READ_CHUNK, offset):
            digest.update(chunk)
            offset += len(chunk)
    except OSError as error:
        raise UnreadableFileError(f"{shown(source.path.name)}: cannot be read "
                                  f"({error.strerror})") from error
    return digest.hexdigest()


def register(services: Services, source: Path, station: str, *,
             resume_received: bool = True, same_drop: bool = False) -> FileJob:
    """Open ``source`` (links followed: a path given on the command line may be one) and
    register it; see register_source."""
    with opened_source(source, follow_links=True) as opened:
        return register_source(services, opened, station, resume_received=resume_received,
                               same_drop=same_drop)


def register_source(services: Services, source: Source, station: str, *,
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
    digest = sha256_of_descriptor(source)
    if same_drop:
        earlier = registered_drop(services, source, digest)
        if earlier is not None:
            return job_for(earlier, str(source.path))
    existing = services.repository.find_original(digest)
    if existing is not None and not same_drop and (
        (resume_received and existing.status is DigitizationStatus.RECEIVED)
        or is_abandoned(existing, services.settings.processing_lease)
    ):
        return job_for(existing, str(source.path))
    if existing is not None:
        return register_duplicate(services, source, digest, station)
    record_id, created_at = new_record_id(), utc_now()
    extension, content_type = stored_type_of(source)
    original_key = keys.original_key(record_id, created_at, extension)
    stored = services.store.put_file(original_key, source.reader, content_type,
                                     metadata={"station": station, "record-id": record_id})
    if stored.sha256 != digest:
        raise FileChangedError(f"{shown(source.path.name)} changed while it was being stored; "
                               "it will be taken again once the scanner has finished writing it")
    record, _ = services.repository.register(
        filename=recordable(source.path.name), source_path=recordable(str(source.path)),
        sha256=digest, size_bytes=stored.size, station=station,
        unit=services.settings.unit_of(station), original_key=original_key,
        record_id=record_id, created_at=created_at,
    )
    return job_for(record, str(source.path))


def registered_drop(services: Services, source: Source, digest: str) -> DossierRecord | None:
    """The record already made from this file at this path since it was last written."""
    written = datetime.fromtimestamp(source.status.st_mtime, UTC)
    for record in services.repository.find_by_checksum(digest):
        if record.source_path == recordable(str(source.path)) and record.created_at >= written:
            return record
    return None


def is_abandoned(record: DossierRecord, lease: timedelta) -> bool:
    """Unfinished, and untouched for longer than a run may go without progress."""
    return not record.status.is_final and record.updated_at < utc_now() - lease


def register_duplicate(services: Services, source: Source, digest: str,
                       station: str) -> FileJob:
    """A `duplicate` record for a copy of a file already recorded (nothing stored)."""
    record, _ = services.repository.register(
        filename=recordable(source.path.name), source_path=recordable(str(source.path)),
        sha256=digest, size_bytes=source.status.st_size, station=station,
        unit=services.settings.unit_of(station), original_key=None,
    )
    return job_for(record, str(source.path))


def job_for(record: DossierRecord, path: str) -> FileJob:
    return FileJob(record_id=record.id, source_path=path, filename=record.filename,
                   status=record.status, duplicate_of=record.duplicate_of)


def stored_type_of(source: Source) -> tuple[str, str]:
    """The stored original's extension and content type, from its bytes where they tell
    (read once), else from its name."""
    try:
        fmt = sniff_format(source.reader)
    except SohoaError:
        return source.path.suffix.lstrip(".").lower() or "bin", "application/octet-stream"
    return fmt.value, CONTENT_TYPES[fmt]
