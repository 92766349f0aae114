"""`sohoa watch` against what a station folder can hold besides scans: a link swapped in for
a file still being written, a named pipe, names at the file system's length limit, a
processed/ folder it may not write, a file replaced under its name while it is stored, and a
file it cannot read. The watcher is a real process on the real servers; it must store nothing
through a link, never stop, and lose nothing.

Root reads every file, so the watcher runs as root without CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH (setpriv): file permissions then apply to it as to any owner, and
``chmod 000`` makes a file it cannot open. No worker runs: records stay `received`; what is
under test is what the watcher takes, stores and leaves.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import raw_s3
from tests.e2e.office import Office, open_office, tiny_scan
from tests.services import S3Server, free_port

STATION = "thach-ha"
SETTLE = 1.5
WITHOUT_FILE_PERMISSION_BYPASS = (
    "setpriv", "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search")


class SlowProxy:
    """A TCP proxy in front of the object store that holds every chunk ``delay`` seconds, so
    that storing an original takes long enough for a test to act in the middle of it."""

    def __init__(self, upstream: str, delay: float) -> None:
        self.upstream, self.delay = upstream, delay
        self.listener = socket.create_server(("127.0.0.1", free_port()))
        threading.Thread(target=self.accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.listener.getsockname()[1]}"

    def accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                host, port = self.upstream.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                for source, target in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self.pipe, args=(source, target),
                                     daemon=True).start()

    def pipe(self, source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                time.sleep(self.delay)
                target.sendall(chunk)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server, postgres_url: str,
           prefect_api_url: str) -> Iterator[Office]:
    proxy = SlowProxy(s3_server.endpoint, delay=0.3)
    office = open_office(
        tmp_path_factory.mktemp("hardening"), s3_server, postgres_url, prefect_api_url,
        {STATION: "UBND xã Thạch Hạ"}, "sohoa-hardening", SOHOA_S3__ENDPOINT=proxy.endpoint,
        SOHOA_WATCH__SETTLE_SECONDS=str(SETTLE), SOHOA_WATCH__RESCAN_SECONDS="2",
        SOHOA_WATCH__READ_ATTEMPTS="2", SOHOA_RETRY_DELAYS_SECONDS="[1]",
        SOHOA_WORKER__WORK_POOL="sohoa-hardening-test", SOHOA_REVIEW__OPEN_REVIEW_RUNS="false")
    office.start("watcher", "watch", wrapper=WITHOUT_FILE_PERMISSION_BYPASS)
    try:
        yield office
    finally:
        office.kill_all()
        proxy.listener.close()


def inbox(office: Office) -> Path:
    return office.inboxes[STATION]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def drop(office: Office, name: str, text: str) -> bytes:
    data = tiny_scan(text, "PNG")
    (inbox(office) / name).write_bytes(data)
    return data


def wait_taken(office: Office, data: bytes, name: str) -> dict:
    """Wait until ``data`` has a record and no file of ``name`` is left in the inbox."""
    def taken() -> bool:
        return bool(office.records_of({sha(data)})) and not (inbox(office) / name).exists()
    office.wait_for(taken, f"{name} taken", timeout=120)
    (record,) = office.records_of({sha(data)})
    return record


def warnings_about(office: Office, name: str) -> list[str]:
    return [line for line in office.full_log("watcher").splitlines()
            if name in line and "not taken" in line]


def test_a_scan_swapped_for_a_link_before_it_settled_is_not_stored_through_it(
        office: Office) -> None:
    """GIVEN a scan half written, then replaced by a link to a file of secrets WHEN it has
    stayed unchanged well past the settle delay THEN nothing was stored or recorded from
    the link's target, the link is left in the inbox, and the watcher warned once."""
    secret = office.base / "environ"
    secret.write_bytes(b"SOHOA_S3__SECRET_KEY=" + os.urandom(16).hex().encode())
    path = inbox(office) / "đang quét.png"
    path.write_bytes(tiny_scan("nửa trang", "PNG")[:300])
    time.sleep(SETTLE / 3)
    (inbox(office) / "link.tmp").symlink_to(secret)
    os.replace(inbox(office) / "link.tmp", path)
    # Evidence that the watcher looked at it after the swap: its warning.
    office.wait_for(lambda: warnings_about(office, "đang quét.png"), "the warning", timeout=30)
    time.sleep(3 * SETTLE + 2)  # settled several times over, rescanned at least once

    assert office.records_of({sha(secret.read_bytes())}) == []
    assert [r for r in office.records().values() if r["filename"] == "đang quét.png"] == []
    assert path.is_symlink()
    (warning,) = warnings_about(office, "đang quét.png")
    assert "symbolic link" in warning
    stored = raw_s3(office.s3).list_objects(office.bucket, recursive=True)
    assert not [o for o in stored if o.size == secret.stat().st_size]


