"""An office for end-to-end tests: station folders, the real servers, and `sohoa watch` and
`sohoa worker` processes started, stopped and killed as an office's machines would be."""

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
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterTags,
)
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy.exc import ProgrammingError

from tests.e2e.helpers import SOHOA, raw_s3, records_in, server_env
from tests.services import S3Server, create_postgres_database

FINAL = {"digitized", "needs_review", "verified", "failed", "duplicate"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def tiny_scan(text: str, fmt: str) -> bytes:
    """A small image of one line of Vietnamese text, in the given PIL format."""
    image = Image.new("L", (1000, 160), 255)
    ImageDraw.Draw(image).text((40, 50), text, fill=0, font=ImageFont.truetype(FONT, 40))
    out = BytesIO()
    image.save(out, format=fmt, **({"resolution": 300.0} if fmt == "PDF" else {}))
    return out.getvalue()


Writer = Callable[[Path, bytes], None]


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
    bucket: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, *args: str, wrapper: tuple[str, ...] = (),
              env: dict[str, str] | None = None) -> None:
        """Start ``sohoa ARGS`` (through ``wrapper``, e.g. setpriv, when given), with ``env``
        over the office's environment."""
        log = (self.base / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen([*wrapper, SOHOA, *args],
                                                env={**self.env, **(env or {})},
                                                stdout=log,
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

    def kill_all(self) -> None:
        """SIGKILL every process still running: a fixture's tear-down."""
        for name in list(self.processes):
            self.kill(name)

    @contextlib.contextmanager
    def serving(self, workers: int = 1) -> Iterator[Office]:
        """The office with ``workers`` workers and a watcher running, all killed on leaving:
        one worker is named ``worker``, several ``worker-1``, ``worker-2``, …."""
        names = ["worker"] if workers == 1 else [f"worker-{i}" for i in range(1, workers + 1)]
        for name in names:
            self.start(name, "worker")
        self.start("watcher", "watch")
        try:
            yield self
        finally:
            self.kill_all()

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def log(self, name: str) -> str:
        return self.full_log(name)[-6000:]

    def full_log(self, name: str) -> str:
        """Everything the process has written so far."""
        return (self.base / f"{name}.log").read_text(errors="replace")

    def records(self) -> dict[str, dict]:
        """Every record; none while the first sohoa process is still creating the tables."""
        try:
            return records_in(self.database_url)
        except ProgrammingError:
            return {}

    def records_of(self, shas: set[str]) -> list[dict]:
        return [r for r in self.records().values() if r["sha256"] in shas]

    def logged(self, name: str, *words: str) -> list[str]:
        """The lines of a process's log that hold every one of ``words``."""
        return [line for line in self.full_log(name).splitlines()
                if all(word in line for word in words)]

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


def office_settings(pool: str, **more: str) -> dict[str, str]:
    """The settings every test office starts from, ``more`` over them: short settle, poll
    and recovery delays; small runs, so that a batch is several runs; review runs off (they
    would only take worker slots; tests/e2e/test_watch_reviews.py turns them on).
    A work pool and deployment of the office's own (``pool``): deployments are named across
    the session's Prefect server, and a run submitted before this office's worker applied a
    shared one would go to the pool of an earlier test, whose worker is gone.
    COLUMNS: one log line per event, however long (rich wraps at 80 columns otherwise)."""
    return {"SOHOA_WATCH__SETTLE_SECONDS": "1", "SOHOA_WATCH__RECOVERY_SECONDS": "3",
            "SOHOA_WORKER__POLL_SECONDS": "1", "SOHOA_WORKER__WORK_POOL": pool,
            "SOHOA_WORKER__DEPLOYMENT": pool,
            "SOHOA_WATCH__MAX_FILES_PER_RUN": "2", "SOHOA_REVIEW__OPEN_REVIEW_RUNS": "false",
            "COLUMNS": "1000", **more}


def open_office(base: Path, s3: S3Server, postgres_url: str, api_url: str,
                stations: dict[str, str], bucket: str, **settings: str) -> Office:
    """Station folders under ``base`` and the environment of sohoa processes on the servers
    (a database of their own); ``settings`` are extra SOHOA_ variables."""
    inboxes = {name: base / "stations" / name for name in stations}
    for inbox in inboxes.values():
        inbox.mkdir(parents=True)
    configured = [{"name": name, "folder": str(inboxes[name]), "unit": unit}
                  for name, unit in stations.items()]
    database_url = create_postgres_database(postgres_url, "sohoa_office")
    # The office's own temporary folder: workers are killed, not stopped, at a test's end, and
    # Prefect then leaves each run's folder (its environment, passwords included) behind.
    temporary = base / "tmp"
    temporary.mkdir()
    env = server_env(base, s3, s3.endpoint, bucket, database_url, api_url, TMPDIR=str(temporary),
                     SOHOA_STATIONS=json.dumps(configured, ensure_ascii=False), **settings)
    return Office(base=base, env=env, inboxes=inboxes, database_url=database_url, s3=s3,
                  api_url=api_url, bucket=bucket)


def batch_scans(office: Office, prefix: str, count: int) -> list[tuple[Path, bytes]]:
    """``count`` distinct small scans across the stations: where each goes, its bytes."""
    formats = [("PNG", "png"), ("JPEG", "jpg"), ("TIFF", "tif"), ("PDF", "pdf")]
    stations = list(office.inboxes)
    scans = []
    for i in range(count):
        fmt, extension = formats[i % len(formats)]
        inbox = office.inboxes[stations[i % len(stations)]]
        scans.append((inbox / f"{prefix} {i:02d} bản quét.{extension}",
                      tiny_scan(f"Hồ sơ {prefix} số {i:02d} — Thạch Hạ", fmt)))
    return scans


def feed_slowly(office: Office, prefix: str, count: int,
                pause: float) -> tuple[dict[str, str], threading.Thread]:
    """As a scanner fed a stack does: one scan every ``pause`` seconds, from a thread
    started here; returns sha256 → name and the thread."""
    scans = batch_scans(office, prefix, count)

    def feed() -> None:
        for path, data in scans:
            path.write_bytes(data)
            time.sleep(pause)
    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return {hashlib.sha256(data).hexdigest(): path.name for path, data in scans}, thread


def drop_batch(office: Office, prefix: str, count: int,
               writers: tuple[Writer, ...] = (write_at_once, write_in_chunks, write_then_rename),
               ) -> dict[str, str]:
    """Drop ``count`` distinct scans across the stations, written in the ways scanners
    write; returns sha256 → station/name. Writers run at once, as stations do."""
    expected: dict[str, str] = {}
    threads = []
    for i, (path, data) in enumerate(batch_scans(office, prefix, count)):
        expected[hashlib.sha256(data).hexdigest()] = f"{path.parent.name}/{path.name}"
        threads.append(threading.Thread(target=writers[i % len(writers)], args=(path, data)))
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


def runs_finished(office: Office, records: list[dict]) -> Callable[[], bool]:
    """Every record's artifact published and no run of theirs still going: a record's
    status is final a moment before its run publishes the artifact and ends."""
    def check() -> bool:
        for record in records:
            if record["status"] == "duplicate":
                continue
            runs = office.runs_of(record["id"])
            if not processing_runs(office, record["id"]) or any(
                    run.state is None or not run.state.is_final() for run in runs):
                return False
        return True
    return check


def processing_runs(office: Office, record_id: str) -> list[FlowRun]:
    """Runs that processed the record: only the run that claimed a record publishes its
    artifact (a run finding it taken skips it)."""
    with temporary_settings({PREFECT_API_URL: office.api_url}), \
            get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[f"record-{record_id}"])))
        return [client.read_flow_run(run_id)
                for run_id in {artifact.flow_run_id for artifact in artifacts}]


