"""A second OCR pass for a page whose first reading failed: read again, turned half round.

The orientation check (pipeline/ocr/orientation.py) is right on almost every page, but on a badly
damaged scan it can take the page for upside down (measured: 1 hard page of ~470 pages in
four generated corpora, a whole form's fields lost). Tesseract then reads junk, which its
confidences show plainly: a page mean of 39 where every other page measured had 69 or
more. Such a page is prepared again turned 180° and read again, and the reading with the
higher mean confidence is kept. A page read well costs nothing more.

Measured and left out: reading weak lines again from the grey image, enlarged, one strip per
page (as pipeline/ocr/reread.py does for number words), a line's second reading kept when
surer. On 30 hard files it mended 4 values and spoilt 4 (precision 0.972 → 0.964), and
nearly doubled the hard pages' OCR time, since almost every hard page has some weak word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from pydantic import BaseModel, Field

from pipeline.image.clean import as_gray
from pipeline.image.preprocess import (
    PreparedPage,
    PreprocessOptions,
    prepare_page,
)
from pipeline.image.rules import MIN_RULE_PX, down_kernel, ink_below, ink_has_table
from pipeline.ocr import (
    OcrEngine,
    OcrOptions,
    PageRecognition,
    engine_for,
    recognize_page,
    text_in_rows,
)
from schemas.ocr import PageOcr


class SecondPassOptions(BaseModel):
    """When a page is read a second time (embedded in the settings as ``second_pass``)."""

    turn_below_confidence: float = Field(
        55.0, ge=0, le=100, description="a page read with a lower mean word confidence is "
        "read again turned 180° (its orientation was most likely misjudged), and the surer "
        "reading kept; 0 = never")


@dataclass(frozen=True)
class PageReading:
    """A page as finally prepared and read, and whether it took a second reading."""

    prepared: PreparedPage
    recognition: PageRecognition
    extra_calls: int  # Tesseract calls beyond the first reading
    turned: bool  # the page's turned reading was kept


def needs_turn(page: PageOcr, options: SecondPassOptions) -> bool:
    """Whether a page's reading is bad enough that it was probably read upside down (a page
    without any text is not: turning a blank page reads nothing either)."""
    return bool(page.lines) and page.mean_confidence < options.turn_below_confidence


def read_page(decode: Callable[[], np.ndarray], number: int, preprocess: PreprocessOptions,
              ocr: OcrOptions, options: SecondPassOptions,
              work_dir: Path | None = None, engine: OcrEngine | None = None) -> PageReading:
    """Decode (``decode``), prepare and OCR a page; when its reading looks upside down
    (``needs_turn``), prepare it again turned 180° from the detected orientation, read it
    again and keep the reading with the higher mean confidence (with its prepared images, so
    that the searchable PDF matches it).

    The decoded page is not held while Tesseract reads: a page turned again is decoded
    again, which costs a fraction of its reading and only on such pages, where holding every
    page's pixels would raise the peak memory of every run.
    """
    # One engine for OSD and reading (``engine``, by default the one the settings name).
    engine = engine or engine_for(ocr)
    image = decode()
    prepared = prepare_page(image, preprocess, engine=engine)
    del image  # not held while Tesseract reads (see above)
    recognition = recognize_page(prepared.ocr_image, number, ocr, work_dir, engine)
    if not needs_turn(recognition.page, options):
        return _in_rows(PageReading(prepared, recognition, extra_calls=0, turned=False),
                        preprocess)
    turned = prepare_page(decode(), preprocess, rotation=(prepared.rotation + 180) % 360)
    again = recognize_page(turned.ocr_image, number, ocr, work_dir, engine)
    if again.page.mean_confidence > recognition.page.mean_confidence:
        return _in_rows(PageReading(turned, again, extra_calls=1, turned=True), preprocess)
    return _in_rows(PageReading(prepared, recognition, extra_calls=1, turned=False), preprocess)


def _in_rows(reading: PageReading, preprocess: PreprocessOptions) -> PageReading:
    """The reading with its page text in printed rows (``text_in_rows``) when the page holds
    a ruled table, whose columns Tesseract reads one after the other; as read otherwise."""
    if not preprocess.remove_rules or not has_ruled_table(reading.prepared.display_image):
        return reading
    page = reading.recognition.page
    page = page.model_copy(update={"text": text_in_rows(page.lines)})
    return replace(reading, recognition=replace(reading.recognition, page=page))


def has_ruled_table(image: np.ndarray) -> bool:
    """Whether the page (as displayed, deskewed) holds a ruled table (``has_table``); a page
    without a vertical run of ink as long as the shortest rule is answered without looking
    for rules (as ``remove_ruled_lines`` does)."""
    # The page's ink made once, by one threshold pass, and from the page itself when it is
    # grey (nothing writes to it): a copy, a compare, a conversion to uint8 and a second
    # ink mask for the table test were ~10 ms a 300-DPI page.
    ink = ink_below(as_gray(image))
    if not cv2.countNonZero(cv2.erode(ink, down_kernel(ink, MIN_RULE_PX))):
        return False
    return ink_has_table(ink)
