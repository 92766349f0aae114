"""PDFs as offices receive them besides scans: born-digital pages (exported from a word
processor, real text in a real font) and signed scans (a scanned image under a few words of
a digital-signature stamp in a corner). Written with fpdf2, another writer than the poppler
that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class PlacedLine:
    """One line of a born-digital page: its text, where it starts (``x_mm`` from the left
    edge, or its middle when ``centred``), its baseline ``y_mm`` from the top, size, bold."""

    text: str
    x_mm: float
    y_mm: float
    size_pt: float = 13
    bold: bool = False
    centred: bool = False


SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"


def write_placed_pdf(path: Path, pages: list[list[PlacedLine]]) -> Path:
    """A born-digital PDF whose lines stand where ``pages`` put them, in Liberation Serif
    (Times New Roman's metrics, the font Decree 30/2020 prescribes): an administrative
    document as a word processor exports it, signed digitally instead of stamped."""
    pdf = _new_pdf()
    pdf.add_font("Serif", "", SERIF)
    pdf.add_font("Serif", "B", SERIF_BOLD)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.set_font("Serif", "B" if line.bold else "", size=line.size_pt)
            x = line.x_mm - pdf.get_string_width(line.text) / 2 if line.centred else line.x_mm
            pdf.text(x, line.y_mm, line.text)
    pdf.output(str(path))
    return path


def official_letter_lines(body: str, number: str, place_date: str, kind: str, subject: str,
                          recipient: str, signer: tuple[str, str, str]) -> list[PlacedLine]:
    """One page laid out as Decree 30/2020's Appendix I places an administrative document's
    parts: body and number top left, motto and date top right, kind and subject centred,
    «Kính gửi», a paragraph, «Nơi nhận» bottom left and the signer's block bottom right
    (``signer``: authority, title, name)."""
    left, right = 52.0, 140.0  # the middles of the header's two columns
    authority, title, name = signer
    return [
        PlacedLine(body.upper(), left, 20, 12, bold=True, centred=True),
        PlacedLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right, 20, 12, bold=True, centred=True),
        PlacedLine("Độc lập - Tự do - Hạnh phúc", right, 26, 13, bold=True, centred=True),
        PlacedLine(f"Số: {number}", left, 34, 13, centred=True),
        PlacedLine(place_date, right, 34, 13, centred=True),
        PlacedLine(kind.upper(), 105, 50, 14, bold=True, centred=True),
        PlacedLine(subject, 105, 57, 14, bold=True, centred=True),
        PlacedLine(f"Kính gửi: {recipient}", 105, 70, 14, centred=True),
        PlacedLine("Thực hiện chương trình công tác năm, Ủy ban nhân dân thông báo đến các",
                   30, 84, 14),
        PlacedLine("cơ quan, đơn vị biết và phối hợp thực hiện theo đúng quy định hiện hành.",
                   20, 91, 14),
        PlacedLine("Nơi nhận:", 20, 120, 12, bold=True),
        PlacedLine("- Như trên;", 20, 126, 11),
        PlacedLine("- Lưu: VT.", 20, 131, 11),
        PlacedLine(authority, 150, 120, 13, bold=True, centred=True),
        PlacedLine(title, 150, 126, 13, bold=True, centred=True),
        PlacedLine(name, 150, 152, 14, bold=True, centred=True),
    ]
