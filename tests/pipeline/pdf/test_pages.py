"""The searchable PDF keeps the page image and puts findable text where it is printed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import OcrOptions, recognize_page
from pipeline.pdf import build_page_pdf, merge_page_pdfs
from schemas.errors import TemporarySpaceError

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def colour_page(text: str) -> np.ndarray:
    image = Image.new("RGB", (1200, 500), (250, 245, 230))
    draw = ImageDraw.Draw(image)
    draw.text((100, 200), text, font=ImageFont.truetype(FONT, 44), fill=(20, 20, 120))
    return np.ascontiguousarray(np.asarray(image)[:, :, ::-1])


def test_searchable_pdf_has_image_and_text_at_the_printed_place(tmp_path: Path) -> None:
    """GIVEN a colour page WHEN made searchable THEN pdftotext finds the words inside
    the printed area, and the page size follows the DPI."""
    pages = []
    for number, text in enumerate(["Giấy tiếp nhận hồ sơ", "Mã hồ sơ 000.00.21.H27"], start=1):
        image = colour_page(text)
        grey = image.mean(axis=2).astype(np.uint8)
        recognition = recognize_page(grey, number, OcrOptions(dpi=150))
        path = tmp_path / f"page-{number}.pdf"
        path.write_bytes(build_page_pdf(image, recognition.text_layer_pdf, dpi=150))
        pages.append(path)
    merged = tmp_path / "searchable.pdf"
    merge_page_pdfs(pages, merged)

    info = subprocess.run(["pdfinfo", str(merged)], capture_output=True, text=True).stdout
    assert "Pages:           2" in info
    with pikepdf.open(merged) as pdf:  # the pages share one copy of Tesseract's font
        fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                 and o.get("/Type") == pikepdf.Name.Font]
        assert len(fonts) == 2  # the Type0 font and its CID font, not two of each
    assert "576 x 240 pts" in info
    text = subprocess.run(["pdftotext", "-layout", str(merged), "-"], capture_output=True,
                          text=True).stdout
    assert "Giấy tiếp nhận hồ sơ" in text
    assert "000.00.21.H27" in text
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(merged), "-"],
                          capture_output=True, text=True).stdout
    first_word = next(line for line in bbox.splitlines() if "<word" in line)
    y_min = float(first_word.split('yMin="')[1].split('"')[0])
    assert 80 < y_min < 110  # printed at pixel 200 of 500 at 150 DPI = 96 pt

    raster = tmp_path / "back"
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(merged),
                    str(raster)], check=True)
    rendered = np.asarray(Image.open(next(tmp_path.glob("back*.png"))).convert("RGB"))
    assert rendered.shape[:2] == (500, 1200)
    assert abs(int(rendered[20, 20, 2]) - 230) < 12  # the cream paper colour survived


def test_a_full_disk_when_merging_is_a_clear_error(tmp_path: Path) -> None:
    """GIVEN a destination on a full device (/dev/full: every write fails with ENOSPC) WHEN
    pages are merged THEN the error names the folder and says what to do."""
    page = tmp_path / "page.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    pdf.save(page)
    with pytest.raises(TemporarySpaceError, match="no space left for temporary files in /dev"):
        merge_page_pdfs([page], Path("/dev/full"))
