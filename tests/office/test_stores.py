"""Opening the configured stores from Settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import S3Settings, Settings
from office.stores import open_object_store, open_repository
from schemas.errors import StorageError
from storage.local import LocalObjectStore
from storage.s3 import S3ObjectStore
from tests.services import S3Server, free_port


def test_local_store_and_sqlite_by_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")

    store = open_object_store(settings)
    repository = open_repository(settings)

    assert isinstance(store, LocalObjectStore)
    assert store.root == tmp_path / "data" / "objects"
    record, created = repository.register(filename="a.pdf", source_path=None, sha256="0" * 64,
                                          size_bytes=1, station="s", unit="u",
                                          original_key=None)
    assert created and repository.get(record.id) is not None
    assert (tmp_path / "data" / "sohoa.db").exists()
    repository.engine.dispose()


def test_s3_store_when_configured(s3_server: S3Server, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, object_store="s3", s3=S3Settings(
        endpoint=s3_server.endpoint, access_key=s3_server.access_key,
        secret_key=s3_server.secret_key, bucket="sohoa-factory"))

    store = open_object_store(settings)
    store.check()

    assert isinstance(store, S3ObjectStore)
    assert store.put_bytes("a.txt", b"a", "text/plain").size == 1


def test_unreachable_database_fails_in_one_line(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path,
                        database_url=f"postgresql+psycopg://u:p@127.0.0.1:{free_port()}/db")

    with pytest.raises(StorageError, match="is not usable"):
        open_repository(settings)
