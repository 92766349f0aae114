"""Tesseract on real rendered text: one call yields word boxes, text and a text-layer PDF."""

from __future__ import annotations

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import ConfigurationError
from pipeline.ocr import (
    OcrOptions,
    check_languages,
    mean_confidence,
    parse_tsv,
    recognize_page,
    text_of,
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Họ, chữ đệm, tên người mẹ: Trần Thị Lụa"]


def rendered_lines() -> np.ndarray:
    image = Image.new("L", (1500, 400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    for row, line in enumerate(LINES):
        draw.text((80, 80 + row * 110), line, font=font, fill=0)
    return np.asarray(image)


def test_recognize_page_reads_vietnamese_with_boxes_and_pdf() -> None:
    image = rendered_lines()
    result = recognize_page(image, 1, OcrOptions(languages="vie", dpi=200))
    assert [line.text for line in result.page.lines] == LINES
    assert result.page.mean_confidence > 85
    first = result.page.lines[0].words[0]
    assert first.text == "CỘNG"
    x0, y0, x1, y1 = first.bbox
    assert 70 <= x0 < x1 <= 300 and 60 <= y0 < y1 <= 140
    with pikepdf.open(__import__("io").BytesIO(result.text_layer_pdf)) as pdf:
        page = pdf.pages[0]
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 540, 144]


def test_blank_page_has_no_words_and_zero_confidence() -> None:
    result = recognize_page(np.full((300, 300), 255, np.uint8), 2, OcrOptions(dpi=100))
    assert result.page.lines == []
    assert result.page.mean_confidence == 0.0
    assert result.page.number == 2


def test_parse_tsv_groups_words_by_line_and_skips_non_words() -> None:
    header = "\t".join(["level", "page_num", "block_num", "par_num", "line_num", "word_num",
                        "left", "top", "width", "height", "conf", "text"])
    rows = [
        "4\t1\t1\t1\t1\t0\t10\t10\t100\t20\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t95.5\tNgày",
        "5\t1\t1\t1\t1\t2\t60\t10\t40\t20\t90\t05/03",
        "5\t1\t2\t1\t1\t1\t10\t50\t40\t20\t80\tNam",
        "5\t1\t2\t1\t1\t2\t60\t50\t40\t20\t-1\t ",
    ]
    lines = parse_tsv("\n".join([header, *rows]))
    assert [line.text for line in lines] == ["Ngày 05/03", "Nam"]
    assert lines[0].bbox == (10, 10, 100, 30)
    assert text_of(lines) == "Ngày 05/03\n\nNam"


def test_mean_confidence_ignores_dot_leaders() -> None:
    header = "\t".join(["level", "page_num", "block_num", "par_num", "line_num", "word_num",
                        "left", "top", "width", "height", "conf", "text"])
    rows = ["5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tTên:",
            "5\t1\t1\t1\t1\t2\t20\t0\t200\t10\t5\t......................",
            "5\t1\t1\t1\t1\t3\t230\t0\t40\t10\t80\tHà"]
    assert mean_confidence(parse_tsv("\n".join([header, *rows]))) == pytest.approx(
        (90 * 4 + 80 * 2) / 6, abs=0.01)


def test_missing_language_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="klingon"):
        check_languages("vie+klingon")
