"""One page, as decoded, to the two images the rest of the pipeline needs.

Order: orientation → border crop → deskew → cleanup. The crop comes before the deskew
because a scanner's lid border is square to the scan, not to the text: straightening first
would tilt it and surround it with fill wedges, so no rectangle could cut it off. Every
decision is taken on a downscaled copy; each geometric transform is applied once to the
full-resolution page. The
display image (for the searchable PDF) gets the geometry only and keeps its colours; the OCR
image is that, in grey, red/violet ink dropped, with the background evened out and specks removed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from pipeline.image.clean import (
    CropBox,
    as_gray,
    binarize_keeping_hairlines,
    border_box,
    denoise,
    downscale,
    grey_histogram,
    is_faint,
    normalized,
    to_gray,
)
from pipeline.image.colour import gray_without_coloured_ink
from pipeline.image.deskew import NEGLIGIBLE_DEGREES, deskew, estimate_skew, text_ink
from pipeline.image.leaders import remove_dot_leaders
from pipeline.image.rules import remove_ruled_lines
from pipeline.ocr.engine import OcrEngine
from pipeline.ocr.orientation import OrientationResult, detect_orientation, rotate_upright
from schemas.errors import InputFileError


class PreprocessOptions(BaseModel):
    """What is done to a page image before OCR (embedded in the settings as ``preprocess``)."""

    fix_orientation: bool = Field(True, description="turn pages scanned sideways/upside down")
    deskew: bool = Field(True, description="straighten a page lying askew (up to ±45°)")
    crop_borders: bool = Field(True, description="cut dark scanner borders off the edges")
    normalize_background: bool = Field(
        True, description="even out shadows and grey paper, darken faint ink")
    denoise: bool = Field(True, description="remove isolated specks (diacritics are kept)")
    drop_coloured_ink: bool = Field(
        True, description="on colour pages, turn red and violet ink (seals, received stamps) "
                          "to paper in the OCR image: Tesseract read the print under them "
                          "as junk (pipeline/image/colour.py; the PDF keeps them)")
    remove_leaders: bool = Field(
        True, description="paint out dot leaders («……», «.....») before OCR: Tesseract "
                          "reads them as junk that swallows values (the PDF keeps them)")
    remove_rules: bool = Field(
        True, description="paint out the ruled lines of tables and boxes before OCR: "
                          "Tesseract reads a rule touching a word as «|» or «l» glued to it "
                          "(pipeline/image/rules.py; the PDF keeps them)")
    binarize: bool = Field(
        True, description="give Tesseract black and white instead of the cleaned grey "
                          "(measured on 28 sample scans: fewer word errors, mostly on "
                          "forms with dot leaders); a faint page, whose ink is too light "
                          "to stretch, stays grey: thresholding cut its strokes "
                          "(pipeline/image/clean.is_faint)")
    analysis_width: int = Field(
        1000, ge=200, le=4000,
        description="pixels of the page's shorter side the decisions are taken on")
    use_osd: bool = Field(
        True, description="ask Tesseract OSD when the quick up/down check is unsure")
    osd_timeout_seconds: float = Field(
        5.0, gt=0, description="CPU seconds one OSD call may use (the tesseract program's; "
                               "over it the page takes the ink statistics' verdict). Counted "
                               "in CPU time, not on the clock: a busy machine must not change "
                               "a page's reading")


@dataclass(frozen=True)
class PreparedPage:
    """A page ready for OCR and for the searchable PDF.

    Both images have the same geometry: turned upright, cropped, then straightened.
    ``crop_box`` is ``(left, top, right, bottom)`` (right/bottom exclusive) in pixels of the
    page after the quarter turn, before the straightening.
    """

    ocr_image: np.ndarray  # uint8 grey, cleaned, for Tesseract
    display_image: np.ndarray  # the original colours and quality, for the PDF
    rotation: int  # clockwise degrees the page was turned (0/90/180/270)
    skew_degrees: float  # skew found, counter-clockwise positive; the page was turned by -skew
    crop_box: CropBox


def prepare_page(image: np.ndarray, options: PreprocessOptions | None = None,
                 rotation: int | None = None, engine: OcrEngine | None = None) -> PreparedPage:
    """Orient, straighten, crop and clean one decoded page (uint8 grey or BGR).

    ``rotation`` (clockwise degrees) overrides the orientation detection: a second reading
    of a page that was read upside down (pipeline/ocr/second_pass.py). ``engine`` answers
    OSD when the orientation asks it (by default the ``tesseract`` program).

    The page's downscaled grey copy and its ink mask are made once: the orientation, the
    crop and the skew each made their own, the same for a page kept as scanned (most), and
    the orientation had measured that page's skew too (~0.08 CPU-s a page).
    """
    options = options or PreprocessOptions()
    check_page_image(image)
    gray = as_gray(image)
    shrunk = downscale(gray, options.analysis_width)
    found = page_orientation(gray, shrunk[0], options, engine) if rotation is None else None
    rotation = found.rotation if found else rotation
    # No copy of the whole page where nothing changes it (no turn, no border, no skew): each
    # cost a 300-DPI colour page ~8 ms; the display image may then be the decoded one, which
    # no step writes to.
    upright = rotate_upright(image, rotation) if rotation % 360 else image
    uncut: CropBox = (0, 0, upright.shape[1], upright.shape[0])
    box = uncut
    if options.crop_borders:
        # Cut only a page that has a border: the copy of a whole 300-DPI page cost ~3 ms
        # (grey) to ~9 ms (colour), and most pages have none.
        box = border_box(upright, options.analysis_width,
                         small=None if rotation % 360 else shrunk)
        if box != uncut:
            left, top, right, bottom = box
            upright = upright[top:bottom, left:right].copy()
    known_skew = found.upright_skew if found and box == uncut else None
    skew = 0.0 if not options.deskew else known_skew if known_skew is not None else (
        estimate_skew(upright, analysis_width=options.analysis_width))
    display = upright if abs(skew) < NEGLIGIBLE_DEGREES else deskew(upright, skew)
    return PreparedPage(ocr_image=clean_for_ocr(ocr_gray(display, options), options),
                        display_image=display, rotation=rotation, skew_degrees=skew,
                        crop_box=box)


def ocr_gray(display: np.ndarray, options: PreprocessOptions) -> np.ndarray:
    """The grey page ``clean_for_ocr`` starts from: a copy of the display image's grey, or
    a grey display image itself when the cleanup's first step, the background's
    normalisation, makes a new image of it and writes to none (its copy cost ~3 ms a
    300-DPI page, three pages in four of the benchmarks')."""
    if display.ndim == 2 and options.normalize_background:
        return display
    return gray_without_coloured_ink(display) if options.drop_coloured_ink else to_gray(display)


def check_page_image(image: np.ndarray) -> None:
    """Refuse what is not an 8-bit grey, BGR or BGRA page with at least one pixel."""
    shape_ok = image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (3, 4))
    if image.dtype != np.uint8 or not shape_ok or image.size == 0:
        raise InputFileError(
            f"page image is {image.dtype} {image.shape}; expected 8-bit grey or colour pixels")


