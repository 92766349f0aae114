"""`sohoa watch` and `sohoa worker` as an office runs them, on the real servers: scans dropped
into two station folders (some written slowly, some under a temporary name), two workers on one
Prefect work pool, a worker killed with SIGKILL in the middle of a batch, and a file dropped
twice. Every file must end as exactly one record, processed once, its original stored.

The scans are small images with one line of text each: what is under test here is the
handling of files, runs and workers, not OCR (tests/e2e/test_process.py covers that).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings

from tests.e2e.helpers import SOHOA, raw_s3, records_in, server_env
from tests.services import S3Server, create_postgres_database

STATIONS = {"thach-ha": "UBND xã Thạch Hạ", "cam-xuyen": "UBND huyện Cẩm Xuyên"}
BUCKET = "sohoa-watch"
POOL = "sohoa-watch-test"
LEASE_MINUTES = 0.25  # a dead worker's record is taken up again after 15 s
FINAL = {"digitized", "needs_review", "verified", "failed", "duplicate"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def tiny_scan(text: str, fmt: str) -> bytes:
    """A small image of one line of Vietnamese text, in the given PIL format."""
    image = Image.new("L", (1000, 160), 255)
    ImageDraw.Draw(image).text((40, 50), text, fill=0, font=ImageFont.truetype(FONT, 40))
    out = BytesIO()
    image.save(out, format=fmt, **({"resolution": 300.0} if fmt == "PDF" else {}))
    return out.getvalue()


def write_at_once(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def write_in_chunks(path: Path, data: bytes, pieces: int = 5, pause: float = 0.6) -> None:
    """As a slow scanner or network share does: the file grows over a few seconds."""
    step = -(-len(data) // pieces)
    with path.open("wb") as out:
        for start in range(0, len(data), step):
            out.write(data[start:start + step])
            out.flush()
            time.sleep(pause)


def write_then_rename(path: Path, data: bytes) -> None:
    """As scanners that write `name.part` and rename it when done."""
    partial = path.with_name(path.name + ".part")
    write_in_chunks(partial, data, pieces=3, pause=0.5)
    os.replace(partial, path)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (flow runs may sit in sessions of their own)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


@dataclass
class Office:
    """The servers, the station folders, and the sohoa processes running on them."""

    base: Path
    env: dict[str, str]
    inboxes: dict[str, Path]
    database_url: str
    s3: S3Server
    api_url: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> None:
        log = (self.base / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen([SOHOA, *args], env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT,
                                                start_new_session=True)
        log.close()

    def kill(self, name: str) -> None:
        """SIGKILL a process and everything it started, as when a machine dies."""
        process = self.processes.pop(name)
        for pid in [process.pid, *descendants(process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def log(self, name: str) -> str:
        return (self.base / f"{name}.log").read_text(errors="replace")[-6000:]

    def records(self) -> dict[str, dict]:
        return records_in(self.database_url)

    def records_of(self, shas: set[str]) -> list[dict]:
        return [r for r in self.records().values() if r["sha256"] in shas]

    def wait_for(self, done: Callable[[], bool], what: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                assert process.poll() is None, f"{name} stopped:\n{self.log(name)}"
            if done():
                return
            time.sleep(1)
        logs = "\n".join(f"--- {name}\n{self.log(name)}" for name in self.processes)
        raise AssertionError(f"timed out waiting for {what}\n{logs}")

    def runs_of(self, record_id: str) -> list[FlowRun]:
        with temporary_settings({PREFECT_API_URL: self.api_url}), \
                get_client(sync_client=True) as client:
            return client.read_flow_runs(flow_run_filter=FlowRunFilter(
                tags=FlowRunFilterTags(all_=[f"record:{record_id}"])))

    def inbox_files(self) -> list[Path]:
        """Files still in the inboxes (processed/ and failed/ are not inboxes)."""
        return [p for inbox in self.inboxes.values() for p in inbox.iterdir() if p.is_file()]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server, postgres_url: str,
           prefect_api_url: str) -> Iterator[Office]:
    base = tmp_path_factory.mktemp("office")
    inboxes = {name: base / "stations" / name for name in STATIONS}
    for inbox in inboxes.values():
        inbox.mkdir(parents=True)
    stations = [{"name": name, "folder": str(inboxes[name]), "unit": unit}
                for name, unit in STATIONS.items()]
    database_url = create_postgres_database(postgres_url, "sohoa_watch")
    env = server_env(base, s3_server, s3_server.endpoint, BUCKET, database_url, prefect_api_url,
                     SOHOA_STATIONS=json.dumps(stations, ensure_ascii=False),
                     SOHOA_WATCH__SETTLE_SECONDS="1.5", SOHOA_WATCH__RESCAN_SECONDS="5",
                     SOHOA_WATCH__RECOVERY_SECONDS="3", SOHOA_WORKER__POLL_SECONDS="1",
                     SOHOA_WORKER__LIMIT="1", SOHOA_WORKER__WORK_POOL=POOL,
                     SOHOA_PROCESSING_LEASE_MINUTES=str(LEASE_MINUTES),
                     # Review runs are tested in test_review_flow.py; here they would only
                     # take worker slots from the batch.
                     SOHOA_REVIEW__OPEN_REVIEW_RUNS="false")
    office = Office(base=base, env=env, inboxes=inboxes, database_url=database_url,
                    s3=s3_server, api_url=prefect_api_url)
    office.start("worker-1", "worker")
    office.start("worker-2", "worker")
    office.start("watcher", "watch")
    try:
        yield office
    finally:
        for name in list(office.processes):
            office.kill(name)


def drop_batch(office: Office, prefix: str, count: int) -> dict[str, str]:
    """Drop ``count`` distinct scans across both stations, written in the ways scanners
    write; returns sha256 → station/name. Writers run at once, as stations do."""
    writers = [write_at_once, write_in_chunks, write_then_rename]
    formats = [("PNG", "png"), ("JPEG", "jpg"), ("TIFF", "tif"), ("PDF", "pdf")]
    expected: dict[str, str] = {}
    threads = []
    for i in range(count):
        station = list(STATIONS)[i % 2]
        fmt, extension = formats[i % len(formats)]
        data = tiny_scan(f"Hồ sơ {prefix} số {i:02d} — Thạch Hạ", fmt)
        name = f"{prefix} {i:02d} bản quét.{extension}"
        expected[hashlib.sha256(data).hexdigest()] = f"{station}/{name}"
        writer = writers[i % len(writers)]
        threads.append(threading.Thread(target=writer,
                                        args=(office.inboxes[station] / name, data)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return expected


def all_final(office: Office, shas: set[str], count: int) -> Callable[[], bool]:
    def check() -> bool:
        records = office.records_of(shas)
        return (len(records) >= count and all(r["status"] in FINAL for r in records)
                and not office.inbox_files())
    return check


def processing_runs(office: Office, record_id: str) -> list[FlowRun]:
    """Runs that processed the record (those that claimed it tag the run with its status)."""
    return [run for run in office.runs_of(record_id)
            if run.state_name == "Completed" and any(t.startswith("status:") for t in run.tags)]


def assert_originals_stored(office: Office, records: list[dict]) -> None:
    client = raw_s3(office.s3)
    for record in records:
        if record["status"] == "duplicate":
            continue
        data = client.get_object(BUCKET, record["original_key"]).read()
        assert hashlib.sha256(data).hexdigest() == record["sha256"], record["filename"]


def test_thirty_files_from_two_stations_become_thirty_records(office: Office) -> None:
    expected = drop_batch(office, "lô-a", 30)
    office.wait_for(all_final(office, set(expected), 30), "30 records", timeout=420)

    records = office.records_of(set(expected))
    assert len(records) == 30
    # Each record holds exactly one dropped file, whole: no file was taken half written.
    assert {r["sha256"] for r in records} == set(expected)
    assert {f"{r['station']}/{r['filename']}" for r in records} == set(expected.values())
    assert {r["status"] for r in records} <= {"digitized", "needs_review"}
    assert {r["unit"] for r in records} == set(STATIONS.values())
    assert office.inbox_files() == []
    processed = [p for inbox in office.inboxes.values()
                 for p in (inbox / "processed").iterdir()]
    assert len(processed) == 30
    assert_originals_stored(office, records)

    workers: set[str] = set()
    for record in records:
        runs = processing_runs(office, record["id"])
        assert len(runs) == 1, f"{record['filename']} processed {len(runs)} times"
        run = runs[0]
        assert run.name == f"{record['station']}/{record['filename']}"
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
    time.sleep(3)
    assert second.exists() and len(office.records_of({digest})) == 1
    office.start("watcher", "watch")
    office.wait_for(all_final(office, {digest}, 2), "the second copy")

    records = sorted(office.records_of({digest}), key=lambda r: r["created_at"])
    assert [r["status"] for r in records] == [records[0]["status"], "duplicate"]
    assert records[0]["status"] in {"digitized", "needs_review"}
    assert records[1]["duplicate_of"] == records[0]["id"]
    assert records[1]["station"] == "cam-xuyen"
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
    for record in records:
        assert len(processing_runs(office, record["id"])) == 1, record["filename"]
    # The run the kill interrupted was marked Crashed and its record taken up by a new run.
    for record_id in interrupted:
        states = sorted(run.state_name for run in office.runs_of(record_id))
        assert "Crashed" in states and "Completed" in states, states
