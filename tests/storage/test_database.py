"""Engines and database checks: SQLite tuned for several processes, PostgreSQL through
psycopg 3, and one clear line when the database cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from schemas.errors import StorageError
from storage.database import check_database, create_db_engine, init_database
from tests.services import PG_PASSWORD, free_port


def test_sqlite_gets_its_folder_wal_mode_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'new' / 'folder' / 'sohoa.db'}")

    check_database(engine)
    init_database(engine)

    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "new" / "folder" / "sohoa.db").exists()
    engine.dispose()


def test_postgresql_runs_in_utc_through_psycopg(postgres_url: str) -> None:
    plain = make_url(postgres_url).set(drivername="postgresql")
    engine = create_db_engine(plain.render_as_string(hide_password=False))

    with engine.connect() as connection:
        assert connection.execute(text("SHOW timezone")).scalar() == "UTC"
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def unusable_message(url: str) -> str:
    engine = create_db_engine(url)
    with pytest.raises(StorageError) as raised:
        check_database(engine)
    engine.dispose()
    message = str(raised.value)
    assert "\n" not in message
    assert PG_PASSWORD not in message and "wrong-password" not in message
    assert "SOHOA_DATABASE_URL" in message
    return message


def test_unreachable_postgresql_is_one_line() -> None:
    port = free_port()
    message = unusable_message(f"postgresql+psycopg://sohoa:wrong-password@127.0.0.1:{port}/db")
    assert f"127.0.0.1:{port}/db" in message
    assert "Connection refused" in message


def test_wrong_password_is_one_line(postgres_url: str) -> None:
    url = make_url(postgres_url).set(password="wrong-password")
    message = unusable_message(url.render_as_string(hide_password=False))
    assert "password authentication failed" in message


def test_missing_database_is_one_line(postgres_url: str) -> None:
    url = make_url(postgres_url).set(database="no_such_db")
    message = unusable_message(url.render_as_string(hide_password=False))
    assert 'database "no_such_db" does not exist' in message


def test_sqlite_in_an_unusable_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create the database folder"):
        create_db_engine(f"sqlite:///{tmp_path / 'a-file' / 'db' / 'sohoa.db'}")
