"""The Prefect artifacts operators read: one per record, one per dossier, and the report.

A record's artifact (key ``record-<id>``, on the run that digitized it) says what became of
it: the status and why, its fields under their Vietnamese labels with confidence and page,
the fields left out and why, and links to its review page and its searchable PDF through the
read API (``SOHOA_PUBLIC_API_URL``). Never a presigned URL: an artifact lives as long as the
run, and a link in it would hand the PDF (personal data) to whoever sees the run for seven
days, signed with the store's own keys; nor a file:// path, which browsers refuse to open and
which shows the host's folders.

A dossier's artifact (key ``dossier-<code>``) lists its documents with their roles and
statuses. Both are published again, under the same key, whenever the record or dossier
changes (a review, a late result): the key keeps the history, the latest version is shown.
"""

from __future__ import annotations

import re
from uuid import UUID

from office.report import ReportRow, report_markdown, report_records
from pipeline.doctypes import DocTypeDefinition
from schemas.document import DossierDocument
from schemas.dossier import DossierJson
from schemas.record import DossierRecord

REPORT_ARTIFACT_KEY = "digitization-report"
RECORD_KEY_PREFIX = "record-"
NOT_FOUND = "not found on the scan"


def artifact_key(prefix: str, name: str) -> str:
    """Prefect's artifact keys allow lowercase letters, digits and dashes only."""
    return prefix + re.sub(r"[^a-z0-9-]+", "-", name.lower())


def record_artifact_key(record_id: str) -> str:
    """``record-<id>``: a record id is lowercase letters, digits and dashes already."""
    return artifact_key(RECORD_KEY_PREFIX, record_id)


def dossier_artifact_key(code: str) -> str:
    """``dossier-<code>`` with the code's dots and capitals made legal
    (``000.00.21.H27-241128-0001`` → ``dossier-000-00-21-h27-241128-0001``)."""
    return artifact_key("dossier-", code)


def escape_cell(text: object) -> str:
    """A value safe inside a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def api_link(api_url: str | None, path: str) -> str | None:
    """``path`` under the read API's public address; None when none is configured."""
    return f"{api_url.rstrip('/')}/{path}" if api_url else None


def pdf_link(api_url: str | None, document: DossierDocument) -> str | None:
    """The read API's address of the searchable PDF, or None without one or without an API."""
    if not document.artifacts.searchable_pdf:
        return None
    return api_link(api_url, f"records/{document.record_id}/artifacts/searchable_pdf")


def review_link(api_url: str | None, record_id: str) -> str | None:
    """The record's review page (`sohoa api`, /review/{id})."""
    return api_link(api_url, f"review/{record_id}")


# -- a record ----------------------------------------------------------------------------------


def record_markdown(document: DossierDocument, definition: DocTypeDefinition | None,
                    api_url: str | None) -> str:
    """The artifact's markdown: status and reasons, the fields, those left out, the links."""
    return "\n".join([*summary_lines(document), *field_lines(document, definition),
                      *left_out_lines(document, definition),
                      *record_link_lines(document, api_url)])


def summary_lines(document: DossierDocument) -> list[str]:
    """Which file and document, its status, and why it is not simply digitized."""
    source = document.source
    part = f" (document {source.part} of {source.parts})" if source.parts > 1 else ""
    lines = [f"## {escape_cell(source.filename)}{part}", "",
             f"**Status:** `{document.status.value}` · **type:** `{document.doc_type}` · "
             f"**station:** {escape_cell(source.station)} · **unit:** "
             f"{escape_cell(source.unit)}", "",
             f"**record:** `{document.record_id}`"
             + (f" · **dossier:** `{document.dossier_code}` ({document.role})"
                if document.dossier_code else ""), ""]
    if document.error:
        lines += [f"**Error:** {escape_cell(document.error)}", ""]
    if document.duplicate_of:
        lines += [f"Same file as record `{document.duplicate_of}`.", ""]
    if document.review_reasons:
        lines += ["**Needs review because:**", ""]
        lines += [f"- {escape_cell(reason)}" for reason in document.review_reasons]
        lines.append("")
    return lines


def label_of(definition: DocTypeDefinition | None, key: str) -> str:
    """The field's Vietnamese label (its key when the type does not define it)."""
    if definition is not None:
        for fdef in definition.fields:
            if fdef.key == key:
                return fdef.label
    return key


def field_lines(document: DossierDocument, definition: DocTypeDefinition | None) -> list[str]:
    """The fields given, under their labels: four narrow columns so that none is cut off;
    an invalid value is marked where it stands."""
    if not document.fields:
        return []
    lines = ["| field | value | conf. | p. |", "|---|---|---|---|"]
    for key, field in document.fields.items():
        mark = "" if field.valid else " ⚠ **invalid**"
        lines.append(f"| {escape_cell(label_of(definition, key))} | "
                     f"{escape_cell(field.value)}{mark} | {field.confidence:.2f} | "
                     f"{field.page} |")
    return [*lines, ""]


def left_out_lines(document: DossierDocument,
                   definition: DocTypeDefinition | None) -> list[str]:
    """The type's fields the document does not give, each with the reason it names."""
    if definition is None or document.status.value in ("failed", "duplicate"):
        return []
    missing = [fdef for fdef in definition.fields if fdef.key not in document.fields]
    if not missing:
        return []
    lines = ["**Left out:**", ""]
    for fdef in missing:
        lines.append(f"- {escape_cell(fdef.label)} (`{fdef.key}`"
                     f"{', required' if fdef.required else ''}): "
                     f"{escape_cell(left_out_reason(document.review_reasons, fdef.key))}")
    return [*lines, ""]