def page_orientation(gray: np.ndarray, small: np.ndarray, options: PreprocessOptions,
                     engine: OcrEngine | None = None) -> OrientationResult:
    """How to turn the grey page upright (``small``: it downscaled to the analysis width);
    as scanned when disabled."""
    if not options.fix_orientation:
        return OrientationResult(0, 0.0, "as scanned")
    return detect_orientation(gray, options.analysis_width, options.osd_timeout_seconds,
                              options.use_osd, engine, ink=text_ink(small))


def clean_for_ocr(gray: np.ndarray, options: PreprocessOptions) -> np.ndarray:
    """The cleanup steps the options enable, in order: background, specks, dot leaders,
    ruled lines, binarisation (not of a faint page: ``is_faint``)."""
    histogram = None  # the grey histogram of the page as it is now, when known
    if options.normalize_background:
        gray, histogram = normalized(gray)
    # Judged on the page before the specks, leaders and rules are whitened: they are a few
    # hundredths of its pixels and the judgement is on its medians.
    faint = options.binarize and is_faint(
        histogram if histogram is not None else grey_histogram(gray))
    if options.denoise:
        gray = denoise(gray, histogram=histogram)
    if options.remove_leaders:
        gray = remove_dot_leaders(gray)
    if options.remove_rules:
        gray = remove_ruled_lines(gray)
    # A faint page stays grey: Tesseract's own threshold keeps its thin light strokes.
    # A page printed with hairlines keeps them (``binarize_keeping_hairlines``).
    if options.binarize and not faint:
        gray = binarize_keeping_hairlines(gray)
    return gray
