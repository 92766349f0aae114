"""Tesseract on real rendered text: one call yields word boxes, text and a text-layer PDF."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import (
    OcrOptions,
    check_languages,
    mean_confidence,
    parse_tsv,
    recognize_page,
    text_of,
)
from schemas.errors import ConfigurationError, OcrCrashError, OcrError, OcrTimeoutError

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Họ, chữ đệm, tên người mẹ: Trần Thị Lụa"]


def rendered_lines() -> np.ndarray:
    image = Image.new("L", (1500, 400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    for row, line in enumerate(LINES):
        draw.text((80, 80 + row * 110), line, font=font, fill=0)
    return np.asarray(image)


def test_recognize_page_reads_vietnamese_with_boxes_and_pdf() -> None:
    image = rendered_lines()
    result = recognize_page(image, 1, OcrOptions(languages="vie", dpi=200))
    assert [line.text for line in result.page.lines] == LINES
    assert result.page.mean_confidence > 85
    first = result.page.lines[0].words[0]
    assert first.text == "CỘNG"
    x0, y0, x1, y1 = first.bbox
    assert 70 <= x0 < x1 <= 300 and 60 <= y0 < y1 <= 140
    with pikepdf.open(__import__("io").BytesIO(result.text_layer_pdf)) as pdf:
        page = pdf.pages[0]
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 540, 144]


def test_blank_page_has_no_words_and_zero_confidence() -> None:
    result = recognize_page(np.full((300, 300), 255, np.uint8), 2, OcrOptions(dpi=100))
    assert result.page.lines == []
    assert result.page.mean_confidence == 0.0
    assert result.page.number == 2


def test_parse_tsv_groups_words_by_line_and_skips_non_words() -> None:
    header = "\t".join(["level", "page_num", "block_num", "par_num", "line_num", "word_num",
                        "left", "top", "width", "height", "conf", "text"])
    rows = [
        "4\t1\t1\t1\t1\t0\t10\t10\t100\t20\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t95.5\tNgày",
        "5\t1\t1\t1\t1\t2\t60\t10\t40\t20\t90\t05/03",
        "5\t1\t2\t1\t1\t1\t10\t50\t40\t20\t80\tNam",
        "5\t1\t2\t1\t1\t2\t60\t50\t40\t20\t-1\t ",
    ]
    lines = parse_tsv("\n".join([header, *rows]))
    assert [line.text for line in lines] == ["Ngày 05/03", "Nam"]
    assert lines[0].bbox == (10, 10, 100, 30)
    assert text_of(lines) == "Ngày 05/03\n\nNam"


def test_mean_confidence_ignores_dot_leaders() -> None:
    header = "\t".join(["level", "page_num", "block_num", "par_num", "line_num", "word_num",
                        "left", "top", "width", "height", "conf", "text"])
    rows = ["5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tTên:",
            "5\t1\t1\t1\t1\t2\t20\t0\t200\t10\t5\t......................",
            "5\t1\t1\t1\t1\t3\t230\t0\t40\t10\t80\tHà"]
    assert mean_confidence(parse_tsv("\n".join([header, *rows]))) == pytest.approx(
        (90 * 4 + 80 * 2) / 6, abs=0.01)


def test_missing_language_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="klingon"):
        check_languages("vie+klingon")


# --- Tesseract faults: stopped on time, killed, failing, no room; temporary files removed ---


def fake_tesseract(folder: Path, body: str) -> str:
    """An executable standing in for Tesseract (as SOHOA_OCR__TESSERACT_CMD may name one)."""
    script = folder / "tesseract"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def small_page() -> np.ndarray:
    return rendered_lines()[:200, :800]


def test_temporary_files_are_removed_after_a_page(work: Path) -> None:
    result = recognize_page(small_page(), 1, OcrOptions(dpi=200), work)
    assert result.page.lines
    assert list(work.iterdir()) == []


def test_tesseract_killed_is_a_retryable_ocr_error_and_leaves_nothing(tmp_path: Path,
                                                                     work: Path) -> None:
    """GIVEN a Tesseract that is killed (as by the out-of-memory killer) WHEN a page is read
    THEN the error says so and that a retry may help, and no temporary file is left."""
    options = OcrOptions(tesseract_cmd=fake_tesseract(tmp_path, "kill -KILL $$"), engine="cli")
    with pytest.raises(OcrCrashError, match=r"Tesseract was killed \(SIGKILL\) while reading "
                                            r"page 3") as raised:
        recognize_page(small_page(), 3, options, work)
    assert raised.value.retryable
    assert list(work.iterdir()) == []


def test_tesseract_over_the_time_limit_is_stopped(tmp_path: Path, work: Path) -> None:
    pid_file = tmp_path / "pid"
    options = OcrOptions(timeout_seconds=1, engine="cli", tesseract_cmd=fake_tesseract(
        tmp_path, f"echo $$ > '{pid_file}'\nexec sleep 60"))
    started = time.monotonic()
    with pytest.raises(OcrTimeoutError, match="longer than 1 s on page 1 and was stopped"):
        recognize_page(small_page(), 1, options, work)
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert list(work.iterdir()) == []


def test_real_tesseract_over_the_time_limit_is_stopped(work: Path) -> None:
    with pytest.raises(OcrTimeoutError):
        recognize_page(rendered_lines(), 1, OcrOptions(dpi=200, timeout_seconds=0.01), work)
    assert list(work.iterdir()) == []


def test_tesseract_failing_gives_its_reason(tmp_path: Path, work: Path) -> None:
    options = OcrOptions(engine="cli", tesseract_cmd=fake_tesseract(
        tmp_path, "echo 'Error in pixReadStream: Unknown format' >&2\nexit 1"))
    with pytest.raises(OcrError, match="Tesseract failed on page 2: Error in pixReadStream"):
        recognize_page(small_page(), 2, options, work)
    assert list(work.iterdir()) == []


def test_missing_tesseract_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="Tesseract is not installed"):
        recognize_page(small_page(), 1,
                       OcrOptions(tesseract_cmd=str(tmp_path / "none"), engine="cli"))


DISK_FULL = """
import resource, signal, sys
import numpy as np
from pathlib import Path
from schemas.errors import TemporarySpaceError
from pipeline.ocr import OcrOptions, recognize_page
# Writes past 1 KiB fail with EFBIG, as on a full disk, instead of killing the process: the
# page's text-only PDF (~2.8 kB) cannot be written whole.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
noise = np.random.default_rng(0).integers(0, 255, (400, 400), dtype=np.uint8)
try:
    recognize_page(noise, 1, OcrOptions(), Path(sys.argv[1]))
except TemporarySpaceError as error:
    print(error.retryable, error)
"""


def test_no_room_for_temporary_files_is_a_clear_error(work: Path) -> None:
    """GIVEN writes that fail as on a full disk (a file-size limit: no root needed) WHEN a
    page is read THEN the error names the folder, not a traceback, and nothing is left."""
    done = subprocess.run([sys.executable, "-c", DISK_FULL, str(work)], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parents[3])
    assert done.stdout.startswith(f"True no space left for temporary files in {work}"), (
        done.stdout + done.stderr)
    assert list(work.iterdir()) == []
