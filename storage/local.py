"""An object store in a local folder: the default for one machine and for the demo.

Layout under ``root``::

    <key>                   the content
    .meta/<key>.json        sidecar: sha256, size, content type, metadata, tags

Writes go to a hidden temporary file in the destination folder, are fsync'ed and renamed over
the destination (``os.replace``), so a reader sees the old object or the new one, never half of
one. The sidecar is written the same way after the content; content without a sidecar counts
as absent. Keys cannot start a segment with a dot, so no key can reach ``.meta`` or a temporary
file. Two writers racing on one key may leave content and sidecar from different writers;
the next verified read then reports it as an :class:`IntegrityError`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, Field, ValidationError

from schemas.errors import DamagedObjectError, IntegrityError, StorageError
from storage.objects import (
    ObjectNotFoundError,
    StoredObject,
    atomic_write,
    checked_chunks,
    read_chunks,
    sha256_chunks,
    sha256_file,
    span_chunks,
    validate_key,
    validate_metadata,
    validate_tags,
    verify_content,
)

META_DIR = ".meta"


class Sidecar(BaseModel):
    """What the local store remembers about an object besides its bytes."""

    sha256: str
    size: int
    content_type: str
    metadata: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class LocalObjectStore:
    """Objects as files under ``root``, each with a JSON sidecar."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()

    def put_file(self, key: str, path: Path, content_type: str,
                 metadata: dict[str, str] | None = None) -> StoredObject:
        """Copy a file into the store atomically and verify the copy."""
        # A missing or unreadable source is the caller's problem, not the store's: plain OSError.
        with Path(path).open("rb") as source:
            return self._put(key, read_chunks(source), content_type, metadata)

    def put_bytes(self, key: str, data: bytes, content_type: str,
                  metadata: dict[str, str] | None = None) -> StoredObject:
        """Store bytes atomically and verify them."""
        return self._put(key, [data], content_type, metadata)

    def get_bytes(self, key: str) -> bytes:
        """The content under key, checked against its recorded SHA-256."""
        sidecar = self._sidecar(key)
        with _translated(f"cannot read {key} from local store {self.root}"):
            data = self._path(key).read_bytes()
        _verify(key, sidecar, *sha256_chunks([data]))
        return data

    def download(self, key: str, dest: Path) -> None:
        """Write the content under key to dest; dest is replaced only if the checksum holds."""
        sidecar = self._sidecar(key)
        with _translated(f"cannot copy {key} to {dest}"), self._path(key).open("rb") as source:
            atomic_write(Path(dest), read_chunks(source), expected=_stored(key, sidecar))

    def stat(self, key: str) -> StoredObject | None:
        """What is stored under key, or None."""
        try:
            sidecar = self._sidecar(key)
        except ObjectNotFoundError:
            return None
        return _stored(key, sidecar)

    def copy(self, src_key: str, dst_key: str) -> StoredObject:
        """Copy content, content type, metadata and tags; a corrupt source is refused."""
        sidecar = self._sidecar(src_key)
        destination = self._path(dst_key)
        with _translated(f"cannot copy {src_key} to {dst_key}"), \
                self._path(src_key).open("rb") as source:
            atomic_write(destination, read_chunks(source), expected=_stored(src_key, sidecar))
        self._verify_written(dst_key, sidecar)
        self._write_sidecar(dst_key, sidecar)
        return _stored(dst_key, sidecar)

    def set_tags(self, key: str, tags: dict[str, str]) -> None:
        """Replace the object's tags (kept in its sidecar)."""
        sidecar = self._sidecar(key)
        self._write_sidecar(key, sidecar.model_copy(update={"tags": validate_tags(tags)}))

    def get_tags(self, key: str) -> dict[str, str]:
        """The object's tags."""
        return dict(self._sidecar(key).tags)

    def presigned_url(self, key: str, expires: timedelta) -> str:
        """A ``file://`` URI; a local file needs no signature, so ``expires`` is ignored."""
        return self._path(key).as_uri()

    def public_url(self, key: str, expires: timedelta) -> None:
        """None: a local file has no address outside this machine; the API streams it."""
        return None

    def stream(self, key: str, start: int = 0, length: int | None = None
               ) -> tuple[StoredObject, Iterator[bytes]]:
        """The object and its bytes from ``start``; a whole read is checked as it goes."""
        stored = _stored(key, self._sidecar(key))
        with _translated(f"cannot read {key} from local store {self.root}"):
            source = self._path(key).open("rb")
        whole = start == 0 and (length is None or length >= stored.size)
        return stored, _closing(source, checked_chunks(
            stored, span_chunks(source, start, length), whole))

    def check(self) -> None:
        """Raise StorageError unless the root folder can be created and written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root, prefix=".check-") as probe:
                probe.write(b"ok")
                os.fsync(probe.fileno())
        except OSError as error:
            raise StorageError(f"Local object store {self.root} is not writable "
                               f"({error.strerror or error}); check SOHOA_STORE_DIR "
                               f"and its permissions") from error

    # -- internals ------------------------------------------------------------------------

    def _put(self, key: str, chunks: Iterable[bytes], content_type: str,
             metadata: dict[str, str] | None) -> StoredObject:
        path = self._path(key)
        metadata = validate_metadata(metadata)
        with _translated(f"cannot write {key} to local store {self.root}"):
            sha256, size = atomic_write(path, chunks)
        sidecar = Sidecar(sha256=sha256, size=size, content_type=content_type, metadata=metadata)
        self._verify_written(key, sidecar)
        self._write_sidecar(key, sidecar)
        return _stored(key, sidecar)

    def _verify_written(self, key: str, sidecar: Sidecar) -> None:
        # Read back what landed on disk rather than trusting the bytes we handed to write().
        with _translated(f"cannot read back {key}"):
            sha256, size = sha256_file(self._path(key))
        try:
            _verify(key, sidecar, sha256, size)
        except DamagedObjectError as error:  # a failed write: writing again may land intact
            raise IntegrityError(f"{key} did not land in {self.root} as written (its "
                                 f"checksum differs); try again") from error

    def _path(self, key: str) -> Path:
        path = self.root / validate_key(key)
        # Defence in depth: a symlink inside the root must not lead writes outside it.
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"invalid object key {key!r}: resolves outside the store")
        return path

    def _sidecar_path(self, key: str) -> Path:
        return self.root / META_DIR / f"{validate_key(key)}.json"

    def _sidecar(self, key: str) -> Sidecar:
        if not self._path(key).is_file():
            raise ObjectNotFoundError(f"no object {key} in local store {self.root}")
        try:
            return Sidecar.model_validate_json(self._sidecar_path(key).read_bytes())
        except FileNotFoundError as error:
            raise ObjectNotFoundError(f"no object {key} in local store {self.root} "
                                      f"(content without checksum sidecar)") from error
        except ValidationError as error:
            raise DamagedObjectError(f"checksum sidecar of {key} in {self.root} is damaged; "
                                     f"restore it or process its file again") from error

    def _write_sidecar(self, key: str, sidecar: Sidecar) -> None:
        with _translated(f"cannot write the sidecar of {key} in {self.root}"):
            atomic_write(self._sidecar_path(key), [sidecar.model_dump_json().encode()])


def _verify(key: str, sidecar: Sidecar, sha256: str, size: int) -> None:
    verify_content(_stored(key, sidecar), sha256, size)


def _stored(key: str, sidecar: Sidecar) -> StoredObject:
    return StoredObject(key=key, sha256=sidecar.sha256, size=sidecar.size,
                        content_type=sidecar.content_type, metadata=sidecar.metadata)


def _closing(source: BinaryIO, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Chunks, with the file closed when they end or the reader goes away."""
    with source, _translated(f"cannot read {source.name}"):
        yield from chunks


@contextlib.contextmanager
def _translated(what: str) -> Iterator[None]:
    """OSError → StorageError naming what failed and why, in one line."""
    try:
        yield
    except OSError as error:
        raise StorageError(f"{what}: {error.strerror or error}") from error
