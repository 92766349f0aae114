"""Cleanup: even background, specks gone but diacritics kept, scanner borders cut."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.image.clean import (
    binarize,
    binarize_keeping_hairlines,
    components,
    crop_borders,
    dark_ink,
    denoise,
    downscale,
    estimate_dpi,
    grey_histogram,
    grey_percentile,
    ink_mask,
    is_faint,
    labelled,
    normalize_background,
    normalized,
    paper_noise,
    speck_pixels,
    to_gray,
    whitened_around,
)
from pipeline.image.preprocess import PreprocessOptions, clean_for_ocr
from pipeline.ocr import OcrOptions
from pipeline.ocr.recognize import recognize_page
from samples.layouts import load_font
from samples.render import thinned
from tests.pipeline.conftest import DPI, degrade, ink_bbox, render_page


def shadowed_low_contrast(page: np.ndarray) -> np.ndarray:
    """Faded ink on grey paper with a dark shadow along the left edge (book spine)."""
    faded = degrade(page, paper=185, ink=110, noise=4.0).astype(np.float32)
    ramp = np.linspace(0.0, 1.0, page.shape[1], dtype=np.float32)
    shadow = 1.0 - 0.45 * (1.0 - ramp) ** 3
    return np.clip(faded * shadow[None, :], 0, 255).astype(np.uint8)


def test_normalize_background_whitens_shadowed_grey_paper(text_page: np.ndarray) -> None:
    """
    GIVEN a page of faded ink (110) on grey paper (185) darkened to ~100 by a shadow on the left
    WHEN the background is normalised
    THEN the paper is white everywhere (also in the shadow) and the ink is dark
    """
    even = normalize_background(shadowed_low_contrast(text_page))
    paper = text_page == 255
    ink = text_page == 0
    left = np.zeros_like(paper)
    left[:, :400] = True  # the darkest part of the shadow
    assert np.percentile(even[paper & left], 10) >= 225
    assert np.median(even[paper]) >= 245
    assert np.median(even[ink]) <= 60
    assert np.median(even[ink & left]) <= 80


def test_normalize_background_does_not_blow_up_a_blank_page_noise() -> None:
    """
    GIVEN a blank grey page with sensor noise
    WHEN the background is normalised
    THEN it becomes white and its noise is not stretched into fake ink
    """
    blank = degrade(np.full((800, 600), 255, np.uint8), noise=5.0)
    even = normalize_background(blank)
    assert np.median(even) >= 245
    assert np.percentile(even, 1) >= 200
    assert np.count_nonzero(binarize(even) == 0) == 0


@pytest.mark.parametrize("noise", [3.0, 5.0, 10.0, 20.0])
def test_a_blank_pages_noise_is_not_faint_ink(noise: float) -> None:
    """Otsu cuts a blank page's noise in two (35–50 % under it): no population of ink, so
    the page is thresholded (to white) as before, not handed to Tesseract grey."""
    _, histogram = normalized(degrade(np.full((800, 600), 255, np.uint8), noise=noise))
    assert histogram is not None and not is_faint(histogram)


@pytest.mark.parametrize(("ink", "faint"), [(120, False), (205, False), (212, True),
                                            (225, True)])
def test_ink_too_light_to_stretch_is_faint(text_page: np.ndarray, ink: int,
                                           faint: bool) -> None:
    """Ink under 40 levels from the paper (248) is left unstretched: faint; darker ink is
    stretched to black and is not."""
    _, histogram = normalized(degrade(text_page, paper=248, ink=ink, noise=2.0))
    assert histogram is not None and is_faint(histogram) is faint


def scatter_specks(page: np.ndarray, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Dust dots (0.25–0.6 mm) placed well away from any ink on a clean (white) page;
    returns the page and the specks' mask."""
    rng = np.random.default_rng(seed)
    keep_out = cv2.dilate((page < 255).astype(np.uint8), np.ones((41, 41), np.uint8))
    dusty, specks = page.copy(), np.zeros(page.shape, np.uint8)
    for _ in range(count):
        x, y = int(rng.integers(20, page.shape[1] - 20)), int(rng.integers(20, page.shape[0] - 20))
        while keep_out[y, x] or specks[y - 30:y + 30, x - 30:x + 30].any():
            x = int(rng.integers(20, page.shape[1] - 20))
            y = int(rng.integers(20, page.shape[0] - 20))
        radius = int(rng.integers(1, 3))  # 1–2 px radius: 3–5 px dots at 200 DPI
        cv2.circle(specks, (x, y), radius, 1, -1)
    dusty[specks.astype(bool)] = 30
    return dusty, specks.astype(bool)


