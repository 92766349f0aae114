"""The digitization flows: `digitize-file` (one file → a record per document in it) and
`digitize-batch`."""

from __future__ import annotations

from collections import Counter

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import allow_failure

from flows.artifacts import publish_record_artifact, publish_report_artifact
from flows.tasks import (
    finish_dossiers,
    finish_duplicate,
    finish_record,
    open_record,
    recognize_file_page,
    register_file,
    retrying,
)
from office.documents import json_names
from office.intake import job_for
from office.jobs import FileJob
from office.report import digitization_report
from office.services import Services, active_services
from schemas.document import DossierDocument
from schemas.status import DigitizationStatus


def digitize_jobs(jobs: list[FileJob], json_out: str | None) -> list[DossierDocument]:
    """Run registered files through the pipeline, all their pages sharing the task runner.

    Pages of every file are submitted together so that all cores stay busy even when
    files have a single page; each file's finishing task waits only for its own pages.
    """
    services = active_services()
    finishing: list[PrefectFuture] = []
    for job in jobs:
        if job.status is DigitizationStatus.DUPLICATE:
            finishing.append(retrying(finish_duplicate, services).submit(job, json_out))
        else:
            opened = retrying(open_record, services)(job)
            finishing.append(submit_pages(services, opened, json_out))
    return [document for future in finishing for document in future.result()]


def submit_pages(services: Services, opened: FileJob, json_out: str | None) -> PrefectFuture:
    """Submit the OCR of every page of an opened file, and its finishing task.

    A page is tried twice at most: a page that crashed Tesseract twice is the page's fault."""
    finish = retrying(finish_record, services)
    if not opened.claimed:
        return finish.submit(opened, [], json_out)
    recognize = retrying(recognize_file_page, services, tries=2)
    pages = [recognize.submit(opened, i) for i in range(opened.page_count)]
    return finish.submit(opened, [allow_failure(p) for p in pages], json_out)


@flow(name="digitize-file", log_prints=False)
def digitize_file(record_id: str) -> str:
    """Digitize one registered file (the watcher registered it and stored its original).

    Safe to run twice for one record: only one run claims it; a run that finds the record
    taken or finished ends without touching it ("skipped"). Returns the record's status.
    """
    return digitize_records([record_id])[record_id]


@flow(name="digitize-files", log_prints=False)
def digitize_files(record_ids: list[str]) -> dict[str, str]:
    """Digitize several registered files in one run (the watcher groups files that are ready
    at the same moment: one process start for many small scans, pages of all files OCR'd
    side by side). Returns each record's status."""
    return digitize_records(record_ids)


def digitize_records(record_ids: list[str]) -> dict[str, str]:
    """Claim, process and publish registered records; each record's status, or why skipped."""
    services = active_services()
    outcome: dict[str, str] = {}
    futures: list[PrefectFuture] = []
    for record_id in record_ids:
        record = services.repository.require(record_id)
        if record.status is DigitizationStatus.DUPLICATE:
            outcome[record_id] = record.status.value
            continue
        opened = retrying(open_record, services)(
            job_for(record, record.source_path or record.filename))
        if not opened.claimed:
            outcome[record_id] = f"skipped: the record is {opened.status.value}"
            continue
        futures.append(submit_pages(services, opened, None))
    documents: list[DossierDocument] = []
    # Each record's artifact as soon as it is finished, not after the whole group: a run
    # killed later leaves the records it finished with their artifacts.
    for future in as_completed(futures):
        for document in future.result():
            publish_record_artifact(document, services.settings.public_api_url)
            documents.append(document)
    if documents:
        label_run(documents)
    for document in documents:
        outcome[document.record_id] = document.status.value
        if (document.status is DigitizationStatus.NEEDS_REVIEW
                and services.settings.review.open_review_runs):
            open_review_run(services, document.record_id)
    return outcome


def open_review_run(services: Services, record_id: str) -> None:
    """Queue the review-record run an operator answers in the UI; a failure to do so is
    logged, not fatal: the record is stored, and `sohoa review` works without it."""
    from flows.deployments import open_review

    try:
        run_id = open_review(services.settings, services.repository.require(record_id))
    except Exception as error:  # noqa: BLE001 - e.g. no review deployment on this server
        get_run_logger().warning("no review run opened for record %s (%s: %s)", record_id,
                                 type(error).__name__, error)
        return
    get_run_logger().info("review run %s waits for an operator", run_id)


def label_run(documents: list[DossierDocument]) -> None:
    """Add the documents' types and statuses to the run's tags (station and unit were set
    at submission), so that runs can be filtered by them in the UI."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    if not flow_run.id:
        return
    tags = {*flow_run.tags}
    for document in documents:
        tags |= {f"doc-type:{document.doc_type}", f"status:{document.status.value}"}
    with get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, tags=sorted(tags))


@flow(name="digitize-batch", log_prints=False)
def digitize_batch(paths: list[str], station: str | None = None,
                   json_out: str | None = None, dossier: str | None = None) -> dict[str, int]:
    """Digitize many files; returns how many records ended in each status. ``dossier``: the
    dossier code for documents the files give none of their own (contract §6)."""
    names = json_names(paths)
    register = retrying(register_file, active_services())
    jobs: list[FileJob] = []
    for path in paths:
        job = register(path, station)
        if any(job.record_id == earlier.record_id for earlier in jobs):
            # A copy of a file earlier in this batch: that one is being processed here.
            job = register(path, station, resume_received=False)
        jobs.append(job.model_copy(update={"json_name": names[path], "dossier_code": dossier}))
    documents = digitize_jobs(jobs, json_out)
    # Files of one dossier finished side by side: each recomputed it, but the documents
    # written last must be the final ones, so the batch recomputes its dossiers once more.
    finish_dossiers(active_services(), documents, json_out)
    counts = Counter(document.status.value for document in documents)
    get_run_logger().info("batch of %d files: %s", len(paths), dict(counts))
    services = active_services()
    publish_report_artifact(digitization_report(services.repository, "unit", None,
                                                dossiers=services.dossiers))
    return dict(counts)


def with_workers(flow_fn, workers: int):  # noqa: ANN001, ANN201 - a Prefect Flow in, one out
    """The flow with a task runner sized for ``workers`` OCR slots plus bookkeeping threads."""
    return flow_fn.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers + 2))
