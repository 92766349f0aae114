"""The committed JSON Schema is the model's, and documents the model makes validate against it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest

from schemas.document import Artifacts, DossierDocument, ExtractedField, PageSummary, SourceInfo
from schemas.jsonschema import (
    DOSSIER_SCHEMA_PATH,
    SCHEMA_PATH,
    render_dossier_schema,
    render_schema,
)
from schemas.status import DigitizationStatus


def committed_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_committed_schema_matches_the_model() -> None:
    """GIVEN the model WHEN its schema is generated THEN it equals the committed file
    (run `python -m schemas.jsonschema` after changing the model)."""
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema()


def sample_document() -> DossierDocument:
    return DossierDocument(
        record_id="0b7c6f1e-3f7a-4d7e-9a51-0c1d2e3f4a5b",
        source=SourceInfo(filename="tờ khai.pdf", sha256="a" * 64, station="mot-cua-1",
                          unit="UBND xã Thạch Hạ", size_bytes=12345),
        status=DigitizationStatus.DIGITIZED,
        doc_type="dossier_receipt",
        fields={
            "applicant_name": ExtractedField(value="Nguyễn Văn An", confidence=0.93, page=1,
                                             bbox=(10, 20, 300, 60), valid=True),
            "document_count": ExtractedField(value=1, confidence=0.9, page=1,
                                             bbox=(10, 80, 60, 110), valid=True),
        },
        pages=[PageSummary(number=1, text="GIẤY TIẾP NHẬN", mean_confidence=91.5, rotation=0,
                           skew_degrees=-1.2)],
        artifacts=Artifacts(original="originals/2026/11/x/original.pdf", json="json/x.json"),
        processed_at=datetime(2026, 11, 28, 2, 30, tzinfo=UTC),
        pipeline_version="sohoa 0.1.0",
    )


def test_model_documents_validate_and_carry_contract_keys() -> None:
    document = json.loads(sample_document().to_json())
    jsonschema.validate(document, committed_schema())
    for key in ("schema_version", "record_id", "source", "status", "doc_type", "fields",
                "review_reasons", "pages", "artifacts", "processed_at", "pipeline_version"):
        assert key in document
    assert set(document["artifacts"]) >= {"original", "searchable_pdf", "text", "json"}
    assert document["fields"]["document_count"]["value"] == 1


@pytest.mark.parametrize(
    ("path", "bad_value"),
    [(("status",), "done"), (("source", "sha256"), "xyz"),
     (("fields", "applicant_name", "confidence"), 1.5)],
)
def test_schema_rejects_what_the_contract_forbids(path: tuple[str, ...], bad_value: object) -> None:
    document = json.loads(sample_document().to_json())
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad_value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, committed_schema())


def test_committed_dossier_schema_matches_the_model() -> None:
    """The dossier document's schema (contract §6) is published like the record's."""
    assert DOSSIER_SCHEMA_PATH.read_text(encoding="utf-8") == render_dossier_schema()


def test_a_record_without_a_dossier_has_no_dossier_keys_and_validates() -> None:
    """«dossier_code (absent when none)»: the key is left out, not null."""
    written = json.loads(sample_document().to_json())
    assert "dossier_code" not in written and "role" not in written
    jsonschema.validate(written, committed_schema())
    with_dossier = sample_document().model_copy(
        update={"dossier_code": "000.00.21.H27-241128-0001", "role": "receipt"})
    jsonschema.validate(json.loads(with_dossier.to_json()), committed_schema())


def test_a_seal_is_a_json_boolean_the_schema_allows() -> None:
    """`sealed` is a boolean (contract §1, §3): written as true/false, not 1/0, and valid."""
    document = sample_document()
    document.fields["sealed"] = ExtractedField(value=True, confidence=0.92, page=1,
                                               bbox=(1200, 2000, 1600, 2400), valid=True)
    written = json.loads(document.to_json())
    assert written["fields"]["sealed"]["value"] is True
    assert written["fields"]["document_count"]["value"] == 1  # an integer stays one
    jsonschema.validate(written, committed_schema())
