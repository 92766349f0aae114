"""Page cleanup for OCR: even background, speck removal, scanner-border crop, binarisation.

Also the small image helpers the other preprocessing steps share (grey conversion, analysis
downscale, ink mask). Every function returns a new array; inputs are never modified.

Sizes are page-relative, not pixel constants, because pages arrive at 150–600 DPI. Where a
physical size is needed the resolution is estimated from the page's long side, taking it for
an A4 sheet (297 mm), which is what dossier pages are.
"""

from __future__ import annotations

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
    300-DPI page: 83 → 36–44 ms, one thread)."""
    return cv2.connectedComponentsWithStatsWithAlgorithm(ink, 8, cv2.CV_32S, cv2.CCL_GRANA)


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
    even = normalize_background(gray)
    return binarize(even) == 0


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
    background = np.maximum(estimate_background(gray), 1)
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


def grey_histogram(gray: np.ndarray) -> np.ndarray:
    """Pixel counts of the 256 grey levels (statistics from it cost nothing per pixel)."""
    return cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()


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


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black text (0) on white (255) by Otsu's threshold.

    Meant for the output of ``normalize_background``: once the background is flat a global
    threshold does what an adaptive (Sauvola) one does, at a fraction of the cost. Ink must
    also be clearly darker than the paper, so a blank page's noise stays white.
    """
    if gray.size == 0:
        return gray.copy()
    histogram = grey_histogram(gray)
    paper = histogram_median(histogram) or 255.0
    threshold = min(otsu_threshold(histogram), paper - _MIN_STRETCH_CONTRAST)
    _, binary = cv2.threshold(gray, threshold, 255, cv2.THRESH_BINARY)
    return binary


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
    ink = (binarize(smooth) == 0).astype(np.uint8)
    max_area = round((_SPECK_MAX_DIAMETER_IN * dpi) ** 2)
    labels, boxes = isolated_specks(ink, max_area, max(2, round(_SPECK_ISOLATION_IN * dpi)))
    cleaned = gray.copy()
    for label, (x, y, w, h) in boxes:
        # One pixel more all round: blur and JPEG leave a grey halo outside the threshold.
        top, left = max(y - 1, 0), max(x - 1, 0)
        window = (slice(top, y + h + 1), slice(left, x + w + 1))
        speck = cv2.dilate((labels[window] == label).astype(np.uint8), np.ones((3, 3), np.uint8))
        cleaned[window][speck.astype(bool)] = 255
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


def isolated_specks(ink: np.ndarray, max_area: int,
                    distance: int) -> tuple[np.ndarray, list[tuple[int, tuple[int, ...]]]]:
    """Ink components of at most ``max_area`` pixels with no other ink within ``distance``
    pixels (measured along rows and columns).

    Returns a label image holding the specks (0 elsewhere) and ``(label, (x, y, w, h))`` of
    each speck.

    All ink is grown by half the distance, so marks closer than it merge: a component is
    alone when its grown blob holds no more ink than the component itself, and its centroid
    (rounded half to even, as round()) lies in that blob. Only a blob holding at most
    ``max_area`` ink pixels can be one speck's, so the ink is labelled inside those blobs
    only, not over the whole page: the same specks as labelling every component of the page
    first, as this did (tests/pipeline/image/test_clean.py; the 20 throughput pages), in
    less time: a 300-DPI page 117 → 72 ms CPU.
    """
    size = distance + 1
    grown = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    _, blobs = cv2.connectedComponentsWithAlgorithm(grown, 8, cv2.CV_32S, cv2.CCL_GRANA)
    found = cv2.findNonZero(ink)  # every ink pixel as (x, y): numpy's nonzero is ~8× slower
    if found is None:
        return np.zeros(ink.shape, np.int32), []
    found = found.reshape(-1, 2)
    cols, rows = found[:, 0], found[:, 1]
    owner = blobs[rows, cols]
    blob_ink = np.bincount(owner)  # every blob holds ink: it was grown from it
    small = blob_ink <= max_area
    small[0] = False
    keep = small[owner]
    cols, rows, owner = cols[keep], rows[keep], owner[keep]
    # The ink box of each small blob (statistics of every blob cost a labelling again).
    order = np.argsort(owner, kind="stable")
    cols, rows, owner = cols[order], rows[order], owner[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if owner.size else owner
    boxes = zip(owner[starts].tolist(), np.minimum.reduceat(cols, starts).tolist(),
                np.minimum.reduceat(rows, starts).tolist(),
                np.maximum.reduceat(cols, starts).tolist(),
                np.maximum.reduceat(rows, starts).tolist(), strict=True) if owner.size else []
    labels = np.zeros(ink.shape, np.int32)
    specks: list[tuple[int, tuple[int, ...]]] = []
    for blob, x, y, right, bottom in boxes:
        window = (slice(y, bottom + 1), slice(x, right + 1))
        inside = (ink[window] != 0) & (blobs[window] == blob)
        found, local, stats, centroids = components(inside.astype(np.uint8))
        if found != 2:  # not one component alone in its blob
            continue
        cx, cy = (int(np.round(centroids[1, k])) + offset for k, offset in ((0, x), (1, y)))
        if blobs[cy, cx] != blob:
            continue
        label = len(specks) + 1
        labels[window][local == 1] = label
        left, top, width, height = (int(v) for v in stats[1, :4])
        specks.append((label, (x + left, y + top, width, height)))
    return labels, specks


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
    paper = float(np.percentile(small, 90))
    dark = (small < paper * 0.5).astype(np.uint8)
    _, labels, stats, _ = components(dark)
    edge_labels = np.unique(np.concatenate(
        [labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    is_border = np.zeros(len(stats), bool)
    is_border[edge_labels] = True
    max_speck = (_SPECK_MAX_DIAMETER_IN * estimate_dpi(small)) ** 2
    is_content = ~is_border & (stats[:, cv2.CC_STAT_AREA] > max_speck)
    is_border[0] = is_content[0] = False  # label 0 is the paper
    return is_border[labels], is_content[labels]


def _border_cuts(border: np.ndarray, content: np.ndarray) -> CropBox:
    """Where to cut each side, in analysis pixels, kept outside the content's bounding box."""
    height, width = border.shape
    rows, cols = np.nonzero(content)
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
        column_share = border[top:bottom].mean(axis=0)
        row_share = border[:, left:right].mean(axis=1)
        box = (max(0, min(_band_depth(column_share), inner[0])),
               max(0, min(_band_depth(row_share), inner[1])),
               width - max(0, min(_band_depth(column_share[::-1]), width - inner[2])),
               height - max(0, min(_band_depth(row_share[::-1]), height - inner[3])))
    return box


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
