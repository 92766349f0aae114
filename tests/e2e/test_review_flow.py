"""The `review-record` flow on a real Prefect server: it pauses with a form prefilled from the
record, the Prefect API refuses answers the form does not allow, an answer with a bad value is
asked again, and a good answer verifies the record, rewrites its JSON and writes the audit
trail. Resumed from this process through the API, as the UI does.

Run from a deployment (served by a runner process, as a worker would run it), the flow is
suspended instead and starts again from the top on each resume: the same answers must lead to
the same outcome."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.exceptions import PrefectHTTPStatusError
from prefect.flow_runs import resume_flow_run
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, temporary_settings

import flows.review
import office.services
from flows.deployments import open_review
from flows.review import review_record
from office.services import Services
from schemas.status import DigitizationStatus as Status
from storage.reviews import ReviewRepository
from tests.e2e.helpers import validate_document
from tests.office.review_builders import RECEIPT_REASONS, make_services, stored_json, waiting_record
from tests.prefect_server import prefect_environment

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
WAIT_SECONDS = 240  # flow start-up and pauses on a shared, busy machine


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             prefect_api_url: str) -> Iterator[Services]:
    """The flow's services on a temporary SQLite and local store; Prefect on the test server
    (the environment too, for threads that start without this one's settings context)."""
    built = make_services(tmp_path / "data")
    monkeypatch.setattr(office.services, "_active", built)
    monkeypatch.setattr(flows.review, "POLL_SECONDS", 1)
    monkeypatch.setenv("PREFECT_API_URL", prefect_api_url)
    with temporary_settings({PREFECT_API_URL: prefect_api_url}):
        yield built
        # Send this process's queued flow-run logs while the server still runs, not at exit.
        APILogWorker.drain_all(timeout=30)


class FlowInThread:
    """`review_record` run in the background, as a process waiting for a person would."""

    def __init__(self, record_id: str, api_url: str) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(record_id, api_url),
                                         daemon=True)
        self._thread.start()

    def _run(self, record_id: str, api_url: str) -> None:
        try:
            with temporary_settings({PREFECT_API_URL: api_url}):
                self.result = review_record(record_id, timeout_seconds=900)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error

    def alive(self) -> bool:
        return self._thread.is_alive()

    def join(self) -> Any:
        self._thread.join(timeout=WAIT_SECONDS)
        assert not self._thread.is_alive(), "the review flow did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def paused_run(record_id: str, flow: FlowInThread | None, key: str) -> FlowRun:
    """Wait until the record's review run is paused for the answer ``key``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if flow is not None and not flow.alive():
            flow.join()  # raises what stopped it
            raise AssertionError("the review flow ended without pausing")
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["review-record"])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.PAUSED]))))
        for run in runs:
            details = run.state.state_details if run.state else None
            if run.parameters.get("record_id") == record_id and details \
                    and details.pause_key == key:
                return run
        time.sleep(1)
    raise AssertionError(f"no paused review-record run for {record_id} ({key})")


def form_of(run_id: UUID, key: str, state: str = "paused") -> tuple[dict, str]:
    """The schema and description the paused (or suspended) run saved for the UI's form.

    Prefect sets the run Paused first and saves the form just after (prefect/flow_runs.py
    pause_flow_run), so a run seen paused may not have its form yet: CI once read it in that
    gap (404 «Flow run input not found»). Waited for, as the UI's next refresh does."""
    deadline = time.monotonic() + WAIT_SECONDS
    with get_client(sync_client=True) as client:
        while True:
            try:
                schema = client.read_flow_run_input(run_id, f"{state}-{key}-schema")
                description = client.read_flow_run_input(run_id, f"{state}-{key}-description")
                return json.loads(schema), json.loads(description)
            except PrefectHTTPStatusError as error:
                if error.response.status_code != 404 or time.monotonic() > deadline:
                    raise
            time.sleep(0.2)


def as_sent(schema: dict, **answers: Any) -> dict[str, Any]:
    """An answer as the UI sends it: every prefilled value, with the person's changes."""
    prefilled = {key: prop["default"] for key, prop in schema["properties"].items()
                 if "default" in prop}
    return {**prefilled, **answers}


