"""The second readings: number words with digits only, words of letters enlarged (real
Tesseract)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.doctypes import load_doctypes
from pipeline.ocr import OcrOptions, engine_for
from pipeline.ocr.reread import (
    AGREED_CONFIDENCE,
    LETTER_BELOW,
    VOTED_CONFIDENCE,
    agreed_digits,
    agreed_part,
    is_acute_six_word,
    is_date_part,
    is_letter_word,
    is_lookalike_word,
    is_number_group,
    is_number_word,
    letter_pieces,
    plus_read_as_digit,
    read_otherwise,
    reread_digits,
    reread_emails,
    reread_letters,
    six_for_acute,
    value_pieces,
)
from schemas.errors import OcrCrashError, OcrError, OcrTimeoutError
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


def page_of(words: list[tuple[str, tuple[int, int, int, int]]],
            confidence: float = 95) -> PageOcr:
    line = OcrLine(words=[OcrWord(text=t, confidence=confidence, bbox=b) for t, b in words])
    return PageOcr(number=1, width=1400, height=600, lines=[line], text="", mean_confidence=95)


def test_words_read_the_same_twice_keep_their_confidence(numbers_page):
    image, boxes = numbers_page
    page = page_of([(text, boxes[text]) for text in PRINTED])
    assert reread_digits(image, page, OcrOptions()) == page


def test_a_digit_two_readings_of_three_read_otherwise_is_spelt_as_they_read(numbers_page):
    """
    GIVEN a number word whose first reading, unsure, has one digit wrong («0912845678»)
    WHEN read again with digits only, and a third time enlarged (real Tesseract)
    THEN the second and third readings agree: the word is spelt as they read it at the
    voted confidence; the other number keeps its reading and confidence
    """
    image, boxes = numbers_page
    page = page_of([("0912845678", boxes["0912345678"]), ("28/11/2024", boxes["28/11/2024"])],
                   confidence=80)
    words = reread_digits(image, page, OcrOptions()).lines[0].words
    assert [(w.text, w.confidence) for w in words] == [("0912345678", VOTED_CONFIDENCE),
                                                       ("28/11/2024", 80)]


@pytest.mark.parametrize(("text", "number"), [
    ("0912345678", True), ("28/11/2024,", True), ("0850.406.169", True), ("1984", True),
    ("1.", False), ("12", False), ("0854/TNHS", False), ("Nguyễn", False),
    ("1981...", True), ("12...", False),  # a leader's dots after a number
    ("+84918810882", True), ("+84", False), ("+", False)])  # a phone's international prefix
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


DATE_WORDS = ["ngày", "04", "tháng", "07", "năm", "2024"]


def printed_in_a_row(words: list[str], size: tuple[int, int] = (1400, 300), y: int = 100
                     ) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white 300-DPI page of ``size`` with ``words`` printed at 12 pt in a row from x=100,
    30 pixels apart, and the words' boxes."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(SANS, 50)
    boxes, x = [], 100
    for text in words:
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        draw.text((x, y), text, font=font, fill=0)
        boxes.append((int(left), int(top), int(right), int(bottom)))
        x = int(right) + 30
    return np.array(image), boxes


@pytest.fixture(scope="module")
def date_page() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white 300-DPI page with «ngày 04 tháng 07 năm 2024» printed at 12 pt, a word at a
    time, and the words' boxes."""
    return printed_in_a_row(DATE_WORDS)


def read_date(date_page, texts: list[str]) -> list[OcrWord]:
    image, boxes = date_page
    return reread_digits(image, page_of(list(zip(texts, boxes, strict=True))),
                         OcrOptions()).lines[0].words


def test_date_parts_read_the_same_twice_keep_their_confidence(date_page):
    assert [w.confidence for w in read_date(date_page, DATE_WORDS)] == [95] * 6


def test_a_misread_day_of_a_date_makes_the_word_unsure(date_page):
    """
    GIVEN «ngày 04 tháng 07 năm 2024» whose day was first read «01»
    WHEN its short parts are read again with digits only
    THEN the day's readings disagree and its confidence is 0 (the date goes to review); a
    short part is never put to a third reading (see ``_votes``)
    """
    words = read_date(date_page, ["ngày", "01", "tháng", "07", "năm", "2024"])
    assert [w.confidence for w in words] == [95, 0.0, 95, 95, 95, 95]


