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
``DetectOrientationScript`` or ``Recognize`` with a deadline. The words come from a result
iterator, as ``GetTsvText``'s word rows (``word_rows``), in a third of its time. One kind of
API object then serves every call: tesserocr's kept a second model loaded per language.

Only pipeline/ocr/engine.py uses this module; a handle is lent to one call at a time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
from collections.abc import Iterator
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
        ("TessBaseAPIProcessPage", ctypes.c_int,
         [handle, handle, ctypes.c_int, text, text, ctypes.c_int, handle]),
        ("TessResultRendererBeginDocument", ctypes.c_int, [handle, text]),
        ("TessResultRendererEndDocument", ctypes.c_int, [handle]),
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
        ("TessBaseAPIGetIterator", handle, [handle]),
        ("TessResultIteratorGetPageIterator", handle, [handle]),
        ("TessResultIteratorNext", ctypes.c_int, [handle, ctypes.c_int]),
        ("TessResultIteratorGetUTF8Text", ctypes.c_void_p, [handle, ctypes.c_int]),
        ("TessResultIteratorConfidence", ctypes.c_float, [handle, ctypes.c_int]),
        ("TessResultIteratorDelete", None, [handle]),
        ("TessPageIteratorIsAtBeginningOf", ctypes.c_int, [handle, ctypes.c_int]),
        ("TessPageIteratorBoundingBox", ctypes.c_int,
         [handle, ctypes.c_int, *[ctypes.POINTER(ctypes.c_int)] * 4]),
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
    lib.pixCreate.restype = ctypes.c_void_p
    lib.pixCreate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.pixGetData.restype = ctypes.c_void_p
    lib.pixGetData.argtypes = [ctypes.c_void_p]
    lib.pixGetWpl.restype = ctypes.c_int
    lib.pixGetWpl.argtypes = [ctypes.c_void_p]
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


class _RasterPix:
    """A page as the Pix Leptonica's ``pixRead`` makes of the PBM or PGM file it would have
    been written to (pipeline/ocr/engine.write_page_image): a black-and-white page (only 0
    and 255) 1 bit deep (1 = ink), any other 8 bits deep, no resolution (PNM has none);
    destroyed when the block ends.

    Its pixels are set in place, not encoded and parsed: the page's file was ~5 ms to write
    and Leptonica's reading of it ~2 % of the recognition (py-spy of `sohoa process`)."""

    def __init__(self, image: np.ndarray, one_bit: bool) -> None:
        height, width = image.shape
        depth = 1 if one_bit else 8
        self._pointer = ctypes.c_void_p(leptonica().pixCreate(width, height, depth))
        if not self._pointer:
            raise RuntimeError(f"Leptonica could not hold a {image.dtype} {image.shape} image")
        rows = np.packbits(image == 0, axis=1) if one_bit else image
        words = leptonica().pixGetWpl(self._pointer)
        raster = np.zeros((height, words * 4), np.uint8)  # pixCreate's rows: zero padded
        raster[:, :rows.shape[1]] = rows
        # Leptonica keeps each row in 32-bit words, the first pixel in a word's high byte.
        native = raster.view(">u4").astype(np.uint32)
        ctypes.memmove(leptonica().pixGetData(self._pointer), native.ctypes.data, native.nbytes)

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

    def read_image_to_pdf(self, image: np.ndarray, one_bit: bool, outputbase: Path,
                          timeout_ms: int) -> str | None:
        """``read_to_pdf`` of the page's PBM (``one_bit``) or PGM file without the file: the
        same Pix (``_RasterPix``) given to the calls ``ProcessPages`` makes for a one-page
        image file (the renderer's ``BeginDocument`` with the default empty title,
        ``ProcessPage`` of page 0, ``EndDocument``), so the same reading and PDF."""
        lib = self._lib
        renderer = lib.TessPDFRendererCreate(str(outputbase).encode(),
                                             lib.TessBaseAPIGetDatapath(self._handle), 1)
        try:
            if not lib.TessResultRendererBeginDocument(renderer, b""):
                return None
            with _RasterPix(image, one_bit) as pix:
                read = lib.TessBaseAPIProcessPage(self._handle, pix, 0,
                                                  str(outputbase).encode(), None, timeout_ms,
                                                  renderer)
            if not read or not lib.TessResultRendererEndDocument(renderer):
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
        """The recognition's word rows (level 5) as ``GetTsvText`` writes them (``word_rows``)."""
        iterator = self._lib.TessBaseAPIGetIterator(self._handle)
        if not iterator:
            return ""
        try:
            return "".join(word_rows(self._lib, iterator))
        finally:
            self._lib.TessResultIteratorDelete(iterator)

    def tsv_text(self) -> str:
        """libtesseract's own ``GetTsvText`` of the recognition (every level), as a check."""
        rows = self._lib.TessBaseAPIGetTsvText(self._handle, 0)
        try:
            return ctypes.string_at(rows).decode("utf-8") if rows else ""
        finally:
            self._lib.TessDeleteText(rows)

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            self._lib.TessBaseAPIDelete(self._handle)


