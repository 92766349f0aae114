"""The watcher's decisions, on the embedded stores, with runs submitted to a list.

(The same watcher against a Prefect server, real workers and S3 is in tests/e2e/test_watch.py.)
"""

from __future__ import annotations

import os
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from config.settings import Settings, StationSettings, WatchSettings
from office import watch as watch_module
from office.intake import Source, UnreadableFileError
from office.services import Services
from office.watch import Watcher
from schemas.errors import StorageError
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status


@pytest.fixture
def scan_png() -> bytes:
    """A small valid PNG (the watcher only checks its header; no OCR happens here)."""
    out = BytesIO()
    Image.new("L", (200, 100), 255).save(out, format="PNG")
    return out.getvalue()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def watcher(tmp_path: Path) -> tuple[Watcher, list[DossierRecord], Clock]:
    settings = Settings(data_dir=tmp_path / "data",
                        watch=WatchSettings(settle_seconds=2, group_seconds=0),
                        stations=[StationSettings(name="thach-ha", folder=tmp_path / "inbox",
                                                  unit="UBND xã Thạch Hạ")])
    (tmp_path / "inbox").mkdir()
    submitted: list[DossierRecord] = []
    runs: list[list[str]] = []

    attempts: list[int] = []

    def submit(_: Settings, records: list[DossierRecord], attempt: int = 0) -> uuid.UUID:
        submitted.extend(records)
        runs.append([record.filename for record in records])
        attempts.append(attempt)
        return uuid.uuid4()

    clock = Clock()
    watcher = Watcher(Services(settings), submit, lambda *_: None, clock=clock)
    watcher.runs = runs  # type: ignore[attr-defined] - what each submitted run holds
    watcher.attempts = attempts  # type: ignore[attr-defined] - and its attempt number
    return watcher, submitted, clock


def settle(watcher: Watcher, clock: Clock) -> int:
    watcher.rescan()
    clock.now += 2
    return watcher.take_ready()


def test_a_ready_scan_is_stored_recorded_submitted_and_moved(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes) -> None:
    w, submitted, clock = watcher
    inbox = w.stations[0].inbox
    (inbox / "tờ khai.png").write_bytes(scan_png)

    w.rescan()
    assert w.take_ready() == 0  # seen, but not yet unchanged for the settle delay
    clock.now += 2
    assert w.take_ready() == 1

    (record,) = w.repository.list_records()
    assert record.status is Status.RECEIVED and record.station == "thach-ha"
    assert record.unit == "UBND xã Thạch Hạ"
    assert w.services.store.get_bytes(record.original_key) == scan_png
    assert [r.id for r in submitted] == [record.id]
    assert not (inbox / "tờ khai.png").exists()
    assert (w.stations[0].processed / "tờ khai.png").read_bytes() == scan_png


def test_a_damaged_scan_goes_to_failed_with_the_reason(
        watcher: tuple[Watcher, list[DossierRecord], Clock]) -> None:
    w, submitted, clock = watcher
    (w.stations[0].inbox / "hỏng.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")

    assert settle(w, clock) == 1

    (record,) = w.repository.list_records()
    assert [r.id for r in submitted] == [record.id]  # the run records the failure
    note = (w.stations[0].failed / "hỏng.pdf.error.txt").read_text(encoding="utf-8")
    assert note.startswith("hỏng.pdf: ") and "PDF" in note and record.id in note
    assert (w.stations[0].failed / "hỏng.pdf").exists()