def test_a_short_part_read_surely_is_not_spelt_as_the_digit_readings_read(date_page):
    """GIVEN a day first read «01» at 95, then «04» with digits only THEN the word is at
    confidence 0 even when a third reading agrees with the second (both digit readings of
    a condensed face's «01» read «07», seed 23)."""
    image, boxes = date_page
    page = page_of(list(zip(["ngày", "01", "tháng", "07", "năm", "2024"], boxes, strict=True)))
    engine = ScriptedDigits(["04", "07", "2024"], ["04"])
    words = reread_digits(image, page, OcrOptions(), engine).lines[0].words
    assert [w.confidence for w in words] == [95, 0.0, 95, 95, 95, 95]
    assert engine.calls == 2


def test_a_short_part_whose_third_reading_agrees_with_the_first_is_kept(date_page):
    """
    GIVEN a day first read «11» at 95, «17» with digits only (Roboto Condensed's «1»: a mild
          cond_fill notice at tuning seed 131, its issuing date left out)
    WHEN the third reading, enlarged, reads «11»
    THEN two readings of three agree: the word stays «11», at the voted confidence
    """
    image, boxes = date_page
    page = page_of(list(zip(["ngày", "11", "tháng", "07", "năm", "2024"], boxes, strict=True)))
    engine = ScriptedDigits(["17", "07", "2024"], ["11"])
    words = reread_digits(image, page, OcrOptions(), engine).lines[0].words
    assert (words[1].text, words[1].confidence) == ("11", VOTED_CONFIDENCE)


@pytest.mark.parametrize(("first", "digits", "given"), [
    ("25", "29", ("25", VOTED_CONFIDENCE)),  # the page prints «5» and «9» elsewhere: a «5»
    ("29", "25", ("25", VOTED_CONFIDENCE)),  # the page's model misread it: the digits stand
    ("21", "27", ("21", 0.0)),  # neither «1» nor «7» printed elsewhere: nothing to tell by
])
def test_a_part_both_digit_readings_read_otherwise_is_judged_by_the_pages_print(
        first, digits, given):
    """
    GIVEN «ngày 25 tháng 09 năm 2025» whose day the page's model read ``first`` at 95 and the
          digit model ``digits`` twice (forms seed 43, clean: «11 giờ 25 phút» read «29» so,
          right as first read and left out)
    WHEN the three readings leave it undecided
    THEN the «5» and «9» the page prints in its month and year, read alike by every reading,
         decide it (pipeline/ocr/glyphs.py); a digit printed nowhere else leaves it unsure
    """
    printed = ["ngày", "25" if first != "21" else "21", "tháng", "09", "năm", "2025"]
    image, boxes = printed_in_a_row(printed)
    page = page_of(list(zip([*printed[:1], first, *printed[2:]], boxes, strict=True)))
    engine = ScriptedDigits([digits, "09", "2025"], [digits])
    words = reread_digits(image, page, OcrOptions(), engine).lines[0].words
    assert (words[1].text, words[1].confidence) == given


def unsure_date(date_page, texts: list[str], unsure: str) -> PageOcr:
    image, boxes = date_page
    line = OcrLine(words=[OcrWord(text=t, confidence=80 if t == unsure else 97, bbox=b)
                          for t, b in zip(texts, boxes, strict=True)])
    return PageOcr(number=1, width=1400, height=300, lines=[line], text="", mean_confidence=90)


def test_an_unsure_short_part_read_two_ways_takes_the_third_reading_that_agrees(date_page):
    """
    GIVEN a month first read «98» at confidence 80 (a mild typewriter receipt: 89), «08» by
          the digits-only reading
    WHEN its crop enlarged is read a third time, digits only, and reads «08» too
    THEN the month is spelt «08» at the voted confidence
    """
    image, _ = date_page
    page = unsure_date(date_page, ["ngày", "04", "tháng", "98", "năm", "2024"], "98")
    engine = ScriptedDigits(["04", "08", "2024"], ["08"])
    words = reread_digits(image, page, OcrOptions(), engine).lines[0].words
    assert (words[3].text, words[3].confidence) == ("08", VOTED_CONFIDENCE)
    assert engine.calls == 2


def test_an_unsure_short_part_whose_third_reading_disagrees_stays_unsure(date_page):
    image, _ = date_page
    page = unsure_date(date_page, ["ngày", "04", "tháng", "98", "năm", "2024"], "98")
    engine = ScriptedDigits(["04", "08", "2024"], ["09"])
    words = reread_digits(image, page, OcrOptions(), engine).lines[0].words
    assert (words[3].text, words[3].confidence) == ("98", 0.0)