def test_a_paused_review_is_resumed_with_corrections(services: Services,
                                                     prefect_api_url: str) -> None:
    """GIVEN a record in needs_review and its review flow paused for input WHEN answers are
    sent through the Prefect API THEN a malformed one is refused by the server, one with a
    bad value is asked again with the reason, and a good one verifies the record with the
    corrected fields, rewrites the JSON and writes the audit trail (who, when, old → new)."""
    record = waiting_record(services)
    started = datetime.now(UTC)
    flow = FlowInThread(record.id, prefect_api_url)

    run = paused_run(record.id, flow, "review-1")
    schema, description = form_of(run.id, "review-1")
    assert schema["properties"]["applicant_name"]["default"] == "Nguyễn Văn Bỉnh"
    assert schema["properties"]["phone"]["default"] == "091234"
    assert schema["required"] == ["reviewer", "dossier_code", "applicant_name",
                                  "request_content", "received_at"]
    assert RECEIPT_REASONS[0] in description
    assert RECEIPT_REASONS[0] in schema["properties"]["reviewer"]["description"]

    for malformed in (as_sent(schema, phone="0912345678"),  # no reviewer
                      as_sent(schema, reviewer="Lan", document_count="nhiều"),  # no number
                      as_sent(schema, reviewer="Lan", colour="blue"),  # no field of the form
                      {"reviewer": "Lan", "phone": "0912345678"}):  # required fields left out
        with pytest.raises(RuntimeError, match="Cannot resume"):
            resume_flow_run(run.id, run_input=malformed)

    resume_flow_run(run.id, run_input=as_sent(schema, reviewer="Lan", phone="12345"))
    run = paused_run(record.id, flow, "review-2")
    _, description = form_of(run.id, "review-2")
    assert "not applied" in description and "field phone" in description
    assert services.repository.require(record.id).status is Status.NEEDS_REVIEW

    resume_flow_run(run.id, run_input=as_sent(
        schema, reviewer="Trần Thị Lan", phone="+84 912 345 678",
        applicant_name="nguyễn văn bình", note="so với bản giấy"))
    assert flow.join() == "verified"

    verified = services.repository.require(record.id)
    assert verified.status is Status.VERIFIED and verified.review_reasons == []
    assert verified.fields["phone"]["value"] == "0912345678"
    assert verified.fields["applicant_name"] == {
        "value": "Nguyễn Văn Bình", "confidence": 1.0, "page": 1,
        "bbox": [773, 487, 1089, 520], "valid": True}
    document = stored_json(services, verified)
    validate_document(document)
    assert document["status"] == "verified" and document["review_reasons"] == []
    assert document["fields"]["phone"]["value"] == "0912345678"
    assert document["fields"]["applicant_name"]["value"] == "Nguyễn Văn Bình"

    entries = ReviewRepository(services.repository.engine).entries_for(record.id)
    assert [(e.target, e.old_value, e.new_value) for e in entries] == [
        ("status", "needs_review", "verified"),
        ("fields.applicant_name", "Nguyễn Văn Bỉnh", "Nguyễn Văn Bình"),
        ("fields.phone", "091234", "0912345678"),
        ("review_reasons", RECEIPT_REASONS, []),
    ]
    assert {(e.reviewer, e.note, e.flow_run_id) for e in entries} == {
        ("Trần Thị Lan", "so với bản giấy", str(run.id))}
    assert started <= entries[0].reviewed_at <= datetime.now(UTC)

    with get_client(sync_client=True) as client:
        final = client.read_flow_run(run.id)
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[f"review-{record.id}"])))
    assert final.state is not None and final.state.is_completed()
    assert artifacts and "Trần Thị Lan" in str(artifacts[0].data)
    with get_client(sync_client=True) as client:  # the record's own artifact followed
        record_artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[f"record-{record.id}"])))
    assert any("`verified`" in str(artifact.data) for artifact in record_artifacts)

    # Idempotent: a second run for a verified record ends at once and changes nothing.
    assert review_record(record.id) == "verified"
    assert len(ReviewRepository(services.repository.engine).entries_for(record.id)) == 4


# -- from a deployment: suspended, started again on resume ------------------------------------

DEPLOYMENT = "review-e2e"


