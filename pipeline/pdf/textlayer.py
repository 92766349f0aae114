"""Born-digital pages: text and word boxes read from the PDF's own text layer, not OCR'd.

A page exported from a word processor carries its text exactly; OCR could only lose some of
it. Such a page is read with poppler's ``pdftotext -bbox-layout`` (words with their boxes,
grouped in blocks and lines), its boxes scaled from points to the pixels of the page as
poppler rasterises it at the configured DPI, so that extraction works on it unchanged, and
its stored PDF page is the original page itself (``original_page_pdf``).

Which reader (``benchmarks/textlayer.py``, a 3-page A4 Vietnamese PDF written by fpdf2 with
DejaVu, 2 busy cores; per page, text compared after NFC and whitespace folding):

==================  =========  ========================  ===========
reader              ms / page  text equal to the source  already NFC
==================  =========  ========================  ===========
pdftotext -bbox         36              3/3                  3/3
pypdfium2                7              3/3                  3/3
pdfplumber             146              3/3                  3/3
==================  =========  ========================  ===========

All three keep every tone mark. pdftotext is chosen although PDFium is 5× faster: 36 ms is
nothing beside a page's OCR (seconds), it already groups words into lines and blocks (PDFium
gives characters, to be grouped by hand), its coordinates are those of the page as poppler
rasterises it (same program: /Rotate and crop boxes agree by construction), and it adds no
dependency (poppler is already installed for pdftoppm).

Which pages: a page's text layer counts only when it explains the page's ink
(``text_coverage``): the share of ink pixels, on a 1000-pixel copy, that lie inside the
words' boxes. A signed scan carries a stamp of a few words in a corner («Ký bởi: …»), whose
boxes hold 0–3 % of the page's ink (measured on two generated scans, stamp visible or
invisible); a born-digital page's words hold 96–99 % (a full page and a two-line one; the
rest is rules and drawings). Pages at or above ``TextLayerOptions.min_coverage`` (half: a
page whose text layer explains less than half its ink, a scan or a document with a scanned
copy pasted in, is better OCR'd) and with at least ``min_words`` words are read from the
PDF; every other page is OCR'd as before.
"""

from __future__ import annotations

import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
import pikepdf
from pydantic import BaseModel, Field

from pipeline import load
from pipeline.image.clean import downscale, ink_mask, to_gray
from pipeline.ocr.recognize import text_of
from schemas.errors import CorruptFileError
from schemas.ocr import OcrLine, OcrWord, PageOcr

_XHTML = "{http://www.w3.org/1999/xhtml}"
_TIMEOUT_SECONDS = 60  # pdftotext reads a page in ~40 ms; a page this slow is hostile
_ANALYSIS_SIDE = 1000  # pixels of the shorter side the coverage is measured on
_BOX_MARGIN = 0.25  # of a word's height, around its box: tone marks stand above the font box
PDF_CONFIDENCE = 100.0  # a word read from the text layer is exact, not a guess


class TextLayerOptions(BaseModel):
    """When a PDF page is read from its own text layer (embedded in the page options)."""

    enabled: bool = Field(True, description="read born-digital PDF pages from their text")
    min_coverage: float = Field(
        0.5, ge=0, le=1, description="share of the page's ink inside the text layer's words "
                                     "at or above which the page is born-digital")
    min_words: int = Field(5, ge=1, description="fewer words than this is a stamp, not a page")


@dataclass(frozen=True)
class PdfPage:
    """Page ``index`` (0-based) of the PDF file at ``path``: where a page's own text is."""

    path: Path
    index: int


def read_text_layer(source: PdfPage, dpi: int) -> list[OcrLine]:
    """The page's words, as lines, with boxes in pixels of the page rasterised at ``dpi``."""
    root = ET.fromstring(_pdftotext_bbox(source))
    page = root.find(f".//{_XHTML}page")
    if page is None:
        return []
    scale = dpi / 72  # pdftotext gives points of the page as displayed (its /Rotate applied)
    return [line for number, block in enumerate(page.iter(f"{_XHTML}block"))
            for line in _lines_of(block, number, scale)]


