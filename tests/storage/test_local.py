"""The local folder store: atomic, checksummed, confined to its root."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from schemas.errors import IntegrityError, StorageError
from storage.local import LocalObjectStore
from storage.objects import atomic_write

UNIT = {"unit": "UBND xã Thạch Hạ", "station": "mot-cua-thach-ha"}


def hidden_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob(".*") if path.is_file() and ".meta" not in path.parts]


def test_put_file_records_the_checksum_and_reads_back(local_store: LocalObjectStore,
                                                      tmp_path: Path) -> None:
    source = tmp_path / "Tờ khai khai sinh.pdf"
    source.write_bytes(b"%PDF-1.4 " + os.urandom(300_000))

    stored = local_store.put_file("originals/2026/11/r1/original.pdf", source,
                                  "application/pdf", UNIT)

    assert stored.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert stored.size == source.stat().st_size
    assert local_store.stat(stored.key) == stored
    assert stored.metadata == UNIT
    assert local_store.get_bytes(stored.key) == source.read_bytes()


def test_put_bytes_overwrites_and_leaves_no_temporary_files(
        local_store: LocalObjectStore) -> None:
    local_store.put_bytes("text/2026/11/r1.txt", b"first", "text/plain")
    stored = local_store.put_bytes("text/2026/11/r1.txt", "Họ và tên".encode(), "text/plain")

    assert local_store.get_bytes("text/2026/11/r1.txt").decode() == "Họ và tên"
    assert stored.content_type == "text/plain"
    assert hidden_files(local_store.root) == []


def test_a_failed_write_keeps_the_previous_object_whole(local_store: LocalObjectStore,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a stored object WHEN rewriting it fails before the rename (fsync error)
    THEN the old content and checksum are intact and no temporary file is left."""
    local_store.put_bytes("json/r1.json", b'{"v": 1}', "application/json")

    def failing_fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("storage.objects.os.fsync", failing_fsync)
    with pytest.raises(StorageError, match="Input/output error"):
        local_store.put_bytes("json/r1.json", b'{"v": 2}', "application/json")
    monkeypatch.undo()

    assert local_store.get_bytes("json/r1.json") == b'{"v": 1}'
    assert hidden_files(local_store.root) == []


def test_atomic_write_replaces_only_a_complete_file(tmp_path: Path) -> None:
    dest = tmp_path / "out.bin"
    dest.write_bytes(b"old")

    def broken_stream():
        yield b"new part"
        raise ConnectionError("source broke off")

    with pytest.raises(ConnectionError):
        atomic_write(dest, broken_stream())

    assert dest.read_bytes() == b"old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.bin"]


def test_content_changed_on_disk_is_detected(local_store: LocalObjectStore,
                                             tmp_path: Path) -> None:
    key = "originals/2026/11/r1/original.tif"
    local_store.put_bytes(key, b"II*\x00 scan bytes", "image/tiff")
    (local_store.root / key).write_bytes(b"II*\x00 scan bytez")  # bit rot, same size

    with pytest.raises(IntegrityError, match="does not match its recorded checksum"):
        local_store.get_bytes(key)
    with pytest.raises(IntegrityError):
        local_store.download(key, tmp_path / "copy.tif")
    with pytest.raises(IntegrityError):
        local_store.copy(key, "quarantine/2026/11/r1/original.tif")
    assert not (tmp_path / "copy.tif").exists()
    assert local_store.stat("quarantine/2026/11/r1/original.tif") is None


def test_download_writes_the_verified_content(local_store: LocalObjectStore,
                                              tmp_path: Path) -> None:
    local_store.put_bytes("pdf/r1.pdf", b"%PDF-1.7 searchable", "application/pdf")
    dest = tmp_path / "nested" / "r1.pdf"

    local_store.download("pdf/r1.pdf", dest)

    assert dest.read_bytes() == b"%PDF-1.7 searchable"


@pytest.mark.parametrize("key", [
    "../outside.txt", "a/../../outside.txt", "/etc/passwd", "a\\..\\b.txt", "", "a//b.txt",
    "a/./b.txt", ".meta/a.txt.json", "a/.hidden", "a/b\x00c", "trailing/",
])
def test_keys_that_could_escape_or_collide_are_refused(local_store: LocalObjectStore,
                                                       tmp_path: Path, key: str) -> None:
    before = set(tmp_path.rglob("*"))

    with pytest.raises(ValueError, match="invalid object key"):
        local_store.put_bytes(key, b"x", "text/plain")

    assert set(tmp_path.rglob("*")) == before


def test_a_symlink_cannot_lead_writes_outside_the_root(local_store: LocalObjectStore,
                                                       tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    local_store.root.mkdir(parents=True)
    (local_store.root / "link").symlink_to(outside)

    with pytest.raises(ValueError, match="outside the store"):
        local_store.put_bytes("link/evil.txt", b"x", "text/plain")
    assert list(outside.iterdir()) == []


def test_content_without_its_sidecar_counts_as_absent(local_store: LocalObjectStore) -> None:
    local_store.put_bytes("a.txt", b"a", "text/plain")
    (local_store.root / ".meta" / "a.txt.json").unlink()

    assert local_store.stat("a.txt") is None


def test_presigned_url_is_a_readable_file_uri(local_store: LocalObjectStore) -> None:
    local_store.put_bytes("json/2026/11/r1.json", b"{}", "application/json")

    url = local_store.presigned_url("json/2026/11/r1.json", timedelta(minutes=5))

    assert url.startswith("file:///")
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"{}"


def test_check_passes_on_a_writable_folder(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "new" / "objects")
    store.check()
    assert store.root.is_dir()
    assert list(store.root.iterdir()) == []  # the probe is gone


def test_check_names_an_unusable_folder_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    store = LocalObjectStore(tmp_path / "a-file" / "objects")

    with pytest.raises(StorageError) as raised:
        store.check()

    message = str(raised.value)
    assert "\n" not in message
    assert str(store.root) in message and "not writable" in message
