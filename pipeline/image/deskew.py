"""Skew within ±45°: measure it on a downscaled ink mask, undo it once at full resolution.

Sign convention (the same as ``samples.truth.PageTruth.skew_degrees`` and the
``skew_degrees`` reported per page): **the skew is the rotation the content has, in degrees,
counter-clockwise positive as the page is viewed** — positive means text lines rise to the
right. ``deskew(image, skew)`` turns the page by ``-skew`` (clockwise for a positive skew), so
``deskew(page, estimate_skew(page))`` straightens it. A page rotated with
``cv2.getRotationMatrix2D(centre, a, 1)`` has skew ``a``.

The skew is found by Postl's projection-profile method: the angle at which the rows of ink
pixels, projected across the page, give the most peaked profile (text lines and the gaps
between them line up). It is searched coarse to fine on the ink pixels' coordinates (no
image rotation per candidate): a 1° grid over ±45° on 15,000 sampled ink pixels, then
0.1° and 0.02° steps on up to 60,000; ~70 ms on a 1000-pixel copy (as the former 0.5° grid
over ±10° on 60,000), besides ~150 ms for the ink mask.

The range is ±45°: beyond it the page lies nearer a quarter turn, which the orientation
check (pipeline/ocr/orientation.py) takes off first. It was ±10°, and clamped there: a page
on the glass at 15° was turned only 10° and one at 21° read no text at all. Measured by
``benchmarks/deskew.py`` (the test page of tests/pipeline/conftest.py, every degree from −45
to 45): median error 0.00°, 95th percentile 0.02°, largest 0.04°; the page at 30° read
by Tesseract after straightening has a character error rate of 0.000 against 0.011 level
(ratio ≤ 1.2, the target). On 40 generated scans of every tier (skews within ±3°) the
errors stayed within 0.04° and every quarter turn was right; 64 wide cases (4 turns × 8
skews from −40° to 40°, clean and degraded) all came out with the right turn and skew.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.image.clean import as_gray, components, downscale, ink_mask

MAX_SKEW_DEGREES = 45.0
_COARSE_STEP = 1.0  # the peak is ~1° either side (line height / line length: ~12/600 rad)
_FINE_STEPS = (0.1, 0.02)
_MAX_POINTS = 60_000  # ink pixels sampled for the search; more adds time, not accuracy
# Ink pixels for the coarse grid: it only has to land within a step of the peak, and the
# ±45° grid has 91 angles; the fine steps use all _MAX_POINTS.
COARSE_POINTS = 15_000
# A skew beyond ±10° (the former range) is taken only from a clear text-line peak: the
# coarse grid's best profile at least this many times its median one. Measured: text pages
# 2.4–2.75 at every angle from −45° to 45°, clean or degraded; pages without lines of text
# 1.17 (a signature scribble), 1.23 (a photo), 1.33 (a round stamp), whose best angles were
# ±45° (the range's ends), i.e. they would be turned 45°; the weakest of 40 generated scans
# 1.08–1.27 (skews within ±3°, found within 0.04° inside ±10° as before).
_WIDE_PEAK = 1.5
_NARROW_DEGREES = 10.0
MIN_INK_POINTS = 50  # fewer ink pixels than this is a blank page: report no skew
NEGLIGIBLE_DEGREES = 0.05  # turning by less only blurs the page


def estimate_skew(gray: np.ndarray, max_degrees: float = MAX_SKEW_DEGREES,
                  analysis_width: int = 1000) -> float:
    """Skew of the text lines in degrees, counter-clockwise positive (see module docstring).

    Robust within ``±max_degrees``; returns 0.0 for a page without enough ink to tell.
    """
    small, _ = downscale(as_gray(gray), analysis_width)
    return skew_of_points(mask_points(text_ink(small)), max_degrees)


def skew_of_points(points: np.ndarray, max_degrees: float = MAX_SKEW_DEGREES,
                   scores: np.ndarray | None = None) -> float:
    """Skew (counter-clockwise positive) of the lines formed by (x, y) ink coordinates.

    ``scores``: ``coarse_scores`` of these points (and ``max_degrees``), when already made."""
    if len(points) < MIN_INK_POINTS:
        return 0.0
    best = coarse_skew(thin_points(points, COARSE_POINTS), max_degrees, scores)
    span = _COARSE_STEP
    for step in _FINE_STEPS:
        best = _best_angle(points, np.arange(best - span, best + span + 1e-9, step))
        span = step
    return round(float(np.clip(best, -max_degrees, max_degrees)), 2) + 0.0  # no "-0.0"


def coarse_skew(points: np.ndarray, max_degrees: float = MAX_SKEW_DEGREES,
                scores: np.ndarray | None = None) -> float:
    """The coarse grid's best angle; one beyond ±10° only when its peak is a text page's
    (``_WIDE_PEAK``), else the best within ±10°, as before the range was widened.
    ``scores``: ``coarse_scores(points, max_degrees)``, when already made."""
    angles = coarse_angles(max_degrees)
    scores = coarse_scores(points, max_degrees) if scores is None else scores
    best = int(np.argmax(scores))
    if abs(angles[best]) <= _NARROW_DEGREES or scores[best] >= _WIDE_PEAK * np.median(scores):
        return float(angles[best])
    narrow = np.abs(angles) <= _NARROW_DEGREES
    return float(angles[narrow][int(np.argmax(scores[narrow]))])


def coarse_scores(points: np.ndarray, max_degrees: float = MAX_SKEW_DEGREES) -> np.ndarray:
    """``profile_sharpness`` of the points at each angle of the coarse grid."""
    return profile_scores(points, coarse_angles(max_degrees))


def coarse_angles(max_degrees: float = MAX_SKEW_DEGREES) -> np.ndarray:
    """The first, coarse grid of candidate skews."""
    return np.arange(-max_degrees, max_degrees + 1e-9, _COARSE_STEP)


def text_ink(small: np.ndarray) -> np.ndarray:
    """Ink mask (uint8 0/1) of a small grey page, without blobs touching the image edge.

    Scanner borders and page edges are straight at the scanner's angle, not the text's.
    """
    ink = ink_mask(small).astype(np.uint8)
    count, labels, stats, _ = components(ink)
    height, width = ink.shape
    x, y, w, h = (stats[:, i] for i in range(4))
    keep = ~((x == 0) | (y == 0) | (x + w == width) | (y + h == height))
    keep[0] = False
    # Looked up as 0/1 (no second pass to convert) by np.take: ~2.7 -> ~1.4 ms a
    # 1000-pixel copy against indexing by the 16-bit labels, the same values.
    return np.take(keep.astype(np.uint8), labels)


def mask_points(mask: np.ndarray) -> np.ndarray:
    """(x, y) float32 coordinates of the mask's pixels, evenly thinned to a bounded number.

    Listed row by row as np.nonzero lists them, by cv2.findNonZero (a uint8 or bool mask):
    the same points, ~2 -> ~0.5 ms on a 1000-pixel analysis copy."""
    if mask.ndim != 2 or mask.dtype not in (np.uint8, np.bool_):
        ys, xs = np.nonzero(mask)
        return thin_points(np.column_stack([xs, ys]).astype(np.float32), _MAX_POINTS)
    found = cv2.findNonZero(mask.view(np.uint8))
    points = np.zeros((0, 2), np.float32) if found is None else (
        found.reshape(-1, 2).astype(np.float32))
    return thin_points(points, _MAX_POINTS)


def thin_points(points: np.ndarray, count: int) -> np.ndarray:
    """At most ``count`` of the points, evenly strided (so every line keeps its share)."""
    stride = max(1, -(-len(points) // count))
    return points[::stride]


def _best_angle(points: np.ndarray, angles: np.ndarray) -> float:
    return float(angles[int(np.argmax(profile_scores(points, angles)))])


def profile_scores(points: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """``profile_sharpness`` of the points at each of ``angles``, the same numbers: the
    coordinates turned to float64 once (each angle converted the float32 columns again, as
    the product does) and every angle's rows written into the same buffers. A page's skew
    searches (~270 angles) 18 -> ~13 ms CPU on the throughput pages (one thread)."""
    xs, ys = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    rows, part = np.empty_like(xs), np.empty_like(xs)
    bins = np.empty(len(xs), np.int64)
    scores = np.empty(len(angles))
    for index, degrees in enumerate(angles):
        theta = np.deg2rad(float(degrees))
        np.multiply(xs, np.sin(theta), out=rows)
        np.multiply(ys, np.cos(theta), out=part)
        rows += part
        rows -= rows.min() if len(rows) else 0.0
        bins[:] = rows  # truncated, as astype(np.int64)
        counts = np.bincount(bins)
        scores[index] = float(np.dot(counts, counts))
    return scores


def profile_sharpness(points: np.ndarray, degrees: float) -> float:
    """Sum of squared row counts after undoing a skew of ``degrees`` (peaks when lines align)."""
    theta = np.deg2rad(degrees)
    # A line rising to the right by theta has y = y0 - x·tan(theta) (image y points down);
    # this projection makes it constant.
    rows = points[:, 0] * np.sin(theta) + points[:, 1] * np.cos(theta)
    counts = np.bincount((rows - rows.min()).astype(np.int64))
    return float(np.dot(counts, counts))


def deskew(image: np.ndarray, skew_degrees: float,
           fill: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Turn the page by ``-skew_degrees`` so its lines are level, on a canvas big enough
    to keep every pixel (nothing is cropped; the corners are filled).

    ``fill`` is the colour of the uncovered corners; by default the page's paper colour,
    so no hard edge appears for OCR or the viewer.
    """
    if abs(skew_degrees) < NEGLIGIBLE_DEGREES or image.size == 0:
        return image.copy()
    height, width = image.shape[:2]
    matrix, (new_width, new_height) = deskew_matrix(width, height, skew_degrees)
    colour = paper_colour(image) if fill is None else fill
    return cv2.warpAffine(image, matrix, (new_width, new_height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=colour)


def deskew_matrix(width: int, height: int,
                  skew_degrees: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The 2×3 pixel map ``deskew`` applies to a ``width``×``height`` image, and the size of
    the canvas it draws on (the searchable PDF maps its text layer back through it).

    Identity on the same canvas for a skew ``deskew`` leaves alone.
    """
    if abs(skew_degrees) < NEGLIGIBLE_DEGREES or width * height == 0:
        return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), (width, height)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -skew_degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width = int(np.ceil(width * cos + height * sin))
    new_height = int(np.ceil(width * sin + height * cos))
    matrix[0, 2] += (new_width - width) / 2
    matrix[1, 2] += (new_height - height) / 2
    return matrix, (new_width, new_height)


def paper_colour(image: np.ndarray) -> tuple[int, ...]:
    """The page's paper colour (per channel), from a sparse sample of its pixels."""
    sample = image[::8, ::8].reshape(-1, 1 if image.ndim == 2 else image.shape[2])
    return tuple(int(v) for v in np.percentile(sample, 90, axis=0))