def aware(moment: datetime) -> datetime:
    """A time read from the database, in UTC (it may come back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def file_records(office: Office, shas: set[str]) -> list[dict]:
    """The records standing for files: a file split into documents also has part records."""
    return [r for r in office.records_of(shas) if r["part_of"] is None]


def assert_one_record_per_file(office: Office, expected: set[str],
                               allow_duplicates: bool = False, orphans: int = 0) -> list[dict]:
    """Every file of ``expected`` (sha256) is exactly one record, digitized or to review, its
    original stored once (no second copy from a retry or a restart); the records. With
    ``allow_duplicates``, `duplicate` records (the same file given again) are left aside.
    ``orphans``: at most this many originals stored without a record (a process killed
    between storing an original and recording it), each a copy of an expected file."""
    records = [r for r in file_records(office, expected)
               if not (allow_duplicates and r["status"] == "duplicate")]
    assert sorted(r["sha256"] for r in records) == sorted(expected), \
        sorted((r["filename"], r["status"]) for r in records)
    assert {r["status"] for r in records} <= {"digitized", "needs_review"}
    assert_originals_stored(office, records)
    stored = [o.object_name for o in raw_s3(office.s3).list_objects(
        office.bucket, prefix="originals/", recursive=True)]
    recorded = sorted(r["original_key"] for r in records)
    unrecorded = sorted(set(stored) - set(recorded))
    assert len(stored) == len(set(stored)) and set(recorded) <= set(stored), stored
    assert len(unrecorded) <= orphans, unrecorded
    client = raw_s3(office.s3)
    for key in unrecorded:
        data = client.get_object(office.bucket, key).read()
        assert hashlib.sha256(data).hexdigest() in expected, key
    return records


def assert_originals_stored(office: Office, records: list[dict]) -> None:
    client = raw_s3(office.s3)
    for record in records:
        if record["status"] == "duplicate":
            continue
        data = client.get_object(office.bucket, record["original_key"]).read()
        assert hashlib.sha256(data).hexdigest() == record["sha256"], record["filename"]


