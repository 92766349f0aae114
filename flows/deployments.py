"""sohoa's Prefect work pool and deployments, and submitting runs to them.

The watcher registers a scan and submits a `digitize-file` run; any worker polling the work
pool (`sohoa worker`, on this machine or another) takes it. Prefect is the queue: nothing
here keeps work of its own.

Deployments point at module paths (``flows.digitize.digitize_file``), not files, so a worker
needs sohoa installed and nothing else: no code is pulled at run time.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from config.settings import Settings
from schemas.record import DossierRecord, utc_now
from schemas.status import DigitizationStatus

if TYPE_CHECKING:  # Prefect is imported where it is used: `sohoa` commands start faster
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

    from office.services import Services

DIGITIZE_FLOW = "digitize-file"
DIGITIZE_MANY_FLOW = "digitize-files"
REVIEW_FLOW = "review-record"
DIGITIZE_ENTRYPOINT = "flows.digitize.digitize_file"
DIGITIZE_MANY_ENTRYPOINT = "flows.digitize.digitize_files"
REVIEW_ENTRYPOINT = "flows.review.review_record"
WORK_POOL_TYPE = "process"
PENDING_LEASES = 4  # a run taken but not started yet is judged dead after this many leases


def ensure_work_pool(settings: Settings) -> None:
    """Create the work pool if it is missing; apply the pool-wide concurrency limit."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate, WorkPoolUpdate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.workers.process import ProcessWorker

    name = settings.worker.work_pool
    limit = settings.worker.pool_concurrency_limit
    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            with contextlib.suppress(ObjectAlreadyExists):  # another worker was quicker
                client.create_work_pool(WorkPoolCreate(
                    name=name, type=WORK_POOL_TYPE, concurrency_limit=limit,
                    base_job_template=ProcessWorker.get_default_base_job_template(),
                    description="sohoa: digitization of scanned dossiers"))
            return
        if pool.concurrency_limit != limit:
            client.update_work_pool(name, WorkPoolUpdate(concurrency_limit=limit))


def apply_deployments(settings: Settings) -> list[UUID]:
    """Create or update sohoa's deployments on the work pool; returns their ids.

    `digitize-file` takes what the watcher submits; `review-record` is started by an operator
    (from the UI's deployment page) and suspends while it waits for the answer, so a review
    left open for days holds no worker slot.
    """
    from flows.digitize import digitize_file, digitize_files
    from flows.review import review_record

    ensure_work_pool(settings)
    return [apply_deployment(settings, flow, entrypoint, description)
            for flow, entrypoint, description in (
                (digitize_file, DIGITIZE_ENTRYPOINT,
                 "Digitize one registered scan: OCR, extract, store, record."),
                (digitize_files, DIGITIZE_MANY_ENTRYPOINT,
                 "Digitize several registered scans that arrived together."),
                (review_record, REVIEW_ENTRYPOINT, REVIEW_DESCRIPTION))]


REVIEW_DESCRIPTION = "Review a record: confirm or correct its fields; it becomes verified."


def apply_deployment(settings: Settings, flow, entrypoint: str,  # noqa: ANN001 - a Flow
                     description: str) -> UUID:
    """Create or update one of sohoa's deployments on the work pool; returns its id."""
    from prefect.deployments.runner import RunnerDeployment

    deployment = RunnerDeployment.from_flow(
        flow, name=settings.worker.deployment, work_pool_name=settings.worker.work_pool,
        description=description, tags=["sohoa"])
    deployment.entrypoint = entrypoint  # a module path: workers need sohoa installed only
    return deployment.apply()


