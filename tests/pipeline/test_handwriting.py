"""Handwritten marks in printed blanks told from print by their place on the line
(pipeline/handwriting.py)."""

import pytest

from pipeline.handwriting import is_handwritten
from schemas.ocr import OcrWord

# «Quảng Ngãi, ngày 9 tháng 03 năm 2025» as Tesseract boxed a generated header line (300 DPI):
# printed words' tops 444–445, digits 37 px tall.
PRINTED = [("Quảng", 444, 493), ("Ngãi,", 442, 489), ("ngày", 444, 493), ("DAY", 0, 0),
           ("tháng", 444, 493), ("03", 445, 482), ("năm", 444, 482), ("2025", 445, 482)]


def _line(day: tuple[int, int], confidence: float = 96.0) -> list[OcrWord]:
    words = []
    for k, (text, top, bottom) in enumerate(PRINTED):
        if text == "DAY":
            text, (top, bottom) = "9", day
        words.append(OcrWord(text=text, confidence=confidence if text == "9" else 96.0,
                             bbox=(100 * k, top, 100 * k + 80, bottom)))
    return words


@pytest.mark.parametrize("day", [(416, 488), (418, 493), (445, 520), (430, 500)])
def test_a_day_taller_than_print_or_off_its_line_is_handwritten(day):
    """Tesseract's confidence in it is as high as the print's: the geometry tells."""
    assert is_handwritten(_line(day), 3)


@pytest.mark.parametrize("day", [(445, 482), (447, 484), (443, 481)])
def test_a_printed_day_is_not(day):
    assert not is_handwritten(_line(day), 3)


def test_a_line_with_no_sure_print_decides_nothing():
    words = [OcrWord(text="9", confidence=40.0, bbox=(0, 400, 40, 500)),
             OcrWord(text="~", confidence=20.0, bbox=(50, 445, 90, 482))]
    assert not is_handwritten(words, 0)
