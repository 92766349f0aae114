"""Which way up a page is: 0, 90, 180 or 270 degrees clockwise to turn it upright.

Two cheap measurements on a downscaled ink mask decide almost every page in tens of
milliseconds; Tesseract's orientation detection (OSD, ~1 s a call, and less reliable on
Vietnamese than these statistics) is asked only when they are unsure.

1. *Line direction* (0/180 against 90/270): projected across the text lines, ink gives a
   profile of sharp peaks and empty gaps; projected along them, a flat one. Both directions
   are searched over the skew range, so a skewed page is judged correctly.
2. *Up or down* (0 against 180, once lines run horizontally): in Latin script, and even
   more in Vietnamese with its tone marks, circumflexes and breves, much more ink sits
   above a line's x-height band (ascenders, capitals, diacritics) than below it (descenders,
   the dot below). Turned upside down, the balance reverses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from pipeline.image.clean import as_gray, downscale
from pipeline.image.deskew import (
    COARSE_POINTS,
    MIN_INK_POINTS,
    coarse_scores,
    mask_points,
    skew_of_points,
    text_ink,
    thin_points,
)
from pipeline.ocr.engine import CliEngine, OcrEngine
from schemas.errors import OcrError

log = logging.getLogger(__name__)

ROTATIONS = (0, 90, 180, 270)
_CV2_CLOCKWISE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                  270: cv2.ROTATE_90_COUNTERCLOCKWISE}
# |up/down balance| below this is too close to call without OSD. Measured on 336 sample
# pages (7 layouts, 3 damage tiers, 4 turns): median 0.48, 5th percentile 0.24, sign never
# wrong; fewer than 1 % of pages fall below this and go to OSD.
_SURE_BALANCE = 0.12
_CORE_SHARE = 0.5  # rows at >= half the line's peak ink count form its x-height band
_OSD_WIDTH = 1240  # ~150 DPI on A4: measured 98 % right there, 94 % at ~120 DPI
_OSD_TRUSTED = 2.0  # OSD confidence below which its (measured) mistakes happen
# Line direction confidence below which the lines' verdict is no better than a guess. Measured
# on 95 pages of generated administrative documents and the bundled samples, each turned four
# ways: 316 page-turns at or above it, lines right on 308 (the 8 others a half turn off,
# which the second pass catches); 16 below it (4 pages: last pages holding only «Nơi nhận»
# and a signature block, a cover sheet), lines wrong on all 16, turning upright pages
# sideways; and the last pages of 29 generated two-page letters: 9 below it, 7 of them upright
# pages turned sideways. Such a page is kept as scanned unless OSD is sure (it turned 32 of
# those 9 pages' 36 turns right, kept the other 4): a stack's pages come upright far more often
# than sideways, and a sideways reading loses every word.
_SURE_DIRECTION = 0.5


@dataclass(frozen=True)
class OrientationResult:
    """How to turn a page upright.

    ``rotation``: clockwise degrees (0/90/180/270) to turn the page so it reads upright.
    ``confidence``: 0 (a guess, e.g. a blank page) to 1 (certain).
    ``method``: what decided — ``blank``, ``lines`` (the cheap measurements), ``osd``, or
    ``as scanned`` (lines running no clear way and OSD unsure: the page is not turned).
    ``upright_skew``: for a page left as scanned (rotation 0), the skew of its text lines
    measured on the way (``estimate_skew``'s answer for the page as scanned, so that
    pipeline/image/preprocess.py need not measure it again); None when not measured.
    """

    rotation: int
    confidence: float
    method: str
    upright_skew: float | None = field(default=None, compare=False)  # a by-product


def rotate_upright(image: np.ndarray, rotation: int) -> np.ndarray:
    """Turn the image clockwise by ``rotation`` degrees (a multiple of 90), exactly."""
    turn = rotation % 360
    if turn not in _CV2_CLOCKWISE and turn != 0:
        raise ValueError(f"rotation must be a multiple of 90 degrees, not {rotation}")
    return image.copy() if turn == 0 else cv2.rotate(image, _CV2_CLOCKWISE[turn])


def detect_orientation(gray: np.ndarray, analysis_width: int = 1000,
                       osd_timeout: float = 5.0, use_osd: bool = True,
                       engine: OcrEngine | None = None,
                       ink: np.ndarray | None = None) -> OrientationResult:
    """Find the clockwise turn (0/90/180/270) that makes the page upright.

    ``gray`` is the page as scanned (grey or BGR, any size). A page without text gives
    rotation 0 with confidence 0. OSD (``engine``'s, by default the ``tesseract`` program on
    the PATH; limited to ``osd_timeout`` CPU seconds) is consulted only when the ink statistics
    are not decisive: give the engine the page will be read with, so both use one program.
    ``ink``: ``text_ink`` of the page downscaled to ``analysis_width``, when already made.
    """
    gray = as_gray(gray)
    if ink is None:
        ink = text_ink(downscale(gray, analysis_width)[0])
    if cv2.countNonZero(ink) < MIN_INK_POINTS:  # its 0/1 sum, without numpy's wide sum
        return OrientationResult(0, 0.0, "blank")
    points = mask_points(ink)
    # The coarse grid of the rows' profile serves the direction and, for a page whose lines
    # run across as scanned (most), its skew: the same points, so the same scores.
    across = coarse_scores(thin_points(points, COARSE_POINTS))
    vertical, direction_confidence = lines_are_vertical(points, across)
    if direction_confidence < _SURE_DIRECTION:
        return _unsure_direction(gray, direction_confidence, osd_timeout, use_osd, engine)
    turn = 90 if vertical else 0
    turned = rotate_upright(ink, turn) if turn else ink
    skew = skew_of_points(mask_points(turned)) if turn else skew_of_points(points, scores=across)
    balance = upright_balance(level_lines(turned, skew))
    rotation = turn if balance >= 0 else (turn + 180) % 360
    confidence = min(direction_confidence, min(abs(balance) / _SURE_BALANCE, 1.0))
    if abs(balance) >= _SURE_BALANCE or not use_osd:
        found = OrientationResult(rotation, round(confidence, 3), "lines")
    else:
        found = _ask_osd(gray, turn, rotation, confidence, osd_timeout, engine or CliEngine())
    # The lines were levelled on the ink as scanned: for a page kept so, that is its skew.
    return replace(found, upright_skew=skew) if turn == 0 and found.rotation == 0 else found


def lines_are_vertical(points: np.ndarray,
                       across: np.ndarray | None = None) -> tuple[bool, float]:
    """Whether the text lines run up/down the image, and how sure (0..1) that is.
    ``across``: ``coarse_scores`` of the points' coarse sample, when already made."""
    across_rows = profile_contrast(points, across)
    across_columns = profile_contrast(points[:, ::-1])
    vertical = across_columns > across_rows
    # A text page gives a contrast ratio of 3–20 between the two; 1 means no lines at all.
    ratio = max(across_rows, across_columns) / max(min(across_rows, across_columns), 1e-6)
    return vertical, float(np.clip((ratio - 1) / 2, 0.0, 1.0))


