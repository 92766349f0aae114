"""Records waiting for review, made directly through the repository and the object store (as
the digitizing tasks leave them), for the review tests: no OCR needed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from config.settings import Settings
from office.documents import build_document
from office.dossiers import assemble, follower_doubts
from office.services import Services
from office.verification import resync_document, stored_document
from schemas.document import DossierDocument
from schemas.ocr import PageOcr
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage import keys

# A dossier receipt as extraction might leave it: the applicant's name read with low
# confidence (the review reason), the phone number read wrong (invalid), no email found.
RECEIPT_FIELDS: dict[str, dict[str, Any]] = {
    "dossier_code": {"value": "000.00.21.H27-241128-0001", "confidence": 0.91, "page": 1,
                     "bbox": [689, 376, 1183, 399], "valid": True},
    "applicant_name": {"value": "Nguyễn Văn Bỉnh", "confidence": 0.41, "page": 1,
                       "bbox": [773, 487, 1089, 520], "valid": True},
    "phone": {"value": "091234", "confidence": 0.35, "page": 1,
              "bbox": [700, 560, 900, 590], "valid": False},
    "request_content": {"value": "Đăng ký khai sinh", "confidence": 0.88, "page": 1,
                        "bbox": [700, 620, 1300, 650], "valid": True},
    "document_count": {"value": 1, "confidence": 0.9, "page": 1,
                       "bbox": [700, 700, 760, 730], "valid": True},
    "received_at": {"value": "2024-11-28T08:30", "confidence": 0.86, "page": 1,
                    "bbox": [700, 760, 1300, 790], "valid": True},
    "due_at": {"value": "2024-12-03T08:30", "confidence": 0.84, "page": 1,
               "bbox": [700, 820, 1300, 850], "valid": True},
}
RECEIPT_REASONS = ["required field applicant_name («Tiếp nhận hồ sơ của») was read with low "
                   "confidence 0.41"]
# The fields of RECEIPT_FIELDS with the invalid phone put right: enough to verify.
PHONE_FIXED = {"phone": "0912 345 678"}
PAGE_TEXT = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: 000.00.21.H27-241128-0001"


def make_services(data_dir: Path) -> Services:
    """Services on a SQLite file and a local object store in ``data_dir`` (whatever SOHOA_
    variables the environment has)."""
    return Services(Settings(data_dir=data_dir, database_url=None, object_store="local",
                             store_dir=None, doctypes_dir=None))


def waiting_record(services: Services, *, status: Status = Status.NEEDS_REVIEW,
                   doc_type: str | None = "dossier_receipt",
                   fields: dict[str, dict[str, Any]] | None = None,
                   reasons: list[str] | None = None, name: str = "biên nhận 01.jpg",
                   station: str = "mot-cua", pdf: bytes | None = None) -> DossierRecord:
    """A processed record in ``status`` with its original, JSON and one page of text stored
    (and ``pdf`` as its searchable PDF, when given)."""
    fields = RECEIPT_FIELDS if fields is None else fields
    reasons = RECEIPT_REASONS if reasons is None and status is Status.NEEDS_REVIEW else reasons
    content = f"scan of {name}".encode()
    record, _ = services.repository.register(
        filename=name, source_path=None, sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content), station=station, unit="UBND xã Thạch Hạ",
        original_key=None)
    original = keys.original_key(record.id, record.created_at, "jpeg")
    services.store.put_bytes(original, content, "image/jpeg")
    services.repository.set_status(record.id, Status.PROCESSING)
    changes = {"doc_type": doc_type, "fields": fields, "review_reasons": reasons or [],
               "page_count": 1, "original_key": original,
               "json_key": keys.json_key(record.id, record.created_at)}
    if pdf is not None:
        changes["pdf_key"] = keys.pdf_key(record.id, record.created_at)
        services.store.put_bytes(changes["pdf_key"], pdf, "application/pdf")
    preview = record.model_copy(update={**changes, "status": status})
    page = PageOcr(number=1, width=1654, height=2339, text=PAGE_TEXT, mean_confidence=71.5)
    document = build_document(preview, [page], "sohoa test")
    services.store.put_bytes(changes["json_key"], document.to_json().encode("utf-8"),
                             "application/json")
    return services.repository.set_status(record.id, status, **changes)


def stored_json(services: Services, record: DossierRecord) -> dict[str, Any]:
    """The record's JSON as the object store holds it."""
    return json.loads(services.store.get_bytes(record.json_key or ""))


# -- a receipt whose code was refused, and its result (office/refused_receipts.py) ----------

PRINTED = "000.00.32.H27-240812-0132"
# The seed-5 hard receipt's readings: the page's, its line's at 1x, and thinned.
REFUSED = ("required field dossier_code («Mã hồ sơ») was left out: «000.00.32.H27-240812-0139» "
           "is the code's line read again on its own; the page's reading differs (read again "
           "on its line: «000.00.32.H27-240812-0182», «000.00.32.H27-240812-0132»)")
WITHOUT_CODE = {k: v for k, v in RECEIPT_FIELDS.items() if k != "dossier_code"}

def refused_stack(services: Services, reasons: list[str] | None = None
                  ) -> tuple[DossierRecord, DossierRecord]:
    """A file as the tasks leave it when its receipt's code is refused: the receipt and the
    form after it, both in review under no dossier."""
    [unread] = follower_doubts(None)
    receipt = waiting_record(services, fields=WITHOUT_CODE, name="lô.pdf",
                             reasons=reasons or [REFUSED])
    form = waiting_record(services, doc_type="birth_registration", fields={},
                          reasons=[unread, "child_dob: not found"], name="lô.pdf#2")
    services.repository.update(receipt.id, role="receipt", dossier_code=None, part=1, parts=2)
    services.repository.update(form.id, role="component", dossier_code=None,
                               part_of=receipt.id, part=2, parts=2)
    return as_filed(services, receipt), as_filed(services, form)


def result_in(services: Services, code: str, name: str = "kết quả.pdf") -> DossierRecord:
    """A result dropped in its dossier's folder, digitized and assembled."""
    result = waiting_record(services, status=Status.DIGITIZED, doc_type="official_document",
                            fields={}, name=name)
    services.repository.update(result.id, role="result", dossier_code=code)
    assemble(services, {code})
    return as_filed(services, result)


def as_filed(services: Services, record: DossierRecord) -> DossierRecord:
    """The record, its JSON made to say what its row says (its dossier and role)."""
    resync_document(services, record.id, stored_document(services, record))
    return services.repository.require(record.id)


def as_stored(services: Services, *records: DossierRecord) -> list[DossierDocument]:
    return [stored_document(services, services.repository.require(r.id)) for r in records]