def test_a_file_is_kept_while_the_store_is_down(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    w, submitted, clock = watcher
    path = w.stations[0].inbox / "a.png"
    path.write_bytes(scan_png)

    def store_down(*_: object, **__: object) -> None:
        raise StorageError("object store 127.0.0.1:9000 is not answering; try again")

    monkeypatch.setattr(w.services.store, "put_file", store_down)
    assert settle(w, clock) == 0
    assert path.exists() and w.repository.list_records() == [] and submitted == []

    monkeypatch.undo()
    clock.now += 1  # before the retry delay: not tried again yet
    assert w.take_ready() == 0
    clock.now += 10
    assert w.take_ready() == 1
    assert not path.exists() and len(w.repository.list_records()) == 1


def test_a_restarted_watcher_does_not_count_a_file_twice(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    w, submitted, clock = watcher
    path = w.stations[0].inbox / "a.png"
    path.write_bytes(scan_png)
    # The watcher stops after registering the file, before moving it away.
    monkeypatch.setattr(Watcher, "dispose", lambda *_: None)
    assert settle(w, clock) == 1
    monkeypatch.undo()

    restarted = Watcher(w.services, w.submit, w.rerun_attempt, clock=clock)
    assert settle(restarted, clock) == 1

    (record,) = w.repository.list_records()
    assert record.status is Status.RECEIVED
    assert [r.id for r in submitted] == [record.id, record.id]  # same attempt: one Prefect run
    assert not path.exists()


def test_a_copy_dropped_later_is_a_duplicate(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes) -> None:
    w, submitted, clock = watcher
    inbox = w.stations[0].inbox
    (inbox / "a.png").write_bytes(scan_png)
    settle(w, clock)
    (inbox / "a again.png").write_bytes(scan_png)
    settle(w, clock)

    original, duplicate = w.repository.list_records()
    assert duplicate.status is Status.DUPLICATE and duplicate.duplicate_of == original.id
    assert [r.id for r in submitted] == [original.id]  # a duplicate needs no run
    assert sorted(p.name for p in w.stations[0].processed.iterdir()) == ["a again.png", "a.png"]


def test_files_ready_together_share_runs_of_bounded_size(
        watcher: tuple[Watcher, list[DossierRecord], Clock]) -> None:
    w, submitted, clock = watcher
    w.settings.watch.max_files_per_run = 2
    for i in range(5):
        out = BytesIO()
        Image.new("L", (200, 100), 255 - i).save(out, format="PNG")
        (w.stations[0].inbox / f"scan {i}.png").write_bytes(out.getvalue())

    assert settle(w, clock) == 5

    assert sorted(len(run) for run in w.runs) == [1, 2, 2]  # type: ignore[attr-defined]
    assert len(submitted) == 5 and len({r.id for r in submitted}) == 5


def test_files_arriving_close_together_wait_briefly_to_share_a_run(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes) -> None:
    w, submitted, clock = watcher
    w.settings.watch.group_seconds = 3
    inbox = w.stations[0].inbox
    (inbox / "first.png").write_bytes(scan_png)
    settle(w, clock)
    assert submitted == [] and not (inbox / "first.png").exists()  # taken, run not yet
    out = BytesIO()
    Image.new("L", (200, 100), 7).save(out, format="PNG")
    (inbox / "second.png").write_bytes(out.getvalue())
    settle(w, clock)  # 2 s after the first: still within its 3 s
    assert submitted == []
    clock.now += 1
    w.take_ready()

    assert w.runs == [["first.png", "second.png"]]  # type: ignore[attr-defined]


def test_a_scan_replaced_while_it_was_stored_is_kept_and_recorded_on_its_own(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a scan whose name gets another file renamed over it while its original is being
    stored WHEN the watcher finishes with it THEN the stored original is the bytes read, and
    the new file is not removed: it stays in the inbox and becomes a record of its own."""
    w, _, clock = watcher
    w.settings.watch.after_store = "delete"  # the setting that used to lose it
    path = w.stations[0].inbox / "a.png"
    path.write_bytes(scan_png)
    newer = other_png(9)
    put_file = w.services.store.put_file

    def store_then_swap(*args: object, **kwargs: object) -> object:
        stored = put_file(*args, **kwargs)
        (path.parent / "new.part").write_bytes(newer)
        os.replace(path.parent / "new.part", path)
        return stored

    monkeypatch.setattr(w.services.store, "put_file", store_then_swap)
    assert settle(w, clock) == 1
    monkeypatch.undo()
    (first,) = w.repository.list_records()
    assert w.services.store.get_bytes(first.original_key) == scan_png
    assert path.read_bytes() == newer

    clock.now += 1
    assert settle(w, clock) == 1
    second = next(r for r in w.repository.list_records() if r.id != first.id)
    assert w.services.store.get_bytes(second.original_key) == newer
    assert not path.exists()


def test_an_unreadable_file_ends_failed_after_the_tries(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(root reads any file: the open is made to fail through the seam the watcher opens
    with; tests/e2e/test_watch_hardening.py does it for real)"""
    w, submitted, clock = watcher
    w.settings.watch.read_attempts = 3
    w.settings.retry_delays_seconds = [1]
    path = w.stations[0].inbox / "khoá.png"
    path.write_bytes(scan_png)

    def cannot_open(_: Path) -> None:
        raise UnreadableFileError("khoá.png: cannot be opened (Permission denied)")

    monkeypatch.setattr(watch_module, "opened_source", cannot_open)
    for _ in range(2):
        assert settle(w, clock) == 0
        assert path.exists() and w.repository.list_records() == []
    settle(w, clock)

    (record,) = w.repository.list_records()
    assert record.status is Status.FAILED and "Permission denied" in record.error
    assert record.filename == "khoá.png" and record.original_key is None
    assert submitted == [] and not path.exists()
    note = (w.stations[0].failed / "khoá.png.error.txt").read_text(encoding="utf-8")
    assert "Permission denied" in note and record.id in note


def test_a_scan_that_cannot_go_to_processed_goes_to_failed_and_the_watcher_goes_on(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes) -> None:
    w, submitted, clock = watcher
    station = w.stations[0]
    station.processed.write_bytes(b"")  # processed/ is a file: nothing can be moved into it
    (station.inbox / "a.png").write_bytes(scan_png)

    assert settle(w, clock) == 1
    (record,) = w.repository.list_records()
    assert record.status is Status.RECEIVED and [r.id for r in submitted] == [record.id]
    note = (station.failed / "a.png.error.txt").read_text(encoding="utf-8")
    assert f"stored as record {record.id}, but it could not be moved" in note

    (station.inbox / "b.png").write_bytes(other_png(3))
    assert settle(w, clock) == 1


def test_a_named_pipe_and_a_link_are_left_and_later_scans_taken(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes,
        tmp_path: Path) -> None:
    w, _, clock = watcher
    inbox = w.stations[0].inbox
    os.mkfifo(inbox / "pipe.pdf")
    secret = tmp_path / "environ"
    secret.write_bytes(b"S3_SECRET_KEY=x")
    (inbox / "link.pdf").symlink_to(secret)
    (inbox / "a.png").write_bytes(scan_png)

    assert settle(w, clock) == 1
    assert sorted(p.name for p in inbox.iterdir() if p.name not in {"processed", "failed"}) \
        == ["link.pdf", "pipe.pdf"]
    (record,) = w.repository.list_records()
    assert record.filename == "a.png"


def test_an_error_nobody_expected_on_one_file_does_not_stop_the_others(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    w, _, clock = watcher
    inbox = w.stations[0].inbox
    (inbox / "a.png").write_bytes(scan_png)
    (inbox / "b.png").write_bytes(other_png(5))
    inspect = Watcher.inspection_problem

    def broken_on_a(self: Watcher, source: Source) -> str | None:
        if source.path.name == "a.png":
            raise RuntimeError("a bug")
        return inspect(self, source)

    monkeypatch.setattr(Watcher, "inspection_problem", broken_on_a)
    assert settle(w, clock) == 1
    assert (inbox / "a.png").exists() and not (inbox / "b.png").exists()


def other_png(shade: int) -> bytes:
    out = BytesIO()
    Image.new("L", (200, 100), shade).save(out, format="PNG")
    return out.getvalue()


def test_the_sweep_skips_a_record_finished_since_it_was_listed(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes) -> None:
    """GIVEN two received records in one sweep WHEN the first one's recovery takes so long
    that the second record's run finishes it meanwhile THEN the second is not submitted
    again: the sweep reads each record afresh, not from the list it started with."""
    w, _, clock = watcher
    (w.stations[0].inbox / "a.png").write_bytes(scan_png)
    (w.stations[0].inbox / "b.png").write_bytes(other_png(90))
    assert settle(w, clock) == 2
    first, second = sorted(w.repository.list_unfinished(), key=lambda r: r.filename)
    recovered: list[str] = []

    def rerun_attempt(_: Services, record: DossierRecord) -> int:
        recovered.append(record.filename)
        if record.id == first.id:  # meanwhile the other record's run ends
            w.repository.set_status(second.id, Status.PROCESSING)
            w.repository.set_status(second.id, Status.DIGITIZED)
        return 0

    w.rerun_attempt = rerun_attempt
    w.pending.clear()
    # Listed in this order, as the sweep's list would have them.
    w.repository.list_unfinished = lambda limit=1000: [first, second]  # type: ignore[method-assign]
    assert w.recover() == 1
    assert recovered == ["a.png"]


def test_the_sweep_submits_a_stations_records_again_in_runs_of_max_files(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes) -> None:
    """GIVEN six received records whose runs are gone (the watcher was killed before it
    submitted them) WHEN the sweep takes them up THEN they go in runs of at most
    ``max_files_per_run`` (each run is a worker process of its own), each run's attempt
    the highest its records need, and a record whose run is alive is left out."""
    w, _, clock = watcher
    for shade in range(6):
        (w.stations[0].inbox / f"{shade}.png").write_bytes(other_png(60 + 10 * shade))
    assert settle(w, clock) == 6
    w.settings.watch.max_files_per_run = 2
    w.pending.clear()
    w.runs.clear()  # type: ignore[attr-defined]
    w.attempts.clear()  # type: ignore[attr-defined]
    needed = {"0.png": 0, "1.png": 2, "2.png": None, "3.png": 0, "4.png": 1, "5.png": 0}
    w.rerun_attempt = lambda _, record: needed[record.filename]
    w.repository.list_unfinished = lambda limit=1000: sorted(  # type: ignore[method-assign]
        w.repository.list_records(), key=lambda r: r.filename)

    assert w.recover() == 5
    assert w.runs == [["0.png", "1.png"], ["3.png", "4.png"],  # type: ignore[attr-defined]
                      ["5.png"]]
    assert w.attempts == [2, 1, 0]  # type: ignore[attr-defined]


def test_the_sweep_ends_dead_runs_and_goes_on_when_prefect_cannot_say(
        watcher: tuple[Watcher, list[DossierRecord], Clock], scan_png: bytes,
        caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a sweep WHEN it runs THEN it first ends the runs whose worker died after
    their last record (deployments.end_dead_runs), naming each in the log; when Prefect
    cannot be asked, it says so and still takes up the unfinished records."""
    w, _, clock = watcher
    (w.stations[0].inbox / "a.png").write_bytes(scan_png)
    assert settle(w, clock) == 1
    w.pending.clear()
    w.rerun_attempt = lambda _, record: 0
    dead = uuid.uuid4()
    w.end_dead_runs = lambda services: [dead]
    with caplog.at_level("INFO", logger="sohoa.watch"):
        assert w.recover() == 1
    assert f"flow run {dead} had finished its records" in caplog.text

    def unreachable(_: Services) -> list[uuid.UUID]:
        raise ConnectionError("Prefect is down")

    w.end_dead_runs = unreachable
    caplog.clear()
    with caplog.at_level("WARNING", logger="sohoa.watch"):
        assert w.recover() == 1
    assert "cannot look for runs left by a dead worker yet (ConnectionError" in caplog.text
