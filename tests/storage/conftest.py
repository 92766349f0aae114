"""Stores for the storage tests: a local folder, a bucket on real SeaweedFS, and record
repositories on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from config.settings import S3Settings
from storage.database import create_db_engine, init_database
from storage.local import LocalObjectStore
from storage.records import RecordRepository
from storage.s3 import S3ObjectStore
from tests.services import S3Server

# Short timeouts and few, quick retries: a broken server must fail a test in seconds.
FAST = {"timeout_seconds": 2.0, "retries": 2, "backoff_seconds": 0.05}


@pytest.fixture
def local_store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")


def s3_settings(server: S3Server, bucket: str, **overrides: str) -> S3Settings:
    values = {"endpoint": server.endpoint, "access_key": server.access_key,
              "secret_key": server.secret_key, "bucket": bucket, **overrides}
    return S3Settings(**values)


@pytest.fixture
def bucket() -> str:
    """A fresh bucket name per test, so tests never see each other's objects."""
    return f"sohoa-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def s3_store(s3_server: S3Server, bucket: str) -> S3ObjectStore:
    return S3ObjectStore(s3_settings(s3_server, bucket), **FAST)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each repository test runs on a SQLite file and on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'sohoa.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine_factory(database_url: str) -> Iterator[Callable[[], Engine]]:
    """Makes engines on the test database (separate engines act like separate processes)."""
    engines: list[Engine] = []

    def make() -> Engine:
        engine = create_db_engine(database_url)
        engines.append(engine)
        return engine

    first = make()
    # The PostgreSQL database is shared by the session: start every test from empty tables,
    # and from no migration revision either, so that init_database creates them again.
    SQLModel.metadata.drop_all(first)
    with first.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    init_database(first)
    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def repository(engine_factory: Callable[[], Engine]) -> RecordRepository:
    return RecordRepository(engine_factory())
