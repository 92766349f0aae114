"""Searchable PDF: the page image as scanned (corrected for rotation and skew) under
Tesseract's invisible text layer, then all pages of a file joined into one document."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
import pikepdf

from schemas.errors import TemporarySpaceError, is_out_of_space


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


def merge_page_pdfs(page_pdfs: Iterable[Path], destination: Path) -> None:
    """Join single-page PDFs, in order, into one file at ``destination``."""
    merged = pikepdf.new()
    opened: list[pikepdf.Pdf] = []
    try:
        for path in page_pdfs:
            source = pikepdf.open(path)
            opened.append(source)
            merged.pages.extend(source.pages)
        merged.save(destination)
    except OSError as exc:
        if is_out_of_space(exc):
            raise TemporarySpaceError.in_folder(destination.parent, exc) from exc
        raise
    finally:
        for source in opened:
            source.close()


def _save(pdf: pikepdf.Pdf) -> bytes:
    buffer = BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()