def test_a_separator_read_inside_a_short_part_is_no_other_digit(date_page):
    """GIVEN a day «04» read «0-4» with digits only (tuning contrast_boxed: the leader before
    it) THEN the readings agree and the day keeps its confidence."""
    image, boxes = date_page
    page = page_of(list(zip(DATE_WORDS, boxes, strict=True)))
    engine = ScriptedDigits(["0-4", "07", "2024"])
    words = reread_digits(image, page, OcrOptions(), engine).lines[0].words
    assert [w.confidence for w in words] == [95] * 6


def test_a_short_part_whose_digit_reading_lost_its_leading_zero_keeps_its_confidence(date_page):
    """
    GIVEN a day «04» and a month «07» read «4» and «7» with digits only (a mild tuning
          contrast_fill receipt at seed 53: minutes «05» read «5», its count «02» read «2»)
    WHEN checked
    THEN the readings are the same numbers and keep their confidence; a digit reading that
    lost any other digit («0» for «04», «4» for «40») leaves the part unsure
    """
    image, boxes = date_page
    page = page_of(list(zip(DATE_WORDS, boxes, strict=True)))
    words = reread_digits(image, page, OcrOptions(), ScriptedDigits(["4", "7", "2024"])
                          ).lines[0].words
    assert [(w.text, w.confidence) for w in words] == [(t, 95) for t in DATE_WORDS]
    for first, second in (("04", "0"), ("40", "4"), ("04", "14"), ("4", "14"), ("4", "40")):
        words = read_date_scripted(date_page, first, second)
        assert words[1].confidence == 0.0


def test_a_short_part_first_read_without_its_leading_zero_keeps_its_confidence(date_page):
    """GIVEN a month first read «4», «04» with digits only (TeX Gyre Pagella at mild, a
    tuning form at seed 151) THEN the readings are the same number: the part keeps its
    confidence."""
    words = read_date_scripted(date_page, "4", "04")
    assert (words[1].text, words[1].confidence) == ("4", 95)


def read_date_scripted(date_page, day: str, digits: str) -> list[OcrWord]:
    image, boxes = date_page
    texts = ["ngày", day, "tháng", "07", "năm", "2024"]
    page = page_of(list(zip(texts, boxes, strict=True)))
    return reread_digits(image, page, OcrOptions(), ScriptedDigits([digits, "07", "2024"], [""])
                         ).lines[0].words


def test_a_month_read_with_a_letter_takes_the_digit_reading_that_agrees(date_page):
    """
    GIVEN the month first read «Ö7» (a hairline serif's 0, tuning contrast_boxed)
    WHEN read again with digits only («07»)
    THEN the readings agree through the look-alikes and the month is spelt «07»
    """
    words = read_date(date_page, ["ngày", "04", "tháng", "Ö7", "năm", "2024"])
    assert (words[3].text, words[3].confidence) == ("07", 95)


def test_a_day_read_with_a_capital_o_acute_takes_the_digit_reading_that_agrees(date_page):
    """
    GIVEN the day first read «Ó4» (a light sans's lining 0: Lato Light at mild, a probe
    in faces neither part prints in)
    WHEN read again with digits only («04»)
    THEN the day is spelt «04»; «Ó» agrees with a 0 or a 6 only
    """
    words = read_date(date_page, ["ngày", "Ó4", "tháng", "07", "năm", "2024"])
    assert (words[1].text, words[1].confidence) == ("04", 95)
    assert agreed_part("Ó4", "64") == "64"
    assert agreed_part("Ó4", "14") is None


def test_a_day_read_with_a_t_for_its_one_agrees_only_with_a_one():
    """«T3» (a high-contrast serif's 1 read «T», tuning contrast_boxed) agrees with a digit
    reading «13», not «03»; the date's «04» on the page first read «T4» is unsure."""
    assert agreed_part("T3", "13") == "13"
    assert agreed_part("T3", "03") is None


def test_a_day_read_t_where_the_page_prints_a_zero_is_unsure(date_page):
    words = read_date(date_page, ["ngày", "T4", "tháng", "07", "năm", "2024"])
    assert words[1].confidence == 0


