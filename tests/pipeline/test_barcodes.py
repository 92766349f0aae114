"""Reading the dossier code from barcodes and QR codes: the real decoder on generated pages."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytesseract
import pytest

from pipeline.barcodes import (
    PageCode,
    codes_to_report,
    dossier_code_of,
    is_cover_sheet,
    read_codes,
    read_codes_again,
)
from samples import forms
from samples.codes import symbol_image
from samples.generate import render_form
from samples.layouts import get_layout
from samples.render import render_page

CODE = "000.00.21.H27-241128-0001"
OTHER = "001.21.31.H40-250102-0042"


def receipt(kind: str | None, dpi: int = 300, seed: int = 3) -> tuple[str, np.ndarray]:
    """A clean upright receipt printing its code as ``kind``: (its dossier code, pixels)."""
    content, pixels, _text = render_form("dossier_receipt", "classic", dpi, seed, barcode=kind)
    return str(content.fields["dossier_code"]), pixels


def cover_sheet(code: str, kind: str, dpi: int = 200) -> tuple[np.ndarray, str]:
    """A station's cover sheet as the generator draws it: (pixels, printed text)."""
    rng = random.Random(7)
    page = render_page(forms.cover_sheet(rng, code, kind), get_layout("classic"), dpi, rng)
    return np.asarray(page.image), page.text


def jpeg(pixels: np.ndarray, quality: int) -> np.ndarray:
    _ok, data = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def paste(page: np.ndarray, kind: str, text: str, x: int, y: int) -> np.ndarray:
    symbol = np.asarray(symbol_image(kind, text, 300))  # type: ignore[arg-type]
    out = page.copy()
    out[y:y + symbol.shape[0], x:x + symbol.shape[1]] = symbol
    return out


@pytest.mark.parametrize("kind, name", [("qr", "qr"), ("code128", "code128")])
def test_a_receipt_symbol_is_read_with_its_format_and_place(kind: str, name: str) -> None:
    code, page = receipt(kind)
    [found] = read_codes(page)
    assert (found.text, found.format) == (code, name)
    x, y, width, height = found.bbox
    # Printed centred under the title, in the upper third of the page.
    assert y < page.shape[0] / 3 and abs(x + width / 2 - page.shape[1] / 2) < 60
    if kind == "qr":
        assert abs(width - height) < 10 and width > 200  # 20 mm square at 300 DPI: ~236 px
    else:
        assert width > 5 * height


@pytest.mark.parametrize("turns", [1, 3])
def test_a_sideways_barcode_is_boxed_where_it_is_on_the_page(turns: int) -> None:
    """GIVEN a receipt whose Code 128 lies sideways (the page turned a quarter either way)
    WHEN its codes are read (the bars across pixel rows: found on the page turned back) THEN
    its box is the upright page's box turned likewise, tall and narrow (to 3 px: the bars'
    ends are estimated from the rows scanned, which differ with the direction)."""
    code, page = receipt("code128")
    [upright] = read_codes(page)
    height, width = page.shape[:2]
    turned = np.ascontiguousarray(np.rot90(page, k=turns))  # counter-clockwise quarters
    [found] = read_codes(turned)
    x, y, w, h = upright.bbox
    # np.rot90 once: (x, y) → (y, width - 1 - x); three times: (x, y) → (height - 1 - y, x).
    expected = ((y, width - x - w, h, w) if turns == 1 else (height - y - h, x, h, w))
    assert found.text == code and found.format == "code128"
    assert all(abs(a - b) <= 3 for a, b in zip(found.bbox, expected, strict=True)), (
        found.bbox, expected)
    assert found.bbox[3] > 5 * found.bbox[2]


@pytest.mark.parametrize("turns", [1, 2, 3])
@pytest.mark.parametrize("kind", ["qr", "code128"])
def test_a_page_scanned_sideways_or_upside_down_is_read(kind: str, turns: int) -> None:
    code, page = receipt(kind)
    assert dossier_code_of(read_codes(np.ascontiguousarray(np.rot90(page, k=turns)))) == code


@pytest.mark.parametrize("kind", ["qr", "code128"])
def test_a_200_dpi_jpeg_scan_is_read(kind: str) -> None:
    code, page = receipt(kind, dpi=200, seed=4)
    assert dossier_code_of(read_codes(jpeg(page, 35))) == code


def test_a_150_dpi_code128_is_read_on_the_enlarged_page() -> None:
    """GIVEN a 150 DPI receipt (0.3 mm bars under 2 pixels) WHEN read THEN the second,
    enlarged pass gives the code (the first pass reads nothing or a wrong text)."""
    code, page = receipt("code128", dpi=150, seed=5)
    assert dossier_code_of(read_codes(page)) == code


def test_a_page_without_symbols_has_no_codes() -> None:
    _content, page, _text = render_form("birth_registration", "classic", 200, 1)
    assert read_codes(page) == []
    assert dossier_code_of([]) is None


def test_a_symbol_that_is_no_dossier_code_is_ignored_and_reported() -> None:
    """GIVEN a receipt with its Code 128 and a QR code of a web address WHEN read THEN the
    dossier code is the barcode's and the QR code is reported, not used."""
    code, page = receipt("code128")
    page = paste(page, "qr", "https://dichvucong.gov.vn/tra-cuu", 1900, 3000)
    codes = read_codes(page)
    assert {c.format for c in codes} == {"qr", "code128"}
    assert dossier_code_of(codes) == code
    assert [c.text for c in codes_to_report(codes)] == ["https://dichvucong.gov.vn/tra-cuu"]


