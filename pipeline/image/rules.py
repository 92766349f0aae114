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

# A horizontal rule is at least this share of the page's width long (a table's narrowest
# cell, a number column of 12 mm, is ~6 %; the widest letter run, «……» aside, ~2 %).
MIN_HORIZONTAL_SHARE = 0.05
# A vertical rule at least this share of the page's height (a 13 pt capital with its accent
# or a bracket is ~1.5 % of an A4 page; one table row ~2 %, and rows below continue it).
MIN_VERTICAL_SHARE = 0.018
INK_BELOW = 128  # grey level under which a pixel is ink (after background normalisation)


def rule_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels (bool) of the long straight horizontal and vertical rules of the page."""
    height, width = gray.shape
    ink = (gray < INK_BELOW).astype(np.uint8)
    across = cv2.getStructuringElement(cv2.MORPH_RECT,
                                       (max(int(width * MIN_HORIZONTAL_SHARE), 20), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT,
                                     (1, max(int(height * MIN_VERTICAL_SHARE), 20)))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, across) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, down)
    # The anti-aliased grey edge of a rule is ink of a lighter shade: one pixel around it.
    return cv2.dilate(lines, np.ones((3, 3), np.uint8)).astype(bool)


def remove_ruled_lines(gray: np.ndarray) -> np.ndarray:
    """The page with its table and box rules painted white (a new array)."""
    mask = rule_mask(gray)
    if not mask.any():
        return gray
    cleaned = gray.copy()
    cleaned[mask] = 255
    return cleaned
