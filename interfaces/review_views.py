"""What the review page shows: the queue of records waiting for review and one record's fields
and pages, built from the repository, the stored PDF and the document type's definition.

Reading a review answer back lives here too (:func:`submitted_corrections`): only what the
operator changed is a correction, as at the terminal (`sohoa review`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from office.page_images import page_sizes, stored_pdf
from office.services import Services
from office.verification import UNKNOWN_TYPE, format_hint
from pipeline.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.values import Value
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage.records import RecordFilter

QUEUE_LIMIT = 200
AGES = {0: "any age", 1: "over 1 day", 3: "over 3 days", 7: "over a week", 30: "over a month"}
FIELD_PREFIX = "field."


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters, as the query string carries them (empty: any)."""

    station: str = ""
    unit: str = ""
    doc_type: str = ""
    reason: str = ""
    min_age_days: int = 0

    def query(self) -> str:
        """The filters as a query string, without the empty ones."""
        values = {"station": self.station, "unit": self.unit, "doc_type": self.doc_type,
                  "reason": self.reason, "min_age_days": self.min_age_days or ""}
        return urlencode({key: value for key, value in values.items() if value})

    def record_filter(self, now: datetime) -> RecordFilter:
        """The repository's filter for these (the reason text is matched afterwards)."""
        def one(value: str) -> tuple[str, ...]:
            return (value,) if value else ()
        return RecordFilter(statuses=(Status.NEEDS_REVIEW,), stations=one(self.station),
                            units=one(self.unit), doc_types=one(self.doc_type),
                            until=now - timedelta(days=self.min_age_days)
                            if self.min_age_days else None)


def queue_records(services: Services, wanted: QueueFilter,
                  limit: int = QUEUE_LIMIT) -> list[DossierRecord]:
    """Records waiting for review that match every filter, oldest first."""
    text = wanted.reason.casefold().strip()
    records = services.repository.iter_records(wanted.record_filter(datetime.now(UTC)))
    matching = (record for record in records
                if not text or any(text in reason.casefold() for reason in record.review_reasons))
    return list(itertools.islice(matching, limit))


def age_text(created_at: datetime, now: datetime | None = None) -> str:
    """How long a record has waited, in the largest whole unit."""
    seconds = ((now or datetime.now(UTC)) - created_at).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return "just now"


@dataclass
class FieldRow:
    """One field of the record's type as the form shows it."""

    key: str
    label: str
    required: bool
    hint: str
    value: str
    confidence: float | None
    valid: bool
    page: int | None
    bbox: tuple[int, int, int, int] | None
    error: str | None = None


@dataclass
class PageView:
    """One page of the record: its pixel size as stored and the boxes read on it."""

    number: int
    width: int
    height: int
    fields: list[FieldRow] = field(default_factory=list)


def field_rows(record: DossierRecord, definition: DocTypeDefinition | None) -> list[FieldRow]:
    """The type's fields in order, each with what was read (if anything)."""
    return [field_row(fdef, record.fields.get(fdef.key))
            for fdef in (definition.fields if definition else [])]


def field_row(fdef: FieldDefinition, read: Mapping[str, Any] | None) -> FieldRow:
    """One field's row; a field not read has no value, confidence, page or box."""
    bbox = tuple(read["bbox"]) if read and any(read["bbox"]) else None
    return FieldRow(key=fdef.key, label=fdef.label, required=fdef.required,
                    hint=format_hint(fdef), value="" if read is None else str(read["value"]),
                    confidence=read["confidence"] if read else None,
                    valid=bool(read["valid"]) if read else True,
                    page=read["page"] if read else None, bbox=bbox)  # type: ignore[arg-type]


def page_views(services: Services, record: DossierRecord,
               rows: list[FieldRow]) -> list[PageView]:
    """The record's pages with the fields read on each (none without a searchable PDF)."""
    if not record.pdf_key:
        return []
    sizes = page_sizes(stored_pdf(services, record))
    pages = [PageView(number, width, height)
             for number, (width, height) in enumerate(sizes, start=1)]
    for row in rows:
        if row.bbox and row.page and row.page <= len(pages):
            pages[row.page - 1].fields.append(row)
    return pages


def definition_of(services: Services, record: DossierRecord) -> DocTypeDefinition | None:
    """The record's type definition; None for unknown or a type no longer defined."""
    doc_type = record.doc_type or UNKNOWN_TYPE
    return None if doc_type == UNKNOWN_TYPE else services.doctype(doc_type)


def submitted_corrections(record: DossierRecord, definition: DocTypeDefinition | None,
                          form: Mapping[str, Any]) -> dict[str, Value | None]:
    """The fields the operator changed (an emptied field clears it); the rest stay as read."""
    corrections: dict[str, Value | None] = {}
    for fdef in definition.fields if definition else []:
        name = FIELD_PREFIX + fdef.key
        if name not in form:
            continue
        typed = str(form[name]).strip()
        read = record.fields.get(fdef.key)
        if typed != ("" if read is None else str(read["value"])):
            corrections[fdef.key] = typed or None
    return corrections


def with_submitted(rows: list[FieldRow], form: Mapping[str, Any], problem_key: str,
                   problem: str) -> list[FieldRow]:
    """The rows showing what the operator typed, the refused field(s) with the reason."""
    refused = {key.strip() for key in problem_key.split(",")}
    for row in rows:
        row.value = str(form.get(FIELD_PREFIX + row.key, row.value))
        if row.key in refused:
            row.error = problem
    return rows
