"""The SQL database behind the record repository: SQLite on one machine, PostgreSQL in production.

SQLite runs in WAL mode with a busy timeout, so a folder watcher, flow workers and the command
line can share one file: readers never block the writer, and writers wait for each other
instead of failing at once. PostgreSQL is reached through psycopg 3
(``postgresql+psycopg://user:password@host:5432/sohoa``); sessions run in UTC so timestamps do
not depend on the server's time zone.

The schema is managed by Alembic (``storage/migrations``): :func:`init_database` brings any
database to the newest revision, under a lock so that processes starting together migrate once.
"""

from __future__ import annotations

import ast
import re
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlmodel import Session

import schemas.dossier  # noqa: F401

# Every table's model, so that SQLModel.metadata (create_all, drop_all, schema comparisons)
# always holds the whole schema, whichever models the process happened to import first.
import schemas.record  # noqa: F401
import schemas.review  # noqa: F401
import schemas.search  # noqa: F401
from schemas.errors import ConfigurationError, StorageError

if TYPE_CHECKING:  # Alembic is imported where a migration or a check needs it (see init_database)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

BUSY_TIMEOUT_SECONDS = 30
CONNECT_TIMEOUT_SECONDS = 10
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The revision whose schema equals what create_all made before migrations existed.
INITIAL_REVISION = "0001_initial"
RECORDS_TABLE = "dossier_records"
REVIEWS_TABLE = "review_entries"
DOSSIERS_TABLE = "dossiers"
SEARCH_TABLE = "record_search"
# The table (and column, for a revision that adds columns) each revision creates, oldest
# first. A database create_all made is stamped at the newest revision whose tables and columns
# it already has: one made before migrations has only the records, one made by create_all of
# the current models (tests, development) has them all.
TABLE_OF_REVISION: tuple[tuple[str, str, str | None], ...] = (
    (INITIAL_REVISION, RECORDS_TABLE, None),
    ("0002_review_entries", REVIEWS_TABLE, None),
    ("0003_document_parts", RECORDS_TABLE, "part_of"),
    ("0004_dossiers", DOSSIERS_TABLE, None),
    ("0005_record_search", SEARCH_TABLE, None),
)
VERSION_TABLE = "alembic_version"
# One fixed advisory-lock key for sohoa's migrations (any bigint; derived so it reads as ours).
MIGRATION_LOCK_KEY = zlib.crc32(b"sohoa schema migrations")


def create_db_engine(url: str) -> Engine:
    """An engine for a SQLAlchemy URL, tuned for how sohoa uses the database.

    A URL that cannot be used raises ConfigurationError with one line that names it without
    its password (SQLAlchemy's own errors repeat the URL, password included)."""
    parsed = parse_database_url(url)
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(parsed)
        if backend == "postgresql":
            return _postgresql_engine(parsed)
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ArgumentError, ImportError) as error:
        raise ConfigurationError(f"SOHOA_DATABASE_URL {mask_url(url)} names a database sohoa "
                                 f"cannot drive ({parsed.drivername}); use sqlite:///… or "
                                 f"postgresql+psycopg://…") from error


