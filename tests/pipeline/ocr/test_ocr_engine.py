"""The OCR engine seam: the program the options name is the one run, from the first call."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.image.clean import downscale
from pipeline.ocr import CliEngine, OcrOptions, engine_for, parse_tsv, preload_models
from pipeline.ocr.engine import TesserocrEngine, parse_osd, warm_engine, write_page_image
from schemas.errors import ConfigurationError, OcrError
from tests.pipeline.conftest import turn_page
from tests.pipeline.ocr.test_ocr import rendered_lines

REPO = Path(__file__).parents[3]

FIRST_PAGE = """
import json, os, sys
import pipeline.ocr.orientation as orientation
from pipeline.ocr import OcrOptions
from pipeline.image.preprocess import PreprocessOptions
from pipeline.ocr.reread import reread_digits
from pipeline.ocr.second_pass import SecondPassOptions, read_page
from tests.pipeline.conftest import render_page, turn_page

# No up/down balance is ever sure enough: every page goes to OSD, as a hard one does.
orientation._SURE_BALANCE = 1.01
environment = dict(os.environ)
options = OcrOptions(tesseract_cmd=sys.argv[1], dpi=200, engine='cli')
page = turn_page(render_page(), 180)
reading = read_page(lambda: page, 1, PreprocessOptions(), options, SecondPassOptions())
checked = reread_digits(reading.prepared.ocr_image, reading.recognition.page, options)
print(json.dumps({"rotation": reading.prepared.rotation, "text": checked.text,
                  "environment_unchanged": dict(os.environ) == environment,
                  "pytesseract_loaded": "pytesseract" in sys.modules}))
"""


def wrapper(folder: Path) -> tuple[str, Path]:
    """A Tesseract under another name and folder (as SOHOA_OCR__TESSERACT_CMD may name one)
    that logs each call's OMP_THREAD_LIMIT and arguments, then runs the real one."""
    real = shutil.which("tesseract")
    assert real, "tesseract-ocr is not installed"
    log = folder / "calls.log"
    script = folder / "bin" / "ocr-engine"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho "$OMP_THREAD_LIMIT $*" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return str(script), log


