"""The OCR engine seam: the one module that runs Tesseract.

Callers (pipeline/ocr/recognize.py, pipeline/ocr/orientation.py, pipeline/ocr/reread.py) ask an
``OcrEngine`` for languages, orientation (OSD), a page's recognition (word table and
text-layer PDF) and a digits-only reading; they never touch the binary or the library.
Tesseract's failures become the project's typed errors here and nowhere else.

Nothing global is written: the program to run is named in each call's arguments (not in
``pytesseract.pytesseract.tesseract_cmd``, which pytesseract's functions read and no argument
overrides, so a worker's first OSD call ran whatever command the last page had set, or the
default), and ``OMP_THREAD_LIMIT`` is passed in the child's environment, not set in ours.
The CLI engine calls the program through ``subprocess`` directly: pytesseract added only
that global and a temporary PNG per call.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import math
import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from pipeline.ocr.capi import NativeApi
from pipeline.ocr.options import OcrOptions
from schemas.errors import ConfigurationError, OcrCrashError, OcrError, OcrTimeoutError

log = logging.getLogger(__name__)

# Tesseract's own OpenMP threads off: one page per core is faster on small machines
# (measured 2–3.5×). Passed to each child process; the parent's environment is left alone.
_CHILD_ENV = {"OMP_THREAD_LIMIT": "1"}
_INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-vie"
# What a failed call raises: a missing model is the operator's to fix, the rest the page's.
SohoaOcrFailure = OcrError | ConfigurationError
# Said on standard error when a language model is not installed: a configuration fault.
_MISSING_MODEL = ("Failed loading language", "Error opening data file")


@dataclass(frozen=True)
class Orientation:
    """Tesseract OSD's answer: clockwise degrees (0/90/180/270) that turn the image upright,
    and its (unbounded; ~2 and above is trusted) orientation confidence."""

    rotation: int
    confidence: float


@dataclass(frozen=True)
class Recognition:
    """A page's raw recognition: Tesseract's TSV word table and an invisible-text PDF page."""

    tsv: str
    pdf: bytes


class OcrEngine(Protocol):
    """What the pipeline needs of an OCR engine. Errors: ``ConfigurationError`` (no program,
    no model), ``OcrTimeoutError``, ``OcrCrashError``, else ``OcrError``."""

    def languages(self) -> set[str]:
        """Installed language models."""
        ...

    def orientation(self, gray: np.ndarray, timeout: float) -> Orientation:
        """OSD on an 8-bit grey image; ``OcrError`` when Tesseract cannot tell. ``timeout``:
        the CPU seconds the call may use, where it can be stopped (a plain ``OcrError`` over
        it: the image's doing, the same on any machine); ``OcrTimeoutError`` only for a call
        that outlasts its wall-clock backstop (``osd_wall_seconds``)."""
        ...

    def recognize(self, image: np.ndarray, number: int, options: OcrOptions,
                  work_dir: Path) -> Recognition:
        """Read page ``number`` (8-bit grey) with ``options``; ``work_dir`` is an empty
        folder for this call only."""
        ...

    def read_digits(self, strip: np.ndarray, options: OcrOptions, language: str,
                    whitelist: str) -> str:
        """TSV of a strip read one line per row (``--psm 6``), only ``whitelist`` allowed."""
        ...


def engine_for(options: OcrOptions) -> OcrEngine:
    """The engine ``options`` select (the warm one is made once per process); the CLI when
    the warm one is chosen but tesserocr is not installed (said once in the log)."""
    if options.engine == "tesserocr" and warm_engine_installed():
        return warm_engine(options.tesseract_cmd, options.tessdata_dir)
    return CliEngine(options.tesseract_cmd)


def preload_models(options: OcrOptions, count: int) -> bool:
    """Load the warm engine's model of ``options.languages`` ``count`` times (one per OCR
    slot) ahead of the first pages; False when there is nothing to load (the CLI engine) or
    it cannot be loaded (the first page says why, as it would have).

    Meant for a thread of its own while the run starts: libtesseract loads a model without
    the GIL (0.07-0.16 s CPU each for vie), in time a core is idle anyway (a warm `sohoa
    process` waits ~0.5 s on the Prefect server to create its flow run), instead of at
    each slot's first page, when both cores are busy."""
    engine = engine_for(options)
    if not isinstance(engine, TesserocrEngine):
        return False
    try:
        engine.preload(options.languages, count)
    except (ConfigurationError, OSError):
        return False
    return True


