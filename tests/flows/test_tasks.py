"""Task steps that must survive being run again by a Prefect retry."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.cache_policies import NO_CACHE

from config.settings import Settings
from flows.tasks import (
    artifact_keys,
    call_retrying,
    finish_duplicate,
    finish_record,
    open_record,
    recognize_file_page,
    register_file,
    retrying,
    store_json_and_status,
)
from office.services import Services
from schemas.errors import CorruptFileError, StorageError
from schemas.status import DigitizationStatus as Status


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
    steps = (register_file, open_record, recognize_file_page, finish_record, finish_duplicate)

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
