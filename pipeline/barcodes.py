"""Barcodes and QR codes on a page: the dossier code a receipt or a cover sheet prints (§5, §6).

The decoder is zxing-cpp, chosen by ``python -m benchmarks.barcodes --pages 4`` (dossier
receipts from the samples generator at 300 DPI carrying their code, 4 pages per symbology and
condition; zxing-cpp 3.1.1 against OpenCV 5.0's ``QRCodeDetector`` and ``barcode.
BarcodeDetector``; a shared 2-core machine, so compare times within the run; reads were the
same in two runs). Read % / wrong % / median ms a page:

=============================  ===============  ===============  ===============  ==========
condition                      zxing-cpp QR     zxing-cpp C128   OpenCV QR        OpenCV C128
=============================  ===============  ===============  ===============  ==========
clean 300 DPI                  100 / 0 / 348    100 / 0 / 237    100 / 0 / 1467   0 / 0
rotated 90, 180, 270           100 / 0          100 / 0          100 / 0          0 / 0
tilted ±3°, sheared 6 % + 2°   100 / 0          100 / 0          100 / 0          0 / 25
tilted +10°, -10°              100 / 0          0 / 0            75, 100 / 0      0
200 DPI                        100 / 0 / 89     100 / 0 / 80     100 / 0 / 404    0 / 0
150 DPI                        100 / 0 / 43     25 / 0 / 53      50 / 0 / 122     0 / 0
photocopied (300 DPI)          100 / 0 / 206    50 / 0 / 229     50 / 0 / 677     0 / 0
JPEG quality 30–50             100 / 0 / 175    100 / 0 / 309    100 / 0 / 855    0 / 0
200 DPI + 3° + copy + JPEG     100 / 0 / 93     0 / 0 / 313      25 / 0 / 256     0 / 0
all 112 pages                  zxing-cpp: 84.8 % read, 0 wrong, median 240 ms
                               OpenCV: 42.9 % read, 2.7 % wrong, median 578 ms
=============================  ===============  ===============  ===============  ==========

OpenCV reads no Code 128 at all (its 1-D detector decodes EAN and UPC only; on tilted pages it
returned wrong texts) and reads QR codes 3–5 times slower than zxing-cpp, and less often once
damaged. ``QRCodeDetectorAruco`` did no better (47.3 % read, 2.7 % wrong). zxing-cpp reads
both symbologies in any quarter turn in one call, with no wrong read. Its limits, and what is
done about them:

- A Code 128 tilted ±10° is not read: a row scan no longer crosses the whole symbol once
  tan(tilt) exceeds height/width, about 8° for the generator's 12 × 86 mm barcode. The caller
  gives the page as deskewed for OCR.
- At 150 DPI a 0.3 mm module is under 2 pixels: 25 % of Code 128 read. A page under
  :data:`SMALL_PAGE_PX` that yields nothing is read again at twice the size: 100 % (median
  297 ms). At 200 DPI that second pass gained nothing (0 % either way on the worst pages)
  and costs a code-less page 4× (0.4 s → 1.8 s here), so it stops below 200 DPI.
- Photocopied Code 128 (blur, toner noise, hard threshold): 50 %. On a page that prints a
  dossier code or looks like a cover sheet and has no dossier-code symbol decoded, the bars
  are found by their gradients and read once more averaged down their height, and QR codes
  once more after a 3 × 3 median (:func:`read_codes_again`): the toner grain that splits a
  thin bar or a module is noise, the symbol is not. On the hard receipts and cover sheets
  of four tuning dossier sets (seeds 7, 13, 17, 19; 177 pages carrying a code's symbol),
  zxing-cpp read 177 − 16; the averaged bars read 13 of the 16 and the median 3 QR codes,
  none wrong.
- A wrong text that passes the Code 128 checksum happens (once, at 150 DPI with
  nearest-neighbour symbols: «001.3'.U7UH26-240222-0039»), so only texts that are dossier
  codes count (:func:`dossier_code_of`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import zxingcpp

from pipeline.image.clean import as_gray
from schemas.codes import is_dossier_code as is_code

_F = zxingcpp.BarcodeFormat
# What one-stop-shop software and label printers print. Retail (EAN/UPC) and other formats
# are left out: no station prints them, and every format searched is one more chance of a
# false find in text and table rules (not measured: the benchmark searched these formats only).
FORMAT_NAMES: dict[zxingcpp.BarcodeFormat, str] = {
    _F.QRCode: "qr", _F.Code128: "code128", _F.Code39: "code39", _F.DataMatrix: "datamatrix",
    _F.PDF417: "pdf417", _F.Aztec: "aztec",
}
# The formats read along pixel rows (zxing-cpp reads them in the page's direction and the
# opposite one, not across): looked for again on the page turned a quarter.
ROW_FORMATS = (_F.Code128, _F.Code39, _F.PDF417)
# Under this many pixels on the short side (A4 below ~175 DPI) a page is read again enlarged.
SMALL_PAGE_PX = 1450
# A cover sheet's own words: a caption and the office, 12–14 in Tesseract's text of the
# generator's sheets at 200 DPI (bars read as no word); its receipts print ~235, forms ~300.
MAX_COVER_WORDS = 30
_WORD = re.compile(r"\w{2,}")
# A word read at least this surely counts as a page's own (:func:`sure_words`): the bars of
# a symbol not decoded come out as words read at 0–57 (dossier seed 17, hard).
SURE_WORD_CONFIDENCE = 60.0


@dataclass(frozen=True)
class PageCode:
    """One symbol found on a page: its text, format («qr», «code128», …) and where it is.

    ``bbox`` is (x, y, width, height) in pixels of the image it was read from, upright
    or not, enclosing the symbol's four corners.
    """

    text: str
    format: str
    bbox: tuple[int, int, int, int]


def read_codes(image: np.ndarray) -> list[PageCode]:
    """Every barcode and QR code zxing-cpp finds on a page (grey or BGR ``uint8``).

    Any quarter turn is read; give a skewed page deskewed (see the module's notes). A small
    page that yields nothing is read again at twice its size.
    """
    # Read in grey: zxing-cpp makes its own grey copy of a BGR page in each of its two
    # searches, and the quarter turn of a colour page moved three channels. On the 30 pages
    # of the throughput benchmark (seed 7, 7 in colour): 73 → 64 CPU ms a page, the same
    # codes on every page.
    image = as_gray(image)
    codes, seen = _decode(image, 1.0)
    if not codes and seen:
        codes, _ = _decode(_binarized(image), 1.0)
    if not codes and min(image.shape[:2]) < SMALL_PAGE_PX:
        larger = cv2.resize(image, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
        codes, _ = _decode(larger, 0.5)
    return codes


# A region of bars is found on the page at half its size (gradient work 4x cheaper); it must
# be at least this share of the page's long side tall (a line of print is ~1/100 of it, the
# generator's barcode ~1/20) and twice as wide as tall.
_BARS_SCALE = 0.5
_MIN_BARS_HEIGHT = 1 / 60
_AVERAGED_FORMATS = (_F.Code128, _F.Code39)


def read_codes_again(image: np.ndarray) -> list[PageCode]:
    """A second look for the symbols zxing-cpp could not decode on a page that should carry
    a dossier code's (grey or BGR, upright): Code 128 and Code 39 read from their bars
    averaged down their height (the middle half of each region of bars, averaged row by row
    into one row of grey, cut at Otsu's threshold and drawn again as a clean symbol), on the
    page and its quarter turn; failing those, QR codes read on the page with its grain taken
    out by a 3 × 3 median (three hard tuning receipts whose QR code failed its checksum as
    scanned read so). Only texts that are dossier codes count, as for any symbol
    (:func:`dossier_code_of`)."""
    gray = as_gray(image)
    codes = [PageCode(text, fmt, box) for text, fmt, box in _averaged(gray)]
    turned = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
    for text, fmt, (x, y, width, height) in _averaged(turned):
        corners = [(x, y), (x + width, y + height)]
        codes.append(PageCode(text, fmt, _bbox(_unturned_points(corners, gray.shape[0]), 1.0)))
    if not any(is_dossier_code(code.text) for code in codes):
        codes += [PageCode(r.text, FORMAT_NAMES[r.format], _bbox(_corners(r.position), 1.0))
                  for r in _read(cv2.medianBlur(gray, 3), (_F.QRCode,)) if r.valid and r.text]
    return [code for code in codes if is_dossier_code(code.text)]


def _averaged(gray: np.ndarray) -> list[tuple[str, str, tuple[int, int, int, int]]]:
    """The symbols read from the averaged bars of each region of vertical bars."""
    found = []
    for x, y, width, height in bar_regions(gray):
        band = gray[y + height // 4: y + 3 * height // 4, max(0, x - 10): x + width + 10]
        row = cv2.normalize(band.mean(axis=0, dtype=np.float32), None, 0, 255,
                            cv2.NORM_MINMAX).astype(np.uint8)[None, :]
        row = cv2.threshold(row, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
        drawn = cv2.copyMakeBorder(np.repeat(row, 40, axis=0), 10, 10, 40, 40,
                                   cv2.BORDER_CONSTANT, value=255)
        for result in _read(drawn, _AVERAGED_FORMATS):
            if result.valid and result.text:
                found.append((result.text, FORMAT_NAMES[result.format], (x, y, width, height)))
    return found


def bar_regions(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Regions of vertical bars on a grey page, (x, y, width, height) in its pixels: where
    the horizontal gradient outweighs the vertical one over a closed area (text has both),
    at least ``_MIN_BARS_HEIGHT`` of the page's long side tall and twice as wide as tall."""
    small = cv2.resize(gray, None, fx=_BARS_SCALE, fy=_BARS_SCALE, interpolation=cv2.INTER_AREA)
    across = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 1, 0, ksize=3))
    down = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 0, 1, ksize=3))
    blurred = cv2.blur(cv2.subtract(across, down), (9, 9))
    mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE,
                            cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3)))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    least = max(gray.shape) * _MIN_BARS_HEIGHT
    return [(round(x / _BARS_SCALE), round(y / _BARS_SCALE), round(w / _BARS_SCALE),
             round(h / _BARS_SCALE))
            for x, y, w, h, area in stats[1:]
            if h / _BARS_SCALE >= least and w >= 2 * h and area >= 0.5 * w * h]