@functools.cache
def warm_engine_installed() -> bool:
    """Whether tesserocr can be imported; a warning (once) when not."""
    try:
        _tesserocr()
    except ConfigurationError:
        log.warning("tesserocr is not installed: pages are read by the tesseract program, "
                    "one process per call (slower); run scripts/setup.sh to build it")
        return False
    return True


@dataclass(frozen=True)
class CliEngine:
    """Tesseract run as a program, one process per call (``cmd``: the program's path or name)."""

    cmd: str = "tesseract"

    def languages(self) -> set[str]:
        """Installed language models (``tesseract --list-langs``)."""
        out = self._run(["--list-langs"], "listing its languages", timeout=30)
        return {line.strip() for line in out.decode().splitlines()[1:] if line.strip()}

    def tessdata_dir(self) -> str:
        """The folder this program reads its models from (so another engine can use them)."""
        out = self._run(["--list-langs"], "listing its languages", timeout=30)
        first = out.decode().splitlines()[0]  # List of available languages in "/…/tessdata/" (3):
        return first.split('"')[1]

    def orientation(self, gray: np.ndarray, timeout: float) -> Orientation:
        """OSD (``--psm 0``), the image given on standard input, stopped after ``timeout``
        CPU seconds of its own (a plain ``OcrError``), or ``osd_wall_seconds`` of the clock
        (``OcrTimeoutError``, retryable).

        The limit counts the program's work, not the clock: on a busy machine a wall-clock
        limit stopped calls that had done nothing wrong, and the page then took the ink
        statistics' verdict instead of OSD's, a reading that depended on the load (measured:
        one OSD call of 0.6 CPU s took 0.9 s alone, 7-10 s beside 8 busy processes on 2
        cores, over the 5 s limit; its CPU time 0.7 s)."""
        out = self._run(["stdin", "stdout", "-l", "osd", "--psm", "0"], "detecting orientation",
                        osd_wall_seconds(timeout), stdin=encode_pgm(gray), cpu_seconds=timeout)
        return parse_osd(out.decode())

    def recognize(self, image: np.ndarray, number: int, options: OcrOptions,
                  work_dir: Path) -> Recognition:
        """One call writing both the TSV and the text-only PDF: one call that writes several
        outputs costs the same as one output."""
        # Uncompressed (PBM or PGM): the file lives for one call; PNG's encoding cost ~45 ms a
        # page for the same reading. Written by Python, so that a full disk raises OSError.
        source, base = write_page_image(image, work_dir), work_dir / "out"
        self._run([str(source), str(base), "-l", options.languages,
                   "--psm", str(options.page_segmentation_mode), "--dpi", str(options.dpi),
                   "-c", "tessedit_create_tsv=1", "-c", "textonly_pdf=1", "pdf"],
                  f"reading page {number}", options.timeout_seconds, number=number)
        try:
            return Recognition(base.with_suffix(".tsv").read_text(encoding="utf-8"),
                               base.with_suffix(".pdf").read_bytes())
        except FileNotFoundError as exc:
            raise OcrError(f"Tesseract wrote no result for page {number}") from exc

    def read_digits(self, strip: np.ndarray, options: OcrOptions, language: str,
                    whitelist: str) -> str:
        """The strip on standard input, its TSV on standard output."""
        return self._run(["stdin", "stdout", "-l", language, "--psm", "6",
                          "--dpi", str(options.dpi), "-c", f"tessedit_char_whitelist={whitelist}",
                          "-c", "tessedit_create_tsv=1"],
                         "reading digits", options.timeout_seconds,
                         stdin=encode_pgm(strip)).decode()

    def _run(self, args: list[str], doing: str, timeout: float, stdin: bytes | None = None,
             number: int | None = None, cpu_seconds: float | None = None) -> bytes:
        """Run the program; its standard output, or the typed error for its failure.
        ``timeout``: wall-clock seconds; ``cpu_seconds``: the program's own CPU time, when
        limited (``run_limited``)."""
        try:
            done = run_limited([self.cmd, *args], stdin, timeout, cpu_seconds,
                               {**os.environ, **_CHILD_ENV})
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise ConfigurationError(
                f"Tesseract is not installed or not at '{self.cmd}'; {_INSTALL_HINT}") from exc
        except subprocess.TimeoutExpired as exc:  # the program is killed and reaped
            raise timed_out(timeout, doing, number) from exc
        if cpu_seconds is not None and done.returncode == -signal.SIGXCPU:
            # Its own work over the limit, whatever the load: the input's doing, not retried.
            raise OcrError(f"Tesseract used more than {math.ceil(cpu_seconds)} CPU s "
                           f"{doing} and was stopped")
        if done.returncode:
            raise failure(done.returncode, done.stderr.decode(errors="replace"), doing, number)
        return done.stdout


