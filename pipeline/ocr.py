"""Tesseract, called once per page for the word table and the text-layer PDF together.

One call that writes several outputs costs the same as one output; separate calls would
cost that many times more. Tesseract's own OpenMP threading is turned off because
one page per core is faster on small machines (measured 2–3.5×).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from schemas.errors import (
    ConfigurationError,
    OcrCrashError,
    OcrError,
    OcrTimeoutError,
    TemporarySpaceError,
    is_out_of_space,
)
from schemas.ocr import OcrLine, OcrWord, PageOcr

# Below this much free space, a Tesseract run that left no output most likely ran out of room.
_LOW_SPACE_BYTES = 1 << 20


@dataclass(frozen=True)
class OcrOptions:
    """How Tesseract is run on a page."""

    languages: str = "vie"
    dpi: int = 300
    timeout_seconds: float = 180
    tesseract_cmd: str = "tesseract"
    page_segmentation_mode: int = 3


@dataclass(frozen=True)
class PageRecognition:
    """What one Tesseract call gives for a page."""

    page: PageOcr
    text_layer_pdf: bytes


def recognize_page(image: np.ndarray, number: int, options: OcrOptions,
                   work_dir: Path | None = None) -> PageRecognition:
    """OCR one prepared page image; returns the word table, text and an invisible-text PDF page.

    ``image`` is the cleaned 8-bit page; its pixel grid is the one boxes refer to. The page
    image and Tesseract's outputs live in a temporary folder under ``work_dir`` (the system's
    otherwise) that is removed when the call ends, whether it succeeded or not.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # Orientation detection (pytesseract) uses the same program.
    pytesseract.pytesseract.tesseract_cmd = options.tesseract_cmd
    folder = work_dir or Path(tempfile.gettempdir())
    try:
        with tempfile.TemporaryDirectory(prefix="sohoa-ocr-", dir=work_dir) as tmp:
            tsv, pdf = _ocr_in(Path(tmp), image, number, options)
    except OSError as exc:
        if is_out_of_space(exc):
            raise TemporarySpaceError.in_folder(folder, exc) from exc
        raise
    height, width = image.shape[:2]
    lines = parse_tsv(tsv)
    page = PageOcr(
        number=number,
        width=width,
        height=height,
        lines=lines,
        text=text_of(lines),
        mean_confidence=mean_confidence(lines),
    )
    return PageRecognition(page=page, text_layer_pdf=pdf)


def _ocr_in(tmp: Path, image: np.ndarray, number: int,
            options: OcrOptions) -> tuple[str, bytes]:
    source = tmp / "page.pgm"
    # Uncompressed (PGM): the file lives for one call and is gone before it reaches the disk;
    # PNG's encoding cost ~45 ms a page for the same reading. Encoded in memory and written
    # by Python, so that a full disk raises OSError (cv2.imwrite would only return False).
    ok, encoded = cv2.imencode(".pgm", image)
    if not ok:
        raise OcrError(f"page {number} could not be encoded for Tesseract")
    source.write_bytes(encoded.tobytes())
    base = tmp / "out"
    _run_tesseract(source, base, number, options)
    try:
        return (base.with_suffix(".tsv").read_text(encoding="utf-8"),
                base.with_suffix(".pdf").read_bytes())
    except FileNotFoundError as exc:
        _check_room(tmp)
        raise OcrError(f"Tesseract wrote no result for page {number}") from exc


