"""The S3 store against a real S3 server (SeaweedFS ``weed mini`` on loopback)."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from minio import Minio

from schemas.errors import IntegrityError, StorageError
from storage.objects import StorageAccessError
from storage.s3 import (
    MIB,
    S3ObjectStore,
    decode_metadata_value,
    digest_chunks,
    encode_metadata_value,
    split_endpoint,
)
from tests.services import S3Server, free_port
from tests.storage.conftest import FAST, s3_settings

UNIT = {"unit": "UBND xã Thạch Hạ", "station": "một-cửa 01", "note": "100% đúng"}


def raw_client(server: S3Server) -> Minio:
    """The SDK without our store, to look at or tamper with what the server holds."""
    return Minio(server.endpoint, access_key=server.access_key, secret_key=server.secret_key,
                 secure=False)


def test_bucket_is_created_on_first_write(s3_store: S3ObjectStore, s3_server: S3Server,
                                          bucket: str) -> None:
    assert not raw_client(s3_server).bucket_exists(bucket)

    s3_store.put_bytes("a.txt", b"a", "text/plain")

    assert raw_client(s3_server).bucket_exists(bucket)


def test_check_creates_the_bucket_and_leaves_nothing(s3_store: S3ObjectStore,
                                                     s3_server: S3Server, bucket: str) -> None:
    s3_store.check()

    assert list(raw_client(s3_server).list_objects(bucket, recursive=True)) == []


def test_put_bytes_with_vietnamese_metadata(s3_store: S3ObjectStore, s3_server: S3Server,
                                            bucket: str) -> None:
    data = "Tờ khai đăng ký khai sinh".encode()

    stored = s3_store.put_bytes("text/2026/11/r1.txt", data, "text/plain; charset=utf-8", UNIT)

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert stored.metadata == UNIT
    assert s3_store.stat("text/2026/11/r1.txt") == stored
    assert s3_store.get_bytes("text/2026/11/r1.txt") == data
    # On the wire the values are ASCII, percent-encoded.
    headers = raw_client(s3_server).stat_object(bucket, "text/2026/11/r1.txt").metadata
    assert headers["x-amz-meta-unit"] == "UBND%20x%C3%A3%20Th%E1%BA%A1ch%20H%E1%BA%A1"
    assert headers["x-amz-meta-sha256"] == stored.sha256


def test_put_file_single_and_multipart(s3_server: S3Server, bucket: str,
                                       tmp_path: Path) -> None:
    """GIVEN 5 MiB parts WHEN a 1 MiB and an 11 MiB file are uploaded THEN both are
    verified (plain MD5 ETag and multipart ETag) and read back intact."""
    store = S3ObjectStore(s3_settings(s3_server, bucket), part_size=5 * MIB, **FAST)
    for name, size in (("small.pdf", MIB), ("large.tif", 11 * MIB)):
        source = tmp_path / name
        source.write_bytes(os.urandom(size))

        stored = store.put_file(f"originals/{name}", source, "application/octet-stream")

        assert stored.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        store.download(stored.key, tmp_path / f"back-{name}")
        assert (tmp_path / f"back-{name}").read_bytes() == source.read_bytes()
    etag = raw_client(s3_server).stat_object(bucket, "originals/large.tif").etag
    assert etag.strip('"').endswith("-3")


def test_presigned_url_can_be_fetched(s3_store: S3ObjectStore) -> None:
    s3_store.put_bytes("json/2026/11/r1.json", b'{"status": "digitized"}', "application/json")

    url = s3_store.presigned_url("json/2026/11/r1.json", timedelta(minutes=5))

    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b'{"status": "digitized"}'
        assert response.headers["Content-Type"] == "application/json"


def test_content_replaced_behind_our_back_is_detected(s3_store: S3ObjectStore,
                                                      s3_server: S3Server, bucket: str,
                                                      tmp_path: Path) -> None:
    stored = s3_store.put_bytes("pdf/r1.pdf", b"%PDF original", "application/pdf")
    # Another writer keeps our sha256 metadata but changes the bytes.
    raw_client(s3_server).put_object(bucket, "pdf/r1.pdf", io.BytesIO(b"%PDF tampered"), 13,
                                     metadata={"sha256": stored.sha256})

    with pytest.raises(IntegrityError, match="does not match"):
        s3_store.get_bytes("pdf/r1.pdf")
    with pytest.raises(IntegrityError):
        s3_store.download("pdf/r1.pdf", tmp_path / "r1.pdf")
    assert not (tmp_path / "r1.pdf").exists()


def test_missing_bucket_is_named(s3_store: S3ObjectStore, bucket: str) -> None:
    with pytest.raises(StorageError, match=f"bucket {bucket} does not exist"):
        s3_store.get_tags("a.txt")


def test_wrong_credentials_are_reported_in_one_line(s3_server: S3Server, bucket: str) -> None:
    store = S3ObjectStore(s3_settings(s3_server, bucket, secret_key="wrong-secret"), **FAST)

    with pytest.raises(StorageAccessError) as raised:
        store.check()

    message = str(raised.value)
    assert "\n" not in message
    assert f"http://{s3_server.endpoint}" in message
    assert "refused the credentials" in message and "SOHOA_S3__SECRET_KEY" in message
    assert raised.value.retryable is False


def test_unknown_access_key_is_reported(s3_server: S3Server, bucket: str) -> None:
    store = S3ObjectStore(s3_settings(s3_server, bucket, access_key="nobody"), **FAST)

    with pytest.raises(StorageAccessError, match="refused the credentials"):
        store.put_bytes("a.txt", b"a", "text/plain")


def test_unreachable_endpoint_fails_quickly_in_one_line(s3_server: S3Server,
                                                        bucket: str) -> None:
    port = free_port()  # nothing listens there
    store = S3ObjectStore(s3_settings(s3_server, bucket, endpoint=f"127.0.0.1:{port}"), **FAST)
    started = time.monotonic()

    with pytest.raises(StorageError) as raised:
        store.check()

    assert time.monotonic() - started < 5
    message = str(raised.value)
    assert "\n" not in message
    assert f"http://127.0.0.1:{port} is unreachable" in message
    assert "refused" in message.lower()
    assert raised.value.retryable is True


def test_connection_failures_are_retried_a_bounded_number_of_times(s3_server: S3Server,
                                                                   bucket: str) -> None:
    """GIVEN a server that accepts connections and hangs up WHEN the store asks it
    THEN it tries 1 + retries times, backing off, and gives up with StorageError."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[float] = []

    def hang_up() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(time.monotonic())
            connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    endpoint = f"127.0.0.1:{listener.getsockname()[1]}"
    store = S3ObjectStore(s3_settings(s3_server, bucket, endpoint=endpoint, region="us-east-1"),
                          timeout_seconds=2, retries=3, backoff_seconds=0.1)
    try:
        with pytest.raises(StorageError, match="is unreachable"):
            store.stat("a.txt")
    finally:
        listener.close()

    assert len(accepted) == 4
    assert accepted[-1] - accepted[0] >= 0.2 + 0.4  # urllib3 backoff: 0, 0.2, 0.4 s


