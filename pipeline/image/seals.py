"""A seal over a signature (contract §1, `official_document.sealed`), found in the page image.

On a colour scan a seal is red: a round patch of red ink 30–45 mm across. On grey and bilevel
scans the red turns dark grey or black, and the seal is told by its shape instead: a ring
(Decree 30/2020 prescribes round seals; Appendix I, II.8) that text lines never draw. Both
tests give the seal's box in the page's pixels, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

SEAL_MM = (24.0, 50.0)  # diameters of round seals in use, generously
WORK_DPI = 75  # rings are found on a small copy: fast, and text blurs into blocks
RED_DPI = 150  # red ink is looked for on a copy about this fine (every other pixel at 300)
RED_MIN_SHARE = 0.08  # of the seal's disc covered by red ink (rings, letters, star)
RING_MIN_SHARE = 0.55  # of a ring's circumference that is ink on a grey scan
RING_MIN_CONTRAST = 0.35  # more of the ring than of a circle 4 px (1.3 mm) outside it
# Red's margins over green and blue are a clean scan's (ink 1st percentile to paper 90th
# ≥ 200 levels) and shrink with the page's span, to this share at most: a hard colour scan
# (paper 160, ink 79) kept its seal's red 38 over green (median), under the clean margin of
# 55, and the seal was missed while the block read well, so `sealed` was given false.
CLEAN_CONTRAST = 200.0
MIN_CONTRAST = 0.45
INK_LEVEL = 160  # a grey ring's ink on a clean page's small copy
PAPER_MARGIN = 30  # ink is at least this much darker than the paper (its 90th percentile)
MAX_CIRCLES = 30  # Hough's best candidates looked at (a noisy page offers hundreds)


@dataclass(frozen=True)
class Seal:
    """Where a seal was found (x0, y0, x1, y1 in the page's pixels) and how."""

    bbox: tuple[int, int, int, int]
    method: Literal["colour", "ring"]


def _mm_to_px(mm: float, dpi: int) -> float:
    return mm / 25.4 * dpi


def contrast_scale(pixels: np.ndarray) -> float:
    """How much of a clean scan's span from ink to paper this page keeps (``MIN_CONTRAST``..1):
    a dark, washed-out scan squeezes a seal's red towards grey with everything else."""
    grey = pixels[::8, ::8].mean(axis=2)
    ink, paper = np.percentile(grey, (0.1, 90))
    return float(np.clip((paper - ink) / CLEAN_CONTRAST, MIN_CONTRAST, 1.0))


def red_mask(pixels: np.ndarray) -> np.ndarray:
    """Pixels of red ink: red well above green and blue (paper tint and black ink are not),
    by margins scaled to the page's contrast (``contrast_scale``)."""
    scale = contrast_scale(pixels)
    rgb = pixels.astype(np.int16)
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return ((red > 110) & (red - green > 55 * scale)
            & (red - blue > 45 * scale)).astype(np.uint8)


def find_red_seals(pixels: np.ndarray, dpi: int) -> list[Seal]:
    """Round patches of red ink of a seal's size on an RGB page, largest first (a red
    received stamp is a 50 × 30 mm frame: too long and not round, so not one of them).

    Looked for on every other pixel of a 300-DPI page (a seal's rings are ≥ 0.5 mm, 6 px):
    0.25 s a page at full size, a quarter of it so."""
    step = max(1, dpi // RED_DPI)
    return red_seals_in(pixels[::step, ::step], dpi, step)


def red_seals_in(sample: np.ndarray, dpi: int, step: int) -> list[Seal]:
    """``find_red_seals`` given its sample of the page: every ``step``-th pixel (RGB) of a
    page of ``dpi``."""
    mask = red_mask(sample)
    dpi = dpi / step
    size = max(3, round(_mm_to_px(3, dpi)))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(closed)
    low, high = (_mm_to_px(d, dpi) for d in SEAL_MM)
    found = []
    for x, y, w, h, _ in sorted(stats[1:count].tolist(), key=lambda s: -s[4]):
        if low <= max(w, h) <= high and 0.7 <= w / max(h, 1) <= 1.4:
            inked = mask[y:y + h, x:x + w].sum() / (np.pi * w * h / 4)
            if inked >= RED_MIN_SHARE:
                found.append(Seal((x * step, y * step, (x + w) * step, (y + h) * step),
                                  "colour"))
    return found


_ANGLES = np.linspace(0, 2 * np.pi, 180, endpoint=False)


def _ring_share(ink: np.ndarray, cx: float, cy: float, radius: float) -> float:
    """Share of points on the circle that fall on ink (one pixel's slack inwards or out)."""
    hits = np.zeros(len(_ANGLES), dtype=bool)
    for r in (radius - 1, radius, radius + 1):
        xs = np.rint(cx + r * np.cos(_ANGLES)).astype(int)
        ys = np.rint(cy + r * np.sin(_ANGLES)).astype(int)
        inside = (xs >= 0) & (xs < ink.shape[1]) & (ys >= 0) & (ys < ink.shape[0])
        hits[inside] |= ink[ys[inside], xs[inside]]
    return float(hits.mean())


def ink_level(small: np.ndarray) -> int:
    """Below this a pixel of the small grey copy is ink: ``INK_LEVEL``, or on a page whose
    paper is darker (hard scans: paper at 176, its 90th percentile) ``PAPER_MARGIN`` under
    the paper. At a fixed 160 such a page's paper was ink too: a seal's ring had «ink» 1.3 mm
    outside it as well (0.84 against 1.0 on it), was refused, and `sealed` was given false
    at 0.90 (a hard tuning notice of --types new, seed 191)."""
    paper = float(np.percentile(small, 90))
    return int(min(INK_LEVEL, paper - PAPER_MARGIN))


def find_ring_seals(grey: np.ndarray, dpi: int) -> list[Seal]:
    """Rings of ink of a seal's size on a grey or bilevel page, as Hough ranks them."""
    scale = WORK_DPI / dpi
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    low, high = (_mm_to_px(d, WORK_DPI) / 2 for d in SEAL_MM)
    # A median first: the specks of a noisy bilevel scan made Hough take 6 s a page. The
    # ring is measured on the copy without it (the median thins a 0.8 mm ring).
    smooth = cv2.GaussianBlur(cv2.medianBlur(small, 3), (3, 3), 0)
    circles = cv2.HoughCircles(smooth, cv2.HOUGH_GRADIENT, dp=1,
                               minDist=low, param1=120, param2=28, minRadius=round(low),
                               maxRadius=round(high))
    if circles is None:
        return []
    ink = small < ink_level(small)
    found = []
    for cx, cy, found_radius in circles[0][:MAX_CIRCLES]:
        # Hough's radius may be off by a pixel or two: the ring is where the most ink is.
        share, radius = max((_ring_share(ink, cx, cy, found_radius + d), found_radius + d)
                            for d in _NEAR)
        if share >= RING_MIN_SHARE and not _is_ring(ink, cx, cy, radius, share):
            share, cx, cy, radius = _recentred(ink, cx, cy, radius)
        if share >= RING_MIN_SHARE and _is_ring(ink, cx, cy, radius, share):
            box = [round(v / scale) for v in (cx - radius, cy - radius, cx + radius,
                                              cy + radius)]
            found.append(Seal((box[0], box[1], box[2], box[3]), "ring"))
    return found


_NEAR = (-2, -1, 0, 1, 2)  # pixels of the small copy a ring's centre or radius may be off by


def _is_ring(ink: np.ndarray, cx: float, cy: float, radius: float, share: float) -> bool:
    """Whether the circle has paper just outside it, as a seal's ring has; a circle laid over
    a blurred paragraph finds ink on and off its line alike (hard scans: ≤ 0.5 on, within
    0.13 off; seals ≥ 0.76 on, ≤ 0.28 off, 1.3 mm out)."""
    return share - _ring_share(ink, cx, cy, radius + 4) >= RING_MIN_CONTRAST


def _recentred(ink: np.ndarray, cx: float, cy: float,
               radius: float) -> tuple[float, float, float, float]:
    """The circle near Hough's whose line is sharpest (most ink on it, least 1.3 mm out):
    its share, centre and radius. Hough's centre may be off too: on a grey notice's page
    straightened by 1.2° (mild, --types new tuning seed 43) it stood 2 px of the small copy
    off a clear seal's, whose ring then read 0.72 on and 0.38 out, and `sealed` was given
    false; 2 px over, 1.0 on and 0.01 out. Asked only of a circle on ink that failed so
    (the 125 circles cost ~20 ms)."""
    def sharpness(dx: int, dy: int, dr: int) -> tuple[float, int, int, int, float]:
        share = _ring_share(ink, cx + dx, cy + dy, radius + dr)
        return share - _ring_share(ink, cx + dx, cy + dy, radius + dr + 4), dx, dy, dr, share

    _, dx, dy, dr, share = max(sharpness(dx, dy, dr)
                               for dx in _NEAR for dy in _NEAR for dr in _NEAR)
    return share, cx + dx, cy + dy, radius + dr


def find_seals(pixels: np.ndarray, dpi: int) -> list[Seal]:
    """Every seal on an RGB or grey page: red patches on a colour page, else rings."""
    if pixels.ndim == 3:
        found = find_red_seals(pixels, dpi)
        if found:
            return found
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    return find_ring_seals(pixels, dpi)


def find_seal(pixels: np.ndarray, dpi: int) -> Seal | None:
    """A seal on the page (the first of ``find_seals``), or None."""
    return next(iter(find_seals(pixels, dpi)), None)


def find_page_seals(image: np.ndarray, dpi: int) -> list[Seal]:
    """Every seal on a page as the pipeline decodes it (grey, or BGR/BGRA in OpenCV's
    order): red patches on a colour page, else rings. Which one stands over the signature
    is for the layout to say (pipeline/regions.py)."""
    if image.ndim == 2:
        return find_seals(image, dpi)
    # Only the sample red is looked for on is turned to RGB, and the grey for rings is made
    # from BGR(A) at once: the same pixels as ``find_seals`` on the page turned to RGB,
    # without its copy of a whole colour page (~30 ms at 300 DPI).
    step = max(1, dpi // RED_DPI)
    found = red_seals_in(image[::step, ::step, 2::-1], dpi, step)
    if found:
        return found
    code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return find_ring_seals(cv2.cvtColor(image, code), dpi)
