"""Station folders: which files are ready, which are never taken, where taken files go."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from config.settings import StationSettings, WatchSettings
from office.stations import Settling, Station, move_to, move_to_failed, scan_inbox

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


def test_scan_skips_processed_failed_and_symlinks(tmp_path: Path) -> None:
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
    assert found == ["b.png", "sub/a.pdf"]


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
