"""libtesseract's C API through ctypes: every Tesseract call of the warm engine.

tesserocr's ``ProcessPages`` (a page's recognition with its PDF renderer) keeps Python's
global interpreter lock for the whole recognition: two pages read at once in two threads
took 1.0 core between them (measured: 2 threads × 1 page, wall 5.2 s, CPU 5.2 s), so in
``sohoa process`` one page's Tesseract blocked the other page's cleaning, orientation and
PDF as well as its reading, and the run kept ~1.3 of 2 cores busy. A ctypes call lets go of
the lock for as long as the C function runs, so the same call through the C API reads two
pages side by side. Same library (the one tesserocr links), same calls as tesserocr makes
(``TessBaseAPI::Init``, ``ProcessPages`` with a ``TessPDFRenderer``, ``GetTSVText``), so the
same reading.

OSD and the digits-only reading take the image in memory as tesserocr's ``SetImage`` gave it:
the image written as BMP by Pillow and read back by Leptonica's ``pixReadMem`` (so the same
Pix, with the 96 DPI the BMP header carries, which OSD reads), then ``SetImage2``,
``DetectOrientationScript`` or ``Recognize`` with a deadline and ``GetTsvText``. One kind of
API object then serves every call: tesserocr's kept a second model loaded per language.

Only pipeline/ocr/engine.py uses this module; a handle is lent to one call at a time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
from pathlib import Path

import numpy as np
from PIL import Image

_LIBRARY = "libtesseract.so.5"  # tesserocr's (scripts/setup.sh builds it against this one)
_LEPTONICA = "liblept.so.5"  # the Leptonica libtesseract links


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
        ("TessBaseAPISetImage2", None, [handle, handle]),
        ("TessBaseAPIDetectOrientationScript", ctypes.c_int,
         [handle, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_float),
          ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_float)]),
        ("TessBaseAPIRecognize", ctypes.c_int, [handle, handle]),
        ("TessBaseAPIClear", None, [handle]),
        ("TessMonitorCreate", handle, []),
        ("TessMonitorDelete", None, [handle]),
        ("TessMonitorSetDeadlineMSecs", None, [handle, ctypes.c_int]),
    ):
        function = getattr(lib, name)
        function.restype, function.argtypes = result, arguments
    return lib


@functools.cache
def leptonica() -> ctypes.CDLL:
    """Leptonica, for the Pix an in-memory image becomes (the copy libtesseract loaded)."""
    lib = ctypes.CDLL(ctypes.util.find_library("lept") or _LEPTONICA)
    lib.pixReadMem.restype = ctypes.c_void_p
    lib.pixReadMem.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    lib.pixDestroy.restype = None
    lib.pixDestroy.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    return lib


class _Pix:
    """An 8-bit grey image as the Pix tesserocr's ``SetImage`` made of it (Pillow's BMP read
    by ``pixReadMem``), destroyed when the block ends."""

    def __init__(self, image: np.ndarray) -> None:
        with io.BytesIO() as out:
            Image.fromarray(image).save(out, "BMP")
            data = out.getvalue()
        self._pointer = ctypes.c_void_p(leptonica().pixReadMem(data, len(data)))
        if not self._pointer:
            raise RuntimeError(f"Leptonica could not read a {image.dtype} {image.shape} image")

    def __enter__(self) -> ctypes.c_void_p:
        return self._pointer

    def __exit__(self, *_: object) -> None:
        leptonica().pixDestroy(ctypes.byref(self._pointer))


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
        return self._tsv_rows()

    def detect_orientation(self, image: np.ndarray) -> tuple[int, float] | None:
        """OSD on the image: (counter-clockwise degrees the page is turned, orientation
        confidence), or None when Tesseract cannot tell (too few characters)."""
        degrees, confidence = ctypes.c_int(0), ctypes.c_float(0.0)
        script, script_confidence = ctypes.c_char_p(), ctypes.c_float(0.0)
        with _Pix(image) as pix:
            self._lib.TessBaseAPISetImage2(self._handle, pix)
            found = self._lib.TessBaseAPIDetectOrientationScript(
                self._handle, ctypes.byref(degrees), ctypes.byref(confidence),
                ctypes.byref(script), ctypes.byref(script_confidence))
            self._lib.TessBaseAPIClear(self._handle)  # the API holds the Pix until cleared
        return (degrees.value, confidence.value) if found else None

    def read_tsv(self, image: np.ndarray, timeout_ms: int) -> str | None:
        """Recognise the image in memory; its TSV rows, None when Tesseract fails or runs out
        of time (``timeout_ms`` > 0; 0: no limit)."""
        lib = self._lib
        monitor = lib.TessMonitorCreate() if timeout_ms > 0 else None
        try:
            if monitor:
                lib.TessMonitorSetDeadlineMSecs(monitor, timeout_ms)
            with _Pix(image) as pix:
                lib.TessBaseAPISetImage2(self._handle, pix)
                try:
                    if lib.TessBaseAPIRecognize(self._handle, monitor):
                        return None
                    return self._tsv_rows()
                finally:
                    lib.TessBaseAPIClear(self._handle)
        finally:
            if monitor:
                lib.TessMonitorDelete(monitor)

    def _tsv_rows(self) -> str:
        rows = self._lib.TessBaseAPIGetTsvText(self._handle, 0)
        try:
            return ctypes.string_at(rows).decode("utf-8") if rows else ""
        finally:
            self._lib.TessDeleteText(rows)

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            self._lib.TessBaseAPIDelete(self._handle)
