"""Dot leaders painted out before OCR; text, diacritics, codes and dates left as printed."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.image.leaders import remove_dot_leaders
from pipeline.image.preprocess import PreprocessOptions, clean_for_ocr
from pipeline.ocr import OcrOptions, recognize_page
from tests.pipeline.conftest import SANS, SERIF, degrade, skew_page

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
LINE_WIDTH_IN = 7.0  # a form line on A4 between the margins


def render_line(text: str, leader: str = "", font: str = SANS, size_pt: float = 12,
                dpi: int = 300) -> tuple[np.ndarray, int]:
    """One printed form line: ``text`` then ``leader`` characters to the right margin.

    Returns the grey image and the x where the leader begins (the image width if none).
    """
    width = round(LINE_WIDTH_IN * dpi)
    height = round(size_pt / 72 * dpi * 2.2)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(font, round(size_pt / 72 * dpi))
    left = round(0.1 * dpi)
    draw.text((left, height // 4), text, font=face, fill=0)
    start = left + round(draw.textlength(text + " ", font=face))
    if leader:
        count = int((width - start - left) // draw.textlength(leader, font=face))
        draw.text((start, height // 4), leader * count, font=face, fill=0)
        return np.asarray(image).copy(), start
    return np.asarray(image).copy(), width


def ink(gray: np.ndarray) -> int:
    return int((gray < 128).sum())


@pytest.mark.parametrize("dpi", [150, 300, 600])
@pytest.mark.parametrize("font", [SANS, SERIF, MONO])
@pytest.mark.parametrize("leader", [".", "…"])
def test_leaders_vanish_and_the_value_is_untouched(dpi: int, font: str, leader: str) -> None:
    """
    GIVEN a label and value followed by dots to the margin, at 150–600 DPI, in three fonts
    WHEN leaders are removed
    THEN no ink is left where the dots were, and the text before them is pixel for pixel the same
    """
    line, start = render_line("Họ, chữ đệm, tên: Nguyễn Thị Ánh", leader, font, dpi=dpi)
    cleaned = remove_dot_leaders(line, dpi=dpi)
    gap = round(0.02 * dpi)  # the space before the first dot
    assert ink(line[:, start:]) > 0
    assert ink(cleaned[:, start:]) == 0
    assert np.array_equal(cleaned[:, :start - gap], line[:, :start - gap])


@pytest.mark.parametrize("text", [
    "Mã hồ sơ: 000.00.21.H27-241128-0001",
    "Ngày cấp: 05.03.2024; ngày sinh 05/03/2024; số tiền 1.250.000 đồng.",
    "Nội dung: Đăng ký khai sinh. Tiếp nhận: 01 (bộ). Xong.",
    "Bệnh viện đa khoa tỉnh Nam Định: phòng 2, tầng 3, lối đi i.",
    "Quý, Quỳnh, Thịnh, Ngọc, Nguyệt, Phượng, Lệ, Hiển, Ịa, ỉi ĩi íi iii",
    "Họ và tên: LÊ THỊ MỸ; Địa chỉ: thôn Kỳ Lộ, xã Ân Hảo",
])
@pytest.mark.parametrize("font", [SANS, SERIF])
def test_text_codes_dates_and_diacritics_are_kept(text: str, font: str) -> None:
    """
    GIVEN lines with dotted codes, dates, full stops, colons, «i» dots and dots below letters
    WHEN leaders are removed
    THEN every pixel is as it was
    """
    line, _ = render_line(text, font=font)
    assert np.array_equal(remove_dot_leaders(line, dpi=300), line)


def test_leaders_on_a_noisy_skewed_page_are_removed() -> None:
    """
    GIVEN a leader line on grey paper with sensor noise, turned by 0.8°
    WHEN leaders are removed
    THEN at least 95 % of the leaders' ink is gone and the text keeps at least 99 % of its ink
    """
    line, start = render_line("Nơi sinh: Trạm y tế xã Hải Minh", ".", SERIF)
    page = np.full((line.shape[0] * 3, line.shape[1]), 255, np.uint8)
    page[line.shape[0]:2 * line.shape[0]] = line
    noisy = degrade(skew_page(page, 0.8), seed=3, paper=215, ink=50, noise=6.0)
    cleaned = remove_dot_leaders(noisy, dpi=300)
    text_part, dots_part = (slice(None), slice(0, start - 6)), (slice(None), slice(start, None))
    assert ink(cleaned[dots_part]) <= 0.05 * ink(noisy[dots_part])
    assert ink(cleaned[text_part]) >= 0.99 * ink(noisy[text_part])


def test_blank_page_is_returned_unchanged() -> None:
    page = np.full((300, 400), 255, np.uint8)
    assert remove_dot_leaders(page) is page  # no copy of a page without leaders
    assert remove_dot_leaders(np.zeros((0, 0), np.uint8)).size == 0


@pytest.mark.parametrize("leader", [".", "…"])
def test_ocr_reads_the_value_alone_once_leaders_are_gone(leader: str) -> None:
    """
    GIVEN a form line «label: value» followed by leaders, as Tesseract sees it
    WHEN it is read before and after leader removal
    THEN afterwards the line reads exactly as printed, with no dot or dash debris
    """
    text = "Ngày, tháng, năm sinh: 05/03/2024, nơi sinh: Hà Tĩnh"
    line, _ = render_line(text, leader, SERIF)
    page = np.full((line.shape[0] * 3, line.shape[1]), 255, np.uint8)
    page[line.shape[0]:2 * line.shape[0]] = line
    options = OcrOptions(languages="vie", dpi=300)
    before = recognize_page(page, 1, options).page.text.strip()
    after = recognize_page(remove_dot_leaders(page, dpi=300), 1, options).page.text.strip()
    assert after == text
    assert before != text  # the leaders did get in the way


def test_clean_for_ocr_removes_leaders_unless_told_not_to() -> None:
    """
    GIVEN an A4 page (300 DPI) with a leader line
    WHEN it is cleaned for OCR with the default options, and with ``remove_leaders=False``
    THEN the leaders are gone by default and kept when switched off
    """
    line, start = render_line("Dân tộc: Kinh", "…", SERIF)
    page = np.full((3508, 2480), 255, np.uint8)
    page[1000:1000 + line.shape[0], 200:200 + line.shape[1]] = line
    dots = (slice(1000, 1000 + line.shape[0]), slice(200 + start, 200 + line.shape[1]))
    assert ink(clean_for_ocr(page, PreprocessOptions())[dots]) == 0
    assert ink(clean_for_ocr(page, PreprocessOptions(remove_leaders=False))[dots]) > 0
