"""The recovery sweep's judgement of a record's runs (flows/deployments.py `recover_record`),
on the test's Prefect server: a run taken by a worker but not started yet (Pending) is given
several leases, a started one (Running) one lease without a sign of life from its record."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Pending, Running

import flows.deployments
from config.settings import Settings
from flows.deployments import PENDING_LEASES, record_tag, recover_record
from schemas.record import DossierRecord, utc_now
from schemas.status import DigitizationStatus

LEASE = timedelta(seconds=15)


@flow(name="recovery-test")
def nothing() -> None:
    """A flow only for its runs' states: nothing here runs it."""


@pytest.fixture
def submitted(prefect_api_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The ids of records the sweep submits again (recorded, not queued: no worker here)."""
    recorded: list[str] = []

    def submit(_: Settings, records: list[DossierRecord], attempt: int = 0) -> uuid.UUID:
        recorded.extend(record.id for record in records)
        return uuid.uuid4()
    monkeypatch.setattr(flows.deployments, "submit_digitize", submit)
    with temporary_settings({PREFECT_API_URL: prefect_api_url}):
        yield recorded


def taken_run(record: DossierRecord, state: Pending | Running) -> FlowRun:
    """A flow run for ``record``, put in ``state`` as a worker would; read back."""
    with get_client(sync_client=True) as client:
        run = client.create_flow_run(nothing, tags=[record_tag(record.id)])
        client.set_flow_run_state(run.id, state, force=True)
        return client.read_flow_run(run.id)


def state_of(run: FlowRun) -> str:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run.id).state_name


def unfinished_record(status: DigitizationStatus, since: timedelta) -> DossierRecord:
    return DossierRecord(filename="a.png", sha256="0" * 64, station="s", unit="u",
                         status=status, updated_at=utc_now() - since)


def test_a_pending_run_is_left_to_its_slow_worker_for_several_leases(
        submitted: list[str]) -> None:
    """GIVEN a `received` record whose run a worker took (Pending) longer than a lease ago
    but has not started yet (its process slow to start under load) WHEN the sweep looks at
    it THEN the run is left alone and nothing is submitted again; once the run has been
    Pending for more than PENDING_LEASES leases it is taken for dead: Crashed, resubmitted."""
    settings = Settings(processing_lease_minutes=LEASE.total_seconds() / 60)
    record = unfinished_record(DigitizationStatus.RECEIVED, since=10 * LEASE)
    run = taken_run(record, Pending())
    taken_at = run.state.timestamp

    assert recover_record(settings, record, now=taken_at + 2 * LEASE) is None
    assert recover_record(settings, record, now=taken_at + PENDING_LEASES * LEASE
                          - timedelta(seconds=1)) is None
    assert state_of(run) == "Pending" and submitted == []

    assert recover_record(settings, record, now=taken_at + (PENDING_LEASES + 1) * LEASE)
    assert state_of(run) == "Crashed" and submitted == [record.id]


def test_a_started_run_without_a_sign_of_life_for_a_lease_is_recovered(
        submitted: list[str]) -> None:
    """GIVEN a `processing` record untouched for two leases whose run started (Running) two
    leases ago WHEN the sweep looks at it THEN the run is marked Crashed and the record
    submitted again (a killed worker); while the record's lease is renewed it is left."""
    settings = Settings(processing_lease_minutes=LEASE.total_seconds() / 60)
    record = unfinished_record(DigitizationStatus.PROCESSING, since=timedelta(0))
    run = taken_run(record, Running())
    started = run.state.timestamp
    now = started + 2 * LEASE

    record.updated_at = now - LEASE + timedelta(seconds=1)  # its run renewed the lease
    assert recover_record(settings, record, now=now) is None
    assert state_of(run) == "Running" and submitted == []

    record.updated_at = started  # not since the run started
    assert recover_record(settings, record, now=now)
    assert state_of(run) == "Crashed" and submitted == [record.id]