def _pdftotext_bbox(source: PdfPage) -> str:
    """poppler's XHTML word list of one page (poppler renders the raster too: same geometry)."""
    number = str(source.index + 1)
    program = str(Path(load.POPPLER_PATH) / "pdftotext") if load.POPPLER_PATH else "pdftotext"
    try:
        done = subprocess.run([program, "-f", number, "-l", number, "-bbox-layout", "-enc",
                               "UTF-8", str(source.path), "-"], capture_output=True,
                              timeout=_TIMEOUT_SECONDS, check=True)
    except subprocess.TimeoutExpired as exc:
        raise CorruptFileError(f"{source.path.name}: page {number}'s text took longer than "
                               f"{_TIMEOUT_SECONDS} s to read; scan the paper again") from exc
    except subprocess.CalledProcessError as exc:
        reason = exc.stderr.decode(errors="replace").strip()[-200:]
        raise CorruptFileError(f"{source.path.name}: page {number}'s text cannot be read "
                               f"({reason}); the PDF is damaged, scan the paper again") from exc
    return done.stdout.decode("utf-8", errors="replace")


def _lines_of(block: ET.Element, number: int, scale: float) -> list[OcrLine]:
    lines = []
    for index, line in enumerate(block.iter(f"{_XHTML}line")):
        words = [_word_of(word, scale) for word in line.iter(f"{_XHTML}word")]
        words = [word for word in words if word.text]
        if words:
            lines.append(OcrLine(words=words, block=number, line=index))
    return lines


def _word_of(word: ET.Element, scale: float) -> OcrWord:
    # NFC: extraction and the gazetteer compare composed Vietnamese letters.
    text = unicodedata.normalize("NFC", (word.text or "").strip())
    x0, y0, x1, y1 = (float(word.get(key, 0)) * scale
                      for key in ("xMin", "yMin", "xMax", "yMax"))
    return OcrWord(text=text, confidence=PDF_CONFIDENCE,
                   bbox=(int(x0), int(y0), int(np.ceil(x1)), int(np.ceil(y1))))


def text_coverage(lines: list[OcrLine], image: np.ndarray) -> float:
    """Share (0..1) of the page's ink pixels inside the words' boxes; 0 for a blank page."""
    small, scale = downscale(to_gray(image), _ANALYSIS_SIDE)
    ink = ink_mask(small)
    total = int(ink.sum())
    if total == 0:
        return 0.0
    inside = np.zeros_like(ink)
    for word in (word for line in lines for word in line.words):
        x0, y0, x1, y1 = word.bbox
        margin = _BOX_MARGIN * (y1 - y0)
        inside[max(int((y0 - margin) * scale), 0):int(np.ceil((y1 + margin) * scale)),
               max(int((x0 - margin) * scale), 0):int(np.ceil((x1 + margin) * scale))] = True
    return float((ink & inside).sum()) / total


def has_enough_words(lines: list[OcrLine], options: TextLayerOptions) -> bool:
    """Whether the text layer holds enough words to be a page's text (a scan holds none or a
    stamp's few): known without the page's pixels."""
    return options.enabled and sum(len(line.words) for line in lines) >= options.min_words


def is_born_digital(lines: list[OcrLine], image: np.ndarray, options: TextLayerOptions) -> bool:
    """Whether the text layer is the page's text (see the module docstring), not a stamp."""
    return (has_enough_words(lines, options)
            and text_coverage(lines, image) >= options.min_coverage)


def page_from_text_layer(lines: list[OcrLine], image: np.ndarray, number: int,
                         options: TextLayerOptions) -> PageOcr | None:
    """The page read from its text layer's ``lines`` (``read_text_layer`` at the DPI
    ``image`` was rasterised at), or None when it must be OCR'd (a scan)."""
    if not is_born_digital(lines, image, options):
        return None
    height, width = image.shape[:2]
    return PageOcr(number=number, width=width, height=height, lines=lines, text=text_of(lines),
                   mean_confidence=PDF_CONFIDENCE, text_source="pdf")


def original_page_pdf(source: PdfPage) -> bytes:
    """A one-page PDF holding the original page as it is (content, fonts, images)."""
    with pikepdf.open(source.path) as original, pikepdf.new() as single:
        single.pages.append(original.pages[source.index])
        buffer = BytesIO()
        single.save(buffer)
        return buffer.getvalue()
