"""Tesseract, called once per page for the word table and the text-layer PDF together.

One call that writes several outputs costs the same as one output; separate calls would
cost that many times more. Tesseract's own OpenMP threading is turned off because
one page per core is faster on small machines (measured 2–3.5×).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from pipeline.errors import ConfigurationError, OcrError, OcrTimeoutError
from schemas.ocr import OcrLine, OcrWord, PageOcr


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

    ``image`` is the cleaned 8-bit page; its pixel grid is the one boxes refer to.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    pytesseract.pytesseract.tesseract_cmd = options.tesseract_cmd
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-", dir=work_dir) as tmp:
        source = Path(tmp) / "page.png"
        # Fast PNG compression: the file lives for one call, encoding time matters more.
        cv2.imwrite(str(source), image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        base = Path(tmp) / "out"
        _run_tesseract(source, base, options)
        tsv = (base.with_suffix(".tsv")).read_text(encoding="utf-8")
        pdf = (base.with_suffix(".pdf")).read_bytes()
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


def _run_tesseract(source: Path, base: Path, options: OcrOptions) -> None:
    config = (
        f"--psm {options.page_segmentation_mode} --dpi {options.dpi} "
        "-c tessedit_create_tsv=1 -c textonly_pdf=1"
    )
    try:
        pytesseract.pytesseract.run_tesseract(
            str(source), str(base), extension="pdf", lang=options.languages,
            config=config, timeout=options.timeout_seconds,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise ConfigurationError(
            f"Tesseract is not installed or not at '{options.tesseract_cmd}'; "
            "install tesseract-ocr and tesseract-ocr-vie"
        ) from exc
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeoutError(
                f"Tesseract took longer than {options.timeout_seconds:.0f} s on the page"
            ) from exc
        raise OcrError(f"Tesseract failed on the page: {exc}") from exc


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
