"""The watcher's `digitize-files` flow publishes what `sohoa process` does (one code path,
flows/digitize.py `run_jobs`): run here in this process on registered scans, with review
runs on, on the test's Prefect server and real Tesseract, read back through the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
from PIL import Image
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterTags,
)
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ThreadPoolTaskRunner

import office.services
from flows.artifacts import record_artifact_key
from flows.digitize import digitize_batch, digitize_files, opencv_threads, registered
from office.intake import register
from office.services import Services
from samples.generate import generate_corpus
from schemas.status import DigitizationStatus
from tests.office.review_builders import make_services

POOL = "digitize-files-test"


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             prefect_api_url: str) -> Iterator[Services]:
    monkeypatch.setenv("SOHOA_WORKER__WORK_POOL", POOL)
    monkeypatch.setenv("SOHOA_WORKER__DEPLOYMENT", POOL)
    monkeypatch.setenv("SOHOA_REVIEW__OPEN_REVIEW_RUNS", "true")
    built = make_services(tmp_path / "data")
    monkeypatch.setattr(office.services, "_active", built)
    monkeypatch.setenv("PREFECT_API_URL", prefect_api_url)
    with temporary_settings({PREFECT_API_URL: prefect_api_url}):
        yield built
        APILogWorker.drain_all(timeout=30)


def test_a_watcher_run_publishes_like_a_batch(services: Services, tmp_path: Path) -> None:
    """GIVEN a generated receipt and a blank page registered as the watcher does WHEN one
    `digitize-files` run digitizes both THEN each record has its artifact on the run, the
    run's tags and its table tell the statuses apart, its task runs name the file (one
    task run per single-page file), and the blank page (needs_review) has a review run
    waiting; the receipt has none unless it needs review too."""
    scans = tmp_path / "scans"
    [truth] = generate_corpus(scans, count=1, seed=11, tiers=("clean",), dpi=200,
                              doc_types=("dossier_receipt",), truth_dir=tmp_path / "truth")
    Image.new("L", (827, 1169), 255).save(scans / "trắng.png")
    ids = [register(services, scans / name, "mot-cua").record_id
           for name in (truth.file, "trắng.png")]

    state = digitize_files(ids, return_state=True)

    assert state.is_completed(), state
    result = state.result()
    run_id = state.state_details.flow_run_id
    assert result[ids[1]] == "needs_review" and "review_runs_not_opened" not in result
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        keys = {a.key for a in client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))}
        names = {t.name for t in client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))}
        reviews = {i: client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["review-record"])),
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"record:{i}"])))
            for i in ids}
    assert {record_artifact_key(i) for i in ids} | {"run-records"} <= keys
    assert {f"status:{result[i]}" for i in ids} <= set(run.tags)
    # A file is one task run, its pages read and its record finished: a single-page file's
    # and a longer one's alike, no run a page and none to finish it.
    assert truth.page_count > 1
    assert {"digitize-page trắng.png",
            f"digitize-pages {truth.file} ({truth.page_count} pages)"} <= names
    assert not any(name.startswith(("recognize-page", "finish-record")) for name in names)
    # Opening a file is a call in the flow, not a task run (~50 ms of the server's CPU each).
    assert not any(name.startswith("open-record") for name in names)
    for record_id in ids:
        assert len(reviews[record_id]) == (result[record_id] == "needs_review"), record_id


def test_a_batch_registers_each_file_as_it_takes_it(services: Services,
                                                     tmp_path: Path) -> None:
    """GIVEN a batch of two scans and a copy of the first WHEN its files are taken one by
    one THEN a file is registered only when taken (the first file's pages are read while
    the next ones are registered, not after all of them), and the copy is a duplicate of
    its own, not the first file's record again."""
    scans = tmp_path / "scans"
    scans.mkdir()
    for name, shade in (("một.png", 255), ("hai.png", 200)):
        Image.new("L", (827, 1169), shade).save(scans / name)
    (scans / "bản sao.png").write_bytes((scans / "một.png").read_bytes())
    paths = [str(scans / name) for name in ("một.png", "hai.png", "bản sao.png")]

    taken = registered(services, paths, "mot-cua", None)
    first = next(taken)

    assert [r.filename for r in services.repository.list_records()] == ["một.png"]
    second, copy = list(taken)
    assert second.status is DigitizationStatus.RECEIVED
    assert copy.status is DigitizationStatus.DUPLICATE and copy.record_id != first.record_id
    assert [job.json_name for job in (first, second, copy)] == ["một", "hai", "bản sao"]


def test_a_file_that_cannot_be_taken_stops_the_batch_once_the_files_taken_are_finished(
        services: Services, tmp_path: Path) -> None:
    """GIVEN a batch whose third file is gone before it is taken, on a runner of one thread
    (the second file's task still waiting when the third is taken) WHEN the batch runs THEN
    the run fails with that file's error, and both files claimed before are finished (their
    records final), none left `processing` until its lease ends (the runner cancels the
    tasks still waiting when a flow raises)."""
    scans = tmp_path / "scans"
    scans.mkdir()
    for name, shade in (("trắng.png", 255), ("xám.png", 230)):
        Image.new("L", (827, 1169), shade).save(scans / name)
    one_thread = digitize_batch.with_options(task_runner=ThreadPoolTaskRunner(max_workers=1))

    state = one_thread([str(scans / name) for name in ("trắng.png", "xám.png", "mất.png")],
                       return_state=True)

    assert state.is_failed(), state
    assert "mất.png" in str(state.message)
    records = services.repository.list_records()
    assert sorted(r.filename for r in records) == ["trắng.png", "xám.png"]
    assert all(r.status is DigitizationStatus.NEEDS_REVIEW for r in records), records


def test_opencv_runs_one_thread_per_page_once_every_slot_has_a_page() -> None:
    """GIVEN 2 OCR slots WHEN a first single-page file is submitted THEN OpenCV keeps its
    threads (the other core would idle); once a second page is THEN one thread; after the
    run THEN as before."""
    cv2.setNumThreads(2)
    with opencv_threads() as submitted:
        submitted(1, 2)
        assert cv2.getNumThreads() == 2
        submitted(1, 2)
        assert cv2.getNumThreads() == 1
    assert cv2.getNumThreads() == 2
