"""Applying a review: a person's answer makes a record `verified` (no Prefect here).

Used by the `review-record` flow (flows/review.py) and by `sohoa review` (interfaces/cli_review.py).

Two ways in, one way through. The `review-record` flow waits in the Prefect UI for a form
prefilled with the extracted fields and the reasons the record needs review; the command
``sohoa review RECORD_ID`` (interfaces/cli_review.py) asks at the terminal. Both hand the answer to
:func:`apply_review`, which:

1. normalises and validates each corrected value with the document type's own normaliser and
   validator (the ones extraction used), refusing a bad value with InvalidCorrectionError that
   names the field and why; a verified record has every field valid and every required field;
2. rewrites the stored JSON (status ``verified``, the fields, no review reasons; pages and
   artifacts kept), then records the status with the audit trail in one transaction, JSON
   first as the digitizing tasks do, so a record never claims what is not stored.

A corrected field gets confidence 1.0 and ``valid: true``; it keeps the page and box where it
was read (a field the scan did not yield gets page 1 and an empty box, ``[0, 0, 0, 0]``).
Fields left as read keep their extraction confidence. An empty value clears a field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from office.dossiers import (
    assemble,
    follower_doubts,
    index_people,
    roles_in_file,
    unread_doubt,
)
from office.services import Services
from pipeline.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.document import dossier_code_key
from pipeline.values import Value, ValueContext
from pipeline.values.validate import is_in_order
from schemas.document import DossierDocument, ExtractedField
from schemas.errors import SohoaError
from schemas.ocr import BBox
from schemas.record import DocumentRole, DossierRecord
from schemas.review import DOC_TYPE_TARGET, REASONS_TARGET, ReviewEntry, field_target
from schemas.status import DigitizationStatus as Status
from storage.objects import ObjectNotFoundError
from storage.records import StatusTransitionError
from storage.reviews import Change, Refiling, Review, ReviewRepository

UNKNOWN_TYPE = "unknown"
REVIEWABLE = frozenset({Status.NEEDS_REVIEW, Status.DIGITIZED})
CORRECTED_CONFIDENCE = 1.0
NO_BBOX: BBox = (0, 0, 0, 0)


class ReviewError(SohoaError):
    """The review cannot be applied as given; the message says what to do instead."""


class InvalidCorrectionError(ReviewError):
    """A value the reviewer gave (or left) is not acceptable for its field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"field {field}: {reason}")
        self.field = field
        self.reason = reason


class NotReviewableError(ReviewError):
    """The record's status does not allow a review (only needs_review and digitized do)."""


@dataclass(frozen=True)
class ReviewOutcome:
    """The verified record, its rewritten JSON and the audit rows the review wrote."""

    record: DossierRecord
    document: DossierDocument
    entries: list[ReviewEntry]
    # Records in review after a reviewed receipt whose last doubt, its dossier code, the
    # review answered: now digitized (storage/reviews.py Refiling).
    answered: tuple[str, ...] = ()


# -- applying a review -------------------------------------------------------------------------


def role_after_retyping(services: Services, record: DossierRecord, new_type: str
                        ) -> DocumentRole:
    """The role of a record whose type a reviewer changed, decided as the pipeline decides
    it (office/dossiers.py roles_in_file): among the other documents of its file, so that a
    notice handed in with a form, re-typed in review, stays a component and does not give
    its dossier an electronic result."""
    first = services.repository.require(record.part_of) if record.part_of else record
    members = [first, *services.repository.parts_of(first.id)]
    doc_types = [new_type if member.id == record.id else (member.doc_type or UNKNOWN_TYPE)
                 for member in members]
    roles = roles_in_file(doc_types, services.doctypes)
    return roles[[member.id for member in members].index(record.id)]


