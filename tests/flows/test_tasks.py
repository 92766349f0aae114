"""Task steps that must survive being run again by a Prefect retry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prefect.cache_policies import NO_CACHE

import flows.tasks
from config.settings import Settings
from flows.tasks import (
    artifact_keys,
    call_retrying,
    digitize_file_pages,
    finish_dossiers,
    finish_duplicate,
    finish_record,
    open_record,
    recognize_file_page,
    register_file,
    retrying,
    store_json_and_status,
)
from office.jobs import FileJob, PageOutcome
from office.services import Services
from schemas.errors import CorruptFileError, OcrTimeoutError, StorageError
from schemas.status import DigitizationStatus as Status
from tests.office.review_builders import PRINTED, as_stored, make_services, refused_stack, result_in


def test_a_retry_after_the_status_was_written_succeeds(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    services = Services(Settings(data_dir=tmp_path))
    services.store.put_bytes("originals/a.png", b"png", "image/png")
    record, _ = services.repository.register(
        filename="a.png", source_path=None, sha256="0" * 64, size_bytes=3, station="s",
        unit="u", original_key="originals/a.png")
    record = services.repository.set_status(record.id, Status.PROCESSING)
    pdf_key, text_key, json_key = artifact_keys(record)
    changes = {"doc_type": "unknown", "json_key": json_key, "pdf_key": pdf_key,
               "text_key": text_key}
    calls = []

    def tagging_fails_once(key: str, tags: dict[str, str]) -> None:
        calls.append(key)
        if len(calls) == 1:
            raise OSError("store went away while tagging")

    monkeypatch.setattr(services.store, "set_tags", tagging_fails_once)
    with pytest.raises(OSError):
        store_json_and_status(services, record, Status.DIGITIZED, changes, [])
    document = store_json_and_status(services, record, Status.DIGITIZED, changes, [])

    assert document.status is Status.DIGITIZED
    assert services.repository.require(record.id).status is Status.DIGITIZED
    assert len(calls) == 2  # the tag was written on the retry


def test_steps_are_tried_again_after_the_configured_waits(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN waits set in the environment WHEN a step is wrapped for a run THEN it is tried
    once more than there are waits, after those waits; a page at most twice."""
    monkeypatch.setenv("SOHOA_RETRY_DELAYS_SECONDS", "[1, 4]")
    services = Services(Settings(data_dir=tmp_path))

    step = retrying(open_record, services)
    page = retrying(recognize_file_page, services, tries=2)

    assert (step.retries, step.retry_delay_seconds) == (2, [1.0, 4.0])
    assert (page.retries, page.retry_delay_seconds) == (1, [1.0])
    assert (open_record.retries, open_record.name) == (0, step.name)  # the task itself unchanged


def test_no_step_is_served_from_prefect_s_cache(tmp_path: Path) -> None:
    """Each step runs every time (the database knows what is done), and no run hashes its
    inputs into a cache key — for finish-record, every page's words — also once wrapped
    with retries."""
    services = Services(Settings(data_dir=tmp_path))
    steps = (register_file, open_record, recognize_file_page, finish_record, finish_duplicate,
             digitize_file_pages)

    for step in steps:
        assert step.cache_policy is NO_CACHE, step.name
        assert retrying(step, services).cache_policy is NO_CACHE, step.name


def test_a_step_called_in_the_flow_is_tried_again_only_for_what_a_retry_can_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN two waits configured WHEN a step called in the flow (no task run) fails with a
    storage error twice THEN it is tried a third time after both waits and its result
    returned; a bad file fails at once; a storage error on every try is raised at last."""
    monkeypatch.setenv("SOHOA_RETRY_DELAYS_SECONDS", "[0.01, 0.02]")
    services = Services(Settings(data_dir=tmp_path))
    calls: list[str] = []

    def failing(errors: list[Exception]):  # noqa: ANN202 - a step's stand-in
        def fn(path: str) -> str:
            calls.append(path)
            if errors:
                raise errors.pop(0)
            return f"opened {path}"
        return type("Step", (), {"fn": staticmethod(fn)})()

    down = [StorageError("store down"), StorageError("store down")]
    assert call_retrying(failing(down), services, "a.pdf") == "opened a.pdf"
    assert calls == ["a.pdf"] * 3
    calls.clear()
    with pytest.raises(CorruptFileError):
        call_retrying(failing([CorruptFileError("bad"), StorageError("x")]), services, "b.pdf")
    assert calls == ["b.pdf"]
    calls.clear()
    with pytest.raises(StorageError):
        call_retrying(failing([StorageError("down")] * 3), services, "c.pdf")
    assert calls == ["c.pdf"] * 3


def test_a_single_page_file_is_read_and_finished_in_one_task(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a page whose reading times out once WHEN a single-page file runs as one task
    THEN its page is read again (twice at most, as recognize-page) and finish-record gets
    the page; a page that times out twice reaches finish-record as its error, and a bad
    page is not read again."""
    monkeypatch.setenv("SOHOA_RETRY_DELAYS_SECONDS", "[0.01, 0.02]")
    services = Services(Settings(data_dir=tmp_path))
    monkeypatch.setattr(flows.tasks, "active_services", lambda: services)
    job = FileJob(record_id="r1", source_path="a.png", filename="a.png",
                  status=Status.PROCESSING, page_count=1)
    page = PageOutcome(number=1)
    reads: list[int] = []
    finished: list[list] = []

    def reading(errors: list[Exception]):  # noqa: ANN202 - recognize-page's stand-in
        def fn(job: FileJob, index: int) -> PageOutcome:
            reads.append(index)
            if errors:
                raise errors.pop(0)
            return page
        return type("Step", (), {"fn": staticmethod(fn)})()

    def finish(job: FileJob, outcomes: list, json_out: str | None = None) -> list:
        finished.append(outcomes)
        return []

    monkeypatch.setattr(flows.tasks, "finish_record",
                        type("Step", (), {"fn": staticmethod(finish)})())
    slow = OcrTimeoutError("took too long")
    for errors, expected_reads, outcome in (([slow], 2, page), ([slow, slow], 2, slow),
                                            ([CorruptFileError("bad")], 1, None)):
        reads.clear()
        monkeypatch.setattr(flows.tasks, "recognize_file_page", reading(list(errors)))
        assert digitize_file_pages.fn(job) == []
        assert len(reads) == expected_reads
        given = finished[-1][0]
        assert given is outcome if outcome is not None else isinstance(given, CorruptFileError)


