"""The archival searchable PDF keeps the scan as it was and puts the text where it is printed.

Real Tesseract text layers (the pipeline's page sequence), real poppler (pdftotext,
pdftoppm) and the real PDF/A-2b validator (pikepdf.pdfa).
"""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, ImageDraw, ImageFont

from benchmarks.pdf_size import image_streams
from pipeline.load import PageLimits, inspect_file, load_page
from pipeline.ocr import OcrOptions
from pipeline.page import PageOptions, PageResult, process_page
from pipeline.pdf import PageSource, build_page_pdf, merge_page_pdfs
from pipeline.pdf.pdfa import pdfa_problems

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = ["Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Họ và tên người nộp: Nguyễn Thị Hương",
         "Địa chỉ: xã Thạch Hạ, tỉnh Hà Tĩnh", "Mã hồ sơ: 000.00.21.H27-240115-0042",
         "Thời gian trả kết quả: ngày 20 tháng 01 năm 2024"]


def form_page(mode: str = "L") -> Image.Image:
    """A 150 DPI page of Vietnamese lines, in ``mode`` ("1" is a bilevel scan)."""
    image = Image.new("L", (1240, 900), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(LINES):
        draw.text((80, 120 + row * 120), line, font=ImageFont.truetype(FONT, 36), fill=0)
    return image.convert(mode) if mode != "L" else image


def searchable(path: Path, tmp_path: Path) -> tuple[Path, list[PageResult]]:
    """The file through the page sequence and the merge, as the flow does it."""
    limits = PageLimits()
    info = inspect_file(path, limits)
    results, pages = [], []
    for index in range(info.page_count):
        results.append(process_page(lambda i=index: load_page(path, info, i, limits), index + 1,
                                    PageOptions(ocr=OcrOptions(dpi=info.dpi), work_dir=None),
                                    PageSource(path, info.format, index, info.dpi)))
        pages.append(tmp_path / f"page-{index}.pdf")
        pages[-1].write_bytes(results[-1].pdf)
    merged = tmp_path / "searchable.pdf"
    assert merge_page_pdfs(pages, merged) == []
    return merged, results


def text_of(pdf: Path) -> str:
    """The text in the order it is drawn (``-raw``): pdftotext's layout analysis cuts the
    words of a page shown askew (the text follows the printed lines' slant) into pieces,
    «Ng uy ễn» at 3° on a page turned 90°, while the words themselves are whole."""
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def ink_under_words(pdf: Path, tmp_path: Path) -> list[float]:
    """For each word pdftotext finds, the share of dark pixels under its box on the page as
    shown (rendered at 72 DPI, so pixels are points)."""
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-gray", "-png",
                    "-singlefile", str(pdf), str(tmp_path / "shown")], check=True)
    grey = np.asarray(Image.open(tmp_path / "shown.png").convert("L"))
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    shares = []
    for found in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                             r'yMax="([\d.]+)">([^<]{3,})<', boxes):
        x0, y0, x1, y1 = (round(float(v)) for v in found.groups()[:4])
        shares.append(float((grey[y0:y1 + 1, x0:x1 + 1] < 128).mean()))
    return shares


def test_a_pdf_page_keeps_its_image_bytes_and_gets_text_on_its_printed_words(
        tmp_path: Path) -> None:
    """GIVEN a scanned PDF page fed sideways and 3° askew WHEN made searchable THEN its image
    stream is byte-identical, /Rotate shows it upright, the Vietnamese text is extractable,
    every word's box lies on ink, and the file is PDF/A-2b."""
    scan = form_page().rotate(3, expand=True, fillcolor=255).transpose(Image.Transpose.ROTATE_90)
    original = tmp_path / "scan.pdf"
    scan.save(original, "PDF", resolution=150)
    merged, results = searchable(original, tmp_path)

    assert image_streams(merged) == image_streams(original)
    assert results[0].page.rotation == 90 and abs(results[0].page.skew_degrees - 3) < 0.5
    with pikepdf.open(merged) as pdf:
        assert int(pdf.pages[0].obj.Rotate) == 90
    text = text_of(merged)
    assert "Nguyễn Thị Hương" in text and "000.00.21.H27" in text
    shares = ink_under_words(merged, tmp_path)
    assert len(shares) >= 15 and min(shares) > 0.05
    assert pdfa_problems(merged) == []


