"""An object store on an S3-compatible server (MinIO in production), through the ``minio`` SDK.

Every object is written with its content type and user metadata ``sha256`` (plus the caller's
metadata), then verified: the server's size, stored ``sha256`` metadata and ETag must match
what was sent. The ETag is the MD5 of the content for a single-part upload and
``md5(md5(part1) + md5(part2) + …)-N`` for a multipart one; the store always uploads with its
own ``part_size`` so it can compute either. Reads are checked against the stored ``sha256``.

Metadata values: S3 sends user metadata as HTTP headers, which must be ASCII. Values are stored
percent-encoded (UTF-8, as in URLs), with only ``%``, spaces, control and non-ASCII characters
escaped, so "UBND xã Thạch Hạ" is stored as ``UBND%20x%C3%A3%20Th%E1%BA%A1ch%20H%E1%BA%A1``.
:meth:`S3ObjectStore.stat` decodes them back; other tools see them encoded (``urllib.parse
.unquote`` decodes them). Tags are sent in the request body and keep their Unicode as is.

Errors become :class:`~schemas.errors.StorageError` with one line naming the endpoint and the
reason: unreachable (retryable), credentials refused (:class:`StorageAccessError`, not
retryable), no such bucket. Connection failures and 5xx answers are retried with exponential
backoff a bounded number of times (urllib3 ``Retry``) before that.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, unquote

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import CopySource, Tags
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from schemas.errors import ConfigurationError, DamagedObjectError, IntegrityError, StorageError
from storage.objects import (
    CHUNK_SIZE,
    ObjectNotFoundError,
    StorageAccessError,
    StoredObject,
    atomic_write,
    checked_chunks,
    read_chunks,
    validate_key,
    validate_metadata,
    validate_tags,
)
from storage.s3_settings import S3Settings

T = TypeVar("T")
MIB = 1024 * 1024
DEFAULT_PART_SIZE = 16 * MIB
META_PREFIX = "x-amz-meta-"
# Printable ASCII stays readable; "%" must be escaped so decoding is unambiguous, and spaces
# so that surrounding whitespace survives HTTP header trimming.
_SAFE_METADATA = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")
_CREDENTIAL_CODES = frozenset({"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
                               "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed"})
_MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "ResourceNotFound"})
_BUCKET_EXISTS_CODES = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})


@dataclass
class Digest:
    """Checksums of content as the store sends it: SHA-256, size, and the expected ETag."""

    part_size: int
    sha256: str = ""
    size: int = 0
    part_md5s: list[bytes] = field(default_factory=list)

    @property
    def etag(self) -> str:
        """The ETag an S3 server gives this content when uploaded in ``part_size`` parts."""
        if len(self.part_md5s) <= 1:
            return self.part_md5s[0].hex() if self.part_md5s else hashlib.md5(b"").hexdigest()
        return f"{hashlib.md5(b''.join(self.part_md5s)).hexdigest()}-{len(self.part_md5s)}"


def digest_chunks(chunks: Iterable[bytes], part_size: int) -> Digest:
    """SHA-256, size and per-part MD5s of content split in ``part_size`` parts."""
    sha256, part = hashlib.sha256(), hashlib.md5()
    digest, in_part = Digest(part_size), 0
    for chunk in chunks:
        sha256.update(chunk)
        digest.size += len(chunk)
        while chunk:
            taken = chunk[: part_size - in_part]
            part.update(taken)
            in_part += len(taken)
            chunk = chunk[len(taken):]
            if in_part == part_size:
                digest.part_md5s.append(part.digest())
                part, in_part = hashlib.md5(), 0
    if in_part or not digest.part_md5s:
        digest.part_md5s.append(part.digest())
    digest.sha256 = sha256.hexdigest()
    return digest


def encode_metadata_value(value: str) -> str:
    """Percent-encode a metadata value into ASCII (see the module docstring)."""
    return quote(value, safe=_SAFE_METADATA)


def decode_metadata_value(value: str) -> str:
    """Undo :func:`encode_metadata_value`."""
    return unquote(value)


class S3ObjectStore:
    """Objects in one bucket of an S3-compatible server."""

    def __init__(self, settings: S3Settings, *, timeout_seconds: float = 30.0, retries: int = 4,
                 backoff_seconds: float = 0.5, part_size: int = DEFAULT_PART_SIZE) -> None:
        if part_size < 5 * MIB or part_size % CHUNK_SIZE:
            raise ValueError("part_size must be a whole number of MiB, at least 5 MiB")
        host, secure = split_endpoint(settings.endpoint, settings.secure)
        self.endpoint = f"{'https' if secure else 'http'}://{host}"
        self.bucket = settings.bucket
        self.part_size = part_size
        self._bucket_ready = False
        self._client = Minio(
            host, access_key=settings.access_key.get_secret_value(),
            secret_key=settings.secret_key.get_secret_value(), secure=secure,
            region=settings.region,
            http_client=_http_client(timeout_seconds, retries, backoff_seconds),
        )
        self._public = public_signer(settings)

    def put_file(self, key: str, path: Path, content_type: str,
                 metadata: dict[str, str] | None = None) -> StoredObject:
        """Upload a file and verify the stored object against it."""
        validate_key(key)
        with Path(path).open("rb") as source:
            digest = digest_chunks(read_chunks(source), self.part_size)
        headers = self._metadata_headers(digest, metadata)
        self._ensure_bucket()
        self._call(f"upload {key}", lambda: self._client.fput_object(
            self.bucket, key, str(path), content_type=content_type, metadata=headers,
            part_size=self.part_size))
        return self._verify_upload(key, digest)

    def put_bytes(self, key: str, data: bytes, content_type: str,
                  metadata: dict[str, str] | None = None) -> StoredObject:
        """Upload bytes and verify the stored object against them."""
        validate_key(key)
        digest = digest_chunks([data], self.part_size)
        headers = self._metadata_headers(digest, metadata)
        self._ensure_bucket()
        self._call(f"upload {key}", lambda: self._client.put_object(
            self.bucket, key, io.BytesIO(data), len(data), content_type=content_type,
            metadata=headers, part_size=self.part_size))
        return self._verify_upload(key, digest)

    def get_bytes(self, key: str) -> bytes:
        """Download the content, checked against the stored SHA-256."""
        return self._read(key, lambda stored, chunks: b"".join(chunks))

    def download(self, key: str, dest: Path) -> None:
        """Download to dest atomically; dest is replaced only if the checksum holds."""
        self._read(key, lambda stored, chunks: atomic_write(Path(dest), chunks, stored))

    def stat(self, key: str) -> StoredObject | None:
        """What is stored under key, or None."""
        try:
            return self._head(key)[0]
        except ObjectNotFoundError:
            return None

    def copy(self, src_key: str, dst_key: str) -> StoredObject:
        """Server-side copy with content type, metadata and tags; verify the copy."""
        validate_key(dst_key)
        source, source_etag = self._head(src_key)
        self._call(f"copy {src_key} to {dst_key}", lambda: self._client.copy_object(
            self.bucket, dst_key, CopySource(self.bucket, src_key)))
        copied, etag = self._head(dst_key)
        # A server-side copy of a multipart object may get a new ETag; compare only plain MD5s.
        etag_differs = "-" not in source_etag and etag != source_etag
        if (copied.sha256, copied.size) != (source.sha256, source.size) or etag_differs:
            raise IntegrityError(f"S3 copy {src_key} → {dst_key} on {self.endpoint} does not "
                                 f"match its source")
        return copied

    def set_tags(self, key: str, tags: dict[str, str]) -> None:
        """Replace the object's tags."""
        object_tags = Tags.new_object_tags()
        for name, value in validate_tags(tags).items():
            object_tags[name] = value
        self._call(f"tag {key}", lambda: self._client.set_object_tags(
            self.bucket, validate_key(key), object_tags))

    def get_tags(self, key: str) -> dict[str, str]:
        """The object's tags."""
        tags = self._call(f"read the tags of {key}", lambda: self._client.get_object_tags(
            self.bucket, validate_key(key)))
        return dict(tags or {})

    def presigned_url(self, key: str, expires: timedelta) -> str:
        """A presigned GET URL valid for ``expires`` (1 second to 7 days)."""
        return self._call(f"sign a URL for {key}", lambda: self._client.presigned_get_object(
            self.bucket, validate_key(key), expires=expires))

    def public_url(self, key: str, expires: timedelta) -> str | None:
        """A GET URL on the public endpoint signed with the reader's credentials; None without
        a public endpoint. Signing is local: nothing is asked of the public host."""
        if self._public is None:
            return None
        return self._public.presigned_get_object(self.bucket, validate_key(key), expires=expires)

    def stream(self, key: str, start: int = 0, length: int | None = None
               ) -> tuple[StoredObject, Iterator[bytes]]:
        """The object and its bytes from ``start``; a whole read is checked as it goes."""
        stored, _etag = self._head(key)
        # length 0 is the SDK's «to the end».
        response = self._call(f"download {key}", lambda: self._client.get_object(
            self.bucket, validate_key(key), offset=start, length=length or 0))
        whole = start == 0 and (length is None or length >= stored.size)
        return stored, checked_chunks(stored, self._response_chunks(key, response), whole)

    def check(self) -> None:
        """Reach the server, create the bucket if missing, write and remove a probe object."""
        self._bucket_ready = False
        self._ensure_bucket()
        probe = f"_sohoa-check/{uuid.uuid4()}"
        self._call("write a probe object", lambda: self._client.put_object(
            self.bucket, probe, io.BytesIO(b"ok"), 2, content_type="text/plain"))
        self._call("remove the probe object", lambda: self._client.remove_object(
            self.bucket, probe))

    # -- internals ------------------------------------------------------------------------

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        if not self._call(f"look up bucket {self.bucket}",
                          lambda: self._client.bucket_exists(self.bucket)):
            try:
                self._call(f"create bucket {self.bucket}",
                           lambda: self._client.make_bucket(self.bucket))
            except StorageError as error:
                # Another process may have created it between our look-up and our request.
                if getattr(error.__cause__, "code", None) not in _BUCKET_EXISTS_CODES:
                    raise
        self._bucket_ready = True

    def _metadata_headers(self, digest: Digest, metadata: dict[str, str] | None) -> dict:
        encoded = {name: encode_metadata_value(value)
                   for name, value in validate_metadata(metadata).items()}
        return {"sha256": digest.sha256, **encoded}

    def _verify_upload(self, key: str, digest: Digest) -> StoredObject:
        stored, etag = self._head(key)
        if (stored.sha256, stored.size, etag) != (digest.sha256, digest.size, digest.etag):
            raise IntegrityError(
                f"S3 object {key} on {self.endpoint} does not match what was sent "
                f"(stored {stored.size} bytes, etag {etag}; sent {digest.size} bytes, "
                f"etag {digest.etag})")
        return stored

    def _head(self, key: str) -> tuple[StoredObject, str]:
        info = self._call(f"stat {key}", lambda: self._client.stat_object(
            self.bucket, validate_key(key)))
        return object_from_headers(key, info.metadata), (info.etag or "").strip('"')

    def _read(self, key: str, consume: Callable[[StoredObject, Iterable[bytes]], T]) -> T:
        """Stream an object into ``consume`` and check what was read against its SHA-256."""
        response = self._call(f"download {key}", lambda: self._client.get_object(
            self.bucket, validate_key(key)))
        try:
            stored = object_from_headers(key, response.headers)
            hasher, sizes = hashlib.sha256(), []

            def chunks() -> Iterable[bytes]:
                for chunk in response.stream(CHUNK_SIZE):
                    hasher.update(chunk)
                    sizes.append(len(chunk))
                    yield chunk

            try:
                result = consume(stored, chunks())
            except urllib3.exceptions.HTTPError as error:  # the connection broke mid-stream
                raise StorageError(f"S3 endpoint {self.endpoint} broke off the download of "
                                   f"{key} ({connection_reason(error)}); try again") from error
        finally:
            response.close()
            response.release_conn()
        if (hasher.hexdigest(), sum(sizes)) != (stored.sha256, stored.size):
            raise DamagedObjectError(f"S3 object {key} on {self.endpoint} does not match its "
                                     f"recorded sha256 {stored.sha256[:12]}…: it is damaged; "
                                     f"restore it or process its file again")
        return result

    def _response_chunks(self, key: str, response: urllib3.BaseHTTPResponse
                         ) -> Iterator[bytes]:
        """A GET answer's body in chunks; the connection is released when they end."""
        try:
            yield from response.stream(CHUNK_SIZE)
        except urllib3.exceptions.HTTPError as error:
            raise StorageError(f"S3 endpoint {self.endpoint} broke off the download of {key} "
                               f"({connection_reason(error)}); try again") from error
        finally:
            response.close()
            response.release_conn()

    def _call(self, what: str, operation: Callable[[], T]) -> T:
        """Run one SDK call; turn its failures into StorageError with one clear line."""
        try:
            return operation()
        except S3Error as error:
            raise self._s3_error(what, error) from error
        except ServerError as error:
            raise StorageError(f"S3 endpoint {self.endpoint} failed to {what} "
                               f"(HTTP {error.status_code}); try again later") from error
        except InvalidResponseError as error:
            raise StorageError(f"S3 endpoint {self.endpoint} did not answer like an S3 server "
                               f"when asked to {what}; check SOHOA_S3__ENDPOINT") from error
        except (urllib3.exceptions.HTTPError, OSError, MinioException) as error:
            raise StorageError(f"S3 endpoint {self.endpoint} is unreachable "
                               f"({connection_reason(error)}) when trying to {what}; check "
                               f"that the server runs and SOHOA_S3__ENDPOINT") from error

    def _s3_error(self, what: str, error: S3Error) -> StorageError:
        if error.code in _CREDENTIAL_CODES:
            return StorageAccessError(
                f"S3 endpoint {self.endpoint} refused the credentials ({error.code}) when "
                f"trying to {what}; check SOHOA_S3__ACCESS_KEY and SOHOA_S3__SECRET_KEY")
        if error.code == "NoSuchBucket":
            return StorageError(f"S3 bucket {self.bucket} does not exist on {self.endpoint}; "
                                f"check SOHOA_S3__BUCKET or run the store check to create it")
        if error.code in _MISSING_CODES:
            return ObjectNotFoundError(f"no object {error.object_name or what} in bucket "
                                       f"{self.bucket} on {self.endpoint}")
        return StorageError(f"S3 endpoint {self.endpoint} refused to {what}: {error.code} "
                            f"({error.message})")


