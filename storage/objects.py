"""What every object store offers, and the checks both implementations share.

An object store keeps bytes under a key, together with the SHA-256 recorded at write time, a
content type, small user metadata (``dict[str, str]``) and tags. Every write is verified after
it lands; every read through ``get_bytes``/``download`` is verified against the recorded
checksum, so silent corruption surfaces as :class:`~schemas.errors.IntegrityError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from schemas.errors import DamagedObjectError, StorageError

CHUNK_SIZE = 1024 * 1024
MAX_TAGS = 10  # S3's limit; the local store enforces it too so both behave alike
_SEGMENT = re.compile(r"^[^\x00-\x1f\\]+$")
_METADATA_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
RESERVED_METADATA = frozenset({"sha256"})


class ObjectNotFoundError(StorageError):
    """No object is stored under the key; retrying will not make it appear."""

    retryable = False


class StorageAccessError(StorageError):
    """The store refused our credentials or permissions; an operator must fix the settings."""

    retryable = False


class StoredObject(BaseModel):
    """An object as the store holds it."""

    key: str
    sha256: str = Field(description="hex SHA-256 of the content, recorded at write time")
    size: int = Field(ge=0, description="bytes")
    content_type: str
    metadata: dict[str, str] = Field(default_factory=dict, description="user metadata")


@runtime_checkable
class ObjectStore(Protocol):
    """A place to keep originals and artifacts. Keys come from :mod:`storage.keys`."""

    def put_file(self, key: str, path: Path, content_type: str,
                 metadata: dict[str, str] | None = None) -> StoredObject:
        """Store a file's content under key; verify it after writing."""
        ...

    def put_bytes(self, key: str, data: bytes, content_type: str,
                  metadata: dict[str, str] | None = None) -> StoredObject:
        """Store bytes under key; verify them after writing."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The content under key, checked against its recorded SHA-256."""
        ...

    def download(self, key: str, dest: Path) -> None:
        """Write the content under key to dest (atomically), checked against its SHA-256."""
        ...

    def stat(self, key: str) -> StoredObject | None:
        """What is stored under key, or None."""
        ...

    def copy(self, src_key: str, dst_key: str) -> StoredObject:
        """Copy an object with its content type, metadata and tags; verify the copy."""
        ...

    def set_tags(self, key: str, tags: dict[str, str]) -> None:
        """Replace the object's tags."""
        ...

    def get_tags(self, key: str) -> dict[str, str]:
        """The object's tags."""
        ...

    def presigned_url(self, key: str, expires: timedelta) -> str:
        """A URL that lets its holder read the object until it expires."""
        ...

    def public_url(self, key: str, expires: timedelta) -> str | None:
        """A URL for clients outside the stack, signed with read-only credentials, or None
        when the store has no public endpoint (then the read API streams the object)."""
        ...

    def stream(self, key: str, start: int = 0, length: int | None = None
               ) -> tuple[StoredObject, Iterator[bytes]]:
        """The object and its bytes from ``start`` (``length`` of them, or to the end).

        A read of the whole object is checked against its SHA-256 as it goes: the iterator
        raises DamagedObjectError after the last chunk when they differ.
        """
        ...

    def check(self) -> None:
        """Raise StorageError with one actionable line unless the store is usable."""
        ...


def validate_key(key: str) -> str:
    """Refuse keys that could escape the store root or hide among internal files.

    Keys are relative, ``/``-separated, without empty, ``.`` or ``..`` segments, backslashes,
    control characters, or segments starting with a dot (reserved for temporary files and the
    local store's sidecars).
    """
    if not key or key.startswith("/") or len(key) > 1024:
        raise ValueError(f"invalid object key {key!r}: must be a non-empty relative path")
    for segment in key.split("/"):
        if not segment or segment.startswith(".") or not _SEGMENT.match(segment):
            raise ValueError(f"invalid object key {key!r}: bad segment {segment!r}")
    return key


def validate_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Lower-case ASCII names (S3 lower-cases them anyway); values any string."""
    checked: dict[str, str] = {}
    for name, value in (metadata or {}).items():
        if not _METADATA_NAME.match(name):
            raise ValueError(f"invalid metadata name {name!r}: use [a-z0-9-], at most 64")
        if name in RESERVED_METADATA:
            raise ValueError(f"metadata name {name!r} is reserved for the store")
        checked[name] = str(value)
    return checked


def validate_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """S3's tag limits: at most 10 tags, names up to 128 and values up to 256 characters."""
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags per object, got {len(tags)}")
    for name, value in tags.items():
        if not 0 < len(name) <= 128 or len(value) > 256:
            raise ValueError(f"tag {name!r} too long: names <= 128, values <= 256 characters")
    return dict(tags)


def sha256_chunks(chunks: Iterable[bytes]) -> tuple[str, int]:
    """Hex SHA-256 and total size of a stream of chunks."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def read_chunks(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterable[bytes]:
    """Chunks of a binary stream until it ends."""
    while chunk := stream.read(chunk_size):
        yield chunk


def sha256_file(path: Path) -> tuple[str, int]:
    """Hex SHA-256 and size of a file, read in chunks."""
    with path.open("rb") as stream:
        return sha256_chunks(read_chunks(stream))


def verify_content(expected: StoredObject, sha256: str, size: int) -> None:
    """Raise DamagedObjectError unless content with this checksum and size is the expected
    one."""
    if sha256 != expected.sha256 or size != expected.size:
        raise DamagedObjectError(
            f"object {expected.key} does not match its recorded checksum (read sha256 "
            f"{sha256[:12]}…, {size} bytes; recorded {expected.sha256[:12]}…, {expected.size} "
            f"bytes): it is damaged; restore it or process its file again")


def checked_chunks(expected: StoredObject, chunks: Iterable[bytes],
                   whole: bool) -> Iterator[bytes]:
    """Pass chunks on; when they are the whole object, check them against its SHA-256 at
    the end (a range cannot be checked: the checksum covers the whole object).

    Each chunk is passed on only once the next one has been read, so the last one is held
    until the check: a damaged object never reaches its reader whole."""
    digest, size, held = hashlib.sha256(), 0, None
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        if held is not None:
            yield held
        held = chunk
    if whole:
        verify_content(expected, digest.hexdigest(), size)
    if held is not None:
        yield held


def span_chunks(stream: BinaryIO, start: int, length: int | None) -> Iterator[bytes]:
    """Chunks of a seekable stream from ``start``, ``length`` bytes or to the end."""
    stream.seek(start)
    left = length
    while left is None or left > 0:
        chunk = stream.read(CHUNK_SIZE if left is None else min(CHUNK_SIZE, left))
        if not chunk:
            return
        left = None if left is None else left - len(chunk)
        yield chunk


def atomic_write(dest: Path, chunks: Iterable[bytes],
                 expected: StoredObject | None = None) -> tuple[str, int]:
    """Write chunks to a hidden temporary file beside dest, fsync, rename it over dest.

    Returns the content's SHA-256 and size. With ``expected``, the content must match that
    object's checksum, or dest is left untouched and IntegrityError is raised.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            sha256, size = sha256_chunks(_written(out, chunks))
            out.flush()
            os.fsync(out.fileno())
        if expected is not None:
            verify_content(expected, sha256, size)
        os.replace(temporary, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_dir(dest.parent)
    return sha256, size


def _written(out: BinaryIO, chunks: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        out.write(chunk)
        yield chunk


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the directory entry itself reaches the disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
