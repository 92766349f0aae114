"""Barcodes and QR codes on a page: the dossier code a receipt or a cover sheet prints (§5, §6).

The decoder is zxing-cpp, chosen by ``python -m benchmarks.barcodes`` (receipts from the samples
generator at 300 DPI, 6 pages per symbology and condition, zxing-cpp 3.1.1 against OpenCV
5.0's ``QRCodeDetector``, ``QRCodeDetectorAruco`` and ``barcode.BarcodeDetector``, on a busy
2-core machine; read % / wrong % / median ms a page):

=========================  ==================  ==================  =================
condition                  zxing-cpp QR        zxing-cpp Code 128  OpenCV QR
=========================  ==================  ==================  =================
clean 300 DPI              100 / 0 / 1079      100 / 0 / 574       100 / 0 / 4425
rotated 90, 180, 270       100 / 0             100 / 0             100 / 0
tilted ±3°                 100 / 0             100 / 0             100 / 0
tilted ±10°                100 / 0             0 / 0               100 / 0
photocopied, JPEG 30–50    100 / 0             100 / 0             100 / 0
200 DPI                    100 / 0 / 267       100 / 0 / 332       100 / 0 / 2014
=========================  ==================  ==================  =================

OpenCV reads QR codes as well but 3–6 times slower, and reads no Code 128 at all: its 1-D
detector decodes EAN and UPC only (0 % on every condition). zxing-cpp reads both, in any
quarter turn, in one call. Two limits measured and handled here or by the caller:

- A Code 128 tilted ±10° is not read (a row scan no longer crosses the whole symbol once
  tan(tilt) exceeds height/width, about 9° for a 12 × 75 mm dossier-code barcode). The caller
  gives the page as deskewed for OCR.
- Below about 220 DPI a 0.3 mm module is under 2 pixels: at 150 DPI zxing-cpp read no Code 128
  and once returned a wrong text that passed the Code 128 checksum
  («001.3'.U7UH26-240222-0039»). A small page is therefore read again at twice the size
  when nothing was found (3/3 read, none wrong), and only texts that are dossier codes count
  (:func:`dossier_code_of`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

# The contract's pattern (§1 dossier_receipt), whole text only: a symbol carries one code.
DOSSIER_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}")

_F = zxingcpp.BarcodeFormat
# What one-stop-shop software and label printers print; leaving out the retail and postal
# formats spares their false finds in text and table rules.
FORMAT_NAMES: dict[zxingcpp.BarcodeFormat, str] = {
    _F.QRCode: "qr", _F.Code128: "code128", _F.Code39: "code39", _F.DataMatrix: "datamatrix",
    _F.PDF417: "pdf417", _F.Aztec: "aztec",
}
# Under this many pixels on the short side (A4 below ~220 DPI) a page is read again enlarged.
SMALL_PAGE_PX = 1800
# A cover sheet's own words: a caption, the code in clear, the office (about 12 words on the
# generator's sheets); a receipt prints over 150.
MAX_COVER_WORDS = 30
_WORD = re.compile(r"\w{2,}")


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
    codes = _decode(image, 1.0)
    if not codes and min(image.shape[:2]) < SMALL_PAGE_PX:
        larger = cv2.resize(image, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
        codes = _decode(larger, 0.5)
    return codes


def _decode(image: np.ndarray, scale: float) -> list[PageCode]:
    """zxing-cpp's valid results, boxes scaled by ``scale`` back to the caller's image."""
    found = zxingcpp.read_barcodes(image, formats=tuple(FORMAT_NAMES))
    return [PageCode(r.text, FORMAT_NAMES.get(r.format, str(r.format).lower()),
                     _bbox(r.position, scale))
            for r in found if r.valid and r.text]


def _bbox(position: zxingcpp.Position, scale: float) -> tuple[int, int, int, int]:
    corners = (position.top_left, position.top_right, position.bottom_right,
               position.bottom_left)
    xs, ys = [p.x * scale for p in corners], [p.y * scale for p in corners]
    return (round(min(xs)), round(min(ys)), round(max(xs) - min(xs)), round(max(ys) - min(ys)))


def is_dossier_code(text: str) -> bool:
    """Whether a symbol's whole text (spaces around it aside) is a dossier code."""
    return DOSSIER_CODE.fullmatch(text.strip()) is not None


def dossier_code_of(codes: Sequence[PageCode]) -> str | None:
    """The dossier code a page's symbols carry, or None.

    Symbols whose text is no dossier code are ignored (:func:`codes_to_report` lists them).
    The same code printed twice (QR and Code 128) is one code; two different codes on one
    page leave the page without one, since neither can be preferred.
    """
    found = {c.text.strip() for c in codes if is_dossier_code(c.text)}
    return found.pop() if len(found) == 1 else None


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
