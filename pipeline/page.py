"""One page, decoded, to what the rest needs of it: its reading and its searchable PDF page.

The page sequence as one plain function (read → re-read number words with digits only →
re-read dossier codes → searchable PDF page → barcodes and QR codes; a born-digital PDF page
is read from its own text layer instead and kept as it is, pipeline/pdf/textlayer.py), so that
the Prefect task only adds I/O, a slot and retries around it, as OCRmyPDF hands its page
function to an executor, and the benchmarks run the very same steps without a server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.barcodes import (
    MAX_COVER_WORDS,
    is_dossier_code,
    read_codes,
    read_codes_again,
    sure_words,
)
from pipeline.doctypes import DocTypeDefinition
from pipeline.image.preprocess import PreprocessOptions
from pipeline.image.seals import find_page_seals
from pipeline.load import FileFormat
from pipeline.ocr import OcrOptions, engine_for
from pipeline.ocr.code_reread import reread_codes
from pipeline.ocr.reread import reread_digits, reread_letters
from pipeline.ocr.second_pass import SecondPassOptions, read_page
from pipeline.ocr.signer_reread import reread_signer_title
from pipeline.ocr.title_reread import reread_lost_title
from pipeline.pdf import PageSource, archival_page_pdf, build_page_pdf
from pipeline.pdf.textlayer import (
    PdfPage,
    TextLayerOptions,
    has_enough_words,
    original_page_pdf,
    page_from_text_layer,
    read_text_layer,
)
from pipeline.regions import has_signature_block
from schemas.ocr import PageCode, PageOcr, PageSeal


@dataclass(frozen=True)
class PageOptions:
    """Everything the page sequence is told (the settings build it: ``Settings.page_options``)."""

    ocr: OcrOptions = field(default_factory=OcrOptions)
    preprocess: PreprocessOptions = field(default_factory=PreprocessOptions)
    second_pass: SecondPassOptions = field(default_factory=SecondPassOptions)
    text_layer: TextLayerOptions = field(default_factory=TextLayerOptions)
    pdf_jpeg_quality: int = 85
    work_dir: Path | None = None
    # The document types whose free-text values the letter re-read checks (None: the bundled
    # ones; pipeline/ocr/reread.py): a configured type's own labels too.
    doctypes: tuple[DocTypeDefinition, ...] | None = None


@dataclass(frozen=True)
class PageResult:
    """A page as read (with its rotation and skew) and its page of the searchable PDF."""

    page: PageOcr
    pdf: bytes


def process_page(decode: Callable[[], np.ndarray], number: int, options: PageOptions,
                 source: PageSource | None = None) -> PageResult:
    """Decode, clean and read page ``number`` (1-based), check its number words, and build
    its searchable PDF page. ``decode`` is called once, twice only when a page that reads as
    if upside down is read again turned (pipeline/ocr/second_pass.py).

    ``source`` is where the page comes from (None: make the plain searchable page). A PDF
    page whose own text layer covers its text is read from that layer and kept as the
    original page; any other page's PDF is the archival one (the original page or image
    untouched, with the text layer on it).
    """
    decoder = Decoder(decode)
    if (source is not None and source.format is FileFormat.PDF
            and options.text_layer.enabled):
        born_digital = read_born_digital(decoder, PdfPage(source.path, source.index), number,
                                         options)
        if born_digital is not None:
            return born_digital
    # One engine for every call on the page (reading, OSD, the digits, a second pass): the
    # warm one is this thread's, loaded once.
    engine = engine_for(options.ocr)
    reading = read_page(decoder, number, options.preprocess, options.ocr, options.second_pass,
                        options.work_dir, engine)
    prepared, recognition = reading.prepared, reading.recognition
    # Number words read again with digits only: a confident digit misread goes to review
    # instead of into the fields (pipeline/ocr/reread.py).
    checked = reread_digits(prepared.ocr_image, recognition.page, options.ocr, engine)
    # Words of letters read unsurely read again enlarged: a wrong tone mark in a free-text
    # value goes to review where the readings differ (pipeline/ocr/reread.py).
    checked = reread_letters(prepared.ocr_image, checked, options.ocr, engine, options.doctypes)
    # A printed dossier code read again on its line only, for extraction to check and give
    # (pipeline/ocr/code_reread.py): one small call, on pages that print a code.
    checked = reread_codes(prepared.ocr_image, checked, options.ocr, engine)
    # A title the page's layout analysis left out, read on its own line: without it the
    # document has no type (pipeline/ocr/title_reread.py).
    checked = reread_lost_title(prepared.ocr_image, checked, options.ocr, engine,
                                options.doctypes)
    # The signer's title under a seal, read on its own line (pipeline/ocr/signer_reread.py).
    checked = reread_signer_title(prepared.ocr_image, checked, options.ocr, engine,
                                  options.doctypes, prepared.display_image)
    pdf = (archival_page_pdf(source, prepared, recognition.text_layer_pdf) if source else
           build_page_pdf(prepared.display_image, recognition.text_layer_pdf, options.ocr.dpi,
                          options.pdf_jpeg_quality))
    page = checked.model_copy(update={"rotation": prepared.rotation,
                                      "skew_degrees": prepared.skew_degrees,
                                      "codes": codes_on(prepared.display_image, checked),
                                      "seals": seals_on(prepared.display_image, checked,
                                                        options.ocr.dpi)})
    return PageResult(page=page, pdf=pdf)


class Decoder:
    """A page's decoding, done once for the born-digital check and the reading together.

    A scanned PDF page was rasterised twice (the check decoded it, then the reading): pdftoppm
    at 300 DPI is ~0.3 s a page quiet, 1.3 s on a loaded 2-core machine, as much as a fifth
    of the page's own work. ``keep`` decodes and holds the image for the next call only, so
    a page read again turned (rare) is decoded afresh rather than held during OCR.
    """

    def __init__(self, decode: Callable[[], np.ndarray]) -> None:
        self._decode = decode
        self._kept: np.ndarray | None = None

    def keep(self) -> np.ndarray:
        """Decode now and hand the same image to the next call."""
        self._kept = self._decode()
        return self._kept

    def __call__(self) -> np.ndarray:
        image, self._kept = self._kept, None
        return image if image is not None else self._decode()


def read_born_digital(decoder: Decoder, source: PdfPage, number: int,
                      options: PageOptions) -> PageResult | None:
    """The page from its text layer, kept as the original PDF page; None for a scan.

    The text layer is read first (pdftotext, ~20 ms): a page with too few words is a scan,
    known without its pixels. Otherwise the page is rasterised at ``options.ocr.dpi``, the
    grid the word boxes are scaled to, to measure how much of its ink the words explain; the
    image is kept for the reading if the page is a scan after all. A born-digital page is
    stored as it is (no turn, no deskew), as the original page is.
    """
    lines = read_text_layer(source, options.ocr.dpi)
    if not has_enough_words(lines, options.text_layer):
        return None
    image = decoder.keep()
    page = page_from_text_layer(lines, image, number, options.text_layer)
    if page is None:
        return None
    page = page.model_copy(update={"codes": codes_on(image),
                                   "seals": seals_on(image, page, options.ocr.dpi)})
    return PageResult(page=page, pdf=original_page_pdf(source))


def codes_on(image: np.ndarray, page: PageOcr | None = None) -> list[PageCode]:
    """The barcodes and QR codes on the page as stored (upright and deskewed: zxing-cpp
    reads no Code 128 tilted past ~8°, pipeline/barcodes.py), boxes as corners. A scanned
    ``page`` that may carry a dossier code's bars (:func:`may_carry_bars`) and has none
    decoded is searched again (``read_codes_again``: bars averaged, QR codes de-grained)."""
    codes = read_codes(image)
    if (page is not None and not any(is_dossier_code(code.text) for code in codes)
            and may_carry_bars(page)):
        codes += read_codes_again(image)
    return [PageCode(text=code.text, format=code.format,
                     bbox=(code.bbox[0], code.bbox[1], code.bbox[0] + code.bbox[2],
                           code.bbox[1] + code.bbox[3]))
            for code in codes]


def may_carry_bars(page: PageOcr) -> bool:
    """Whether a page may carry a dossier code's symbol: it prints a dossier code (its line
    was read again, pipeline/ocr/code_reread.py), or holds no more words read surely than
    a cover sheet (``MAX_COVER_WORDS``). Other pages (forms, copies: most pages) are not
    searched again: ~25 ms a page."""
    if page.code_readings:
        return True
    return sure_words(page.lines) <= MAX_COVER_WORDS


def seals_on(image: np.ndarray, page: PageOcr, dpi: int) -> list[PageSeal]:
    """The round seals on the page as stored (pipeline/image/seals.py), looked for only on a
    page with a signature block, where a seal counts (pipeline/regions.py read_seal): the
    search costs 0.07 s a clean page, 0.5 s a hard colour one, and most pages of a one-stop
    shop are forms and receipts with no such block."""
    if not has_signature_block(page):
        return []
    return [PageSeal(bbox=seal.bbox, method=seal.method) for seal in find_page_seals(image, dpi)]
