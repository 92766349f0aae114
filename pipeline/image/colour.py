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
# part, so no pale outline is left. Seal red on paper is ≈170, violet ≈145.
_SAT_LOW = 40
_SAT_HIGH = 90
# A dropped pixel's lightest channel is brightened by this much, up to paper: seal red's
# is ≈210, violet's ≈165 (→ 255 and 248); black print under the ink stays dark.
_BRIGHTEN = 1.5
_PAPER_PERCENTILE = 90  # a page is mostly paper: its 90th grey percentile is the paper's


def _hue_weights() -> np.ndarray:
    hue = np.arange(256)
    return ((hue <= _HUE_RED_TO) | ((hue >= _HUE_VIOLET_FROM) & (hue < 180))).astype(np.float32)


def _saturation_weights() -> np.ndarray:
    sat = np.arange(256, dtype=np.float32)
    return np.clip((sat - _SAT_LOW) / (_SAT_HIGH - _SAT_LOW), 0.0, 1.0)


_HUE_LUT = _hue_weights()
_SAT_LUT = _saturation_weights()


def coloured_ink_weight(bgr: np.ndarray) -> np.ndarray:
    """How much each pixel of a BGR image is red/violet ink, 0–1 (float32)."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    return _HUE_LUT[hsv[..., 0]] * _SAT_LUT[hsv[..., 1]]


def gray_without_coloured_ink(image: np.ndarray) -> np.ndarray:
    """A uint8 grey copy of a page, red and violet ink turned to paper on colour pages.

    Grey pages are returned as ``to_gray`` gives them, and so is a colour page without
    red/violet ink."""
    gray = to_gray(image)
    if image.ndim == 2:
        return gray
    bgr = image[..., :3]
    weight = coloured_ink_weight(bgr)
    inked = weight > 0
    if not inked.any():
        return gray
    paper = float(np.percentile(gray, _PAPER_PERCENTILE))
    lightest = bgr.max(axis=2)[inked].astype(np.float32)
    target = np.minimum(lightest * _BRIGHTEN, paper)
    base = gray[inked].astype(np.float32)
    w = weight[inked]
    # Only ever lighter: a pixel darker than the target under the ink is print and remains.
    lighter = np.maximum(base, base + w * (target - base))
    gray[inked] = np.clip(np.rint(lighter), 0, 255).astype(np.uint8)
    return gray