def ensure_review_deployment(settings: Settings) -> None:
    """Make sure `review-record` is deployed on the configured pool, so that a run that was
    not started by a worker (`sohoa process`) can queue review runs too: they wait there,
    with their form, until a `sohoa worker` takes them."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    from flows.review import review_record

    with get_client(sync_client=True) as client:
        try:
            deployed = client.read_deployment_by_name(
                f"{REVIEW_FLOW}/{settings.worker.deployment}")
        except ObjectNotFound:
            deployed = None
    if deployed is None or deployed.work_pool_name != settings.worker.work_pool:
        ensure_work_pool(settings)
        apply_deployment(settings, review_record, REVIEW_ENTRYPOINT, REVIEW_DESCRIPTION)


def record_tag(record_id: str) -> str:
    """The tag that finds every run made for a record."""
    return f"record:{record_id}"


def dossier_tag(code: str) -> str:
    """The tag that finds every run that touched a dossier (issue 16)."""
    return f"dossier:{code}"


def run_name(record: DossierRecord) -> str:
    return f"{record.station}/{record.filename}"


def submit_digitize(settings: Settings, records: list[DossierRecord],
                    attempt: int = 0) -> UUID:
    """Submit one run for ``records`` (one station's files ready at the same moment): a
    `digitize-file` run for one record, a `digitize-files` run for several. Returns its id.

    Idempotent per attempt: submitting the same records again returns the run already made,
    so a watcher that restarts between submitting and moving a file does not queue it twice.
    """
    from prefect.deployments import run_deployment

    first = records[0]
    ids = [record.id for record in records]
    if len(records) == 1:
        name, parameters, key = DIGITIZE_FLOW, {"record_id": first.id}, first.id
        title = run_name(first)
    else:
        name, parameters = DIGITIZE_MANY_FLOW, {"record_ids": ids}
        key = hashlib.sha256(" ".join(sorted(ids)).encode()).hexdigest()[:32]
        title = f"{run_name(first)} +{len(records) - 1} more"
    tags = {f"station:{r.station}" for r in records} | {f"unit:{r.unit}" for r in records}
    run = run_deployment(
        f"{name}/{settings.worker.deployment}",
        parameters=parameters,
        flow_run_name=title,
        tags=sorted(tags) + [record_tag(record_id) for record_id in ids],
        idempotency_key=f"digitize:{key}:{attempt}",
        timeout=0,
        as_subflow=False,
    )
    return run.id


def rerun_attempt(services: Services, record: DossierRecord,
                  now: datetime | None = None) -> int | None:
    """The attempt number of the new run an unfinished record needs (the idempotency key of
    `submit_digitize`), or None while a run of it is alive; the watcher submits it.

    Alive means waiting for a worker (Scheduled), started by one (Running) within the
    processing lease, or taken by one (Pending) within `PENDING_LEASES` leases: a record
    that stays `received` or `processing` without a sign of life that long lost its worker
    (killed, machine down). Such runs are marked Crashed, so that the UI shows what
    happened, and a new run is submitted. A Pending run has not started its flow process
    yet: under load (2 cores, load 7-9, 15 s lease in tests/e2e/test_watch.py) a worker
    took longer than one lease to start it, and the sweep crashed live runs and submitted
    their records again, so the work was done twice. What a crashed run had finished but
    not published is published on it (publishing.finish_dead_run).
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
    from prefect.client.schemas.objects import StateType

    now = now or utc_now()
    lease = services.settings.processing_lease
    alive = record.updated_at >= now - lease
    if record.status is DigitizationStatus.PROCESSING and alive:
        return None  # its run renewed the lease recently
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            tags=FlowRunFilterTags(all_=[record_tag(record.id)])))
        if any(run.state_type is StateType.SCHEDULED for run in runs):
            return None
        taken = [run for run in runs if run.state_type in (StateType.PENDING, StateType.RUNNING)]
        if taken:
            if alive or not all(run_is_stale(run, now, lease) for run in taken):
                return None
            for run in taken:
                crash_dead_run(client, services, run,
                               f"no sign of life for {lease}; the record is taken up again")
    return len(runs)


