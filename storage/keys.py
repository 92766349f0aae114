"""Object key layout. Keys come from record ids and dates, never from user file names.

Station file names are free text (Vietnamese, spaces, ``..``); putting them in keys would let a
file name choose where its bytes go. The original name is kept in the record, for display only.

Year and month are the record's creation time in UTC, so a key never depends on the machine's
time zone::

    originals/YYYY/MM/<record_id>/original.<ext>
    quarantine/YYYY/MM/<record_id>/original.<ext>
    pdf/YYYY/MM/<record_id>.pdf
    text/YYYY/MM/<record_id>.txt
    json/YYYY/MM/<record_id>.json
    dossiers/<dossier_code>.json
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from schemas.codes import is_dossier_code

_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")
FALLBACK_EXTENSION = "bin"


def sanitize_extension(extension: str | None) -> str:
    """``".PDF"`` → ``"pdf"``; anything not 1–5 of ``[a-z0-9]`` becomes ``"bin"``."""
    cleaned = (extension or "").strip().lstrip(".").lower()
    return cleaned if _EXTENSION.match(cleaned) else FALLBACK_EXTENSION


def original_key(record_id: str, created_at: datetime, extension: str | None) -> str:
    """Where a record's original file is kept."""
    return _original_under("originals", record_id, created_at, extension)


def quarantine_key(record_id: str, created_at: datetime, extension: str | None) -> str:
    """Where the original of a failed record is kept, apart from good originals."""
    return _original_under("quarantine", record_id, created_at, extension)


def pdf_key(record_id: str, created_at: datetime) -> str:
    """The searchable PDF of a record."""
    return f"pdf/{_month(created_at)}/{_checked(record_id)}.pdf"


def text_key(record_id: str, created_at: datetime) -> str:
    """The recognised plain text of a record."""
    return f"text/{_month(created_at)}/{_checked(record_id)}.txt"


def json_key(record_id: str, created_at: datetime) -> str:
    """The extracted JSON document of a record (contract §3)."""
    return f"json/{_month(created_at)}/{_checked(record_id)}.json"


def _original_under(prefix: str, record_id: str, created_at: datetime,
                    extension: str | None) -> str:
    extension = sanitize_extension(extension)
    return f"{prefix}/{_month(created_at)}/{_checked(record_id)}/original.{extension}"


def _month(created_at: datetime) -> str:
    # Naive datetimes are taken as UTC: that is how the database hands them back on SQLite.
    moment = created_at.astimezone(UTC) if created_at.tzinfo else created_at
    return f"{moment.year:04d}/{moment.month:02d}"


def _checked(record_id: str) -> str:
    if not _RECORD_ID.match(record_id):
        raise ValueError(f"invalid record id {record_id!r} for an object key")
    return record_id


def dossier_key(code: str) -> str:
    """The dossier document (contract §6), one per dossier code, rewritten as it changes."""
    if not is_dossier_code(code):
        raise ValueError(f"not a dossier code: {code!r}")
    return f"dossiers/{code}.json"
