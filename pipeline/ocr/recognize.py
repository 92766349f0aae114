"""A page's OCR: the engine's word table parsed into lines, and its text-layer PDF page.

The engine (pipeline/ocr/engine.py) runs Tesseract once per page for both outputs; this
module holds what does not depend on the engine: the temporary folder, the parsing, the
page's text and confidence.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.ocr.engine import CliEngine, OcrEngine, Recognition, engine_for
from pipeline.ocr.options import OcrOptions
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
class PageRecognition:
    """What one Tesseract call gives for a page."""

    page: PageOcr
    text_layer_pdf: bytes


def recognize_page(image: np.ndarray, number: int, options: OcrOptions,
                   work_dir: Path | None = None,
                   engine: OcrEngine | None = None) -> PageRecognition:
    """OCR one prepared page image; returns the word table, text and an invisible-text PDF page.

    ``image`` is the cleaned 8-bit page; its pixel grid is the one boxes refer to. The engine
    is the one ``options`` select unless ``engine`` is given. Its outputs live in a temporary
    folder under ``work_dir`` (the system's otherwise) that is removed when the call ends,
    whether it succeeded or not.
    """
    engine = engine or engine_for(options)
    folder = work_dir or Path(tempfile.gettempdir())
    try:
        with tempfile.TemporaryDirectory(prefix="sohoa-ocr-", dir=work_dir) as tmp:
            raw = _recognize_in(engine, image, number, options, Path(tmp))
    except OSError as exc:
        if is_out_of_space(exc):
            raise TemporarySpaceError.in_folder(folder, exc) from exc
        raise
    height, width = image.shape[:2]
    lines = parse_tsv(raw.tsv)
    page = PageOcr(number=number, width=width, height=height, lines=lines,
                   text=text_of(lines), mean_confidence=mean_confidence(lines))
    return PageRecognition(page=page, text_layer_pdf=raw.pdf)


def _recognize_in(engine: OcrEngine, image: np.ndarray, number: int, options: OcrOptions,
                  tmp: Path) -> Recognition:
    """The engine's reading; a plain failure (not a crash or time limit) on a nearly full
    disk is reported as the full disk, since Tesseract does not say why it could not write."""
    try:
        return engine.recognize(image, number, options, tmp)
    except (OcrCrashError, OcrTimeoutError):
        raise
    except OcrError:
        _check_room(tmp)
        raise


def _check_room(tmp: Path) -> None:
    if shutil.disk_usage(tmp).free < _LOW_SPACE_BYTES:
        raise TemporarySpaceError.in_folder(tmp.parent,
                                            OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


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


def text_in_rows(lines: list[OcrLine]) -> str:
    """Page text in the order of the printed rows: one line per row of the page, the lines
    that share it left to right.

    A ruled label/value table, its rules painted out, is read by Tesseract a column at a
    time (every label, then every value: tuning grid pages' character error rate 0.28 on a
    clean scan); the table's reader reads it a row at a time, a cell after another. A line
    joins a row when its middle falls within the height of the row's first line, so a
    value wrapped onto a second line in its cell starts the next row, as it is printed.
    """
    rows: list[tuple[tuple[int, int], list[OcrLine]]] = []
    for line in sorted(lines, key=lambda ln: (ln.bbox[1] + ln.bbox[3]) / 2):
        _, top, _, bottom = line.bbox
        middle = (top + bottom) / 2
        if rows and rows[-1][0][0] <= middle <= rows[-1][0][1]:
            rows[-1][1].append(line)
        else:
            rows.append(((top, bottom), [line]))
    return "\n".join(" ".join(ln.text for ln in sorted(row, key=lambda ln: ln.bbox[0]))
                     for _, row in rows)


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
    return CliEngine(tesseract_cmd).languages()


def check_languages(languages: str, tesseract_cmd: str = "tesseract") -> None:
    """Raise ConfigurationError naming any language model that is not installed."""
    missing = set(languages.split("+")) - tesseract_languages(tesseract_cmd)
    if missing:
        names = ", ".join(sorted(missing))
        raise ConfigurationError(
            f"Tesseract language data missing: {names}; install tesseract-ocr-{names}"
        )