def apply_review(services: Services, record_id: str, reviewer: str,
                 corrections: Mapping[str, Value | None], *, doc_type: str | None = None,
                 note: str | None = None, flow_run_id: str | None = None) -> ReviewOutcome:
    """Verify a record with the reviewer's corrections (field key → new value; None or an
    empty string clears the field; a key left out keeps its value as read).

    ``doc_type`` sets another document type: fields the new type does not have are dropped.
    Raises InvalidCorrectionError (a value, the type or a missing required field),
    NotReviewableError (status), ReviewError (no reviewer, no stored JSON).
    """
    reviewer = " ".join(reviewer.split())
    if not reviewer:
        raise ReviewError("the reviewer's name is empty; say who reviewed the record")
    record = services.repository.require(record_id)
    check_reviewable(record)
    new_type = doc_type or record.doc_type or UNKNOWN_TYPE
    definition = definition_for(services, new_type)
    fields = corrected_fields(record, definition, corrections)
    document = verified_document(stored_document(services, record), new_type, fields)
    review = Review(record_id=record.id, reviewer=reviewer, note=note or None,
                    flow_run_id=flow_run_id, changes=review_changes(record, new_type, fields))
    record_changes: dict[str, Any] = {
        "fields": {key: field.model_dump(mode="json") for key, field in fields.items()},
        "review_reasons": []}
    role = record.role
    if new_type != (record.doc_type or UNKNOWN_TYPE):
        role = role_after_retyping(services, record, new_type)
        record_changes["doc_type"] = new_type
        record_changes["role"] = role.value
    code = reviewed_receipt_code(role, definition, fields)
    kept_in = code or confirmed_in_place(record, role)
    refiled = refilings(services, record, kept_in) if kept_in else []
    if code and code != record.dossier_code:
        record_changes["dossier_code"] = code
        document = document.model_copy(update={"dossier_code": code})
    document = document.model_copy(update={"role": role})
    store_document(services, record, document)
    store_refiled(services, refiled)  # JSON first, as for the record itself
    try:
        verified, entries = ReviewRepository(services.repository.engine).verify(
            review, refiled=refiled, **record_changes)
    except StatusTransitionError as error:
        resync_document(services, record.id, document)
        resync_refiled(services, refiled)
        raise NotReviewableError(f"record {record.id} was changed while it was being "
                                 f"reviewed ({error.message}); this review was not applied"
                                 ) from error
    if verified.original_key:
        services.store.set_tags(verified.original_key, {"status": verified.status.value})
    index_people(services, verified)  # a corrected ID number is found under its new value
    # A follower a reviewer (or a new run) took first is not digitized: its JSON says so.
    resync_refiled(services, [r for r in refiled if r.answered and services.repository.require(
        r.record_id).status is not Status.DIGITIZED])
    # A verified document may complete its dossier; one a receipt left has lost it.
    assemble(services, {code for code in (verified.dossier_code, record.dossier_code) if code})
    answered = tuple(r.record_id for r in refiled if r.answered)
    return ReviewOutcome(record=verified, document=document, entries=entries,
                         answered=answered)


def reviewed_receipt_code(role: DocumentRole | None, definition: DocTypeDefinition | None,
                          fields: Mapping[str, ExtractedField]) -> str | None:
    """The dossier code a reviewed receipt carries (None for any other document). A
    person's reading of the code is the surest there is (contract §6: the receipt's code is
    how its documents join a dossier)."""
    key = dossier_code_key(definition) if definition is not None else None
    if key is None or role != DocumentRole.RECEIPT or key not in fields:
        return None
    return str(fields[key].value)


def confirmed_in_place(record: DossierRecord, role: DocumentRole | None) -> str | None:
    """The dossier an unread page filed under the dossier before it (office/dossiers.py
    ``unread_doubt``) is confirmed part of, when its review keeps it a document of that
    dossier, not a receipt: the documents filed after it are then that dossier's too, and
    the doubt it gave them is answered. None otherwise."""
    code = record.dossier_code
    if code is None or role == DocumentRole.RECEIPT or unread_doubt(code) not in (
            record.review_reasons):
        return None
    return code


def followers(services: Services, receipt: DossierRecord) -> list[DossierRecord]:
    """The documents after a receipt in its file that were filed with it (same dossier, or
    none), up to the next receipt: the ones that joined its dossier by the file's rule."""
    first = services.repository.require(receipt.part_of) if receipt.part_of else receipt
    members = [first, *services.repository.parts_of(first.id)]
    after = members[[member.id for member in members].index(receipt.id) + 1:]
    filed = []
    for member in after:
        if member.role == DocumentRole.RECEIPT or member.dossier_code != receipt.dossier_code:
            break
        filed.append(member)
    return filed


