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
    # The warm engine by default: it reads identically and faster. Measured in-process on 5
    # sample pages read twice, the engines interleaved page by page on a loaded 2-core machine
    # (default settings): the same page results every time, 9 % less time (57.6 → 52.4 s);
    # the digit re-read 0.35 → 0.06 s a page (the CLI loads eng for it each time), recognition
    # itself within noise; benchmarks/accuracy.py (seed 11) gives the CLI's numbers exactly.
    # What it gives up: a child process can be killed at the time limit whatever it does, a
    # library call only while recognising (layout analysis and OSD run to their end), and a
    # crash takes the worker, not one page. "cli" keeps that isolation; it is also used when
    # tesserocr is not installed.
    engine: EngineName = "tesserocr"
    tessdata_dir: str | None = None
