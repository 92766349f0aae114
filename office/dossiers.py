"""Dossiers assembled from their records (contract §6), without Prefect.

Which dossier a document joins, first match wins: the cover sheet before it; the dossier code
its receipt carries (from the barcode when it has one: pipeline/document.py); the station
sub-folder the file was dropped in (`<station>/<dossier_code>/…`); `sohoa process --dossier`.
Documents of one file without a code of their own join the dossier of the receipt before
them in that file (or of the file's only receipt, for pages before it). A document whose
dossier is in doubt goes to review saying why, never silently merged: it joins the dossier
its place in the stack gives (under a cover sheet its receipt contradicts: the sheet's),
and none when that dossier's code is unknown (after a receipt whose code was not read). A
page that could not be read, which may be a receipt, is filed in review under the dossier
before it, as are the documents after it.

A dossier is recomputed from all its records whenever one of them changes (processing,
review, a result arriving weeks later) and its document stored as ``dossiers/<code>.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from office.documents import write_atomically
from office.services import Services
from pipeline.doctypes import DocTypeDefinition
from pipeline.document import DocumentAnalysis
from schemas.codes import is_dossier_code
from schemas.dossier import Dossier, DossierJson, DossierMember
from schemas.record import DocumentRole, DossierRecord
from schemas.status import DigitizationStatus as Status
from storage import keys

DONE = (Status.DIGITIZED, Status.VERIFIED)


@dataclass(frozen=True)
class DocumentFacts:
    """What the assignment needs to know of one document of a file, in page order."""

    role: DocumentRole
    cover_code: str | None  # from a cover sheet before it
    own_code: str | None  # a receipt's dossier_code field, as given, or its symbol's
    # Of no known type but carrying a dossier code's symbol, printing a new one, or looking
    # like a receipt: a receipt whose title was not read (pipeline/document.py
    # ``DocumentAnalysis.untitled_receipt``).
    untitled_receipt: bool
    # A receipt's code left out in doubt that readings of its line agree on
    # (pipeline/document.py ``provisional_code``): its dossier is assembled under it, in review.
    provisional_code: str | None = None
    # Its first page could not be read (pipeline/split.py ``DocumentSpan.unread``): the
    # documents after it go to review as after an untitled receipt, but it is no dossier
    # received of its own (see :func:`assigned_roles`).
    unread: bool = False
    # Of a known type (not ``unknown``): what it is to its dossier is then its type's role.
    typed: bool = True


@dataclass(frozen=True)
class Assignment:
    """The dossier a document joins (None: none), and why a person must look, if so."""

    code: str | None
    doubt: str | None = None


def role_of(doc_type: str, doctypes: list[DocTypeDefinition]) -> DocumentRole:
    """What a document of this type is to its dossier; an unknown type is a component."""
    definition = next((d for d in doctypes if d.id == doc_type), None)
    return DocumentRole(definition.dossier_role) if definition else DocumentRole.COMPONENT


def folder_code(source_path: str | None, station_folder: str | None) -> str | None:
    """The dossier code a station sub-folder names (`<station>/<dossier_code>/file`)."""
    if not source_path:
        return None
    parent = PurePath(source_path).parent
    if station_folder is not None and parent == PurePath(station_folder):
        return None
    return parent.name if is_dossier_code(parent.name) else None


def assign_dossiers(documents: list[DocumentFacts], fallback: str | None) -> list[Assignment]:
    """The dossier of each document of one file (see the module's doc). ``fallback`` is the
    folder's or the command line's code, for documents the file itself gives none.

    A receipt starts its dossier even when its code could not be read: the documents after
    it then join no dossier and go to review, rather than the dossier before it."""
    receipt_codes = [d.own_code for d in documents if _opens_dossier(d)]
    only = receipt_codes[0] if len(set(receipt_codes)) == 1 else None
    # The folder's or command line's code is the next way in for a file's one receipt whose
    # own code could not be read (a late file dropped in its dossier's folder); with several
    # receipts it could name only one of them.
    receipt_fallback = fallback if len(receipt_codes) == 1 else None
    assignments: list[Assignment] = []
    current: Assignment | None = None  # what the last receipt (without cover) gave
    disputed: str | None = None  # a cover sheet's code its receipt contradicts
    for document in _within_cover_reach(documents):
        if _opens_dossier(document):
            opened = _receipt_assignment(document, receipt_fallback)
            if document.unread and opened.code is None and current and current.code:
                # An unread page is far more often the dossier's form or copy than a
                # receipt (see :func:`assigned_roles`): it and the documents after it are
                # filed, in review, under the dossier before it, which is then not counted
                # digitized while they wait (dossier seed 23 tuning hard: a copy read at
                # confidence 32 left its dossier's other pages counted digitized, one
                # dossier more than the truth). The review of it as a receipt with its
                # code moves them (office/verification.py).
                assignments.append(Assignment(current.code, unread_doubt(current.code)))
                current, disputed = Assignment(current.code,
                                               unread_follower_doubt(current.code)), None
                continue
            assignments.append(opened if document.role is DocumentRole.RECEIPT
                               or opened.doubt else Assignment(opened.code, (
                                   _UNTITLED_DOUBT if document.own_code else _LIKE_A_RECEIPT)))
            disputed = document.cover_code if opened.doubt else None
            current = _after_provisional(opened, document)
        elif document.cover_code and document.cover_code == disputed:
            # Either the sheet or the receipt is of another dossier, and so may these be: they
            # join the sheet's dossier by their place in the stack, and go to review.
            assignments.append(Assignment(disputed, f"its cover sheet says «{disputed}» but "
                                                    f"the receipt after the sheet disagrees: "
                                                    f"is it part of that dossier?"))
        elif document.cover_code:
            assignments.append(Assignment(document.cover_code))
        elif current is not None:
            assignments.append(current if current.code else Assignment(None, _NO_CODE_DOUBT))
        elif not only and fallback and not document.typed:
            assignments.append(Assignment(fallback, untyped_late_doubt(fallback)))
        elif only or fallback or not receipt_codes:
            assignments.append(Assignment(only or fallback))
        else:
            assignments.append(Assignment(None, "the file holds receipts of several dossiers "
                                                "(or one whose code could not be read) after "
                                                "this document: which dossier is it part of?"))
    return assignments


def _within_cover_reach(documents: list[DocumentFacts]) -> list[DocumentFacts]:
    """The documents with a cover sheet's code kept only up to the sheet's dossier's second
    receipt: a cover sheet starts one dossier, which has one receipt, so a second receipt
    after it (its title not read when the file was split, its type found later) and the
    documents after that are of another dossier. Given the sheet's code, a receipt whose
    own code was not read took the sheet's dossier, and the forms after it joined that
    dossier without review (dossier seed 13, tuning hard: 10 pages in a wrong dossier)."""
    received: set[str] = set()  # cover codes whose dossier's receipt came
    ended: set[str] = set()  # cover codes whose reach a second receipt ended
    kept: list[DocumentFacts] = []
    for document in documents:
        cover = document.cover_code
        if cover is not None and _opens_dossier(document):
            if cover in received:
                ended.add(cover)
            received.add(cover)
        kept.append(replace(document, cover_code=None) if cover in ended else document)
    return kept


def assigned_roles(documents: list[DocumentFacts], assignments: list[Assignment]
                   ) -> list[DocumentRole]:
    """What each document of one file is to its dossier once assigned: its type's role
    (``DocumentFacts.role``), but a document acting as a receipt whose title was not read
    (``untitled_receipt``) that opened a dossier whose code is not known is that dossier's
    receipt: a dossier received, whose code could not be read. As a component of no
    dossier it was counted nowhere (`sohoa report` counts such receipts, office/report.py:
    held-out hard, one dossier fewer than the truth). One that joined a dossier by its code
    stays what its type makes it: that dossier has no receipt, and is listed as such.

    A document whose first page could not be read (``unread``) stays a component: it may be
    a receipt, but an unread page is far more often a form or a copy (seed 5 tuning hard:
    4 unread pages, none a receipt, two counted as dossiers of their own made 99 dossiers of
    the truth's 97), so counting it a dossier received would lower the rate for nothing."""
    return [DocumentRole.RECEIPT if (document.untitled_receipt and not document.unread
                                     and assignment.code is None
                                     and document.role is DocumentRole.COMPONENT)
            else document.role
            for document, assignment in zip(documents, assignments, strict=True)]


def file_dossiers(analysed: list[DocumentAnalysis], doctypes: list[DocTypeDefinition],
                  fallback: str | None) -> tuple[list[DocumentFacts], list[Assignment]]:
    """The documents of one file (``pipeline.document.analyse_file``, page order) with the
    role each is stored with (``assigned_roles``) and the dossier each joins
    (``assign_dossiers``, ``fallback`` the code of the folder it came from): as
    flows/tasks.py stores them and benchmarks/dossiers.py scores them."""
    roles = roles_in_file([d.analysis.doc_type for d in analysed], doctypes)
    facts = [DocumentFacts(role, d.span.dossier_code, d.own_code, d.untitled_receipt,
                           d.provisional_code, d.span.unread, d.analysis.doc_type != "unknown")
             for d, role in zip(analysed, roles, strict=True)]
    assignments = assign_dossiers(facts, fallback)
    return ([replace(fact, role=role)
             for fact, role in zip(facts, assigned_roles(facts, assignments), strict=True)],
            assignments)


_UNTITLED_DOUBT = ("no receipt's title was read on it, but it carries a dossier code (as a "
                   "barcode, a QR code or printed): is it the dossier's receipt?")


_LIKE_A_RECEIPT = ("it looks like a receipt whose title and dossier code were not read: is it "
                   "the receipt of a dossier of its own?")


def _opens_dossier(document: DocumentFacts) -> bool:
    """Whether a document opens its dossier as a receipt does: a receipt, or a document of
    no known type that carries a dossier code's symbol (pipeline/barcodes.py
    ``untitled_receipt_code``: a receipt whose title was not read), prints a code new to
    its dossier, or looks like a receipt (pipeline/split.py, pipeline/document.py). It goes
    to review; the documents after it join its dossier by the symbol, exact as a cover
    sheet's, or none, when its code is not known."""
    return document.role is DocumentRole.RECEIPT or document.untitled_receipt


def _receipt_assignment(receipt: DocumentFacts, fallback: str | None) -> Assignment:
    """A receipt's own dossier: its cover sheet's code, which must agree with its own; else
    its own; else ``fallback`` (the folder's or command line's)."""
    own, cover = receipt.own_code, receipt.cover_code
    if own and cover and own != cover:
        # The cover sheet is the first way in (§6): the receipt joins its dossier, in review.
        return Assignment(cover, f"the receipt's dossier code «{own}» differs from its cover "
                                 f"sheet's «{cover}»")
    if not (cover or own or fallback) and receipt.provisional_code:
        return Assignment(receipt.provisional_code, _provisional_doubt(receipt.provisional_code))
    return Assignment(cover or own or fallback)


def _provisional_doubt(code: str) -> str:
    return (f"its dossier code could not be checked; two readings of it agree on «{code}», "
            f"under which its dossier is assembled: is that its code?")


def _after_provisional(opened: Assignment, receipt: DocumentFacts) -> Assignment:
    """What the documents after a receipt join: its dossier, and when that is a code in doubt
    (``provisional_code``) the same, in review; they are not lost, nor given unseen."""
    if receipt.provisional_code and opened.doubt == _provisional_doubt(receipt.provisional_code):
        return Assignment(opened.code, provisional_follower_doubt(opened.code))
    return opened


_NO_CODE_DOUBT = "the receipt before it has no readable dossier code: which dossier is it part of?"


def follower_doubts(receipt_code: str | None) -> frozenset[str]:
    """The review reasons a document gets from the receipt before it in its file, filed under
    ``receipt_code``, that the review of that receipt answers (office/verification.py): its
    code unreadable (None), or in doubt, or the receipt an unread page filed under the
    dossier before it that may be one."""
    if receipt_code is None:
        return frozenset({_NO_CODE_DOUBT})
    return frozenset({provisional_follower_doubt(receipt_code),
                      unread_follower_doubt(receipt_code)})


def untyped_late_doubt(code: str) -> str:
    """The review reason of a document of no known type that joins a dossier only by its
    folder's or the command line's code (``code``), no receipt in its file: whether it is
    the dossier's result or one of its components cannot be told, and a result taken for a
    component is an electronic result the dossier is not counted for (§6). Dossier seed 23
    tuning hard: a commune's decision returned weeks later, its title not read, was stored
    digitized as a component, and the electronic-result rate was one dossier short."""
    return (f"of no known type, it joins «{code}» by its folder (or the command line) with no "
            f"receipt in its file: is it that dossier's result, or one of its components?")


def unread_doubt(code: str) -> str:
    """The review reason of an unread page that may be a receipt, filed under the dossier
    before it (``code``)."""
    return (f"it could not be read, and is filed under «{code}», the dossier of the document "
            f"before it: is it part of that dossier, or the receipt of a dossier of its own?")


def unread_follower_doubt(code: str) -> str:
    """The review reason of a document filed after an unread page that may be a receipt,
    under the dossier before that page (``code``): the review of that page answers it."""
    return (f"a page before it could not be read and may be the receipt of another dossier; "
            f"it is filed under «{code}», the dossier before that page: is it part of it?")


def provisional_follower_doubt(code: str) -> str:
    """The review reason of a document filed after a receipt whose code is in doubt: the
    review of that receipt answers it (office/verification.py)."""
    return (f"the receipt before it has a dossier code that could not be checked («{code}»): "
            f"is it part of that dossier?")


def derive_dossier(records: list[DossierRecord]) -> dict[str, Any] | None:
    """A dossier row's values from its records: digitized when its receipt and every
    component are digitized or verified; an electronic result when one result is."""
    if not records:
        return None
    receipts = [r for r in records if r.role == DocumentRole.RECEIPT]
    receipt = next((r for r in receipts if r.status in DONE), receipts[0] if receipts else None)
    components = [r for r in records if r.role == DocumentRole.COMPONENT]
    results = [r for r in records if r.role == DocumentRole.RESULT]
    fields = receipt.fields if receipt else {}
    first = receipt or records[0]
    return {
        "unit": first.unit, "station": first.station,
        "procedure": _value(fields, "request_content"),
        "applicant_name": _value(fields, "applicant_name"),
        "received_at": _value(fields, "received_at"), "due_at": _value(fields, "due_at"),
        "receipt_id": receipt.id if receipt else None,
        "digitized": receipt is not None and receipt.status in DONE
                     and all(c.status in DONE for c in components),
        "has_electronic_result": any(r.status in DONE for r in results),
        # When its first document arrived: a dossier without receipt is counted on that day.
        "created_at": min(r.created_at for r in records),
    }


def _value(fields: dict[str, Any], key: str) -> str | None:
    found = fields.get(key)
    return str(found["value"]) if found else None


def dossier_document(dossier: Dossier, records: list[DossierRecord]) -> DossierJson:
    """The dossier document (contract §6) of a dossier as recomputed."""
    def members(role: DocumentRole) -> list[DossierMember]:
        return [DossierMember(record_id=r.id, doc_type=r.doc_type or "unknown", status=r.status)
                for r in records if r.role == role]

    return DossierJson(
        dossier_code=dossier.code, unit=dossier.unit, station=dossier.station,
        procedure=dossier.procedure, applicant_name=dossier.applicant_name,
        received_at=dossier.received_at, due_at=dossier.due_at, receipt=dossier.receipt_id,
        components=members(DocumentRole.COMPONENT), results=members(DocumentRole.RESULT),
        digitized=dossier.digitized, has_electronic_result=dossier.has_electronic_result,
        updated_at=dossier.updated_at)


def assemble(services: Services, codes: set[str]) -> list[DossierJson]:
    """Recompute each dossier from its records, store its document, and return them (the
    ones no record names any longer are dropped)."""
    documents = []
    for code in sorted(codes):
        dossier = services.dossiers.recompute(code, derive_dossier)
        if dossier is None:
            continue
        document = dossier_document(dossier, services.dossiers.records_of(code))
        services.store.put_bytes(keys.dossier_key(code), document.to_json().encode("utf-8"),
                                 "application/json", metadata={"station": dossier.station})
        documents.append(document)
    return documents


def write_dossier_out(document: DossierJson, json_out: Path) -> Path:
    """Write ``json_out/dossiers/<code>.json`` atomically (contract §6)."""
    folder = json_out / "dossiers"
    folder.mkdir(parents=True, exist_ok=True)
    return write_atomically(folder / f"{document.dossier_code}.json", document.to_json())


def person_ids(record: DossierRecord, doctypes: list[DocTypeDefinition]) -> set[str]:
    """The ID numbers a record's fields name (fields of the ``id_number`` kind, §7)."""
    definition = next((d for d in doctypes if d.id == record.doc_type), None)
    if definition is None:
        return set()
    keys = {f.key for f in definition.fields if f.kind.name == "id_number"}
    return {str(record.fields[key]["value"]) for key in keys if key in record.fields}


def index_people(services: Services, record: DossierRecord) -> None:
    """Index the ID numbers a record names, so that the person's papers are found again."""
    services.dossiers.index_people(record.id, person_ids(record, services.doctypes))


@dataclass(frozen=True)
class PersonPapers:
    """Everything digitized that names one ID number: records and dossiers, newest first."""

    id_number: str
    records: list[DossierRecord]
    dossiers: list[Dossier]


def papers_of(services: Services, id_number: str) -> PersonPapers:
    """The records and dossiers that name ``id_number`` (contract §7)."""
    records = services.dossiers.records_naming(id_number)
    codes = list(dict.fromkeys(r.dossier_code for r in records if r.dossier_code))
    dossiers = [d for d in (services.dossiers.get(code) for code in codes) if d is not None]
    return PersonPapers(id_number, records, dossiers)


def stored_dossier(services: Services, code: str) -> DossierJson | None:
    """A dossier's document as it stands now, or None for a code no record names."""
    dossier = services.dossiers.get(code)
    if dossier is None:
        return None
    return dossier_document(dossier, services.dossiers.records_of(code))


def roles_in_file(doc_types: list[str], doctypes: list[DocTypeDefinition]) -> list[DocumentRole]:
    """What each document of one file is to its dossier, in page order.

    A result is what the office gives back when the procedure is done (§6), so a document of
    a result type is a result only in a file of results: handed in with a receipt or a form
    (a commune's «THÔNG BÁO» attached to a birth registration, a copy of a birth certificate),
    it is one of the dossier's components and must be digitized for the dossier to be."""
    roles = [role_of(doc_type, doctypes) for doc_type in doc_types]
    handed_in = any(role is not DocumentRole.RESULT and doc_type != "unknown"
                    for role, doc_type in zip(roles, doc_types, strict=True))
    return [DocumentRole.COMPONENT if handed_in and role is DocumentRole.RESULT else role
            for role in roles]
