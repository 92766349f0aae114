"""Alembic's environment for sohoa's record database.

Run by :func:`storage.database.init_database` (``sohoa db upgrade``) with an open connection in
``config.attributes["connection"]``, inside the caller's transaction, so that the caller's lock
covers the whole upgrade. Without one (alembic's own command line, e.g. to autogenerate a new
revision) it connects to the configured database, ``SOHOA_DATABASE_URL``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import schemas.dossier  # noqa: F401
import schemas.record  # noqa: F401  (registers the tables in SQLModel.metadata)
import schemas.review  # noqa: F401
from schemas.search import compared

TARGET_METADATA = SQLModel.metadata


def run_migrations(connection: Connection) -> None:
    """Apply the pending revisions on ``connection``."""
    context.configure(
        connection=connection,
        target_metadata=TARGET_METADATA,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The search index's FTS5 tables and GIN index are made by DDL the model does not
        # describe (schemas.search): autogenerate must not drop them.
        include_name=compared,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """On the caller's connection, or on one to the configured database."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from config.settings import Settings
    from storage.database import create_db_engine

    engine = create_db_engine(Settings().resolved_database_url)
    try:
        with engine.connect() as own_connection:
            run_migrations(own_connection)
            own_connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("sohoa's migrations run against a database; offline (--sql) mode is not "
                     "supported")
run_online()