def test_a_fresh_worker_reads_its_first_page_with_the_configured_program(tmp_path: Path):
    """
    GIVEN a fresh process whose Tesseract is a non-default command, with no `tesseract`
    on its PATH at all
    WHEN it reads its first page, upside down, with OSD asked, and reads its digits again
    THEN every call (OSD first) went to that command with OMP_THREAD_LIMIT=1 in the child's
    environment only, the page is turned and read, and nothing global was changed
    """
    cmd, log = wrapper(tmp_path)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    done = subprocess.run([sys.executable, "-c", FIRST_PAGE, cmd], capture_output=True,
                          text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "PATH": str(empty), "OMP_THREAD_LIMIT": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    result = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert result["rotation"] == 180
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in result["text"]
    assert result["environment_unchanged"] and not result["pytesseract_loaded"]
    calls = log.read_text().splitlines()
    assert "--psm 0" in calls[0]  # OSD, before any recognition had run
    assert any("textonly_pdf=1" in call for call in calls[1:])
    assert any("tessedit_char_whitelist" in call for call in calls[1:])
    assert all(call.startswith("1 ") for call in calls)


def test_osd_answers_through_the_engine(text_page: np.ndarray) -> None:
    upside_down, _ = downscale(np.ascontiguousarray(np.rot90(text_page, 2)), 1240)
    answer = CliEngine().orientation(upside_down, timeout=30)
    assert answer.rotation == 180 and answer.confidence > 2


def test_osd_that_cannot_tell_is_an_ocr_error() -> None:
    with pytest.raises(OcrError, match="Tesseract failed while detecting orientation"):
        CliEngine().orientation(np.full((600, 400), 255, np.uint8), timeout=30)


def test_a_missing_model_is_a_configuration_error() -> None:
    strip = np.full((60, 200), 255, np.uint8)
    with pytest.raises(ConfigurationError, match="language data missing"):
        CliEngine().read_digits(strip, OcrOptions(), "klingon", "0123456789")


def test_digits_come_back_as_a_word_table(text_page: np.ndarray) -> None:
    # «Căn cước công dân số 036188598674» is the page's fourth body line.
    words = [w for line in parse_tsv(CliEngine().read_digits(
        text_page, OcrOptions(dpi=200), "eng", "0123456789")) for w in line.words]
    assert any("036188598674" in w.text for w in words)


def test_parse_osd_reads_the_clockwise_turn() -> None:
    report = ("Page number: 0\nOrientation in degrees: 270\nRotate: 90\n"
              "Orientation confidence: 13.05\nScript: Latin\nScript confidence: 4.23\n")
    answer = parse_osd(report)
    assert (answer.rotation, answer.confidence) == (90, 13.05)


def test_the_options_choose_the_engine() -> None:
    assert engine_for(OcrOptions(tesseract_cmd="/opt/t", engine="cli")) == CliEngine("/opt/t")


# --- The warm engine (tesserocr) gives what the CLI gives ---

@pytest.fixture(scope="module")
def warm() -> TesserocrEngine:
    # scripts/setup.sh builds tesserocr: a missing one fails here, it is never skipped.
    return warm_engine("tesseract", None)


def test_the_warm_engine_reads_as_the_cli(warm: TesserocrEngine, tmp_path: Path) -> None:
    """GIVEN one page WHEN read by both engines THEN the same words, boxes and confidences,
    and the same PDF but for its creation date (tesserocr built on the system library)."""
    image = rendered_lines()
    options = OcrOptions(dpi=200)
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    cli = CliEngine().recognize(image, 1, options, tmp_path / "a")
    again = warm.recognize(image, 1, options, tmp_path / "b")
    assert word_rows(again.tsv) == word_rows(cli.tsv) and len(word_rows(cli.tsv)) > 5
    undated = re.compile(rb"/CreationDate \(D:[^)]*\)")
    assert undated.sub(b"", again.pdf) == undated.sub(b"", cli.pdf)


def test_the_warm_engine_answers_osd_and_digits(warm: TesserocrEngine,
                                                text_page: np.ndarray) -> None:
    upside_down, _ = downscale(np.ascontiguousarray(np.rot90(text_page, 2)), 1240)
    assert warm.orientation(upside_down, 30).rotation == 180
    options = OcrOptions(dpi=200)
    assert (word_rows(warm.read_digits(text_page, options, "eng", "0123456789"))
            == word_rows(CliEngine().read_digits(text_page, options, "eng", "0123456789")))


def tesserocr_api(language: str, psm: int, dpi: int, whitelist: str = ""):  # noqa: ANN201
    """A tesserocr API set as the warm engine set its own before OSD and the digits went
    through the C API."""
    import tesserocr

    api = tesserocr.PyTessBaseAPI(path=CliEngine().tessdata_dir(), lang=language)
    api.SetPageSegMode(psm)
    for name, value in {"user_defined_dpi": str(dpi), "tessedit_create_pdf": "1",
                        "textonly_pdf": "1", "tessedit_char_whitelist": whitelist}.items():
        api.SetVariable(name, value)
    return api


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_osd_through_the_c_api_answers_as_tesserocr_did(warm: TesserocrEngine,
                                                        text_page: np.ndarray,
                                                        turn: int) -> None:
    """GIVEN a rendered page turned four ways, at OSD's 1240-pixel width WHEN the warm
    engine's OSD (C API) and tesserocr's DetectOrientationScript look at it THEN the same
    turn and the same confidence, to the last bit (the same Pix: Pillow's BMP, 96 DPI)."""
    image, _ = downscale(turn_page(text_page, turn), 1240)
    api = tesserocr_api("osd", 0, 0)
    api.SetImage(Image.fromarray(image))
    before = api.DetectOrientationScript()
    answer = warm.orientation(image, 30)
    assert answer.rotation == (360 - before["orient_deg"]) % 360 == turn
    assert answer.confidence == before["orient_conf"]


def test_digits_through_the_c_api_read_as_tesserocr_did(warm: TesserocrEngine,
                                                        text_page: np.ndarray) -> None:
    """GIVEN strips of a rendered page WHEN read digits-only by the warm engine (C API) and
    by tesserocr set alike THEN the same word table (words, boxes, confidences)."""
    api = tesserocr_api("vie", 6, 300, "0123456789")
    for top in range(300, text_page.shape[0] - 150, 600):
        strip = np.ascontiguousarray(text_page[top:top + 150])
        api.SetImage(Image.fromarray(strip))
        assert api.Recognize(30000)
        before = api.GetTSVText(0)
        read = warm.read_digits(strip, OcrOptions(dpi=300), "vie", "0123456789")
        assert read.startswith("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft"
                               "\ttop\twidth\theight\tconf\ttext\n")
        assert word_rows(read) == word_rows(before)


def word_rows(tsv: str) -> list[str]:
    """A TSV word table's word rows (level 5), what ``parse_tsv`` reads."""
    return [row for row in tsv.splitlines() if row.startswith("5\t")]


def test_the_word_rows_are_libtesseracts_own(tmp_path: Path, text_page: np.ndarray) -> None:
    """GIVEN a rendered page of several blocks, paragraphs and lines, read through the C API
    WHEN its words are listed by the word iterator (``word_rows``) and by libtesseract's
    GetTsvText THEN the same word rows, numbers, boxes, confidences and texts, row for row
    (the rows of blocks, paragraphs and lines are not listed)."""
    from pipeline.ocr.capi import NativeApi

    api = NativeApi(CliEngine().tessdata_dir(), "vie")
    api.set(3, {"user_defined_dpi": "200", "tessedit_create_pdf": "1", "textonly_pdf": "1",
                "tessedit_char_whitelist": ""})
    assert api.read_to_pdf(write_page_image(text_page, tmp_path), tmp_path / "out", 0)
    own = api.tsv_text()
    assert api._tsv_rows().splitlines() == word_rows(own)
    numbers = [tuple(row.split("\t")[2:6]) for row in word_rows(own)]
    assert len({n[0] for n in numbers}) >= 2 and max(int(n[2]) for n in numbers) >= 2
    assert max(int(n[3]) for n in numbers) >= 3  # words numbered within their line


def assert_other_threads_run(call: Callable[[], object]) -> None:
    """A thread counting every millisecond went on counting while ``call`` ran: no gap in
    its counts is half the call's time (a call holding the GIL stops it for the whole call)."""
    stop, ticks = threading.Event(), []

    def count() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    started = time.perf_counter()
    call()
    ended = time.perf_counter()
    stop.set()
    counter.join()
    during = [t for t in ticks if started <= t <= ended]
    gaps = [later - earlier for earlier, later in zip(during, during[1:], strict=False)]
    assert len(during) >= 2 and max(gaps) < 0.5 * (ended - started), (len(during), ended - started)


def test_osd_lets_other_threads_run_and_shares_no_second_model(tmp_path: Path,
                                                               text_page: np.ndarray) -> None:
    """GIVEN a fresh warm engine WHEN it reads a page, its digits and its orientation THEN
    one API per language served them all (a page and its digits share the vie model), and a
    counting thread went on counting while OSD ran (no GIL held)."""
    engine = TesserocrEngine(CliEngine().tessdata_dir())
    options = OcrOptions(dpi=300)
    engine.recognize(text_page, 1, options, tmp_path)
    engine.read_digits(text_page[300:450], options, "vie", "0123456789")
    small, _ = downscale(text_page, 1240)
    engine.orientation(small, 30)
    assert engine.loaded() == 2  # vie and osd
    assert_other_threads_run(lambda: [engine.orientation(small, 30) for _ in range(3)])


def test_the_warm_engine_says_which_model_is_missing(warm: TesserocrEngine) -> None:
    with pytest.raises(ConfigurationError, match="klingon"):
        warm.read_digits(np.full((60, 200), 255, np.uint8), OcrOptions(), "klingon", "0")


def test_options_choose_the_warm_engine(warm: TesserocrEngine) -> None:
    assert engine_for(OcrOptions(engine="tesserocr")) is warm


def test_the_warm_engine_loads_a_model_per_concurrent_call_not_per_thread(
        tmp_path: Path) -> None:
    """GIVEN a fresh warm engine WHEN six threads read digits one after another, then two at
    once THEN one eng model served the six in turn and two serve the pair: a model per page
    read at the same time (the OCR slots), not one in every task-runner thread."""
    engine = TesserocrEngine(CliEngine().tessdata_dir())
    strip, options = rendered_lines(), OcrOptions(dpi=200)
    first = engine.read_digits(strip, options, "eng", "0123456789")
    for _ in range(5):
        thread = threading.Thread(target=engine.read_digits,
                                  args=(strip, options, "eng", "0123456789"))
        thread.start()
        thread.join()
    assert engine.loaded() == 1
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def read_together() -> None:
        barrier.wait()
        answers.append(engine.read_digits(strip, options, "eng", "0123456789"))

    pair = [threading.Thread(target=read_together) for _ in range(2)]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join()
    assert answers == [first, first] and engine.loaded() in (1, 2)


def test_models_preloaded_serve_the_first_calls_and_are_not_loaded_again(
        tmp_path: Path) -> None:
    """GIVEN a fresh warm engine WHEN eng is preloaded for two slots while the models
    load without the GIL (a counting thread goes on), then two digit readings run at once
    THEN two APIs were loaded ahead and the pair loaded none more; preloading again, or
    after a call made one itself, loads only what is missing."""
    engine = TesserocrEngine(CliEngine().tessdata_dir())
    assert_other_threads_run(lambda: engine.preload("eng", 2))
    assert engine.loaded() == 2
    strip, options = rendered_lines(), OcrOptions(dpi=200)
    barrier = threading.Barrier(2)

    def read_together() -> None:
        barrier.wait()
        engine.read_digits(strip, options, "eng", "0123456789")

    pair = [threading.Thread(target=read_together) for _ in range(2)]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join()
    engine.preload("eng", 2)
    assert engine.loaded() == 2
    other = TesserocrEngine(CliEngine().tessdata_dir())
    other.read_digits(strip, options, "eng", "0123456789")
    other.preload("eng", 2)
    assert other.loaded() == 2


def test_preloading_what_cannot_be_loaded_is_left_to_the_first_page(
        warm: TesserocrEngine) -> None:
    """A missing model, or the CLI engine, preloads nothing and raises nothing: the first
    page reports a missing model as it always did."""
    assert not preload_models(OcrOptions(languages="klingon"), 2)
    assert not preload_models(OcrOptions(engine="cli"), 2)
    with pytest.raises(ConfigurationError, match="klingon"):
        warm.read_digits(np.full((60, 200), 255, np.uint8), OcrOptions(), "klingon", "0")


def test_a_page_read_by_the_warm_engine_lets_other_threads_run(warm: TesserocrEngine,
                                                               text_page: np.ndarray,
                                                               tmp_path: Path) -> None:
    """GIVEN a thread that counts while a page is read WHEN the warm engine reads the page
    THEN the counting went on during the reading: the reading holds no GIL, so a second
    page's reading and Python work run beside it (tesserocr's ProcessPages held it for the
    whole page: pages read two at a time used one core between them)."""
    warm.recognize(text_page, 1, OcrOptions(dpi=200), tmp_path)  # the model loaded first
    assert_other_threads_run(
        lambda: warm.recognize(text_page, 1, OcrOptions(dpi=200), tmp_path))


def test_the_warm_engine_says_which_model_is_missing_for_a_page(warm: TesserocrEngine,
                                                                 tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="klingon"):
        warm.recognize(np.full((60, 200), 255, np.uint8), 1, OcrOptions(languages="klingon"),
                       tmp_path)


def test_without_tesserocr_the_warm_choice_falls_back_to_the_cli() -> None:
    """GIVEN a Python where tesserocr cannot be imported WHEN the warm engine is chosen
    THEN pages are read by the tesseract program, and the log says why."""
    script = ("import sys; sys.modules['tesserocr'] = None\n"
              "from pipeline.ocr import OcrOptions, engine_for\n"
              "print(type(engine_for(OcrOptions(engine='tesserocr'))).__name__)")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "CliEngine"
    assert "tesserocr is not installed" in done.stderr


def test_a_black_and_white_page_goes_to_tesseract_as_one_bit(tmp_path: Path) -> None:
    """
    GIVEN a binarised page (only 0 and 255) and a grey one
    WHEN each is written for Tesseract
    THEN the binarised one is a 1-bit PBM holding exactly its pixels (Tesseract then skips
    its own thresholding), the grey one a PGM
    """
    rng = np.random.default_rng(0)
    page = np.where(rng.random((37, 53)) < 0.2, 0, 255).astype(np.uint8)
    written = write_page_image(page, tmp_path)
    assert written.suffix == ".pbm"
    with Image.open(written) as image:
        assert image.mode == "1"
        assert np.array_equal(np.array(image.convert("L")), page)
    grey = page.copy()
    grey[3, 4] = 128
    (tmp_path / "grey").mkdir()
    assert write_page_image(grey, tmp_path / "grey").suffix == ".pgm"


def test_a_page_in_memory_is_the_pix_its_file_gave(tmp_path: Path) -> None:
    """GIVEN a black-and-white page and a grey one, each of a width no multiple of 32
    WHEN each is held as a Pix in memory (``_RasterPix``) and its file, as it was written for
    Tesseract, is read by Leptonica's ``pixRead``
    THEN the two Pix are equal: depth, size, every pixel and the (absent) resolution"""
    from pipeline.ocr.capi import _RasterPix, leptonica

    lept = leptonica()
    lept.pixRead.restype, lept.pixRead.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    for name in ("pixGetDepth", "pixGetXRes", "pixGetYRes"):
        getattr(lept, name).restype = ctypes.c_int
        getattr(lept, name).argtypes = [ctypes.c_void_p]
    lept.pixEqual.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    rng = np.random.default_rng(1)
    black_and_white = np.where(rng.random((41, 75)) < 0.3, 0, 255).astype(np.uint8)
    # A white first row, as a page's margin: Leptonica's PBM reader takes a first raster
    # byte that is an ASCII space or line end (0x20: «..#.....») for the header's and fails.
    black_and_white[0] = 255
    grey = rng.integers(0, 256, (23, 51), dtype=np.uint8)
    for page, one_bit, depth in ((black_and_white, True, 1), (grey, False, 8)):
        folder = tmp_path / str(depth)
        folder.mkdir()
        read = ctypes.c_void_p(lept.pixRead(str(write_page_image(page, folder)).encode()))
        try:
            with _RasterPix(page, one_bit) as held:
                same = ctypes.c_int(0)
                assert lept.pixEqual(held, read, ctypes.byref(same)) == 0 and same.value == 1
                assert lept.pixGetDepth(held) == lept.pixGetDepth(read) == depth
                assert (lept.pixGetXRes(held), lept.pixGetYRes(held)) == (
                    lept.pixGetXRes(read), lept.pixGetYRes(read))
        finally:
            lept.pixDestroy(ctypes.byref(read))


def pdf_without_date(path: Path) -> bytes:
    """A PDF's bytes, its creation date (the one part that differs run to run) blanked."""
    return re.sub(rb"/CreationDate \(D:[^)]*\)", b"", path.read_bytes())


@pytest.mark.parametrize("binarised", [True, False])
def test_a_page_read_in_memory_reads_as_its_file(tmp_path: Path, text_page: np.ndarray,
                                                 binarised: bool) -> None:
    """GIVEN a page, binarised (1-bit) or grey (8-bit)
    WHEN one API reads it from its file (``ProcessPages``) and from memory
    (``read_image_to_pdf``: ``ProcessPage`` between the renderer's document start and end)
    THEN the same word rows (texts, boxes, confidences) and the same text-only PDF page, but
    for its creation date"""
    from pipeline.image.clean import binarize
    from pipeline.ocr.capi import NativeApi
    from pipeline.ocr.engine import is_black_and_white

    page = binarize(np.array(text_page)) if binarised else np.array(text_page)
    assert is_black_and_white(page) is binarised
    api = NativeApi(CliEngine().tessdata_dir(), "vie")
    api.set(3, {"user_defined_dpi": "200", "tessedit_create_pdf": "1", "textonly_pdf": "1",
                "tessedit_char_whitelist": ""})
    from_file = api.read_to_pdf(write_page_image(page, tmp_path), tmp_path / "file", 0)
    in_memory = api.read_image_to_pdf(page, binarised, tmp_path / "memory", 0)
    assert from_file and "\tCỘNG\n" in from_file
    assert in_memory == from_file
    assert pdf_without_date(tmp_path / "memory.pdf") == pdf_without_date(tmp_path / "file.pdf")
