"""Red and violet ink (seals, received stamps) dropped from the OCR grey; print and blue kept."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from pipeline.image import colour
from pipeline.image.clean import to_gray
from pipeline.image.colour import gray_without_coloured_ink, inside_another
from pipeline.image.preprocess import PreprocessOptions, prepare_page
from tests.pipeline.conftest import A4_PIXELS, DPI, SANS, SERIF, points

# The samples' inks (samples/official.py), RGB.
SEAL_RED = (205, 35, 40)
VIOLET = (150, 40, 120)
BLUE_PEN = (25, 45, 160)
SIGNER = "PHÓ CHỦ TỊCH"


def _mm(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _lay_ink(page: Image.Image, mask: Image.Image, colour: tuple[int, int, int],
             strength: float) -> None:
    """Ink of ``colour`` where ``mask`` is set, multiplied over the print (as a seal is)."""
    inked = ImageChops.multiply(page, Image.new("RGB", page.size, colour))
    page.paste(inked, (0, 0), mask.point(lambda v: round(v * strength)))


def _seal_mask(size: tuple[int, int], centre: tuple[int, int]) -> Image.Image:
    """A round seal: two rings, a star and a ring of capital letters, 36 mm across."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    cx, cy = centre
    for radius, width in ((_mm(18), _mm(0.8)), (_mm(12), _mm(0.5))):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255,
                     width=width)
    star = [(cx + _mm(r) * math.sin(math.radians(a)), cy - _mm(r) * math.cos(math.radians(a)))
            for a, r in ((k * 36, 5 if k % 2 == 0 else 2) for k in range(10))]
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(SANS, _mm(3))
    for k, char in enumerate("ỦY BAN NHÂN DÂN HUYỆN HẢI HẬU ★ "):
        angle = math.radians(k * 360 / 32)
        x = cx + _mm(15) * math.sin(angle)
        y = cy - _mm(15) * math.cos(angle)
        draw.text((x, y), char, fill=255, font=font, anchor="mm")
    return mask