def _binarized(image: np.ndarray) -> np.ndarray:
    """The page in black and white at Otsu's threshold, for a second look at a symbol seen but
    not decoded: a 200-DPI scan in a PDF rendered at 300 DPI has bars blurred by the
    resampling, and zxing-cpp's local binarizer then misreads one character of the Code 128
    (checksum error); at Otsu's threshold it reads (3 of 3 such receipts of the generator,
    where the resampled page read 2 of 3). Only pages with such a failed symbol pay for it."""
    return cv2.threshold(as_gray(image), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def _decode(image: np.ndarray, scale: float) -> tuple[list[PageCode], bool]:
    """zxing-cpp's valid results, boxes scaled by ``scale`` back to the caller's image, and
    whether a Code 128 or QR code was seen that did not decode.

    Two searches instead of zxing-cpp's ``try_rotate``: every format on the page as it is,
    then the row-scanned formats (:data:`ROW_FORMATS`) on the page turned a quarter. Matrix
    codes are found in any turn, and a row scan reads bars both ways, so one quarter turn
    is all that the rotated search added; it searched every format in every turn. On the 20
    pages of the throughput benchmark: 156 → 100 ms a page, the same reads.
    """
    found = _read(image, tuple(FORMAT_NAMES))
    turned = _read(cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE), ROW_FORMATS)
    height = image.shape[0]
    codes = [PageCode(r.text, FORMAT_NAMES.get(r.format, str(r.format).lower()),
                      _bbox(corners, scale))
             for r, corners in [*((r, _corners(r.position)) for r in found),
                                *((r, _unturned(r.position, height)) for r in turned)]
             if r.valid and r.text]
    seen = any(not r.valid and r.format in (_F.Code128, _F.QRCode) for r in [*found, *turned])
    return codes, seen


