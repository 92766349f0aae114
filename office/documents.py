"""Build the extracted JSON of a record (contract §3) and write it where it is wanted."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from schemas.document import (
    Artifacts,
    DossierDocument,
    ExtractedField,
    PageSummary,
    SourceInfo,
)
from schemas.ocr import PageOcr
from schemas.record import DossierRecord


def build_document(record: DossierRecord, pages: list[PageOcr], pipeline_version: str,
                   processed_at: datetime | None = None) -> DossierDocument:
    """The JSON document for ``record`` as it stands, with the given pages' text."""
    return DossierDocument(
        record_id=record.id,
        source=SourceInfo(
            filename=record.filename,
            sha256=record.sha256,
            station=record.station,
            unit=record.unit,
            size_bytes=record.size_bytes,
            pages=([record.first_page, record.last_page]
                   if record.first_page is not None and record.last_page is not None else None),
            part=record.part,
            parts=record.parts,
        ),
        status=record.status,
        doc_type=record.doc_type or "unknown",
        fields={k: ExtractedField.model_validate(v) for k, v in record.fields.items()},
        review_reasons=list(record.review_reasons),
        pages=[summarize_page(p) for p in pages],
        artifacts=Artifacts(
            original=record.original_key,
            searchable_pdf=record.pdf_key,
            text=record.text_key,
            json=record.json_key,
        ),
        processed_at=(processed_at or datetime.now()).astimezone(),
        pipeline_version=pipeline_version,
        error=record.error,
        duplicate_of=record.duplicate_of,
        dossier_code=record.dossier_code,
        role=record.role,
    )


def summarize_page(page: PageOcr) -> PageSummary:
    return PageSummary(
        number=page.number,
        text=page.text,
        mean_confidence=page.mean_confidence,
        rotation=page.rotation,
        skew_degrees=round(page.skew_degrees, 2),
        text_source=page.text_source,
    )


def document_text(pages: list[PageOcr]) -> str:
    """The text artifact: pages in order, separated by form feeds as pdftotext does."""
    return "\f".join(page.text for page in pages) + "\n"


def write_json_out(document: DossierDocument, json_out: Path, name: str) -> Path:
    """Write ``json_out/<name>.json`` atomically (contract §4: name is the input's stem), or
    ``<name>-<part>.json`` for a document of a file that was split (contract §5)."""
    json_out.mkdir(parents=True, exist_ok=True)
    if document.source.parts > 1:
        name = f"{name}-{document.source.part}"
    return write_atomically(json_out / f"{name}.json", document.to_json())


def write_atomically(target: Path, text: str) -> Path:
    """Write ``text`` to ``target`` through a temporary file beside it: a reader never sees
    half a document."""
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)
    return target


def json_names(paths: list[str]) -> dict[str, str]:
    """Output names per input: the file's stem, made unique when two inputs share one
    (``a.pdf`` and ``a.png``, or two folders' ``scan1.jpg``) so that no JSON overwrites another."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for path in paths:
        stem = Path(path).stem
        name, counter = stem, 1
        while name in taken:
            counter += 1
            name = f"{stem}-{counter}"
        taken.add(name)
        names[path] = name
    return names