def test_a_longer_file_reads_its_pages_side_by_side_within_the_slots_and_finishes_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a 5-page file, 2 OCR slots, page 2 timing out once, page 4 twice and page 5
    corrupt WHEN the file runs as one task THEN each page is read (again once at most when
    a retry can fix it), two at a time, in more than one thread, and finish-record is given
    the five outcomes in page order, errors in their places, once."""
    import threading
    import time

    monkeypatch.setenv("SOHOA_RETRY_DELAYS_SECONDS", "[0.01, 0.02]")
    monkeypatch.setenv("SOHOA_OCR__WORKERS", "2")
    services = Services(Settings(data_dir=tmp_path))
    assert services.settings.ocr.worker_count() == 2
    monkeypatch.setattr(flows.tasks, "active_services", lambda: services)
    job = FileJob(record_id="r1", source_path="a.pdf", filename="a.pdf",
                  status=Status.PROCESSING, page_count=5)
    slow, bad = OcrTimeoutError("took too long"), CorruptFileError("bad page")
    errors = {1: [slow], 3: [slow, slow], 4: [bad]}
    reads: list[int] = []
    threads: set[str] = set()
    busy, most = [0], [0]
    lock = threading.Lock()

    def read(job: FileJob, index: int) -> PageOutcome:
        with lock:
            reads.append(index)
            threads.add(threading.current_thread().name)
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.05)
        with lock:
            busy[0] -= 1
        if errors.get(index):
            raise errors[index].pop(0)
        return PageOutcome(number=index + 1)

    finished: list[list] = []

    def finish(job: FileJob, outcomes: list, json_out: str | None = None) -> list:
        finished.append(outcomes)
        return []

    monkeypatch.setattr(flows.tasks, "recognize_file_page",
                        type("Step", (), {"fn": staticmethod(read)})())
    monkeypatch.setattr(flows.tasks, "finish_record",
                        type("Step", (), {"fn": staticmethod(finish)})())
    assert digitize_file_pages.fn(job) == []
    assert sorted(reads) == [0, 1, 1, 2, 3, 3, 4]
    assert most[0] == 2 and len(threads) == 2
    [outcomes] = finished
    assert [o.number for o in outcomes if isinstance(o, PageOutcome)] == [1, 2, 3]
    assert outcomes[3] is slow and outcomes[4] is bad


def test_a_file_task_is_named_by_its_file_and_pages() -> None:
    """GIVEN jobs of one and of three pages WHEN their task runs are named THEN a
    single-page file's reads «digitize-page NAME», a longer one's «digitize-pages NAME
    (3 pages)»."""
    from flows.tasks import file_pages_run_name

    one = FileJob(record_id="r", source_path="a.png", filename="a.png",
                  status=Status.PROCESSING, page_count=1)
    assert file_pages_run_name({"job": one}) == "digitize-page a.png"
    three = one.model_copy(update={"filename": "b.pdf", "page_count": 3})
    assert file_pages_run_name({"job": three}) == "digitize-pages b.pdf (3 pages)"


def test_finishing_a_result_files_the_refused_receipt_it_names_and_hands_out_its_dossier(
        tmp_path: Path) -> None:
    """GIVEN a receipt refused (read as «…0132» among others) and its form waiting in no
    dossier WHEN a result of «…0132» is finished THEN the dossier handed out to the JSON
    folder has them as its receipt and component; and a receipt finished after its result
    is handed out filed."""
    services = make_services(tmp_path / "data")
    receipt, form = refused_stack(services)
    result = result_in(services, PRINTED)

    finish_dossiers(services, as_stored(services, result), str(tmp_path / "out"))

    written = json.loads((tmp_path / "out" / "dossiers" / f"{PRINTED}.json").read_text())
    assert written["receipt"] == receipt.id
    assert [m["record_id"] for m in written["components"]] == [form.id]

    later = make_services(tmp_path / "data2")
    result_in(later, PRINTED)
    receipt, form = refused_stack(later)
    handed = finish_dossiers(later, as_stored(later, receipt, form), None)
    assert [d.dossier_code for d in handed] == [PRINTED, PRINTED]