def test_a_bilevel_tiff_stays_ccitt_g4_pixel_for_pixel(tmp_path: Path) -> None:
    """GIVEN a bilevel G4 TIFF WHEN made searchable THEN the page image is CCITT G4 that
    decodes to the very pixels scanned, and the file grows by the PDF/A overhead only."""
    original = tmp_path / "scan.tif"
    form_page("1").save(original, compression="group4", dpi=(150, 150))
    merged, _ = searchable(original, tmp_path)

    with pikepdf.open(merged) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert image.Filter == pikepdf.Name.CCITTFaxDecode and image.BitsPerComponent == 1
        decoded = np.asarray(pikepdf.PdfImage(image).as_pil_image().convert("L")) < 128
    assert np.array_equal(decoded, np.asarray(form_page("1").convert("L")) < 128)
    # Beside the page, a document carries ~6.4 kB whatever its size (measured: sRGB profile
    # 2.45 kB, XMP 0.6 kB, glyphless font 0.8 kB, text 0.7 kB): this 4.7 kB TIFF of a few
    # lines gives 11.2 kB; a full 300 DPI page (sample-0007.tif, 30 kB) 1.27×.
    assert merged.stat().st_size <= original.stat().st_size + 7_000
    assert "Thời gian trả kết quả" in text_of(merged)
    assert pdfa_problems(merged) == []


def test_a_jpeg_keeps_its_bytes_and_its_exif_turn(tmp_path: Path) -> None:
    """GIVEN a JPEG whose pixels are stored turned (EXIF Orientation 6) WHEN made searchable
    THEN the file's bytes are the page image, the page shows upright and the words' boxes lie
    on ink."""
    stored = form_page().transpose(Image.Transpose.ROTATE_90)  # shown turned 90° clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    original = tmp_path / "scan.jpg"
    stored.save(original, quality=80, dpi=(150, 150), exif=exif)
    merged, _ = searchable(original, tmp_path)

    with pikepdf.open(merged) as pdf:
        assert bytes(pdf.pages[0].Resources.XObject.Im0.read_raw_bytes()) == \
            original.read_bytes()
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 595, 432]
    assert "Địa chỉ" in text_of(merged)
    assert min(ink_under_words(merged, tmp_path)) > 0.05


def test_a_png_keeps_its_compressed_rows(tmp_path: Path) -> None:
    """GIVEN a grey PNG WHEN made searchable THEN the PDF image holds the PNG's own IDAT
    bytes (with PNG predictors) and renders to the same pixels."""
    original = tmp_path / "scan.png"
    form_page().save(original, dpi=(150, 150))
    merged, _ = searchable(original, tmp_path)

    with pikepdf.open(merged) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert bytes(image.read_raw_bytes()) == idat_of(original.read_bytes())
        assert np.array_equal(np.asarray(pikepdf.PdfImage(image).as_pil_image()),
                              np.asarray(form_page()))
    assert merged.stat().st_size <= 1.5 * original.stat().st_size


def idat_of(png: bytes) -> bytes:
    """The PNG's IDAT chunks' data, joined."""
    data, position = b"", 8
    while position < len(png):
        length = int.from_bytes(png[position:position + 4], "big")
        if png[position + 4:position + 8] == b"IDAT":
            data += png[position + 8:position + 8 + length]
        position += 12 + length
    return data


def test_the_validator_refuses_what_is_not_pdf_a(tmp_path: Path) -> None:
    """GIVEN a plain PDF (no output intent, no PDF/A metadata) WHEN validated THEN the
    validator names what is missing: it is no rubber stamp."""
    plain = tmp_path / "plain.pdf"
    with pikepdf.open(BytesIO(build_text_free_page())) as pdf:
        pdf.save(plain)
    problems = pdfa_problems(plain)
    assert problems and any("OutputIntent" in p or "metadata" in p.lower() for p in problems)


def build_text_free_page() -> bytes:
    """A one-page PDF made the old way (JPEG page image), with an empty text layer."""
    layer = pikepdf.new()
    layer.add_blank_page(page_size=(100, 100))
    buffer = BytesIO()
    layer.save(buffer)
    return build_page_pdf(np.full((200, 200), 255, np.uint8), buffer.getvalue(), dpi=144)
