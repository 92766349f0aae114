"""What every digitization run leaves in Prefect, whichever way it came in (`sohoa process`,
the watcher's runs, a deployment), and what a review changes there afterwards.

A run publishes one artifact per record as each is finished, then: its tags (``doc-type:``,
``status:``, ``dossier:``; with several files a table artifact tells which file is in which
status), one artifact per dossier it touched, and a `review-record` run per record that needs
review (``review.open_review_runs``). A review run that cannot be opened is an error in the
run's log, a ``review-run:not-opened`` tag on the run, and a count in its result: the record
is stored and can be reviewed on the review page or with `sohoa review`.

After a review (:func:`follow_review`: the Prefect form, the review page, `sohoa review`) the
record's artifact is published again on the run that made it, that run's ``status:`` tags are
recomputed from its records, the record's dossier artifact and the digitization report are
published again, and review runs still waiting on the record are closed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from flows.artifacts import (
    RECORD_KEY_PREFIX,
    escape_cell,
    publish_dossier_artifact,
    publish_markdown,
    publish_record_artifact,
    publish_report_artifact,
    record_artifact_key,
    review_link,
)
from office.report import digitization_report
from office.services import Services
from office.verification import ReviewError, ReviewOutcome, stored_document
from schemas.document import DossierDocument
from schemas.status import DigitizationStatus

REVIEW_NOT_OPENED_TAG = "review-run:not-opened"
NO_SERVER = "no Prefect server"  # RunOutcome.review_deployment of a run on the ephemeral API
TAG_PREFIXES = ("status:",)  # the tags a review can change
log = logging.getLogger("sohoa.publishing")  # shown by the watcher and worker (cli.log_to_console)


@dataclass
class RunOutcome:
    """What a run's records became, and the review runs opened for them (or why not)."""

    documents: list[DossierDocument] = field(default_factory=list)
    review_runs: dict[str, UUID] = field(default_factory=dict)
    review_failures: dict[str, str] = field(default_factory=dict)
    # Whether the review deployment was looked for: None not yet, "" found or made, else
    # why it could not be (asked once a run, however many of its records need review).
    review_deployment: str | None = None


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """The flow run's logger inside a run, this module's outside one."""
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:
        return log


# -- at the end of a digitization run ----------------------------------------------------------


def publish_document(services: Services, document: DossierDocument) -> None:
    """The record's artifact, as soon as it is finished: a run killed later leaves the
    records it finished with their artifacts."""
    publish_record_artifact(document, services.settings.public_api_url,
                            services.doctype(document.doc_type))


def publish_finished(services: Services, document: DossierDocument,
                     outcome: RunOutcome) -> None:
    """A record just finished: its artifact, and its review run when it needs review (kept
    in ``outcome``), while the run's other files are still being read.

    Opened at the end of the run, the review runs kept a core idle: measured on a 30-page
    warm `sohoa process` run (12 records needing review), 1.5 s after the last page was
    read, a run_deployment call of ~0.13 s each, one after another."""
    publish_document(services, document)
    open_review_runs(services, outcome, [document])


def finish_run(services: Services, documents: list[DossierDocument],
               outcome: RunOutcome | None = None) -> RunOutcome:
    """Tags, dossier artifacts, the run's table (several files) and review runs (those
    ``publish_finished`` has not opened yet)."""
    outcome = outcome or RunOutcome()
    outcome.documents = documents
    if not documents:
        return outcome
    publish_dossiers(services, {d.dossier_code for d in documents if d.dossier_code})
    if len(documents) > 1:
        publish_run_table(services, documents)
    open_review_runs(services, outcome)
    extra = {REVIEW_NOT_OPENED_TAG} if outcome.review_failures else set()
    label_run(run_tags(documents) | extra)
    return outcome


def run_tags(documents: Iterable[DossierDocument]) -> set[str]:
    """The tags a run's records give it (station and unit were set at submission)."""
    tags: set[str] = set()
    for document in documents:
        tags |= {f"doc-type:{document.doc_type}", f"status:{document.status.value}"}
        if document.dossier_code:
            tags.add(f"dossier:{document.dossier_code}")
    return tags