def refilings(services: Services, receipt: DossierRecord, code: str) -> list[Refiling]:
    """What the review of a receipt whose code is ``code`` changes in the documents after
    it: they go to that dossier (when the receipt was filed under none, or another: a
    provisional code corrected), and the doubt the receipt's code gave them (unreadable, or
    provisional) is answered, either way; one left with no doubt becomes digitized."""
    answered_doubts = follower_doubts(receipt.dossier_code)
    changes = []
    for member in followers(services, receipt):
        reasons = tuple(r for r in member.review_reasons if r not in answered_doubts)
        answered = (member.status is Status.NEEDS_REVIEW and not reasons
                    and len(reasons) < len(member.review_reasons))
        if code != member.dossier_code or len(reasons) < len(member.review_reasons):
            changes.append(Refiling(member.id, code, reasons, answered))
    return changes


def store_refiled(services: Services, refiled: list[Refiling]) -> None:
    """Rewrite the stored JSON of records a review refiles, as the review will leave them:
    each names its dossier and its remaining doubts (digitized when none is left)."""
    for refiling in refiled:
        record = services.repository.require(refiling.record_id)
        if not record.json_key:
            continue
        update: dict[str, Any] = {"dossier_code": refiling.dossier_code,
                                  "review_reasons": list(refiling.review_reasons)}
        if refiling.answered:
            update["status"] = Status.DIGITIZED
        store_document(services, record,
                       stored_document(services, record).model_copy(update=update))


def resync_refiled(services: Services, refiled: list[Refiling]) -> None:
    """Make the JSON of refiled records say what the database says, where the review did
    not write what it meant to (it lost a race, or a reviewer took one of them first)."""
    for refiling in refiled:
        record = services.repository.require(refiling.record_id)
        if record.json_key:
            resync_document(services, record.id, stored_document(services, record))


def check_reviewable(record: DossierRecord) -> None:
    """NotReviewableError unless the record may become verified."""
    if record.status not in REVIEWABLE:
        raise NotReviewableError(
            f"record {record.id} is {record.status.value}; only needs_review and digitized "
            f"records can be reviewed")


def definition_for(services: Services, doc_type: str) -> DocTypeDefinition | None:
    """The type's definition (None for ``unknown``); InvalidCorrectionError for a type
    that is not defined."""
    if doc_type == UNKNOWN_TYPE:
        return None
    definition = services.doctype(doc_type)
    if definition is None:
        known = ", ".join([d.id for d in services.doctypes] + [UNKNOWN_TYPE])
        raise InvalidCorrectionError("doc_type", f"«{doc_type}» is not a document type "
                                                 f"(known: {known})")
    return definition


def corrected_fields(record: DossierRecord, definition: DocTypeDefinition | None,
                     corrections: Mapping[str, Value | None]) -> dict[str, ExtractedField]:
    """The record's fields with the corrections applied and every field checked, in the
    definition's order."""
    if definition is None:
        if corrections:
            raise InvalidCorrectionError(next(iter(corrections)), "a record of type unknown "
                                         "has no fields; set its document type first")
        return {}
    read = {key: ExtractedField.model_validate(value) for key, value in record.fields.items()}
    fields = {f.key: read[f.key] for f in definition.fields if f.key in read}
    for key, raw in corrections.items():
        fdef = field_definition(definition, key)
        value = correction_value(fdef, raw, tuple(definition.surnames))
        old = fields.get(key)
        if value is None:
            fields.pop(key, None)
        elif old is None or old.value != value:
            fields[key] = ExtractedField(value=value, confidence=CORRECTED_CONFIDENCE,
                                         page=old.page if old else 1,
                                         bbox=old.bbox if old else NO_BBOX, valid=True)
    check_fields(fields, definition)
    return {f.key: fields[f.key] for f in definition.fields if f.key in fields}


def field_definition(definition: DocTypeDefinition, key: str) -> FieldDefinition:
    """The field ``key`` of the type; InvalidCorrectionError naming the type's fields."""
    for fdef in definition.fields:
        if fdef.key == key:
            return fdef
    keys = ", ".join(f.key for f in definition.fields)
    raise InvalidCorrectionError(key, f"{definition.id} has no such field (fields: {keys})")