@pytest.mark.parametrize(("text", "before", "after", "part"), [
    ("07", "thang", "nam", True), ("Ö7", "thang", "", True), ("U1", "ngau", "thang", True),
    ("T3", "ngau", "thang", True), ("Ó4", "ngay", "thang", True),
    ("10", "", "gio", True), ("55", "gio", "phut", True), ("12", "so", "", False),
    ("1.", "", "", False), ("Ö", "thang", "", False), ("2024", "nam", "", False),
    # a count of sets («01 (bộ)», read «61» or in old-style figures «oi»)
    ("61", "so:", "(bo)", True), ("oi", "so:", "(bo)", True), ("oi", "so:", "nam", False),
    ("oi", "so:", "", False),
    # look-alikes alone, framed on both sides (EB Garamond's old-style «05» and «10»)
    ("os", "gio", "phut,", True), ("Io", "thang", "nam", True), ("os", "gio", "", False),
    ("Io", "", "nam", False),
    # a count of days with a look-alike (TeX Gyre Bonum, tuning seed 149); digits alone not
    ("O1", "la", "ngay", True), ("5", "la", "ngay", False), ("05", "_", "ngay", False)])
def test_date_parts_are_short_numbers_framed_by_date_words(text, before, after, part):
    assert is_date_part(text, before, after) is part


@pytest.mark.parametrize(("text", "before", "after", "group"), [
    ("182", "0835", "824", True), ("824", "182", "", True), ("24", "0835.182.8", "", True),
    ("02", "số", "bộ", False), ("12", "", "", False), ("1234", "0835", "", False)])
def test_number_groups_are_short_digit_words_beside_other_digits(text, before, after, group):
    """A phone printed in groups («0835 182 824») is read again group by group: a misread
    last group gave a tuning phone number wrong (its words are under four digits)."""
    assert is_number_group(text, before, after) is group


class ScriptedDigits:
    """An engine whose digit readings are given: each call reads the next list of texts,
    one per band of ink in the strip (top to bottom)."""

    def __init__(self, *readings: list[str]) -> None:
        self.readings = list(readings)
        self.calls = 0

    def read_digits(self, strip, options, language, whitelist) -> str:
        texts = self.readings[self.calls]
        self.calls += 1
        inked = np.flatnonzero((strip < 128).any(axis=1))
        runs = np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1)
        rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth"
                "\theight\tconf\ttext"]
        for number, (run, text) in enumerate(zip(runs, texts, strict=True), start=1):
            rows.append(f"5\t1\t1\t1\t{number}\t1\t0\t{run[0]}\t10\t{run[-1] - run[0] + 1}"
                        f"\t90\t{text}")
        return "\n".join(rows) + "\n"


def test_a_third_reading_that_agrees_with_the_digit_reading_settles_the_word(numbers_page):
    """
    GIVEN a phone number first read «0912845678» and «0912345678» with digits only
    WHEN a third reading of its crop enlarged reads «0912345678»
    THEN two readings of three agree: the word is spelt with their digits, at the voted
         confidence
    """
    image, boxes = numbers_page
    page = page_of([("0912845678", boxes["0912345678"])], confidence=80)
    engine = ScriptedDigits(["0912345678"], ["0912345678"])
    word = reread_digits(image, page, OcrOptions(), engine).lines[0].words[0]
    assert (word.text, word.confidence, engine.calls) == ("0912345678", VOTED_CONFIDENCE, 2)


def test_a_sure_first_reading_is_not_overruled_by_the_digit_readings_alone(numbers_page):
    """
    GIVEN a number first read surely (96: a birth extract's «25/08/2025» read «29/08/2025»
          by the digits-only reading at both sizes, --types new tuning seed 11)
    WHEN the digit reading and the third reading agree on other digits
    THEN the word stays in doubt (confidence 0): one model at two sizes against another
    """
    image, boxes = numbers_page
    page = page_of([("0912845678", boxes["0912345678"])], confidence=96)
    engine = ScriptedDigits(["0912345678"], ["0912345678"])
    word = reread_digits(image, page, OcrOptions(), engine).lines[0].words[0]
    assert (word.text, word.confidence) == ("0912845678", 0.0)


def test_a_third_reading_that_agrees_with_neither_leaves_the_word_unsure(numbers_page):
    image, boxes = numbers_page
    page = page_of([("0912845678", boxes["0912345678"])])
    for third in ("0912395678", "091284567", ""):
        engine = ScriptedDigits(["0912345678"], [third])
        word = reread_digits(image, page, OcrOptions(), engine).lines[0].words[0]
        assert (word.text, word.confidence) == ("0912845678", 0.0)


