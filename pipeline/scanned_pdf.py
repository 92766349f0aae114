"""A scanned PDF page's own JPEG, decoded and resampled as poppler renders it, without poppler.

Most scanned PDFs are one JPEG per page, drawn over the whole page at the scan's resolution.
Rendering such a page with pdftoppm (and pdfinfo before it) cost 0.13–0.22 CPU s in child
processes on the throughput benchmark's 300-DPI pages. Reading the scan's own pixels instead
was tried (337cb84) and reverted (371c757): poppler does not copy the image, it resamples it,
and Tesseract reads poppler's smoother pixels better (forms seed 11 held-out mild 0.936 →
0.836). So this gives poppler's very pixels, computed as poppler's Splash computes them:

- An image placed over the whole page of W × H pixels is drawn over W + 1 columns and H + 1
  rows when Splash's rounding of its far edge (down, plus one) says so, the page keeping
  the first W × H (``_drawn_over`` says when, as poppler's own arithmetic does).
- Enlarged that little, the image is resampled bilinearly (Splash::scaleImageYuXuBilinear):
  each row first (output column k from source position k·W/(W+1), summed step by step in
  double precision, the value truncated to 8 bits), then the rows the same way.

Measured against pdftoppm 22.12 on the throughput benchmark's 9 PDF pages (5 grey, 4 colour):
every pixel the same (the JPEG decoded by OpenCV's libjpeg-turbo matches poppler's libjpeg),
for 0.02–0.03 CPU s a grey page and 0.08–0.13 a colour one, decoding and resampling, where
pdfinfo and pdftoppm took 0.19–0.22; so were the 100 PDF pages of the accuracy benchmark's
forms and new types at seed 11 (tuning and held-out).
Any page that is not exactly one such JPEG (another filter, a mask, a turn, a crop, a
drawing beside the image, a placement off the pixel grid) is left to poppler (``None``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image, UnidentifiedImageError

# The content of a page that only places one image: save, matrix, draw, restore.
_PLACING = ("q", "cm", "Do", "Q")
_COLOUR_CHANNELS = {"/DeviceGray": 1, "/DeviceRGB": 3}
# A product of a pixel difference and a weight closer than this to a whole number is one the
# float32 arithmetic below might truncate otherwise than poppler's double: its column (row)
# is computed in double. float32's error on such a sum is under 5e-5 (255 × 3 × 2^-24).
_FLOAT32_DOUBT = 1e-4
# The float32 scratch of one band of rows: under the 4 MiB from which NumPy asks the kernel for
# huge pages, and a cache's size.
_BAND_BYTES = 2 << 20


def scanned_jpeg_page(path: Path, index: int, dpi: int) -> np.ndarray | None:
    """Page ``index`` (0-based) as pdftoppm renders it at ``dpi`` (grey for a grey JPEG as
    with ``-gray``, else BGR), computed from its JPEG, when the page is nothing but one grey
    or RGB JPEG covering the page on the pixel grid of ``dpi``; else None (poppler's)."""
    try:
        with pikepdf.open(path) as pdf:
            found = _full_page_jpeg(pdf.pages[index], dpi)
    except (pikepdf.PdfError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    if found is None:
        return None
    data, channels, size, enlarged = found
    if not _header_agrees(data, channels, size):
        return None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    wanted = 2 if channels == 1 else 3
    if image is None or image.ndim != wanted or image.shape[1::-1] != size:
        return None
    try:
        return splash_enlarged_by_one(image, *enlarged)
    except ValueError:  # a side whose positions poppler would sum otherwise (_weights)
        return None


def _full_page_jpeg(page: pikepdf.Page, dpi: int
                    ) -> tuple[bytes, int, tuple[int, int], tuple[bool, bool]] | None:
    """The JPEG bytes, channel count and size of the one image the page draws over itself,
    and whether poppler enlarges it by a pixel across and down (``_drawn_over``)."""
    if "/Annots" in page.obj or int(page.obj.get("/Rotate", 0)) % 360:
        return None
    media = [_poppler_number(value) for value in page.mediabox]
    if media[:2] != [0.0, 0.0] or [_poppler_number(v) for v in page.cropbox] != media:
        return None
    operations = list(pikepdf.parse_content_stream(page))
    if [str(operator) for _, operator in operations] != list(_PLACING):
        return None
    matrix = [_poppler_number(value) for value in operations[1][0]]
    if matrix != [media[2], 0.0, 0.0, media[3], 0.0, 0.0]:
        return None
    image = page.resources.get("/XObject", pikepdf.Dictionary()).get(operations[2][0][0])
    if not _plain_jpeg(image):
        return None
    size = int(image.Width), int(image.Height)
    drawn = _drawn_over(media[2], dpi, size[0]), _drawn_over(media[3], dpi, size[1])
    if None in drawn:
        return None
    return (image.read_raw_bytes(), _COLOUR_CHANNELS[str(image.ColorSpace)], size,
            (drawn[0] > size[0], drawn[1] > size[1]))


def _poppler_number(value: object) -> float:
    """A PDF number as poppler's lexer reads it: the whole part, then each decimal digit
    added times 0.1, 0.01, … (a running product), which is not always the nearest double
    («288.72» is read 288.71999999999997). The page's fate hangs on the last bit: see
    ``_drawn_over``."""
    if isinstance(value, int):
        return float(value)
    text = format(Decimal(str(value)), "f")
    negative = text.startswith("-")
    whole, _, decimals = text.lstrip("+-").partition(".")
    number, scale = float(int(whole or "0")), 0.1
    for digit in decimals:
        number = number + scale * int(digit)
        scale *= 0.1
    return -number if negative else number


def _plain_jpeg(image: object) -> bool:
    """An 8-bit grey or RGB image coded as one JPEG, with nothing that changes its drawing."""
    return (isinstance(image, pikepdf.Stream) and image.get("/Subtype") == "/Image"
            and image.get("/Filter") == "/DCTDecode"
            and str(image.get("/ColorSpace")) in _COLOUR_CHANNELS
            and image.get("/BitsPerComponent") == 8
            and not any(key in image for key in ("/SMask", "/Mask", "/ImageMask", "/Decode",
                                                 "/DecodeParms")))


def _drawn_over(side_points: float, dpi: int, pixels: int) -> int | None:
    """How many pixels poppler draws an image side of ``pixels`` over when it is placed over
    a page side of ``side_points`` (as poppler reads it): ``pixels`` + 1 (enlarged) or
    ``pixels`` (copied), when the page is ``pixels`` long; else None. pdftoppm makes the
    page ceil(points × dpi / 72) long and Splash draws the image over floor(points × (dpi /
    72)) + 1, two roundings of the same length computed in two orders (checked with pdftoppm
    22.12 on sides of 380–440 pixels at 100, 200 and 300 DPI: A4 at 300 DPI, 595.2 pt, is a
    2480-pixel page with its image drawn over 2481; 288.72 pt at 100 DPI a 401-pixel page
    with its image copied; 290.16 pt a 404-pixel page, left to poppler)."""
    if math.ceil(side_points * dpi / 72) != pixels:
        return None
    drawn = math.floor(side_points * (dpi / 72.0)) + 1
    return drawn if drawn in (pixels, pixels + 1) else None


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


def splash_enlarged_by_one(image: np.ndarray, columns: bool = True,
                           rows: bool = True) -> np.ndarray:
    """``image`` (H × W, grey or colour) as poppler's Splash draws it over W + 1 × H + 1
    pixels (W × H + 1 without ``columns``, W + 1 × H without ``rows``: that side copied), cut
    to its first W × H, in place: columns, then rows, each output k ≥ 1 the
    truncation of ``source[k-1]·(1-f) + source[k]·f`` (f = k·n/(n+1) less its whole part),
    output 0 the source's first. Done in float32 (a tenth of the time of double), and in
    double exactly as poppler for the columns and rows where float32 could truncate
    otherwise.

    In place and a band of rows at a time, its scratch under ``_BAND_BYTES``: whole-page
    float32 scratch (35 MB grey, 104 MB colour) was fresh memory the kernel faulted in as
    huge pages on every page, 0.1–1.0 CPU s of system time a colour page on this machine."""
    height, width = image.shape[:2]
    channels = image.shape[2] if image.ndim == 3 else 1
    band = max(1, _BAND_BYTES // (4 * width * channels))
    # The band's pixels as float32 (one row more: the row above) and the mixed values: every
    # operation between float32 arrays, mixed-type ones were a fifth slower.
    floats = np.empty((band + 1, width) + image.shape[2:], np.float32)
    mixed = np.empty((band, width) + image.shape[2:], np.float32)
    near, far, doubtful = _weights(width)
    column_weights = near[1:].astype(np.float32).reshape((1, -1) + (1,) * (image.ndim - 2))
    for top in range(0, height if columns else 0, band):
        strip = image[top:top + band]
        source = floats[:len(strip)]
        np.copyto(source, strip)
        # source[k-1]·(1-f) + source[k]·f = source[k] + (source[k-1] - source[k])·(1-f)
        _mix(strip[:, 1:], source[:, :-1], source[:, 1:], column_weights,
             mixed[:len(strip), 1:],
             [(np.s_[:, k - 1], strip[:, k - 1] * near[k] + strip[:, k] * far[k])
              for k in doubtful])
    near, far, doubtful = _weights(height)
    row_weights = near.astype(np.float32).reshape((-1,) + (1,) * (image.ndim - 1))
    # Bottom up: a row's output needs the row above it as it was.
    for bottom in range(height if rows else 1, 1, -band):
        top = max(1, bottom - band)
        source = floats[:bottom - top + 1]
        np.copyto(source, image[top - 1:bottom])
        _mix(image[top:bottom], source[:-1], source[1:], row_weights[top:bottom],
             mixed[:bottom - top],
             [(k - top, image[k - 1] * near[k] + image[k] * far[k])
              for k in doubtful if top <= k < bottom])
    return image


def _mix(out: np.ndarray, before: np.ndarray, own: np.ndarray, weights: np.ndarray,
         scratch: np.ndarray, exact: list[tuple[object, np.ndarray]]) -> None:
    """``out`` = truncation of ``own + (before - own)·weights`` (float32), then the
    ``exact`` values (computed in double from the pixels as they were) at their places."""
    np.subtract(before, own, out=scratch)
    scratch *= weights
    scratch += own
    np.copyto(out, scratch, casting="unsafe")  # truncation, as poppler's cast
    for where, values in exact:
        out[where] = values.astype(np.uint8)


@lru_cache(maxsize=16)
def _weights(length: int) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """For a side of ``length`` pixels drawn over ``length`` + 1: each output's weight of the
    source before it (1-f) and of its own (f), in double as poppler sums its position, and
    the outputs float32 may get wrong (see ``_FLOAT32_DOUBT``), computed in double instead."""
    step = length / (length + 1)
    position = 0.0
    far = np.empty(length)
    for k in range(length):
        whole = int(position)
        if k and whole != k - 1:  # never for a side under 2^40 pixels; then poppler's
            raise ValueError(f"position {position} of output {k} is not after source {k - 1}")
        far[k] = position - whole
        position += step
    near = 1.0 - far
    products = np.arange(1, 256)[None, :] * near[:, None]
    doubtful = np.abs(products - np.round(products)) < _FLOAT32_DOUBT
    # An equal pair (difference 0) is its own value in float32; in double only if it sums so.
    values = np.arange(256.0)[None, :]
    uneven = (values * near[:, None] + values * far[:, None]).astype(np.uint8) != values
    rows = np.nonzero(doubtful.any(axis=1) | uneven.any(axis=1))[0]
    for array in (near, far):
        array.flags.writeable = False
    return near, far, tuple(int(k) for k in rows if k > 0)
