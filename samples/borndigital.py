"""PDFs as offices receive them besides scans: born-digital pages (exported from a word
processor, real text in a real font) and signed scans (a scanned image under a few words of
a digital-signature stamp in a corner). Written with fpdf2, another writer than the poppler
that reads them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from fpdf import FPDF
from fpdf.enums import TextMode
from PIL import Image

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4_MM = (210.0, 297.0)
_LEFT_MM, _TOP_MM = 25.0, 30.0
_FIXED_DATE = datetime(2025, 1, 1, tzinfo=UTC)  # the same input gives the same bytes
# What signing software stamps on a signed scan (Vietnamese government CA style).
SIGNATURE_STAMP = ["Ký bởi: Ủy ban nhân dân xã Hải Minh",
                   "Ngày ký: 24.06.2024 09:15:32 +07:00"]


def _new_pdf() -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", FONT)
    return pdf


def write_born_digital_pdf(path: Path, pages: list[list[str]], size_pt: float = 12) -> Path:
    """A PDF whose pages carry ``pages``' lines as text in DejaVu Sans, with a rule under
    the first line (as a letterhead has), like a document exported from a word processor."""
    pdf = _new_pdf()
    line_mm = size_pt * 1.6 * 25.4 / 72
    for lines in pages:
        pdf.add_page()
        pdf.set_font("DejaVu", size=size_pt)
        for number, line in enumerate(lines):
            pdf.text(_LEFT_MM, _TOP_MM + number * line_mm, line)
        pdf.line(_LEFT_MM, _TOP_MM + 0.4 * line_mm, A4_MM[0] - _LEFT_MM,
                 _TOP_MM + 0.4 * line_mm)
    pdf.output(str(path))
    return path


def write_signed_scan_pdf(path: Path, scan: np.ndarray, stamp: list[str] | None = None,
                          invisible: bool = False) -> Path:
    """A one-page PDF: ``scan`` (grey pixels) filling an A4 page, with the signature stamp's
    lines written as text in the bottom right corner (invisible: text render mode 3)."""
    pdf = _new_pdf()
    pdf.add_page()
    pdf.image(Image.fromarray(scan), x=0, y=0, w=A4_MM[0], h=A4_MM[1])
    pdf.set_font("DejaVu", size=7)
    if invisible:
        pdf.text_mode = TextMode.INVISIBLE
    lines = SIGNATURE_STAMP if stamp is None else stamp
    for number, line in enumerate(lines):
        pdf.text(A4_MM[0] - 75, A4_MM[1] - 20 + number * 3.5, line)
    pdf.output(str(path))
    return path
