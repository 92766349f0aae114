"""The second reading of a printed dossier code, on its line only (real Tesseract)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.ocr import OcrOptions
from pipeline.ocr.code_reread import code_words, erase_bars, reading_of, reread_codes
from pipeline.ocr.reread import Band
from schemas.ocr import OcrLine, OcrWord, PageOcr
from tests.pipeline.conftest import SANS, SANS_BOLD

MONO_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"

CODE = "000.31.38.H14-251020-0457"
LABEL = "Mã hồ sơ:"


@pytest.fixture(scope="module")
def code_line() -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """A white 300-DPI page printing «Mã hồ sơ: <code>» at 12 pt: the image, the label's box
    and the code's box."""
    image = Image.new("L", (1800, 300), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(SANS, 50)
    draw.text((100, 100), LABEL, font=font, fill=0)
    label = tuple(int(v) for v in draw.textbbox((100, 100), LABEL, font=font))
    start = label[2] + 25
    draw.text((start, 100), CODE, font=font, fill=0)
    code = tuple(int(v) for v in draw.textbbox((start, 100), CODE, font=font))
    return np.array(image), label, code  # type: ignore[return-value]


def page_of(words: list[tuple[str, float, tuple[int, int, int, int]]]) -> PageOcr:
    line = OcrLine(words=[OcrWord(text=t, confidence=c, bbox=b) for t, c, b in words])
    return PageOcr(number=1, width=1800, height=300, lines=[line], text=line.text,
                   mean_confidence=60)


def split_code(label: tuple[int, int, int, int], code: tuple[int, int, int, int]
               ) -> list[tuple[str, float, tuple[int, int, int, int]]]:
    """The line as Tesseract's page reading garbled it on a receipt of the tuning stacks: the
    code split into words at low confidence, two digits misread («9600…», «…-8457»)."""
    x0, y0, x1, y1 = code
    third = (x1 - x0) // 3
    return [("Mã", 90, (label[0], y0, label[0] + 60, y1)),
            ("hồ", 90, (label[0] + 70, y0, label[0] + 120, y1)),
            ("sơ:", 90, (label[0] + 130, y0, label[2], y1)),
            ("9600.31.38", 45, (x0, y0, x0 + third, y1)),
            (".H14-251026", 45, (x0 + third, y0, x0 + 2 * third, y1)),
            ("-", 92, (x0 + 2 * third, y0, x0 + 2 * third + 20, y1)),
            ("8457", 84, (x0 + 2 * third + 30, y0, x1, y1))]


def test_the_code_words_are_those_after_the_label(code_line):
    _, label, code = code_line
    line = page_of(split_code(label, code)).lines[0]
    assert [w.text for w in code_words(line)] == ["9600.31.38", ".H14-251026", "-", "8457"]


def test_the_label_is_found_with_a_mark_read_apart_from_its_letter():
    """GIVEN «Mã hô` sơ:» (the circumflex's tone read as a backtick) before a code too garbled
    for its structure WHEN the code's words are looked for THEN they are those after it."""
    words = [OcrWord(text=t, confidence=80, bbox=(i * 100, 0, i * 100 + 90, 30))
             for i, t in enumerate(["Mã", "hô`", "sơ:", "96x0.31", "38.H14", "25IO26"])]
    assert [w.text for w in code_words(OcrLine(words=words))] == ["96x0.31", "38.H14", "25IO26"]


@pytest.mark.parametrize("label", [["Mã", "hà", "sơ:"], ["Mã", "số", "hô", "sơ"],
                                   ["Mã", "hồ", "80:"]])
def test_the_label_is_found_with_the_vowel_of_ho_misread(label):
    """GIVEN a code line whose «hồ» was read «hà» (a mild tuning receipt of seed 23, its code
    read «001.31.36.H-10-2-10325-0016», too garbled for its structure) WHEN the code's words
    are looked for THEN they are those after the label, and the line is read again."""
    words = [OcrWord(text=t, confidence=80, bbox=(i * 100, 0, i * 100 + 90, 30))
             for i, t in enumerate([*label, "001.31.36.H-10-2-10325-0016"])]
    assert [w.text for w in code_words(OcrLine(words=words))] == ["001.31.36.H-10-2-10325-0016"]


def test_a_line_of_other_words_before_hand_is_no_code_label():
    """«Mã» then a word of two letters beginning with h and «số» only: no label, no code."""
    words = [OcrWord(text=t, confidence=80, bbox=(i * 100, 0, i * 100 + 90, 30))
             for i, t in enumerate(["Mã", "hàng", "số:", "12-34"])]
    assert code_words(OcrLine(words=words)) == []


def test_a_line_without_label_gives_the_words_a_code_was_found_in():
    words = [OcrWord(text=t, confidence=80, bbox=(i * 100, 0, i * 100 + 90, 30))
             for i, t in enumerate(["Số", "000.00.21.H27-241128-0001", "ngày"])]
    assert [w.text for w in code_words(OcrLine(words=words))] == ["000.00.21.H27-241128-0001"]


@pytest.mark.parametrize(("texts", "expected"), [
    # A hard tuning receipt of seed 41: «Mã hồ sơ: 000.00.30.H52-240617-0329», its «M» lost
    # and its unit garbled past a code's structure.
    (["ã", "hộ", "số:", "000.040,", "H52-240617-0329"], ["000.040,", "H52-240617-0329"]),
    (["Ma", "h0", "s0", "0O0.0.30", "H5 2-240617- 0329", "ngày"],
     ["0O0.0.30", "H5 2-240617- 0329"]),
    # No «H» before the day and serial, or a day of five digits: no code's tail.
    (["Số:", "0709/TNHS", "240617-0329"], []),
    (["Số:", "H52-24061-0329"], []),
])
def test_a_code_whose_label_and_unit_were_misread_is_found_by_its_tail(texts, expected):
    """GIVEN a code line whose label and unit OCR misread past finding WHEN the code's words
    are looked for THEN they are the words of its province, day and serial and the words of
    two digits or more right before them: the line is read again rather than its dossier
    lost. A label word misread with one digit («s0») is not taken."""
    words = [OcrWord(text=t, confidence=50, bbox=(i * 100, 0, i * 100 + 90, 30))
             for i, t in enumerate(texts)]
    assert [w.text for w in code_words(OcrLine(words=words))] == expected


def test_a_line_with_neither_gives_no_words():
    words = [OcrWord(text=t, confidence=80, bbox=(i * 100, 0, i * 100 + 90, 30))
             for i, t in enumerate(["Số", "điện", "thoại:", "0912345678"])]
    assert code_words(OcrLine(words=words)) == []


def test_a_garbled_code_is_read_whole_on_its_line(code_line):
    """
    GIVEN a receipt line whose code the page's reading split and misread
    WHEN the code's words are read again with only a code's characters
    THEN the second reading is the printed code, kept beside the first reading with its words
    and box; the two disagree, so a third reading is made of the line enlarged and a fourth
    of it thinned; the words themselves are not changed
    """
    image, label, code = code_line
    page = page_of(split_code(label, code))
    read = reread_codes(image, page, OcrOptions())
    assert [(r.code, r.first, r.enlarged, r.thinned) for r in read.code_readings] == [
        (CODE, "9600.31.38 .H14-251026 - 8457", False, False),
        (CODE, "9600.31.38 .H14-251026 - 8457", True, False),
        (CODE, "9600.31.38 .H14-251026 - 8457", False, True)]
    assert read.code_readings[0].bbox == (code[0], code[1], code[2], code[3])
    assert read.lines == page.lines


def test_a_code_the_page_read_exactly_is_read_again_once(code_line):
    """GIVEN a code line the page's reading read exactly WHEN read again THEN one second
    reading agrees with it, and no third (enlarged) reading is made"""
    image, label, code = code_line
    words = [w for w in split_code(label, code)[:3]] + [(CODE, 90, code)]
    read = reread_codes(image, page_of(words), OcrOptions())
    assert [(r.code, r.enlarged) for r in read.code_readings] == [(CODE, False)]


def test_a_page_without_a_code_is_not_read_again(code_line):
    image, label, _ = code_line
    page = page_of([("Số", 90, label)])
    assert reread_codes(image, page, OcrOptions()) is page


def printed(text: str, font_path: str, size: int = 42) -> np.ndarray:
    """``text`` printed in black on white, a little blurred as a scan is."""
    image = Image.new("L", (60 + size * len(text), 2 * size), 255)
    ImageDraw.Draw(image).text((30, size // 3), text, font=ImageFont.truetype(font_path, size),
                               fill=0)
    blurred = np.array(image.filter(ImageFilter.GaussianBlur(1)))
    return np.where(blurred < 128, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("text", "font", "bars"), [
    ("0", MONO_BOLD, 1), ("001-0440", MONO_BOLD, 4),  # DejaVu Sans Mono's zeros carry a dot
    ("8", MONO_BOLD, 0), ("689", MONO_BOLD, 0), ("H26", MONO_BOLD, 0),
    ("0080", SANS, 0), ("0689", SANS_BOLD, 0),  # plain zeros, eights and bowls
])
def test_barred_zeros_are_found_and_nothing_else(text, font, bars):
    strip = printed(text, font)
    erased, found = erase_bars(strip, [Band(0, 0, 0, strip.shape[0])])
    assert found == [bars]
    assert bool((erased == strip).all()) is (bars == 0)


def test_a_code_printed_with_barred_zeros_is_read_exactly_with_their_bars_erased():
    """
    GIVEN a code line printed in DejaVu Sans Mono bold, whose zeros carry a bar that
    Tesseract reads 6, 8 or 9 (a tuning mild receipt: «9681.21.27 .H26-240792-6440»)
    WHEN read again
    THEN the second reading is the code, and says how many zeros' bars it erased
    """
    code = "001.21.27.H26-240702-0440"
    strip = printed(f"{LABEL} {code}", MONO_BOLD, 34)
    start = 30 + 34 * 6  # the code's first word, after the label
    page = page_of([("Mã", 90, (30, 5, 80, 60)), ("hồ", 90, (90, 5, 140, 60)),
                    ("sơ:", 90, (150, 5, start, 60)),
                    ("9681.21.27", 0, (start, 5, start + 300, 60)),
                    (".H26-240792-6440", 0, (start + 300, 5, strip.shape[1] - 20, 60))])
    reading, *_ = reread_codes(strip, page, OcrOptions()).code_readings
    assert (reading.code, reading.barred_zeros, reading.enlarged) == (
        code, code.count("0"), False)


@pytest.mark.parametrize(("read", "code"), [
    # An old-style face's «H» read as two strokes (tuning hard, seed 23): four digits where
    # the format has «H» and two.
    ("001.00.35.1143-240815-0257", "001.00.35.H43-240815-0257"),
    ("001.00.35.H43-240815-0257", "001.00.35.H43-240815-0257"),
    # … or as an «H» and its right stem (a Garamond receipt, tuning hard, seed 23).
    ("001.31.45.H126-250115-0302", "001.31.45.H26-250115-0302"),
    # … or as an «H» and both its stems (a bold face, tuning hard, dossier seed 5).
    ("000.00.32.1H127-240812-0132", "000.00.32.H27-240812-0132"),
    # Anything else of another shape is no code: nothing is guessed.
    ("001.00.35.1243-240815-0257", None),
    ("001.00.35.11143-240815-0257", None),
    ("001.00.351143-240815-0257", None),
    ("001.31.45.H1126-250115-0302", None), ("001.31.45.H226-250115-0302", None),
    ("000.00.32.11H127-240812-0132", None), ("000.00.32.1H1127-240812-0132", None),
])
def test_an_h_read_as_two_strokes_is_put_back_in_the_second_reading(read, code):
    reading = reading_of([OcrWord(text=read, confidence=0, bbox=(0, 0, 10, 10))],
                         [OcrWord(text="ooi.oo.35.EFl43-240815-0257", confidence=0,
                                  bbox=(0, 0, 10, 10))])
    assert (reading.code if reading else None) == code

