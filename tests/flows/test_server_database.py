"""A fresh data folder's Prefect database copied from a migrated empty one
(flows/server_database.py), and only ever kept from a database nothing has used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from config.settings import Settings
from flows.local_server import start_server, stop_server
from flows.server_database import keep_as_template, seed_database, template_path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own for the template."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def database_with(path: Path, table: str) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute(f"create table {table} (x)")
    connection.close()
    return path


def tables(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("select name from sqlite_master")}
    finally:
        connection.close()


def block_types(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("select count(*) from block_type").fetchone()[0]
    finally:
        connection.close()


def test_a_kept_template_seeds_a_missing_database_only(cache: Path, tmp_path: Path) -> None:
    """GIVEN no template THEN nothing is seeded; once a new database is kept as the template
    THEN a missing database is copied from it, an existing one is never replaced, and a
    second database kept later does not replace the template."""
    target = tmp_path / "folder" / "prefect.db"
    target.parent.mkdir()
    assert not seed_database(target) and not target.exists()

    keep_as_template(database_with(tmp_path / "made.db", "alembic_version"))
    assert template_path().parent == cache / "sohoa"
    assert seed_database(target)
    assert tables(target) == {"alembic_version"}

    database_with(tmp_path / "other.db", "flow_run")
    keep_as_template(tmp_path / "other.db")
    assert tables(template_path()) == {"alembic_version"}
    existing = database_with(tmp_path / "used.db", "records")
    assert not seed_database(existing)
    assert tables(existing) == {"records"}


def test_a_fresh_data_folder_starts_from_the_first_server_s_database(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN no template WHEN a server starts on a fresh data folder THEN its migrated
    database is kept as the template; a server on another fresh folder starts from a copy
    and answers; a server restarted on a database already used keeps no template."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    first = Settings(data_dir=tmp_path / "first", local_prefect_port=0)
    start_server(first)
    try:
        assert "alembic_version" in tables(template_path())
    finally:
        stop_server(first)

    database_with(template_path(), "seeded_marker")  # tells a copy from a migration
    second = Settings(data_dir=tmp_path / "second", local_prefect_port=0)
    start_server(second)
    stop_server(second)
    seeded = tmp_path / "second" / "prefect" / "prefect.db"
    assert "seeded_marker" in tables(seeded)
    # Started without registering block types (SEEDED_SERVER): the template's are there.
    assert block_types(seeded) == block_types(template_path()) > 0

    template_path().unlink()
    start_server(first)  # its database was used: it must not become the template
    stop_server(first)
    assert not template_path().exists()