def test_denoise_removes_isolated_specks_and_keeps_diacritics(text_page: np.ndarray) -> None:
    """
    GIVEN a text page full of diacritics (dots below, hooks, tone marks) and 300 dust specks
    of the same size as those diacritics, placed away from the text
    WHEN it is denoised
    THEN every speck is gone and every ink pixel of the text — each diacritic — is unchanged
    """
    dusty, specks = scatter_specks(text_page, 300)
    cleaned = denoise(dusty, dpi=DPI)
    assert np.all(cleaned[specks] == 255)
    text = text_page < 255
    assert np.array_equal(cleaned[text], dusty[text])
    count_before = cv2.connectedComponents((text_page < 128).astype(np.uint8))[0]
    count_after = cv2.connectedComponents((cleaned < 128).astype(np.uint8))[0]
    assert count_after == count_before


def test_denoise_keeps_small_diacritic_components(text_page: np.ndarray) -> None:
    """
    GIVEN a clean text page whose small components are diacritics and punctuation
    WHEN it is denoised
    THEN no component is removed, however small
    """
    small_parts = cv2.connectedComponentsWithStats((text_page < 128).astype(np.uint8))[2]
    assert np.count_nonzero(small_parts[1:, cv2.CC_STAT_AREA] < 40) > 50  # many diacritics
    assert np.array_equal(denoise(text_page), text_page)


def test_denoise_keeps_dot_leaders() -> None:
    """
    GIVEN a row of dot leaders («.......») alone in the page margin
    WHEN it is denoised
    THEN the dots stay: each has another dot close by
    """
    page = np.full((400, 1000), 255, np.uint8)
    for x in range(100, 900, 10):  # a 12 pt full stop's advance at 200 DPI
        cv2.circle(page, (x, 200), 2, 0, -1)
    assert np.array_equal(denoise(page, dpi=DPI), page)


def bordered(page: np.ndarray, seed: int = 0) -> np.ndarray:
    """A scan with dark lid bands, ragged inner edges: left 70 px, top 45 px, right 30 px."""
    rng = np.random.default_rng(seed)
    scan = page.copy()
    height, width = scan.shape
    for depth, side in ((70, "left"), (45, "top"), (30, "right")):
        along = height if side in ("left", "right") else width
        edge = depth + np.cumsum(rng.normal(0, 0.6, along)).clip(-depth / 2, depth / 2)
        across = np.arange(width if side != "top" else height)
        mask = across[None, :] < edge[:, None]
        if side == "right":
            mask = mask[:, ::-1]
        scan[mask.T if side == "top" else mask] = 25
    return scan


def test_crop_borders_cuts_the_lid_and_keeps_the_text(text_page: np.ndarray) -> None:
    """
    GIVEN a scan with dark bands along the left, top and right edges
    WHEN its borders are cropped
    THEN no band is left along those edges, the bottom is untouched, and every text pixel
    is inside the crop (the text's bounding box is intact)
    """
    scan = bordered(text_page)
    cropped, (left, top, right, bottom) = crop_borders(scan)
    assert np.array_equal(cropped, scan[top:bottom, left:right])
    assert left >= 35 and top >= 22 and right <= text_page.shape[1] - 15
    assert bottom == text_page.shape[0]
    assert np.mean(cropped[:, :3] < 128) < 0.02 and np.mean(cropped[:, -3:] < 128) < 0.02
    assert np.mean(cropped[:3] < 128) < 0.02
    text_left, text_top, text_right, text_bottom = ink_bbox(text_page)
    assert left <= text_left and top <= text_top
    assert right >= text_right and bottom >= text_bottom
    assert np.count_nonzero(cropped < 128) >= np.count_nonzero(text_page < 128)


def test_crop_borders_keeps_a_page_without_borders_whole(text_page: np.ndarray) -> None:
    cropped, box = crop_borders(text_page)
    assert box == (0, 0, text_page.shape[1], text_page.shape[0])
    assert np.array_equal(cropped, text_page)


