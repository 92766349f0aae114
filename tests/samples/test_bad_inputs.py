"""The bad-input corpus is what it claims to be: each file really has its defect."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pikepdf
import pytest

from pipeline.load import sha256_of
from samples.bad_inputs import BOMB_SIDE_PIXELS, HUGE_SIDE_PIXELS, BadInput, write_bad_inputs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[BadInput]]:
    folder = tmp_path_factory.mktemp("bad")
    return folder, write_bad_inputs(folder, dpi=150)


def by_name(cases: list[BadInput], fragment: str) -> BadInput:
    return next(case for case in cases if fragment in case.name)


def test_every_case_is_written_once_with_a_distinct_name_and_content(
        corpus: tuple[Path, list[BadInput]]) -> None:
    folder, cases = corpus
    assert sorted(p.name for p in folder.iterdir()) == sorted(c.name for c in cases)
    assert len({c.stem for c in cases}) == len(cases)  # one JSON each under --json-out
    # Identical bytes would make a `duplicate`, not the outcome the case is about.
    assert len({sha256_of(folder / c.name) for c in cases}) == len(cases)
    assert {c.status for c in cases} == {"failed", "digitized", "needs_review"}
    assert all(c.message for c in cases if c.status != "digitized")


def test_the_decompression_bomb_is_a_valid_png_of_ten_gigapixels(
        corpus: tuple[Path, list[BadInput]]) -> None:
    folder, cases = corpus
    data = (folder / by_name(cases, "bom").name).read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (BOMB_SIDE_PIXELS, BOMB_SIDE_PIXELS)
    assert len(data) < 2_000_000
    inflater = zlib.decompressobj()
    start = inflater.decompress(data[41:-16], 50_000_000)  # the first 50 MB of 1.25 GB
    assert len(start) == 50_000_000 and not start.strip(b"\x00")


def test_the_pdfs_have_their_defects(corpus: tuple[Path, list[BadInput]]) -> None:
    folder, cases = corpus
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(folder / by_name(cases, "mật khẩu").name)
    with pikepdf.open(folder / by_name(cases, "khổng lồ").name) as pdf:
        side = float(pdf.pages[0].mediabox[2])
        assert round(side / 72 * 150) == HUGE_SIDE_PIXELS
    with pikepdf.open(folder / by_name(cases, "lớp chữ").name) as pdf:
        assert b"Tj" in pdf.pages[0].Contents.read_bytes()
    xref = (folder / by_name(cases, "xref").name).read_bytes()
    offset = int(xref[xref.rindex(b"\nxref"):].split(b"\n")[4][:10])
    assert not xref[offset:].lstrip().startswith(b"1 0 obj")  # the first entry points wrong
    assert (folder / by_name(cases, "rỗng").name).stat().st_size == 0


def test_file_types_disagree_with_names(corpus: tuple[Path, list[BadInput]]) -> None:
    folder, cases = corpus
    assert (folder / by_name(cases, "jpeg.pdf").name).read_bytes()[:3] == b"\xff\xd8\xff"
    assert (folder / by_name(cases, "pdf.jpg").name).read_bytes()[:5] == b"%PDF-"