def end_dead_runs(services: Services, now: datetime | None = None) -> list[UUID]:
    """Mark Crashed the digitization runs whose worker died after the last of their records
    was finished (the sweep of unfinished records never meets them): taken longer ago than
    `run_is_stale` allows, every record final and untouched for a lease. What they left
    unpublished is published on them (publishing.finish_dead_run). Returns their ids.

    Without this such a run stays Running in the UI for good: killed between its last
    record's status and its artifact, or while it published its dossiers and review runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    now = now or utc_now()
    lease = services.settings.processing_lease
    ended: list[UUID] = []
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[DIGITIZE_FLOW, DIGITIZE_MANY_FLOW])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                any_=[StateType.PENDING, StateType.RUNNING]))))
        for run in runs:
            record_ids = records_of_run(run)
            if not record_ids or not run_is_stale(run, now, lease):
                continue
            records = [services.repository.get(record_id) for record_id in record_ids]
            if any(record is None or not record.status.is_final
                   or record.updated_at >= now - lease for record in records):
                continue  # unfinished ones are rerun_attempt's; a fresh one may be publishing
            crash_dead_run(client, services, run,
                           f"its records were finished, but no sign of life for {lease}")
            ended.append(run.id)
    return ended


def crash_dead_run(client: SyncPrefectClient, services: Services, run: FlowRun,
                   why: str) -> None:
    """Mark a run whose worker died Crashed (``why`` its message, shown in the UI), then
    publish on it what it finished but had not published (publishing.finish_dead_run)."""
    from prefect.states import Crashed

    from flows.publishing import finish_dead_run

    client.set_flow_run_state(run.id, Crashed(message=why), force=True)
    finish_dead_run(services, run.id, records_of_run(run))


def records_of_run(run: FlowRun) -> list[str]:
    """The ids of the records a digitization run was submitted for (its ``record:`` tags)."""
    prefix = record_tag("")
    return [tag.removeprefix(prefix) for tag in run.tags if tag.startswith(prefix)]


def run_is_stale(run: FlowRun, now: datetime, lease: timedelta) -> bool:
    """Whether a taken run (Pending or Running) has been in its state too long to be alive:
    one lease for a Running run, `PENDING_LEASES` leases for a Pending one, whose worker
    may merely be slow to start its process."""
    from prefect.client.schemas.objects import StateType

    if run.state is None:
        return False
    allowed = lease * (PENDING_LEASES if run.state_type is StateType.PENDING else 1)
    return run.state.timestamp < now - allowed


def open_review(settings: Settings, record: DossierRecord) -> UUID:
    """Submit the `review-record` run that waits for an operator's answer on ``record``
    (once per record: the idempotency key is the record's id)."""
    from prefect.deployments import run_deployment

    run = run_deployment(
        f"{REVIEW_FLOW}/{settings.worker.deployment}",
        parameters={"record_id": record.id},
        flow_run_name=f"review {run_name(record)}",
        tags=[f"station:{record.station}", f"unit:{record.unit}", record_tag(record.id),
              *([dossier_tag(record.dossier_code)] if record.dossier_code else [])],
        idempotency_key=f"review:{record.id}",
        timeout=0,
        as_subflow=False,
    )
    return run.id


def close_waiting_reviews(record_id: str, reviewer: str, where: str = "with `sohoa review`",
                          except_run: UUID | None = None, why: str | None = None) -> list[UUID]:
    """Cancel the `review-record` runs still waiting on a record that a person verified
    elsewhere (at the terminal, on the review page): the UI must not go on offering a form
    for a finished record. ``except_run``: the review run that verified it; ``why``: the
    cancelled runs' message, when it was not verified but had its doubt answered by another
    record's review. Returns the ids of the runs cancelled."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        FlowRunFilterTags,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Cancelled

    waiting = [StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING, StateType.PAUSED]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[REVIEW_FLOW])),
            flow_run_filter=FlowRunFilter(
                tags=FlowRunFilterTags(all_=[record_tag(record_id)]),
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=waiting))))
        runs = [run for run in runs if run.id != except_run]
        for run in runs:
            client.set_flow_run_state(run.id, Cancelled(
                message=why or f"record {record_id} was verified by {reviewer} {where}"),
                force=True)
    return [run.id for run in runs]


def worker_name() -> str:
    """Unique per process and telling which machine it is on (shown in the UI)."""
    import os

    return f"sohoa-{socket.gethostname()}-{os.getpid()}"
