"""Servers failing under `sohoa watch` and `sohoa worker`: the database unreachable at start,
and the object store going away in the middle of a batch and coming back.

Nothing may be lost: a file the watcher could not store stays in its inbox, a run that could
not finish is taken up again, and every file ends as exactly one record once the store is back.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import SOHOA, server_env
from tests.e2e.office import (
    Office,
    all_final,
    assert_originals_stored,
    drop_batch,
    open_office,
    write_at_once,
)
from tests.services import S3Server, free_port

STATIONS = {"thach-ha": "UBND xã Thạch Hạ"}


class SwitchableProxy:
    """A TCP proxy on a fixed loopback port in front of a server, that can be cut off
    (every connection reset, nothing listening) and brought back, as a server restarts."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        with self.lock:
            for sock in [self.listener, *self.sockets]:
                if sock is None:
                    continue
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets, self.listener = [], None

    def accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            host, port = self.upstream.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            with self.lock:
                self.sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(source, target), daemon=True).start()


def pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            target.sendall(chunk)


def test_watch_with_the_database_unreachable_says_so_and_moves_nothing(tmp_path: Path,
                                                                      s3_server: S3Server,
                                                                      prefect_api_url: str) -> None:
    inbox = tmp_path / "stations" / "thach-ha"
    inbox.mkdir(parents=True)
    scan = inbox / "tờ khai.png"
    write_at_once(scan, b"\x89PNG\r\n\x1a\n not really")
    unreachable = f"postgresql+psycopg://sohoa:x@127.0.0.1:{free_port()}/sohoa"
    env = server_env(tmp_path, s3_server, s3_server.endpoint, "sohoa-faults", unreachable,
                     prefect_api_url,
                     SOHOA_STATIONS=f'[{{"name": "thach-ha", "folder": "{inbox}", '
                                    '"unit": "UBND xã Thạch Hạ"}]')

    result = subprocess.run([SOHOA, "watch"], env=env, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sohoa cannot watch:"), result.stderr
    assert "127.0.0.1" in lines[0] and "x@" not in lines[0]  # says where, hides the password
    assert scan.exists() and sorted(p.name for p in inbox.iterdir()) == ["tờ khai.png"]


@pytest.fixture
def office_with_proxy(tmp_path: Path, s3_server: S3Server, postgres_url: str,
                      prefect_api_url: str) -> Iterator[tuple[Office, SwitchableProxy]]:
    proxy = SwitchableProxy(s3_server.endpoint)
    proxy.up()
    office = open_office(
        tmp_path, s3_server, postgres_url, prefect_api_url, STATIONS, "sohoa-outage",
        SOHOA_S3__ENDPOINT=proxy.endpoint, SOHOA_WATCH__SETTLE_SECONDS="1",
        SOHOA_WATCH__RECOVERY_SECONDS="3", SOHOA_WORKER__POLL_SECONDS="1",
        SOHOA_WORKER__WORK_POOL="sohoa-outage-test", SOHOA_WATCH__MAX_FILES_PER_RUN="2",
        SOHOA_PROCESSING_LEASE_MINUTES="0.25", SOHOA_REVIEW__OPEN_REVIEW_RUNS="false")
    office.start("worker", "worker")
    office.start("watcher", "watch")
    try:
        yield office, proxy
    finally:
        for name in list(office.processes):
            office.kill(name)
        proxy.down()


def test_a_store_outage_in_the_middle_of_a_batch_loses_nothing(
        office_with_proxy: tuple[Office, SwitchableProxy]) -> None:
    office, proxy = office_with_proxy
    before = drop_batch(office, "trước", 6, writers=(write_at_once,))

    def some_done() -> bool:
        return sum(r["status"] != "received" for r in office.records_of(set(before))) >= 2
    office.wait_for(some_done, "the batch under way", timeout=300)
    proxy.down()
    during = drop_batch(office, "trong", 4, writers=(write_at_once,))
    time.sleep(8)
    # The watcher could not store these originals: they wait in the inbox, unrecorded.
    waiting = {p.name for p in office.inbox_files()}
    assert len(waiting) == 4, waiting
    assert office.records_of(set(during)) == []

    proxy.up()
    expected = set(before) | set(during)
    office.wait_for(all_final(office, expected, 10), "every file after the outage",
                    timeout=420)

    records = office.records_of(expected)
    assert len(records) == 10 and {r["sha256"] for r in records} == expected
    assert {r["status"] for r in records} <= {"digitized", "needs_review"}
    assert_originals_stored(office, records)