def test_a_named_pipe_is_skipped_and_a_later_scan_taken(office: Office) -> None:
    pipe = inbox(office) / "pipe.pdf"
    os.mkfifo(pipe)
    office.wait_for(lambda: warnings_about(office, "pipe.pdf"), "the warning", timeout=30)
    data = drop(office, "sau ống.png", "Tờ khai sau ống")

    wait_taken(office, data, "sau ống.png")
    time.sleep(2 + 1)  # one more rescan of the unchanged pipe: no second warning
    (warning,) = warnings_about(office, "pipe.pdf")
    assert "named pipe" in warning
    assert pipe.exists() and not pipe.is_file()


def test_a_255_byte_name_taken_twice_gets_a_shortened_name_in_processed(
        office: Office) -> None:
    name = "ồ" * 83 + "ab.png"
    assert len(name.encode()) == 255
    first = drop(office, name, "Bản thứ nhất, tên dài")
    wait_taken(office, first, name)
    second = drop(office, name, "Bản thứ hai, cùng tên dài")
    record = wait_taken(office, second, name)

    processed = {sha(p.read_bytes()): p.name for p in (inbox(office) / "processed").iterdir()}
    assert processed[sha(first)] == name
    shortened = processed[sha(second)]
    assert len(shortened.encode()) <= 255 and shortened.endswith(".png")
    assert record["filename"] == name  # the record keeps the name the station gave


def test_damaged_files_with_long_or_forging_names_get_their_notes(office: Office) -> None:
    """A 250-byte name (its note's name would be 260 bytes) and a name with a newline that
    tries to forge the note's record line: both in failed/, each note naming its file on
    one line."""
    long_name = "đ" * 123 + ".pdf"
    forging = "hỏng\nrecord: giả.pdf"
    damaged = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"
    for index, name in enumerate((long_name, forging)):
        (inbox(office) / name).write_bytes(damaged + str(index).encode())
    failed = inbox(office) / "failed"

    def notes() -> list[str]:
        return [p.read_text(encoding="utf-8") for p in failed.glob("*.error.txt")]
    office.wait_for(lambda: len([n for n in notes() if "PDF" in n]) >= 2, "two notes",
                    timeout=120)

    texts = notes()
    (long_note,) = [n for n in texts if n.startswith(long_name + ": ")]
    (forged_note,) = [n for n in texts if n.startswith("hỏng\\x0arecord: giả.pdf: ")]
    assert "stored as: " in long_note
    assert [line.split(":")[0] for line in forged_note.splitlines()] == [
        "hỏng\\x0arecord", "record", "station", "time"]
    assert not [line for line in office.full_log("watcher").splitlines()
                if line.startswith("record: giả")]


def test_a_processed_folder_it_may_not_write_sends_the_scan_to_failed(office: Office) -> None:
    processed = inbox(office) / "processed"
    processed.chmod(0o555)
    try:
        data = drop(office, "không chỗ.png", "Tờ khai không chỗ")
        record = wait_taken(office, data, "không chỗ.png")
    finally:
        processed.chmod(0o755)

    assert record["status"] == "received"  # stored and recorded: its run goes on
    note = (inbox(office) / "failed" / "không chỗ.png.error.txt").read_text(encoding="utf-8")
    assert f"stored as record {record['id']}, but it could not be moved" in note
    assert "Permission denied" in note
    later = drop(office, "sau đó.png", "Tờ khai sau đó")
    wait_taken(office, later, "sau đó.png")
    assert (processed / "sau đó.png").exists()