def object_from_headers(key: str, headers: Mapping[str, str]) -> StoredObject:
    """A StoredObject from the HTTP headers of a HEAD or GET answer."""
    metadata = {name.lower()[len(META_PREFIX):]: decode_metadata_value(value)
                for name, value in headers.items() if name.lower().startswith(META_PREFIX)}
    sha256 = metadata.pop("sha256", None)
    if not sha256:
        raise DamagedObjectError(f"S3 object {key} has no recorded sha256; it was not "
                                 f"written by sohoa")
    return StoredObject(key=key, sha256=sha256, size=int(headers.get("content-length", 0)),
                        content_type=headers.get("content-type", "application/octet-stream"),
                        metadata=metadata)


def public_signer(settings: S3Settings) -> Minio | None:
    """A client that only signs URLs for the public endpoint, with the read-only user's keys.

    None without a public endpoint. Never the store's own (read-write) credentials: a link
    handed out lives for its whole lifetime, so it must not carry more than reading. The
    region is fixed so that signing asks nothing of a host this process may not reach."""
    if not settings.public_endpoint:
        return None
    reader = (settings.reader_access_key.get_secret_value(),
              settings.reader_secret_key.get_secret_value())
    if not all(reader):
        raise ConfigurationError(
            "SOHOA_S3__PUBLIC_ENDPOINT needs a read-only user of its own: set "
            "SOHOA_S3__READER_ACCESS_KEY and SOHOA_S3__READER_SECRET_KEY (the compose stack's "
            "minio-init makes one; never the root user)")
    host, secure = split_endpoint(settings.public_endpoint, settings.secure)
    return Minio(host, access_key=reader[0], secret_key=reader[1], secure=secure,
                 region=settings.region or "us-east-1")


