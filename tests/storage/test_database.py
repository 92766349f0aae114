"""Engines and database checks: SQLite tuned for several processes, PostgreSQL through
psycopg 3, and one clear line when the database cannot be used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from schemas.errors import ConfigurationError, StorageError
from storage.database import check_database, create_db_engine, init_database, mask_url
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


def test_a_password_with_an_unescaped_at_sign_is_refused_without_showing_it() -> None:
    """GIVEN «p@ss-tail» typed as is (SQLAlchemy would end the password at the «@» and take
    «ss-tail@db» for the host) THEN the URL is refused, saying to write %40, and no part of
    the password shows."""
    url = "postgresql+psycopg://sohoa:p@ss-tail-secret@db.example:5432/sohoa"

    with pytest.raises(ConfigurationError) as raised:
        create_db_engine(url)

    message = raised.value.message
    assert "%40" in message and "tail-secret" not in message and "p@ss" not in message
    assert "postgresql+psycopg://sohoa:***@db.example:5432/sohoa" in message


def test_an_escaped_at_sign_reaches_the_server_and_stays_hidden(postgres_url: str) -> None:
    url = make_url(postgres_url).render_as_string(hide_password=False).replace(
        f":{PG_PASSWORD}@", ":wrong%40pass-tail-secret@")

    message = unusable_message(url)

    assert "password authentication failed" in message and "tail-secret" not in message


@pytest.mark.parametrize("url", ["postgresql://sohoa:my@pass:word/x@db:5432/sohoa",
                                 "postgresql://sohoa:secret-pw@db:5432/sohoa"])
def test_masked_urls_hide_the_whole_password(url: str) -> None:
    assert mask_url(url) in {"postgresql://sohoa:***@db:5432/sohoa"}
    assert mask_url("sqlite:////srv/a@b/sohoa.db") == "sqlite:////srv/a@b/sohoa.db"


@pytest.mark.parametrize("url", ["not a url secret-pw", "postgres://sohoa:secret-pw@db/sohoa",
                                 "mysql://sohoa:secret-pw@db/sohoa",
                                 "postgresql://sohoa:secret-pw@db:port/sohoa"])
def test_a_bad_database_url_is_one_configuration_line(url: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        create_db_engine(url)

    message = raised.value.message
    assert "\n" not in message and "secret-pw" not in message
    assert "SOHOA_DATABASE_URL" in message


def test_the_command_line_says_a_bad_url_in_one_line(tmp_path: Path) -> None:
    """GIVEN a URL SQLAlchemy cannot parse WHEN `sohoa db current` runs THEN one line on
    stderr and exit 2, not a traceback."""
    sohoa = Path(sys.executable).with_name("sohoa")
    env = {**os.environ, "SOHOA_DATA_DIR": str(tmp_path),
           "SOHOA_DATABASE_URL": "sohoa:secret-pw@db/sohoa"}  # «postgresql://» forgotten

    result = subprocess.run([str(sohoa), "db", "current"], env=env, capture_output=True,
                            text=True, timeout=120, cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "is not a database URL" in result.stderr and "secret-pw" not in result.stderr
