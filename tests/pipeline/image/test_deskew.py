"""Skew: measured on a small copy, counter-clockwise positive, undone without cropping."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.image.clean import downscale
from pipeline.image.deskew import (
    COARSE_POINTS,
    coarse_scores,
    deskew,
    estimate_skew,
    mask_points,
    profile_scores,
    profile_sharpness,
    skew_of_points,
    text_ink,
    thin_points,
)
from tests.pipeline.conftest import degrade, ink_bbox, skew_page


@pytest.mark.parametrize("degrees", [-7, -3.2, -0.8, 0, 1.5, 4, 8])
def test_estimate_skew_recovers_known_angles(text_page: np.ndarray, degrees: float) -> None:
    """
    GIVEN a text page turned by a known small angle (counter-clockwise positive)
    WHEN the skew is estimated
    THEN the estimate is that angle within 0.5° (in practice within ~0.05°)
    """
    assert estimate_skew(skew_page(text_page, degrees)) == pytest.approx(degrees, abs=0.5)


def test_estimate_skew_on_a_degraded_serif_page(serif_page: np.ndarray) -> None:
    """
    GIVEN a serif page on grey paper with noise, skewed by -2.4°
    WHEN the skew is estimated
    THEN it is found within 0.2°
    """
    page = degrade(skew_page(serif_page, -2.4, fill=255))
    assert estimate_skew(page) == pytest.approx(-2.4, abs=0.2)


def test_positive_skew_means_lines_rising_to_the_right() -> None:
    """
    GIVEN level bars turned by +5° with OpenCV (counter-clockwise as viewed)
    WHEN the two ends of a bar are compared
    THEN the right end is higher on the page, and the estimated skew is +5°
    """
    bar = np.full((800, 800), 255, np.uint8)
    bar[396:404, 150:650] = 0
    turned_bar = skew_page(bar, 5) < 128
    columns = np.nonzero(turned_bar.any(axis=0))[0]
    left_end = np.nonzero(turned_bar[:, columns[0] + 2])[0].mean()
    right_end = np.nonzero(turned_bar[:, columns[-1] - 2])[0].mean()
    assert right_end < left_end  # image rows count downwards
    bars = np.full((800, 800), 255, np.uint8)
    for y in range(200, 600, 40):
        bars[y:y + 8, 150:650] = 0
    assert estimate_skew(skew_page(bars, 5)) == pytest.approx(5, abs=0.2)


def test_deskew_straightens_and_keeps_every_pixel(text_page: np.ndarray) -> None:
    """
    GIVEN a page skewed by 6° with ink reaching close to its corners
    WHEN it is deskewed by its estimated skew
    THEN the lines are level again, the canvas grew instead of cutting, and no ink was lost
    """
    page = text_page.copy()
    for x, y in ((5, 5), (1630, 5), (5, 2315), (1630, 2315)):
        page[y:y + 15, x:x + 15] = 0  # corner marks that a same-size turn would cut off
    skewed = skew_page(page, 6, fill=255)
    straight = deskew(skewed, estimate_skew(skewed))
    assert straight.shape[0] > skewed.shape[0] and straight.shape[1] > skewed.shape[1]
    assert abs(estimate_skew(straight)) < 0.2
    assert np.count_nonzero(straight < 128) == pytest.approx(np.count_nonzero(skewed < 128),
                                                             rel=0.03)


def test_deskew_fills_corners_with_paper_colour() -> None:
    """
    GIVEN a colour page of yellowed paper (BGR)
    WHEN it is deskewed by 5°
    THEN the uncovered corners take the paper's colour, not black or white
    """
    page = np.empty((400, 300, 3), np.uint8)
    page[:] = (190, 225, 235)
    page[100:110, 50:250] = 0
    straight = deskew(page, 5)
    assert tuple(int(v) for v in straight[0, 0]) == (190, 225, 235)
    assert straight.ndim == 3 and straight.dtype == np.uint8


def test_deskew_by_a_negligible_angle_returns_the_page_unchanged(text_page: np.ndarray) -> None:
    assert np.array_equal(deskew(text_page, 0.01), text_page)


def test_deskew_then_content_stays_inside(text_page: np.ndarray) -> None:
    """
    GIVEN a page skewed by -9°
    WHEN it is deskewed
    THEN the text's bounding box lies within the new canvas with a margin all round
    """
    straight = deskew(skew_page(text_page, -9), -9)
    left, top, right, bottom = ink_bbox(straight)
    height, width = straight.shape
    assert left > 50 and top > 50 and right < width - 50 and bottom < height - 50


@pytest.mark.parametrize("shape", [(1, 1), (3, 500), (2339, 1654)])
def test_blank_and_tiny_images_have_no_skew(shape: tuple[int, int]) -> None:
    blank = np.full(shape, 255, np.uint8)
    assert estimate_skew(blank) == 0.0
    assert deskew(blank, 3).shape[0] >= shape[0]


def test_estimate_skew_ignores_a_scanner_border(text_page: np.ndarray) -> None:
    """
    GIVEN a page skewed by 3° whose scan has a straight dark band along the top (square to
    the scanner, not to the text)
    WHEN the skew is estimated
    THEN the band is ignored and the text's 3° is found
    """
    page = cv2.rectangle(skew_page(text_page, 3), (0, 0), (text_page.shape[1] - 1, 59), 20, -1)
    assert estimate_skew(page) == pytest.approx(3, abs=0.2)


def test_a_skew_from_coarse_scores_made_before_is_the_same(text_page: np.ndarray) -> None:
    """GIVEN a skewed page's ink points WHEN its skew is found from coarse scores made
    before (as the orientation check hands them on) THEN it is the skew found afresh."""
    points = mask_points(text_ink(downscale(skew_page(text_page, 2.3), 1000)[0]))
    scores = coarse_scores(thin_points(points, COARSE_POINTS))
    assert skew_of_points(points, scores=scores) == skew_of_points(points)
    assert abs(skew_of_points(points) - 2.3) < 0.1


def test_profile_scores_are_profile_sharpness_at_each_angle(text_page: np.ndarray) -> None:
    """GIVEN a skewed degraded page's ink points, all and the coarse sample, as (x, y) and
    turned a quarter ((y, x), a view) WHEN scored at the coarse and the fine angles at once
    THEN every score is profile_sharpness's at that angle, exactly"""
    page = degrade(skew_page(text_page, -2.7), seed=3)
    points = mask_points(text_ink(downscale(page, 1000)[0]))
    fine = np.arange(-3.5, -1.9 + 1e-9, 0.1)
    for sample in (points, thin_points(points, COARSE_POINTS), points[:, ::-1]):
        for angles in (np.arange(-45, 45 + 1e-9, 1.0), fine):
            want = [profile_sharpness(sample, float(a)) for a in angles]
            assert profile_scores(sample, angles).tolist() == want
    assert coarse_scores(points).tolist() == [profile_sharpness(points, float(a))
                                              for a in np.arange(-45, 45 + 1e-9, 1.0)]


def test_mask_points_are_the_masks_pixels_row_by_row(text_page: np.ndarray) -> None:
    """GIVEN a page's ink mask as uint8 0/1 and as bool, a mask of one pixel, an empty one,
    and a mask of more pixels than are kept WHEN listed as points THEN they are np.nonzero's
    pixels as (x, y) float32, in its row-by-row order, thinned alike"""
    ink = text_ink(downscale(skew_page(text_page, 1.2), 1000)[0])
    lone = np.zeros((40, 30), np.uint8)
    lone[7, 19] = 1
    full = np.ones((300, 300), np.uint8)  # 90 000 pixels: thinned to every second one
    for mask in (ink, ink.astype(bool), lone, np.zeros((20, 10), np.uint8), full):
        ys, xs = np.nonzero(mask)
        want = thin_points(np.column_stack([xs, ys]).astype(np.float32), 60_000)
        got = mask_points(mask)
        assert got.dtype == np.float32 and got.shape == want.shape
        assert np.array_equal(got, want)
