"""The whole page preparation: upright, straight, cropped, cleaned — and readable."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pydantic
import pytesseract
import pytest

from pipeline.image.clean import binarize
from pipeline.image.preprocess import PreparedPage, PreprocessOptions, prepare_page
from schemas.errors import InputFileError
from tests.pipeline.conftest import (
    DPI,
    HEADER,
    REQUESTER,
    degrade,
    ink_bbox,
    skew_page,
    turn_page,
)
from tests.pipeline.image.test_clean import bordered, scatter_specks


def read_lines(image: np.ndarray) -> list[str]:
    """Tesseract's lines of an image, as ``tesseract - - -l vie --psm 6`` gives them."""
    text = pytesseract.image_to_string(image, lang="vie", config=f"--psm 6 --dpi {DPI}",
                                       timeout=60)
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def scanned_badly(page: np.ndarray) -> np.ndarray:
    """The page as a poor colour scan: skewed 3.5°, grey noisy paper, dust, a dark lid
    border, and fed so it needs a 90° clockwise turn."""
    dusty, _ = scatter_specks(skew_page(page, 3.5), 150)
    scan = bordered(degrade(dusty, paper=195, ink=80, noise=10))
    return cv2.cvtColor(turn_page(scan, 90), cv2.COLOR_GRAY2BGR)


@pytest.fixture(scope="module")
def prepared(text_page: np.ndarray) -> PreparedPage:
    # A generous OSD limit: on a loaded machine the 5 s default can run out, and this test
    # is about the composition, not about the time limit.
    return prepare_page(scanned_badly(text_page), PreprocessOptions(osd_timeout_seconds=60))


def test_prepare_page_turns_straightens_and_crops(prepared: PreparedPage,
                                                  text_page: np.ndarray) -> None:
    """
    GIVEN a sideways, skewed, noisy, dusty colour scan with a dark scanner border
    WHEN the page is prepared
    THEN it was turned 90° clockwise, its 3.5° skew found, the border cut off, and both
    images share that geometry: the OCR image in clean grey, the display image in colour
    """
    assert prepared.rotation == 90
    assert prepared.skew_degrees == pytest.approx(3.5, abs=0.5)
    left, top, right, bottom = prepared.crop_box
    assert left > 0 and top > 0  # the lid bands sat on the left and top once upright
    assert prepared.ocr_image.ndim == 2 and prepared.ocr_image.dtype == np.uint8
    assert prepared.display_image.shape[:2] == prepared.ocr_image.shape
    assert prepared.display_image.ndim == 3
    assert np.median(prepared.ocr_image) == 255  # white paper for Tesseract
    height, width = prepared.ocr_image.shape
    assert height > width  # upright A4: portrait again