def profile_contrast(points: np.ndarray, scores: np.ndarray | None = None) -> float:
    """Best (over the skew range) squared coefficient of variation of the row profile
    (``scores``: ``coarse_scores`` of the coarse sample, when already made)."""
    points = thin_points(points, COARSE_POINTS)  # the coarse grid's sample: ±45° in 1° steps
    sharpest = float(max(coarse_scores(points) if scores is None else scores))
    span = float(np.ptp(points[:, 1])) + 1  # the profile's length, margins excluded
    return sharpest * span / len(points) ** 2 - 1


def level_lines(mask: np.ndarray, skew: float | None = None) -> np.ndarray:
    """The mask turned so its (horizontal) text lines are exactly level (``skew``: theirs,
    when already measured)."""
    skew = skew_of_points(mask_points(mask)) if skew is None else skew
    if abs(skew) < 0.05:
        return mask
    height, width = mask.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -skew, 1.0)
    return cv2.warpAffine(mask, matrix, (width, height), flags=cv2.INTER_NEAREST)


def upright_balance(level: np.ndarray) -> float:
    """(ink above x-height bands − ink below) / both, over all lines; > 0 means upright.

    Only ink within one band height of the band counts: where tight spacing joins lines
    into one inked run, the neighbours then stay out of the sums.
    """
    profile = level.sum(axis=1).astype(np.int64)
    above = below = 0
    for top, bottom in line_spans(profile):
        line = profile[top:bottom]
        core_top, core_bottom = core_band(line)
        reach = core_bottom - core_top
        above += int(line[max(core_top - reach, 0):core_top].sum())
        below += int(line[core_bottom:core_bottom + reach].sum())
    return (above - below) / (above + below) if above + below else 0.0


