"""The page sequence as one function, on real Tesseract: read, digits re-read, PDF page."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pikepdf

from pipeline.page import PageOptions, codes_on, may_carry_bars, process_page
from schemas.ocr import CodeReading
from tests.pipeline.conftest import turn_page
from tests.pipeline.ocr_builders import BIRTH_FORM, RECEIPT_FORM, make_page
from tests.pipeline.test_barcodes import photocopied, receipt


def test_a_page_turned_half_round_is_read_upright_with_its_pdf_page(text_page, tmp_path):
    """
    GIVEN a scanned page lying upside down
    WHEN processed
    THEN its words are read upright, its rotation is said, and the PDF page holds the image
    under a text layer with the same words.
    """
    decoded: list[int] = []

    def decode() -> np.ndarray:
        decoded.append(1)
        return turn_page(np.array(text_page), 180)

    result = process_page(decode, 3, PageOptions(work_dir=tmp_path))
    words = {word.text for line in result.page.lines for word in line.words}
    assert result.page.number == 3 and result.page.rotation == 180
    assert {"Làm", "tại:", "2024"} <= words and result.page.mean_confidence > 80
    pdf = pikepdf.open(io.BytesIO(result.pdf))
    assert len(pdf.pages) == 1 and list(pdf.pages[0].images)
    written = tmp_path / "page.pdf"
    written.write_bytes(result.pdf)
    text = subprocess.run(["pdftotext", str(written), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Làm tại:" in text  # the text layer, extractable with its diacritics
    assert decoded == [1]  # read well once: decoded once


def test_only_a_page_printing_a_code_or_as_bare_as_a_cover_sheet_is_searched_for_bars() -> None:
    """Bars are searched again, averaged, on a page that prints a dossier code (its line
    read again) or holds no more sure words than a cover sheet; a form is not (~25 ms)."""
    form = make_page(BIRTH_FORM)
    printing = make_page(RECEIPT_FORM).model_copy(update={"code_readings": [CodeReading(
        code="000.00.21.H27-241128-0001", first="000.00.21.H27-241128-0001",
        bbox=(0, 0, 10, 10))]})
    bare = make_page(["Mã số hồ sơ", "Bộ phận Một cửa UBND xã Thạch Hạ"])
    assert [may_carry_bars(p) for p in (form, printing, bare)] == [False, True, True]
    code, page = receipt("code128", dpi=200)
    damaged = photocopied(page)
    assert [c.text for c in codes_on(damaged, printing)] == [code]
    assert codes_on(damaged, form) == [] == codes_on(damaged)