def label_run(tags: set[str]) -> None:
    """Add ``tags`` to the current run's, so that runs can be filtered by them in the UI."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    if not flow_run.id:
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, tags=sorted({*flow_run.tags, *tags}))


def publish_run_table(services: Services, documents: list[DossierDocument]) -> UUID:
    """A table of the run's records, file by file: the run's ``status:`` tags say which
    statuses occur, this says which file is in which."""
    api = services.settings.public_api_url
    lines = ["| file | status | type | record |", "|---|---|---|---|"]
    for document in sorted(documents, key=lambda d: (d.source.filename, d.source.part)):
        source = document.source
        name = source.filename + (f" ({source.part}/{source.parts})" if source.parts > 1 else "")
        link = review_link(api, document.record_id)
        record = f"[{document.record_id[:8]}]({link})" if link else f"`{document.record_id}`"
        lines.append(f"| {escape_cell(name)} | `{document.status.value}` | "
                     f"{document.doc_type} | {record} |")
    counts: dict[str, int] = {}
    for document in documents:
        counts[document.status.value] = counts.get(document.status.value, 0) + 1
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    return publish_markdown("run-records", "\n".join(lines), f"{len(documents)} records: "
                            f"{summary}")


def publish_dossiers(services: Services, codes: set[str],
                     flow_run_id: UUID | None = None) -> None:
    """Each dossier's artifact, as its records now stand (after ``assemble``)."""
    from office.dossiers import stored_dossier

    for code in sorted(codes):
        dossier = stored_dossier(services, code)
        if dossier is not None:
            publish_dossier_artifact(dossier, services.dossiers.records_of(code),
                                     services.settings.public_api_url, flow_run_id)


# -- review runs -------------------------------------------------------------------------------


def has_server() -> bool:
    """Whether runs go to a Prefect server that outlives this process (not the ephemeral
    API, whose runs vanish with it: a review run there could never be answered)."""
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


def open_review_runs(services: Services, outcome: RunOutcome,
                     documents: list[DossierDocument] | None = None) -> None:
    """A `review-record` run per record needing review among ``documents`` (the outcome's
    by default) that has none yet in ``outcome``; failures go into ``outcome``."""
    handled = outcome.review_runs.keys() | outcome.review_failures.keys()
    waiting = [d.record_id for d in (outcome.documents if documents is None else documents)
               if d.status is DigitizationStatus.NEEDS_REVIEW and d.record_id not in handled]
    if not waiting or not services.settings.review.open_review_runs:
        return
    logger = run_logger()
    if not has_server():
        if outcome.review_deployment is None:  # said once a run, not once a record
            logger.warning("no Prefect server: no review runs opened for the records needing "
                           "review; review them on the review page or with `sohoa review`")
        outcome.review_deployment = NO_SERVER
        return
    problem = review_deployment_problem(services, outcome)
    for record_id in waiting:
        why = problem or open_review_run(services, outcome, record_id)
        if why:
            outcome.review_failures[record_id] = why
            logger.error("record %s: no review run opened (%s); review it on the review page "
                         "or with `sohoa review %s`", record_id, why, record_id)
        else:
            logger.info("record %s: review run %s waits for an operator", record_id,
                        outcome.review_runs[record_id])


def open_review_run(services: Services, outcome: RunOutcome, record_id: str) -> str:
    """The record's review run, kept in ``outcome``; "" when opened, else why not."""
    from flows.deployments import open_review

    try:
        outcome.review_runs[record_id] = open_review(services.settings,
                                                     services.repository.require(record_id))
    except Exception as error:  # noqa: BLE001 - e.g. the server refused the run
        return describe(error)
    return ""


def review_deployment_problem(services: Services, outcome: RunOutcome) -> str:
    """Why review runs cannot be opened ("" when they can): the deployment is looked for
    (and made) at the run's first record needing review, not again for each."""
    from flows.deployments import ensure_review_deployment

    if outcome.review_deployment is None:
        try:
            ensure_review_deployment(services.settings)
            outcome.review_deployment = ""
        except Exception as error:  # noqa: BLE001 - any API failure: every record says why
            outcome.review_deployment = describe(error)
    return outcome.review_deployment


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


# -- after a review ----------------------------------------------------------------------------


@dataclass
class FollowUp:
    """What :func:`follow_review` did in Prefect, one line each, or why it did nothing."""

    done: list[str] = field(default_factory=list)
    problem: str | None = None


def follow_review(services: Services, outcome: ReviewOutcome, where: str,
                  review_run: UUID | None = None) -> FollowUp:
    """Bring Prefect's views in line with a review: see the module's doc. ``where``: how it
    was given («on the review page»); ``review_run``: the review-record run that gave it.

    Never raises: the review is applied whatever happens here."""
    from flows.local_server import running_prefect_api

    record = outcome.record
    if review_run is None and running_prefect_api(services.settings) is None:
        return FollowUp(problem=f"no Prefect server: record {record.id}'s artifact, its "
                                "run's tags and the report in Prefect were not updated")
    try:
        return FollowUp(done=republish(services, outcome, where, review_run))
    except Exception as error:  # noqa: BLE001 - any failure of the API: the review stands
        return FollowUp(problem=f"Prefect's views of record {record.id} could not be "
                                f"updated ({describe(error)})")