def test_a_third_reading_that_agrees_with_the_first_keeps_the_first(numbers_page):
    """
    GIVEN a 12-digit number first read whole, its digits-only reading with the first four
          digits lost («86038836»: a mild contrast_boxed form at tuning seed 131)
    WHEN a third reading of its crop enlarged reads the first reading's digits
    THEN two readings of three agree: the word as first read, at the voted confidence
    """
    image, boxes = numbers_page
    page = page_of([("0912345678", boxes["0912345678"])])
    engine = ScriptedDigits(["12345678"], ["0912345678"])
    word = reread_digits(image, page, OcrOptions(), engine).lines[0].words[0]
    assert (word.text, word.confidence, engine.calls) == ("0912345678", VOTED_CONFIDENCE, 2)


def test_digits_read_unsurely_that_the_digit_reading_confirms_are_read_surely(date_page):
    """
    GIVEN «ngày 04 tháng 07 năm 2024» whose year and day were first read at 30 and 40 (EB
          Garamond's year at 30, a mild tuning receipt at seed 131), its month at 97
    WHEN the digits-only reading reads every part the same
    THEN the unsure words take the agreed confidence (two models agree on every digit); the
         sure one keeps its own
    """
    image, boxes = date_page
    sure = {"04": 40.0, "2024": 30.0}
    line = OcrLine(words=[OcrWord(text=t, confidence=sure.get(t, 97.0), bbox=b)
                          for t, b in zip(DATE_WORDS, boxes, strict=True)])
    page = PageOcr(number=1, width=1400, height=300, lines=[line], text="", mean_confidence=90)
    engine = ScriptedDigits(["04", "07", "2024"])
    words = reread_digits(image, page, OcrOptions(), engine).lines[0].words
    assert [w.confidence for w in words] == [97, AGREED_CONFIDENCE, 97, 97, 97,
                                             AGREED_CONFIDENCE]


def test_words_read_the_same_twice_take_no_third_reading(numbers_page):
    image, boxes = numbers_page
    engine = ScriptedDigits(["0912345678", "28/11/2024"])
    page = page_of([(text, boxes[text]) for text in PRINTED])
    assert reread_digits(image, page, OcrOptions(), engine) == page
    assert engine.calls == 1


LABEL = ["Địa", "chỉ:"]
HAMLET = ["thôn", "Đồng", "Hòa"]


@pytest.fixture(scope="module")
def hamlet_page() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white 300-DPI page printing «Địa chỉ: thôn Đồng Hòa» at 12 pt (a receipt's address
    and its label), and its words' boxes."""
    return printed_in_a_row(LABEL + HAMLET, (1400, 400), 150)


def hamlet_read_as(hamlet_page, texts: list[str], confidence: float = 80,
                   engine: object | None = None, label: bool = True) -> list[OcrWord]:
    """The hamlet's words as first read ``texts`` at ``confidence`` (after its label, read
    surely, unless ``label`` is False), after the letter re-read."""
    image, boxes = hamlet_page
    words = [OcrWord(text=t, confidence=confidence, bbox=b)
             for t, b in zip(texts, boxes[len(LABEL):], strict=True)]
    if label:
        words = [OcrWord(text=t, confidence=99, bbox=b)
                 for t, b in zip(LABEL, boxes, strict=False)] + words
    page = PageOcr(number=1, width=1400, height=400, lines=[OcrLine(words=words)], text="",
                   mean_confidence=80)
    return reread_letters(image, page, OcrOptions(), engine).lines[0].words[-len(texts):]


def test_a_wrong_tone_mark_is_read_otherwise_enlarged(hamlet_page):
    """
    GIVEN «thôn Đồng Hòa» first read «thôn Đông Hoà» at confidence 80 (tuning contrast_fill,
          mild: wrong marks at 69–95; «Hoà» the same spelling with its mark placed otherwise)
    WHEN its words of letters are read again from their piece of line enlarged (real
         Tesseract)
    THEN the misread word carries the second reading; the others carry none
    """
    words = hamlet_read_as(hamlet_page, ["thôn", "Đông", "Hoà"])
    assert [(w.text, w.reread) for w in words] == [("thôn", None), ("Đông", "Đồng"),
                                                   ("Hoà", None)]
    assert [w.confidence for w in words] == [80, 80, 80]  # the reading alone is not changed


@pytest.mark.parametrize(("first", "second", "otherwise"), [
    ("Đông", "Đồng", True), ("Đông", "Đông,", False), ("Đông", "", False),
    # a speck read beside the word within its box: the word itself read the same
    ("Đông", "1141U Đông,", False), ("Pát", "Bát,", True), ("Kniết", "Khniết,", True)])
def test_a_second_reading_reads_a_word_otherwise_unless_one_of_its_words_is_it(
        first, second, otherwise):
    assert read_otherwise(first, second) is otherwise