def test_digest_matches_s3_etag_rules() -> None:
    data = os.urandom(12 * MIB)
    part = 5 * MIB

    digest = digest_chunks([data[:3 * MIB], data[3 * MIB:]], part)

    parts = [hashlib.md5(data[i:i + part]).digest() for i in range(0, len(data), part)]
    assert digest.etag == f"{hashlib.md5(b''.join(parts)).hexdigest()}-3"
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest_chunks([b"abc"], part).etag == hashlib.md5(b"abc").hexdigest()
    assert digest_chunks([], part).etag == hashlib.md5(b"").hexdigest()
    assert digest_chunks([data[:part]], part).etag == hashlib.md5(data[:part]).hexdigest()


@pytest.mark.parametrize("value", ["UBND xã Thạch Hạ", "100%", " lead and trail ", "a%20b",
                                   "plain-ascii_1.2", "tab\there"])
def test_metadata_values_round_trip_through_ascii(value: str) -> None:
    encoded = encode_metadata_value(value)
    assert encoded.isascii() and encoded.isprintable() and " " not in encoded
    assert decode_metadata_value(encoded) == value


def test_endpoint_forms() -> None:
    assert split_endpoint("minio.local:9000", False) == ("minio.local:9000", False)
    assert split_endpoint("https://minio.local:9000/", False) == ("minio.local:9000", True)
    assert split_endpoint("http://127.0.0.1:9000", True) == ("127.0.0.1:9000", False)
    with pytest.raises(ValueError, match="scheme"):
        split_endpoint("ftp://x", False)
