"""The signer's title under a seal, read again on its own line (real Tesseract)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import OcrOptions
from pipeline.ocr.signer_reread import dark_only, reread_signer_title
from schemas.ocr import OcrLine, OcrWord, PageOcr
from tests.pipeline.conftest import SANS_BOLD
from tests.pipeline.ocr.test_title_reread import _draw

WIDTH, HEIGHT = 2000, 1400
Box = tuple[int, int, int, int]
BLOCK = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
NAME = "Trần Văn Nam"
SEAL_GREY = 110  # a seal struck in grey: lighter than the type


def _centred(draw: ImageDraw.ImageDraw, centre: int, y: int, text: str,
             font: ImageFont.FreeTypeFont) -> list[tuple[str, Box]]:
    """Draw ``text`` centred on ``centre`` word by word; each word and its box."""
    return _draw(draw, (centre - draw.textbbox((0, 0), text, font=font)[2] // 2, y), text,
                 font)


@pytest.fixture(scope="module")
def signed() -> tuple[np.ndarray, list[list[tuple[str, Box]]]]:
    """A page's signature block as Decree 30 lays it out, a grey seal's ring struck over
    the title's left part; the image and each line's words (the title's third)."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(SANS_BOLD, 44)
    lines = [_centred(draw, 1450, 500 + 70 * n, text, bold) for n, text in enumerate(BLOCK)]
    lines.append(_centred(draw, 1450, 900, NAME, bold))
    pixels = np.array(image)
    ring = np.full_like(pixels, 255)
    cv2.circle(ring, (1180, 800), 190, SEAL_GREY, 10)
    cv2.circle(ring, (1180, 800), 160, SEAL_GREY, 4)
    return np.minimum(pixels, ring), lines


def page_of(lines: list[list[tuple[str, Box]]], confidence: float = 95) -> PageOcr:
    ocr = [OcrLine(words=[OcrWord(text=t, confidence=confidence, bbox=b) for t, b in words])
           for words in lines]
    return PageOcr(number=1, width=WIDTH, height=HEIGHT, lines=ocr,
                   text="\n".join(line.text for line in ocr), mean_confidence=95)


def test_a_title_the_page_reading_lost_under_the_seal_is_read_again(signed):
    """
    GIVEN a signature block whose title line «PHÓ CHỦ TỊCH» the page's reading lost (a seal
          struck over it: --types new tuning seed 71, four clean notices lost their title so)
    WHEN the band under «KT. CHỦ TỊCH» is read again
    THEN the title is a line of the page again, between the authority and the name
    """
    image, lines = signed
    page = page_of([lines[0], lines[1], lines[3]])
    again = reread_signer_title(image, page, OcrOptions(), display=image)
    assert [line.text for line in again.lines] == [*BLOCK, NAME]


def test_a_title_read_with_the_seals_marks_glued_to_it_is_read_again_in_their_place(signed):
    """GIVEN the title read «ZZ>=¬HÓ CHỦ TỊCH» (the ring's marks glued to it) THEN the band
    read again replaces the whole row: no mark is left beside the title."""
    image, lines = signed
    marred = [("ZZ>=¬HÓ", lines[2][0][1]), *lines[2][1:]]
    page = page_of([lines[0], lines[1], marred, lines[3]])
    again = reread_signer_title(image, page, OcrOptions(), display=image)
    assert [line.text for line in again.lines] == [*BLOCK, NAME]
    assert again.text.split("\n") == [*BLOCK, NAME]  # the row as first read left the text


class Refusing:
    """An engine that must not be called."""

    def read_digits(self, strip, options, language, whitelist) -> str:
        raise AssertionError("read again though the title was read")


def test_a_title_read_surely_is_not_read_again(signed):
    image, lines = signed
    page = page_of(lines)
    assert reread_signer_title(image, page, OcrOptions(), Refusing(), display=image) is page


def test_a_page_without_an_authoritys_line_is_not_read_again(signed):
    image, lines = signed
    page = page_of([lines[2], lines[3]])
    assert reread_signer_title(image, page, OcrOptions(), Refusing(), display=image) is page


def test_only_the_types_ink_is_kept_of_a_band_with_a_grey_seal(signed):
    image, lines = signed
    x0, y0 = lines[2][0][1][0] - 120, lines[2][0][1][1] - 10
    band = image[y0:y0 + 70, x0:x0 + 700]
    dark = dark_only(band)
    assert dark is not None
    assert not ((dark > 60) & (dark < 200)).any()  # no grey left: the ring is paper
    assert (dark < 60).sum() >= 0.9 * (band < 60).sum()  # the type all kept
    assert dark_only(np.where(band < 128, 0, 255).astype(np.uint8)) is None  # bilevel