def parse_database_url(url: str) -> URL:
    """The parsed URL; ConfigurationError for one SQLAlchemy cannot read, or one whose
    password holds an unescaped «@» (it would be read as part of the host name)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as error:
        raise ConfigurationError(f"SOHOA_DATABASE_URL {mask_url(url)} is not a database URL; "
                                 f"expected e.g. postgresql+psycopg://user:password@host:5432/"
                                 f"sohoa") from error
    if "@" in (parsed.host or ""):
        raise ConfigurationError(f"SOHOA_DATABASE_URL {mask_url(url)}: the user or password "
                                 f"holds an «@»; write it as %40 in the URL")
    return parsed


def mask_url(url: str) -> str:
    """A URL for messages: everything between «scheme://user:» and the host's «@» hidden.

    Works on the raw string, so a password that itself holds «@», «:» or «/» is hidden whole
    (make_url would end it at its first «@» and show the rest as the host)."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return "(not shown: no «://»)"  # cannot tell a password from the rest
    # No authority (sqlite:///path): a «@» is part of a file name. Else the last «@» before
    # the query ends the credentials, however many the password holds.
    authority_end = rest.split("?", 1)[0].rfind("@")
    if rest.startswith("/") or authority_end < 0:
        return url
    user = rest[:authority_end].split(":", 1)[0]
    return f"{scheme}://{user}:***@{rest[authority_end + 1:]}"


def init_database(engine: Engine) -> None:
    """Bring the database's schema to the newest migration (``alembic upgrade head``).

    Safe when several processes start at once: on PostgreSQL they queue on a transaction-level
    advisory lock, on SQLite on the write lock (``BEGIN IMMEDIATE`` within the busy timeout),
    and the upgrade runs inside that same transaction. A database that ``create_all`` made
    before migrations existed (tables, no ``alembic_version``) is stamped at the newest
    revision whose tables it has (see TABLE_OF_REVISION) first, not created again. Raises
    StorageError when the database cannot be used and ConfigurationError when it is newer
    than this sohoa.
    """
    try:
        # The common case, a database at the newest revision: one small query, and Alembic
        # (a fifth of a CPU second to import, in every worker's flow run) is not imported.
        if recorded_revision(engine) == head_revision():
            return
        if schema_revision(engine) == head_revision():
            return
        with _migration_lock(engine) as connection:
            _upgrade(connection)
    except SQLAlchemyError as error:
        raise _unreachable(engine, error) from error


def recorded_revision(engine: Engine) -> str | None:
    """The revision the database's version table holds when it holds exactly one, read
    without Alembic; None otherwise (no table yet, no row, several)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    return rows[0][0] if len(rows) == 1 else None


def schema_revision(engine: Engine) -> str | None:
    """The database's migration revision; None before the first migration.

    Raises ConfigurationError for a revision this sohoa does not know (a newer release
    migrated the database).
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.util import CommandError

    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    if revision is not None:
        try:
            _scripts().get_revision(revision)
        except CommandError as error:
            raise ConfigurationError(
                f"Database {describe_url(engine)} has schema revision {revision}, which this "
                f"sohoa does not know; upgrade sohoa to the release that migrated it") from error
    return revision


_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


@cache
def head_revision() -> str:
    """The newest migration this sohoa ships.

    Read from the scripts' ``revision`` and ``down_revision`` lines: the one revision no
    other revises. Alembic (which imports every script) is asked only when that is not one
    revision (branches, a line this reading does not understand); both give the same head
    (tests/storage/test_migrations.py)."""
    revisions, revised = set(), set()
    for script in MIGRATIONS_DIR.joinpath("versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            try:
                parsed = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return _alembic_head()
            if name == "revision":
                revisions.add(parsed)
            elif isinstance(parsed, str):
                revised.add(parsed)
            elif parsed is not None:
                revised.update(parsed)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else _alembic_head()


def _alembic_head() -> str:
    head = _scripts().get_current_head()
    if head is None:
        raise ConfigurationError(f"no migrations found in {MIGRATIONS_DIR}; reinstall sohoa")
    return head


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code: no alembic.ini is needed at run time.

    With ``connection``, migrations run on it, inside the caller's transaction.
    """
    from alembic.config import Config

    config = Config()
    # Config values go through configparser interpolation: a literal % must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    """The shipped migration scripts (read once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the migration lock; committed on success."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # Released by the commit (or rollback) that ends the transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK_KEY})
        elif engine.dialect.name == "sqlite":
            # Take the write lock now, not at the first write, so a second process waits
            # (busy timeout) before it reads the schema instead of after.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection
        connection.commit()


def _upgrade(connection: Connection) -> None:
    """Stamp a database create_all made, then apply every pending migration."""
    from alembic import command

    config = alembic_config(connection)
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    if RECORDS_TABLE in tables and VERSION_TABLE not in tables:
        present = {(table, column["name"]) for table in tables
                   for column in inspector.get_columns(table)}
        command.stamp(config, _create_all_revision(tables, present))
    command.upgrade(config, "head")


def _create_all_revision(tables: set[str], columns: set[tuple[str, str]]) -> str:
    """The newest revision whose tables and columns (and every earlier revision's) are all
    present."""
    revision = INITIAL_REVISION
    for candidate, table, column in TABLE_OF_REVISION:
        if table not in tables or (column is not None and (table, column) not in columns):
            break
        revision = candidate
    return revision


@contextmanager
def database_session(engine: Engine | Connection) -> Iterator[Session]:
    """A session whose connection failures become StorageError (retryable), naming the
    database without its password."""
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    except (OperationalError, InterfaceError) as error:
        first_line = str(getattr(error, "orig", error)).strip().splitlines()[:1]
        raise StorageError(f"Database {describe_url(engine)} failed "
                           f"({' '.join(first_line)}); try again") from error


def check_database(engine: Engine) -> None:
    """Raise StorageError with one actionable line unless the database answers."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        raise _unreachable(engine, error) from error


def describe_url(engine: Engine | Connection) -> str:
    """The engine's URL without its password, for messages and logs. A connection (a
    repository working inside a caller's transaction) is described by its engine."""
    return engine.engine.url.render_as_string(hide_password=True)


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
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    _use_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses no commit's data
    cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL (it stays so). Switching does not wait on SQLite's busy
    handler: processes opening a new database together get «database is locked» at once,
    so the switch is tried again until the busy timeout, and skipped once it is done."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


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
