"""Export records as JSON Lines: one extracted-JSON document (contract §3) per line.

Records are read from the database a batch at a time and written as they come, so exporting
a hundred thousand records takes no more memory than exporting a hundred.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from office.documents import build_document
from office.dossiers import dossier_document
from office.services import Services
from office.services import pipeline_version as installed_version
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus
from storage.objects import ObjectStore
from storage.records import RecordFilter, RecordRepository

EXPORT_BATCH_SIZE = 500


def record_document_json(record: DossierRecord, store: ObjectStore, version: str) -> str:
    """The record's extracted JSON on one line.

    A record that has a stored JSON gets exactly that document (keys the contract may add
    later survive); one without (``received``, ``processing``) gets the same shape built
    from the record itself. A stored JSON that has gone missing raises ObjectNotFoundError:
    quietly writing a document without its pages would hide lost data.
    """
    if record.json_key:
        stored = json.loads(store.get_bytes(record.json_key))
        return json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
    document = build_document(record, [], version,
                              processed_at=record.processed_at or record.updated_at)
    return document.model_dump_json(by_alias=True)


def export_filter(since: datetime | None, statuses: Sequence[str] | None,
                  units: Sequence[str] | None) -> RecordFilter:
    """The repository filter for the export's options; unknown statuses raise ValueError."""
    return RecordFilter(
        statuses=tuple(DigitizationStatus(status) for status in statuses or ()),
        units=tuple(units or ()),
        since=since,
    )


def export_records(repository: RecordRepository, store: ObjectStore, out: TextIO,
                   since: datetime | None = None, statuses: list[str] | None = None,
                   units: list[str] | None = None, *, batch_size: int = EXPORT_BATCH_SIZE,
                   version: str | None = None) -> int:
    """Write one JSON document per matching record to ``out``, oldest first; return how many.

    ``since`` is on the record's creation time; ``statuses`` and ``units`` keep records in
    any of the given values. ``version`` stamps documents built from the record (default:
    the installed sohoa).
    """
    where = export_filter(since, statuses, units)
    version = version or installed_version()
    count = 0
    for record in repository.iter_records(where, batch_size=batch_size):
        out.write(record_document_json(record, store, version))
        out.write("\n")
        count += 1
    return count


def export_dossiers(services: Services, out: TextIO, units: list[str] | None = None,
                    *, batch_size: int = EXPORT_BATCH_SIZE) -> int:
    """Write one dossier document (contract §6) per line to ``out``, by code; return how
    many. Pages through the dossiers by code, so memory stays flat."""
    count, after = 0, None
    while True:
        page = services.dossiers.list_dossiers(units=tuple(units or ()), after=after,
                                               limit=batch_size)
        for dossier in page:
            document = dossier_document(dossier, services.dossiers.records_of(dossier.code))
            out.write(document.model_dump_json())
            out.write("\n")
            count += 1
        if len(page) < batch_size:
            return count
        after = page[-1].code