def _check_room(tmp: Path) -> None:
    """Tesseract does not say why it could not write; a nearly full disk is the likely cause."""
    if shutil.disk_usage(tmp).free < _LOW_SPACE_BYTES:
        raise TemporarySpaceError.in_folder(tmp.parent,
                                            OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


def _run_tesseract(source: Path, base: Path, number: int, options: OcrOptions) -> None:
    """One Tesseract call (through pytesseract) writing ``base``.tsv and ``base``.pdf;
    failures as typed errors. pytesseract kills the program at the time limit."""
    config = (f"--psm {options.page_segmentation_mode} --dpi {options.dpi} "
              "-c tessedit_create_tsv=1 -c textonly_pdf=1")
    try:
        pytesseract.pytesseract.run_tesseract(
            str(source), str(base), extension="pdf", lang=options.languages, config=config,
            timeout=options.timeout_seconds)
    except pytesseract.TesseractNotFoundError as exc:
        raise ConfigurationError(
            f"Tesseract is not installed or not at '{options.tesseract_cmd}'; "
            "install tesseract-ocr and tesseract-ocr-vie"
        ) from exc
    except pytesseract.TesseractError as exc:
        if exc.status < 0:
            name = signal.Signals(-exc.status).name
            raise OcrCrashError(
                f"Tesseract was killed ({name}) while reading page {number}; if the machine "
                "is short of memory, process fewer pages at once (SOHOA_OCR__WORKERS)"
            ) from exc
        _check_room(base.parent)
        lines = str(exc.message).strip().splitlines()
        reason = lines[-1][:200] if lines else f"exit code {exc.status}"
        raise OcrError(f"Tesseract failed on page {number}: {reason}") from exc
    except RuntimeError as exc:  # pytesseract's only signal of its time limit
        if "timeout" not in str(exc).lower():
            raise
        raise OcrTimeoutError(
            f"Tesseract took longer than {options.timeout_seconds:g} s on page {number} and "
            "was stopped; the page may be unreadable noise, check the scan"
        ) from exc


def parse_tsv(tsv: str) -> list[OcrLine]:
    """Group Tesseract's TSV word rows into lines, in reading order."""
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = _word_of(row)
        if word is None:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(word)
    return [
        OcrLine(words=words, block=block, paragraph=par, line=line)
        for (block, par, line), words in lines.items()
    ]


def _word_of(row: dict[str, str]) -> OcrWord | None:
    text = (row.get("text") or "").strip()
    if row.get("level") != "5" or not text:
        return None
    left, top = int(row["left"]), int(row["top"])
    width, height = int(row["width"]), int(row["height"])
    confidence = min(max(float(row["conf"]), 0.0), 100.0)
    return OcrWord(text=text, confidence=confidence, bbox=(left, top, left + width, top + height))


def text_of(lines: list[OcrLine]) -> str:
    """Page text: one line per OCR line, a blank line between blocks."""
    parts: list[str] = []
    previous_block: int | None = None
    for line in lines:
        if previous_block is not None and line.block != previous_block:
            parts.append("")
        parts.append(line.text)
        previous_block = line.block
    return "\n".join(parts)


def mean_confidence(lines: list[OcrLine]) -> float:
    """Mean word confidence (0..100), weighted by word length so specks count little.

    Words without a letter or digit (dot leaders «……», rules, stray marks) are left out:
    they are layout, not text, and Tesseract's low confidence in them says nothing
    about how well the text was read.
    """
    words = [w for line in lines for w in line.words if any(c.isalnum() for c in w.text)]
    total = sum(len(w.text) for w in words)
    if not total:
        return 0.0
    return round(sum(w.confidence * len(w.text) for w in words) / total, 2)


def tesseract_languages(tesseract_cmd: str = "tesseract") -> set[str]:
    """Languages the installed Tesseract has (a version probe kept apart from page calls)."""
    pytesseract.pytesseract.tesseract_cmd = tesseract_cmd
    try:
        return set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as exc:
        raise ConfigurationError(
            f"Tesseract is not installed or not at '{tesseract_cmd}'; "
            "install tesseract-ocr and tesseract-ocr-vie"
        ) from exc


def check_languages(languages: str, tesseract_cmd: str = "tesseract") -> None:
    """Raise ConfigurationError naming any language model that is not installed."""
    missing = set(languages.split("+")) - tesseract_languages(tesseract_cmd)
    if missing:
        names = ", ".join(sorted(missing))
        raise ConfigurationError(
            f"Tesseract language data missing: {names}; install tesseract-ocr-{names}"
        )
