"""How Tesseract is run on a page: one options value, passed down to the engine on every call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EngineName = Literal["cli", "tesserocr"]


@dataclass(frozen=True)
class OcrOptions:
    """How Tesseract is run on a page.

    ``engine``: ``cli`` runs the ``tesseract_cmd`` program once per call; ``tesserocr`` keeps
    one warm libtesseract per thread (pipeline/ocr/engine.py gives the measurements behind
    the default). ``tessdata_dir``: the language models' folder for ``tesserocr``; by default
    the one ``tesseract_cmd`` reports, so that both engines read with the same models.
    """

    languages: str = "vie"
    dpi: int = 300
    timeout_seconds: float = 180
    tesseract_cmd: str = "tesseract"
    page_segmentation_mode: int = 3
    # "cli" by default though the warm engine reads identically and faster (8 sample scans:
    # median 14.6 s → 12.2 s a page on a loaded 2-core machine, the same TSV on every page;
    # loading vie costs it ~1.8 s once per thread): only a child process can be killed at the
    # time limit whatever it is doing, and a crash then costs one page, not the worker.
    engine: EngineName = "cli"
    tessdata_dir: str | None = None
