"""The page sequence as one function, on real Tesseract: read, digits re-read, PDF page."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pikepdf

from pipeline.page import PageOptions, process_page
from tests.pipeline.conftest import turn_page


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
