"""The command line's boundary: the settings are read once per command (``open_services``),
and an error becomes one line on standard error and the exit code its type carries
(``SohoaError.exit_code``); a traceback is never what an operator reads."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NoReturn

import typer

from config.settings import Settings
from office.services import Services, use_settings
from schemas.errors import ExitCode, SohoaError


def open_services() -> Services:
    """The settings, read once from the environment and files for this command; the stores
    open lazily on first use. Raises pydantic's ValueError on a bad setting (reported by
    ``exits_on_failure`` as bad configuration)."""
    return use_settings(Settings())


@contextlib.contextmanager
def exits_on_failure(what: str) -> Iterator[None]:
    """Run the block; a sohoa error or a bad setting ends the command with «sohoa cannot
    WHAT: reason» on standard error and the error's exit code."""
    try:
        yield
    except SohoaError as error:
        fail(f"sohoa cannot {what}: {error.message}", error.exit_code)
    except ValueError as error:  # pydantic's validation errors of a bad setting
        fail(f"sohoa cannot {what}: bad configuration: {error}", ExitCode.CANNOT_RUN)


def fail(message: str, code: ExitCode = ExitCode.CANNOT_RUN) -> NoReturn:
    """Print ``message`` as one line on standard error and exit with ``code``."""
    typer.echo(" ".join(message.split()), err=True)
    raise typer.Exit(int(code))
