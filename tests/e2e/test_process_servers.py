"""`sohoa process` end to end on real servers, configured by environment alone: objects in S3
(SeaweedFS), records in PostgreSQL, flow runs on a Prefect server. And an object store that
dies in the middle of an original's upload: no record may claim a file that is not stored.

Two runs overlap to keep the module short: the run whose store dies spends most of its time
waiting between retries, so it is started first and collected after the main run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import create_engine, inspect, text

from pipeline.load import sha256_of
from samples.generate import generate_corpus
from samples.truth import Truth
from tests.e2e.helpers import (
    COPY_STEM,
    DAMAGED_PDF,
    SOHOA,
    TEST_LAYOUTS,
    pdf_text,
    raw_s3,
    records_in,
    server_env,
    sohoa,
    validate_document,
    write_copy,
    write_damaged_pdf,
)
from tests.services import S3Server, create_postgres_database, free_port

# Seeds chosen for one-page scans, to keep OCR (shared CPU) short: seed 22 gives a birth
# registration (PNG) and two dossier receipts (JPEG, PDF); seed 21 a birth registration (JPEG).
MAIN_SEED, LATE_SEED = 22, 21
STATION, UNIT = "mot-cua-thach-ha", "UBND xã Thạch Hạ"
STATION_SETTINGS = {"SOHOA_STATION": STATION, "SOHOA_UNIT": UNIT}
MAIN_BUCKET, FAILURE_BUCKET = "sohoa-e2e", "sohoa-e2e-failure"
BACKGROUND_RUN_SECONDS = 300  # retries of the register task (≈ 70 s) plus start-up, with margin
CHUNK = 64 * 1024


def count_records(database_url: str) -> int:
    """How many records the database holds (0 when it has no records table yet)."""
    engine = create_engine(database_url)
    try:
        if not inspect(engine).has_table("dossier_records"):
            return 0
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM dossier_records")).scalar_one()
    finally:
        engine.dispose()


def batch_runs_of(api_url: str, corpus: Path) -> list[FlowRun]:
    """The `digitize-batch` flow runs the Prefect server holds for files of ``corpus``."""
    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["digitize-batch"])))
    return [run for run in runs
            if all(Path(p).resolve().parent == corpus.resolve()
                   for p in run.parameters.get("paths", []))]


# -- a store that dies mid-upload --------------------------------------------------------------


@dataclass
class DyingS3Proxy:
    """A TCP proxy in front of an S3 server that dies in the middle of an original's upload.

    Traffic passes untouched (so sohoa's store check at start succeeds) until a request
    ``PUT /<bucket>/originals/…`` begins. The proxy forwards its first ``cut_after`` bytes
    (headers and part of the body), then resets every connection and stops listening: to
    the client, the server went away mid-upload and stays away.
    """

    upstream: str
    bucket: str
    cut_after: int
    died: threading.Event = field(default_factory=threading.Event)
    _listener: socket.socket = field(init=False)
    _sockets: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> DyingS3Proxy:
        self._listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.die()

    def die(self) -> None:
        """Reset every connection and stop listening."""
        with self._lock:
            self.died.set()
            for sock in [self._listener, *self._sockets]:
                with contextlib.suppress(OSError):
                    # Linger 0: close with a reset, like a crashed server's kernel would.
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self) -> None:
        while not self.died.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            host, port = self.upstream.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._forward_requests, args=(client, upstream),
                             daemon=True).start()
            threading.Thread(target=self._forward_answers, args=(upstream, client),
                             daemon=True).start()

    def _forward_requests(self, client: socket.socket, upstream: socket.socket) -> None:
        marker = f"PUT /{self.bucket}/originals/".encode()
        tail, allowance = b"", None  # allowance: bytes still let through once the upload began
        while chunk := _receive(client):
            if allowance is None:
                window = tail + chunk  # the marker may straddle two chunks
                at = window.find(marker)
                if at >= 0:
                    allowance = max(at - len(tail), 0) + self.cut_after
                tail = window[-len(marker):]
            if allowance is None:
                _send(upstream, chunk)
                continue
            _send(upstream, chunk[:allowance])
            allowance -= len(chunk)
            if allowance <= 0:
                self.die()
                return

    def _forward_answers(self, upstream: socket.socket, client: socket.socket) -> None:
        while chunk := _receive(upstream):
            _send(client, chunk)


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(CHUNK)
    except OSError:
        return b""


def _send(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.sendall(data)


# -- the runs ------------------------------------------------------------------------------------


@dataclass
class BackgroundRun:
    """A `sohoa` process started now and collected later; its output goes to files."""

    folder: Path
    env: dict[str, str]
    process: subprocess.Popen

    def wait(self) -> int:
        """The exit code, once the process has ended."""
        return self.process.wait(timeout=BACKGROUND_RUN_SECONDS)

    def stderr(self) -> str:
        return (self.folder / "stderr.txt").read_text(errors="replace")


@contextlib.contextmanager
def started_sohoa(args: list[str], env: dict[str, str], folder: Path) -> Iterator[BackgroundRun]:
    """Start `sohoa ARGS…`; kill it on leaving if it is still running."""
    with (folder / "stdout.txt").open("w") as out, (folder / "stderr.txt").open("w") as err:
        process = subprocess.Popen([SOHOA, *args], env=env, stdout=out, stderr=err)
    try:
        yield BackgroundRun(folder, env, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@dataclass
class FailedUpload:
    """A `sohoa process` run of one scan whose store dies while the original is uploaded."""

    scan: Path
    database_url: str
    proxy: DyingS3Proxy
    run: BackgroundRun


@pytest.fixture(scope="module")
def failed_upload(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server,
                  postgres_url: str, prefect_api_url: str) -> Iterator[FailedUpload]:
    base = tmp_path_factory.mktemp("e2e-failed-upload")
    (truth,) = generate_corpus(base / "scans", count=1, seed=LATE_SEED, tiers=("clean",),
                               layouts=TEST_LAYOUTS, dpi=200, truth_dir=base / "truth")
    scan = base / "scans" / truth.file
    database_url = create_postgres_database(postgres_url, "e2e_failed_upload")
    # Let the headers and about half the file through: the upload breaks off midway.
    with DyingS3Proxy(s3_server.endpoint, FAILURE_BUCKET,
                      cut_after=scan.stat().st_size // 2) as proxy:
        # Short waits between the tries: every try meets the dead store.
        env = server_env(base, s3_server, proxy.endpoint, FAILURE_BUCKET, database_url,
                         prefect_api_url, **STATION_SETTINGS,
                         SOHOA_RETRY_DELAYS_SECONDS="[1, 1, 1]")
        with started_sohoa(["process", str(scan.parent)], env, base) as run:
            yield FailedUpload(scan, database_url, proxy, run)


@dataclass
class UnreachableStore:
    """A `sohoa process` run whose store does not answer from the start."""

    database_url: str
    run: BackgroundRun


@pytest.fixture(scope="module")
def unreachable_store(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server,
                      postgres_url: str, prefect_api_url: str) -> Iterator[UnreachableStore]:
    base = tmp_path_factory.mktemp("e2e-unreachable-store")
    scan = base / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 not read: the run must stop before any file")
    database_url = create_postgres_database(postgres_url, "e2e_unreachable")
    env = server_env(base, s3_server, f"127.0.0.1:{free_port()}", MAIN_BUCKET, database_url,
                     prefect_api_url, **STATION_SETTINGS)
    with started_sohoa(["process", str(scan)], env, base) as run:
        yield UnreachableStore(database_url, run)


@dataclass
class Run:
    corpus: Path
    json_out: Path
    data_dir: Path
    truths: list[Truth]
    result: subprocess.CompletedProcess
    database_url: str

    def document(self, stem: str) -> dict:
        return json.loads((self.json_out / f"{stem}.json").read_text(encoding="utf-8"))

    def input_named(self, filename: str) -> Path:
        return self.corpus / filename


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server, postgres_url: str,
        prefect_api_url: str, failed_upload: FailedUpload,
        unreachable_store: UnreachableStore) -> Run:
    """Three clean one-page scans, a damaged PDF and a copy of a scan, on the servers.

    Asks for the failing runs only so that they start first and overlap this one.
    """
    base = tmp_path_factory.mktemp("e2e-servers")
    corpus = base / "scans"
    truths = generate_corpus(corpus, count=3, seed=MAIN_SEED, tiers=("clean",),
                             layouts=TEST_LAYOUTS, dpi=200, truth_dir=base / "truth", workers=2)
    write_damaged_pdf(corpus)
    write_copy(corpus, corpus / truths[0].file)
    database_url = create_postgres_database(postgres_url, "e2e_servers")
    env = server_env(base, s3_server, s3_server.endpoint, MAIN_BUCKET, database_url,
                     prefect_api_url, **STATION_SETTINGS)
    result = sohoa(["process", str(corpus), "--json-out", str(base / "json")], env, timeout=600)
    return Run(corpus, base / "json", base / "data", truths, result, database_url)


# -- the main run ----------------------------------------------------------------------------


def test_every_input_gets_a_contract_json_and_the_command_succeeds(run: Run) -> None:
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert "5 of 5 files recorded" in run.result.stdout
    inputs = sorted(p.stem for p in run.corpus.iterdir())
    assert sorted(p.stem for p in run.json_out.glob("*.json")) == inputs
    for path in run.json_out.glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        validate_document(document)
        assert (document["source"]["station"], document["source"]["unit"]) == (STATION, UNIT)


def test_nothing_is_kept_on_the_local_disk(run: Run) -> None:
    """The servers hold everything: no SQLite file, no local object folder."""
    assert not (run.data_dir / "sohoa.db").exists()
    assert not (run.data_dir / "objects").exists()


def test_postgresql_holds_every_record_with_its_status(run: Run) -> None:
    records = records_in(run.database_url)
    documents = [json.loads(p.read_text("utf-8")) for p in run.json_out.glob("*.json")]
    assert {r["id"]: r["status"] for r in records.values()} == {
        d["record_id"]: d["status"] for d in documents}
    by_file = {r["filename"]: r for r in records.values()}
    for truth in run.truths:
        assert by_file[truth.file]["status"] == "digitized", run.document(Path(truth.file).stem)
    assert by_file[DAMAGED_PDF]["status"] == "failed"
    copy = next(r for name, r in by_file.items() if name.startswith(COPY_STEM))
    assert copy["status"] == "duplicate"
    assert copy["duplicate_of"] == by_file[run.truths[0].file]["id"]


def test_stored_originals_carry_the_inputs_checksum_and_the_record_status(
        run: Run, s3_server: S3Server) -> None:
    client = raw_s3(s3_server)
    stored = [r for r in records_in(run.database_url).values() if r["status"] != "duplicate"]
    assert len(stored) == 4
    for record in stored:
        info = client.stat_object(MAIN_BUCKET, record["original_key"])
        assert info.metadata["x-amz-meta-sha256"] == sha256_of(
            run.input_named(record["filename"])) == record["sha256"]
        assert client.get_object_tags(MAIN_BUCKET, record["original_key"]) == {
            "status": record["status"]}
    failed = next(r for r in stored if r["status"] == "failed")
    assert failed["original_key"].startswith("quarantine/")


def test_the_searchable_pdf_fetched_from_s3_has_the_printed_text(
        run: Run, s3_server: S3Server, tmp_path: Path) -> None:
    truth = next(t for t in run.truths if t.doc_type == "dossier_receipt")
    document = run.document(Path(truth.file).stem)
    pdf = tmp_path / "searchable.pdf"
    raw_s3(s3_server).fget_object(MAIN_BUCKET, document["artifacts"]["searchable_pdf"], str(pdf))

    assert truth.fields["dossier_code"] in pdf_text(pdf)
    stored_json = raw_s3(s3_server).get_object(MAIN_BUCKET, document["artifacts"]["json"])
    assert json.loads(stored_json.read()) == document


def test_the_batch_flow_run_completed_on_the_prefect_server(run: Run,
                                                            prefect_api_url: str) -> None:
    (flow_run,) = batch_runs_of(prefect_api_url, run.corpus)
    assert flow_run.state_type == StateType.COMPLETED
    assert len(flow_run.parameters["paths"]) == 5


def test_the_runs_info_logs_reach_the_server_but_not_the_terminal(run: Run,
                                                                 prefect_api_url: str) -> None:
    """GIVEN `sohoa process` without --verbose THEN the clerk's terminal shows no Prefect info
    lines, and the operator still reads the run's info logs in the Prefect UI."""
    (flow_run,) = batch_runs_of(prefect_api_url, run.corpus)
    with temporary_settings({PREFECT_API_URL: prefect_api_url}), \
            get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(
            flow_run_id=LogFilterFlowRunId(any_=[flow_run.id])))
    assert any(log.level == logging.INFO and "batch of 5 files" in log.message for log in logs)
    assert "| INFO" not in run.result.stderr