# Tesseract's levels (PageIteratorLevel): block, paragraph, line, word.
_BLOCK, _PARA, _LINE, _WORD = 0, 1, 2, 3


def word_rows(lib: ctypes.CDLL, iterator: int) -> Iterator[str]:
    """The level-5 (word) rows of ``GetTsvText`` for the page, one word at a time, from a
    result iterator: the same numbers, box, confidence (C's ``%f``) and text.

    ``GetTsvText`` builds each word's text a symbol at a time, and asks three times per word
    whether it ends its line, paragraph and block for counters it never writes; the rows of
    the page's blocks, paragraphs and lines are not read here (``parse_tsv`` reads words
    only). Measured on the 21 readings of the stages benchmark's 20 pages (one thread): 29
    → 10 ms a page, the same word rows on every page; ``benchmarks.same_pages``: every page
    the same (tests/pipeline/ocr/test_ocr_engine.py compares them with ``tsv_text``).
    """
    page = lib.TessResultIteratorGetPageIterator(iterator)
    block = par = line = word = 0
    box = [ctypes.c_int() for _ in range(4)]
    while True:
        text = lib.TessResultIteratorGetUTF8Text(iterator, _WORD)
        if text:  # an empty place (a block without words) has no text and no row
            block, par, line, word = _numbered(lib, page, block, par, line, word)
            lib.TessPageIteratorBoundingBox(page, _WORD, *map(ctypes.byref, box))
            left, top, right, bottom = (value.value for value in box)
            confidence = lib.TessResultIteratorConfidence(iterator, _WORD)
            yield (f"5\t1\t{block}\t{par}\t{line}\t{word}\t{left}\t{top}\t{right - left}"
                   f"\t{bottom - top}\t{confidence:f}\t{_taken(lib, text)}\n")
        if not lib.TessResultIteratorNext(iterator, _WORD):
            return


def _numbered(lib: ctypes.CDLL, page: int, block: int, par: int, line: int,
              word: int) -> tuple[int, int, int, int]:
    """The word's block, paragraph, line and word numbers, counted as ``GetTsvText`` counts.

    Asked of the line first: libtesseract's iterator finds a block's or paragraph's start
    only at a line's start, and each question copies the iterator and walks to the line's
    start (three questions a word were 15 of the 21 ms a 400-word page's rows took)."""
    if not lib.TessPageIteratorIsAtBeginningOf(page, _LINE):
        return block, par, line, word + 1
    if lib.TessPageIteratorIsAtBeginningOf(page, _BLOCK):
        block, par, line = block + 1, 0, 0
    if lib.TessPageIteratorIsAtBeginningOf(page, _PARA):
        par, line = par + 1, 0
    return block, par, line + 1, 1


def _taken(lib: ctypes.CDLL, text: int) -> str:
    """A string libtesseract made, decoded and freed."""
    try:
        return ctypes.string_at(text).decode("utf-8")
    finally:
        lib.TessDeleteText(text)
