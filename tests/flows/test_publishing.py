"""What a digitization run leaves in Prefect and how a review changes it (flows/publishing.py),
on the real Prefect server the tests start, read back through its API."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterTags,
)
from prefect.client.schemas.objects import Artifact, FlowRun
from prefect.client.schemas.sorting import ArtifactSort
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, temporary_settings

import flows.deployments
import office.services
from flows.artifacts import REPORT_ARTIFACT_KEY, dossier_artifact_key, record_artifact_key
from flows.deployments import record_tag
from flows.publishing import (
    REVIEW_NOT_OPENED_TAG,
    RunOutcome,
    finish_dead_run,
    finish_run,
    follow_review,
    publish_document,
    publish_finished,
)
from office.dossiers import assemble, provisional_follower_doubt
from office.services import Services
from office.verification import apply_review
from schemas.document import DossierDocument
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from tests.office.review_builders import make_services, stored_json, waiting_record

CODE = "000.00.21.H27-241128-0001"


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             prefect_api_url: str) -> Iterator[Services]:
    """Services on a temporary SQLite and local store, a work pool and deployment of this
    test's own (no worker of another test takes its review runs); Prefect on the test
    server."""
    monkeypatch.setenv("SOHOA_WORKER__WORK_POOL", f"publishing-{tmp_path.name}")
    monkeypatch.setenv("SOHOA_WORKER__DEPLOYMENT", f"publishing-{tmp_path.name}")
    monkeypatch.setenv("SOHOA_PUBLIC_API_URL", "https://sohoa.example/api")
    built = make_services(tmp_path / "data")
    monkeypatch.setattr(office.services, "_active", built)
    monkeypatch.setenv("PREFECT_API_URL", prefect_api_url)
    with temporary_settings({PREFECT_API_URL: prefect_api_url}):
        yield built
        APILogWorker.drain_all(timeout=30)


def documents_of(services: Services) -> list[DossierDocument]:
    """Two receipts needing review (one of them in a dossier) and one digitized record."""
    first = waiting_record(services, name="biên nhận 01.jpg")
    services.repository.update(first.id, dossier_code=CODE, role="receipt")
    assemble(services, {CODE})
    records = [services.repository.require(first.id),
               waiting_record(services, name="biên nhận 02.jpg"),
               waiting_record(services, name="biên nhận 03.jpg", status=Status.DIGITIZED,
                              reasons=[])]
    return [document_of(services, record) for record in records]


def document_of(services: Services, record: DossierRecord) -> DossierDocument:
    document = DossierDocument.model_validate(stored_json(services, record))
    return document.model_copy(update={"dossier_code": record.dossier_code,
                                       "role": record.role})


@flow(name="publishing-test")
def digitization_run(record_ids: list[str]) -> dict[str, list[str]]:
    """What a digitize run does once its records are finished."""
    services = office.services.active_services()
    documents = [document_of(services, services.repository.require(record_id))
                 for record_id in record_ids]
    for document in documents:
        publish_document(services, document)
    outcome = finish_run(services, documents)
    return {"opened": sorted(outcome.review_runs), "failed": sorted(outcome.review_failures)}


def run_of(record_ids: list[str]) -> tuple[FlowRun, dict[str, list[str]]]:
    state = digitization_run(record_ids, return_state=True)
    assert state.is_completed(), state
    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id), state.result()


def artifacts_of(run_id: UUID) -> list[Artifact]:
    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))


def latest(key: str) -> Artifact:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[key])), sort=ArtifactSort.CREATED_DESC, limit=1)
    assert found, key
    return found[0]


def review_runs(record_id: str) -> list[FlowRun]:
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["review-record"])),
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"record:{record_id}"])))


def test_a_run_publishes_records_tags_dossiers_and_review_runs(services: Services) -> None:
    """GIVEN a run that finished two receipts needing review (one in a dossier) and a
    digitized record WHEN it publishes THEN each record has its artifact on the run, the
    run is tagged with every status, type and dossier, a table tells which file is in which
    status, the dossier has its artifact, and each record needing review has a review run
    waiting (its deployment made on this test's pool)."""
    documents = documents_of(services)
    ids = [d.record_id for d in documents]

    run, result = run_of(ids)

    keys = {artifact.key for artifact in artifacts_of(run.id)}
    assert {record_artifact_key(i) for i in ids} <= keys
    assert dossier_artifact_key(CODE) in keys and "run-records" in keys
    assert {"status:needs_review", "status:digitized", "doc-type:dossier_receipt",
            f"dossier:{CODE}"} <= set(run.tags)
    assert REVIEW_NOT_OPENED_TAG not in run.tags
    assert result == {"opened": sorted(ids[:2]), "failed": []}
    for record_id in ids[:2]:
        assert len(review_runs(record_id)) == 1, record_id
    assert review_runs(ids[2]) == []
    table = str(latest("run-records").data)
    assert "biên nhận 02.jpg | `needs_review`" in table
    assert "biên nhận 03.jpg | `digitized`" in table
    assert "`needs_review`" in str(latest(dossier_artifact_key(CODE)).data)


def test_a_crashed_run_s_finished_records_are_published_on_it(services: Services) -> None:
    """GIVEN a run killed after finishing three records but before publishing them, one of
    which another run has since published, and holding a fourth it had not finished WHEN
    the sweep finishes it THEN the two records no run published get their artifacts on the
    crashed run (the one needing review its review run), the run gets their status tags,
    and the record published elsewhere and the unfinished one get nothing from it."""
    documents = documents_of(services)
    ids = [d.record_id for d in documents]
    unfinished, _ = services.repository.register(
        filename="đang xử lý.jpg", source_path=None, sha256="1" * 64, size_bytes=1,
        station="mot-cua", unit="UBND xã Thạch Hạ", original_key="originals/1")
    elsewhere, _ = run_of([ids[0]])
    with get_client(sync_client=True) as client:
        crashed = client.create_flow_run(digitization_run, parameters={"record_ids": []},
                                         tags=[record_tag(i) for i in [*ids, unfinished.id]])

    published = finish_dead_run(services, crashed.id, [*ids, unfinished.id])

    assert sorted(published) == sorted(ids[1:])
    keys = {artifact.key for artifact in artifacts_of(crashed.id)}
    assert {record_artifact_key(i) for i in ids[1:]} <= keys
    assert record_artifact_key(ids[0]) not in keys
    assert record_artifact_key(unfinished.id) not in keys
    assert latest(record_artifact_key(ids[0])).flow_run_id == elsewhere.id
    assert len(review_runs(ids[1])) == 1 and review_runs(ids[2]) == []
    with get_client(sync_client=True) as client:
        tags = set(client.read_flow_run(crashed.id).tags)
    assert {"status:needs_review", "status:digitized"} <= tags
    assert finish_dead_run(services, crashed.id, ids) == []  # nothing twice


def test_a_review_run_that_cannot_be_opened_is_an_error_a_tag_and_a_result(
        services: Services, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a server that refuses review runs WHEN a run publishes a record needing review
    THEN the run ends, and says so three ways: an error in its log naming the record, the
    tag ``review-run:not-opened`` and the record among the failures of its result."""
    def refused(settings: object, record: DossierRecord) -> UUID:
        raise RuntimeError("the server refused the run")

    monkeypatch.setattr(flows.deployments, "open_review", refused)  # injected fault
    record = waiting_record(services)

    with caplog.at_level(logging.ERROR):
        run, result = run_of([record.id])

    assert result == {"opened": [], "failed": [record.id]}
    assert REVIEW_NOT_OPENED_TAG in run.tags
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(record.id in e and "the server refused the run" in e for e in errors), errors


@flow(name="publishing-as-finished-test")
def finishing_run(record_ids: list[str]) -> dict[str, list[str]]:
    """A run whose records finish one after another: each published as it finishes, with
    what was waiting for review after each one; then the run's end."""
    services = office.services.active_services()
    documents = [document_of(services, services.repository.require(record_id))
                 for record_id in record_ids]
    outcome, waiting = RunOutcome(), []
    for document in documents:
        publish_finished(services, document, outcome)
        waiting.append(sorted(r for r in record_ids if review_runs(r)))
    finish_run(services, documents, outcome)
    return {"waiting": waiting, "opened": sorted(outcome.review_runs),
            "failed": sorted(outcome.review_failures)}


def counting_deployments(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[int]:
    """Count the calls of ensure_review_deployment (the real one, or one that fails)."""
    calls: list[int] = []
    real = flows.deployments.ensure_review_deployment

    def counted(settings: object) -> None:
        calls.append(1)
        if fail:
            raise RuntimeError("no work pool can be made")
        real(settings)

    monkeypatch.setattr(flows.deployments, "ensure_review_deployment", counted)
    return calls


def test_a_record_s_review_run_is_opened_as_soon_as_it_is_finished(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a run finishing two records needing review and a digitized one WHEN each is
    published as it finishes THEN each record needing review has its review run waiting
    before the next record is published (not at the run's end, while a core would idle),
    the review deployment is looked for once, and the run's end opens no second run."""
    calls = counting_deployments(monkeypatch)
    first = waiting_record(services, name="biên nhận 01.jpg")
    digitized = waiting_record(services, name="biên nhận 02.jpg", status=Status.DIGITIZED,
                               reasons=[])
    last = waiting_record(services, name="biên nhận 03.jpg")
    ids = [first.id, digitized.id, last.id]

    result = finishing_run(ids)

    assert result["waiting"] == [[first.id], [first.id], sorted([first.id, last.id])]
    assert result["opened"] == sorted([first.id, last.id]) and result["failed"] == []
    assert len(calls) == 1
    assert len(review_runs(first.id)) == 1 and len(review_runs(last.id)) == 1


def test_a_review_deployment_that_cannot_be_made_fails_every_record_s_review_run(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a server where the review deployment cannot be made WHEN two records needing
    review are published as they finish THEN both are failures with that reason, and the
    deployment was tried once, not once a record."""
    calls = counting_deployments(monkeypatch, fail=True)
    ids = [waiting_record(services, name=f"biên nhận 0{n}.jpg").id for n in (1, 2)]

    result = finishing_run(ids)

    assert result["opened"] == [] and result["failed"] == sorted(ids)
    assert result["waiting"] == [[], []]
    assert len(calls) == 1


def test_after_a_review_prefect_s_views_follow(services: Services) -> None:
    """GIVEN a run's records published WHEN one receipt is verified on the review page
    THEN its artifact is published again on the run that made it, saying verified; the run's
    status tags are those of its records now; the dossier's artifact and the report are
    published again; the record's review run waiting in the UI is closed."""
    documents = documents_of(services)
    run, _ = run_of([d.record_id for d in documents])
    first = documents[0].record_id

    outcome = apply_review(services, first, "Lan", {"phone": "0912345678"})
    follow = follow_review(services, outcome, "on the review page")

    assert follow.problem is None, follow.problem
    artifact = latest(record_artifact_key(first))
    assert artifact.flow_run_id == run.id and "`verified`" in str(artifact.data)
    with get_client(sync_client=True) as client:
        tags = set(client.read_flow_run(run.id).tags)
    assert {"status:verified", "status:needs_review", "status:digitized"} <= tags
    assert "`verified`" in str(latest(dossier_artifact_key(CODE)).data)
    assert latest(REPORT_ARTIFACT_KEY).flow_run_id is None
    [waiting] = review_runs(first)
    assert waiting.state is not None and waiting.state.is_cancelled()
    assert "verified by Lan on the review page" in (waiting.state.message or "")


def test_without_a_prefect_server_a_review_says_so_and_stands(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN no Prefect server (no PREFECT_API_URL, no local server running) WHEN a record is
    verified at the terminal THEN the follow-up says Prefect was not updated; nothing
    fails and the record is verified."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    services = make_services(tmp_path / "data")
    record = waiting_record(services)
    outcome = apply_review(services, record.id, "Lan", {"phone": "0912345678"})

    follow = follow_review(services, outcome, "with `sohoa review`")

    assert follow.done == [] and follow.problem is not None
    assert "no Prefect server" in follow.problem
    assert services.repository.require(record.id).status is Status.VERIFIED


def test_a_receipt_s_review_closes_the_review_of_a_document_it_answered(
        services: Services) -> None:
    """GIVEN a receipt filed under a provisional code and the form after it in review only
    for that code, both published (each with a review run waiting) WHEN the receipt's code
    is confirmed on the review page THEN the form's artifact is published again saying
    digitized, and its waiting review run is closed saying why."""
    receipt = waiting_record(services, name="lô.pdf")
    form = waiting_record(services, doc_type="birth_registration", fields={},
                          reasons=[provisional_follower_doubt(CODE)], name="lô.pdf#2")
    services.repository.update(receipt.id, role="receipt", dossier_code=CODE, part=1, parts=2)
    services.repository.update(form.id, role="component", dossier_code=CODE,
                               part_of=receipt.id, part=2, parts=2)
    assemble(services, {CODE})
    run, _ = run_of([receipt.id, form.id])
    assert len(review_runs(form.id)) == 1

    outcome = apply_review(services, receipt.id, "Lan", {"phone": "0912345678"})
    follow = follow_review(services, outcome, "on the review page")

    assert follow.problem is None, follow.problem
    artifact = latest(record_artifact_key(form.id))
    assert artifact.flow_run_id == run.id and "`digitized`" in str(artifact.data)
    [waiting] = review_runs(form.id)
    assert waiting.state is not None and waiting.state.is_cancelled()
    assert f"answered by Lan's review of receipt {receipt.id}" in (waiting.state.message or "")
