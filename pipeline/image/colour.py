"""Grey for OCR from a colour page, with red and violet ink dropped out.

Seals (red) and received stamps («ĐẾN», violet or red) are laid over the signature block and
the kind/subject lines; a plain grey conversion keeps them as mid-grey strokes crossing the
print, and Tesseract read the words under them as junk (issue 17: signer_title «Zz°zrhó chủ
tịch»). Here a pixel of saturated red/violet hue is turned towards paper, the way a scanner's
«colour dropout» does. Black print stays: it is dark and has no hue, and black printed under
a seal stays black (the seal ink multiplies over it). Blue ink (handwriting, signatures) is
kept: its hue (≈230°) is far from the dropped band (≥280° or ≤24°).

Only for the OCR image: the display image (the PDF, the seal detector) keeps its colours.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.image.clean import to_gray

# OpenCV hue is degrees / 2 (0–179). Dropped: red and violet, 280°–360° and 0°–24°.
# Samples' inks (samples/official.py): seal red 357°, violet stamp 343° as laid on paper;
# blue pens 230°–232°, kept with a margin of ~50°.
_HUE_VIOLET_FROM = 140
_HUE_RED_TO = 12
# Saturation (0–255): below _SAT_LOW a pixel is grey (paper, print, scanner noise) and kept;
# above _SAT_HIGH it is fully ink. Between, the fringes of a blurred stroke are dropped in
# part, so no pale outline is left. Seal red on paper is ≈170, violet ≈145; faded on a hard
# scan's grey paper, violet is 42–74 (10th–90th percentile, tuning official-0026): a ramp
# from 40 left its letters half there, darker than paper, and lost the page's title.
# A dark pixel with chroma noise may pass; it is only lightened to 1.5 × its lightest channel.
_SAT_LOW = 20
_SAT_HIGH = 45
# A dropped pixel's lightest channel is brightened by this much, up to paper: seal red's
# is ≈210, violet's ≈165 (→ 255 and 248); black print under the ink stays dark.
_BRIGHTEN = 1.5
_PAPER_PERCENTILE = 90  # a page is mostly paper: its 90th grey percentile is the paper's


def _hue_lut() -> np.ndarray:
    hue = np.arange(256)
    return np.where((hue <= _HUE_RED_TO) | ((hue >= _HUE_VIOLET_FROM) & (hue < 180)), 255,
                    0).astype(np.uint8)


def _saturation_lut() -> np.ndarray:
    sat = np.arange(256, dtype=np.float32)
    weight = np.clip((sat - _SAT_LOW) / (_SAT_HIGH - _SAT_LOW), 0.0, 1.0)
    return np.rint(weight * 255).astype(np.uint8)


_BOX_SCALE = 4  # the ink is boxed on a copy this many times smaller
_SAT_SMALL = 15  # saturation of coloured ink on that copy (a thin stroke is half paper there)
_HUE_LUT = _hue_lut()
_SAT_LUT = _saturation_lut()


def coloured_ink_weight(hsv: np.ndarray) -> np.ndarray:
    """How much each pixel of an HSV image (OpenCV's) is red/violet ink, 0–255 (uint8)."""
    hue, sat, _ = cv2.split(hsv)
    return cv2.multiply(cv2.LUT(hue, _HUE_LUT), cv2.LUT(sat, _SAT_LUT), scale=1 / 255)


def coloured_ink_boxes(bgr: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, full-size pixels) around the red/violet ink of a BGR page.

    Found on a quarter-size copy, so the exact (HSV) test runs on the seals and stamps only:
    on a 300-DPI A4 page with a seal and a stamp, ~30 ms where HSV and weights of the whole
    page took 0.1–0.2 s (on the shared test machine). A stroke averaged with paper keeps its
    hue and a part of its saturation, hence the low bar. Boxes inside another (a seal's star
    inside its ring) are left out."""
    small = cv2.resize(bgr, (max(1, bgr.shape[1] // _BOX_SCALE),
                             max(1, bgr.shape[0] // _BOX_SCALE)), interpolation=cv2.INTER_AREA)
    hue, sat, _ = cv2.split(cv2.cvtColor(small, cv2.COLOR_BGR2HSV))
    mask = cv2.bitwise_and(cv2.LUT(hue, _HUE_LUT), cv2.compare(sat, _SAT_SMALL, cv2.CMP_GT))
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    height, width = bgr.shape[:2]
    x, y, w, h = (stats[1:count, i].astype(np.int64) for i in range(4))
    boxes = np.column_stack([np.maximum(0, x * _BOX_SCALE - _BOX_SCALE),
                             np.maximum(0, y * _BOX_SCALE - _BOX_SCALE),
                             np.minimum(width, (x + w + 1) * _BOX_SCALE),
                             np.minimum(height, (y + h + 1) * _BOX_SCALE)])
    return [(int(x0), int(y0), int(x1), int(y1))
            for x0, y0, x1, y1 in boxes[~inside_another(boxes)].tolist()]


_INSIDE_CHUNK = 256  # boxes compared against all others at once (bounds the memory)


def inside_another(boxes: np.ndarray) -> np.ndarray:
    """For each (x0, y0, x1, y1) row, whether it lies within another box that is not equal to
    it. A speckled colour page gave ~1000 boxes, whose pairwise test in Python cost ~0.1 s."""
    inside = np.zeros(len(boxes), bool)
    for start in range(0, len(boxes), _INSIDE_CHUNK):
        box = boxes[start:start + _INSIDE_CHUNK, None, :]
        other = boxes[None, :, :]
        within = ((other[..., 0] <= box[..., 0]) & (other[..., 1] <= box[..., 1])
                  & (box[..., 2] <= other[..., 2]) & (box[..., 3] <= other[..., 3]))
        differs = (box != other).any(axis=2)
        inside[start:start + _INSIDE_CHUNK] = (within & differs).any(axis=1)
    return inside


def gray_without_coloured_ink(image: np.ndarray) -> np.ndarray:
    """A uint8 grey copy of a page, red and violet ink turned to paper on colour pages.

    Grey pages are returned as ``to_gray`` gives them, and so is a colour page without
    red/violet ink."""
    gray = to_gray(image)
    if image.ndim == 2:
        return gray
    bgr = np.ascontiguousarray(image[..., :3]) if image.shape[2] == 4 else image
    boxes = coloured_ink_boxes(bgr)
    if not boxes:
        return gray
    paper = float(np.percentile(gray[::4, ::4], _PAPER_PERCENTILE))
    for x0, y0, x1, y1 in boxes:
        _drop_in_box(bgr[y0:y1, x0:x1], gray[y0:y1, x0:x1], paper)
    return gray


def _drop_in_box(bgr: np.ndarray, gray: np.ndarray, paper: float) -> None:
    """Turn the red/violet ink of a box towards paper, in ``gray`` (the box's grey, in place).

    Computed at the pixels of some coloured ink weight only: at the others (paper and print
    in a box: 75-94 % of its pixels on the benchmarks' colour pages) the formula gives the
    pixel itself, exactly (its weight 0.0 times a finite difference). The same pixels in
    less time: a page tinted all over (one box, the whole page) 115 -> 35 ms."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    weights = coloured_ink_weight(hsv)
    inked = weights > 0
    if not inked.any():
        return
    weight = weights[inked].astype(np.float32) / 255
    target = np.minimum(hsv[..., 2][inked].astype(np.float32) * _BRIGHTEN, paper)  # V: lightest
    base = gray[inked].astype(np.float32)
    # Only ever lighter: a pixel darker than the target under the ink is print and remains.
    lighter = np.maximum(base, base + weight * (target - base))
    gray[inked] = np.clip(np.rint(lighter), 0, 255).astype(np.uint8)
