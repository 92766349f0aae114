"""Handwritten marks in printed blanks told from print by their place on the line
(pipeline/handwriting.py)."""

import pytest

from pipeline.handwriting import is_handwritten
from schemas.ocr import OcrWord

# «Quảng Ngãi, ngày 9 tháng 03 năm 2025» as Tesseract boxed a generated header line (300 DPI):
# printed words' tops 444–445, digits 37 px tall.
PRINTED = [("Quảng", 444, 493), ("Ngãi,", 442, 489), ("ngày", 444, 493), ("DAY", 0, 0),
           ("tháng", 444, 493), ("03", 445, 482), ("năm", 444, 482), ("2025", 445, 482)]


def _line(day: tuple[int, int], confidence: float = 96.0,
          x: tuple[int, int] = (300, 380)) -> list[OcrWord]:
    """The line with the day's word at ``day`` (top, bottom) and ``x``; the other words are
    80 px wide, 20 px apart (one space)."""
    words = []
    for k, (text, top, bottom) in enumerate(PRINTED):
        box = (100 * k, top, 100 * k + 80, bottom)
        if text == "DAY":
            text, box = "9", (x[0], day[0], x[1], day[1])
        words.append(OcrWord(text=text, confidence=confidence if text == "9" else 96.0,
                             bbox=box))
    return words


@pytest.mark.parametrize("day", [(445, 482), (430, 500), (416, 488)])
def test_a_day_alone_in_the_blank_is_handwritten_however_sure_tesseract_is(day):
    """Tesseract gave handwritten «7» and «6» confidence 95–96: the blank around it tells."""
    assert is_handwritten(_line(day, 96.0, x=(325, 350)), 3)


@pytest.mark.parametrize("day", [(416, 488), (418, 493), (445, 520), (430, 500)])
def test_a_day_off_the_printed_line_and_read_unsurely_is_handwritten(day):
    assert is_handwritten(_line(day, 70.0), 3)


@pytest.mark.parametrize(("day", "confidence"), [
    ((445, 482), 96.0), ((447, 484), 70.0), ((443, 481), 96.0),
    # A printed «20» on a hard scan: its box grown by specks, but read surely and set one
    # space from its neighbours.
    ((416, 488), 97.0)])
def test_a_printed_day_is_not(day, confidence):
    assert not is_handwritten(_line(day, confidence), 3)


def test_a_line_with_no_sure_print_decides_nothing():
    words = [OcrWord(text="9", confidence=40.0, bbox=(0, 400, 40, 500)),
             OcrWord(text="~", confidence=20.0, bbox=(50, 445, 90, 482))]
    assert not is_handwritten(words, 0)


def _wide_line(day_x: tuple[int, int]) -> list[OcrWord]:
    """The line set wide (DejaVu Serif's spaces: 30 px, over ``BLANK_GAP`` of the digit
    height on both sides together), the day's word at ``day_x``."""
    words = []
    for k, (text, top, bottom) in enumerate(PRINTED):
        box = (110 * k, top, 110 * k + 80, bottom)
        if text == "DAY":
            text, box = "01", (day_x[0], 445, day_x[1], 482)
        words.append(OcrWord(text=text, confidence=96.0, bbox=box))
    return words


def test_a_printed_day_of_a_face_set_wide_is_not_handwritten():
    """GIVEN a printed «01» one wide space from its neighbours (a clean notice in DejaVu
    Serif at --types new tuning seed 71: its issuing date was refused as by hand) THEN it is
    print: its space is the line's own; a day alone in the blank of that line is a hand's."""
    assert not is_handwritten(_wide_line((330, 410)), 3)
    assert is_handwritten(_wide_line((355, 385)), 3)