def test_a_file_replaced_under_its_name_while_it_is_stored_is_kept(office: Office) -> None:
    """GIVEN a scan the watcher has opened and is storing (through the slow proxy) WHEN
    another scan is renamed over its name THEN the first is stored as read, and the second is
    neither removed nor moved unrecorded: it becomes a record of its own."""
    name = "đổi chỗ.png"
    first = drop(office, name, "Bản bị thay")
    newer = tiny_scan("Bản thay vào", "PNG")
    (inbox(office) / f"{name}.part").write_bytes(newer)
    assert holds(office.processes["watcher"].pid, inbox(office) / name), "never opened"
    os.replace(inbox(office) / f"{name}.part", inbox(office) / name)

    office.wait_for(lambda: bool(office.records_of({sha(first)})), "the first record")
    wait_taken(office, newer, name)
    processed = {sha(p.read_bytes()) for p in (inbox(office) / "processed").iterdir()}
    assert sha(newer) in processed  # moved with its record, not before it had one
    assert "was replaced after it was read" in office.full_log("watcher")
    client = raw_s3(office.s3)
    for data in (first, newer):
        (record,) = office.records_of({sha(data)})
        assert client.get_object(office.bucket, record["original_key"]).read() == data


def holds(pid: int, path: Path, timeout: float = 60) -> bool:
    """Whether process ``pid`` opens ``path`` within ``timeout`` (polled every 2 ms: it
    holds it only while storing it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            for fd in os.scandir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(fd.path) == str(path):
                        return True
        time.sleep(0.002)
    return False


def test_a_file_it_cannot_read_ends_as_a_failed_record(office: Office) -> None:
    name = "khoá.png"
    data = drop(office, name, "Tờ khai khoá")
    (inbox(office) / name).chmod(0)

    def failed() -> list[dict]:
        return [r for r in office.records().values()
                if r["filename"] == name and r["status"] == "failed"]
    office.wait_for(lambda: bool(failed()) and not (inbox(office) / name).exists(),
                    "a failed record", timeout=120)

    (record,) = failed()
    assert "Permission denied" in record["error"] and record["original_key"] is None
    assert office.records_of({sha(data)}) == []  # never read, so never stored
    note = (inbox(office) / "failed" / f"{name}.error.txt").read_text(encoding="utf-8")
    assert record["id"] in note
    assert len([line for line in office.full_log("watcher").splitlines()
                if name in line and "not taken yet" in line]) == 1  # 2 tries: 1 retry


def test_a_writer_pausing_with_the_file_open_is_waited_for(office: Office) -> None:
    """GIVEN a writer (as privileged as the watcher, so that /proc shows it its descriptors)
    that writes half a scan and pauses four settle delays with the file open WHEN it then
    finishes THEN the record holds the whole scan, never the half."""
    name = "chậm.png"
    data = tiny_scan("Tờ khai viết chậm", "PNG")
    half = len(data) // 2
    writer = subprocess.Popen([
        *WITHOUT_FILE_PERMISSION_BYPASS, sys.executable, "-c",
        "import sys, time\n"
        "data = sys.stdin.buffer.read()\n"
        f"with open({str(inbox(office) / name)!r}, 'wb') as out:\n"
        f"    out.write(data[:{half}]); out.flush(); time.sleep({4 * SETTLE})\n"
        f"    out.write(data[{half}:])\n"], stdin=subprocess.PIPE)
    writer.communicate(data, timeout=60)

    record = wait_taken(office, data, name)
    assert record["size_bytes"] == len(data)
    assert office.records_of({sha(data[:half])}) == []
