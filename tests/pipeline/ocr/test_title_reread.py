"""A title the page's layout analysis left out, read again on its own line (real Tesseract)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.classify import classify_document
from pipeline.doctypes import load_doctypes
from pipeline.ocr import OcrOptions
from pipeline.ocr.title_reread import reread_lost_title, unread_lines
from schemas.ocr import OcrLine, OcrWord, PageOcr
from tests.pipeline.conftest import SANS, SANS_BOLD

TITLE = "TỜ KHAI ĐĂNG KÝ KHAI SINH"
LINES = ["Kính gửi: Ủy ban nhân dân xã Uy Nỗ",
         "Họ, chữ đệm, tên người yêu cầu: TRƯƠNG THỊ VY",
         "Nơi cư trú: thôn Lỗ Khê, xã Uy Nỗ, huyện Đông Anh",
         "Quan hệ với người được khai sinh: Mẹ"]
WIDTH, HEIGHT = 1800, 1600
Box = tuple[int, int, int, int]


def _draw(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str,
          font: ImageFont.FreeTypeFont) -> list[tuple[str, Box]]:
    """Draw ``text`` word by word; each word and its box."""
    x, y = xy
    words = []
    for word in text.split():
        box = tuple(int(v) for v in draw.textbbox((x, y), word, font=font))
        draw.text((x, y), word, font=font, fill=0)
        words.append((word, box))
        x = box[2] + font.size // 3
    return words  # type: ignore[return-value]


@pytest.fixture(scope="module")
def form() -> tuple[np.ndarray, list[tuple[str, Box]], list[list[tuple[str, Box]]]]:
    """A white form page: its title in bold capitals, four lines of labels and values under
    it, and specks of dust; the image, the title's words and the other lines' words."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    title = _draw(draw, (420, 150), TITLE, ImageFont.truetype(SANS_BOLD, 60))
    body = ImageFont.truetype(SANS, 42)
    lines = [_draw(draw, (150, 320 + 80 * n), text, body) for n, text in enumerate(LINES)]
    pixels = np.array(image)
    for x, y in np.random.default_rng(3).integers(0, 150, (40, 2)):
        pixels[y + 650:y + 653, 10 * x + 100:10 * x + 103] = 0  # dust: no line of print
    return pixels, title, lines


def page_of(*lines: list[tuple[str, Box]]) -> PageOcr:
    ocr_lines = [OcrLine(words=[OcrWord(text=t, confidence=92, bbox=b) for t, b in words])
                 for words in lines]
    return PageOcr(number=1, width=WIDTH, height=HEIGHT, lines=ocr_lines,
                   text="\n".join(line.text for line in ocr_lines), mean_confidence=92)


def test_the_unread_line_is_the_one_no_word_covers(form):
    """
    GIVEN a form page whose reading has every line but its title
    WHEN its upper half's unread lines are looked for
    THEN the one found is the title's line (within a few pixels), not the dust around it
    """
    image, title, lines = form
    found = unread_lines(image, page_of(*lines))
    left, top = title[0][1][0], min(b[1] for _, b in title)
    right, bottom = title[-1][1][2], max(b[3] for _, b in title)
    assert len(found) == 1
    # Across, the title's ink; down, its letters' (the tone marks above stand apart).
    assert found[0][0::2] == pytest.approx((left, right), abs=6)
    assert top <= found[0][1] < found[0][3] <= bottom + 2
    assert found[0][3] - found[0][1] >= 0.7 * (bottom - top)


def test_a_title_the_layout_left_out_is_read_again_and_types_the_form(form):
    """
    GIVEN a form page whose reading has its labels but not its title (as Tesseract's layout
          analysis left it out on a hard scan)
    WHEN the lost title is read again
    THEN the title's line is added above the labels, in the lines and the text, and the page
         is classified as the birth registration it is (without it: a document of no type)
    """
    image, _, lines = form
    page = page_of(*lines)
    doctypes = load_doctypes()
    assert classify_document([page], doctypes).doc_type == "unknown"
    read = reread_lost_title(image, page, OcrOptions())
    assert read.lines[0].text.startswith("TỜ KHAI ĐĂNG K")  # «KÝ» may lose its acute
    assert read.lines[1:] == page.lines
    assert read.text.startswith(read.lines[0].text + "\n")
    assert classify_document([read], doctypes).doc_type == "birth_registration"


def test_a_page_with_its_title_is_not_read_again(form):
    """GIVEN a page whose reading has its title WHEN the lost title is looked for THEN no
    engine is asked (the page is returned as it is)"""
    image, title, lines = form

    class NoEngine:
        def read_digits(self, *args: object) -> str:
            raise AssertionError("the page has its title: nothing to read again")

    page = page_of(title, *lines)
    assert reread_lost_title(image, page, OcrOptions(), NoEngine()) is page  # type: ignore[arg-type]


def test_an_unread_line_that_is_no_title_is_not_added(form):
    """
    GIVEN a page with no title printed, whose reading left out one line of a value
    WHEN the lost title is looked for
    THEN that line is read again but not added: only a known type's title is
    """
    image, title, lines = form
    blank = image.copy()
    top = min(b[1] for _, b in title) - 10
    bottom = max(b[3] for _, b in title) + 10
    blank[top:bottom] = 255  # no title on this page
    page = page_of(*lines[1:])  # the first line («Kính gửi: …») read by nobody
    assert len(unread_lines(blank, page)) == 1
    assert reread_lost_title(blank, page, OcrOptions()) is page


def test_a_title_read_garbled_and_unsurely_is_read_again(form):
    """
    GIVEN a form page whose title line was read garbled and unsurely («TÙIKHAIĐĂNG KÝ KHAI
          sim» at 35–65, as a hard ruled-table form's was)
    WHEN the lost title is looked for
    THEN the line, mostly capitals with an unsure word, is read again on its own and the
         title it reads takes the garbled words' place (kept beside it, they would be laid
         out with its words into one row): the page is the birth registration it is
    """
    image, title, lines = form
    left, top = title[0][1][0], min(b[1] for _, b in title)
    right, bottom = title[-1][1][2], max(b[3] for _, b in title)
    middle = (left + right) // 2
    garbled = [("TÙIKHAIĐĂNG", (left, top, middle, bottom)),
               ("KÝ KHAI sim", (middle + 20, top, right, bottom))]
    page = page_of(garbled, *lines)
    page = page.model_copy(update={"lines": [
        page.lines[0].model_copy(update={"words": [
            w.model_copy(update={"confidence": 40.0}) for w in page.lines[0].words]}),
        *page.lines[1:]]})
    doctypes = load_doctypes()
    assert classify_document([page], doctypes).doc_type == "unknown"
    read = reread_lost_title(image, page, OcrOptions())
    assert len(read.lines) == len(page.lines)
    assert read.lines[0].text == "TỜ KHAI ĐĂNG KÝ KHAI SINH"
    assert read.lines[1:] == page.lines[1:]
    assert "TÙIKHAIĐĂNG" not in read.text and "TỜ KHAI ĐĂNG KÝ KHAI SINH" in read.text
    assert classify_document([read], doctypes).doc_type == "birth_registration"
