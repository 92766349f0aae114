"""Barcodes and QR codes as one-stop-shop software prints them: the dossier code on a receipt.

The symbols are drawn by libraries other than the decoder the pipeline reads them with
(``python-barcode`` for Code 128, ``segno`` for QR), so a test that reads them back checks the
decoder against an independent encoder. Sizes are physical (millimetres), as a printer makes
them: a Code 128 module of 0.3 mm (the usual X-dimension of office label printers is
0.25–0.33 mm) and a QR code of 20 mm.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import segno
from barcode import Code128
from PIL import Image

BarcodeKind = Literal["qr", "code128"]
BARCODE_KINDS: tuple[BarcodeKind, ...] = ("qr", "code128")

CODE128_MODULE_MM = 0.3
CODE128_HEIGHT_MM = 12.0
QR_SIDE_MM = 20.0
QUIET_MODULES = {"code128": 10, "qr": 4}  # the quiet zones the two standards require


def symbol_modules(kind: BarcodeKind, text: str) -> np.ndarray:
    """The symbol as a 2-D array of modules, True for dark, quiet zone included."""
    quiet = QUIET_MODULES[kind]
    if kind == "qr":
        # Level M, as most receipt printers use; the dossier code fits QR's alphanumeric mode.
        matrix = np.array(segno.make_qr(text, error="m", boost_error=False).matrix, dtype=bool)
        return np.pad(matrix, quiet)
    bits = Code128(text).build()[0]
    row = np.array([bit == "1" for bit in bits], dtype=bool)
    return np.pad(row, quiet)[None, :]


def symbol_image(kind: BarcodeKind, text: str, dpi: int) -> Image.Image:
    """The printed symbol in grey (0 ink, 255 paper) at ``dpi``, quiet zone included.

    Modules are drawn four times finer than the page's pixels and averaged down, so edges that
    fall inside a pixel come out grey, as a scanner sees them (nearest-neighbour scaling made
    1- and 2-pixel bars at 150 DPI that no decoder read).
    """
    modules = symbol_modules(kind, text)
    pixels = np.where(modules, 0, 255).astype(np.uint8)
    per_mm = dpi / 25.4
    if kind == "qr":
        side = round(QR_SIDE_MM * per_mm * modules.shape[1]
                     / (modules.shape[1] - 2 * QUIET_MODULES["qr"]))
        size = (side, side)
    else:
        size = (round(modules.shape[1] * CODE128_MODULE_MM * per_mm),
                round(CODE128_HEIGHT_MM * per_mm))
    fine = Image.fromarray(pixels).resize((size[0] * 4, size[1] * 4), Image.Resampling.NEAREST)
    return fine.resize(size, Image.Resampling.BOX)
