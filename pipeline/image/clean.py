"""Page cleanup for OCR: even background, speck removal, scanner-border crop, binarisation.

Also the small image helpers the other preprocessing steps share (grey conversion, analysis
downscale, ink mask). Every function returns a new array; inputs are never modified.

Sizes are page-relative, not pixel constants, because pages arrive at 150–600 DPI. Where a
physical size is needed the resolution is estimated from the page's long side, taking it for
an A4 sheet (297 mm), which is what dossier pages are.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

A4_LONG_SIDE_INCHES = 297 / 25.4
CropBox = tuple[int, int, int, int]  # left, top, right, bottom (right/bottom exclusive), pixels

# Background estimate: the page is shrunk to this shorter side, so the max filter below
# spans ~3 % of the page width (≈6 mm on A4) whatever the DPI — wider than any pen stroke.
_BACKGROUND_WIDTH = 256
_BACKGROUND_KERNEL = 7
_INK_TARGET = 20  # grey level ink is stretched to; not 0, to keep anti-aliased edges
_MIN_STRETCH_CONTRAST = 40  # below this, "ink" is paper noise (a blank page): do not stretch
_FAINT_MAX_INK_SHARE = 0.2  # faint ink is a population of its own: under this share of pixels

# Speck removal, in inches: dust up to ~0.8 mm wide, and only when nothing else is
# within ~1 mm. Diacritics (dots, hooks, tone marks) sit closer than that to their letter.
_SPECK_MAX_DIAMETER_IN = 0.032
_SPECK_ISOLATION_IN = 0.04
_NOISY_PAPER = 12.0  # paper grain (grey levels, one sigma) above which a 3×3 median is applied

# Border crop: a side has a scanner border when, near that edge, some line is mostly dark
# and connected to the edge; it is cut where fewer than 1 % of the lines across are border.
_BORDER_PRESENT = 0.5
_BORDER_GONE = 0.01
_BORDER_MAX_FRACTION = 0.25  # never cut more than a quarter of the page from one side
_CONTENT_MARGIN = 4  # analysis pixels (~1 mm) kept between a cut and the outermost content


def to_gray(image: np.ndarray) -> np.ndarray:
    """A uint8 grey copy of a grey, BGR or BGRA image."""
    if image.ndim == 2:
        return image.copy()
    code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(image, code)


def as_gray(image: np.ndarray) -> np.ndarray:
    """The image itself when it is grey, else its grey conversion: for reading only, where
    ``to_gray``'s copy of a 300-DPI grey page (~3 ms) bought nothing."""
    return image if image.ndim == 2 else to_gray(image)


def components(ink: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats(ink, connectivity=8)``: count, labels, statistics
    and centroids, by Grana's block-based labelling, which gives the same labels, statistics
    and centroids as OpenCV's default for 8-connectivity (checked on the sample pages, and
    every page result unchanged on the 20 throughput pages) in about half the time (a
    300-DPI page: 83 → 36–44 ms, one thread). The labels are 16-bit when they fit
    (``labelled``)."""
    return labelled(cv2.connectedComponentsWithStatsWithAlgorithm, ink)


def labelled(labelling: Callable[..., tuple], ink: np.ndarray) -> tuple:
    """``labelling(ink, 8, ltype, CCL_GRANA)`` (OpenCV's connected components, with or without
    statistics) with 16-bit labels, or 32-bit ones on a page of more than 65535 components.

    The same labels, counts and statistics in less time: half the bytes to write and read.
    Measured on the 20 throughput pages, one thread: the speck search's labelling of a grown
    300-DPI page 12 → 7 ms, the statistics of a whole page's ink 28–33 → 15–19 ms. OpenCV
    refuses (cv2.error) a labelling whose count outgrows its label type rather than wrap."""
    try:
        return labelling(ink, 8, cv2.CV_16U, cv2.CCL_GRANA)
    except cv2.error:
        return labelling(ink, 8, cv2.CV_32S, cv2.CCL_GRANA)


def downscale(gray: np.ndarray, short_side: int) -> tuple[np.ndarray, float]:
    """Shrink so the shorter side is ``short_side`` pixels (never enlarge).

    The shorter side, so a page scanned sideways is analysed at the same resolution as an
    upright one. Returns the copy and its scale (<= 1).
    """
    height, width = gray.shape[:2]
    if min(height, width) <= short_side:
        return gray.copy(), 1.0
    scale = short_side / min(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), scale


def estimate_dpi(gray: np.ndarray) -> float:
    """Resolution of the page if it is an A4 sheet (dossier pages are)."""
    return max(gray.shape[:2]) / A4_LONG_SIDE_INCHES


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Boolean mask of ink on a grey page, robust to shadows and grey paper."""
    even, histogram = normalized(gray)  # its histogram: not counted a second time
    return dark_ink(even, histogram).view(bool)


