"""`sohoa watch` and `sohoa process` killed with SIGKILL in the middle of a batch, as when a
machine loses power, then started again: nothing may be lost or doubled. Every file ends as
one record (digitized or to review), its original stored once, and every status is final.
(A worker killed mid-batch: tests/e2e/test_watch.py.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.helpers import SOHOA, server_env
from tests.e2e.office import (
    FINAL,
    Office,
    all_final,
    assert_one_record_per_file,
    aware,
    batch_scans,
    descendants,
    feed_slowly,
    office_settings,
    open_office,
)
from tests.services import S3Server

STATIONS = {"thach-ha": "UBND xã Thạch Hạ", "cam-xuyen": "UBND huyện Cẩm Xuyên"}
FILES = 12
LEASE_MINUTES = 0.1  # a killed run's record is taken up again after 6 s without progress


def wait_until(done: Callable[[], bool], what: str, timeout: float, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


@pytest.fixture
def office(tmp_path: Path, s3_server: S3Server, postgres_url: str,
           prefect_api_url: str) -> Iterator[Office]:
    office = open_office(
        tmp_path, s3_server, postgres_url, prefect_api_url, STATIONS, "sohoa-kill-watch",
        # Runs of four: three runs for the batch (each run is a new process on the worker).
        **office_settings("sohoa-kill-watch-test", SOHOA_WATCH__MAX_FILES_PER_RUN="4"))
    # The default processing lease (30 min): no worker dies here, and under a load of 20 on
    # 2 cores a run waits longer than a short lease to start, so that the sweep would crash
    # and resubmit live runs over and over.
    with office.serving():
        yield office


def test_the_watcher_killed_mid_batch_loses_nothing(office: Office) -> None:
    """GIVEN scans arriving one a second WHEN the watcher is killed after taking some THEN
    once started again it takes the rest, and what it took before the kill (stored, moved
    or not, submitted or not) is neither lost nor recorded twice."""
    expected, feeder = feed_slowly(office, "lô-kill", FILES, pause=1.0)
    office.wait_for(lambda: len(office.records_of(set(expected))) >= 3, "three files taken",
                    timeout=120)
    office.kill("watcher")
    taken = office.records_of(set(expected))
    assert len(taken) < FILES, "the batch was over before the kill"
    feeder.join(timeout=60)
    assert not feeder.is_alive()
    office.start("watcher", "watch")
    office.wait_for(all_final(office, set(expected), FILES), "the batch after the restart",
                    timeout=420)

    # Known gap: a kill after an original is stored and before its record is written leaves
    # that copy behind, unrecorded (the restarted watcher stores the file again under a new
    # record id). Nothing is lost; at most the one file being stored at the kill is twice
    # in the store.
    assert_one_record_per_file(office, set(expected), orphans=1)
    assert office.inbox_files() == []
    processed = [p.name for inbox in office.inboxes.values()
                 for p in (inbox / "processed").iterdir()]
    assert sorted(processed) == sorted(expected.values())


def kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL a process and everything it started (Tesseract), as a power cut does."""
    for pid in [process.pid, *descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_sohoa_process_killed_mid_batch_then_run_again_loses_nothing(
        tmp_path: Path, s3_server: S3Server, postgres_url: str, prefect_api_url: str) -> None:
    """GIVEN `sohoa process` on a folder, killed once some files are finished and others
    not WHEN the same command is run again, after the processing lease THEN every file is
    one record, processed once; files the first run had finished come back as `duplicate`
    records pointing at theirs (the same file given again, contract §2)."""
    office = open_office(tmp_path, s3_server, postgres_url, prefect_api_url, {"scans": ""},
                         "sohoa-kill-process")
    folder = office.inboxes["scans"]
    scans = batch_scans(office, "lô", 10)
    for path, data in scans:
        path.write_bytes(data)
    expected = {hashlib.sha256(data).hexdigest() for _, data in scans}
    env = server_env(tmp_path, s3_server, s3_server.endpoint, office.bucket,
                     office.database_url, prefect_api_url, SOHOA_STATION="thach-ha",
                     SOHOA_UNIT=STATIONS["thach-ha"],
                     SOHOA_PROCESSING_LEASE_MINUTES=str(LEASE_MINUTES))
    log = (tmp_path / "first-run.log").open("wb")
    first = subprocess.Popen([SOHOA, "process", str(folder)], env=env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)

    def half_done() -> bool:
        statuses = [r["status"] for r in office.records_of(expected)]
        return len(statuses) == len(scans) and any(s in FINAL for s in statuses)
    try:
        wait_until(half_done, "a first file finished", timeout=600)
    finally:
        kill_tree(first)
    at_kill = {r["id"]: r["status"] for r in office.records_of(expected)}
    assert not set(at_kill.values()) <= FINAL, "the batch was over before the kill"

    def lease_over() -> bool:
        limit = datetime.now(UTC) - timedelta(minutes=LEASE_MINUTES)
        return all(aware(r["updated_at"]) < limit
                   for r in office.records_of(expected) if r["status"] not in FINAL)
    wait_until(lease_over, "the killed run's lease to end", timeout=120, every=1)
    again = subprocess.run([SOHOA, "process", str(folder)], env=env, capture_output=True,
                           text=True, timeout=900)

    assert again.returncode == 0, again.stderr[-3000:]
    assert all(path.exists() for path, _ in scans)  # `sohoa process` leaves its inputs
    records = [r for r in office.records_of(expected) if r["status"] != "duplicate"]
    assert {r["id"] for r in records} == set(at_kill)  # the same records, finished
    assert_one_record_per_file(office, expected, allow_duplicates=True)
    duplicates = [r for r in office.records_of(expected) if r["status"] == "duplicate"]
    finished_first = {i for i, status in at_kill.items() if status in FINAL}
    assert sorted(r["duplicate_of"] for r in duplicates) == sorted(finished_first)