def test_one_code_printed_twice_is_one_code_and_two_codes_are_none() -> None:
    twice = [PageCode(CODE, "qr", (0, 0, 1, 1)), PageCode(f" {CODE}\n", "code128", (0, 0, 1, 1))]
    assert dossier_code_of(twice) == CODE and codes_to_report(twice) == []
    clash = [PageCode(CODE, "qr", (0, 0, 1, 1)), PageCode(OTHER, "code128", (5, 5, 1, 1))]
    assert dossier_code_of(clash) is None
    assert codes_to_report(clash) == clash
    # Lower case, other punctuation or a code inside a longer text is no dossier code.
    for text in (CODE.lower(), CODE.replace("-", "/"), f"ma={CODE}"):
        assert dossier_code_of([PageCode(text, "qr", (0, 0, 1, 1))]) is None


@pytest.mark.parametrize("kind", ["qr", "code128"])
def test_a_cover_sheet_is_told_from_a_receipt_on_tesseracts_text(kind: str) -> None:
    """GIVEN a generated cover sheet and a receipt carrying the same kind of symbol WHEN
    their Tesseract text is counted THEN only the cover sheet is one."""
    cover, _printed = cover_sheet(CODE, kind)
    cover_codes = read_codes(cover)
    assert dossier_code_of(cover_codes) == CODE
    assert is_cover_sheet(cover_codes, pytesseract.image_to_string(cover, lang="vie"))
    _content, page, receipt_text = render_form("dossier_receipt", "classic", 200, 3,
                                               barcode=kind)
    assert not is_cover_sheet(read_codes(page), receipt_text)


def test_a_page_of_little_text_without_a_dossier_code_is_no_cover_sheet() -> None:
    assert not is_cover_sheet([], "Mã hồ sơ")
    assert not is_cover_sheet([PageCode("https://example.vn", "qr", (0, 0, 1, 1))], "")


def test_a_code128_blurred_by_rendering_a_200_dpi_pdf_at_300_dpi_is_read(tmp_path) -> None:
    """GIVEN a 200-DPI scanned receipt put in a PDF, which the loader renders at 300 DPI
    WHEN its codes are read THEN the Code 128 is (its local binarization misread one bar:
    a checksum error; the second look at Otsu's threshold reads it)."""
    from PIL import Image

    from config.settings import Settings
    from pipeline.load import inspect_file, load_page
    from samples.generate import FileSpec, generate_file

    truth = generate_file(FileSpec(1, 31, ("dossier_receipt",), "clean", "classic", "tiff", 200,
                                   barcode="code128"), tmp_path)
    pdf = tmp_path / "receipt.pdf"
    Image.open(tmp_path / truth.file).convert("L").save(pdf, resolution=200)
    limits = Settings().page_limits()
    info = inspect_file(pdf, limits)
    assert info.dpi == 300
    [found] = read_codes(load_page(pdf, info, 0, limits))
    assert (found.text, found.format) == (truth.fields["dossier_code"], "code128")


def photocopied(page: np.ndarray, seed: int = 0) -> np.ndarray:
    """A 200-DPI page blurred, greyed and grained as a hard scan's toner leaves it (dossier
    seed 19, hard: a receipt whose Code 128 zxing-cpp did not even see)."""
    grey = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    blurred = cv2.GaussianBlur(grey, (0, 0), 1.1).astype(np.float32)
    grained = 110 + blurred * 90 / 255 + np.random.default_rng(seed).normal(0, 35, grey.shape)
    return np.clip(grained, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_grained_code128_is_read_from_its_bars_averaged(seed: int) -> None:
    """GIVEN a receipt's Code 128 at 200 DPI blurred and grained past what zxing-cpp reads
    WHEN its bars are read averaged down their height THEN the code is read, boxed where
    the symbol is."""
    code, page = receipt("code128", dpi=200)
    [(x, y, width, height)] = [c.bbox for c in read_codes(page)]
    damaged = photocopied(page, seed)
    assert read_codes(damaged) == []
    [found] = read_codes_again(damaged)
    assert (found.text, found.format) == (code, "code128")
    fx, fy, fwidth, fheight = found.bbox
    assert abs(fx - x) < 20 and abs(fy - y) < 20
    assert abs(fwidth - width) < 40 and abs(fheight - height) < 20


def test_averaged_bars_are_read_on_a_page_turned_a_quarter_and_boxed_on_it() -> None:
    code, page = receipt("code128", dpi=200)
    turned = cv2.rotate(photocopied(page), cv2.ROTATE_90_COUNTERCLOCKWISE)
    [found] = read_codes_again(turned)
    x, y, width, height = found.bbox
    assert found.text == code and height > 3 * width  # the bars lie across the turned page
    assert x >= 0 and x + width <= turned.shape[1] and y >= 0 and y + height <= turned.shape[0]


def test_a_grained_page_without_bars_reads_no_averaged_code() -> None:
    _content, page, _text = render_form("birth_registration", "classic", 200, 1)
    assert read_codes_again(photocopied(page)) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_grained_qr_code_is_read_with_its_grain_taken_out(seed: int) -> None:
    """GIVEN a receipt's QR code at 200 DPI grained past zxing-cpp's checksum (as three hard
    tuning receipts were) WHEN read again THEN a 3 × 3 median makes it readable."""
    code, page = receipt("qr", dpi=200)
    grey = cv2.GaussianBlur(page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY),
                            (0, 0), 0.6).astype(np.float32)
    grained = 110 + grey * 90 / 255 + np.random.default_rng(seed).normal(0, 30, grey.shape)
    damaged = np.clip(grained, 0, 255).astype(np.uint8)
    assert read_codes(damaged) == []
    [found] = read_codes_again(damaged)
    assert (found.text, found.format) == (code, "qr")
