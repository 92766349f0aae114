"""The watcher's decisions, on the embedded stores, with runs submitted to a list.

(The same watcher against a Prefect server, real workers and S3 is in tests/e2e/test_watch.py.)
"""

from __future__ import annotations

import uuid
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from config.settings import Settings, StationSettings, WatchSettings
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

    def submit(_: Settings, records: list[DossierRecord]) -> uuid.UUID:
        submitted.extend(records)
        runs.append([record.filename for record in records])
        return uuid.uuid4()

    clock = Clock()
    watcher = Watcher(Services(settings), submit, lambda *_: None, clock=clock)
    watcher.runs = runs  # type: ignore[attr-defined] - what each submitted run holds
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

    restarted = Watcher(w.services, w.submit, w.recover_one, clock=clock)
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
