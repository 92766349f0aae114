"""A record's pages as pictures for the review page, rendered from its stored searchable PDF.

Field boxes are in pixels of the page image as stored (contract §3), which is the picture each
page of the searchable PDF carries: :func:`page_sizes` reads those pixel sizes, so a box drawn
over a rendering of any size lands where it was read. Rendering goes through poppler's
``pdftoppm`` (pdf2image), which the pipeline already needs.
"""

from __future__ import annotations

import io

import pikepdf
from pdf2image import convert_from_bytes
from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

from office.services import Services
from schemas.errors import SohoaError
from schemas.record import DossierRecord

DISPLAY_DPI = 110  # an A4 page ~910 px wide: sharp enough to read, quick to send
RENDER_TIMEOUT_SECONDS = 60


class PageImageError(SohoaError):
    """The page cannot be shown: no searchable PDF, no such page, or a PDF poppler refuses."""


def stored_pdf(services: Services, record: DossierRecord) -> bytes:
    """The record's searchable PDF; PageImageError when it has none."""
    if not record.pdf_key:
        raise PageImageError(f"record {record.id} has no searchable PDF to show")
    return services.store.get_bytes(record.pdf_key)


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's (width, height) in pixels of its largest picture (the scan as stored);
    a page without one gets its size in points."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [_page_size(page) for page in document.pages]


def _page_size(page: pikepdf.Page) -> tuple[int, int]:
    sizes = [(int(image.Width), int(image.Height)) for image in page.images.values()]
    if sizes:
        return max(sizes, key=lambda size: size[0] * size[1])
    box = page.mediabox
    return int(float(box[2]) - float(box[0])), int(float(box[3]) - float(box[1]))


def render_page(pdf: bytes, number: int, dpi: int = DISPLAY_DPI) -> bytes:
    """Page ``number`` (1-based) as PNG bytes; PageImageError when there is no such page."""
    try:
        images = convert_from_bytes(pdf, dpi=dpi, first_page=number, last_page=number,
                                    fmt="png", timeout=RENDER_TIMEOUT_SECONDS)
    except (PDFPageCountError, PDFSyntaxError) as error:
        raise PageImageError(f"the searchable PDF cannot be rendered: {error}") from error
    if not images:
        raise PageImageError(f"the searchable PDF has no page {number}")
    out = io.BytesIO()
    images[0].save(out, format="PNG", optimize=False)
    return out.getvalue()