def republish(services: Services, outcome: ReviewOutcome, where: str,
              review_run: UUID | None) -> list[str]:
    """Artifact, run tags, dossier, report, waiting review runs; what was done."""
    from flows.deployments import close_waiting_reviews

    record = outcome.record
    run_id = record_run(record.id)
    definition = services.doctype(outcome.document.doc_type)
    publish_record_artifact(outcome.document, services.settings.public_api_url, definition,
                            run_id)
    done = [f"record {record.id}'s artifact published again"]
    if run_id is not None:
        relabel_run(services, run_id)
        done.append(f"status tags of flow run {run_id} updated")
    if record.dossier_code:
        publish_dossiers(services, {record.dossier_code}, run_id)
    publish_report_artifact(digitization_report(services.repository, "unit", None,
                                                dossiers=services.dossiers))
    done.append("digitization report published again")
    reviewer = outcome.entries[0].reviewer
    closed = close_waiting_reviews(record.id, reviewer, where, review_run)
    done += [f"the review waiting in the Prefect UI was closed (flow run {run})"
             for run in closed]
    for answered in outcome.answered:  # digitized: their dossier code was their only doubt
        document = stored_document(services, services.repository.require(answered))
        publish_record_artifact(document, services.settings.public_api_url,
                                services.doctype(document.doc_type), record_run(answered))
        done.append(f"record {answered}'s artifact published again (digitized: its doubt was "
                    f"the receipt's code)")
        why = (f"record {answered}'s only doubt, its dossier code, was answered by {reviewer}'s "
               f"review of receipt {record.id} {where}")
        done += [f"the review waiting for record {answered} was closed (flow run {run})"
                 for run in close_waiting_reviews(answered, reviewer, where, why=why)]
    return done


def record_run(record_id: str) -> UUID | None:
    """The flow run that published the record's artifact last (the one that made it)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(
                any_=[record_artifact_key(record_id)])),
            sort=ArtifactSort.CREATED_DESC, limit=1)
    return artifacts[0].flow_run_id if artifacts else None


def finish_dead_run(services: Services, run_id: UUID, record_ids: Iterable[str]) -> list[str]:
    """What a run killed between finishing a record and publishing it left undone, done
    on its behalf once the sweep has marked it Crashed: the artifacts of its finished
    records that have none anywhere (on ``run_id``, the run that made them), their review
    runs, dossier artifacts and the run's ``status:`` tags. Its unfinished records are
    submitted again by the sweep; a record another run published is left to it. Returns
    the ids of the records published here.

    A worker killed mid-batch (tests/e2e/test_watch.py) had written one record `digitized`
    and died before its artifact: the record was final, no run ever published it, and the
    run showed nothing of the work it did."""
    documents: list[DossierDocument] = []
    for record_id in record_ids:
        record = services.repository.get(record_id)
        if record is None:
            continue
        for each in [record, *services.repository.parts_of(record.id)]:
            if not each.status.is_final or record_run(each.id) is not None:
                continue
            try:
                documents.append(stored_document(services, each))
            except ReviewError as error:
                log.warning("crashed run %s: %s", run_id, error.message)
    for document in documents:
        publish_record_artifact(document, services.settings.public_api_url,
                                services.doctype(document.doc_type), run_id)
        log.info("record %s (%s, %s) was finished by flow run %s before it died: its artifact "
                 "is published on that run", document.record_id, document.source.filename,
                 document.status.value, run_id)
    if documents:
        publish_dossiers(services, {d.dossier_code for d in documents if d.dossier_code}, run_id)
        open_review_runs(services, RunOutcome(documents=documents))
        relabel_run(services, run_id)
    return [document.record_id for document in documents]


def relabel_run(services: Services, run_id: UUID) -> None:
    """Recompute a run's ``status:`` tags from its records as they stand now."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
        record_ids = {a.key.removeprefix(RECORD_KEY_PREFIX) for a in artifacts
                      if a.key and a.key.startswith(RECORD_KEY_PREFIX)}
        statuses = {f"status:{record.status.value}" for record_id in record_ids
                    if (record := services.repository.get(record_id)) is not None}
        kept = [tag for tag in client.read_flow_run(run_id).tags
                if not tag.startswith(TAG_PREFIXES)]
        client.update_flow_run(run_id, tags=sorted({*kept, *statuses}))
