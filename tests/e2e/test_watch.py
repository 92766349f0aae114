"""`sohoa watch` and `sohoa worker` as an office runs them, on the real servers: scans dropped
into two station folders (some written slowly, some under a temporary name), two workers on one
Prefect work pool, a worker killed with SIGKILL in the middle of a batch, and a file dropped
twice. Every file must end as exactly one record, processed once, its original stored.

The scans are small images with one line of text each: what is under test here is the
handling of files, runs and workers, not OCR (tests/e2e/test_process.py covers that).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.e2e.office import (
    Office,
    all_final,
    assert_originals_stored,
    aware,
    drop_batch,
    office_settings,
    open_office,
    processing_runs,
    runs_finished,
    tiny_scan,
)
from tests.services import PG_PASSWORD, S3Server

STATIONS = {"thach-ha": "UBND xã Thạch Hạ", "cam-xuyen": "UBND huyện Cẩm Xuyên"}
BUCKET = "sohoa-watch"
POOL = "sohoa-watch-test"
LEASE_MINUTES = 0.25  # a dead worker's record is taken up again after 15 s


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server, postgres_url: str,
           prefect_api_url: str) -> Iterator[Office]:
    office = open_office(
        tmp_path_factory.mktemp("office"), s3_server, postgres_url, prefect_api_url, STATIONS,
        BUCKET, **office_settings(
            POOL, SOHOA_WATCH__SETTLE_SECONDS="1.5", SOHOA_WATCH__RESCAN_SECONDS="5",
            SOHOA_WORKER__LIMIT="1", SOHOA_WATCH__MAX_FILES_PER_RUN="4",
            SOHOA_PROCESSING_LEASE_MINUTES=str(LEASE_MINUTES)))
    with office.serving(workers=2):
        yield office


# Twenty files in runs of four: five runs for two workers, each file written one of three ways.
# Thirty (eight runs) took 262 s of a 32-min suite and tested nothing more.
BATCH = 20


def test_twenty_files_from_two_stations_become_twenty_records(office: Office) -> None:
    expected = drop_batch(office, "lô-a", BATCH)
    office.wait_for(all_final(office, set(expected), BATCH), f"{BATCH} records", timeout=420)

    records = office.records_of(set(expected))
    assert len(records) == BATCH
    # Each record holds exactly one dropped file, whole: no file was taken half written.
    assert {r["sha256"] for r in records} == set(expected)
    assert {f"{r['station']}/{r['filename']}" for r in records} == set(expected.values())
    assert {r["status"] for r in records} <= {"digitized", "needs_review"}
    assert {r["unit"] for r in records} == set(STATIONS.values())
    assert office.inbox_files() == []
    processed = [p for inbox in office.inboxes.values()
                 for p in (inbox / "processed").iterdir()]
    assert len(processed) == BATCH
    assert_originals_stored(office, records)

    office.wait_for(runs_finished(office, records), "the runs to end", timeout=120)
    workers: set[str] = set()
    for record in records:
        runs = processing_runs(office, record["id"])
        assert len(runs) == 1, f"{record['filename']} processed {len(runs)} times"
        run = runs[0]
        assert run.state_name == "Completed"
        assert run.name.startswith(f"{record['station']}/")  # "station/file [+n more]"
        assert f"station:{record['station']}" in run.tags
        assert f"doc-type:{record['doc_type']}" in run.tags
        workers.add(run.labels["prefect.worker.name"])
    assert len(workers) == 2, f"one worker did all the work: {workers}"


def test_the_same_file_dropped_twice_is_one_record_and_a_duplicate(office: Office) -> None:
    """…and the second copy arrives while the watcher is stopped: it is found on restart."""
    data = tiny_scan("Giấy tiếp nhận hồ sơ — bản gửi hai lần", "PNG")
    digest = hashlib.sha256(data).hexdigest()
    (office.inboxes["thach-ha"] / "gửi lần một.png").write_bytes(data)
    office.wait_for(all_final(office, {digest}, 1), "the first copy")
    office.stop("watcher")
    second = office.inboxes["cam-xuyen"] / "gửi lần hai.png"
    second.write_bytes(data)
    restarted = datetime.now(UTC)
    office.start("watcher", "watch")
    office.wait_for(all_final(office, {digest}, 2), "the second copy")

    first, copy = sorted(office.records_of({digest}), key=lambda r: r["created_at"])
    assert first["status"] in {"digitized", "needs_review"}
    assert copy["status"] == "duplicate" and copy["duplicate_of"] == first["id"]
    assert copy["station"] == "cam-xuyen"
    assert aware(copy["created_at"]) >= restarted  # taken by the restarted watcher
    assert office.inbox_files() == []


def test_a_worker_killed_mid_batch_loses_nothing(office: Office) -> None:
    office.stop("worker-2")  # one worker, so that the one killed surely holds a run
    expected = drop_batch(office, "lô-b", 8)

    def busy() -> bool:
        statuses = [r["status"] for r in office.records_of(set(expected))]
        return "processing" in statuses and len(statuses) == 8
    office.wait_for(busy, "a record in processing", timeout=180)
    interrupted = [r["id"] for r in office.records_of(set(expected))
                   if r["status"] == "processing"]
    office.kill("worker-1")
    office.start("worker-1", "worker")
    office.wait_for(all_final(office, set(expected), 8), "the batch after the restart",
                    timeout=420)

    records = office.records_of(set(expected))
    assert len(records) == 8
    assert {r["sha256"] for r in records} == set(expected)
    assert {r["status"] for r in records} <= {"digitized", "needs_review"}
    assert_originals_stored(office, records)
    office.wait_for(runs_finished(office, records), "the runs to end", timeout=120)
    for record in records:
        assert len(processing_runs(office, record["id"])) == 1, record["filename"]
    # The run the kill interrupted was marked Crashed and its record taken up by a new run.
    for record_id in interrupted:
        states = sorted(run.state_name for run in office.runs_of(record_id))
        assert "Crashed" in states and "Completed" in states, states


def test_no_secret_reaches_a_log(office: Office) -> None:
    """The watcher's and workers' output (and so what an operator pastes into a ticket)
    never shows the store's secret key or the database password."""
    secrets = [office.s3.secret_key, PG_PASSWORD]
    for name in office.processes:
        log = (office.base / f"{name}.log").read_text(errors="replace")
        assert log, f"{name} wrote nothing"
        for secret in secrets:
            assert secret not in log, f"a secret is in the {name} log"