def line_spans(profile: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) row ranges of text lines: runs of rows with more than stray ink."""
    floor = max(1.0, 0.03 * float(np.percentile(profile, 99)))
    inked = np.concatenate([[False], profile > floor, [False]])
    edges = np.flatnonzero(np.diff(inked.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a > 2]


def core_band(line: np.ndarray) -> tuple[int, int]:
    """The x-height band of one line: the run of dense rows around its densest row."""
    dense = line >= _CORE_SHARE * line.max()
    peak = int(np.argmax(line))
    top = peak
    while top > 0 and dense[top - 1]:
        top -= 1
    bottom = peak + 1
    while bottom < len(line) and dense[bottom]:
        bottom += 1
    return top, bottom


def _unsure_direction(gray: np.ndarray, confidence: float, timeout: float, use_osd: bool,
                      engine: OcrEngine | None) -> OrientationResult:
    """A page whose lines run no clear way (``_SURE_DIRECTION``): OSD's turn when it is sure
    of one, else the page as scanned."""
    if use_osd:
        small, _ = downscale(gray, _OSD_WIDTH)
        answer = osd_rotation(small, timeout, engine or CliEngine())
        if answer is not None and answer[1] >= _OSD_TRUSTED:
            return OrientationResult(answer[0], round(min(answer[1] / 8 + 0.25, 1.0), 3), "osd")
    return OrientationResult(0, round(confidence, 3), "as scanned")


def _ask_osd(gray: np.ndarray, turn: int, fallback: int, confidence: float,
             timeout: float, engine: OcrEngine) -> OrientationResult:
    """Settle 0 against 180 (or 90 against 270) with Tesseract OSD; keep the line verdict
    when OSD cannot tell or contradicts the line direction."""
    sideways, _ = downscale(rotate_upright(gray, turn), _OSD_WIDTH)
    answer = osd_rotation(sideways, timeout, engine)
    if answer is None or answer[0] not in (0, 180) or answer[1] < _OSD_TRUSTED:
        return OrientationResult(fallback, round(confidence, 3), "lines")
    osd_turn, osd_confidence = answer
    rotation = (turn + osd_turn) % 360
    # Tesseract's orientation confidence is unbounded; map the trusted range onto 0.5..1.
    return OrientationResult(rotation, round(min(osd_confidence / 8 + 0.25, 1.0), 3), "osd")


def osd_rotation(gray: np.ndarray, timeout: float,
                 engine: OcrEngine | None = None) -> tuple[int, float] | None:
    """Tesseract OSD's (clockwise rotation, orientation confidence), or None if it cannot tell.

    A missing program or OSD model (ConfigurationError) is raised: the operator must know.
    So is a retryable failure (the wall clock's backstop, a killed program): the machine's
    doing, so the page is tried again rather than turned by another verdict than a quiet
    machine gives it (``timeout`` is CPU seconds, pipeline/ocr/engine.py).
    """
    try:
        answer = (engine or CliEngine()).orientation(gray, timeout)
    except OcrError as exc:
        if exc.retryable:
            raise
        # Too few characters, the CPU limit: the image's own doing, the same on any
        # machine; orientation then falls back to the ink statistics.
        log.info("Tesseract OSD gave no answer: %s", exc)
        return None
    return answer.rotation, answer.confidence
