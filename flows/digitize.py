"""The digitization flows: `digitize-file` (one file → a record per document in it) and
`digitize-batch`."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import cv2
from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.artifacts import publish_report_artifact
from flows.publishing import RunOutcome, finish_run, publish_finished
from flows.tasks import (
    call_retrying,
    digitize_file_pages,
    finish_dossiers,
    finish_duplicate,
    finish_record,
    open_record,
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

REVIEW_FAILURES = "review_runs_not_opened"  # a flow result's key: review runs that failed
# How often a run renews the leases of the records it holds, as a share of the lease: three
# renewals fit in one lease, so one missed (a slow database) does not lose the records.
RENEWALS_PER_LEASE = 3
log = logging.getLogger(__name__)


@contextmanager
def keeping_leases(services: Services, record_ids: list[str]) -> Iterator[None]:
    """Renew, while the block runs, the processing lease of every record this run claimed.

    The only renewal of a run's records (pages no longer renew their own): the files of a run
    wait their turn for an OCR slot, and under load a file's pages may not start within the
    lease; the watcher's recovery sweep took such a record of a live run for abandoned,
    marked the run Crashed and submitted the record again (tests/e2e/test_watch.py at load
    17, 15 s lease).
    """
    stop = threading.Event()
    every = max(1.0, min(60.0, services.settings.processing_lease.total_seconds()
                         / RENEWALS_PER_LEASE))

    def renew() -> None:
        while not stop.wait(every):
            try:
                services.repository.renew_leases(list(record_ids))  # a copy: it grows
            except Exception as error:  # noqa: BLE001 - the next renewal tries again
                log.warning("could not renew the leases of %d records: %s",
                            len(record_ids), error)

    thread = threading.Thread(target=renew, name="lease-renewal", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def digitize_jobs(services: Services, jobs: Iterable[FileJob], json_out: str | None,
                  reviews: RunOutcome) -> tuple[list[DossierDocument], list[DossierDocument]]:
    """Run registered files through the pipeline, all their pages sharing the task runner,
    and publish each record's artifact (and review run, kept in ``reviews``) as soon as it
    is finished (a run killed later leaves the records it finished with their artifacts).
    Returns this run's documents, and those of files another run holds, as they stand
    (their artifacts are that run's to publish). ``jobs`` may be registered as they are
    taken: a file's pages are read while the next files are registered.

    Every file is submitted at once (a task run each, ``submit_pages``), so that all cores
    stay busy even when files have a single page; each file is finished as soon as its own
    pages are read.
    """
    finishing: dict[PrefectFuture, bool] = {}  # future → whether this run has the file
    claimed: list[str] = []
    ours: list[DossierDocument] = []
    elsewhere: list[DossierDocument] = []
    stopped: Exception | None = None
    with keeping_leases(services, claimed), opencv_threads() as pages_submitted:
        try:
            for job in jobs:
                finishing.update(submit_job(services, job, json_out, claimed, pages_submitted))
        except Exception as error:  # noqa: BLE001 - raised below, once the files taken are done
            # A file that could not be registered or opened stops the run, but the files
            # already claimed are finished first, not left `processing` until their lease
            # ends (files are registered as they are taken: ``registered``).
            stopped = error
        for future in as_completed(list(finishing)):
            for document in future.result():
                if finishing[future]:
                    publish_finished(services, document, reviews)
                (ours if finishing[future] else elsewhere).append(document)
    if stopped is not None:
        raise stopped
    return ours, elsewhere


def submit_job(services: Services, job: FileJob, json_out: str | None, claimed: list[str],
               pages_submitted: Callable[[int, int], None]) -> dict[PrefectFuture, bool]:
    """Submit a registered file's work: a duplicate's finishing, or its opening (here: the
    record claimed, added to ``claimed``) and pages. The future, and whether this run has
    the file."""
    if job.status is DigitizationStatus.DUPLICATE:
        return {retrying(finish_duplicate, services).submit(job, json_out): True}
    opened = call_retrying(open_record, services, job)
    if opened.claimed:
        claimed.append(opened.record_id)
    pages_submitted(opened.page_count if opened.claimed else 0,
                    services.settings.ocr.worker_count())
    return {submit_pages(services, opened, json_out): opened.claimed}


@contextmanager
def opencv_threads() -> Iterator[Callable[[int, int], None]]:
    """OpenCV on one thread per page once a run has a page for every OCR slot; as it was
    when the run ends. Yields ``submitted(pages, slots)``, told each file's pages.

    Pages are already read side by side, one per core; OpenCV's own threads on top only
    fight the other pages for the cores. Measured in one process on 20 pages read one after
    another: 2.13 → 2.04 CPU s a page; in `sohoa process` on 20 pages (two at a time) its
    worker threads had used 0.24 CPU s a page. A run of fewer pages than slots (one
    single-page scan) keeps OpenCV's threads: a core would idle otherwise.
    """
    previous, total = cv2.getNumThreads(), 0

    def submitted(pages: int, slots: int) -> None:
        nonlocal total
        total += pages
        if total >= slots > 1:
            cv2.setNumThreads(1)

    try:
        yield submitted
    finally:
        cv2.setNumThreads(previous)


def submit_pages(services: Services, opened: FileJob, json_out: str | None) -> PrefectFuture:
    """Submit the reading and finishing of an opened file: one task run a file
    (``digitize_file_pages``: its pages side by side within the OCR slots, each tried twice
    at most), not a run a page and one to finish it; a file another run holds or that
    could not be opened is only finished."""
    if not opened.claimed or opened.error:
        return retrying(finish_record, services).submit(opened, [], json_out)
    return digitize_file_pages.submit(opened, json_out)


def run_jobs(services: Services, jobs: Iterable[FileJob], json_out: str | None
             ) -> tuple[RunOutcome, list[DossierDocument]]:
    """The one way through for every run: digitize, recompute the dossiers, publish (see
    flows/publishing.py). Returns the outcome and the documents of files another run holds."""
    reviews = RunOutcome()
    documents, elsewhere = digitize_jobs(services, jobs, json_out, reviews)
    # Files of one dossier finished side by side: each recomputed it, but the documents
    # written last must be the final ones, so the run recomputes its dossiers once more.
    finish_dossiers(services, documents, json_out)
    return finish_run(services, documents, reviews), elsewhere


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
    side by side). Returns each record's status, and ``review_runs_not_opened`` (record
    ids) when a review run could not be opened."""
    return digitize_records(record_ids)


def digitize_records(record_ids: list[str]) -> dict[str, str]:
    """Claim, process and publish registered records; each record's status, or why skipped."""
    services = active_services()
    outcome: dict[str, str] = {}
    jobs: list[FileJob] = []
    for record_id in record_ids:
        record = services.repository.require(record_id)
        if record.status is DigitizationStatus.DUPLICATE:
            outcome[record_id] = record.status.value
            continue
        jobs.append(job_for(record, record.source_path or record.filename))
    run, elsewhere = run_jobs(services, jobs, None)
    for document in elsewhere:
        outcome[document.record_id] = f"skipped: the record is {document.status.value}"
    for document in run.documents:
        outcome[document.record_id] = document.status.value
    if run.review_failures:
        outcome[REVIEW_FAILURES] = ", ".join(run.review_failures)
    return outcome


@flow(name="digitize-batch", log_prints=False)
def digitize_batch(paths: list[str], station: str | None = None,
                   json_out: str | None = None, dossier: str | None = None) -> dict[str, int]:
    """Digitize many files; returns how many records ended in each status, and how many
    review runs could not be opened (``review_runs_not_opened``) when some could not.
    ``dossier``: the dossier code for documents the files give none of their own (§6)."""
    services = active_services()
    run, elsewhere = run_jobs(services, registered(services, paths, station, dossier),
                              json_out)
    counts = Counter(document.status.value for document in [*run.documents, *elsewhere])
    get_run_logger().info("batch of %d files: %s", len(paths), dict(counts))
    publish_report_artifact(digitization_report(services.repository, "unit", None,
                                                dossiers=services.dossiers))
    if run.review_failures:
        counts[REVIEW_FAILURES] = len(run.review_failures)
    return dict(counts)


def registered(services: Services, paths: list[str], station: str | None,
               dossier: str | None) -> Iterator[FileJob]:
    """Register each file as it is taken (``digitize_jobs``): the first file's pages are
    read while the others are checksummed and stored, not after all of them (measured: 24
    files, 30 pages, 0.7 s with one core idle before the first page started, at load 6).
    ``dossier``: the dossier code for documents the files give none of their own (§6)."""
    names = json_names(paths)
    earlier: set[str] = set()
    for path in paths:
        job = call_retrying(register_file, services, path, station)
        if job.record_id in earlier:
            # A copy of a file earlier in this batch: that one is being processed here.
            job = call_retrying(register_file, services, path, station, resume_received=False)
        earlier.add(job.record_id)
        yield job.model_copy(update={"json_name": names[path], "dossier_code": dossier})


def with_workers(flow_fn, workers: int):  # noqa: ANN001, ANN201 - a Prefect Flow in, one out
    """The flow with a task runner sized for ``workers`` OCR slots plus bookkeeping threads."""
    return flow_fn.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers + 2))
