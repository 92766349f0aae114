"""Prefect tasks: each wires one pipeline step to the stores. Flows in flows/digitize.py."""

from __future__ import annotations

import functools
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from prefect import Task, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from office.documents import build_document, document_text, write_json_out
from office.dossiers import (
    Assignment,
    assemble,
    file_dossiers,
    folder_code,
    index_people,
    write_dossier_out,
)
from office.intake import register
from office.jobs import FileJob, PageOutcome
from office.progress import announce
from office.refused_receipts import file_refused_receipts
from office.services import Services, active_services, pipeline_version
from office.verification import stored_document
from pipeline.document import DocumentAnalysis, analyse_file
from pipeline.load import FileFormat, FileInfo, inspect_file
from pipeline.load import load_page as decode_page
from pipeline.page import process_page
from pipeline.pdf import PageSource, merge_page_pdfs
from schemas.document import DossierDocument
from schemas.errors import SohoaError
from schemas.ocr import PageOcr
from schemas.record import DocumentRole, DossierRecord
from schemas.status import DigitizationStatus
from storage import keys
from storage.records import StatusTransitionError

P = ParamSpec("P")
R = TypeVar("R")


def is_retryable(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's callback shape
    """Retry only what a later attempt can fix (a server that was down), not a bad file."""
    try:
        state.result()
    except SohoaError as error:
        return error.retryable
    except Exception:  # noqa: BLE001 - anything unexpected is not worth repeating
        return False
    return False


def retrying(step: Task[P, R], services: Services, tries: int | None = None) -> Task[P, R]:
    """The task with the configured retries (``retry_delays_seconds``): one try more than
    there are delays, or ``tries`` at most; only what ``is_retryable`` allows is tried again."""
    delays = services.settings.retry_delays_seconds[:None if tries is None else tries - 1]
    return _with_retries(step, tuple(delays))


@functools.cache
def _with_retries(step: Task[P, R], delays: tuple[float, ...]) -> Task[P, R]:
    """Made once per task and waits, not once per file of a run."""
    return step.with_options(retries=len(delays), retry_delay_seconds=list(delays))


def call_retrying(step: Task[P, R], services: Services, *args: P.args,
                  **kwargs: P.kwargs) -> R:
    """The step's function called in the flow itself, not as a task run, and tried again as
    ``retrying`` would: after each configured wait, while the error says a later attempt
    can fix it (``SohoaError.retryable``, as ``is_retryable``).

    For a file's few-millisecond steps (registering, opening): a task run cost the local
    Prefect server ~50 ms CPU (its start, run and end as events, recorded) besides the
    flow's own bookkeeping, and these made two of a single-page file's four task runs.
    """
    for wait in [*services.settings.retry_delays_seconds, None]:
        try:
            return step.fn(*args, **kwargs)
        except SohoaError as error:
            if not error.retryable or wait is None:
                raise
            time.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


_ocr_slots: threading.BoundedSemaphore | None = None
_ocr_slots_lock = threading.Lock()


def ocr_slots(services: Services) -> threading.BoundedSemaphore:
    """Bound on pages decoded and OCR'd at once in this process (one per core by default).

    The task runner has more threads than this so that bookkeeping tasks never wait
    behind OCR; the semaphore keeps memory and CPU to one page per core.
    """
    global _ocr_slots
    with _ocr_slots_lock:
        if _ocr_slots is None:
            _ocr_slots = threading.BoundedSemaphore(services.settings.ocr.worker_count())
        return _ocr_slots


def work_dir_for(services: Services, record_id: str) -> Path:
    path = services.settings.resolved_work_dir / record_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_name(parameters: dict) -> str:
    """The file a task's parameters name: a job's original name, or a path's last part."""
    job = parameters.get("job")
    if isinstance(job, FileJob):
        return job.filename
    return Path(str(parameters.get("path", "?"))).name


def named_by_file(verb: str):  # noqa: ANN201 - Prefect's task_run_name callback
    """A task run name telling which file it works on (``finish-record scan.pdf``)."""
    def name(parameters: dict) -> str:
        return f"{verb} {file_name(parameters)}"
    return name


def page_run_name(parameters: dict) -> str:
    """``recognize-page scan.pdf p2``: the file and the page, counted from 1."""
    return f"recognize-page {file_name(parameters)} p{int(parameters.get('index', 0)) + 1}"


# Every task below runs each time it is called (cache_policy=NO_CACHE): the database, not
# Prefect's result cache, knows what is done. Prefect's default policy would also hash every
# input of every task run into a cache key — for `finish-record`, the words of all pages.
@task(name="register-file", task_run_name=named_by_file("register-file"),
      retry_condition_fn=is_retryable, cache_policy=NO_CACHE)
def register_file(path: str, station: str | None = None,
                  resume_received: bool = True) -> FileJob:
    """Checksum the file, store the original, and create its record (see intake.register)."""
    services = active_services()
    return register(services, Path(path), station or services.settings.station,
                    resume_received=resume_received)


@task(name="open-record", task_run_name=named_by_file("open-record"),
      retry_condition_fn=is_retryable, cache_policy=NO_CACHE)
def open_record(job: FileJob) -> FileJob:
    """Claim the record (`processing`), fetch its stored original and count its pages.

    Only a `received` record, or one whose run stopped giving signs of life for longer than
    the processing lease, is claimed; when another run holds it, the job comes back with
    ``claimed`` false and nothing else is done. Pages are read from the stored original,
    not the station folder, so a worker on another machine sees exactly what was checksummed.
    """
    services = active_services()
    repository = services.repository
    if not repository.claim_for_processing(job.record_id, services.settings.processing_lease,
                                           from_statuses=(DigitizationStatus.RECEIVED,)):
        record = repository.require(job.record_id)
        get_run_logger().info("%s is %s: another run has it; nothing to do", job.filename,
                              record.status.value)
        return job.model_copy(update={"claimed": False, "status": record.status})
    record = repository.require(job.record_id)
    extension = record.original_key.rsplit(".", 1)[-1]
    local = work_dir_for(services, job.record_id) / f"original.{extension}"
    services.store.download(record.original_key, local)
    job = job.model_copy(update={"local_copy": str(local), "status": record.status})
    try:
        info = inspect_file(local, services.settings.page_limits())
    except SohoaError as error:
        return job.model_copy(update={"error": rename(error.message, local, job.filename)})
    return job.model_copy(
        update={"format": info.format.value, "page_count": info.page_count, "dpi": info.dpi}
    )


def rename(message: str, local: Path, filename: str) -> str:
    """Errors name the work copy; the operator knows the file by its original name."""
    return message.replace(str(local), filename).replace(local.name, filename)


@task(name="recognize-page", task_run_name=page_run_name,
      retry_condition_fn=is_retryable, cache_policy=NO_CACHE)
def recognize_file_page(job: FileJob, index: int) -> PageOutcome:
    """Decode, clean and OCR one page (pipeline/page.py); write its searchable PDF page to
    the work folder."""
    services = active_services()
    settings = services.settings
    number = index + 1
    local = Path(job.local_copy or "")
    info = FileInfo(format=FileFormat(job.format), page_count=job.page_count, dpi=job.dpi)
    limits = settings.page_limits()
    with ocr_slots(services):
        try:
            result = process_page(lambda: decode_page(local, info, index, limits), number,
                                  settings.page_options(info.dpi),
                                  PageSource(local, info.format, index, info.dpi))
        except SohoaError as error:
            if error.retryable:
                raise
            return PageOutcome(number=number, error=naming(
                job.filename, rename(error.message, local, job.filename)))
    pdf_path = work_dir_for(services, job.record_id) / f"page-{number:05d}.pdf"
    pdf_path.write_bytes(result.pdf)
    # No lease renewal here: the run's lease-renewal thread (flows/digitize.keeping_leases)
    # renews every record it holds, so a database write per page was one too many.
    return PageOutcome(number=number, page=result.page, pdf_path=str(pdf_path))


@task(name="finish-record", task_run_name=named_by_file("finish-record"),
      retry_condition_fn=is_retryable, cache_policy=NO_CACHE)
def finish_record(job: FileJob, outcomes: list[PageOutcome | BaseException],
                  json_out: str | None = None) -> list[DossierDocument]:
    """Split the file into documents; classify, extract, store each one's searchable PDF,
    text and JSON, and set its final status. One document per record (contract §5)."""
    services = active_services()
    if not job.claimed:
        # Another run holds the record: report it as it stands, touch nothing of that run's.
        record = services.repository.require(job.record_id)
        documents = [build_document(r, [], pipeline_version())
                     for r in [record, *services.repository.parts_of(record.id)]]
        return publish(services, job, documents, json_out)
    error = job.error or first_page_error(outcomes, job.filename)
    if error:
        documents = [fail_record(services, job, error)]
    else:
        read = [o for o in outcomes if isinstance(o, PageOutcome) and o.page]
        documents = store_results(services, job, [o.page for o in read if o.page],
                                  {o.number: o.pdf_path for o in read if o.pdf_path})
        documents = finish_dossiers(services, documents, json_out)
    return publish(services, job, documents, json_out)


def file_pages_run_name(parameters: dict) -> str:
    """``digitize-page scan.png`` for a single-page file, ``digitize-pages scan.pdf (3
    pages)`` for a longer one."""
    job = parameters.get("job")
    count = job.page_count if isinstance(job, FileJob) else 1
    name = file_name(parameters)
    return f"digitize-page {name}" if count == 1 else f"digitize-pages {name} ({count} pages)"


@task(name="digitize-pages", task_run_name=file_pages_run_name, cache_policy=NO_CACHE)
def digitize_file_pages(job: FileJob, json_out: str | None = None) -> list[DossierDocument]:
    """A claimed file in one task run: its pages read as `recognize-page` reads them, side by
    side (as many at once as there are OCR slots, which bound pages in OCR across the whole
    run), each tried twice at most (what a retry can fix only, ``page_tried``); then
    finish-record's work (tried again as the configured retries say, without reading the
    pages again).

    Most files of a one-stop shop have one page, and the others a few: a task run a page
    and one to finish the file each cost the local Prefect server and the run's own
    bookkeeping ~30 ms CPU (measured: 40 task runs of a flow on the local server, 1.0 s of
    the server's CPU and 0.23 s of the client's), the finishing task held a runner thread
    while it waited for its pages, and Prefect walked every word of every page handed to
    it as a parameter (``visit_collection``: ~0.3 CPU s a 20-page warm run)."""
    services = active_services()
    if job.page_count <= 1:
        outcomes = [page_tried(services, job, 0)]
    else:
        slots = services.settings.ocr.worker_count()
        with ThreadPoolExecutor(max_workers=min(job.page_count, slots),
                                thread_name_prefix="page") as pages:
            outcomes = list(pages.map(functools.partial(page_tried, services, job),
                                      range(job.page_count)))
    return call_retrying(finish_record, services, job, outcomes, json_out)


def page_tried(services: Services, job: FileJob, index: int) -> PageOutcome | BaseException:
    """Page ``index`` read by `recognize-page`'s function, tried again once after the first
    configured wait when its error says a retry can fix it (a crashed or timed-out
    Tesseract); the outcome finish-record is given for the page: the page, or its error."""
    for wait in [*services.settings.retry_delays_seconds[:1], None]:
        try:
            return recognize_file_page.fn(job, index)
        except Exception as error:  # noqa: BLE001 - what finish-record is given for a page
            if wait is None or not (isinstance(error, SohoaError) and error.retryable):
                return error
            time.sleep(wait)
    raise AssertionError("unreachable: the last try returns")


def finish_dossiers(services: Services, documents: list[DossierDocument],
                    json_out: str | None) -> list[DossierDocument]:
    """Recompute the dossiers the documents joined, file the refused receipts they make
    likely (office/refused_receipts.py), and store and hand out the dossiers' documents;
    the file's documents as stored now (one of its receipts may have been filed)."""
    codes = {d.dossier_code for d in documents if d.dossier_code}
    assembled = assemble(services, codes)
    filed = file_refused_receipts(services, documents)
    if json_out:
        for dossier in [*(d for d in assembled if d.dossier_code not in filed),
                        *filed.values()]:
            write_dossier_out(dossier, Path(json_out))
    if not filed:
        return documents
    return [stored_document(services, services.repository.require(d.record_id))
            if d.dossier_code is None else d for d in documents]


def naming(filename: str, message: str) -> str:
    """``message`` as the operator reads it: starting with the file's name."""
    return message if message.startswith(f"{filename}: ") else f"{filename}: {message}"


def first_page_error(outcomes: list[PageOutcome | BaseException],
                     filename: str) -> str | None:
    """The first page's failure, as one sentence naming the file (a page task that ran out
    of retries raised an error that knows only the page)."""
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            message = (outcome.message if isinstance(outcome, SohoaError)
                       else f"a page could not be processed ({outcome})")
            return naming(filename, message)
        if outcome.error:
            return outcome.error
    return None


def store_results(services: Services, job: FileJob, pages: list[PageOcr],
                  pdf_paths: dict[int, str]) -> list[DossierDocument]:
    """Split the file's pages into documents and store each as its own record: the file's
    record is the first document, the others are its parts (made once, found again on a
    retry of this task)."""
    record = services.repository.require(job.record_id)
    analysed = analyse_file(pages, services.doctypes, services.settings.review,
                            units=frozenset(services.settings.dossier_units))
    facts, assignments = file_dossiers(
        analysed, services.doctypes,
        folder_code(record.source_path, station_folder(services, record.station))
        or job.dossier_code)
    parts = len(analysed)
    return [store_document(services, job, record if part == 1
                           else services.repository.part_record(record, part, parts),
                           document, Membership(part, parts, fact.role, assignment), pdf_paths)
            for part, (document, fact, assignment)
            in enumerate(zip(analysed, facts, assignments, strict=True), start=1)]


@dataclass(frozen=True)
class Membership:
    """Where a document stands: its part of the file, its role and its dossier."""

    part: int
    parts: int
    role: DocumentRole
    dossier: Assignment


def station_folder(services: Services, station: str) -> str | None:
    """The folder of a configured station (None for files given on the command line)."""
    configured = services.settings.station_named(station)
    return str(configured.folder) if configured else None


def store_document(services: Services, job: FileJob, record: DossierRecord,
                   document: DocumentAnalysis, member: Membership,
                   pdf_paths: dict[int, str]) -> DossierDocument:
    """One document's searchable PDF (its pages' PDF pages), text and JSON, and its status."""
    pages, analysis, part = document.pages, document.analysis, member.part
    pdf_key, text_key, json_key = artifact_keys(record)
    merged = work_dir_for(services, job.record_id) / f"searchable-{part}.pdf"
    merge_page_pdfs([Path(pdf_paths[p.number]) for p in pages if p.number in pdf_paths], merged)
    tags = {"station": record.station, "doc-type": analysis.doc_type}
    services.store.put_file(pdf_key, merged, "application/pdf", metadata=tags)
    services.store.put_bytes(text_key, document_text(pages).encode("utf-8"),
                             "text/plain; charset=utf-8", metadata=tags)
    changes = {
        "doc_type": analysis.doc_type,
        "fields": {k: v.model_dump(mode="json") for k, v in analysis.extraction.fields.items()},
        "review_reasons": [*analysis.assessment.review_reasons,
                           *filter(None, [member.dossier.doubt])],
        "page_count": len(pages), "part": part, "parts": member.parts,
        "first_page": document.span.first, "last_page": document.span.last,
        "dossier_code": member.dossier.code, "role": member.role.value,
        "pdf_key": pdf_key, "text_key": text_key, "json_key": json_key,
        "pipeline_version": pipeline_version(),
    }
    status = (DigitizationStatus.NEEDS_REVIEW if member.dossier.doubt
              else analysis.assessment.status)
    stored = store_json_and_status(services, record, status, changes, pages)
    index_people(services, record.model_copy(update=changes))
    return stored


def artifact_keys(record: DossierRecord) -> tuple[str, str, str]:
    created = record.created_at
    return (keys.pdf_key(record.id, created), keys.text_key(record.id, created),
            keys.json_key(record.id, created))


def store_json_and_status(services: Services, record: DossierRecord, status: DigitizationStatus,
                          changes: dict, pages: list[PageOcr]) -> DossierDocument:
    """Store the JSON first, then record the status: a record never claims what is not stored."""
    preview = record.model_copy(update={**changes, "status": status})
    document = build_document(preview, pages, pipeline_version())
    services.store.put_bytes(changes["json_key"], document.to_json().encode("utf-8"),
                             "application/json", metadata={"station": record.station})
    try:
        services.repository.set_status(record.id, status, text=document_text(pages) if pages
                                       else None, **changes)
    except StatusTransitionError:
        # A retry of this task after the status was written (the tag below failed): the
        # record already says what this attempt would write.
        if services.repository.require(record.id).status is not status:
            raise
    if record.part_of is None:  # the original is the file's: its first record tags it
        services.store.set_tags(changes.get("original_key", record.original_key),
                                {"status": status.value})
    return document


def fail_record(services: Services, job: FileJob, error: str) -> DossierDocument:
    """Keep the original in quarantine with the reason; the record becomes `failed`."""
    get_run_logger().warning("%s failed: %s", job.filename, error)
    record = services.repository.get(job.record_id)
    quarantine = keys.quarantine_key(record.id, record.created_at,
                                     record.original_key.rsplit(".", 1)[-1])
    services.store.copy(record.original_key, quarantine)
    changes = {"error": error, "original_key": quarantine,
               "json_key": keys.json_key(record.id, record.created_at),
               "pipeline_version": pipeline_version()}
    return store_json_and_status(services, record, DigitizationStatus.FAILED, changes, [])


@task(name="finish-duplicate", task_run_name=named_by_file("finish-duplicate"),
      retry_condition_fn=is_retryable, cache_policy=NO_CACHE)
def finish_duplicate(job: FileJob, json_out: str | None = None) -> list[DossierDocument]:
    """A duplicate is not processed again: its JSON points at the earlier record."""
    services = active_services()
    record = services.repository.get(job.record_id)
    original = services.repository.get(record.duplicate_of)
    view = record.model_copy(update={
        "doc_type": original.doc_type, "original_key": original.original_key,
        "pdf_key": original.pdf_key, "text_key": original.text_key, "json_key": original.json_key,
    })
    document = build_document(view, [], pipeline_version())
    return publish(services, job, [document], json_out)


def publish(services: Services, job: FileJob, documents: list[DossierDocument],
            json_out: str | None) -> list[DossierDocument]:
    """Hand a file's finished documents to the caller's JSON folder and progress listeners."""
    for document in documents:
        if json_out:
            write_json_out(document, Path(json_out), job.json_name or Path(job.filename).stem)
        announce(document)
    if job.claimed:  # the work folder of a file another run holds is that run's
        shutil.rmtree(services.settings.resolved_work_dir / job.record_id, ignore_errors=True)
    return documents