def correction_value(fdef: FieldDefinition, raw: Value | None,
                     surnames: tuple[str, ...] = ()) -> Value | None:
    """The contract's value of what a reviewer typed (None: clear the field), normalised and
    validated as extraction does; InvalidCorrectionError when it is no such value."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    context = ValueContext(tuple(fdef.keep_case_prefixes), surnames)
    value = fdef.normaliser.normalise(text, context)
    if value is None and fdef.kind.validate(text):
        # Already the contract's form (an ISO date), which the printed-form normalisers of
        # dates and date-times do not read; a prefilled form sends such values back.
        value = text
    if value is None:
        raise InvalidCorrectionError(fdef.key, f"«{text}» cannot be read as {fdef.type} "
                                               f"(expected {format_hint(fdef)})")
    if not fdef.checker.validate(value):
        raise InvalidCorrectionError(fdef.key, f"«{value}» is not a valid "
                                               f"{fdef.checker.meaning} "
                                               f"(expected {format_hint(fdef)})")
    return value


def format_hint(fdef: FieldDefinition) -> str:
    """How a reviewer may type the field's value (its kind's hint; normalisers also read
    the printed forms)."""
    return fdef.kind.hint


def check_fields(fields: dict[str, ExtractedField], definition: DocTypeDefinition) -> None:
    """Every field valid (those left as read too), in order with the fields it must precede
    or follow, and every required field present; InvalidCorrectionError otherwise."""
    values = {key: field.value for key, field in fields.items()}
    for key, field in fields.items():
        fdef = definition.field(key)
        if not fdef.checker.validate(field.value):
            raise InvalidCorrectionError(key, f"«{field.value}» as read is not a valid "
                                              f"{fdef.checker.meaning}; correct it or clear it")
        problem = order_problem(fdef, values)
        if problem:
            raise InvalidCorrectionError(key, problem)
    missing = [key for key in definition.required_keys if key not in fields]
    if missing:
        raise InvalidCorrectionError(", ".join(missing), f"required for {definition.id}; "
                                                         "give a value")


def order_problem(fdef: FieldDefinition, values: Mapping[str, Value]) -> str | None:
    """Why the field's value is out of order with another (the definition's before/after)."""
    own = values[fdef.key]
    for other in fdef.before:
        if other in values and not is_in_order(own, values[other]):
            return f"«{own}» comes after {other} «{values[other]}»"
    for other in fdef.after:
        if other in values and not is_in_order(values[other], own):
            return f"«{own}» comes before {other} «{values[other]}»"
    return None


def review_changes(record: DossierRecord, doc_type: str,
                   fields: dict[str, ExtractedField]) -> tuple[Change, ...]:
    """What the review changes besides the status: type, each field, the answered reasons."""
    changes: list[Change] = []
    if doc_type != (record.doc_type or UNKNOWN_TYPE):
        changes.append(Change(DOC_TYPE_TARGET, record.doc_type, doc_type))
    old = {key: value["value"] for key, value in record.fields.items()}
    new = {key: field.value for key, field in fields.items()}
    for key in [*old, *(k for k in new if k not in old)]:
        if key not in old or key not in new or old[key] != new[key]:
            changes.append(Change(field_target(key), old.get(key), new.get(key)))
    if record.review_reasons:
        changes.append(Change(REASONS_TARGET, list(record.review_reasons), []))
    return tuple(changes)


def stored_document(services: Services, record: DossierRecord) -> DossierDocument:
    """The record's JSON as stored; ReviewError when there is none to rewrite."""
    missing = ReviewError(f"record {record.id} has no stored JSON; digitize it again before "
                          f"reviewing it")
    if not record.json_key:
        raise missing
    try:
        return DossierDocument.model_validate_json(services.store.get_bytes(record.json_key))
    except ObjectNotFoundError as error:
        raise missing from error


def verified_document(document: DossierDocument, doc_type: str,
                      fields: dict[str, ExtractedField]) -> DossierDocument:
    """The JSON after the review: verified, reviewed fields, no open reasons; the rest kept."""
    return document.model_copy(update={"status": Status.VERIFIED, "doc_type": doc_type,
                                       "fields": fields, "review_reasons": []})


def store_document(services: Services, record: DossierRecord,
                   document: DossierDocument) -> None:
    """Write the JSON where the record says it is."""
    services.store.put_bytes(record.json_key or "", document.to_json().encode("utf-8"),
                             "application/json", metadata={"station": record.station})


def resync_document(services: Services, record_id: str, written: DossierDocument) -> None:
    """After losing a race with another review, make the stored JSON say what the database
    says (the other review's result), not what this one wrote."""
    current = services.repository.require(record_id)
    synced = written.model_copy(update={
        "status": current.status, "doc_type": current.doc_type or UNKNOWN_TYPE,
        "fields": {k: ExtractedField.model_validate(v) for k, v in current.fields.items()},
        "review_reasons": list(current.review_reasons), "dossier_code": current.dossier_code,
        "role": current.role})
    store_document(services, current, synced)