def test_crop_borders_stops_at_text_close_to_the_band() -> None:
    """
    GIVEN a page whose text starts right after a wide dark band (no paper margin)
    WHEN its borders are cropped
    THEN the cut stays before the text
    """
    page = render_page(body=["Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hương"] * 20)
    text_left = ink_bbox(page)[0]
    scan = page.copy()
    scan[:, : text_left - 6] = 20
    _, (left, _, _, _) = crop_borders(scan)
    assert text_left - 6 <= left <= text_left


def test_crop_borders_of_a_colour_scan_returns_colour(text_page: np.ndarray) -> None:
    scan = cv2.cvtColor(bordered(text_page), cv2.COLOR_GRAY2BGR)
    cropped, (left, top, right, bottom) = crop_borders(scan)
    assert cropped.shape == (bottom - top, right - left, 3)


def test_binarize_gives_black_text_on_white(text_page: np.ndarray) -> None:
    binary = binarize(normalize_background(degrade(text_page)))
    assert set(np.unique(binary)) == {0, 255}
    agree = (binary == 0) == (text_page < 128)
    assert agree.mean() > 0.99


HAIRLINE_LINES = ("4. Thời gian nhận hồ sơ: 14 giờ 20 phút, ngày 03 tháng 06 năm 2024",
                  "5. Thời gian trả kết quả: 10 giờ 40 phút, ngày 04 tháng 06 năm 2024",
                  "Mã hồ sơ: 000.31.18.H43-240603-0144")
HAIRLINE_DPI = 300  # a pixel thinner is the contrast layouts' thinning at 300 DPI


def hairline_scan(sigma: float = 0.7, quality: int = 60) -> np.ndarray:
    """Dates and a code in a serif of hairlines (TeX Gyre Pagella, a tuning face) printed a
    pixel thinner, as the contrast layouts print, on an A4 page at 300 DPI, then scanned
    as at mild: grey paper (235) and ink (35), blurred, JPEG."""
    image = Image.new("L", (2480, 3508), 255)  # A4: the cleanup sizes specks by it
    draw = ImageDraw.Draw(image)
    face = load_font("TeX Gyre Pagella", round(12.5 / 72 * HAIRLINE_DPI))
    for index, line in enumerate(HAIRLINE_LINES):
        draw.text((200, 100 + index * 200), line, font=face, fill=0)
    page = cv2.GaussianBlur(np.asarray(thinned(image)).astype(np.float32), (0, 0), sigma)
    page = np.clip(35 + page * (235 - 35) / 255, 0, 255).astype(np.uint8)
    return cv2.imdecode(cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], 0)


def numbers(text: str) -> list[str]:
    """The runs of digits of a text, in order."""
    return re.findall(r"\d+", text)


def numbers_read(image: np.ndarray) -> list[str]:
    """The runs of digits Tesseract reads on a cleaned page."""
    return numbers(recognize_page(image, 1, OcrOptions(languages="vie", dpi=HAIRLINE_DPI))
                   .page.text)


def test_a_page_of_hairlines_keeps_them_and_reads_its_digits() -> None:
    """
    GIVEN dates and a dossier code in a thinned serif of hairlines, blurred and JPEG'd
    WHEN the page is cleaned for OCR (its hairlines kept) and read, and read binarised
    at Otsu's threshold alone
    THEN every number reads as printed; at Otsu's threshold the hairlines of «0», «4», «2»
    are lost and digits misread («+4», «202+», «H-13»: a FreeSerif probe at mild lost
    whole rows of dates and codes so)
    """
    scan = hairline_scan()
    printed = numbers(" ".join(HAIRLINE_LINES))
    assert numbers_read(clean_for_ocr(scan, PreprocessOptions())) == printed
    assert numbers_read(binarize(normalize_background(scan))) != printed


