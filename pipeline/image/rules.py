"""Ruled lines of tables and form boxes, found and painted out before OCR.

Bordered label/value tables put a vertical rule a few pixels before every value and
horizontal rules just above and below each line of text. Tesseract reads a rule touching a
word as «|», «l», «I» or «_» glued to it («|Mẹ», «Nữ|») or, worse, takes a cell's edge for
part of a letter, and its line finding merges the rows a rule crosses. Runs of ink far longer
than any letter is tall or wide are no text: an opening with a long thin kernel keeps exactly
those, and they are painted paper-white. The searchable PDF keeps them (it shows the scan).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.image.clean import components, labelled

# A horizontal rule is at least this share of the page's width long (a table's narrowest
# cell, a number column of 12 mm, is ~6 %; the widest letter run, «……» aside, ~2 %).
MIN_HORIZONTAL_SHARE = 0.05
# A vertical rule at least this share of the page's height (a 13 pt capital with its accent
# or a bracket is ~1.5 % of an A4 page; one table row ~2 %, and rows below continue it).
MIN_VERTICAL_SHARE = 0.018
INK_BELOW = 128  # grey level under which a pixel is ink (after background normalisation)
# ... and at least this many times the page's letter height (the median ink blob). On a
# 300-dpi form that is 23–25 px, so 46–50 px: under the shares above, and full pages are
# unchanged. On a small image (a crop or a photo of a few lines: 1000×160 px holding 40-px
# letters) a share of the height is shorter than a letter's stem, and painting the stems out
# took Tesseract's mean confidence on such a page down to 16 (tests/e2e/test_bad_inputs.py).
MIN_LETTER_HEIGHTS = 2.0
MIN_RULE_PX = 20  # pixels: no rule is shorter, whatever the page's size and letters
MIN_VERTICAL_RULES = 3  # a table of labels and values has three (a received stamp's box two)


def rule_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels (bool) of the long straight horizontal and vertical rules of the page."""
    return mask_of(*rule_lines(gray))


def mask_of(across: np.ndarray, down: np.ndarray) -> np.ndarray:
    """The rules' pixels (bool), with the anti-aliased grey edge of a rule (ink of a lighter
    shade): one pixel around it."""
    return cv2.dilate(across | down, np.ones((3, 3), np.uint8)).astype(bool)


def rule_lines(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ink (uint8 0/1) of the page's long horizontal rules, and of its vertical ones."""
    ink = ink_below(gray)
    floor = rule_floor(ink)
    return opened(ink, across_kernel(ink, floor)), opened(ink, down_kernel(ink, floor))


def rule_floor(ink: np.ndarray) -> int:
    """The shortest rule in pixels whatever the page's size: two letter heights, 20 at least."""
    return max(MIN_RULE_PX, int(MIN_LETTER_HEIGHTS * letter_height(ink)))


def across_kernel(ink: np.ndarray, floor: int) -> np.ndarray:
    return cv2.getStructuringElement(
        cv2.MORPH_RECT, (max(int(ink.shape[1] * MIN_HORIZONTAL_SHARE), floor), 1))


def down_kernel(ink: np.ndarray, floor: int) -> np.ndarray:
    return cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, max(int(ink.shape[0] * MIN_VERTICAL_SHARE), floor)))


def opened(ink: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``ink`` opened by ``kernel`` (runs at least as long as it): eroded, then dilated only
    when some run survived (the opening of a page with none is empty; 5 ms saved)."""
    eroded = cv2.erode(ink, kernel)
    return cv2.dilate(eroded, kernel) if cv2.countNonZero(eroded) else eroded


def has_table(gray: np.ndarray) -> bool:
    """Whether the page holds a ruled table: three vertical rules or more. A page with only
    horizontal rules (the short rules under a decree's header, a signature line) or a
    received stamp's box has nothing worth painting out, and painting costs accuracy there:
    on 10 held-out hard administrative documents, 0.835 painting every page, 0.876 painting
    pages with two vertical rules, 0.917 never; painting a stamp's box lost an e2e
    document's kind and subject (tests/e2e/test_results.py). Only the vertical rules are
    looked for: ``rule_lines``' horizontal ones were found and dropped (~10 ms a page)."""
    return ink_has_table(ink_below(gray))


def ink_has_table(ink: np.ndarray) -> bool:
    """``has_table`` of the page whose ``ink_below`` is ``ink``."""
    return table_ruled(opened(ink, down_kernel(ink, rule_floor(ink))))


def table_ruled(down: np.ndarray) -> bool:
    """Whether the page's vertical rules (``rule_lines``) make a table (see has_table)."""
    count, _ = labelled(cv2.connectedComponentsWithAlgorithm, down)  # the count is the same
    return count - 1 >= MIN_VERTICAL_RULES


def ink_below(gray: np.ndarray) -> np.ndarray:
    """``(gray < INK_BELOW)`` as uint8 0/1, in one pass over the page instead of two."""
    if gray.size == 0:
        return np.zeros(gray.shape, np.uint8)
    return cv2.threshold(gray, INK_BELOW - 1, 1, cv2.THRESH_BINARY_INV)[1]


def letter_height(ink: np.ndarray) -> float:
    """The median height in pixels of the page's ink blobs of letter size (0 without any):
    specks under 3 px and blobs taller than a tenth of the page's larger side (rules, frames)
    are not letters."""
    count, _, stats, _ = components(ink)
    heights = stats[1:count, cv2.CC_STAT_HEIGHT]
    letters = heights[(heights >= 3) & (heights <= max(3, max(ink.shape) // 10))]
    return float(np.median(letters)) if letters.size else 0.0


def remove_ruled_lines(gray: np.ndarray) -> np.ndarray:
    """The page with its table and box rules painted white (a new array); the page itself
    when it has no table (see has_table).

    Cheapest test first, each giving what ``rule_lines`` would (pixel-identical on the 20
    throughput pages; 113 → 54 ms a page, one thread): a page with no vertical run of ink as
    long as the shortest possible rule (the page-share length or ``MIN_RULE_PX``, which the
    letter-height floor can only lengthen) has no vertical rules, so no table, and its letter
    height is never measured; the horizontal rules are looked for only on a page with a table.
    """
    ink = ink_below(gray)
    if not cv2.countNonZero(cv2.erode(ink, down_kernel(ink, MIN_RULE_PX))):
        return gray
    floor = rule_floor(ink)
    down = opened(ink, down_kernel(ink, floor))
    if not table_ruled(down):
        return gray
    mask = mask_of(opened(ink, across_kernel(ink, floor)), down)
    if not mask.any():
        return gray
    cleaned = gray.copy()
    cleaned[mask] = 255
    return cleaned
