"""The extracted JSON that downstream systems read (contract §3), one document per record."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.codes import DOSSIER_CODE
from schemas.ocr import BBox
from schemas.status import DigitizationStatus

SCHEMA_VERSION = "1"


class ContractModel(BaseModel):
    """Every key the model writes is required in the published schema: downstream systems
    may rely on each key being present (null where the contract allows)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class SourceInfo(ContractModel):
    """Where the record's original came from."""

    filename: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    station: str
    unit: str
    size_bytes: int = Field(ge=0)
    pages: list[int] | None = Field(
        None, min_length=2, max_length=2,
        description="[first, last]: the file's pages (1-based) this document is (contract §5); "
                    "null when no page was read (a failed or duplicate file)")
    part: int = Field(1, ge=1, description="this document's number in its file, in page order")
    parts: int = Field(1, ge=1, description="how many documents the file was split into")


class ExtractedField(ContractModel):
    """One dossier field: its normalised value and how sure the pipeline is of it."""

    value: str | bool | int  # bool before int: pydantic keeps True a boolean
    confidence: float = Field(ge=0, le=1)
    page: int = Field(ge=1)
    bbox: BBox
    valid: bool


class PageSummary(ContractModel):
    """Per-page text and image-correction facts."""

    number: int = Field(ge=1)
    text: str
    mean_confidence: float = Field(ge=0, le=100)
    rotation: int
    skew_degrees: float
    text_source: Literal["ocr", "pdf"] = Field(
        "ocr", description="where the page's text came from (contract §3): \"ocr\", or "
                           "\"pdf\" for a born-digital page read from its own text layer")


class Artifacts(ContractModel):
    """Object keys of everything stored for the record (absent when not stored)."""

    original: str | None = None
    searchable_pdf: str | None = None
    text: str | None = None
    json_: str | None = Field(None, alias="json")

    model_config = ConfigDict(populate_by_name=True,
                              json_schema_serialization_defaults_required=True)


# Keys written only when they have a value (contract §6: «dossier_code (absent when none)»).
ABSENT_WHEN_NONE = ("dossier_code", "role")


def _optional_keys(schema: dict) -> None:
    schema["required"] = [key for key in schema.get("required", [])
                          if key not in ABSENT_WHEN_NONE]


class DossierDocument(ContractModel):
    """The extracted JSON of one record."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True,
                              json_schema_extra=_optional_keys)

    schema_version: str = SCHEMA_VERSION
    record_id: str
    source: SourceInfo
    status: DigitizationStatus
    doc_type: str
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    review_reasons: list[str] = Field(default_factory=list)
    pages: list[PageSummary] = Field(default_factory=list)
    artifacts: Artifacts = Field(default_factory=Artifacts)
    processed_at: datetime
    pipeline_version: str
    error: str | None = Field(None, description="for failed records: what an operator should do")
    duplicate_of: str | None = Field(None, description="for duplicate records: the earlier record")
    dossier_code: str | None = Field(None, pattern=DOSSIER_CODE.pattern,
                                     description="the dossier it is part of (contract §6)")
    role: Literal["receipt", "component", "result"] | None = Field(
        None, description="what it is to its dossier")

    def to_json(self) -> str:
        """Serialise as downstream systems read it (aliases, no nulls for optional extras)."""
        data = self.model_dump(mode="json", by_alias=True)
        for key in ABSENT_WHEN_NONE:
            if data.get(key) is None:
                data.pop(key, None)
        return json.dumps(data, ensure_ascii=False, indent=2)
