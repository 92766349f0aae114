"""The local Prefect server's database on a fresh data folder, copied from a migrated empty one.

A Prefect server starting on a new SQLite database runs every one of its migrations first:
9.0 s to its first answer here against 2.5 s on a database it had made before (2 cores,
Prefect 3), so `sohoa process` on a fresh data folder spent ~6.5 s of a 30-page run's 35 s
waiting for it. The first server this machine starts on a new database leaves a copy of it,
taken the moment it answers (migrated, its block types registered, nothing of sohoa's in
it), under ``$XDG_CACHE_HOME/sohoa`` (``~/.cache/sohoa``) named by Prefect's version; every
later fresh data folder starts from that copy. A database that held anything before is never
copied: it may hold runs and artifacts with personal data. Everything here is a shortcut: a
copy that fails is logged and the server migrates as before.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from importlib.metadata import version
from pathlib import Path

log = logging.getLogger("sohoa.server")


def template_path() -> Path:
    """Where the migrated empty database of this Prefect version is kept."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "sohoa" / f"prefect-{version('prefect')}.db"


def seed_database(database: Path) -> bool:
    """Put the migrated empty database at ``database`` when it does not exist yet; True if
    it was put there (the server will not migrate), False if the server must make it."""
    template = template_path()
    if database.exists() or not template.is_file():
        return False
    partial = database.with_name(f".{database.name}.copying")
    try:
        shutil.copyfile(template, partial)
        os.replace(partial, database)
    except OSError as error:
        log.warning("cannot copy the Prefect database template %s (%s); the server makes "
                    "its own", template, error)
        partial.unlink(missing_ok=True)
        return False
    return True


def keep_as_template(database: Path) -> None:
    """Keep a copy of ``database``, which a server has just made and migrated and nothing
    has used yet, as the template of later fresh data folders (unless one is kept already).
    SQLite's backup API copies it consistently while the server holds it open."""
    template = template_path()
    if template.is_file():
        return
    partial = template.with_name(f".{template.name}.{os.getpid()}")
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        source, copy = sqlite3.connect(database), sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        os.replace(partial, template)  # atomic: another process may be keeping one too
    except (OSError, sqlite3.Error) as error:
        log.warning("cannot keep the Prefect database template %s (%s)", template, error)
        partial.unlink(missing_ok=True)