def test_hairlines_kept_are_thin_and_strokes_keep_their_width() -> None:
    """
    GIVEN the hairline page, normalised
    WHEN it is binarised keeping hairlines
    THEN it is Otsu's ink and more (nothing of it lost, at least 8 % added: a page of
    hairlines), and the added pixels are lines a pixel or two wide (under 1 % of them
    have an added pixel on both sides across a row and a column: where hairlines cross)
    """
    even = normalize_background(hairline_scan())
    plain = binarize(even) == 0
    kept = binarize_keeping_hairlines(even) == 0
    added = kept & ~plain
    assert not (plain & ~kept).any()
    assert added.sum() >= 0.08 * plain.sum()
    padded = np.pad(added, 1)
    across_rows = padded[:-2, 1:-1] & padded[2:, 1:-1]
    across_cols = padded[1:-1, :-2] & padded[1:-1, 2:]
    assert (added & across_rows & across_cols).sum() < 0.01 * added.sum()


def test_a_page_without_hairlines_or_on_noisy_paper_is_binarised_as_before(
        text_page: np.ndarray) -> None:
    """
    GIVEN a sans page (no hairlines) scanned, and the hairline page on noisy paper
    WHEN each is binarised keeping hairlines
    THEN each is exactly Otsu's black and white: a sans face's few «hairlines» are tips of
    strokes (added, they cost values: «Kniết» read «Kriết» in Lato), and noisy paper's
    are grain
    """
    sans = normalize_background(degrade(text_page, noise=3.0))
    assert np.array_equal(binarize_keeping_hairlines(sans), binarize(sans))
    rng = np.random.default_rng(3)
    noisy = hairline_scan().astype(np.float32) + rng.normal(0, 18, (3508, 2480))
    noisy = normalize_background(np.clip(noisy, 0, 255).astype(np.uint8))
    assert np.array_equal(binarize_keeping_hairlines(noisy), binarize(noisy))


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (0, 0)])
def test_tiny_and_empty_images_pass_through(shape: tuple[int, int]) -> None:
    image = np.full(shape, 200, np.uint8)
    assert normalize_background(image).shape == shape
    assert denoise(image).shape == shape
    assert binarize(image).shape == shape
    assert crop_borders(image)[0].shape == shape


def test_helpers_convert_colour_and_shrink_by_the_shorter_side() -> None:
    bgr = np.zeros((3000, 2000, 3), np.uint8)
    assert to_gray(bgr).shape == (3000, 2000)
    small, scale = downscale(to_gray(bgr), 1000)
    assert small.shape == (1500, 1000) and scale == 0.5
    sideways, _ = downscale(np.zeros((2000, 3000), np.uint8), 1000)
    assert sideways.shape == (1000, 1500)


def isolated_specks(ink: np.ndarray, max_area: int,
                    distance: int) -> tuple[np.ndarray, list[tuple[int, tuple[int, ...]]]]:
    """``speck_pixels`` as a label image holding the specks (0 elsewhere), with each
    speck's ``(label, (x, y, w, h))``: what the checks below compare."""
    rows, cols, labels_of, specks = speck_pixels(ink, max_area, distance)
    labels = np.zeros(ink.shape, np.int32)
    labels[rows, cols] = labels_of
    return labels, specks


def specks_labelling_the_whole_page(ink: np.ndarray, max_area: int,
                                    distance: int) -> list[tuple[int, ...]]:
    """The specks as ``isolated_specks`` found them before: every component of the page
    labelled, each small one looked up in the grown blobs at its centroid."""
    _, _, stats, centroids = components(ink)
    areas = stats[:, cv2.CC_STAT_AREA]
    candidates = np.flatnonzero(areas <= max_area)
    candidates = candidates[candidates > 0]
    if not candidates.size:
        return []
    size = distance + 1
    grown = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    _, blobs = cv2.connectedComponents(grown, connectivity=8)
    blob_ink = np.bincount(blobs[ink.astype(bool)], minlength=int(blobs.max()) + 1)
    cx, cy = (np.round(centroids[candidates, k]).astype(int) for k in (0, 1))
    blob = blobs[cy, cx]
    alone = candidates[(blob > 0) & (blob_ink[blob] == areas[candidates])]
    return sorted(tuple(int(v) for v in stats[i, :4]) for i in alone)


