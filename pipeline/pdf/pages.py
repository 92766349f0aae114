"""Searchable PDF: the page as scanned under Tesseract's invisible text layer, then all pages
of a file joined into one PDF/A-2b document.

``archival_page_pdf`` is the page the flow stores: a PDF page is kept as it is (its image
streams byte for byte) with the text layer grafted on, as OCRmyPDF does; an image file's
page keeps the scan's own encoding (pipeline/pdf/images.py). Rotation and skew are carried
by the page's ``/Rotate`` and the text layer's matrix (pipeline/pdf/geometry.py), not by
resampling the scan. ``build_page_pdf`` (the corrected image re-encoded as JPEG) made
searchable PDFs 4× the originals and bilevel scans 12–68×; it stays for callers that have
only pixels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
import pikepdf

from pipeline.image.preprocess import PreparedPage
from pipeline.load import FileFormat
from pipeline.pdf.geometry import PageGeometry, pdf_operands, pixels_to_page, text_layer_matrix
from pipeline.pdf.images import page_image
from pipeline.pdf.pdfa import PdfaError, save_pdfa
from schemas.errors import TemporarySpaceError, is_out_of_space


@dataclass(frozen=True)
class PageSource:
    """Where a page came from: its file, the file's format, its index (0-based) and the
    DPI it was decoded at (the OCR's)."""

    path: Path
    format: FileFormat
    index: int
    dpi: int


def archival_page_pdf(source: PageSource, prepared: PreparedPage, text_layer_pdf: bytes) -> bytes:
    """One page of the archival searchable PDF: the original page or image, untouched,
    with the text layer drawn where the OCR found the words."""
    geometry = PageGeometry(prepared.rotation, prepared.crop_box, prepared.skew_degrees,
                            source.dpi)
    display = (prepared.display_image.shape[1], prepared.display_image.shape[0])
    if source.format is FileFormat.PDF:
        return _graft_on_pdf_page(source, geometry, display, text_layer_pdf)
    return _image_page(source, geometry, display, text_layer_pdf)


def _graft_on_pdf_page(source: PageSource, geometry: PageGeometry, display: tuple[int, int],
                       text_layer_pdf: bytes) -> bytes:
    """The original PDF page (copied object for object) with the text layer added."""
    with pikepdf.open(source.path) as original:
        pdf = pikepdf.new()
        pdf.pages.append(original.pages[source.index])
        page = pdf.pages[0]
        box = tuple(float(v) for v in page.cropbox)
        turned = int(page.obj.get("/Rotate", 0)) % 360
        # poppler rendered the visible box turned by the page's own /Rotate.
        width, height = box[2] - box[0], box[3] - box[1]
        shown = (height, width) if turned in (90, 270) else (width, height)
        decoded = (shown[0] * source.dpi / 72, shown[1] * source.dpi / 72)
        _overlay_text(pdf, page, text_layer_pdf, geometry, display,
                      pixels_to_page(box, turned, source.dpi), decoded)
        page.obj.Rotate = (turned + geometry.rotation) % 360
        return _save(pdf)


def _image_page(source: PageSource, geometry: PageGeometry, display: tuple[int, int],
                text_layer_pdf: bytes) -> bytes:
    """A page the size of the scan at its DPI, the scan drawn in its own encoding."""
    image = page_image(source.path, source.index)
    width, height = (side * 72 / source.dpi for side in image.size)
    pdf = pikepdf.new()
    page = pikepdf.Page(pdf.add_blank_page(page_size=(width, height)))
    to_page = pixels_to_page((0, 0, width, height), 0, source.dpi)
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image.to_stream(pdf)))
    draw = f"q {pdf_operands(to_page @ image.place)} cm /Im0 Do Q\n".encode()
    page.obj.Contents = pdf.make_stream(draw)
    _overlay_text(pdf, page, text_layer_pdf, geometry, display, to_page, image.size)
    page.obj.Rotate = geometry.rotation % 360
    return _save(pdf)


def _overlay_text(pdf: pikepdf.Pdf, page: pikepdf.Page, text_layer_pdf: bytes,
                  geometry: PageGeometry, display: tuple[int, int], to_page: np.ndarray,
                  decoded: tuple[float, float]) -> None:
    """Draw Tesseract's text-only page as a form XObject through the matrix that takes the
    OCR image's geometry back to the page's; the page's own content is wrapped in q/Q so
    no state it leaves changes where the text falls, and its streams stay as they were."""
    with pikepdf.open(BytesIO(text_layer_pdf)) as text:
        layer = text.pages[0]
        box = [float(v) for v in layer.mediabox]
        form = pdf.copy_foreign(layer.as_form_xobject())
    matrix = text_layer_matrix(geometry, display, (box[2] - box[0], box[3] - box[1]),
                               to_page, decoded)
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="OCR")
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(f"\nQ q {pdf_operands(matrix)} cm {name} Do Q\n".encode()))


