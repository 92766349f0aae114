"""libtesseract's C API through ctypes, for the one call tesserocr makes while holding the GIL.

tesserocr's ``ProcessPages`` (a page's recognition with its PDF renderer) keeps Python's
global interpreter lock for the whole recognition: two pages read at once in two threads
took 1.0 core between them (measured: 2 threads × 1 page, wall 5.2 s, CPU 5.2 s), so in
``sohoa process`` one page's Tesseract blocked the other page's cleaning, orientation and
PDF as well as its reading, and the run kept ~1.3 of 2 cores busy. A ctypes call lets go of
the lock for as long as the C function runs, so the same call through the C API reads two
pages side by side. Same library (the one tesserocr links), same calls as tesserocr makes
(``TessBaseAPI::Init``, ``ProcessPages`` with a ``TessPDFRenderer``, ``GetTSVText``), so the
same reading.

Only pipeline/ocr/engine.py uses this module; a handle is lent to one call at a time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from pathlib import Path

_LIBRARY = "libtesseract.so.5"  # tesserocr's (scripts/setup.sh builds it against this one)


@functools.cache
def library() -> ctypes.CDLL:
    """libtesseract with the C functions used here declared (loaded once; tesserocr, imported
    first by the engine, has it loaded already: the same copy)."""
    lib = ctypes.CDLL(ctypes.util.find_library("tesseract") or _LIBRARY)
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    for name, result, arguments in (
        ("TessBaseAPICreate", handle, []),
        ("TessBaseAPIDelete", None, [handle]),
        ("TessBaseAPIInit3", ctypes.c_int, [handle, text, text]),
        ("TessBaseAPISetPageSegMode", None, [handle, ctypes.c_int]),
        ("TessBaseAPISetVariable", ctypes.c_int, [handle, text, text]),
        ("TessBaseAPIGetDatapath", text, [handle]),
        ("TessBaseAPIProcessPages", ctypes.c_int, [handle, text, text, ctypes.c_int, handle]),
        ("TessBaseAPIGetTsvText", ctypes.c_void_p, [handle, ctypes.c_int]),
        ("TessDeleteText", None, [ctypes.c_void_p]),
        ("TessPDFRendererCreate", handle, [text, text, ctypes.c_int]),
        ("TessDeleteResultRenderer", None, [handle]),
    ):
        function = getattr(lib, name)
        function.restype, function.argtypes = result, arguments
    return lib


class NativeApi:
    """One ``TessBaseAPI`` with ``language`` loaded (``RuntimeError`` when it cannot be)."""

    def __init__(self, tessdata_dir: str, language: str) -> None:
        self._lib = library()
        self._handle = self._lib.TessBaseAPICreate()
        if self._lib.TessBaseAPIInit3(self._handle, tessdata_dir.encode(), language.encode()):
            self._lib.TessBaseAPIDelete(self._handle)
            self._handle = None
            raise RuntimeError(f"Failed to init API, possibly an invalid tessdata path: "
                               f"{tessdata_dir} ({language})")

    def set(self, psm: int, variables: dict[str, str]) -> None:
        self._lib.TessBaseAPISetPageSegMode(self._handle, psm)
        for name, value in variables.items():
            self._lib.TessBaseAPISetVariable(self._handle, name.encode(), value.encode())

    def read_to_pdf(self, image: Path, outputbase: Path, timeout_ms: int) -> str | None:
        """Recognise the image file, write its text-only PDF page to ``outputbase``.pdf, and
        return the page's TSV rows; None when Tesseract fails or runs out of time."""
        lib = self._lib
        renderer = lib.TessPDFRendererCreate(str(outputbase).encode(),
                                             lib.TessBaseAPIGetDatapath(self._handle), 1)
        try:
            if not lib.TessBaseAPIProcessPages(self._handle, str(image).encode(), None,
                                               timeout_ms, renderer):
                return None
        finally:
            lib.TessDeleteResultRenderer(renderer)  # closes the PDF: it is complete after
        rows = lib.TessBaseAPIGetTsvText(self._handle, 0)
        try:
            return ctypes.string_at(rows).decode("utf-8") if rows else ""
        finally:
            lib.TessDeleteText(rows)

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            self._lib.TessBaseAPIDelete(self._handle)