def test_prepared_page_reads_as_the_printed_text(prepared: PreparedPage) -> None:
    """
    GIVEN the prepared bad scan
    WHEN Tesseract reads the OCR image (``-l vie --psm 6``)
    THEN the national header and the requester's line are recognised exactly
    """
    height = prepared.ocr_image.shape[0]
    lines = read_lines(prepared.ocr_image[: height // 3])
    assert HEADER in lines
    assert REQUESTER in lines


def test_the_text_keeps_its_shape_through_preparation(prepared: PreparedPage,
                                                      text_page: np.ndarray) -> None:
    """
    GIVEN the prepared bad scan and the original page
    WHEN the text's bounding boxes are compared
    THEN the prepared text has the original's size (nothing cut, nothing stretched)
    """
    left, top, right, bottom = ink_bbox(prepared.ocr_image, threshold=100)
    o_left, o_top, o_right, o_bottom = ink_bbox(text_page)
    assert right - left == pytest.approx(o_right - o_left, abs=12)
    assert bottom - top == pytest.approx(o_bottom - o_top, abs=12)


def test_all_steps_off_leaves_the_page_as_it_came(text_page: np.ndarray) -> None:
    off = PreprocessOptions(fix_orientation=False, deskew=False, crop_borders=False,
                            normalize_background=False, denoise=False, binarize=False)
    page = turn_page(text_page, 180)
    result = prepare_page(page, off)
    assert result.rotation == 0 and result.skew_degrees == 0.0
    assert result.crop_box == (0, 0, page.shape[1], page.shape[0])
    assert np.array_equal(result.ocr_image, page) and np.array_equal(result.display_image, page)


@pytest.mark.parametrize("options", [
    PreprocessOptions(), PreprocessOptions(binarize=False),
    PreprocessOptions(normalize_background=False, binarize=False),
    PreprocessOptions(normalize_background=False, denoise=False, remove_leaders=False,
                      remove_rules=False, binarize=False)])
def test_a_grey_page_kept_as_scanned_is_cleaned_without_writing_to_it(
        text_page: np.ndarray, options: PreprocessOptions) -> None:
    """
    GIVEN a grey page that needs no turn, crop or straightening (its display image is the
          decoded page itself)
    WHEN it is prepared with any cleanup
    THEN the decoded page is left as it came and the OCR image is an array of its own
    """
    page = degrade(text_page)
    before = page.copy()
    prepared = prepare_page(page, options.model_copy(update={
        "fix_orientation": False, "deskew": False, "crop_borders": False}))
    assert prepared.display_image is page
    assert np.array_equal(page, before)
    assert not np.shares_memory(prepared.ocr_image, page)


def test_ocr_image_is_black_and_white_by_default_and_grey_on_request(
        text_page: np.ndarray) -> None:
    page = degrade(text_page)
    assert set(np.unique(prepare_page(page).ocr_image)) == {0, 255}
    grey = prepare_page(page, PreprocessOptions(binarize=False)).ocr_image
    assert len(np.unique(grey)) > 50


def test_a_faint_page_is_read_from_its_grey_not_broken_by_the_threshold(
        text_page: np.ndarray) -> None:
    """
    GIVEN a page printed so light that its ink is 36 grey levels under the paper (248 → 212),
        too little to stretch (a light face or pale toner; a blank page's noise is less)
    WHEN it is prepared and read
    THEN its OCR image stays grey and reads as printed, where the black-and-white image the
        threshold makes of it (the cap at paper − 40 cuts the strokes) reads nothing
    """
    faint = degrade(text_page, paper=248, ink=212, noise=2.0)
    prepared = prepare_page(faint).ocr_image
    assert len(np.unique(prepared)) > 2
    assert read_lines(prepared) == read_lines(text_page)
    black_and_white = binarize(prepare_page(faint, PreprocessOptions(binarize=False)).ocr_image)
    assert read_lines(black_and_white) == []


def test_a_pale_but_stretchable_page_is_still_black_and_white(text_page: np.ndarray) -> None:
    """A page whose ink is 43 levels under the paper is stretched and thresholded as before."""
    prepared = prepare_page(degrade(text_page, paper=248, ink=205, noise=2.0)).ocr_image
    assert set(np.unique(prepared)) == {0, 255}
    assert read_lines(prepared) == read_lines(text_page)


@pytest.mark.parametrize("shape", [(1, 1), (1, 1, 3), (2339, 1654), (5, 2000)])
def test_blank_and_tiny_pages_pass_through(shape: tuple[int, ...]) -> None:
    """
    GIVEN a blank page, or a single pixel
    WHEN it is prepared
    THEN nothing fails: no turn, no skew, same size, white OCR image
    """
    page = np.full(shape, 255, np.uint8)
    result = prepare_page(page)
    assert result.rotation == 0 and result.skew_degrees == 0.0
    assert result.ocr_image.shape == shape[:2]
    assert result.display_image.shape == shape
    assert np.all(result.ocr_image == 255)


@pytest.mark.parametrize("image", [np.zeros((10, 10), np.float32), np.zeros((0, 5), np.uint8),
                                   np.zeros((4, 4, 2), np.uint8)])
def test_unusable_arrays_are_input_errors(image: np.ndarray) -> None:
    with pytest.raises(InputFileError, match="expected 8-bit"):
        prepare_page(image)


def test_options_have_defaults_and_validate() -> None:
    options = PreprocessOptions()
    assert options.fix_orientation and options.deskew and options.denoise and options.binarize
    assert PreprocessOptions.model_validate({"analysis_width": 800}).analysis_width == 800
    with pytest.raises(pydantic.ValidationError):
        PreprocessOptions(analysis_width=10)


def test_a_given_rotation_is_used_instead_of_the_detected_one(text_page: np.ndarray) -> None:
    """
    GIVEN an upright page
    WHEN it is prepared with the rotation 180 given (a second reading of a page whose
    orientation was misjudged)
    THEN it comes out turned half round, whatever the orientation check would have said
    """
    turned = prepare_page(text_page, PreprocessOptions(), rotation=180)
    upright = prepare_page(text_page, PreprocessOptions())
    assert (turned.rotation, upright.rotation) == (180, 0)
    assert np.array_equal(turned.ocr_image, np.rot90(upright.ocr_image, 2))


@pytest.mark.parametrize("bordered_scan", [False, True])
def test_the_skew_measured_with_the_orientation_is_the_one_measured_again(
        text_page: np.ndarray, bordered_scan: bool) -> None:
    """
    GIVEN an upright skewed scan, with or without a scanner border
    WHEN it is prepared with its orientation detected, and again told it is upright
    THEN both preparations are the same to the pixel: the skew and the downscaled copy the
    orientation made, shared with the crop and the deskew, change nothing
    """
    scan = degrade(skew_page(text_page, 2.0), paper=225, ink=40, noise=6)
    scan = bordered(scan) if bordered_scan else scan
    detected = prepare_page(scan)
    told = prepare_page(scan, rotation=0)
    assert detected.rotation == 0
    assert detected.skew_degrees == told.skew_degrees != 0
    assert detected.crop_box == told.crop_box
    assert np.array_equal(detected.ocr_image, told.ocr_image)
    assert np.array_equal(detected.display_image, told.display_image)