# An OSD call limited in CPU seconds also has a wall-clock backstop, for a program that waits
# without working (hung): that many times its CPU limit, and at least the minimum. Measured: 0.7
# CPU s took 10 s of the clock beside 8 busy processes on 2 cores (14x).
_OSD_WALL_PER_CPU = 24
_OSD_MIN_WALL_SECONDS = 120.0


def osd_wall_seconds(cpu_seconds: float) -> float:
    """The wall-clock backstop of an OSD call limited to ``cpu_seconds`` (see above)."""
    return max(_OSD_MIN_WALL_SECONDS, _OSD_WALL_PER_CPU * cpu_seconds)


def run_limited(command: list[str], stdin: bytes | None, wall_seconds: float,
                cpu_seconds: float | None, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``subprocess.run`` of ``command`` (output captured, ``subprocess.TimeoutExpired`` after
    ``wall_seconds``, the program killed and reaped), its CPU time limited to
    ``cpu_seconds`` (rounded up to whole seconds) when given: the kernel stops it with
    SIGXCPU (RLIMIT_CPU, set on the started child, without core dump). The limit is set
    after the start, not in ``preexec_fn`` (unsafe in a threaded process): it counts the
    CPU time the program used before it too."""
    with subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else None,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as child:
        try:
            if cpu_seconds is not None:
                _limit_cpu(child.pid, math.ceil(cpu_seconds))
            out, err = child.communicate(stdin, timeout=wall_seconds)
        except BaseException:
            child.kill()  # and reaped (as ``subprocess.run`` does, not its output read)
            child.wait()
            raise
    return subprocess.CompletedProcess(command, child.returncode, out, err)


def _limit_cpu(pid: int, seconds: int) -> None:
    """RLIMIT_CPU of process ``pid``: SIGXCPU at ``seconds``, SIGKILL a second later (never
    above the hard limit it inherited, which only a privileged process may raise); no core
    file (SIGXCPU's default action dumps one)."""
    try:
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
        _, inherited = resource.prlimit(pid, resource.RLIMIT_CPU)
        hard = seconds + 1 if inherited == resource.RLIM_INFINITY else min(inherited,
                                                                             seconds + 1)
        resource.prlimit(pid, resource.RLIMIT_CPU, (max(min(seconds, hard - 1), 0), hard))
    except ProcessLookupError:  # it has ended already (not reaped: its pid is still its own)
        pass


# GetTSVText gives the rows only; the CLI's TSV renderer writes this header first.
_TSV_HEADER = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth"
               "\theight\tconf\ttext\n")


@functools.cache
def warm_engine(tesseract_cmd: str, tessdata_dir: str | None) -> TesserocrEngine:
    """The process's warm engine, reading the models ``tesseract_cmd`` reads unless told."""
    return TesserocrEngine(tessdata_dir or CliEngine(tesseract_cmd).tessdata_dir())


class TesserocrEngine:
    """libtesseract in the process (tesserocr): warm APIs per language, each loaded once.

    Built against the system's libtesseract (scripts/setup.sh) it gives the CLI's word table
    and PDF exactly (measured on the sample scans: same words, boxes and confidences; the PDF
    the same but for its date). The PDF comes from ``ProcessPage`` on the page in memory, with
    the renderer's document start and end that ``ProcessPages`` on a file makes around it
    (without them the PDF is broken).
    That call goes through libtesseract's C API (pipeline/ocr/capi.py), not tesserocr's,
    which held the GIL for the whole page; OSD and the digits too, with the image in memory,
    so one kind of API (one model per language and concurrent call) serves them all.
    Unlike the CLI a crash takes the worker with it, and a time limit is only checked during
    recognition (not layout analysis nor OSD).

    An API is lent to one call at a time and given back after (``_lent``): as many are loaded
    per language as calls ever ran at once, which the OCR slots bound to one per core. One
    per thread loaded one in every thread of the task runner (cores + 2; vie measured 11–13
    MB each just loaded), and the first page of each thread paid the load.
    """

    def __init__(self, tessdata_dir: str) -> None:
        self.tessdata_dir = tessdata_dir.rstrip("/") + "/"
        self._free: dict[str, list[NativeApi]] = {}
        self._made: dict[str, int] = {}  # APIs loaded (or being loaded) per language
        self._lock = threading.Lock()

    def languages(self) -> set[str]:
        """Installed language models (in ``tessdata_dir``)."""
        return set(_tesserocr().get_languages(self.tessdata_dir)[1])

    def orientation(self, gray: np.ndarray, timeout: float) -> Orientation:
        """OSD on the image in memory (``timeout`` unused: OSD takes ~1 s and cannot be cut)."""
        with self._lent("osd", psm=0) as api:
            found = api.detect_orientation(gray)
        if found is None:
            raise OcrError("Tesseract failed while detecting orientation: too few characters")
        # The page's turn counter-clockwise; the CLI's «Rotate» undoes it.
        degrees, confidence = found
        return Orientation((360 - degrees) % 360, confidence)

    def recognize(self, image: np.ndarray, number: int, options: OcrOptions,
                  work_dir: Path) -> Recognition:
        """Word table and text-only PDF from one recognition of the page."""
        base = work_dir / "out"
        # Through the C API (pipeline/ocr/capi.py): tesserocr's ProcessPages keeps the GIL
        # for the whole recognition, so a second page's reading and all its Python waited.
        # The page in memory as the Pix its file gave (``write_page_image``), not the file.
        with self._lent(options.languages, options.page_segmentation_mode,
                        options.dpi) as api:
            started = time.monotonic()
            timeout_ms = int(options.timeout_seconds * 1000)
            rows = (api.read_image_to_pdf(image, is_black_and_white(image), base, timeout_ms)
                    if image.ndim == 2 else
                    api.read_to_pdf(write_page_image(image, work_dir), base, timeout_ms))
            if rows is None:
                raise self._failed(started, options.timeout_seconds, f"reading page {number}",
                                   number)
            tsv = _TSV_HEADER + rows
        try:
            pdf = base.with_suffix(".pdf").read_bytes()
        except FileNotFoundError as exc:
            raise OcrError(f"Tesseract wrote no result for page {number}") from exc
        if not pdf.rstrip().endswith(b"%%EOF"):
            # libtesseract's PDF renderer goes on past a write that failed (a full disk, a
            # size limit) and says nothing: a PDF cut short is the disk's doing.
            raise OSError(errno.ENOSPC, f"Tesseract's PDF of page {number} was cut short")
        return Recognition(tsv, pdf)

    def read_digits(self, strip: np.ndarray, options: OcrOptions, language: str,
                    whitelist: str) -> str:
        """The strip in memory, read one line per row with only ``whitelist``."""
        with self._lent(language, 6, options.dpi, whitelist) as api:
            started = time.monotonic()
            rows = api.read_tsv(strip, int(options.timeout_seconds * 1000))
            if rows is None:
                raise self._failed(started, options.timeout_seconds, "reading digits", None)
            return _TSV_HEADER + rows

    @contextlib.contextmanager
    def _lent(self, language: str, psm: int, dpi: int = 0,
              whitelist: str = "") -> Iterator[NativeApi]:
        """A free API for ``language``, set for this call (setting is cheap; loading a model
        is not: ~0.3 s for vie), given back when the call ends. One kind for every call (the
        C API's, pipeline/ocr/capi.py): a page's reading and its digits share the models."""
        with self._lock:
            free = self._free.setdefault(language, [])
            api = free.pop() if free else None
        api = api or self._load_counted(language)
        try:
            api.set(psm, {"user_defined_dpi": str(dpi), "tessedit_create_pdf": "1",
                          "textonly_pdf": "1", "tessedit_char_whitelist": whitelist})
            yield api
        finally:
            with self._lock:
                self._free[language].append(api)

    def preload(self, language: str, count: int) -> None:
        """Load ``language``'s model until ``count`` APIs of it are made (free or lent): what
        the first pages would load, loaded ahead (``preload_models``). A call that finds none
        free meanwhile loads its own, and counts."""
        while True:
            with self._lock:
                if self._made.get(language, 0) >= count:
                    return
            api = self._load_counted(language)
            with self._lock:
                self._free.setdefault(language, []).append(api)

    def _load_counted(self, language: str) -> NativeApi:
        with self._lock:
            self._made[language] = self._made.get(language, 0) + 1
        try:
            return self._load(language)
        except BaseException:
            with self._lock:
                self._made[language] -= 1
            raise

    def loaded(self) -> int:
        """APIs loaded so far, all languages (each holds its model in memory)."""
        with self._lock:
            return sum(len(free) for free in self._free.values())

    def _load(self, language: str) -> NativeApi:
        try:
            _tesserocr()  # first: it sets OMP_THREAD_LIMIT before the library loads
            return NativeApi(self.tessdata_dir, language)
        except RuntimeError as exc:
            raise ConfigurationError(
                f"Tesseract language data missing: {language} in {self.tessdata_dir}; "
                "install the tesseract-ocr-LANG package") from exc

    @staticmethod
    def _failed(started: float, timeout: float, doing: str, number: int | None) -> OcrError:
        if time.monotonic() - started >= timeout:
            return timed_out(timeout, doing, number)
        return OcrError(f"Tesseract failed while {doing}")


def _tesserocr():  # noqa: ANN202 - the module
    """tesserocr, imported when the warm engine is first used.

    OMP_THREAD_LIMIT cannot be given per call in the process: it is set here, before
    libtesseract (and its OpenMP runtime) is loaded, as the CLI engine gives it each child.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", _CHILD_ENV["OMP_THREAD_LIMIT"])
    try:
        import tesserocr
    except ImportError as exc:
        raise ConfigurationError("the tesserocr engine is chosen but tesserocr is not "
                                 "installed; run scripts/setup.sh or choose engine 'cli'") from exc
    return tesserocr


def write_page_image(image: np.ndarray, work_dir: Path) -> Path:
    """The page as Tesseract will read it, in ``work_dir``: a black-and-white page (the
    binarised OCR image, pipeline/image/preprocess.py) as a 1-bit PBM, anything else as PGM.

    Given 8 bits, Tesseract thresholds the page itself (Otsu) before its layout analysis;
    given 1 bit it takes the pixels as they are. On a page already black and white the two
    read the same: on the 20 pages of benchmarks/throughput.py every word, box and confidence
    the same, and ~0.1 CPU-s a page less (of ~1.4 s for the reading).
    """
    if is_black_and_white(image):
        path = work_dir / "page.pbm"
        path.write_bytes(encode_pbm(image))
    else:
        path = work_dir / "page.pgm"
        path.write_bytes(encode_pgm(image))
    return path


def is_black_and_white(image: np.ndarray) -> bool:
    """Whether an 8-bit grey image holds only 0 and 255 (a few ms on a 300-DPI page)."""
    return image.ndim == 2 and image.size > 0 and not cv2.countNonZero(cv2.inRange(image, 1, 254))


def encode_pbm(image: np.ndarray) -> bytes:
    """A black-and-white 8-bit image (0 ink, 255 paper) as binary PBM bytes (1 = black)."""
    height, width = image.shape
    return b"P4\n%d %d\n" % (width, height) + np.packbits(image == 0, axis=1).tobytes()


def encode_pgm(image: np.ndarray) -> bytes:
    """An 8-bit grey image as PGM bytes (no compression: cheapest to write and to read)."""
    ok, encoded = cv2.imencode(".pgm", image)
    if not ok:
        raise OcrError(f"a {image.dtype} {image.shape} image could not be encoded for Tesseract")
    return encoded.tobytes()


def parse_osd(text: str) -> Orientation:
    """``Rotate:`` and ``Orientation confidence:`` out of Tesseract's OSD report."""
    fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    try:
        return Orientation(int(fields["Rotate"]) % 360, float(fields["Orientation confidence"]))
    except (KeyError, ValueError) as exc:
        raise OcrError(f"Tesseract OSD gave no orientation: {text.strip()[:200]!r}") from exc


# --- Tesseract's failures as the project's errors, for every engine ---


def timed_out(timeout: float, doing: str, number: int | None) -> OcrTimeoutError:
    """The page took too long (retryable: a loaded machine may be the cause)."""
    if number is None:
        return OcrTimeoutError(f"Tesseract took longer than {timeout:g} s {doing} and was stopped")
    return OcrTimeoutError(
        f"Tesseract took longer than {timeout:g} s on page {number} and was stopped; the page "
        "may be unreadable noise, check the scan")


def failure(status: int, stderr: str, doing: str, number: int | None) -> SohoaOcrFailure:
    """The error for a Tesseract run that ended with ``status`` (negative: a signal)."""
    if status < 0:
        name = signal.Signals(-status).name
        return OcrCrashError(
            f"Tesseract was killed ({name}) while {doing}; if the machine is short of memory, "
            "process fewer pages at once (SOHOA_OCR__WORKERS)")
    lines = stderr.strip().splitlines()
    if any(marker in stderr for marker in _MISSING_MODEL):
        return ConfigurationError(f"Tesseract language data missing while {doing}: "
                                  f"{lines[0][:200]}; install the tesseract-ocr-LANG package")
    reason = lines[-1][:200] if lines else f"exit code {status}"
    where = f"on page {number}" if number is not None else f"while {doing}"
    return OcrError(f"Tesseract failed {where}: {reason}")

