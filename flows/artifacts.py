"""The Prefect artifact a `digitize-file` run publishes: what became of its record.

Operators read it in the run's Artifacts tab: the status and why, the extracted fields with
their confidences, and a link to the searchable PDF through the read API
(``SOHOA_PUBLIC_API_URL``). Never a presigned URL: an artifact lives as long as the run, and a
link in it would hand the PDF (personal data) to whoever sees the run for seven days, signed
with the store's own keys; nor a file:// path, which shows the host's folders.
"""

from __future__ import annotations

from uuid import UUID

from office.report import ReportRow, report_markdown, report_records
from schemas.document import DossierDocument

REPORT_ARTIFACT_KEY = "digitization-report"


def record_artifact_key(record_id: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes: a record id is all three."""
    return f"record-{record_id.lower()}"


def escape_cell(text: object) -> str:
    """A value safe inside a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def record_markdown(document: DossierDocument, pdf_link: str | None) -> str:
    """The artifact's markdown: status, reasons, a fields table and the PDF link."""
    lines = [f"## {escape_cell(document.source.filename)}",
             "",
             f"**Status:** `{document.status.value}` · **type:** `{document.doc_type}` · "
             f"**station:** {escape_cell(document.source.station)} · "
             f"**unit:** {escape_cell(document.source.unit)} · "
             f"**record:** `{document.record_id}`", ""]
    if document.error:
        lines += [f"**Error:** {escape_cell(document.error)}", ""]
    if document.duplicate_of:
        lines += [f"Same file as record `{document.duplicate_of}`.", ""]
    if document.review_reasons:
        lines += ["**Needs review because:**", ""]
        lines += [f"- {escape_cell(reason)}" for reason in document.review_reasons]
        lines.append("")
    if document.fields:
        lines += ["| field | value | confidence | valid | page |", "|---|---|---|---|---|"]
        for key, field in document.fields.items():
            lines.append(f"| {key} | {escape_cell(field.value)} | {field.confidence:.2f} | "
                         f"{'yes' if field.valid else '**no**'} | {field.page} |")
        lines.append("")
    if pdf_link:
        lines.append(f"[Searchable PDF]({pdf_link}) (read API; needs its bearer token)")
    elif document.artifacts.searchable_pdf:
        lines.append(f"Searchable PDF stored as `{document.artifacts.searchable_pdf}`; set "
                     f"SOHOA_PUBLIC_API_URL to link it through the read API.")
    return "\n".join(lines)


def pdf_link(api_url: str | None, document: DossierDocument) -> str | None:
    """The read API's address of the searchable PDF, or None without one or without an API."""
    if not (api_url and document.artifacts.searchable_pdf):
        return None
    return f"{api_url.rstrip('/')}/records/{document.record_id}/artifacts/searchable_pdf"


def publish_record_artifact(document: DossierDocument, api_url: str | None) -> UUID:
    """Publish the record's markdown artifact under its record key; returns its id.
    ``api_url`` is the read API's public base URL (SOHOA_PUBLIC_API_URL)."""
    from prefect.artifacts import create_markdown_artifact

    return create_markdown_artifact(
        markdown=record_markdown(document, pdf_link(api_url, document)),
        key=record_artifact_key(document.record_id),
        description=f"{document.source.filename}: {document.status.value}",
        _sync=True,
    )


def publish_report_artifact(rows: list[ReportRow], key: str = REPORT_ARTIFACT_KEY) -> UUID:
    """Publish the report as a Prefect table artifact (shown in the UI under ``key``, which
    keeps its history); returns the artifact's id. Needs a reachable Prefect API."""
    from prefect.artifacts import create_table_artifact

    # _sync: behave the same when the caller happens to run inside an event loop.
    return create_table_artifact(table=report_records(rows), key=key,
                                 description=report_markdown(rows), _sync=True)