def _read(image: np.ndarray, formats: tuple[zxingcpp.BarcodeFormat, ...]) -> list:
    # try_invert off: light-on-dark symbols are not printed on dossier papers, and looking
    # for them cost every page a second search (on the 84 pages of ``benchmarks.barcodes
    # --pages 3``: the same reads, 8.7 → 6.1 s). try_downscale off: the page is searched at
    # its own resolution only, not again at smaller ones too; a small page is already read
    # again enlarged (``read_codes``). On the 112 pages of ``benchmarks.barcodes --pages 4``
    # (150 to 300 DPI, tilted, photocopied, JPEG-damaged): the same read and wrong rates in
    # every condition, median 57 → 46 ms a page; 16 throughput pages 81 → 60 ms.
    return zxingcpp.read_barcodes(image, formats=formats, try_invert=False, try_rotate=False,
                                  try_downscale=False, return_errors=True)


def _corners(position: zxingcpp.Position) -> list[tuple[float, float]]:
    return [(p.x, p.y) for p in (position.top_left, position.top_right,
                                 position.bottom_right, position.bottom_left)]


def _unturned(position: zxingcpp.Position, height: int) -> list[tuple[float, float]]:
    """Corners found on the page turned a quarter clockwise, on the page itself."""
    return _unturned_points(_corners(position), height)