def test_words_read_surely_are_not_read_again(hamlet_page):
    words = hamlet_read_as(hamlet_page, ["thôn", "Đông", "Hoà"], confidence=LETTER_BELOW)
    assert [w.reread for w in words] == [None, None, None]


@pytest.mark.parametrize(("text", "confidence", "again"), [
    ("Đông", 80, True), ("Lăn,", 95, True), ("xã", 60, True), ("Đông", 96, False),
    ("a", 50, False), ("12A", 50, False), ("«»", 50, False)])
def test_letter_words_are_unsure_words_of_two_letters_or_more_without_digits(text, confidence,
                                                                              again):
    word = OcrWord(text=text, confidence=confidence, bbox=(0, 0, 10, 10))
    assert is_letter_word(word) is again


class CountingEngine:
    """The real engine, its calls counted."""

    def __init__(self) -> None:
        self.engine, self.calls = engine_for(OcrOptions()), 0

    def read_digits(self, *args, **kwargs) -> str:
        self.calls += 1
        return self.engine.read_digits(*args, **kwargs)


def test_words_no_free_text_value_may_hold_are_not_read_again(hamlet_page):
    """
    GIVEN the same words misread («Đông»), but on a line no label of a free-text value
          stands on (body text, a title, a label's own words)
    WHEN the words of letters are read again
    THEN nothing is read (extraction would not use the second reading): no engine call
    """
    engine = CountingEngine()
    words = hamlet_read_as(hamlet_page, ["thôn", "Đông", "Hoà"], engine=engine, label=False)
    assert [w.reread for w in words] == [None, None, None]
    assert engine.calls == 0
    hamlet_read_as(hamlet_page, ["thôn", "Đông", "Hoà"], engine=engine)
    assert engine.calls == 1  # after its label, the same line is read again


def test_a_page_whose_words_cannot_be_read_again_stands_as_read(hamlet_page):
    image, boxes = hamlet_page
    line = OcrLine(words=[OcrWord(text="Địa", confidence=99, bbox=boxes[0]),
                          OcrWord(text="chỉ:", confidence=99, bbox=boxes[1]),
                          OcrWord(text="Đông", confidence=80, bbox=boxes[3])])
    page = PageOcr(number=1, width=1400, height=400, lines=[line], text="", mean_confidence=80)
    assert reread_letters(image, page, OcrOptions(), FailingEngine()) == page


class FailingEngine:
    def __init__(self, error: OcrError | None = None) -> None:
        self.error = error or OcrError("Tesseract failed while reading digits")

    def read_digits(self, *args, **kwargs) -> str:
        raise self.error


@pytest.mark.parametrize("error", [
    OcrTimeoutError("Tesseract took longer than 180 s reading digits and was stopped"),
    OcrCrashError("Tesseract was killed (SIGKILL) while reading digits")])
def test_a_second_reading_the_machine_cut_short_fails_the_page(numbers_page, hamlet_page,
                                                                error):
    """
    GIVEN a second reading stopped by the machine's state (its time limit on a busy
          machine, the program killed), not by the page
    WHEN the page's number words or words of letters are read again
    THEN the retryable error is raised (the page is tried again), never the page as first
         read: that would be a reading, without its checks, only a busy machine gives
    """
    image, boxes = numbers_page
    page = page_of([(text, boxes[text]) for text in PRINTED])
    with pytest.raises(type(error)) as raised:
        reread_digits(image, page, OcrOptions(), FailingEngine(error))
    assert raised.value.retryable
    image, boxes = hamlet_page
    line = OcrLine(words=[OcrWord(text="Địa", confidence=99, bbox=boxes[0]),
                          OcrWord(text="chỉ:", confidence=99, bbox=boxes[1]),
                          OcrWord(text="Đông", confidence=80, bbox=boxes[3])])
    page = PageOcr(number=1, width=1400, height=400, lines=[line], text="", mean_confidence=80)
    with pytest.raises(type(error)):
        reread_letters(image, page, OcrOptions(), FailingEngine(error))


def test_digits_that_cannot_be_read_again_for_the_page_s_own_reason_leave_it_as_read(
        numbers_page):
    image, boxes = numbers_page
    page = page_of([(text, boxes[text]) for text in PRINTED])
    assert reread_digits(image, page, OcrOptions(), FailingEngine()) == page


