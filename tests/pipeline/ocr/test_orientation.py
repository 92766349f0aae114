"""Orientation: quarter turns found from ink statistics, OSD only as a fallback."""

from __future__ import annotations

import random
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.image.clean import as_gray, downscale
from pipeline.image.deskew import estimate_skew
from pipeline.ocr import engine as ocr_engine
from pipeline.ocr.engine import CliEngine
from pipeline.ocr.orientation import (
    OrientationResult,
    detect_orientation,
    osd_rotation,
    rotate_upright,
)
from samples.official import TEMPLATES, TUNING_FAMILIES, draw_document
from schemas.errors import OcrError, OcrTimeoutError
from tests.pipeline.conftest import degrade, skew_page, turn_page

ROTATIONS = [0, 90, 180, 270]


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_detect_orientation_finds_each_quarter_turn(text_page: np.ndarray,
                                                    rotation: int) -> None:
    """
    GIVEN a text page scanned turned (it needs ``rotation`` degrees clockwise to read)
    WHEN its orientation is detected
    THEN that rotation is found by the cheap ink statistics («lines»: no Tesseract call),
    confidently. (How long it takes is for benchmarks, not a test on a shared machine.)
    """
    scanned = turn_page(text_page, rotation)
    result = detect_orientation(scanned)
    assert result == OrientationResult(rotation, result.confidence, "lines")
    assert result.confidence > 0.5


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_detect_orientation_on_a_skewed_noisy_serif_page(serif_page: np.ndarray,
                                                         rotation: int) -> None:
    """
    GIVEN a serif page on grey noisy paper, skewed by 4°, scanned turned
    WHEN its orientation is detected
    THEN the quarter turn is still found
    """
    scanned = turn_page(degrade(skew_page(serif_page, 4), seed=rotation), rotation)
    assert detect_orientation(scanned).rotation == rotation


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_rotate_upright_undoes_the_turn_exactly(text_page: np.ndarray, rotation: int) -> None:
    assert np.array_equal(rotate_upright(turn_page(text_page, rotation), rotation), text_page)


def test_rotate_upright_turns_colour_images_and_rejects_odd_angles() -> None:
    image = np.zeros((2, 3, 3), np.uint8)
    assert rotate_upright(image, 90).shape == (3, 2, 3)
    assert rotate_upright(image, -90).shape == (3, 2, 3)
    with pytest.raises(ValueError, match="multiple of 90"):
        rotate_upright(image, 45)


@pytest.mark.parametrize("shape", [(1, 1), (2339, 1654), (40, 3000)])
def test_blank_pages_stay_as_they_are_with_no_confidence(shape: tuple[int, int]) -> None:
    result = detect_orientation(np.full(shape, 255, np.uint8))
    assert result == OrientationResult(0, 0.0, "blank")


def test_noise_only_page_is_blank() -> None:
    """
    GIVEN grey paper with sensor noise and no text
    WHEN its orientation is detected
    THEN it is treated as blank rather than guessed from the noise
    """
    noisy = degrade(np.full((2339, 1654), 255, np.uint8), noise=6.0)
    assert detect_orientation(noisy).method == "blank"


def test_osd_reads_an_upside_down_vietnamese_page(text_page: np.ndarray) -> None:
    """
    GIVEN an upside-down page at ~150 DPI (Tesseract OSD's fallback input)
    WHEN Tesseract OSD is asked
    THEN it answers a clockwise turn of 180 with some confidence
    """
    small, _ = downscale(turn_page(text_page, 180), 1240)
    # The default limit, in CPU seconds: a loaded machine took > 10 s of the clock.
    rotation, confidence = osd_rotation(small, timeout=5.0)
    assert rotation == 180 and confidence > 1


def fake_tesseract(folder: Path, body: str) -> CliEngine:
    """The CLI engine running a shell script in Tesseract's place."""
    script = folder / "tesseract"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return CliEngine(str(script))


_OSD_REPORT = r'printf "Rotate: 180\nOrientation confidence: 9.5\n"'