@pytest.fixture
def served_review(services: Services, tmp_path: Path, prefect_api_url: str) -> Iterator[None]:
    """A runner process serving `review-record` as a deployment, on the test's stores."""
    inherited = {k: v for k, v in prefect_environment(tmp_path / "runner").items()
                 if not k.startswith("SOHOA_")}
    env = {**inherited, "PREFECT_API_URL": prefect_api_url,
           "SOHOA_DATA_DIR": str(services.settings.data_dir),
           "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    code = f"from flows.review import review_record; review_record.serve(name={DEPLOYMENT!r})"
    log = (tmp_path / "runner.log").open("w")
    runner = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log,
                              stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        wait_for_deployment(runner, tmp_path / "runner.log")
        yield
    finally:
        runner.terminate()
        try:
            runner.wait(timeout=30)
        except subprocess.TimeoutExpired:
            runner.kill()
        log.close()


def wait_for_deployment(runner: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert runner.poll() is None, f"runner exited:\n{log.read_text()[-3000:]}"
        with get_client(sync_client=True) as client:
            try:
                client.read_deployment_by_name(f"review-record/{DEPLOYMENT}")
                return
            except Exception:  # noqa: BLE001 - not registered yet
                time.sleep(1)
    raise AssertionError(f"deployment never registered:\n{log.read_text()[-3000:]}")


def run_state(run_id: UUID) -> Any:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id).state


def test_a_deployment_run_is_suspended_and_verifies_on_resume(
        services: Services, served_review: None) -> None:
    """GIVEN `review-record` served as a deployment WHEN its run is resumed with a bad answer,
    then a good one THEN each resume starts the run over, the bad answer is asked again, and
    the good one verifies the record once."""
    record = waiting_record(services)
    run = run_deployment(f"review-record/{DEPLOYMENT}", parameters={"record_id": record.id},
                         timeout=0)

    suspended = paused_run(record.id, None, "review-1")
    assert suspended.id == run.id and run_state(run.id).name == "Suspended"
    schema, _ = form_of(run.id, "review-1", state="suspended")
    assert schema["properties"]["phone"]["default"] == "091234"
    resume_flow_run(run.id, run_input=as_sent(schema, reviewer="Lan", phone="12345"))
    paused_run(record.id, None, "review-2")
    _, description = form_of(run.id, "review-2", state="suspended")
    assert "field phone" in description
    resume_flow_run(run.id, run_input=as_sent(schema, reviewer="Lan", phone="0912 345 678"))

    deadline = time.monotonic() + WAIT_SECONDS
    while not (state := run_state(run.id)).is_final() and time.monotonic() < deadline:
        time.sleep(1)
    assert state.is_completed(), state
    verified = services.repository.require(record.id)
    assert verified.status is Status.VERIFIED
    assert verified.fields["phone"]["value"] == "0912345678"
    assert stored_json(services, verified)["fields"]["phone"]["value"] == "0912345678"
    entries = ReviewRepository(services.repository.engine).entries_for(record.id)
    assert [e.target for e in entries] == ["status", "fields.phone", "review_reasons"]
    assert {e.flow_run_id for e in entries} == {str(run.id)}


def test_a_review_at_the_terminal_closes_the_one_waiting_in_the_ui(
        services: Services, served_review: None, prefect_api_url: str, tmp_path: Path) -> None:
    """GIVEN a `review-record` run suspended in the UI for a record WHEN an operator verifies
    the record with `sohoa review` instead THEN that run is cancelled, saying who verified
    it, and the UI offers no form for a finished record; the record is verified once."""
    record = waiting_record(services)
    worker = services.settings.worker.model_copy(update={"deployment": DEPLOYMENT})
    run_id = open_review(services.settings.model_copy(update={"worker": worker}), record)
    paused_run(record.id, None, "review-1")

    inherited = {k: v for k, v in prefect_environment(tmp_path / "cli").items()
                 if not k.startswith("SOHOA_")}
    env = {**inherited, "PREFECT_API_URL": prefect_api_url,
           "SOHOA_DATA_DIR": str(services.settings.data_dir)}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("sohoa")), "review", record.id, "--yes",
         "--set", "phone=0912 345 678", "--reviewer", "Lan"],
        env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"closed (flow run {run_id})" in " ".join(result.stdout.split())
    state = run_state(run_id)
    assert state.is_cancelled() and "verified by Lan" in (state.message or "")
    verified = services.repository.require(record.id)
    assert verified.status is Status.VERIFIED
    assert verified.fields["phone"]["value"] == "0912345678"
    entries = ReviewRepository(services.repository.engine).entries_for(record.id)
    assert {e.reviewer for e in entries} == {"Lan"} and {e.flow_run_id for e in entries} == {None}
