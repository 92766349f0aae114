"""A receipt whose dossier code was refused, filed under the dossier its result came to.

A receipt's code is refused when its readings disagree (pipeline/document.py): the receipt
and the documents after it in its file wait in review under no dossier. Its result, returned
weeks later, comes in its dossier's folder (`<station>/<dossier_code>/…`) and makes a
dossier without receipt. When the codes the receipt was read as name exactly that dossier
(office/report.py ``receiptless_dossier``: the rule `sohoa report` counts it by), the receipt
and the documents filed after it are filed there, still in review, saying why: the dossier
is assembled and the reviewer, who types the receipt's code, confirms it or moves them all
(office/verification.py answers the documents' doubt with the receipt's).

Either may come first: a receipt is filed when it is stored after its result, or when a
result stored after it makes its dossier one without receipt.

Measured on the dossier benchmark, seed 5, hard tuning stacks: a receipt printed «…-0132»
read «…-0139», «…-0182» and «…-0132» was refused (right, its readings split), and its two
pages were in no dossier; its result named «…-0132» alone, and they are filed there.
"""

from __future__ import annotations

from office.dossiers import assemble, follower_doubts, provisional_follower_doubt
from office.report import SERIAL_START, read_as, receiptless_dossier, receiptless_near
from office.services import Services
from office.verification import followers, resync_document, store_document, stored_document
from schemas.document import DossierDocument
from schemas.dossier import DossierJson
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status


def file_refused_receipts(services: Services, documents: list[DossierDocument]
                          ) -> dict[str, DossierJson]:
    """File the refused receipts that one file's documents, just stored and their dossiers
    assembled, make likely: its own receipts filed under no dossier, and, when it joined
    dossiers without receipt (a result in its dossier's folder), the receipts waiting for
    one of them. The dossiers they were filed under, by code, as assembled again."""
    receiptless = {d.dossier_code for d in documents if d.dossier_code
                   and (known := services.dossiers.get(d.dossier_code)) is not None
                   and known.receipt_id is None}
    own = {d.record_id for d in documents if d.role == "receipt" and d.dossier_code is None
           and d.status is Status.NEEDS_REVIEW}
    if not own and not receiptless:
        return {}
    filed: dict[str, DossierJson] = {}
    for receipt in services.repository.unfiled_receipts_in_review():
        read, tails = read_as(receipt.review_reasons)
        if receipt.id not in own and not any(may_name(read, tails, c) for c in receiptless):
            continue
        code = receiptless_dossier(read, tails, receiptless_near(services.dossiers, read, tails))
        if code is not None and file_receipt(services, receipt, code):
            # It has its receipt now: no other is filed there.
            filed.update({d.dossier_code: d for d in assemble(services, {code})})
    return filed


def may_name(read: set[str], tails: set[str], code: str) -> bool:
    """Whether a receipt read so could name dossier ``code`` by any rule of
    ``receiptless_dossier`` (a read code, a day and serial, a unit and day): the receipts
    worth asking the database about when a result makes ``code`` a dossier without
    receipt."""
    return (code in read or any(code.endswith(f"-{tail}") for tail in tails)
            or any(r[:SERIAL_START] == code[:SERIAL_START] for r in read))


def filed_doubt(code: str) -> str:
    """The review reason of a refused receipt filed under the dossier its result named."""
    return (f"its dossier code could not be checked; of the codes it was read as, «{code}» "
            f"names the one dossier whose result came without its receipt, under which it "
            f"is filed: is that its code?")


def file_receipt(services: Services, receipt: DossierRecord, code: str) -> bool:
    """File ``receipt`` and the documents after it waiting for its code under ``code``, in
    review (their doubt now the provisional code's, which the receipt's review answers);
    False when the receipt was no longer waiting (a reviewer took it first)."""
    if not file_record(services, receipt, code, [*receipt.review_reasons, filed_doubt(code)]):
        return False
    unread = follower_doubts(None)
    for member in followers(services, receipt):
        if member.status is Status.NEEDS_REVIEW and not unread.isdisjoint(member.review_reasons):
            file_record(services, member, code, [
                provisional_follower_doubt(code) if reason in unread else reason
                for reason in member.review_reasons])
    return True


def file_record(services: Services, record: DossierRecord, code: str,
                reasons: list[str]) -> bool:
    """File one record in review under ``code`` with ``reasons``: its JSON first, as every
    write of a record does; when the database refuses (no longer waiting), the JSON is made
    to say what the database says."""
    document = None
    if record.json_key:
        document = stored_document(services, record).model_copy(
            update={"dossier_code": code, "review_reasons": reasons})
        store_document(services, record, document)
    if services.repository.file_unfiled(record.id, code, reasons):
        return True
    if document is not None:
        resync_document(services, record.id, document)
    return False
