"""The second reading of a page whose first reading failed (real Tesseract)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.image.preprocess import PreprocessOptions
from pipeline.ocr import OcrOptions, text_in_rows
from pipeline.ocr.second_pass import SecondPassOptions, has_ruled_table, needs_turn, read_page
from schemas.ocr import OcrLine, OcrWord, PageOcr
from tests.pipeline.conftest import DPI, TITLE, render_page, turn_page

OCR = OcrOptions(dpi=DPI)
# The orientation check off: the page is taken as it lies, as when the check misjudges it.
AS_IT_LIES = PreprocessOptions(fix_orientation=False)


def reading_of(confidence: float, words: int = 3) -> PageOcr:
    line = OcrLine(words=[OcrWord(text="chữ", confidence=confidence, bbox=(0, 0, 10, 10))
                          for _ in range(words)])
    return PageOcr(number=1, width=100, height=100, lines=[line] if words else [],
                   mean_confidence=confidence if words else 0.0)


@pytest.mark.parametrize(("confidence", "words", "turn"), [
    (39.0, 3, True), (54.9, 3, True), (55.0, 3, False), (91.0, 3, False), (0.0, 0, False)])
def test_only_a_page_read_with_text_and_low_confidence_is_turned(confidence, words, turn):
    assert needs_turn(reading_of(confidence, words), SecondPassOptions()) is turn


def test_zero_threshold_never_turns():
    assert not needs_turn(reading_of(10.0), SecondPassOptions(turn_below_confidence=0))


class Decoder:
    """Gives the page and counts how often it was decoded."""

    def __init__(self, page: np.ndarray) -> None:
        self.page, self.calls = page, 0

    def __call__(self) -> np.ndarray:
        self.calls += 1
        return self.page


def test_a_page_read_well_is_decoded_and_read_once(text_page: np.ndarray):
    decode = Decoder(text_page)
    reading = read_page(decode, 1, AS_IT_LIES, OCR, SecondPassOptions())
    assert (reading.extra_calls, reading.turned, reading.prepared.rotation) == (0, False, 0)
    assert decode.calls == 1
    assert TITLE in reading.recognition.page.text
    assert reading.recognition.text_layer_pdf.startswith(b"%PDF")


def test_a_page_taken_upside_down_is_read_again_turned(text_page: np.ndarray):
    """
    GIVEN a page lying upside down whose orientation is not corrected
    WHEN it is read
    THEN the first reading is junk of low confidence, so the page is decoded again and
    read turned half round, and that reading is kept with its turned images (title read,
    rotation 180)
    """
    decode = Decoder(turn_page(text_page, 180))
    reading = read_page(decode, 1, AS_IT_LIES, OCR, SecondPassOptions())
    assert (reading.extra_calls, reading.turned, reading.prepared.rotation) == (1, True, 180)
    assert decode.calls == 2
    assert TITLE in reading.recognition.page.text
    assert reading.recognition.page.mean_confidence > 80
    assert reading.prepared.ocr_image.shape == text_page.shape


def test_without_the_second_pass_the_upside_down_page_stays_junk(text_page: np.ndarray):
    reading = read_page(lambda: turn_page(text_page, 180), 1, AS_IT_LIES, OCR,
                        SecondPassOptions(turn_below_confidence=0))
    assert (reading.extra_calls, reading.turned) == (0, False)
    assert TITLE not in reading.recognition.page.text


def test_a_blank_page_is_not_read_again():
    blank = np.full((1200, 900), 255, dtype=np.uint8)
    reading = read_page(lambda: blank, 1, AS_IT_LIES, OCR, SecondPassOptions())
    assert (reading.extra_calls, reading.turned) == (0, False)


def line_at(text: str, x: int, y: int, block: int) -> OcrLine:
    return OcrLine(words=[OcrWord(text=word, confidence=90.0,
                                  bbox=(x + 60 * i, y, x + 60 * i + 50, y + 20))
                          for i, word in enumerate(text.split())], block=block)


def test_lines_read_a_column_at_a_time_are_put_in_printed_rows():
    """
    GIVEN a label/value table read as Tesseract reads one whose rules were painted out: the
          labels' column first, then the values' column, a value wrapped onto a second line
    WHEN its text is put in rows
    THEN each label stands before its value on its line, and the wrapped part on the next
    """
    lines = [line_at("Họ và tên", 100, 100, 1), line_at("Nơi cư trú", 100, 150, 1),
             line_at("Giới tính", 100, 230, 1),
             line_at("Nguyễn Văn An", 700, 102, 2), line_at("xã Hải Minh,", 700, 148, 2),
             line_at("huyện Hải Hậu", 700, 188, 2), line_at("Nam", 700, 231, 2)]
    assert text_in_rows(lines).splitlines() == [
        "Họ và tên Nguyễn Văn An", "Nơi cư trú xã Hải Minh,", "huyện Hải Hậu",
        "Giới tính Nam"]


def ruled_page() -> np.ndarray:
    """A page of the conftest's text with a two-column ruled table drawn over its body."""
    page = render_page()
    height, width = page.shape
    top, bottom, left, middle, right = 600, 1500, 150, 700, width - 150
    page[top:bottom, left:left + 3] = 0
    page[top:bottom, middle:middle + 3] = 0
    page[top:bottom, right:right + 3] = 0
    for y in range(top, bottom + 1, 100):
        page[y:y + 3, left:right + 3] = 0
    return page


def test_a_ruled_table_is_told_from_a_page_of_plain_text(text_page: np.ndarray):
    assert has_ruled_table(ruled_page())
    assert not has_ruled_table(text_page)
