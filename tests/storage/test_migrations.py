"""Alembic migrations of the record database, on SQLite and on a real PostgreSQL: upgrades from
empty and from a database that create_all made, idempotence, concurrent starts, and a migrated
schema equal to the model's."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from interfaces.cli_db import db_app
from schemas.errors import ConfigurationError
from schemas.record import DossierRecord
from schemas.search import compared
from schemas.status import DigitizationStatus
from storage.database import (
    _scripts,
    alembic_config,
    create_db_engine,
    head_revision,
    init_database,
    schema_revision,
)
from storage.records import RecordRepository
from tests.services import create_postgres_database, free_port

STARTING_TOGETHER = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with nothing in it: a new SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sohoa.db'}"
    return create_postgres_database(request.getfixturevalue("postgres_url"), "migrations")


@pytest.fixture
def make_engine(empty_database_url: str) -> Iterator[Callable[[], Engine]]:
    """Engines on the empty database; separate engines act like separate processes."""
    engines: list[Engine] = []

    def make() -> Engine:
        engines.append(create_db_engine(empty_database_url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def schema_differences(engine: Engine) -> list:
    """What alembic's autogenerate would change to make the database match the model."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                             "include_name": compared})
        return compare_metadata(context, SQLModel.metadata)


def version_rows(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def register_one(engine: Engine) -> DossierRecord:
    record, _ = RecordRepository(engine).register(
        filename="a.pdf", source_path=None, sha256="a" * 64, size_bytes=1, station="s",
        unit="u", original_key="originals/a.pdf")
    return record


def test_upgrade_from_empty_creates_the_model_schema(make_engine: Callable[[], Engine]) -> None:
    engine = make_engine()
    assert schema_revision(engine) is None

    init_database(engine)

    assert schema_revision(engine) == head_revision()
    assert {"dossier_records", "alembic_version"} <= set(inspect(engine).get_table_names())
    assert schema_differences(engine) == []


def test_the_partial_unique_index_and_the_status_strings_are_migrated(
        make_engine: Callable[[], Engine]) -> None:
    """GIVEN a migrated database THEN the sha256 index is unique only among originals and the
    status column is a plain 16-character string column, no database enum type."""
    engine = make_engine()
    init_database(engine)

    index_sql = unique_index_definition(engine)
    assert "UNIQUE" in index_sql.upper() and "duplicate_of IS NULL" in index_sql
    status = next(c for c in inspect(engine).get_columns("dossier_records")
                  if c["name"] == "status")
    assert type(status["type"]).__name__ == "VARCHAR" and status["type"].length == 16
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            assert connection.execute(text(
                "SELECT count(*) FROM pg_type WHERE typname = 'digitizationstatus'")).scalar() == 0


def unique_index_definition(engine: Engine) -> str:
    """The DDL of the partial unique index as the database keeps it."""
    if engine.dialect.name == "postgresql":
        query = ("SELECT indexdef FROM pg_indexes "
                 "WHERE indexname = 'uq_dossier_records_sha256_original'")
    else:
        query = ("SELECT sql FROM sqlite_master "
                 "WHERE name = 'uq_dossier_records_sha256_original'")
    with engine.connect() as connection:
        return connection.execute(text(query)).scalar_one()


def test_the_migrated_database_keeps_one_original_per_checksum(
        make_engine: Callable[[], Engine]) -> None:
    engine = make_engine()
    init_database(engine)
    repository = RecordRepository(engine)

    original = register_one(engine)
    copy, created = repository.register(
        filename="b.pdf", source_path=None, sha256="a" * 64, size_bytes=1, station="s",
        unit="u", original_key=None)

    assert not created and copy.duplicate_of == original.id
    assert copy.status is DigitizationStatus.DUPLICATE


def test_upgrade_is_idempotent(make_engine: Callable[[], Engine]) -> None:
    engine = make_engine()
    init_database(engine)
    record = register_one(engine)

    init_database(engine)
    init_database(make_engine())

    assert version_rows(engine) == [head_revision()]
    assert RecordRepository(engine).require(record.id).sha256 == record.sha256


def test_a_database_made_by_create_all_is_stamped_and_keeps_its_records(
        make_engine: Callable[[], Engine]) -> None:
    """GIVEN tables and records made by create_all (sohoa before migrations), no
    alembic_version WHEN init_database runs THEN it is stamped, not created again."""
    engine = make_engine()
    SQLModel.metadata.create_all(engine)
    record = register_one(engine)

    init_database(engine)

    assert version_rows(engine) == [head_revision()]
    assert RecordRepository(engine).require(record.id).filename == "a.pdf"
    assert schema_differences(engine) == []


def test_processes_starting_together_migrate_once(make_engine: Callable[[], Engine]) -> None:
    """GIVEN an empty database WHEN several processes (separate engines) start at the same
    moment THEN every one succeeds and the schema is created once."""
    engines = [make_engine() for _ in range(STARTING_TOGETHER)]
    start = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def start_process(engine: Engine) -> None:
        start.wait()
        try:
            init_database(engine)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=start_process, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert version_rows(engines[0]) == [head_revision()]
    assert schema_differences(engines[0]) == []


def test_downgrade_to_nothing_and_back(make_engine: Callable[[], Engine]) -> None:
    engine = make_engine()
    init_database(engine)

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert "dossier_records" not in inspect(engine).get_table_names()

    init_database(engine)
    assert schema_differences(engine) == []


def test_a_database_newer_than_this_sohoa_is_refused(make_engine: Callable[[], Engine]) -> None:
    engine = make_engine()
    init_database(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))

    with pytest.raises(ConfigurationError, match="9999_future.*upgrade sohoa"):
        init_database(engine)


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    """GIVEN the shipped migration scripts WHEN the head is read from their revision lines
    THEN it is the head Alembic finds by importing them."""
    assert head_revision() == _scripts().get_current_head()


def test_a_current_database_is_opened_without_importing_alembic(
        make_engine: Callable[[], Engine]) -> None:
    """GIVEN a database at the newest revision WHEN a new process initialises it (a worker's
    flow run) THEN Alembic is not imported: a fifth of a CPU second of every flow run."""
    engine = make_engine()
    init_database(engine)
    url = engine.url.render_as_string(hide_password=False)
    code = ("import sys\n"
            "from storage.database import create_db_engine, init_database, recorded_revision\n"
            f"engine = create_db_engine({url!r})\n"
            "init_database(engine)\n"
            "print(recorded_revision(engine), 'alembic' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).parents[2]).stdout.split()
    assert shown == [head_revision(), "False"]


# -- sohoa db --------------------------------------------------------------------------------


def run_db(args: list[str], database_url: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(db_app, args, env={"SOHOA_DATABASE_URL": database_url})
    return result.exit_code, result.stdout, result.stderr


def test_db_commands_show_and_migrate_the_schema(empty_database_url: str) -> None:
    code, out, _ = run_db(["current", "--check"], empty_database_url)
    assert code == 1 and "no schema yet" in out

    code, out, _ = run_db(["upgrade"], empty_database_url)
    assert code == 0 and f"revision {head_revision()}" in out

    code, out, _ = run_db(["current", "--check"], empty_database_url)
    assert code == 0 and "(newest)" in out
    assert "sohoa-test-password" not in out


def test_db_commands_on_an_unreachable_database_exit_2_with_one_line() -> None:
    url = f"postgresql+psycopg://sohoa:secret@127.0.0.1:{free_port()}/sohoa"

    code, _, err = run_db(["upgrade"], url)

    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "SOHOA_DATABASE_URL" in err
    assert "secret" not in err
