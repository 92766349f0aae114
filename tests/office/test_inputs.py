"""Which files `sohoa process` takes: everything below the folders given, nothing outside."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from office.inputs import collect_inputs, find_inputs
from schemas.errors import InputFileError


@pytest.fixture
def station(tmp_path: Path) -> Path:
    folder = tmp_path / "station"
    (folder / "2024" / ".sync").mkdir(parents=True)
    (folder / "tờ khai 01.pdf").write_bytes(b"%PDF-1.4")
    (folder / "2024" / "giấy hẹn.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "2024" / ".sync" / "state.db").write_bytes(b"")
    (folder / ".~lock.tờ khai 01.pdf#").write_bytes(b"")
    return folder


def test_files_below_folders_are_taken_and_hidden_ones_skipped(station: Path) -> None:
    assert collect_inputs([station]) == [
        (station / "2024" / "giấy hẹn.jpg").resolve(), (station / "tờ khai 01.pdf").resolve()]


def test_a_link_leading_outside_the_folder_is_skipped_and_said(
        station: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN links in a station folder to a file and a folder outside it, and a link to a
    file inside WHEN inputs are collected THEN only the inside one is taken (as its target),
    and each outside one is logged with the reason."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "shadow").write_text("root:x:0:0")
    (station / "mật khẩu.pdf").symlink_to(secret / "shadow")
    (station / "thư mục khác").symlink_to(secret, target_is_directory=True)
    (station / "bản sao.pdf").symlink_to(station / "tờ khai 01.pdf")

    with caplog.at_level(logging.WARNING, logger="sohoa.inputs"):
        taken = collect_inputs([station])

    assert taken == [(station / "2024" / "giấy hẹn.jpg").resolve(),
                     (station / "tờ khai 01.pdf").resolve()]
    assert not any(path.is_relative_to(secret.resolve()) for path in taken)
    skipped = find_inputs([station]).skipped
    assert sorted(path.name for path, _ in skipped) == ["mật khẩu.pdf", "thư mục khác"]
    assert all("outside the folders given" in reason for _, reason in skipped)
    assert "mật khẩu.pdf" in caplog.text and "outside the folders given" in caplog.text


def test_a_link_into_another_folder_given_is_taken(station: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (station / "scan link.png").symlink_to(other / "scan.png")
    assert (other / "scan.png").resolve() in collect_inputs([station, other])


def test_broken_and_looping_links_and_pipes_are_skipped(station: Path) -> None:
    (station / "gone.pdf").symlink_to(station / "no-such.pdf")
    (station / "loop.pdf").symlink_to(station / "loop.pdf")
    os.mkfifo(station / "pipe.pdf")  # reading it would wait for ever
    found = find_inputs([station])
    reasons = {path.name: reason for path, reason in found.skipped}
    assert set(reasons) == {"gone.pdf", "loop.pdf", "pipe.pdf"}
    assert "does not exist" in reasons["gone.pdf"]
    assert "not a regular file" in reasons["pipe.pdf"]
    assert len(found.files) == 2


def test_a_file_given_by_name_is_taken_even_through_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.pdf"
    real.write_bytes(b"%PDF-1.4")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    assert collect_inputs([link]) == [real.resolve()]


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file or folder"):
        collect_inputs([tmp_path / "nothing here"])
