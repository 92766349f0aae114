"""Station folders: which files are ready, which are never taken, where taken files go."""

from __future__ import annotations

import logging
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.settings import StationSettings, WatchSettings
from office.stations import (
    Settling,
    SourceReplacedError,
    Station,
    fit_name,
    identity_of,
    move_to,
    move_to_failed,
    open_for_writing,
    restore_claims,
    scan_inbox,
    shown,
    take_away,
)

WATCH = WatchSettings()


def station(tmp_path: Path) -> Station:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return Station.from_settings(StationSettings(name="thach-ha", folder=inbox, unit="xã"), WATCH)


def test_temporary_and_foreign_names_are_never_taken(tmp_path: Path) -> None:
    s = station(tmp_path)
    wanted = ["scan 01.pdf", "ẢNH.JPG", "b.tiff", "c.png"]
    unwanted = ["scan 02.pdf.part", "x.tmp", "~$đơn.pdf", ".hidden.pdf", "notes.docx",
                "a.pdf.error.txt"]
    assert [name for name in wanted if not s.wants(s.inbox / name, WATCH.ignore_patterns)] == []
    assert [name for name in unwanted if s.wants(s.inbox / name, WATCH.ignore_patterns)] == []


def test_scan_skips_processed_failed_and_linked_folders(tmp_path: Path) -> None:
    s = station(tmp_path)
    (s.inbox / "sub").mkdir()
    (s.inbox / "sub" / "a.pdf").write_bytes(b"%PDF")
    (s.inbox / "b.png").write_bytes(b"png")
    for folder in (s.processed, s.failed):
        folder.mkdir()
        (folder / "old.pdf").write_bytes(b"%PDF")
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF")
    (s.inbox / "link.pdf").symlink_to(outside)
    (s.inbox / "linked-dir").symlink_to(tmp_path, target_is_directory=True)

    found = sorted(p.relative_to(s.inbox).as_posix() for p in scan_inbox(s, WATCH.ignore_patterns))
    # The linked file is listed so that Settling can refuse it with a warning (next test).
    assert found == ["b.png", "link.pdf", "sub/a.pdf"]


def test_links_and_pipes_never_settle_and_are_warned_about_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    outside = tmp_path / "environ"
    outside.write_bytes(b"SECRET=1")
    (tmp_path / "link.pdf").symlink_to(outside)
    os.mkfifo(tmp_path / "pipe.pdf")
    settling = Settling(settle_seconds=1.0)
    for now in (100.0, 101.0, 102.0, 103.0):
        for name in ("link.pdf", "pipe.pdf"):
            settling.note(tmp_path / name, now)
        assert settling.ready(now) == []

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2, warnings
    assert "symbolic link" in warnings[0] and "named pipe" in warnings[1]


def test_a_file_swapped_for_a_link_before_it_settled_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7 half written")
    settling = Settling(settle_seconds=2.0)
    settling.note(path, now=100.0)
    secret = tmp_path / "environ"
    secret.write_bytes(b"S3_SECRET_KEY=x")
    path.unlink()
    path.symlink_to(secret)  # the mtime/size of the target would look settled through stat()

    assert settling.ready(now=103.0) == [] and settling.seen == {}


def test_a_file_held_open_for_writing_is_not_ready(tmp_path: Path) -> None:
    """GIVEN a writer that pauses longer than the settle delay with the file still open
    WHEN the watcher looks THEN the file is not ready until the writer closes it, and then
    only after a whole settle delay more."""
    path = tmp_path / "scan.pdf"
    settling = Settling(settle_seconds=2.0)
    with path.open("wb") as writer:  # pytest runs here: probe another process's descriptors
        writer.write(b"%PDF-1.7 page one")
        writer.flush()
        child = subprocess.Popen(["sleep", "30"], pass_fds=(writer.fileno(),))
    try:
        settling.note(path, now=100.0)
        assert settling.ready(now=105.0) == []
    finally:
        child.kill()
        child.wait()
    assert settling.ready(now=106.0) == []  # closed just now: settling again
    assert settling.ready(now=108.0) == [path]


def test_open_for_writing_sees_writers_only(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"x")
    key = (path.stat().st_dev, path.stat().st_ino)
    with path.open("rb") as reader:
        child = subprocess.Popen(["sleep", "30"], pass_fds=(reader.fileno(),))
    try:
        assert open_for_writing({key}) == set()
    finally:
        child.kill()
        child.wait()
    with path.open("ab") as writer:
        child = subprocess.Popen(["sleep", "30"], pass_fds=(writer.fileno(),))
    try:
        assert open_for_writing({key}) == {key}
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize(("name", "room"), [
    ("ả" * 127 + ".pdf", 0),          # 254 + 4 bytes: two-byte letters cut whole
    ("a" * 251 + ".pdf", 0),          # exactly 255: kept
    ("a" * 246 + ".pdf", len(".error.txt")),
    ("x" * 300, 0),                   # no extension
    ("a" * 240 + "." + "b" * 40, 0),  # an "extension" too long to keep
])
def test_names_are_shortened_to_fit_with_extension_and_hash(name: str, room: int) -> None:
    fitted = fit_name(name, room)
    assert len(fitted.encode()) <= 255 - room
    if len(name.encode()) <= 255 - room:
        assert fitted == name
    else:
        assert re.search(r"~[0-9a-f]{8}", fitted)
        assert fitted.endswith(Path(name).suffix if len(Path(name).suffix) <= 16 else fitted[-9:])
        assert fit_name(name + "z", room) != fitted  # another long name: another hash


