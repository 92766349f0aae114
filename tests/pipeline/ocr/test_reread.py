"""The digits-only second reading of number words (real Tesseract)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import OcrOptions
from pipeline.ocr.reread import (
    agreed_digits,
    is_lookalike_word,
    is_number_word,
    reread_digits,
)
from schemas.ocr import OcrLine, OcrWord, PageOcr
from tests.pipeline.conftest import SANS

PRINTED = {"0912345678": (200, 200), "28/11/2024": (200, 320)}


@pytest.fixture(scope="module")
def numbers_page() -> tuple[np.ndarray, dict[str, tuple[int, int, int, int]]]:
    """A white 300-DPI page with two numbers printed at 12 pt, and their boxes."""
    image = Image.new("L", (1400, 600), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(SANS, 50)
    boxes = {}
    for text, (x, y) in PRINTED.items():
        draw.text((x, y), text, font=font, fill=0)
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        boxes[text] = (int(left), int(top), int(right), int(bottom))
    return np.array(image), boxes


def page_of(words: list[tuple[str, tuple[int, int, int, int]]]) -> PageOcr:
    line = OcrLine(words=[OcrWord(text=t, confidence=95, bbox=b) for t, b in words])
    return PageOcr(number=1, width=1400, height=600, lines=[line], text="", mean_confidence=95)


def test_words_read_the_same_twice_keep_their_confidence(numbers_page):
    image, boxes = numbers_page
    page = page_of([(text, boxes[text]) for text in PRINTED])
    assert reread_digits(image, page, OcrOptions()) == page


def test_a_digit_the_second_reading_does_not_confirm_makes_the_word_unsure(numbers_page):
    """
    GIVEN a number word whose first reading has one digit wrong («0912845678»)
    WHEN read again with digits only
    THEN the readings disagree and the word's confidence is 0 (its value goes to review);
    the other number keeps its confidence
    """
    image, boxes = numbers_page
    page = page_of([("0912845678", boxes["0912345678"]), ("28/11/2024", boxes["28/11/2024"])])
    words = reread_digits(image, page, OcrOptions()).lines[0].words
    assert [w.confidence for w in words] == [0.0, 95]


@pytest.mark.parametrize(("text", "number"), [
    ("0912345678", True), ("28/11/2024,", True), ("0850.406.169", True), ("1984", True),
    ("1.", False), ("12", False), ("0854/TNHS", False), ("Nguyễn", False)])
def test_number_words_are_those_with_four_digits_or_more(text, number):
    assert is_number_word(text) is number


def test_a_number_read_with_letters_takes_the_digit_reading_that_agrees(numbers_page):
    """
    GIVEN a date whose digits a face's old-style figures made letters («28/1l/2o24»)
    WHEN read again with digits only
    THEN the two readings agree through the look-alike table, and the word is spelt with
    the digits at a confidence extraction accepts
    """
    image, boxes = numbers_page
    page = page_of([("28/1l/2o24", boxes["28/11/2024"])])
    page = page.model_copy(update={"lines": [page.lines[0].model_copy(update={"words": [
        page.lines[0].words[0].model_copy(update={"confidence": 40.0})]})]})
    word = reread_digits(image, page, OcrOptions()).lines[0].words[0]
    assert (word.text, word.confidence) == ("28/11/2024", 80.0)


@pytest.mark.parametrize(("text", "lookalike"), [
    ("1o8s", True), ("1O/O6/2024", True), ("o6/oo/2o22„", True), ("09l2345678", True),
    ("1984", False), ("o3", False), ("Lo", False), ("so", False), ("Quận", False), ("Io+", False),
    ("000.00.21.H27", False)])
def test_lookalike_words_mix_digits_with_letters_that_stand_for_digits(text, lookalike):
    assert is_lookalike_word(text) is lookalike


def test_a_digit_reading_that_disagrees_with_the_letters_is_not_taken():
    assert agreed_digits("1o8s", "1985") == "1985"
    assert agreed_digits("o6/oo/2o22„", "06/09/2022.") == "06/09/2022„"
    assert agreed_digits("1o8s", "1988") is None  # «s» never stands for 8
    assert agreed_digits("1O/O6/202⁄4", "10/06/2024") is None  # a letter too many
