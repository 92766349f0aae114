"""Digits told apart by the page's own print (pipeline/ocr/glyphs.py), on drawn numbers."""

import cv2
import numpy as np
import pytest

from pipeline.ocr.glyphs import bank_of, side_of, word_glyphs
from schemas.ocr import OcrWord

FONT, SCALE, THICKNESS = cv2.FONT_HERSHEY_SIMPLEX, 2.0, 4


def drawn(texts: list[str]) -> tuple[np.ndarray, list[OcrWord]]:
    """A white page with each text drawn on a line of its own, and its word's box."""
    page = np.full((120 * len(texts) + 40, 900), 255, dtype=np.uint8)
    words = []
    for index, text in enumerate(texts):
        (width, height), base = cv2.getTextSize(text, FONT, SCALE, THICKNESS)
        x, y = 40, 100 + 120 * index
        cv2.putText(page, text, (x, y), FONT, SCALE, 0, THICKNESS, cv2.LINE_AA)
        words.append(OcrWord(text=text, confidence=96.0,
                             bbox=(x - 4, y - height - 6, x + width + 4, y + base + 4)))
    return page, words


def test_a_digit_is_judged_by_the_same_digits_printed_elsewhere():
    """
    GIVEN a page printing «2025», «0915» and «1995» (read alike by every reading), and a word
          «25» the digit model read «29»
    WHEN the page's print is asked
    THEN it sides with the page model's «25»; and with the digit model where the page model
         read a «9» printed as «5»
    """
    page, words = drawn(["2025", "0915", "1995", "25"])
    bank = bank_of(page, words[:3])
    assert side_of(bank, page, words[3], "29") == "first"
    misread = words[3].model_copy(update={"text": "29"})
    assert side_of(bank, page, misread, "25") == "digits"


def test_a_digit_the_page_prints_nowhere_else_judges_nothing():
    page, words = drawn(["2020", "1111", "25"])
    bank = bank_of(page, words[:2])
    assert side_of(bank, page, words[2], "29") is None  # no «5» nor «9» to compare with


@pytest.mark.parametrize("text", ["25/08/2025", "08:30"])
def test_a_words_ink_parts_into_its_digits_and_slashes(text):
    page, words = drawn([text])
    glyphs = word_glyphs(page, words[0], text)
    assert glyphs is not None
    assert [char for char, _ in glyphs] == [c for c in text if c.isdigit() or c == "/"]


def test_a_word_whose_ink_does_not_part_into_its_characters_is_not_judged():
    page, words = drawn(["2025", "0915", "25"])
    glued = words[2].model_copy(update={"text": "255"})  # three digits read, two printed
    assert word_glyphs(page, glued, glued.text) is None
    assert side_of(bank_of(page, words[:2]), page, glued, "299") is None