def colour_page() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A colour A4 page in OpenCV's BGR order: black print, a red seal over the signer's
    title, a violet «ĐẾN» stamp frame and a blue signature; with the mask of each ink."""
    page = Image.new("RGB", A4_PIXELS, (255, 255, 255))
    draw = ImageDraw.Draw(page)
    face = ImageFont.truetype(SERIF, points(13))
    draw.text((_mm(110), _mm(200)), SIGNER, fill=(0, 0, 0), font=face)
    draw.text((_mm(25), _mm(60)), "Về việc cấp giấy phép xây dựng", fill=(0, 0, 0), font=face)
    grey_print = np.asarray(page.convert("L")) < 128
    seal = _seal_mask(page.size, (_mm(118), _mm(203)))
    _lay_ink(page, seal, SEAL_RED, 0.85)
    stamp = Image.new("L", page.size, 0)
    ImageDraw.Draw(stamp).rectangle((_mm(20), _mm(50), _mm(70), _mm(80)), outline=255,
                                    width=_mm(0.6))
    ImageDraw.Draw(stamp).text((_mm(30), _mm(68)), "ĐẾN", fill=255,
                               font=ImageFont.truetype(SANS, points(16)))
    _lay_ink(page, stamp, VIOLET, 0.8)
    pen = Image.new("L", page.size, 0)
    ImageDraw.Draw(pen).line([(_mm(120), _mm(230)), (_mm(140), _mm(222)), (_mm(160), _mm(232))],
                             fill=255, width=_mm(0.5))
    draw.line([(_mm(120), _mm(230)), (_mm(140), _mm(222)), (_mm(160), _mm(232))],
              fill=BLUE_PEN, width=_mm(0.5))
    masks = {"print": grey_print, "red": (np.asarray(seal) > 128) & ~grey_print,
             "violet": (np.asarray(stamp) > 128) & ~grey_print, "blue": np.asarray(pen) > 128,
             "no_red": (np.asarray(seal) == 0) & (np.asarray(stamp) == 0)}
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR), masks


@pytest.fixture(scope="module")
def page() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    return colour_page()


def test_red_and_violet_ink_turn_to_paper_and_print_stays(
        page: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    """
    GIVEN a colour page with black print, a red seal over the print, a violet stamp and a
          blue signature
    WHEN it is turned grey for OCR
    THEN the red and violet ink is paper, the black print (also under the seal) stays black
         and the blue signature stays as dark as a plain grey conversion makes it
    """
    bgr, masks = page
    plain = to_gray(bgr)
    gray = gray_without_coloured_ink(bgr)
    assert np.median(plain[masks["red"]]) < 130  # the seal is in the way without this step
    assert np.percentile(gray[masks["red"]], 10) >= 235
    assert np.percentile(gray[masks["violet"]], 10) >= 235
    assert np.median(gray[masks["print"]]) <= 10
    assert np.array_equal(gray[masks["blue"]], plain[masks["blue"]])
    assert np.array_equal(gray[masks["no_red"]], plain[masks["no_red"]])


def test_grey_pages_and_pages_without_red_are_plain_grey(
        page: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    """
    GIVEN a grey page, and a colour page with only black and blue ink
    WHEN they are turned grey for OCR
    THEN the result is exactly the plain grey conversion
    """
    bgr, masks = page
    grey = to_gray(bgr)
    assert np.array_equal(gray_without_coloured_ink(grey), grey)
    no_red = bgr.copy()
    no_red[~masks["no_red"]] = 255
    assert np.array_equal(gray_without_coloured_ink(no_red), to_gray(no_red))


def _dropped_everywhere(bgr: np.ndarray, gray: np.ndarray, paper: float) -> np.ndarray:
    """The dropout formula computed at every pixel of a box (as it was before only the
    pixels of some coloured ink weight were)."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    weight = colour.coloured_ink_weight(hsv).astype(np.float32) / 255
    target = np.minimum(hsv[..., 2].astype(np.float32) * colour._BRIGHTEN, paper)
    base = gray.astype(np.float32)
    lighter = np.maximum(base, base + weight * (target - base))
    return np.clip(np.rint(lighter), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("paper", [255.0, 231.0, 180.5])
def test_ink_is_dropped_as_the_formula_at_every_pixel_gives(paper: float) -> None:
    """
    GIVEN a box of every kind of pixel (random colours, greys, paper and red ink near the
          saturation ramp) and a grey for it that is not its plain conversion
    WHEN its coloured ink is dropped (only the pixels of some weight are computed)
    THEN every pixel is what the formula computed at every pixel gives
    """
    rng = np.random.default_rng(7)
    bgr = rng.integers(0, 256, (61, 83, 3), dtype=np.uint8)
    bgr[:20, :, :] = rng.integers(200, 256, (20, 83, 1), dtype=np.uint8)  # greys, paper
    bgr[40:, :, 2] = 255  # red, ...
    bgr[40:, :, :2] = rng.integers(190, 256, (21, 83, 2), dtype=np.uint8)  # ... faint
    gray = rng.integers(0, 256, (61, 83), dtype=np.uint8)
    expected = _dropped_everywhere(bgr, gray, paper)
    assert np.count_nonzero(expected != gray) > 100  # ink was dropped
    colour._drop_in_box(bgr, gray, paper)
    assert np.array_equal(gray, expected)


def _read_signer(prepared_ocr: np.ndarray) -> str:
    x0, y0, x1, y1 = _mm(100), _mm(190), _mm(170), _mm(212)
    text = pytesseract.image_to_string(prepared_ocr[y0:y1, x0:x1], lang="vie",
                                       config=f"--psm 7 --dpi {DPI}", timeout=60)
    return " ".join(text.split())


def test_tesseract_reads_the_title_under_a_red_seal(
        page: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    """
    GIVEN the signer's title printed under a red seal on a colour page
    WHEN the page is prepared for OCR with and without dropping coloured ink
    THEN Tesseract reads the title exactly only with the ink dropped
    """
    bgr, _ = page
    fixed = PreprocessOptions(fix_orientation=False, deskew=False, crop_borders=False)
    without = prepare_page(bgr, fixed.model_copy(update={"drop_coloured_ink": False}))
    dropped = prepare_page(bgr, fixed)
    assert _read_signer(without.ocr_image) != SIGNER
    assert _read_signer(dropped.ocr_image) == SIGNER
    assert np.array_equal(dropped.display_image, bgr)  # the PDF and the seal finder keep it


def test_boxes_inside_another_are_found_as_one_by_one() -> None:
    """
    GIVEN many boxes, nested, overlapping, apart and repeated (a speckled colour page gives
    about a thousand)
    WHEN the boxes inside another are found at once
    THEN they are exactly those a pairwise test finds: within another box that is not equal
    """
    rng = np.random.default_rng(3)
    corners = rng.integers(0, 60, (700, 2))
    boxes = np.column_stack([corners, corners + rng.integers(0, 25, (700, 2))])
    boxes[5] = boxes[4]
    listed = [tuple(box) for box in boxes.tolist()]
    expected = [any(other != box and other[0] <= box[0] and other[1] <= box[1]
                    and box[2] <= other[2] and box[3] <= other[3] for other in listed)
                for box in listed]
    assert inside_another(boxes).tolist() == expected
    assert inside_another(np.zeros((0, 4), np.int64)).tolist() == []