def _unturned_points(points: list[tuple[float, float]], height: int
                     ) -> list[tuple[float, float]]:
    """Points of the page turned a quarter clockwise, on the page itself: the turned page's
    (x, y) is the page's (y, height - 1 - x)."""
    return [(y, height - 1 - x) for x, y in points]


def _bbox(corners: list[tuple[float, float]], scale: float) -> tuple[int, int, int, int]:
    xs, ys = [x * scale for x, _ in corners], [y * scale for _, y in corners]
    return (round(min(xs)), round(min(ys)), round(max(xs) - min(xs)), round(max(ys) - min(ys)))


def sure_words(lines: Sequence[Any]) -> int:
    """The words of two characters or more read at least ``SURE_WORD_CONFIDENCE`` surely in
    a page's OCR lines (``schemas.ocr.OcrLine``): a cover sheet holds no more than
    ``MAX_COVER_WORDS``, whether its symbol was decoded or not."""
    return sum(len(word.text) >= 2 and word.confidence >= SURE_WORD_CONFIDENCE
               for line in lines for word in line.words)


def is_dossier_code(text: str) -> bool:
    """Whether a symbol's whole text (spaces around it aside) is a dossier code."""
    return is_code(text.strip())


def dossier_code_of(codes: Sequence[PageCode]) -> str | None:
    """The dossier code a page's symbols carry, or None.

    Symbols whose text is no dossier code are ignored (:func:`codes_to_report` lists them).
    The same code printed twice (QR and Code 128) is one code; two different codes on one
    page leave the page without one, since neither can be preferred.
    """
    found = {c.text.strip() for c in codes if is_dossier_code(c.text)}
    return found.pop() if len(found) == 1 else None


def untitled_receipt_code(doc_type: str | None, codes: Sequence[PageCode]) -> str | None:
    """The dossier code by which a page or document of no known type acts as its dossier's
    receipt, or None. Only receipts and cover sheets print a dossier code's symbol (§5, §6),
    so a page without a title that carries one (and is no cover sheet), or a document typed
    ``unknown`` that does, is a receipt whose title was not read.

    ``doc_type`` is the type whose title the page opens (splitting) or the one the document
    was given (analysis); None or ``unknown`` for none. The one rule behind three decisions:
    such a page starts a document (pipeline/split.py), the document names the symbol's code
    as its own (pipeline/document.py), and it opens that dossier in review, the documents
    after it joining it (office/dossiers.py)."""
    if doc_type is not None and doc_type != "unknown":
        return None
    return dossier_code_of(codes)


def codes_to_report(codes: Sequence[PageCode]) -> list[PageCode]:
    """The symbols the caller should note: texts that are no dossier code, and every
    dossier-code symbol when they disagree (then :func:`dossier_code_of` gives None)."""
    others = [c for c in codes if not is_dossier_code(c.text)]
    dossier = [c for c in codes if is_dossier_code(c.text)]
    disagree = len({c.text.strip() for c in dossier}) > 1
    return others + (dossier if disagree else [])


def is_cover_sheet(codes: Sequence[PageCode], page_text: str) -> bool:
    """Whether a page is a cover sheet: a dossier-code symbol and little other text (§5).

    ``page_text`` is the page's OCR text; words of two letters or digits or more are counted,
    those of the code printed in clear aside, against :data:`MAX_COVER_WORDS`.
    """
    code = dossier_code_of(codes)
    if code is None:
        return False
    return len(_WORD.findall(page_text.replace(code, " "))) <= MAX_COVER_WORDS
