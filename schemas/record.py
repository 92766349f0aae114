"""The dossier record as stored in the SQL database (SQLModel)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Enum, Index, text
from sqlmodel import Field, SQLModel

from schemas.status import DigitizationStatus


def new_record_id() -> str:
    """A new record id: a random UUID, never derived from a file name."""
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


# One original per checksum: duplicates point at it, and the later documents of a split file
# (contract §5) are its parts; both share its checksum.
ONLY_ORIGINALS = "duplicate_of IS NULL AND part_of IS NULL"


class DocumentRole(StrEnum):
    """What a document is to its dossier (contract §6)."""

    RECEIPT = "receipt"
    COMPONENT = "component"
    RESULT = "result"


class DossierRecord(SQLModel, table=True):
    """One document of an input file (a file of one document: the file) and what became of it."""

    __tablename__ = "dossier_records"
    __table_args__ = (
        Index(
            "uq_dossier_records_sha256_original",
            "sha256",
            unique=True,
            sqlite_where=text(ONLY_ORIGINALS),
            postgresql_where=text(ONLY_ORIGINALS),
        ),
    )

    id: str = Field(default_factory=new_record_id, primary_key=True, max_length=36)
    filename: str = Field(description="source file name as the station gave it (display only)")
    source_path: str | None = Field(default=None, description="where the file was read from")
    sha256: str = Field(index=True, max_length=64)
    size_bytes: int = 0
    station: str = Field(index=True)
    unit: str = Field(index=True)
    doc_type: str | None = Field(default=None, index=True)
    # Stored as the contract's strings in a plain column, so a new status needs no ALTER TYPE.
    status: DigitizationStatus = Field(
        default=DigitizationStatus.RECEIVED,
        sa_column=Column(
            Enum(DigitizationStatus, values_callable=lambda e: [m.value for m in e],
                 native_enum=False, length=16, validate_strings=True),
            nullable=False, index=True,
        ),
    )
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    review_reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    page_count: int | None = None
    original_key: str | None = None
    pdf_key: str | None = None
    text_key: str | None = None
    json_key: str | None = None
    error: str | None = None
    duplicate_of: str | None = Field(default=None, foreign_key="dossier_records.id")
    pipeline_version: str | None = None
    # A split file (contract §5): its first record stands for the file (intake, duplicates);
    # documents 2.. are parts of it, with the same original and checksum.
    part_of: str | None = Field(default=None, foreign_key="dossier_records.id", index=True,
                                max_length=36)
    part: int = Field(default=1, ge=1, sa_column_kwargs={"server_default": "1"})
    parts: int = Field(default=1, ge=1, sa_column_kwargs={"server_default": "1"})
    first_page: int | None = None
    last_page: int | None = None
    dossier_code: str | None = Field(default=None, index=True)
    role: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utc_now, index=True)
    updated_at: datetime = Field(default_factory=utc_now)
    processed_at: datetime | None = None