def build_page_pdf(display_image: np.ndarray, text_layer_pdf: bytes, dpi: int,
                   jpeg_quality: int = 85) -> bytes:
    """One PDF page: the display image at ``dpi`` with the text layer laid over it.

    The text layer must come from OCR of an image with the same pixel grid and DPI,
    so that the invisible words fall on the printed ones.
    """
    height, width = display_image.shape[:2]
    page_width, page_height = width * 72 / dpi, height * 72 / dpi
    pdf = pikepdf.new()
    image = _jpeg_xobject(pdf, display_image, jpeg_quality)
    content = f"q {page_width:.4f} 0 0 {page_height:.4f} 0 0 cm /Im0 Do Q".encode()
    page = pikepdf.Page(pdf.add_blank_page(page_size=(page_width, page_height)))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.obj.Contents = pdf.make_stream(content)
    with pikepdf.open(BytesIO(text_layer_pdf)) as text_pdf:
        page.add_overlay(text_pdf.pages[0], pikepdf.Rectangle(0, 0, page_width, page_height))
        return _save(pdf)


def _jpeg_xobject(pdf: pikepdf.Pdf, image: np.ndarray, quality: int) -> pikepdf.Stream:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("page image could not be encoded as JPEG")
    height, width = image.shape[:2]
    colour_space = pikepdf.Name.DeviceGray if image.ndim == 2 else pikepdf.Name.DeviceRGB
    return pikepdf.Stream(
        pdf,
        encoded.tobytes(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=colour_space,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )


def merge_page_pdfs(page_pdfs: Iterable[Path], destination: Path) -> list[str]:
    """Join single-page PDFs, in order, into one PDF/A-2b file at ``destination``.

    Returns what kept it from PDF/A-2b (then it is written as a plain PDF, the pages all
    the same), or an empty list: an original PDF page may hold what PDF/A forbids (an
    unembedded font, transparency), and the document is stored all the same.
    """
    merged = pikepdf.new()
    opened: list[pikepdf.Pdf] = []
    try:
        for path in page_pdfs:
            source = pikepdf.open(path)
            opened.append(source)
            merged.pages.extend(source.pages)
        share_text_layer_fonts(merged)
        return _save_archival(merged, destination)
    except OSError as exc:
        if is_out_of_space(exc):
            raise TemporarySpaceError.in_folder(destination.parent, exc) from exc
        raise
    finally:
        for source in opened:
            source.close()


def share_text_layer_fonts(pdf: pikepdf.Pdf) -> int:
    """Point every page's text layer at one copy of Tesseract's glyphless font; returns the
    copies dropped. Each page's text-only PDF embeds its own (~1 kB: font file, CID map,
    ToUnicode), so a 200-page file held 200 identical fonts for the validator to check.
    Only fonts named ``GlyphLessFont`` are touched: an original page's fonts stay its own."""
    shared: dict[bytes, pikepdf.Object] = {}
    dropped = 0
    for page in pdf.pages:
        for form in _forms(page.obj):
            fonts = form.get("/Resources", {}).get("/Font", {})
            for name, font in list(fonts.items()):
                if font.get("/BaseFont") != pikepdf.Name("/GlyphLessFont"):
                    continue
                first = shared.setdefault(_signature(font), font)
                if first.objgen != font.objgen:
                    fonts[name] = first
                    dropped += 1
    return dropped


def _forms(page: pikepdf.Dictionary) -> list[pikepdf.Stream]:
    """The page's form XObjects (the text layer is one, named ``/OCR…``)."""
    xobjects = page.get("/Resources", {}).get("/XObject", {})
    return [x for x in xobjects.values() if x.get("/Subtype") == pikepdf.Name.Form]


def _signature(obj: pikepdf.Object, depth: int = 0) -> bytes:
    """The object's content (stream data included), for telling identical fonts."""
    if depth > 8:
        return b"?"
    if isinstance(obj, pikepdf.Stream):
        return _signature(obj.stream_dict, depth + 1) + obj.read_raw_bytes()
    if isinstance(obj, pikepdf.Dictionary):
        return b"<<" + b"".join(str(key).encode() + _signature(value, depth + 1)
                                for key, value in sorted(obj.items())) + b">>"
    if isinstance(obj, pikepdf.Array):
        return b"[" + b" ".join(_signature(value, depth + 1) for value in obj) + b"]"
    return repr(obj).encode()


def _save_archival(pdf: pikepdf.Pdf, destination: Path) -> list[str]:
    try:
        save_pdfa(pdf, destination)
    except PdfaError as error:
        pdf.save(destination)
        return [str(finding) for finding in error.report.findings]
    return []


def _save(pdf: pikepdf.Pdf) -> bytes:
    buffer = BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()