def left_out_reason(reasons: list[str], key: str) -> str:
    """The review reason naming the field (``field KEY («label») …``), else not found."""
    named = f"field {key} ("
    return next((reason for reason in reasons if named in reason), NOT_FOUND)


def record_link_lines(document: DossierDocument, api_url: str | None) -> list[str]:
    """Links to the review page and the PDF through the read API (its bearer token or an
    operator's login), or how to get them."""
    review = review_link(api_url, document.record_id)
    pdf = pdf_link(api_url, document)
    if review is None:
        stored = (f"; searchable PDF stored as `{document.artifacts.searchable_pdf}`"
                  if document.artifacts.searchable_pdf else "")
        return [f"Set SOHOA_PUBLIC_API_URL to link the review page and the PDF here{stored}."]
    links = [f"[Review page]({review})"]
    if pdf:
        links.append(f"[Searchable PDF]({pdf})")
    return [" · ".join(links)]


def publish_record_artifact(document: DossierDocument, api_url: str | None,
                            definition: DocTypeDefinition | None = None,
                            flow_run_id: UUID | None = None) -> UUID:
    """Publish the record's artifact under its key, on ``flow_run_id`` (default: the run
    this is called in); returns its id. ``api_url``: SOHOA_PUBLIC_API_URL; ``definition``:
    the document type's, for its labels and the fields left out."""
    return publish_markdown(record_artifact_key(document.record_id),
                            record_markdown(document, definition, api_url),
                            f"{document.source.filename}: {document.status.value}",
                            flow_run_id)


# -- a dossier ---------------------------------------------------------------------------------


def dossier_markdown(dossier: DossierJson, records: list[DossierRecord],
                     api_url: str | None) -> str:
    """The dossier's state and its documents: role, file, type, status, review link."""
    state = ("digitized" if dossier.digitized else "not digitized yet") + (
        " · electronic result" if dossier.has_electronic_result else "")
    lines = [f"## Dossier {dossier.dossier_code}", "",
             f"**{state}** · **unit:** {escape_cell(dossier.unit)} · **station:** "
             f"{escape_cell(dossier.station)}", ""]
    if dossier.procedure:
        lines += [f"**Procedure:** {escape_cell(dossier.procedure)}", ""]
    if dossier.receipt is None:
        lines += ["**No receipt yet**: the dossier's code came from a cover sheet, a folder "
                  "or the command line; scan its receipt.", ""]
    lines += ["| role | document | status |", "|---|---|---|"]
    for record in sorted(records, key=lambda r: (r.role or "", r.created_at)):
        name = escape_cell(f"{record.filename} · {record.doc_type or 'unknown'}")
        link = review_link(api_url, record.id)
        lines.append(f"| {record.role or '?'} | {f'[{name}]({link})' if link else name} | "
                     f"`{record.status.value}` |")
    if (link := api_link(api_url, f"dossiers/{dossier.dossier_code}")) is not None:
        lines += ["", f"[The dossier's JSON]({link})"]
    return "\n".join(lines)


def publish_dossier_artifact(dossier: DossierJson, records: list[DossierRecord],
                             api_url: str | None, flow_run_id: UUID | None = None) -> UUID:
    """Publish the dossier's artifact under ``dossier-<code>``; returns its id."""
    done = sum(record.status.value in ("digitized", "verified") for record in records)
    return publish_markdown(dossier_artifact_key(dossier.dossier_code),
                            dossier_markdown(dossier, records, api_url),
                            f"dossier {dossier.dossier_code}: {done} of {len(records)} "
                            f"documents done", flow_run_id)


# -- publishing --------------------------------------------------------------------------------


def current_flow_run_id() -> UUID | None:
    """The flow run this is called in (from a task too), or None outside any run."""
    from prefect.context import FlowRunContext, TaskRunContext

    flow_context = FlowRunContext.get()
    if flow_context is not None and flow_context.flow_run is not None:
        return flow_context.flow_run.id
    task_context = TaskRunContext.get()
    return task_context.task_run.flow_run_id if task_context is not None else None


def publish_markdown(key: str, markdown: str, description: str,
                     flow_run_id: UUID | None = None) -> UUID:
    """A markdown artifact under ``key`` shown on ``flow_run_id``'s page (default: the
    current run's): a later version published from elsewhere, after a review, stays on the
    run that made the record."""
    return publish_artifact(key, "markdown", markdown, description, flow_run_id)


def publish_report_artifact(rows: list[ReportRow], key: str = REPORT_ARTIFACT_KEY) -> UUID:
    """Publish the report as a Prefect table artifact (shown in the UI under ``key``, which
    keeps its history); returns the artifact's id. Needs a reachable Prefect API."""
    from prefect.artifacts import create_table_artifact

    # _sync: behave the same when the caller happens to run inside an event loop.
    return create_table_artifact(table=report_records(rows), key=key,
                                 description=report_markdown(rows), _sync=True)


def publish_artifact(key: str, kind: str, data: str, description: str,
                     flow_run_id: UUID | None = None) -> UUID:
    """One artifact through the API client: from a run (its id found in the context, from a
    task too) or from outside any, after a review (Prefect deprecates its helpers there)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import ArtifactCreate

    with get_client(sync_client=True) as client:
        return client.create_artifact(ArtifactCreate(
            key=key, type=kind, data=data, description=description,
            flow_run_id=flow_run_id or current_flow_run_id())).id