def test_specks_found_in_small_blobs_are_those_of_the_whole_page(
        text_page: np.ndarray) -> None:
    """GIVEN random ink (dots, clusters, strokes) and a degraded text page WHEN specks are
    looked for inside the small grown blobs only THEN the very specks (boxes) labelling
    every component of the page gave, and the label image holds each speck's pixels."""
    rng = np.random.default_rng(3)
    pages = [(np.zeros((50, 60), np.uint8), 9, 4)]
    for _ in range(150):
        ink = (rng.random((110, 150)) < rng.uniform(0.0005, 0.06)).astype(np.uint8)
        ink = cv2.dilate(ink, np.ones((int(rng.integers(1, 4)),) * 2, np.uint8))
        pages.append((ink, int(rng.integers(1, 60)), int(rng.integers(2, 14))))
    noisy = degrade(text_page, seed=5, noise=40.0)
    pages.append(((noisy < 135).astype(np.uint8), 92, 12))
    for ink, max_area, distance in pages:
        labels, specks = isolated_specks(ink, max_area, distance)
        assert sorted(box for _, box in specks) == specks_labelling_the_whole_page(
            ink, max_area, distance)
        for label, (x, y, w, h) in specks:
            window = (slice(y, y + h), slice(x, x + w))
            assert (labels == label).sum() == (labels[window] == label).sum() > 0
            assert ink[labels == label].min() != 0


def denoised_speck_by_speck(gray: np.ndarray) -> np.ndarray:
    """``denoise`` as it was: each speck of ``isolated_specks`` grown by a 3×3 square in its
    box (one pixel more all round) and whitened, one speck at a time."""
    dpi = estimate_dpi(gray)
    smooth = cv2.medianBlur(gray, 3)
    ink = (binarize(smooth) == 0).astype(np.uint8)
    labels, boxes = isolated_specks(ink, round((0.032 * dpi) ** 2), max(2, round(0.04 * dpi)))
    cleaned = (smooth if paper_noise(gray) > 12.0 else gray).copy()
    for label, (x, y, w, h) in boxes:
        window = (slice(max(y - 1, 0), y + h + 1), slice(max(x - 1, 0), x + w + 1))
        speck = cv2.dilate((labels[window] == label).astype(np.uint8), np.ones((3, 3), np.uint8))
        cleaned[window][speck.astype(bool)] = 255
    return cleaned


def test_denoise_whitens_the_very_pixels_it_did_speck_by_speck(text_page: np.ndarray) -> None:
    """GIVEN a dusty page (specks at its edges too), a quiet and a grainy degraded one
    WHEN denoised
    THEN every speck's pixels, grown by one all round, are white and nothing else changed:
    the same image as whitening each speck in its own box; and ``dark_ink`` is
    ``binarize``'s ink."""
    dusty, _ = scatter_specks(text_page, 40, seed=2)
    dusty[0:3, 0:3] = dusty[-2:, -3:] = 40  # specks on the edges: their growth is cut there
    quiet, grainy = (degrade(text_page, seed=4, noise=noise) for noise in (6.0, 30.0))
    for page in (dusty, quiet, grainy):
        assert np.array_equal(denoise(page), denoised_speck_by_speck(page))
        assert np.array_equal(dark_ink(page), (binarize(page) == 0).astype(np.uint8))
    assert not np.array_equal(denoise(dusty), dusty)


@pytest.mark.parametrize("kind", ["stretched", "blank"])
def test_normalized_gives_the_histogram_of_its_result(text_page: np.ndarray, kind: str) -> None:
    """
    GIVEN a faded shadowed page (its contrast is stretched) or a blank grey one (it is not)
    WHEN it is normalised with its histogram
    THEN the image is normalize_background's and the histogram is exactly the result's own
    (denoise and ink_mask take it instead of counting the page's pixels again)
    """
    page = (shadowed_low_contrast(text_page) if kind == "stretched"
            else np.full((300, 200), 180, np.uint8))
    image, histogram = normalized(page)
    assert np.array_equal(image, normalize_background(page))
    assert histogram is not None and histogram.dtype == np.float32
    assert np.array_equal(histogram, grey_histogram(image))
    assert np.array_equal(denoise(image, histogram=histogram), denoise(image))
    assert np.array_equal(ink_mask(page), dark_ink(normalize_background(page)).view(bool))


