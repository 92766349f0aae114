"""The recovery sweep's judgement of a record's runs (flows/deployments.py `rerun_attempt`,
`end_dead_runs`), on the test's Prefect server: a run taken by a worker but not started yet
(Pending) is given several leases, a started one (Running) one lease without a sign of life
from its record; a run whose records are all finished is ended once its worker is dead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prefect import Flow, flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Pending, Running, Scheduled

from config.settings import Settings
from flows.artifacts import record_artifact_key
from flows.deployments import (
    DIGITIZE_FLOW,
    PENDING_LEASES,
    end_dead_runs,
    record_tag,
    rerun_attempt,
)
from office.services import Services
from schemas.record import DossierRecord, utc_now
from schemas.status import DigitizationStatus
from tests.office.review_builders import waiting_record

LEASE = timedelta(seconds=15)


@flow(name="recovery-test")
def nothing() -> None:
    """A flow only for its runs' states: nothing here runs it."""


@flow(name=DIGITIZE_FLOW)
def digitize_stand_in() -> None:
    """Runs under the digitization flow's name, for the sweep that ends dead ones."""


@pytest.fixture
def prefect(prefect_api_url: str) -> Iterator[None]:
    """The test's Prefect server for the client calls (no worker: nothing runs)."""
    with temporary_settings({PREFECT_API_URL: prefect_api_url}):
        yield


def taken_run(record: DossierRecord, state: Pending | Running | Scheduled,
              of: Flow = nothing) -> FlowRun:
    """A flow run (of ``of``) for ``record``, put in ``state`` as a worker would; read back."""
    with get_client(sync_client=True) as client:
        run = client.create_flow_run(of, tags=[record_tag(record.id)])
        client.set_flow_run_state(run.id, state, force=True)
        return client.read_flow_run(run.id)


def leased_services(data_dir: Path) -> Services:
    """Services with the test's short lease, on a SQLite file and local store of the test's
    own: the sweep reads the records of a run it marks Crashed."""
    return Services(Settings(data_dir=data_dir, database_url=None, object_store="local",
                             store_dir=None, processing_lease_minutes=LEASE.total_seconds() / 60))


def state_of(run: FlowRun) -> str:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run.id).state_name


def unfinished_record(status: DigitizationStatus, since: timedelta) -> DossierRecord:
    return DossierRecord(filename="a.png", sha256="0" * 64, station="s", unit="u",
                         status=status, updated_at=utc_now() - since)


def test_a_pending_run_is_left_to_its_slow_worker_for_several_leases(
        prefect: None, tmp_path: Path) -> None:
    """GIVEN a `received` record whose run a worker took (Pending) longer than a lease ago
    but has not started yet (its process slow to start under load) WHEN the sweep looks at
    it THEN the run is left alone and nothing is submitted again; once the run has been
    Pending for more than PENDING_LEASES leases it is taken for dead: Crashed, resubmitted."""
    services = leased_services(tmp_path)
    record = unfinished_record(DigitizationStatus.RECEIVED, since=10 * LEASE)
    run = taken_run(record, Pending())
    taken_at = run.state.timestamp

    assert rerun_attempt(services, record, now=taken_at + 2 * LEASE) is None
    assert rerun_attempt(services, record, now=taken_at + PENDING_LEASES * LEASE
                         - timedelta(seconds=1)) is None
    assert state_of(run) == "Pending"

    # Its second run: the attempt number makes the new run's idempotency key new.
    assert rerun_attempt(services, record, now=taken_at + (PENDING_LEASES + 1) * LEASE) == 1
    assert state_of(run) == "Crashed"


def test_a_started_run_without_a_sign_of_life_for_a_lease_is_recovered(
        prefect: None, tmp_path: Path) -> None:
    """GIVEN a `processing` record untouched for two leases whose run started (Running) two
    leases ago WHEN the sweep looks at it THEN the run is marked Crashed and the record
    submitted again (a killed worker); while the record's lease is renewed it is left."""
    services = leased_services(tmp_path)
    record = unfinished_record(DigitizationStatus.PROCESSING, since=timedelta(0))
    run = taken_run(record, Running())
    started = run.state.timestamp
    now = started + 2 * LEASE

    record.updated_at = now - LEASE + timedelta(seconds=1)  # its run renewed the lease
    assert rerun_attempt(services, record, now=now) is None
    assert state_of(run) == "Running"

    record.updated_at = started  # not since the run started
    assert rerun_attempt(services, record, now=now) == 1
    assert state_of(run) == "Crashed"


def test_a_record_never_submitted_needs_its_first_run_and_a_waiting_one_none(
        prefect: None, tmp_path: Path) -> None:
    """GIVEN a `received` record with no run (Prefect was down when it was taken) THEN it
    needs attempt 0; once a run of it waits for a worker (Scheduled) it needs none."""
    services = leased_services(tmp_path)
    record = unfinished_record(DigitizationStatus.RECEIVED, since=10 * LEASE)

    assert rerun_attempt(services, record) == 0
    taken_run(record, Scheduled())
    assert rerun_attempt(services, record) is None


def test_a_run_whose_worker_died_after_its_last_record_is_ended(
        prefect: None, tmp_path: Path) -> None:
    """GIVEN a digitization run Running for two leases whose one record was written
    `digitized` but never published (its worker killed in between), and another holding a
    record still `processing` WHEN the sweep looks for dead runs THEN the first is marked
    Crashed with the record's artifact on it, the second is left to `rerun_attempt`; a
    moment after the run was taken, nothing is judged dead."""
    services = leased_services(tmp_path)
    done = waiting_record(services, status=DigitizationStatus.DIGITIZED, reasons=[])
    dead = taken_run(done, Running(), of=digitize_stand_in)
    processing, _ = services.repository.register(
        filename="b.png", source_path=None, sha256="1" * 64, size_bytes=1, station="s",
        unit="u", original_key="originals/b")
    services.repository.set_status(processing.id, DigitizationStatus.PROCESSING)
    holding = taken_run(processing, Running(), of=digitize_stand_in)
    started = dead.state.timestamp

    assert end_dead_runs(services, now=started + LEASE / 2) == []
    assert state_of(dead) == "Running"

    assert end_dead_runs(services, now=started + 2 * LEASE) == [dead.id]
    assert state_of(dead) == "Crashed" and state_of(holding) == "Running"
    with get_client(sync_client=True) as client:
        keys = {artifact.key for artifact in client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[dead.id])))}
    assert keys == {record_artifact_key(done.id)}
    assert end_dead_runs(services, now=started + 3 * LEASE) == []  # ended once
