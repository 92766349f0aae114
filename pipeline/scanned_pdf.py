"""A scanned PDF page's own JPEG, decoded as it was scanned instead of rendered by poppler.

Most scanned PDFs are one JPEG per page, drawn over the whole page at the scan's resolution.
Rendering such a page with pdftoppm at that resolution cost 0.15–0.32 CPU s (a grey or colour
300-DPI A4 page, the process's start included) and gives a resampled copy: poppler's scaling
shifts edges by half a pixel (4–5 % of the pixels of the throughput benchmark's grey pages off
by more than 8 levels). Decoding the JPEG itself costs 0.01–0.04 s and gives the scan's pixels.
Any page that is not exactly that (another filter, a mask, a turn, a crop, a drawing beside
the image, a resolution other than the reading's) is left to poppler (``None``).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image, UnidentifiedImageError

# The content of a page that only places one image: save, matrix, draw, restore.
_PLACING = ("q", "cm", "Do", "Q")
# How far the page's side at the reading's resolution may be from the image's pixels: poppler
# rounds a side to whole pixels, so only a side within this of the image's own is the same
# grid (A4 at 300 DPI: 595.2 × 841.92 pt → exactly 2480 × 3508).
_GRID_TOLERANCE_PIXELS = 0.01
_COLOUR_CHANNELS = {"/DeviceGray": 1, "/DeviceRGB": 3}


def scanned_jpeg_page(path: Path, index: int, dpi: int) -> np.ndarray | None:
    """Page ``index`` (0-based) as its JPEG decodes (grey, or BGR as OpenCV gives colour) when
    the page is nothing but one grey or RGB JPEG covering the page at ``dpi``; else None."""
    try:
        with pikepdf.open(path) as pdf:
            found = _full_page_jpeg(pdf.pages[index], dpi)
    except (pikepdf.PdfError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    if found is None:
        return None
    data, channels, size = found
    if not _header_agrees(data, channels, size):
        return None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    wanted = 2 if channels == 1 else 3
    return image if image is not None and image.ndim == wanted else None


def _full_page_jpeg(page: pikepdf.Page, dpi: int) -> tuple[bytes, int, tuple[int, int]] | None:
    """The JPEG bytes, channel count and size of the one image the page draws over itself."""
    if "/Annots" in page.obj or int(page.obj.get("/Rotate", 0)) % 360:
        return None
    media = [float(value) for value in page.mediabox]
    if media[:2] != [0.0, 0.0] or [float(v) for v in page.cropbox] != media:
        return None
    width_pt, height_pt = media[2], media[3]
    operations = list(pikepdf.parse_content_stream(page))
    if [str(operator) for _, operator in operations] != list(_PLACING):
        return None
    matrix = [float(value) for value in operations[1][0]]
    if matrix != [width_pt, 0.0, 0.0, height_pt, 0.0, 0.0]:
        return None
    image = page.resources.get("/XObject", pikepdf.Dictionary()).get(operations[2][0][0])
    if not _plain_jpeg(image):
        return None
    size = int(image.Width), int(image.Height)
    if not (_on_grid(width_pt, dpi, size[0]) and _on_grid(height_pt, dpi, size[1])):
        return None
    return image.read_raw_bytes(), _COLOUR_CHANNELS[str(image.ColorSpace)], size


def _plain_jpeg(image: object) -> bool:
    """An 8-bit grey or RGB image coded as one JPEG, with nothing that changes its drawing."""
    return (isinstance(image, pikepdf.Stream) and image.get("/Subtype") == "/Image"
            and image.get("/Filter") == "/DCTDecode"
            and str(image.get("/ColorSpace")) in _COLOUR_CHANNELS
            and image.get("/BitsPerComponent") == 8
            and not any(key in image for key in ("/SMask", "/Mask", "/ImageMask", "/Decode",
                                                 "/DecodeParms")))


def _on_grid(side_points: float, dpi: int, pixels: int) -> bool:
    return abs(side_points / 72 * dpi - pixels) <= _GRID_TOLERANCE_PIXELS


def _header_agrees(data: bytes, channels: int, size: tuple[int, int]) -> bool:
    """The JPEG's own header (read without decoding) has the channels and size the PDF
    says: a CMYK or mislabelled stream is poppler's to interpret, and a frame larger than
    its page (whose size the limits were checked on) is never decoded here."""
    try:
        with Image.open(BytesIO(data)) as header:
            mode_channels = {"L": 1, "RGB": 3}.get(header.mode)
            return (header.format == "JPEG" and mode_channels == channels
                    and header.size == size)
    except (UnidentifiedImageError, OSError):
        return False