def test_pieces_of_lines_hold_each_unsure_word_with_its_neighbours():
    words = [OcrWord(text=t, confidence=c, bbox=(i * 10, 0, i * 10 + 8, 10))
             for i, (t, c) in enumerate([("Nơi", 99), ("cư", 99), ("trú:", 99), ("thôn", 99),
                                         ("Đông", 80), ("Lăn,", 90), ("xã", 99), ("Cẩm", 99),
                                         ("Bình,", 99), ("huyện", 99), ("Cẩm", 99),
                                         ("Xuyên", 70)])]
    page = PageOcr(number=1, width=200, height=20, lines=[OcrLine(words=words)], text="",
                   mean_confidence=90)
    assert letter_pieces(page) == [(0, [2, 3, 4, 5, 6, 7]), (0, [9, 10, 11])]


def test_pieces_of_lines_hold_only_the_unsure_words_asked_for_with_their_neighbours():
    words = [OcrWord(text=t, confidence=c, bbox=(i * 10, 0, i * 10 + 8, 10))
             for i, (t, c) in enumerate([("Nơi", 80), ("cư", 80), ("trú:", 80), ("thôn", 99),
                                         ("Đông", 80), ("Lăn,", 90), ("xã", 99)])]
    page = PageOcr(number=1, width=200, height=20, lines=[OcrLine(words=words)], text="",
                   mean_confidence=90)
    assert letter_pieces(page, {(0, 4), (0, 5)}) == [(0, [2, 3, 4, 5, 6])]
    assert letter_pieces(page, set()) == []


def test_a_configured_types_free_text_value_is_read_again_as_a_bundled_ones(tmp_path):
    """GIVEN a document type of the office's own (Settings.doctypes_dir) whose free-text
    field is labelled «Xứ đồng» WHEN a page prints that label before unsure words THEN those
    words are the pieces read again with that type given, and none with the bundled ones."""
    (tmp_path / "land.yaml").write_text(
        "id: land_request\ntitles: [ĐƠN ĐỀ NGHỊ ĐĂNG KÝ ĐẤT ĐAI]\n"
        "fields: [{key: field_place, labels: [Xứ đồng]}]\n", encoding="utf-8")
    words = [OcrWord(text=t, confidence=c, bbox=(i * 10, 0, i * 10 + 8, 10))
             for i, (t, c) in enumerate([("Xứ", 99), ("đồng:", 99), ("Đồng", 80),
                                         ("Lăn", 85)])]
    page = PageOcr(number=1, width=200, height=20, lines=[OcrLine(words=words)], text="",
                   mean_confidence=90)

    assert value_pieces(page) == []
    assert value_pieces(page, tuple(load_doctypes(tmp_path))) == [(0, [0, 1, 2, 3])]


@pytest.fixture(scope="module")
def email_page() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A white 300-DPI page printing «khoiho80@yahoo.com» at 12 pt, and its box."""
    image, (box,) = printed_in_a_row(["khoiho80@yahoo.com"])
    return image, box


@pytest.mark.parametrize(("first", "doubted"), [
    # a clean tuning receipt at seed 41 read «80» as «89» at 87 and gave the address
    ("khoiho89@yahoo.com", True),
    ("khoiho80@yahoo.com", False),
    ("khoiho8O@yahoo.com", True),  # a digit read as a letter: the digits differ too
    ("khoino80@yahoo.com", False),  # letters are not compared (see _address_digits)
])
def test_an_address_is_read_again_in_english_and_a_misread_digit_shows(email_page, first,
                                                                        doubted):
    """
    GIVEN an e-mail address printed «khoiho80@yahoo.com», first read as ``first`` at 87
    WHEN the page's addresses are read again (real Tesseract, English, enlarged)
    THEN an address whose digits were misread carries the second reading; one whose digits
    were read right carries none
    """
    image, box = email_page
    page = page_of([(first, box)])
    word = reread_emails(image, page, OcrOptions()).lines[0].words[0]
    assert (word.reread is not None) is doubted and word.text == first
    assert word.reread is None or "80@" in word.reread.replace("O", "")


# A face whose 6 opens in a stroke leaning out (Carlito, Lato: a probe in faces neither
# benchmark part prints in, seed 701, mild) has it read «ó»: «198ó», «tháng 0ó», «số 5ó».
SIX_WORDS = ["số", "56", "năm", "1986", "tháng", "06"]


@pytest.fixture(scope="module")
def six_page() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white 300-DPI page with ``SIX_WORDS`` printed at 12 pt, a word at a time, and the
    words' boxes."""
    return printed_in_a_row(SIX_WORDS, (1600, 300))


