"""The SQL database behind the record repository: SQLite on one machine, PostgreSQL in production.

SQLite runs in WAL mode with a busy timeout, so a folder watcher, flow workers and the command
line can share one file: readers never block the writer, and writers wait for each other
instead of failing at once. PostgreSQL is reached through psycopg 3
(``postgresql+psycopg://user:password@host:5432/sohoa``); sessions run in UTC so timestamps do
not depend on the server's time zone.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

import schemas.record  # noqa: F401  (registers the tables in SQLModel.metadata)
from pipeline.errors import StorageError

BUSY_TIMEOUT_SECONDS = 30
CONNECT_TIMEOUT_SECONDS = 10


def create_db_engine(url: str) -> Engine:
    """An engine for a SQLAlchemy URL, tuned for how sohoa uses the database."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return _postgresql_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def init_database(engine: Engine) -> None:
    """Create missing tables and indexes. (Schema changes will come as Alembic migrations.)"""
    try:
        SQLModel.metadata.create_all(engine)
    except SQLAlchemyError as error:
        raise _unreachable(engine, error) from error


def check_database(engine: Engine) -> None:
    """Raise StorageError with one actionable line unless the database answers."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        raise _unreachable(engine, error) from error


def describe_url(engine: Engine) -> str:
    """The engine's URL without its password, for messages and logs."""
    return engine.url.render_as_string(hide_password=True)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().absolute().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(f"cannot create the database folder {folder} "
                               f"({error.strerror}); check SOHOA_DATA_DIR") from error
    engine = create_engine(url, connect_args={"check_same_thread": False,
                                              "timeout": BUSY_TIMEOUT_SECONDS})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _connection_record) -> None:  # noqa: ANN001 (DB-API)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses no commit's data
    cursor.close()


def _postgresql_engine(url: URL) -> Engine:
    if url.drivername == "postgresql":
        # Plain "postgresql://" would pick psycopg2, which sohoa does not install.
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True, connect_args={
        "options": "-c timezone=UTC", "connect_timeout": CONNECT_TIMEOUT_SECONDS})


def _unreachable(engine: Engine, error: SQLAlchemyError) -> StorageError:
    return StorageError(f"Database {describe_url(engine)} is not usable ({_reason(error)}); "
                        f"check SOHOA_DATABASE_URL and that the server runs")


def _reason(error: SQLAlchemyError) -> str:
    """The driver's first line, without psycopg's 'connection to server at … failed:' lead-in."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    first = lines[0] if lines else type(original).__name__
    first = re.sub(r"^.*?(port \d+ )?failed: ", "", first)
    return re.sub(r"^(FATAL|ERROR):\s+", "", first).strip()[:200]