def test_osd_slow_on_the_clock_but_not_in_cpu_time_answers(tmp_path: Path) -> None:
    """
    GIVEN an OSD call that takes longer on the clock than its limit without working (as on
          a machine whose cores are busy with other pages)
    WHEN its answer is asked with that limit
    THEN it answers: the limit counts the program's CPU time, so the load cannot turn
         the page by another verdict than a quiet machine gives it
    """
    engine = fake_tesseract(tmp_path, f"sleep 2\n{_OSD_REPORT}")
    started = time.monotonic()
    assert osd_rotation(np.zeros((100, 100), np.uint8), 1.0, engine) == (180, 9.5)
    assert time.monotonic() - started >= 2


def test_osd_over_its_cpu_limit_gives_no_answer(tmp_path: Path) -> None:
    """
    GIVEN an OSD call that works past its CPU limit (an image OSD cannot finish on)
    WHEN its answer is asked
    THEN the program is stopped and the page takes the ink statistics' verdict (no
         answer): a plain error, the image's doing, not tried again
    """
    engine = fake_tesseract(tmp_path, f"while :; do :; done\n{_OSD_REPORT}")
    with pytest.raises(OcrError, match="more than 1 CPU s detecting orientation") as raised:
        engine.orientation(np.zeros((100, 100), np.uint8), 0.5)
    assert not raised.value.retryable
    assert osd_rotation(np.zeros((100, 100), np.uint8), 0.5, engine) is None


def test_osd_hung_past_its_backstop_is_a_retryable_error(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """
    GIVEN an OSD call that hangs without working past the wall-clock backstop
    WHEN its answer is asked
    THEN the program is stopped and the time limit raised (retryable: the page is tried
         again), not swallowed into the ink statistics' verdict
    """
    monkeypatch.setattr(ocr_engine, "_OSD_MIN_WALL_SECONDS", 1.0)
    engine = fake_tesseract(tmp_path, f"exec sleep 60\n{_OSD_REPORT}")
    started = time.monotonic()
    with pytest.raises(OcrTimeoutError) as raised:
        osd_rotation(np.zeros((100, 100), np.uint8), 0.01, engine)
    assert raised.value.retryable
    assert time.monotonic() - started < 30


def test_osd_on_a_blank_page_gives_no_answer() -> None:
    assert osd_rotation(np.full((600, 400), 255, np.uint8), timeout=10) is None


def test_sideways_bgr_page_is_handled(text_page: np.ndarray) -> None:
    colour = cv2.cvtColor(turn_page(text_page, 270), cv2.COLOR_GRAY2BGR)
    assert detect_orientation(colour).rotation == 270


def sparse_last_page(index: int) -> np.ndarray:
    """The last page of a generated two-page administrative document: a line or two of the
    body, «Nơi nhận» and the signature block under a round seal (tuning family)."""
    rng = random.Random(f"7:{index}:official")
    document = TEMPLATES["official_document"](rng)
    images, _ = draw_document(document, 200, rng, TUNING_FAMILIES[index % len(TUNING_FAMILIES)])
    assert len(images) == 2, "the generator no longer makes this a two-page document"
    return as_gray(np.asarray(images[-1]))


@pytest.mark.parametrize("index", [0, 12, 21, 39])
def test_a_nearly_empty_last_page_is_never_turned_the_wrong_way(index: int) -> None:
    """
    GIVEN the nearly empty last page of a letter, whose few lines and seal run no clear way
    WHEN its orientation is detected, upright and turned each way
    THEN it is turned right or left as scanned, never turned wrong: the lines' verdict turned
    7 of 29 such upright pages sideways, losing every word of them
    """
    page = sparse_last_page(index)
    assert detect_orientation(page).rotation == 0
    for rotation in (90, 180, 270):
        assert detect_orientation(turn_page(page, rotation)).rotation in (rotation, 0)


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_an_upright_page_s_orientation_gives_its_skew(serif_page: np.ndarray,
                                                      rotation: int) -> None:
    """
    GIVEN a skewed page, scanned upright or turned
    WHEN its orientation is detected
    THEN a page kept as scanned carries the skew estimate_skew finds for it (measured on the
    way, so preprocessing need not measure it again), and a turned page carries none.
    """
    scanned = turn_page(skew_page(serif_page, 2.5), rotation)
    result = detect_orientation(scanned)
    assert result.rotation == rotation
    assert result.upright_skew == (estimate_skew(scanned) if rotation == 0 else None)
