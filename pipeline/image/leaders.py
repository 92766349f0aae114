"""Dot leaders («……», «.....») removed from a page before OCR.

Forms print rows of dots after a label for the value to be written on. Tesseract reads them as
junk («......... --- << <s+<css2») that it glues to the value, or that swallows it. A leader is
found as a chain of dots: small, round, filled blobs of similar size, on one baseline, evenly
spaced, with nothing inked between them, and nothing above or below them. That last test keeps
the dot of «i», the dot below «ạ» and the colon; the «nothing between» test keeps the dots of
codes and dates («000.00.21.H27», «05.03.2024»), which have digits between them; a sentence's
full stop is one dot, not a chain. Sizes are physical (inches), so 150–600 DPI pages are alike;
the search runs on a copy shrunk to ~200 DPI (a dot is still 4 px there), which keeps it cheap.

The result only feeds OCR: the page shown in the searchable PDF keeps its leaders.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.image.clean import components, dark_ink, downscale, estimate_dpi


@dataclass(frozen=True)
class LeaderRules:
    """What counts as a leader dot and a leader (sizes in inches, ratios of a dot's size)."""

    analysis_dpi: float = 200  # resolution the dots are looked for at (never enlarged)
    min_dot_in: float = 0.006  # ~1 px at 200 DPI: smaller is grain
    max_dot_in: float = 0.045  # a bold 14 pt full stop, blurred, is ~0.035 in
    max_aspect: float = 1.9  # a dot is about as wide as tall (hyphens, commas are not)
    min_fill: float = 0.45  # share of its box the blob fills (round dot ≈ 0.78)
    clear_above_below: float = 2.0  # dot heights kept free of ink above and below
    max_gap: float = 6.0  # dot sizes between two dots of one leader (monospace «.» ≈ 5)
    max_baseline_shift: float = 0.6  # dot heights two neighbouring dots' bottoms may differ
    max_size_ratio: float = 2.5  # area ratio of two neighbouring dots
    max_stray_ink: float = 0.5  # dot areas of other ink tolerated around/between (specks)
    min_dots: int = 3  # one «…» glyph
    paint_margin: float = 0.3  # dot sizes whitened around each dot (blur and JPEG halo)


@dataclass(frozen=True)
class Dots:
    """Leader-dot candidates as parallel arrays, sorted by row then x."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray  # exclusive
    y1: np.ndarray  # exclusive
    area: np.ndarray

    def __len__(self) -> int:
        return len(self.x0)

    def take(self, keep: np.ndarray) -> Dots:
        return Dots(self.x0[keep], self.y0[keep], self.x1[keep], self.y1[keep], self.area[keep])

    @property
    def size(self) -> np.ndarray:
        return np.maximum(self.x1 - self.x0, self.y1 - self.y0)


def remove_dot_leaders(gray: np.ndarray, dpi: float | None = None,
                       rules: LeaderRules | None = None) -> np.ndarray:
    """A copy of the page (uint8 grey, dark ink on light paper) with its dot leaders painted
    white; the page itself when it has none (a copy of a 300-DPI page is ~3 ms, and most
    pages of a batch have no leader). ``dpi`` defaults to the A4 estimate from the page
    size."""
    if gray.size == 0:
        return gray.copy()
    rules = rules or LeaderRules()
    dpi = dpi or estimate_dpi(gray)
    small, scale = downscale(gray, round(min(gray.shape[:2]) * rules.analysis_dpi / dpi))
    ink = dark_ink(small)
    integral = cv2.integral(ink)
    dots = free_dots(round_blobs(ink, dpi * scale, rules), integral, rules)
    chains = leader_chains(dots, integral, rules)
    if not chains:
        return gray
    cleaned = gray.copy()
    for chain in chains:
        paint_white(cleaned, dots.take(chain), scale, rules)
    return cleaned


def round_blobs(ink: np.ndarray, dpi: float, rules: LeaderRules) -> Dots:
    """Ink components shaped like a printed dot: small, about square, filled."""
    _, _, stats, _ = components(ink)
    x, y, w, h, area = (stats[1:, i] for i in range(5))
    small, large = max(1, rules.min_dot_in * dpi), rules.max_dot_in * dpi
    keep = ((np.minimum(w, h) >= small) & (np.maximum(w, h) <= large)
            & (np.maximum(w, h) <= rules.max_aspect * np.minimum(w, h))
            & (area >= rules.min_fill * w * h))
    return Dots(x[keep], y[keep], (x + w)[keep], (y + h)[keep], area[keep])


def ink_in(integral: np.ndarray, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray,
           y1: np.ndarray) -> np.ndarray:
    """Inked pixels in each box [x0, x1) × [y0, y1), clipped to the page."""
    height, width = integral.shape[0] - 1, integral.shape[1] - 1
    x0, x1 = np.clip(x0, 0, width), np.clip(x1, 0, width)
    y0, y1 = np.clip(y0, 0, height), np.clip(y1, 0, height)
    x1, y1 = np.maximum(x0, x1), np.maximum(y0, y1)
    return integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]


def free_dots(dots: Dots, integral: np.ndarray, rules: LeaderRules) -> Dots:
    """Dots with no ink above or below them: not the dot of «i», not a dot below «ạ», not
    half a colon. Specks smaller than half a dot (scanner noise) are tolerated."""
    if not len(dots):
        return dots
    height = dots.y1 - dots.y0
    reach = np.maximum(2, np.round(rules.clear_above_below * height)).astype(int)
    side = np.maximum(1, (dots.x1 - dots.x0) // 4)
    around = ink_in(integral, dots.x0 - side, dots.y0 - reach, dots.x1 + side, dots.y1 + reach)
    return dots.take(around - dots.area <= rules.max_stray_ink * dots.area)


def _row_order(dots: Dots, rules: LeaderRules) -> tuple[np.ndarray, np.ndarray]:
    """Dot indices grouped into rows (by bottom edge) then sorted by x; and row ids."""
    by_bottom = np.argsort(dots.y1, kind="stable")
    bottoms = dots.y1[by_bottom]
    tolerance = rules.max_baseline_shift * (dots.y1 - dots.y0)[by_bottom] + 1
    # Bottoms sorted: a new row starts where the next dot sits clearly lower. A leader on a
    # slightly skewed line drifts gradually, so its dots stay in one row.
    row_of_sorted = np.concatenate([[0], np.cumsum(np.diff(bottoms) > tolerance[1:])])
    rows = np.empty(len(dots), dtype=int)
    rows[by_bottom] = row_of_sorted
    order = np.lexsort((dots.x0, rows))
    return order, rows[order]


def _linked(a: Dots, b: Dots, same_row: np.ndarray, integral: np.ndarray,
            rules: LeaderRules) -> np.ndarray:
    """Whether each dot of ``a`` and the next dot ``b`` (to its right) belong to one leader."""
    size = np.maximum(a.size, b.size)
    gap = b.x0 - a.x1
    shift = np.abs(a.y1 - b.y1)
    ratio = np.maximum(a.area, b.area) / np.maximum(np.minimum(a.area, b.area), 1)
    between = ink_in(integral, a.x1, np.minimum(a.y0, b.y0), b.x0, np.maximum(a.y1, b.y1))
    return (same_row & (gap > 0) & (gap <= rules.max_gap * size)
            & (shift <= rules.max_baseline_shift * size + 1)
            & (ratio <= rules.max_size_ratio)
            & (between <= rules.max_stray_ink * np.minimum(a.area, b.area)))


def leader_chains(dots: Dots, integral: np.ndarray, rules: LeaderRules) -> list[np.ndarray]:
    """Index arrays (into ``dots``) of the dot chains that are leaders."""
    if len(dots) < rules.min_dots:
        return []
    order, rows = _row_order(dots, rules)
    left, right = dots.take(order[:-1]), dots.take(order[1:])
    links = _linked(left, right, rows[:-1] == rows[1:], integral, rules)
    starts = np.flatnonzero(~np.concatenate([[False], links]))
    chains = np.split(order, starts[1:])
    # Even spacing is not required: a speck of a dot's size among the dots (noisy scans)
    # would break it, and the tests above already leave no text mark in a chain.
    return [chain for chain in chains if len(chain) >= rules.min_dots]


def paint_white(page: np.ndarray, chain: Dots, scale: float, rules: LeaderRules) -> None:
    """Whiten each dot's box, found at ``scale``, and a small margin on the page (in place)."""
    margin = rules.paint_margin * chain.size + 1  # +1: rounding between the two grids
    x0 = np.floor((chain.x0 - margin) / scale).astype(int).clip(0)
    y0 = np.floor((chain.y0 - margin) / scale).astype(int).clip(0)
    x1 = np.ceil((chain.x1 + margin) / scale).astype(int)
    y1 = np.ceil((chain.y1 + margin) / scale).astype(int)
    for left, top, right, bottom in zip(x0, y0, x1, y1, strict=True):
        page[top:bottom, left:right] = 255
