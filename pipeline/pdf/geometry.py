"""Where the text layer goes on the original page.

Tesseract read the page turned upright, cropped and straightened (pipeline/image/
preprocess.py); its text-only PDF page is in that image's geometry. The archival PDF keeps
the page as it was scanned, so the text layer is drawn through the inverse of those steps
(one ``cm`` matrix), and the quarter turn is left to the viewer through the page's
``/Rotate``, as OCRmyPDF does: the scan's pixels are never resampled.

Matrices here are 3×3 affine maps on column vectors ``(x, y, 1)``. Pixel spaces have y
down, PDF spaces y up; each step says which it maps from and to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.image.clean import CropBox
from pipeline.image.deskew import deskew_matrix


@dataclass(frozen=True)
class PageGeometry:
    """How the image the OCR read was made from the page as decoded.

    ``rotation``: clockwise degrees the page was turned; ``crop_box``: ``(left, top, right,
    bottom)`` kept of the turned page; ``skew_degrees``: the straightening (see
    pipeline/image/deskew.py); ``dpi``: pixels per inch of the decoded page.
    """

    rotation: int
    crop_box: CropBox
    skew_degrees: float
    dpi: float


def affine(a: float, b: float, c: float, d: float, e: float, f: float) -> np.ndarray:
    """PDF's ``[a b c d e f]`` as a 3×3 matrix on column vectors."""
    return np.array([[a, c, e], [b, d, f], [0.0, 0.0, 1.0]])


def pdf_operands(matrix: np.ndarray) -> str:
    """The six ``cm`` operands of a 3×3 affine matrix."""
    a, c, e = matrix[0]
    b, d, f = matrix[1]
    return " ".join(f"{v:.6f}" for v in (a, b, c, d, e, f))


def unturn(rotation: int, width: float, height: float) -> np.ndarray:
    """Map a point of the image turned clockwise by ``rotation`` back onto the image before
    the turn, which is ``width``×``height`` (pixel-edge coordinates, y down)."""
    turn = rotation % 360
    if turn == 90:  # cv2.ROTATE_90_CLOCKWISE took (x, y) to (height - y, x)
        return affine(0, -1, 1, 0, 0, height)
    if turn == 180:
        return affine(-1, 0, 0, -1, width, height)
    if turn == 270:  # (x, y) went to (y, width - x)
        return affine(0, 1, -1, 0, width, 0)
    if turn:
        raise ValueError(f"rotation must be a multiple of 90 degrees, not {rotation}")
    return np.eye(3)


def display_to_decoded(geometry: PageGeometry, decoded_size: tuple[float, float]) -> np.ndarray:
    """Pixels of the image the OCR read → pixels of the page as decoded (both y down)."""
    left, top, right, bottom = geometry.crop_box
    warp, _ = deskew_matrix(right - left, bottom - top, geometry.skew_degrees)
    straighten = np.vstack([warp, [0.0, 0.0, 1.0]])
    uncrop = affine(1, 0, 0, 1, left, top)
    width, height = decoded_size
    return unturn(geometry.rotation, width, height) @ uncrop @ np.linalg.inv(straighten)


def text_layer_matrix(geometry: PageGeometry, display_size: tuple[int, int],
                      layer_size: tuple[float, float], decoded_to_page: np.ndarray,
                      decoded_size: tuple[float, float]) -> np.ndarray:
    """The ``cm`` that draws Tesseract's text-only page (``layer_size`` points, made for an
    image of ``display_size`` pixels) onto the original page's user space.

    ``decoded_to_page`` maps the decoded page's pixels (y down) to the page's user space.
    """
    width, height = display_size
    # Tesseract's page is the image at its DPI, y up: to the image's pixels, y down.
    to_pixels = affine(width / layer_size[0], 0, 0, -height / layer_size[1], 0, height)
    return decoded_to_page @ display_to_decoded(geometry, decoded_size) @ to_pixels


def pixels_to_page(box: tuple[float, float, float, float], rotate: int,
                   dpi: float) -> np.ndarray:
    """Decoded pixels (y down) → user space of a page whose visible box is ``box`` (x0, y0,
    x1, y1 in points) and ``/Rotate`` is ``rotate``: the decoded image is the page as
    shown (poppler applies ``/Rotate``) at ``dpi``."""
    x0, y0, x1, y1 = box
    scale = 72.0 / dpi
    to_points = affine(scale, 0, 0, scale, 0, 0)
    # The page before its own /Rotate, in points (where the box's size is exact), y down;
    # then y up from the box's corner.
    unrotated = unturn(rotate, x1 - x0, y1 - y0)
    flip = affine(1, 0, 0, -1, x0, y1)
    return flip @ unrotated @ to_points