def test_a_six_read_with_an_acute_takes_the_digit_reading_that_reads_a_six(six_page):
    """
    GIVEN «số 56 năm 1986 tháng 06» printed, first read «số 5ó năm 198ó tháng 0ó»
    WHEN the page's numbers are read again with digits only (real Tesseract)
    THEN each word with an «ó» by a digit is read again, and the digit reading reading a 6
    there spells it: «56», «1986», «06»
    """
    image, boxes = six_page
    first = ["số", "5ó", "năm", "198ó", "tháng", "0ó"]
    words = reread_digits(image, page_of(list(zip(first, boxes, strict=True))),
                          OcrOptions()).lines[0].words
    assert [w.text for w in words] == SIX_WORDS
    assert all(w.confidence >= AGREED_CONFIDENCE for w in words[1::2])


def test_an_acute_where_the_digit_reading_reads_no_six_is_not_a_six():
    assert agreed_part("5ó", "56") == "56"
    assert agreed_part("5ó", "50") is None
    assert agreed_digits("198ó", "1986") == "1986"
    assert agreed_digits("198ó", "1980") is None


@pytest.mark.parametrize(("text", "six"), [
    ("5ó", True), ("48ó", True), ("3óó", True), ("ó4,", True), ("0ó", True),
    ("ó", False), ("có", False), ("56", False), ("5óa", False), ("1234ó", False)])
def test_acute_six_words_are_short_words_of_digits_and_an_acute_o(text, six):
    """A short word of digits and «ó» is read again wherever it stands (a house number, a
    phone's group): no Vietnamese word mixes the two."""
    assert is_acute_six_word(text) is six


@pytest.fixture(scope="module")
def six_email_page() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A white 300-DPI page printing «nguyetlhh961@hatinh.gov.vn» at 12 pt, and its box."""
    image, (box,) = printed_in_a_row(["nguyetlhh961@hatinh.gov.vn"], (1600, 300))
    return image, box


def test_an_address_whose_six_was_read_with_an_acute_is_spelt_with_the_six(six_email_page):
    """
    GIVEN «nguyetlhh961@hatinh.gov.vn» printed, first read «nguyetlhh9ó1@hatinh.gov.vn»
    (Carlito at mild, probe seed 701: left out as read two ways)
    WHEN the page's addresses are read again in English (real Tesseract)
    THEN the second reading's digits are the first's with its «ó» a 6: the address is spelt
    so and carries no second reading
    """
    image, box = six_email_page
    page = page_of([("nguyetlhh9ó1@hatinh.gov.vn", box)])
    word = reread_emails(image, page, OcrOptions()).lines[0].words[0]
    assert (word.text, word.reread) == ("nguyetlhh961@hatinh.gov.vn", None)
    assert six_for_acute("nguyetlhh9ó1@hatinh.gov.vn") == "nguyetlhh961@hatinh.gov.vn"


@pytest.fixture(scope="module")
def plus_phone_page() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A white 300-DPI page printing «+84918810862» at 12 pt, and its box."""
    image, (box,) = printed_in_a_row(["+84918810862"])
    return image, box


def test_a_phone_with_its_international_prefix_is_read_again(plus_phone_page):
    """
    GIVEN «+84918810862» printed, first read «+84918810882» (a FreeSans form at hard, probe
    seed 703: given wrong, as a word opening with «+» was never read again)
    WHEN the page's numbers are read again with digits only (real Tesseract)
    THEN the misread digit shows: the word is spelt as the digit readings read it, or
    left at confidence 0; read right, it keeps its reading
    """
    image, box = plus_phone_page
    word = reread_digits(image, page_of([("+84918810882", box)]), OcrOptions()).lines[0].words[0]
    assert word.confidence == 0 or word.text == "+84918810862"
    right = reread_digits(image, page_of([("+84918810862", box)]), OcrOptions()).lines[0].words[0]
    assert (right.text, right.confidence) == ("+84918810862", 95)


def test_a_plus_the_digit_reading_read_as_a_digit_is_no_other_digit():
    """«+84915783556» printed and read right, read again with digits only as «484915783556»
    (its «+» a 4): the same number (two phones so went to review, Open Sans Light and FreeSans
    squeezed at mild, probe seed 711); any other digit read otherwise is not."""
    assert plus_read_as_digit("+84915783556", "484915783556")
    assert plus_read_as_digit("+84915783556", "184915783556")
    assert not plus_read_as_digit("+84915783556", "484915783586")
    assert not plus_read_as_digit("84915783556", "484915783556")  # no «+» printed