def test_grey_percentile_is_numpys(text_page: np.ndarray) -> None:
    """GIVEN pages and random pixel sets (one level, few pixels, spread levels) WHEN a
    percentile is read off the histogram THEN it is np.percentile's number exactly."""
    rng = np.random.default_rng(7)
    samples = [text_page, degrade(text_page, seed=1), np.full((3, 5), 77, np.uint8)]
    samples += [rng.integers(0, 256, (1, int(rng.integers(1, 400))), dtype=np.uint8)
                for _ in range(300)]
    samples += [np.clip(rng.normal(200, 25, (1, int(rng.integers(1, 3000)))), 0, 255)
                .astype(np.uint8) for _ in range(300)]
    for pixels in samples:
        for percent in (0, 10, 50, 90, 99, 100):
            assert grey_percentile(pixels, percent) == float(np.percentile(pixels, percent))


@pytest.mark.parametrize("labelling", [cv2.connectedComponentsWithAlgorithm,
                                       cv2.connectedComponentsWithStatsWithAlgorithm])
def test_labelled_gives_32_bit_labelling_in_16_bits_and_falls_back_when_too_many(
        text_page: np.ndarray, labelling) -> None:  # noqa: ANN001 - an OpenCV function
    """GIVEN a page's ink, and a grid of 79,000 lone pixels (more components than 16 bits
    count) WHEN labelled THEN the page's labels are 16-bit, and the count, labels (and
    statistics) are those of 32-bit labelling; the grid's labelling is 32-bit and right."""
    ink = (degrade(text_page, seed=5) < 135).astype(np.uint8)
    grid = np.zeros((800, 800), np.uint8)
    grid[::3, ::3] = 1
    for image, depth in ((ink, np.uint16), (grid, np.int32)):
        got = labelled(labelling, image)
        want = labelling(image, 8, cv2.CV_32S, cv2.CCL_GRANA)
        assert got[1].dtype == depth
        assert got[0] == want[0] and np.array_equal(got[1], want[1])
        assert all(np.array_equal(a, b) for a, b in zip(got[2:], want[2:], strict=True))
    assert labelled(labelling, grid)[0] == 267 * 267 + 1


def test_grey_histogram_counts_every_level_as_calchist_does(text_page: np.ndarray) -> None:
    """
    GIVEN pages counted two pixels at a time (even width, contiguous, 1–16 M pixels) and
    pages counted one at a time (odd width, a view with strides, small, colour sample levels)
    WHEN their grey histogram is made
    THEN it is calcHist's, float32 count for count, and np.bincount's
    """
    rng = np.random.default_rng(3)
    noisy = degrade(text_page, seed=6, noise=30.0)
    large = np.tile(noisy, (2, 2))  # ~2000 x 2800: counted in pairs
    spread = rng.integers(0, 256, (1200, 1000), dtype=np.uint8)
    odd = np.ascontiguousarray(large[:, :-1])
    for gray in (text_page, noisy, large, spread, odd, large[::2, ::2], large[:, 1:-1],
                 np.full((1024, 1024), 255, np.uint8), np.zeros((2, 2), np.uint8)):
        got = grey_histogram(gray)
        want = cv2.calcHist([np.ascontiguousarray(gray)], [0], None, [256], [0, 256]).ravel()
        assert got.dtype == np.float32 and got.shape == (256,)
        assert np.array_equal(got, want)
        assert np.array_equal(got, np.bincount(gray.ravel(), minlength=256))


def test_pixels_whitened_around_are_those_a_3x3_dilation_whitens() -> None:
    """
    GIVEN a page and marked pixels, some on its edges and corners and some side by side
    WHEN they are whitened with their eight neighbours
    THEN the page is what the marks dilated by a 3×3 square and taken with the page
         (cv2.max) give, and the page itself is left as it was
    """
    rng = np.random.default_rng(3)
    page = rng.integers(0, 256, (57, 91), dtype=np.uint8)
    before = page.copy()
    rows = np.r_[rng.integers(0, 57, 40), 0, 56, 0, 56, 10, 10, 11]
    cols = np.r_[rng.integers(0, 91, 40), 0, 90, 90, 0, 20, 21, 21]
    marked = np.zeros(page.shape, np.uint8)
    marked[rows, cols] = 255
    expected = cv2.max(page, cv2.dilate(marked, np.ones((3, 3), np.uint8)))
    assert np.array_equal(whitened_around(page, rows, cols), expected)
    assert np.array_equal(page, before)
