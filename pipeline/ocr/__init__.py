"""OCR: a page's word table and text-layer PDF, through one engine seam (``engine.py``).

Re-exports what callers import as ``from pipeline.ocr import …``.
"""

from pipeline.ocr.engine import (
    CliEngine,
    OcrEngine,
    Orientation,
    Recognition,
    engine_for,
    preload_models,
)
from pipeline.ocr.options import EngineName, OcrOptions
from pipeline.ocr.recognize import (
    PageRecognition,
    check_languages,
    mean_confidence,
    parse_tsv,
    recognize_page,
    tesseract_languages,
    text_in_rows,
    text_of,
)

__all__ = [
    "CliEngine",
    "EngineName",
    "OcrEngine",
    "OcrOptions",
    "Orientation",
    "PageRecognition",
    "Recognition",
    "check_languages",
    "engine_for",
    "mean_confidence",
    "parse_tsv",
    "preload_models",
    "recognize_page",
    "tesseract_languages",
    "text_in_rows",
    "text_of",
]