def split_endpoint(endpoint: str, secure: bool) -> tuple[str, bool]:
    """``host:port`` and whether TLS is used; accepts ``http://`` and ``https://`` too."""
    scheme, separator, rest = endpoint.partition("://")
    if not separator:
        return endpoint.rstrip("/"), secure
    if scheme not in {"http", "https"}:
        raise ValueError(f"S3 endpoint {endpoint!r}: scheme must be http or https")
    return rest.rstrip("/"), scheme == "https"


def connection_reason(error: BaseException) -> str:
    """A short reason for a connection failure, without urllib3's object reprs."""
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        # Checked first: urllib3 makes it a subclass of ConnectTimeoutError.
        return _strip_repr(str(reason))
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
        return "connection timed out"
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError):
        return "no answer in time"
    if isinstance(reason, urllib3.exceptions.SSLError):
        return "TLS handshake failed"
    return _strip_repr(str(reason)) or type(reason).__name__


def _strip_repr(text: str) -> str:
    """'HTTPConnection(host=…): Failed to establish … [Errno 111] Connection refused' → tail."""
    for marker in ("): ", ">: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return " ".join(text.split())[:200]


def _http_client(timeout_seconds: float, retries: int,
                 backoff_seconds: float) -> urllib3.PoolManager:
    """The SDK's default client, with our timeouts and a bounded, backing-off retry."""
    retry = urllib3.Retry(total=retries, connect=retries, read=retries, status=retries,
                          backoff_factor=backoff_seconds, backoff_max=30,
                          status_forcelist=(500, 502, 503, 504))
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds),
        retries=retry, maxsize=10, cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where())
