"""Dossiers (contract §6): everything of one request under one procedure, by its code.

``Dossier`` is the database row, derived from the dossier's records and recomputed whenever
one of them changes; ``DossierJson`` is the dossier document downstream systems read.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from schemas.codes import DOSSIER_CODE
from schemas.document import ContractModel
from schemas.record import utc_now
from schemas.status import DigitizationStatus

SCHEMA_VERSION = "1"


class Dossier(SQLModel, table=True):
    """One dossier as its records make it (never written but by recomputing it from them)."""

    __tablename__ = "dossiers"

    code: str = Field(primary_key=True, max_length=32)
    unit: str = Field(index=True)
    station: str = Field(index=True)
    procedure: str | None = None
    applicant_name: str | None = None
    received_at: str | None = Field(default=None, index=True,
                                    description="the receipt's received_at, YYYY-MM-DDTHH:MM")
    due_at: str | None = None
    receipt_id: str | None = Field(default=None, max_length=36)
    digitized: bool = False
    has_electronic_result: bool = False
    created_at: datetime = Field(default_factory=utc_now, index=True)
    updated_at: datetime = Field(default_factory=utc_now)


class PersonId(SQLModel, table=True):
    """An ID number (CCCD, CMND, personal ID) named in a record's fields (contract §7): the
    index that finds a person's digitized papers again."""

    __tablename__ = "person_ids"

    id_number: str = Field(primary_key=True, max_length=12)
    record_id: str = Field(primary_key=True, foreign_key="dossier_records.id", max_length=36,
                           index=True)


class DossierMember(ContractModel):
    """A component or result of a dossier as its document lists it."""

    record_id: str
    doc_type: str
    status: DigitizationStatus


class DossierJson(ContractModel):
    """The dossier document (contract §6)."""

    schema_version: str = SCHEMA_VERSION
    dossier_code: str = PydanticField(pattern=DOSSIER_CODE.pattern)
    unit: str
    station: str
    procedure: str | None = None
    applicant_name: str | None = None
    received_at: str | None = None
    due_at: str | None = None
    receipt: str | None = PydanticField(None, description="the receipt's record id; null: "
                                                          "no receipt has been digitized yet")
    components: list[DossierMember] = PydanticField(default_factory=list)
    results: list[DossierMember] = PydanticField(default_factory=list)
    digitized: bool
    has_electronic_result: bool
    updated_at: datetime

    def to_json(self) -> str:
        """Serialised as downstream systems read it."""
        return self.model_dump_json(indent=2)


class DossierState(BaseModel):
    """What a dossier's records say of it: the row's values and the document."""

    row: dict
    document: DossierJson
