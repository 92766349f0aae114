"""`sohoa db`: the record database's schema (Alembic migrations shipped in storage/migrations).

``sohoa db upgrade`` is what a deployment runs once before starting workers (the compose
stack's ``migrate`` service); every sohoa process also upgrades on start, so it is never
required, only tidier. ``sohoa db current --check`` tells a health check whether the schema is
the newest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from interfaces.boundary import exits_on_failure, open_services
from interfaces.console import output_console
from schemas.errors import ExitCode
from storage.database import (
    check_database,
    create_db_engine,
    describe_url,
    head_revision,
    init_database,
    schema_revision,
)

db_app = typer.Typer(help="The record database's schema: show it, migrate it.",
                     no_args_is_help=True, add_completion=False)
console = output_console()
errors = Console(stderr=True)


@contextmanager
def configured_engine() -> Iterator[Engine]:
    """An engine on the configured database that answers. Any SohoaError, here or in the
    caller's block, ends the command with exit 2 and one line."""
    engine: Engine | None = None
    try:
        with exits_on_failure("run"):
            engine = create_db_engine(open_services().settings.resolved_database_url)
            check_database(engine)
            yield engine
    finally:
        if engine is not None:
            engine.dispose()


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the newest schema (safe while other processes start)."""
    with configured_engine() as engine:
        init_database(engine)
        revision = schema_revision(engine)
        console.print(f"database {describe_url(engine)}: schema at revision {revision} (newest)",
                      soft_wrap=True)


@db_app.command("current")
def current(
    check: Annotated[bool, typer.Option(
        "--check", help="exit 1 unless the schema is the newest (for health checks)")] = False,
) -> None:
    """Show the database's schema revision and whether it is the newest."""
    with configured_engine() as engine:
        revision, head = schema_revision(engine), head_revision()
        console.print(f"database {describe_url(engine)}: {describe_revision(revision, head)}",
                      soft_wrap=True)
    if check and revision != head:
        raise typer.Exit(ExitCode.INCOMPLETE)


def describe_revision(revision: str | None, head: str) -> str:
    """One line on where the schema stands."""
    if revision is None:
        return "no schema yet; run `sohoa db upgrade`"
    if revision == head:
        return f"schema at revision {revision} (newest)"
    return f"schema at revision {revision}, newest is {head}; run `sohoa db upgrade`"