def estimate_background(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness at every pixel, text removed (same size as ``gray``)."""
    height, width = gray.shape[:2]
    small, _ = downscale(gray, _BACKGROUND_WIDTH)  # averaging also cancels pixel noise
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_BACKGROUND_KERNEL,) * 2)
    paper = cv2.dilate(small, kernel)  # max filter: the brightest nearby pixel is paper
    paper = cv2.medianBlur(paper, 5)
    return cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)


def normalize_background(gray: np.ndarray) -> np.ndarray:
    """Divide out the paper (shadows, grey or yellowed paper), then stretch faint ink dark.

    The result has white paper (255) and ink near black. Large solid dark areas (wider
    than ~6 mm, e.g. a scanner border) become paper too, which is what OCR wants.
    """
    return normalized(gray)[0]


def normalized(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``normalize_background`` of the page, and the result's ``grey_histogram`` when it
    comes for free (None otherwise): the next cleanup step (``denoise``) needs it, and a
    300-DPI page's histogram is a pass of ~10–20 ms over its pixels."""
    if gray.size == 0:
        return gray.copy(), None
    # At least 1, in place: np.maximum with a scalar took ~3 ms on a 300-DPI page, cv2.max
    # ~0.3 ms, the same pixels.
    background = estimate_background(gray)
    cv2.max(background, 1, dst=background)
    even = cv2.divide(gray, background, scale=255)
    return stretched(even)


def stretch_contrast(even: np.ndarray) -> np.ndarray:
    """Map the paper level to 255 and the typical ink level to near black."""
    return stretched(even)[0]


# calcHist counts in integers and hands them over as float32: exact below 2**24 pixels
# (a 600-DPI A4 page is more), so sums of its bins are exact below that size only.
_EXACT_HISTOGRAM_PIXELS = 2 ** 24


def stretched(even: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``stretch_contrast`` of the page and the result's histogram, the input's mapped
    through the same table as the pixels (None on a page too large for exact bins)."""
    histogram = grey_histogram(even)
    paper = histogram_median(histogram)
    ink = histogram_median(histogram[: otsu_threshold(histogram) + 1])
    exact = even.size < _EXACT_HISTOGRAM_PIXELS
    if ink is None or paper - ink < _MIN_STRETCH_CONTRAST:
        return even, histogram
    gain = (255 - _INK_TARGET) / (paper - ink)
    lut = np.clip(_INK_TARGET + (np.arange(256) - ink) * gain, 0, 255).astype(np.uint8)
    mapped = np.bincount(lut, weights=histogram, minlength=256).astype(np.float32)
    return cv2.LUT(even, lut), mapped if exact else None


def is_faint(histogram: np.ndarray) -> bool:
    """Whether a normalised page holds ink too light to stretch: its typical ink within
    ``_MIN_STRETCH_CONTRAST`` of the paper (``stretched`` left it as it was), yet a population
    of its own (under ``_FAINT_MAX_INK_SHARE`` of the pixels; a blank page's noise, which
    Otsu cuts in two, measured 35–50 %).

    Thin light print (a light face, pale toner) at 200 DPI: its strokes' pixels sit around
    ``ink_threshold``'s cap (paper − 40), so thresholding keeps half of them and breaks the
    letters apart. A probe receipt in a light face, thinned, at 200 DPI, mild (ink 39 under
    the paper; a page of 41 is stretched and reads well): black and white, its code line
    read «tu nề sà GỐI I XS H2 511154» and the whole page as junk; given the grey,
    Tesseract's own threshold read the code (the code re-read mended the rest) and most
    values.
    """
    paper = histogram_median(histogram)
    threshold = otsu_threshold(histogram)
    ink = histogram_median(histogram[: threshold + 1])
    if paper is None or ink is None or not 0 < paper - ink < _MIN_STRETCH_CONTRAST:
        return False
    return float(histogram[: threshold + 1].sum()) < _FAINT_MAX_INK_SHARE * float(histogram.sum())


def grey_histogram(gray: np.ndarray) -> np.ndarray:
    """Pixel counts of the 256 grey levels (statistics from it cost nothing per pixel).

    Counted a pair of pixels at a time when the page allows (``_pair_histogram``), else by
    calcHist a pixel at a time; the same float32 counts either way."""
    if (gray.ndim == 2 and gray.shape[1] % 2 == 0 and gray.flags.c_contiguous
            and _MIN_PAIR_PIXELS <= gray.size < _EXACT_HISTOGRAM_PIXELS):
        return _pair_histogram(gray)
    return cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()


# Below this many pixels the 65536 bins of ``_pair_histogram`` cost more than they save.
_MIN_PAIR_PIXELS = 1 << 20


def _pair_histogram(gray: np.ndarray) -> np.ndarray:
    """``grey_histogram`` of a C-contiguous page of even width, from the histogram of its
    pixels taken two by two as 16-bit numbers (bin = one pixel's level × 256 + the other's):
    each level's count is its row of bins plus its column. calcHist's single-pixel loop
    waits on the bin it just added to when the next pixel has the same level (paper: most of
    a page); two by two it counts half as many times. Measured on the throughput pages, one
    thread: 300-DPI page 8–15 → 3–8 ms; counts identical (all below 2**24, exact in float32)."""
    pairs = cv2.calcHist([gray.view(np.uint16)], [0], None, [65536], [0, 65536])
    pairs = pairs.reshape(256, 256)
    return (pairs.sum(axis=0, dtype=np.float64)
            + pairs.sum(axis=1, dtype=np.float64)).astype(np.float32)


def grey_percentile(gray: np.ndarray, percent: float) -> float:
    """``float(np.percentile(gray, percent))`` of a uint8 image, read off its histogram when
    the pixels around that rank share one level (np.percentile's interpolation between
    them then gives that level exactly), else np.percentile's own: a 1000-pixel analysis
    copy's is ~4 ms where np.percentile's partition took 6–24."""
    size = gray.size
    if not 4 <= size < _EXACT_HISTOGRAM_PIXELS:
        return float(np.percentile(gray, percent))
    rank = int(percent / 100 * (size - 1))
    cumulative = np.cumsum(grey_histogram(gray))
    low, high = np.searchsorted(cumulative, [max(rank - 1, 0), min(rank + 2, size - 1)],
                                side="right")
    return float(low) if low == high else float(np.percentile(gray, percent))


def histogram_median(histogram: np.ndarray) -> float | None:
    """Median grey level of the pixels counted in ``histogram`` (None if it is empty)."""
    total = histogram.sum()
    if total <= 0:
        return None
    return float(np.searchsorted(np.cumsum(histogram), total / 2))


def otsu_threshold(histogram: np.ndarray) -> int:
    """Otsu's threshold: the level that best splits the histogram into two classes."""
    levels = np.arange(histogram.size)
    weight = np.cumsum(histogram)
    mass = np.cumsum(histogram * levels)
    total, total_mass = weight[-1], mass[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mass * weight - total * mass) ** 2 / (weight * (total - weight))
    return int(np.nanargmax(np.nan_to_num(between, nan=-1.0, posinf=-1.0)))


def binarize(gray: np.ndarray, histogram: np.ndarray | None = None) -> np.ndarray:
    """Black text (0) on white (255) by Otsu's threshold.

    Meant for the output of ``normalize_background``: once the background is flat a global
    threshold does what an adaptive (Sauvola) one does, at a fraction of the cost. Ink must
    also be clearly darker than the paper, so a blank page's noise stays white.
    ``histogram``: the page's ``grey_histogram``, when already made.
    """
    if gray.size == 0:
        return gray.copy()
    return cv2.threshold(gray, ink_threshold(gray, histogram), 255, cv2.THRESH_BINARY)[1]


# A hairline's pixels are kept as ink up to this far under the paper (``binarize_keeping_
# hairlines``): the blurred hairlines of a thinned serif face sat at paper - 35 to - 95.
_HAIRLINE_CONTRAST = 40
# ... and a hairline stands out of the paper on both sides: two pixels away across it the
# page is this much lighter (a stroke's edge has the stroke two pixels away on one side).
_HAIRLINE_DEPTH = 25
# A page has hairlines when they add this share to its dark ink: 0.089-0.12 of it on
# thinned FreeSerif and a contrast face at mild; 0.019-0.068 on sans and book faces, where
# the few found are tips of strokes and grain, and added they cost values («Kniết» was read
# «Kriết» in Lato, 4 fields lost in 30 files).
_HAIRLINE_SHARE = 0.08
# The four ways a hairline is looked across, as (row, column) steps: across rows, columns
# and both diagonals.
_ACROSS = ((1, 0), (0, 1), (1, 1), (1, -1))


def binarize_keeping_hairlines(gray: np.ndarray, histogram: np.ndarray | None = None
                               ) -> np.ndarray:
    """``binarize``, and on a page printed with hairlines a light pixel (up to
    ``_HAIRLINE_CONTRAST`` under the paper) that is the darkest across a line (no lighter
    than both its neighbours on a row, column or diagonal, and ``_HAIRLINE_DEPTH`` darker
    than the pixels two away on both sides) is ink too: a hairline. A page has hairlines
    when they are ``_HAIRLINE_SHARE`` of its dark ink and its paper is quiet (grain under
    ``_NOISY_PAPER``: on hard scans' paper, grain was found as hairlines, 0.06-1.7 of the ink).

    The hairlines of a high-contrast serif face, thinned and blurred (FreeSerif at mild,
    a probe in faces neither part prints in), are 1-2 pixels of grey 160-220 at 300 DPI,
    above Otsu's threshold (~149): binarised, «0» lost its top and bottom and was read «()»,
    «4» lost its bar and was read «+», «2» «3»; whole rows of dates and codes went to
    review. A stroke's edge has the stroke two pixels away on one side, so strokes keep
    their width (a threshold raised for the whole page fattened every stroke and joined
    letters). ~35 ms more a 300-DPI page (the light pixels only are asked).
    """
    if gray.size == 0:
        return gray.copy()
    histogram = grey_histogram(gray) if histogram is None else histogram
    dark = ink_threshold(gray, histogram)
    paper = histogram_median(histogram) or 255.0
    # threshold and numpy, not cv2.compare or cv2.inRange: OpenCV takes a number given to
    # those for a 4-channel scalar and made a page of 4 pixels or fewer a (4, 1) array.
    # The black-and-white page itself (ink 0), not the ink mask inverted after: one pass
    # over the page less (~1 ms at 300 DPI).
    page = cv2.threshold(gray, dark, 255, cv2.THRESH_BINARY)[1]
    # On noisy paper grain is found as hairlines: judged first, the search is not made
    # (the same result; most hard pages).
    if paper_noise(gray, histogram) >= _NOISY_PAPER:
        return page
    # Only the light pixels are asked (a few hundredths of a page): their neighbours taken
    # by index from the page padded with paper, not four whole-page filter passes (~0.3 s).
    # Found by a table and OpenCV, not two numpy comparisons and np.nonzero, and gathered
    # by flat index: the same pixels, 41–45 → 12–13 ms a 300-DPI page.
    light = np.arange(256)
    band = ((light > dark) & (light <= paper - _HAIRLINE_CONTRAST)).astype(np.uint8)
    found = cv2.findNonZero(cv2.LUT(gray, band))
    if found is None:
        return page
    cols, rows = found.reshape(-1, 2).T
    padded = cv2.copyMakeBorder(gray, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=255)
    stride = padded.shape[1]
    flat, at = padded.ravel(), (rows + 2) * stride + cols + 2
    level = flat[at].astype(np.int16)
    hairline = np.zeros(rows.size, bool)

    def around(dy: int, dx: int) -> np.ndarray:
        return flat[at + (dy * stride + dx)].astype(np.int16)

    for dy, dx in _ACROSS:
        hairline |= ((level <= np.minimum(around(-dy, -dx), around(dy, dx)))
                     & (level + _HAIRLINE_DEPTH
                        <= np.minimum(around(-2 * dy, -2 * dx), around(2 * dy, 2 * dx))))
    # Only a page whose hairlines are many: on a face without hairlines the few found are
    # strokes' tips and edges' grain.
    if np.count_nonzero(hairline) < _HAIRLINE_SHARE * (page.size - cv2.countNonZero(page)):
        return page
    page[rows[hairline], cols[hairline]] = 0
    return page


def dark_ink(gray: np.ndarray, histogram: np.ndarray | None = None) -> np.ndarray:
    """``(binarize(gray) == 0)`` as uint8 0/1, in one pass over the pixels instead of three."""
    if gray.size == 0:
        return np.zeros(gray.shape, np.uint8)
    return cv2.threshold(gray, ink_threshold(gray, histogram), 1, cv2.THRESH_BINARY_INV)[1]


def ink_threshold(gray: np.ndarray, histogram: np.ndarray | None = None) -> float:
    """The grey level ``binarize`` keeps as ink (at or below it): Otsu's, and at least
    ``_MIN_STRETCH_CONTRAST`` under the paper's median."""
    histogram = grey_histogram(gray) if histogram is None else histogram
    paper = histogram_median(histogram) or 255.0
    return min(otsu_threshold(histogram), paper - _MIN_STRETCH_CONTRAST)


def denoise(gray: np.ndarray, dpi: float | None = None,
            histogram: np.ndarray | None = None) -> np.ndarray:
    """Whiten isolated specks (dust, toner dots) and keep every mark that has a neighbour.

    A dark blob is a speck when it is tiny *and* nothing else is inked within ~1 mm, so
    diacritics — small, but always next to their letter — survive, as do dot leaders
    (each dot is near the next). Expects a page with white paper (``normalize_background``);
    ``dpi`` defaults to the A4 estimate; ``histogram``: the page's ``grey_histogram``,
    when already made.
    """
    if gray.size == 0:
        return gray.copy()
    dpi = dpi or estimate_dpi(gray)
    smooth = cv2.medianBlur(gray, 3)
    # Grain the size of a pixel makes Tesseract's own thresholding fail on noisy scans
    # (measured: whole pages lost); a 3×3 median removes it and keeps strokes and dots.
    if paper_noise(gray, histogram) > _NOISY_PAPER:
        gray = smooth
    # Specks are found on the smoothed copy: noisy pixels would otherwise count as
    # neighbours and keep every speck.
    ink = dark_ink(smooth)
    max_area = round((_SPECK_MAX_DIAMETER_IN * dpi) ** 2)
    rows, cols, _, specks = speck_pixels(ink, max_area,
                                         max(2, round(_SPECK_ISOLATION_IN * dpi)))
    if not specks:
        return gray.copy()
    # Each speck whitened with one pixel more all round (blur and JPEG leave a grey halo
    # outside the threshold): the specks' pixels grown by a 3×3 square, at once; a loop
    # growing each speck in its box (the same pixels) cost ~0.05 s a 300-DPI page.
    return whitened_around(gray, rows, cols)


def whitened_around(gray: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """A copy of ``gray`` with the pixels at (``rows``, ``cols``) and their eight neighbours
    white: the pixels ``cv2.max(gray, cv2.dilate(marked, 3×3))`` whitens, written at their
    nine offsets instead of a marked page dilated and taken with the page (three passes
    over a 300-DPI page for ~2000 speck pixels: 2.7 -> 0.8 ms on the benchmarks' pages)."""
    cleaned = gray.copy()
    height, width = gray.shape
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            row, col = rows + dy, cols + dx
            inside = (row >= 0) & (row < height) & (col >= 0) & (col < width)
            cleaned[row[inside], col[inside]] = 255
    return cleaned


def paper_noise(gray: np.ndarray, histogram: np.ndarray | None = None) -> float:
    """Spread (≈ standard deviation) of the paper's grey levels: the scan's grain
    (``histogram``: the page's ``grey_histogram``, when already made)."""
    histogram = grey_histogram(gray) if histogram is None else histogram
    paper = histogram[otsu_threshold(histogram) + 1:]
    total = paper.sum()
    if total <= 0:
        return 0.0
    # Median minus 16th percentile: one sigma, even when the paper is clipped at white.
    cumulative = np.cumsum(paper)
    median = np.searchsorted(cumulative, total / 2)
    low = np.searchsorted(cumulative, total * 0.16)
    return float(median - low)


def speck_pixels(ink: np.ndarray, max_area: int, distance: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                            list[tuple[int, tuple[int, ...]]]]:
    """Ink components of at most ``max_area`` pixels with no other ink within ``distance``
    pixels (measured along rows and columns): the rows, columns and speck labels (1, 2, …)
    of their pixels, and each speck's label and box ``(x, y, w, h)``.

    All ink is grown by half the distance, so marks closer than it merge: a component is
    alone when its grown blob holds no more ink than the component itself, and its centroid
    (rounded half to even, as round()) lies in that blob. Only a blob holding at most
    ``max_area`` ink pixels can be one speck's, so only the ink of those blobs is looked at,
    not the whole page's: the same specks as labelling every component of the page first
    (tests/pipeline/image/test_clean.py). Whether a small blob's ink is one component is
    found for all of them in one labelling, of their ink boxes set side by side on one
    canvas (``_one_component``), and the centroids from the pixels' coordinates: the
    same specks as labelling each blob's box on its own, one call a blob (~225 a 300-DPI
    page), in less time: with the whitening grown at once (denoise), ~122 → ~102 ms CPU a
    300-DPI page on the 20 throughput pages, one thread (base and this alternated twice).
    """
    size = distance + 1
    grown = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    _, blobs = labelled(cv2.connectedComponentsWithAlgorithm, grown)
    found = cv2.findNonZero(ink)  # every ink pixel as (x, y): numpy's nonzero is ~8× slower
    none = np.zeros(0, np.intp)
    if found is None:
        return none, none, np.zeros(0, np.int32), []
    found = found.reshape(-1, 2)
    # Looked up by np.take at flat indices: numpy's indexing by two index arrays (and by a
    # 16-bit one) took about twice as long for the same values.
    owner = np.take(blobs.reshape(-1), found[:, 1].astype(np.intp) * blobs.shape[1]
                    + found[:, 0])
    small = np.bincount(owner) <= max_area  # every blob holds ink: it was grown from it
    small[0] = False
    in_small = np.take(small, owner)
    found, owner = found[in_small], owner[in_small]
    if not owner.size:
        return none, none, np.zeros(0, np.int32), []
    order = np.argsort(owner, kind="stable")
    cols, rows, owner = found[order, 0].astype(np.int64), found[order, 1].astype(np.int64), \
        owner[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    counts = np.diff(np.r_[starts, owner.size])
    x0, y0 = np.minimum.reduceat(cols, starts), np.minimum.reduceat(rows, starts)
    x1, y1 = np.maximum.reduceat(cols, starts), np.maximum.reduceat(rows, starts)
    blob_of = np.repeat(np.arange(starts.size), counts)  # each pixel's small blob, 0, 1, …
    local_x, local_y = cols - x0[blob_of], rows - y0[blob_of]
    one = _one_component(local_x, local_y, blob_of, starts, x1 - x0 + 1, y1 - y0 + 1)
    # The centroid as OpenCV's statistics give it: the pixels' coordinate sums over the area.
    cx = np.round(np.add.reduceat(local_x, starts) / counts).astype(np.int64) + x0
    cy = np.round(np.add.reduceat(local_y, starts) / counts).astype(np.int64) + y0
    speck = one & (blobs[cy, cx] == owner[starts])
    labels_of = np.cumsum(speck).astype(np.int32)  # 1, 2, … in blob order
    keep = speck[blob_of]
    specks = [(int(label), (int(x), int(y), int(right - x + 1), int(bottom - y + 1)))
              for label, x, y, right, bottom in zip(
                  labels_of[speck].tolist(), x0[speck].tolist(), y0[speck].tolist(),
                  x1[speck].tolist(), y1[speck].tolist(), strict=True)]
    return rows[keep], cols[keep], labels_of[blob_of[keep]], specks


_SHELF_WIDTH = 2048  # columns of one row of boxes on the canvas ``_one_component`` labels


def _one_component(local_x: np.ndarray, local_y: np.ndarray, blob_of: np.ndarray,
                   starts: np.ndarray, widths: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """For each blob, whether its pixels (coordinates in its box) form one 8-connected
    component. The boxes are labelled together, set on one canvas a blank line apart, in
    rows (shelves) of about ``_SHELF_WIDTH`` columns, lowest boxes first so that a row is
    about as high as its boxes."""
    by_height = np.argsort(heights, kind="stable")
    spans = widths[by_height] + 1
    begins = np.cumsum(spans) - spans
    shelf = begins // _SHELF_WIDTH
    shelf_heights = np.zeros(int(shelf[-1]) + 1, np.int64)
    np.maximum.at(shelf_heights, shelf, heights[by_height])
    shelf_tops = np.cumsum(shelf_heights + 1) - shelf_heights - 1
    x_offset, y_offset = np.empty_like(widths), np.empty_like(heights)
    x_offset[by_height] = begins - shelf * _SHELF_WIDTH
    y_offset[by_height] = shelf_tops[shelf]
    canvas = np.zeros((int(shelf_tops[-1] + shelf_heights[-1]),
                       _SHELF_WIDTH + int(widths.max()) + 1), np.uint8)
    canvas_x, canvas_y = local_x + x_offset[blob_of], local_y + y_offset[blob_of]
    canvas[canvas_y, canvas_x] = 1
    _, labels = labelled(cv2.connectedComponentsWithAlgorithm, canvas)
    label = labels[canvas_y, canvas_x]
    return np.minimum.reduceat(label, starts) == np.maximum.reduceat(label, starts)


def crop_borders(image: np.ndarray, analysis_width: int = 1000,
                 small: tuple[np.ndarray, float] | None = None) -> tuple[np.ndarray, CropBox]:
    """Cut dark scanner borders (the lid seen beyond the paper) off the page edges.

    Returns the cropped image and the box kept, ``(left, top, right, bottom)`` in pixels of
    ``image``, right/bottom exclusive. A side is cut only if a dark band connected to the
    edge runs along it, and never past the outermost ink that is not part of a border,
    so content is kept even when the band's inner edge is ragged or tilted. ``small``: what
    ``downscale`` gives for the image's grey copy and ``analysis_width``, when already made.
    """
    box = border_box(image, analysis_width, small)
    left, top, right, bottom = box
    return image[top:bottom, left:right].copy(), box


def border_box(image: np.ndarray, analysis_width: int = 1000,
               small: tuple[np.ndarray, float] | None = None) -> CropBox:
    """The box ``crop_borders`` keeps, ``(left, top, right, bottom)`` in pixels of ``image``
    (the whole image when it has no border)."""
    height, width = image.shape[:2]
    if min(height, width) < 8:
        return (0, 0, width, height)
    small, scale = small or downscale(as_gray(image), analysis_width)
    border, content = border_and_content_masks(small)
    return _to_full_resolution(_border_cuts(border, content), scale, width, height)


def border_and_content_masks(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dark pixels connected to the image edge (border) and the content's dark pixels.

    Specks are neither: dust in the margin must not stop the crop.
    """
    paper = grey_percentile(small, 90)
    dark = (small < paper * 0.5).astype(np.uint8)
    _, labels, stats, _ = components(dark)
    edge_labels = np.unique(np.concatenate(
        [labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    is_border = np.zeros(len(stats), bool)
    is_border[edge_labels] = True
    max_speck = (_SPECK_MAX_DIAMETER_IN * estimate_dpi(small)) ** 2
    is_content = ~is_border & (stats[:, cv2.CC_STAT_AREA] > max_speck)
    is_border[0] = is_content[0] = False  # label 0 is the paper
    # One look-up of every pixel's label, not one for each mask.
    classes = np.take((is_border + 2 * is_content).astype(np.uint8), labels)  # see speck_pixels
    return classes == 1, classes == 2


def _border_cuts(border: np.ndarray, content: np.ndarray) -> CropBox:
    """Where to cut each side, in analysis pixels, kept outside the content's bounding box."""
    height, width = border.shape
    # The content's rows and columns (its bounding box) without listing its every pixel.
    rows, cols = np.flatnonzero(content.any(axis=1)), np.flatnonzero(content.any(axis=0))
    if rows.size:
        # A small margin, so the cut never touches the outermost ink itself.
        inner = (cols.min() - _CONTENT_MARGIN, rows.min() - _CONTENT_MARGIN,
                 cols.max() + 1 + _CONTENT_MARGIN, rows.max() + 1 + _CONTENT_MARGIN)
    else:
        inner = (width // 2, height // 2, width // 2, height // 2)
    # Shares are measured between the cuts across, so a top band does not count as a little
    # border in every column; the first pass, before any cut is known, uses the middle.
    box = (width // 5, height // 5, width - width // 5, height - height // 5)
    for _ in range(2):
        left, top, right, bottom = box
        column_share = _share(border[top:bottom], axis=0)
        row_share = _share(border[:, left:right], axis=1)
        box = (max(0, min(_band_depth(column_share), inner[0])),
               max(0, min(_band_depth(row_share), inner[1])),
               width - max(0, min(_band_depth(column_share[::-1]), width - inner[2])),
               height - max(0, min(_band_depth(row_share[::-1]), height - inner[3])))
    return box


def _share(mask: np.ndarray, axis: int) -> np.ndarray:
    """``mask.mean(axis=axis)`` of a bool mask (the same float64 numbers: counts, exact,
    over the length) without its float copy of the mask."""
    length = mask.shape[axis]
    if not length:
        return mask.mean(axis=axis)
    return np.count_nonzero(mask, axis=axis) / length


def _band_depth(share: np.ndarray) -> int:
    """How many lines from the start of ``share`` belong to a border band (0 if none).

    The band need not start at the very edge (a straightened page has light corner wedges
    outside it). It ends where almost no line across is border any more.
    """
    limit = max(1, int(share.size * _BORDER_MAX_FRACTION))
    if share.size == 0 or share[:limit].max() < _BORDER_PRESENT:
        return 0
    densest = int(np.argmax(share[:limit]))
    gone = np.nonzero(share[densest:limit] < _BORDER_GONE)[0]
    return densest + int(gone[0]) if gone.size else limit


def _to_full_resolution(cuts: CropBox, scale: float, width: int, height: int) -> CropBox:
    """Analysis-pixel cuts → full-resolution box; an uncut side stays exactly at the edge."""
    small_width, small_height = max(1, round(width * scale)), max(1, round(height * scale))
    left, top, right, bottom = cuts
    left = int(np.ceil(left / scale)) if left else 0
    top = int(np.ceil(top / scale)) if top else 0
    right = int(right / scale) if right < small_width else width
    bottom = int(bottom / scale) if bottom < small_height else height
    left, top = int(min(left, width - 1)), int(min(top, height - 1))
    return left, top, int(max(min(right, width), left + 1)), int(max(min(bottom, height), top + 1))