def test_a_255_byte_name_taken_twice_gets_a_fitting_free_name(tmp_path: Path) -> None:
    s = station(tmp_path)
    name = "ồ" * 83 + "ab.png"  # 83 × 3 + 6 = 255 bytes
    assert len(name.encode()) == 255
    for content in (b"one", b"two", b"three"):
        (s.inbox / name).write_bytes(content)
        move_to(s.processed, s.inbox / name, s)

    names = sorted(p.name for p in s.processed.iterdir())
    assert len(names) == 3 and name in names
    assert all(len(n.encode()) <= 255 and n.endswith(".png") for n in names)


def test_a_damaged_file_with_a_250_byte_name_gets_its_note(tmp_path: Path) -> None:
    s = station(tmp_path)
    name = "đ" * 123 + ".pdf"  # 250 bytes: with ".error.txt" the note's name would not fit
    (s.inbox / name).write_bytes(b"%PDF-1.4 cut")
    target = move_to_failed(s.inbox / name, s, "PDF is damaged", "rec-1",
                            datetime(2026, 11, 28, tzinfo=UTC))

    note = target.with_name(target.name + ".error.txt")
    assert note.read_text(encoding="utf-8").startswith(f"{name}: PDF is damaged\nstored as: ")
    assert target.suffix == ".pdf" and target.read_bytes() == b"%PDF-1.4 cut"


def test_names_in_notes_and_logs_cannot_forge_lines(tmp_path: Path) -> None:
    s = station(tmp_path)
    name = "a.pdf\nrecord: forged\u2028\x1b[31m.pdf"
    (s.inbox / name).write_bytes(b"%PDF-1.4 cut")
    target = move_to_failed(s.inbox / name, s, "damaged\ntime: never", "rec-1",
                            datetime(2026, 11, 28, tzinfo=UTC))

    lines = target.with_name(target.name + ".error.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split(":")[0] for line in lines] == ["a.pdf\\x0arecord", "record", "station",
                                                     "time"]
    assert lines[1] == "record: rec-1"
    assert shown("a\\b\nc\udcff") == "a\\\\b\\x0ac\\xff"


def test_a_file_replaced_under_its_name_after_it_was_read_stays(tmp_path: Path) -> None:
    """GIVEN a file read (its identity noted) WHEN another file is renamed over its name
    before it leaves THEN nothing leaves: the new file stays in the inbox under the name."""
    s = station(tmp_path)
    path = s.inbox / "scan.png"
    path.write_bytes(b"what was stored")
    identity = identity_of(os.stat(path))
    newer = s.inbox / "scan.png.part"
    newer.write_bytes(b"a newer scan")
    os.replace(newer, path)

    for folder in (s.processed, None):
        with pytest.raises(SourceReplacedError):
            take_away(path, identity, folder, s)
        assert path.read_bytes() == b"a newer scan"
    assert [p.name for p in s.inbox.iterdir()] == ["scan.png"]


def test_claims_left_by_a_killed_watcher_go_back_to_the_inbox(tmp_path: Path) -> None:
    s = station(tmp_path)
    (s.inbox / ".sohoa-taking-0123abcd-tờ khai.png").write_bytes(b"png")
    assert restore_claims(s) == [s.inbox / "tờ khai.png"]


def test_a_file_is_ready_only_after_it_stopped_changing(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7 part one")
    settling = Settling(settle_seconds=2.0)
    settling.note(path, now=100.0)
    assert settling.ready(now=101.0) == []
    assert settling.ready(now=102.0) == [path]

    with path.open("ab") as out:  # the scanner writes more: the clock starts again
        out.write(b" part two")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert settling.ready(now=103.0) == []
    assert settling.ready(now=104.9) == []
    assert settling.ready(now=105.0) == [path]

    path.unlink()
    assert settling.ready(now=110.0) == []
    assert settling.seen == {}


def test_taken_files_keep_their_place_and_never_overwrite(tmp_path: Path) -> None:
    s = station(tmp_path)
    (s.inbox / "sub").mkdir()
    first = s.inbox / "sub" / "a b.pdf"
    first.write_bytes(b"one")
    moved = move_to(s.processed, first, s)
    second = s.inbox / "sub" / "a b.pdf"
    second.write_bytes(b"two")
    moved_again = move_to(s.processed, second, s)

    assert moved == s.processed / "sub" / "a b.pdf"
    assert moved_again == s.processed / "sub" / "a b (2).pdf"
    assert (moved.read_bytes(), moved_again.read_bytes()) == (b"one", b"two")


def test_a_failed_file_gets_a_note_saying_why(tmp_path: Path) -> None:
    s = station(tmp_path)
    path = s.inbox / "hỏng.pdf"
    path.write_bytes(b"%PDF-1.4 cut")
    target = move_to_failed(path, s, "PDF is damaged", "rec-1", datetime(2026, 11, 28, tzinfo=UTC))

    assert target == s.failed / "hỏng.pdf" and not path.exists()
    note = (s.failed / "hỏng.pdf.error.txt").read_text(encoding="utf-8")
    assert "hỏng.pdf: PDF is damaged" in note and "rec-1" in note
