"""Skew over the whole range a page can lie on the glass (±45°), in any of the four
orientations; real Tesseract for the text read after straightening."""

from __future__ import annotations

import statistics

import cv2
import numpy as np
import pytest

from benchmarks.deskew import page_cer
from pipeline.image.deskew import estimate_skew
from pipeline.image.preprocess import prepare_page
from tests.pipeline.conftest import SERIF, degrade, render_page, skew_page, square_sheet, turn_page

WIDE_ANGLES = [-45, -38.5, -30, -21, -15, -10.5, 12, 15, 21, 27.3, 33, 45]


@pytest.fixture(scope="module")
def sheet() -> np.ndarray:
    """The test page's text on a square sheet: no turn cuts any of it."""
    return square_sheet(render_page())


def test_skews_beyond_ten_degrees_are_found_not_clamped(sheet):
    """
    GIVEN the page turned by angles across −45..45°, among them the 15° that was turned only
    10° and the 21° that read no text
    WHEN the skew is estimated
    THEN each is found within 0.3° (median error at most 0.3°, the issue's target; measured
    0.00–0.02° with benchmarks/deskew.py).
    """
    errors = [abs(estimate_skew(skew_page(sheet, angle)) - angle) for angle in WIDE_ANGLES]
    assert max(errors) <= 0.3 and statistics.median(errors) <= 0.3, errors


@pytest.mark.parametrize(("rotation", "degrees"), [(0, 21), (90, 30), (180, -40), (270, -15)])
def test_a_turned_page_lying_far_askew_is_turned_and_straightened(rotation, degrees):
    """
    GIVEN a noisy serif page skewed by a wide angle and scanned in each orientation
    WHEN prepared for OCR
    THEN the quarter turn and the skew are both found.
    """
    page = square_sheet(render_page(SERIF, 11))
    scanned = degrade(turn_page(skew_page(page, degrees), rotation), seed=rotation + 7)
    prepared = prepare_page(scanned)
    assert prepared.rotation == rotation
    assert prepared.skew_degrees == pytest.approx(degrees, abs=0.3)


def test_a_page_at_thirty_degrees_reads_as_well_as_level(sheet, tmp_path):
    """
    GIVEN the page level and turned 30°
    WHEN each is prepared and read by Tesseract
    THEN the turned page's character error rate is within 1.2× the level one's (plus one
    character in a thousand, so that a level page read perfectly does not demand perfection).
    """
    level = page_cer(sheet, 0.0, tmp_path)
    turned = page_cer(sheet, 30.0, tmp_path)
    assert turned <= 1.2 * level + 0.001, (level, turned)


def test_a_page_without_lines_of_text_is_not_turned_far():
    """
    GIVEN a page holding only a photo-like blotch (a copied ID card's portrait)
    WHEN the skew is estimated
    THEN it is not taken for a page at ±45° (its flattest profile lies at the range's end):
    a wide angle needs a text-line peak, and this page keeps the former ±10° search.
    """
    rng = np.random.default_rng(3)
    page = np.full((2339, 1654), 255, np.uint8)
    blotch = cv2.GaussianBlur((rng.random((600, 450)) * 255).astype(np.uint8), (15, 15), 5)
    page[400:1000, 300:750] = np.where(blotch < 128, 0, 255)
    assert abs(estimate_skew(page)) <= 10
