"""The markdown of the artifacts operators read in Prefect (flows/artifacts.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect.client.schemas.actions import ArtifactCreate

from flows.artifacts import dossier_artifact_key, dossier_markdown, record_markdown
from pipeline.doctypes import load_doctypes
from schemas.document import Artifacts, DossierDocument, ExtractedField, SourceInfo
from schemas.dossier import DossierJson
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status

API = "https://sohoa.example/api"
RECORD = "0b9e4f5c-7d1a-4c55-9a51-3f1f2b8f6a10"
CODE = "000.00.21.H27-241128-0001"
REASON = ("required field applicant_name («Tiếp nhận hồ sơ của») was left out: «Nguyen V»"
          " is not a full name")


def receipt() -> DossierDocument:
    """A receipt in review: its name left out, its phone read but invalid, no email."""
    def read(value: str, valid: bool = True) -> ExtractedField:
        return ExtractedField(value=value, confidence=0.9, page=1, bbox=(1, 2, 3, 4),
                              valid=valid)

    return DossierDocument(
        record_id=RECORD, status=Status.NEEDS_REVIEW, doc_type="dossier_receipt",
        source=SourceInfo(filename="biên nhận.pdf", sha256="0" * 64, station="mot-cua",
                          unit="UBND xã Thạch Hạ", size_bytes=10),
        fields={"dossier_code": read(CODE), "phone": read("091234", valid=False)},
        review_reasons=[REASON],
        artifacts=Artifacts(original="originals/x.pdf", searchable_pdf="pdf/x.pdf"),
        processed_at=datetime(2026, 12, 2, tzinfo=UTC), pipeline_version="test",
        dossier_code=CODE, role="receipt")


def definition():  # noqa: ANN201 - the receipt's DocTypeDefinition
    return next(d for d in load_doctypes() if d.id == "dossier_receipt")


def test_fields_carry_their_vietnamese_labels_in_four_columns() -> None:
    """GIVEN a receipt THEN each field is under its label, in a table of value, confidence and
    page (nothing wider to be cut off), and an invalid value is marked where it stands."""
    markdown = record_markdown(receipt(), definition(), API)

    assert "| field | value | conf. | p. |" in markdown
    assert f"| Mã hồ sơ | {CODE} | 0.90 | 1 |" in markdown
    assert "| Số điện thoại | 091234 ⚠ **invalid** | 0.90 | 1 |" in markdown
    assert "| dossier_code |" not in markdown


def test_fields_left_out_are_listed_with_their_reasons() -> None:
    """GIVEN a receipt whose applicant's name was left out and whose email is not on it THEN
    both are listed: the name with the reason naming it, the email as not found."""
    markdown = record_markdown(receipt(), definition(), API)
    left_out = markdown.split("**Left out:**")[1]

    assert f"- Tiếp nhận hồ sơ của (`applicant_name`, required): {REASON}" in left_out
    assert "- Email (`email`): not found on the scan" in left_out
    assert "Mã hồ sơ" not in left_out and "Số điện thoại" not in left_out


def test_links_go_through_the_api_never_to_files() -> None:
    markdown = record_markdown(receipt(), definition(), API)

    assert f"[Review page]({API}/review/{RECORD})" in markdown
    assert f"[Searchable PDF]({API}/records/{RECORD}/artifacts/searchable_pdf)" in markdown
    assert "file://" not in markdown


def test_without_a_public_address_the_artifact_says_how_to_get_links() -> None:
    markdown = record_markdown(receipt(), definition(), None)

    assert "SOHOA_PUBLIC_API_URL" in markdown and "](" not in markdown


def test_a_dossier_s_key_follows_prefect_s_rules() -> None:
    """Prefect refuses keys with capitals or dots; the key stays one per dossier."""
    key = dossier_artifact_key(CODE)

    assert key == "dossier-000-00-21-h27-241128-0001"
    assert ArtifactCreate(key=key).key == key  # Prefect's own validation


def test_a_dossier_lists_its_documents_with_roles_statuses_and_links() -> None:
    created = datetime(2026, 12, 2, tzinfo=UTC)
    records = [DossierRecord(id=f"r{i}", filename=name, sha256=str(i) * 64, size_bytes=1,
                             station="mot-cua", unit="UBND", original_key="o", status=status,
                             doc_type=doc_type, role=role, dossier_code=CODE,
                             created_at=created)
               for i, (name, doc_type, role, status) in enumerate([
                   ("bn.pdf", "dossier_receipt", "receipt", Status.DIGITIZED),
                   ("ks.pdf", "birth_registration", "component", Status.NEEDS_REVIEW)])]
    dossier = DossierJson(dossier_code=CODE, unit="UBND", station="mot-cua", receipt="r0",
                          digitized=False, has_electronic_result=False, updated_at=created)

    markdown = dossier_markdown(dossier, records, API)

    assert f"## Dossier {CODE}" in markdown and "not digitized yet" in markdown
    assert f"| receipt | [bn.pdf · dossier_receipt]({API}/review/r0) | `digitized` |" in markdown
    assert "| component | [ks.pdf · birth_registration]" in markdown
    assert "`needs_review` |" in markdown
    assert f"({API}/dossiers/{CODE})" in markdown
    assert "No receipt yet" in dossier_markdown(
        dossier.model_copy(update={"receipt": None}), records[1:], API)
