"""Born-digital PDF pages read from their own text layer; signed scans still OCR'd. Real
poppler (pdftotext, pdftoppm) and Tesseract, on PDFs written by fpdf2 in the test."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from office.documents import summarize_page
from pipeline.load import FileFormat, PageLimits, inspect_file, load_page
from pipeline.ocr import OcrOptions
from pipeline.page import PageOptions, PageResult, process_page
from pipeline.pdf import PageSource
from pipeline.pdf.textlayer import PdfPage, TextLayerOptions, read_text_layer, text_coverage
from samples.borndigital import write_born_digital_pdf, write_signed_scan_pdf
from tests.pipeline.conftest import BODY, DPI, HEADER, MOTTO, TITLE

SOURCE = [HEADER, MOTTO, TITLE, *BODY]
SECOND = ["Giấy xác nhận tình trạng hôn nhân", "Họ, chữ đệm, tên: Lê Thị Ánh Tuyết",
          "Nơi cư trú: phường Đồng Xuân, quận Hoàn Kiếm, thành phố Hà Nội"]
LIMITS = PageLimits(dpi=DPI)


def squeezed(text: str) -> str:
    return "".join(text.split())


def process(path: Path, index: int, tmp_path: Path) -> PageResult:
    """Page ``index`` of the PDF through the page sequence, as the Prefect task runs it."""
    info = inspect_file(path, LIMITS)
    options = PageOptions(ocr=OcrOptions(dpi=DPI), work_dir=tmp_path)
    return process_page(lambda: load_page(path, info, index, LIMITS), index + 1, options,
                        PageSource(path, FileFormat.PDF, index, DPI))


@pytest.fixture(scope="module")
def born_digital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_born_digital_pdf(tmp_path_factory.mktemp("pdf") / "born.pdf", [SOURCE, SECOND])


def test_a_born_digital_page_is_read_from_its_text_layer_and_kept_as_it_is(born_digital,
                                                                          tmp_path):
    """
    GIVEN a two-page PDF exported with real Vietnamese text
    WHEN its second page is processed
    THEN its text is the PDF's own, composed (NFC), said to come from the PDF, and the page
    PDF is the original page: its content stream and font, no raster image.
    """
    result = process(born_digital, 1, tmp_path)
    assert result.page.text_source == "pdf" and result.page.number == 2
    assert squeezed(result.page.text) == squeezed("".join(SECOND))
    assert result.page.text.splitlines()[0] == SECOND[0]
    assert result.page.mean_confidence == 100 and result.page.rotation == 0
    stored = pikepdf.open(io.BytesIO(result.pdf))
    with pikepdf.open(born_digital) as original:
        assert len(stored.pages) == 1 and not list(stored.pages[0].images)
        assert (stored.pages[0].Contents.read_bytes()
                == original.pages[1].Contents.read_bytes())
        assert list(stored.pages[0].Resources.Font.keys()) == list(
            original.pages[1].Resources.Font.keys())


def test_word_boxes_are_pixels_of_the_page_as_rasterised(born_digital):
    """
    GIVEN the born-digital page rasterised at the test DPI
    WHEN its text layer is read at that DPI
    THEN each word's box lies on that word's ink: boxes fit the grid extraction works on.
    """
    info = inspect_file(born_digital, LIMITS)
    image = load_page(born_digital, info, 0, LIMITS)
    lines = read_text_layer(PdfPage(born_digital, 0), DPI)
    words = [word for line in lines for word in line.words]
    for word in words:
        x0, y0, x1, y1 = word.bbox
        assert 0 <= x0 < x1 <= image.shape[1] and 0 <= y0 < y1 <= image.shape[0]
    for word in (word for word in words if len(word.text) >= 3):  # «-» is a thin stroke
        x0, y0, x1, y1 = word.bbox
        assert (image[y0:y1, x0:x1] < 128).mean() > 0.05, word
    title = next(line for line in lines if line.text == TITLE)
    assert title.bbox[0] == pytest.approx(25 / 25.4 * DPI, abs=3)  # the 25 mm margin


@pytest.mark.parametrize("invisible", [False, True])
def test_a_signed_scan_is_ocrd_despite_its_stamp_text(text_page, tmp_path, invisible):
    """
    GIVEN a scanned page with a digital-signature stamp's words in a corner (visible or not)
    WHEN processed
    THEN its few words explain almost none of the page's ink, so it is OCR'd: the body's
    words are read and the page PDF is the raster under Tesseract's layer; the page is
    rasterised once, for the check and the reading both.
    """
    path = write_signed_scan_pdf(tmp_path / "signed.pdf", np.array(text_page),
                                 invisible=invisible)
    info, decoded = inspect_file(path, LIMITS), []

    def decode() -> np.ndarray:
        decoded.append(1)
        return load_page(path, info, 0, LIMITS)

    result = process_page(decode, 1, PageOptions(ocr=OcrOptions(dpi=DPI), work_dir=tmp_path),
                          PageSource(path, FileFormat.PDF, 0, DPI))
    assert result.page.text_source == "ocr" and decoded == [1]
    assert "Làm tại:" in result.page.text and "Hải Hậu" in result.page.text
    stored = pikepdf.open(io.BytesIO(result.pdf))
    assert list(stored.pages[0].images)


def test_coverage_tells_a_page_of_text_from_a_stamp(born_digital, text_page, tmp_path):
    """
    GIVEN a born-digital page and a signed scan, rasterised
    WHEN the share of their ink inside their text layer's words is measured
    THEN the born-digital page's words hold nearly all its ink, the stamp's nearly none,
    on either side of the default threshold.
    """
    signed = write_signed_scan_pdf(tmp_path / "signed.pdf", np.array(text_page))
    shares = {}
    for name, path in (("born", born_digital), ("signed", signed)):
        image = load_page(path, inspect_file(path, LIMITS), 0, LIMITS)
        shares[name] = text_coverage(read_text_layer(PdfPage(path, 0), DPI), image)
    threshold = TextLayerOptions().min_coverage
    assert shares["born"] > 0.9 > threshold > 0.1 > shares["signed"], shares


def test_with_text_layers_switched_off_a_born_digital_page_is_ocrd(born_digital, tmp_path):
    """
    GIVEN the born-digital page with reading text layers switched off
    WHEN processed
    THEN it is OCR'd like a scan and says so (and OCR may miss a tone mark the PDF has:
    measured, «Ánh» read as «Ảnh»).
    """
    info = inspect_file(born_digital, LIMITS)
    options = PageOptions(ocr=OcrOptions(dpi=DPI), work_dir=tmp_path,
                          text_layer=TextLayerOptions(enabled=False))
    result = process_page(lambda: load_page(born_digital, info, 1, LIMITS), 2, options,
                          PageSource(born_digital, FileFormat.PDF, 1, DPI))
    assert result.page.text_source == "ocr" and "phường Đồng Xuân" in result.page.text


def test_the_json_page_says_where_its_text_came_from(born_digital, tmp_path):
    """The page summary of the extracted JSON (contract §3) carries ``text_source``."""
    page = process(born_digital, 0, tmp_path).page
    summary = summarize_page(page)
    assert summary.text_source == "pdf"
    assert summary.model_dump()["text_source"] == "pdf"


def test_a_page_with_a_rotate_entry_gets_boxes_on_its_raster(born_digital, tmp_path):
    """
    GIVEN the born-digital page saved with /Rotate 90 (shown sideways by every viewer)
    WHEN its text layer is read and it is rasterised
    THEN poppler gives both in the displayed orientation: the boxes still hold its ink.
    """
    rotated = tmp_path / "rotated.pdf"
    with pikepdf.open(born_digital) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save(rotated)
    image = load_page(rotated, inspect_file(rotated, LIMITS), 0, LIMITS)
    assert image.shape[1] > image.shape[0]  # landscape as displayed
    assert text_coverage(read_text_layer(PdfPage(rotated, 0), DPI), image) > 0.9