# -- the store dies mid-upload ---------------------------------------------------------------


def test_an_original_whose_upload_breaks_off_gets_no_record_until_a_second_run(
        failed_upload: FailedUpload, run: Run, s3_server: S3Server,
        prefect_api_url: str) -> None:
    """GIVEN a store that passes sohoa's start check, then dies midway through the upload of
    an original WHEN `sohoa process` gives up THEN it exits non-zero, no record exists, no
    object was stored, and Prefect shows the failed run; WHEN the store is back and the file
    is processed again THEN it is digitized with its original stored."""
    code = failed_upload.run.wait()

    assert code != 0, failed_upload.run.stderr()[-3000:]
    assert failed_upload.proxy.died.is_set(), "the upload never reached the dying store"
    assert count_records(failed_upload.database_url) == 0
    client = raw_s3(s3_server)
    assert list(client.list_objects(FAILURE_BUCKET, prefix="originals/", recursive=True)) == []
    (flow_run,) = batch_runs_of(prefect_api_url, failed_upload.scan.parent)
    assert flow_run.state_type == StateType.FAILED

    env = {**failed_upload.run.env, "SOHOA_S3__ENDPOINT": s3_server.endpoint}
    json_out = failed_upload.run.folder / "json"
    again = sohoa(["process", str(failed_upload.scan), "--json-out", str(json_out)], env,
                  timeout=300)

    assert again.returncode == 0, again.stderr[-3000:]
    (record,) = records_in(failed_upload.database_url).values()
    assert record["status"] == "digitized"
    info = client.stat_object(FAILURE_BUCKET, record["original_key"])
    assert info.metadata["x-amz-meta-sha256"] == sha256_of(failed_upload.scan)
    document = json.loads((json_out / f"{failed_upload.scan.stem}.json").read_text("utf-8"))
    assert document["record_id"] == record["id"] and document["status"] == "digitized"


def test_a_store_unreachable_at_start_stops_the_run_with_one_line_and_no_record(
        unreachable_store: UnreachableStore) -> None:
    code = unreachable_store.run.wait()

    stderr = unreachable_store.run.stderr()
    assert code == 2, stderr[-3000:]
    assert len(stderr.strip().splitlines()) == 1
    assert "SOHOA_S3__ENDPOINT" in stderr
    assert count_records(unreachable_store.database_url) == 0
