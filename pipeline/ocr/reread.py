"""A second reading of the page's number words, with digits only, to catch confident misreads.

Tesseract's language model now and then reads a printed digit as another with full
confidence («0888…» as «0558…», «0880.408.169» as «0850.406.169»); no confidence threshold
separates those words from the right ones. Read a second time from the same pixels with only
digits and their separators allowed (one Tesseract call per page, the words' crops stacked
into one strip), such a word mostly comes out right. Where the two readings of a word's digits
disagree, the word cannot be trusted: its confidence is set to 0, so that extraction leaves
any value built on it out of the fields and sends the record to review (a wrong value is worse
than a missing one), rather than guessing which reading is right.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from pipeline.ocr import OcrEngine, OcrOptions, engine_for, parse_tsv
from schemas.errors import ConfigurationError, OcrError
from schemas.ocr import OcrWord, PageOcr

log = logging.getLogger(__name__)

# A number word: digits with the separators of dates, phone numbers and codes, and enough
# digits for a misread one to change a value (list numbers «1.» are left alone).
_NUMBER_WORD = re.compile(r"[0-9][0-9./\-]*[0-9][.,:;]?")
MIN_DIGITS = 4
WHITELIST = "0123456789./-"
# Digits are Latin: English's model (installed with Tesseract itself) read them with fewer
# false disagreements than Vietnamese's in measurements (0 vs 2 on 60 scans).
DIGIT_LANGUAGE = "eng"
_PAD = 6  # pixels kept around a word's box, so that no stroke is cut


@dataclass(frozen=True)
class Band:
    """Where one word's crop sits in the strip: rows [top, bottom)."""

    line: int
    word: int
    top: int
    bottom: int


def is_number_word(text: str) -> bool:
    """Whether a word is a number worth reading again (see ``MIN_DIGITS``)."""
    return bool(_NUMBER_WORD.fullmatch(text)) and sum(c.isdigit() for c in text) >= MIN_DIGITS


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _crop(image: np.ndarray, word: OcrWord) -> np.ndarray:
    x0, y0, x1, y1 = word.bbox
    height, width = image.shape[:2]
    return image[max(0, y0 - _PAD):min(height, y1 + _PAD), max(0, x0 - _PAD):min(width, x1 + _PAD)]


def stack_crops(image: np.ndarray, page: PageOcr) -> tuple[np.ndarray | None, list[Band]]:
    """The number words' crops one under another on white, a word's height apart (so that
    Tesseract sees each as its own line), and where each sits. None when there are none."""
    crops, bands, top = [], [], 0
    for li, line in enumerate(page.lines):
        for wi, word in enumerate(line.words):
            if is_number_word(word.text):
                crop = _crop(image, word)
                crops.append((top, crop))
                bands.append(Band(li, wi, top, top + crop.shape[0]))
                top += 2 * crop.shape[0]
    if not crops:
        return None, []
    width = max(c.shape[1] for _, c in crops) + 2 * _PAD
    strip = np.full((top, width), 255, dtype=np.uint8)
    for offset, crop in crops:
        grey = crop if crop.ndim == 2 else crop.mean(axis=2).astype(np.uint8)
        strip[offset:offset + grey.shape[0], _PAD:_PAD + grey.shape[1]] = grey
    return strip, bands


def read_strip(strip: np.ndarray, bands: list[Band], options: OcrOptions,
               engine: OcrEngine | None = None) -> list[str]:
    """Each band's text as read with digits only (one engine call for the strip)."""
    tsv = (engine or engine_for(options)).read_digits(strip, options, DIGIT_LANGUAGE, WHITELIST)
    texts = ["" for _ in bands]
    for word in (w for line in parse_tsv(tsv) for w in line.words):
        middle = (word.bbox[1] + word.bbox[3]) / 2
        for index, band in enumerate(bands):
            if band.top <= middle < band.bottom:
                texts[index] += word.text
    return texts


def reread_digits(image: np.ndarray, page: PageOcr, options: OcrOptions,
                  engine: OcrEngine | None = None) -> PageOcr:
    """The page with every number word whose digits a digit-only second reading does not
    confirm set to confidence 0 (see the module's doc). ``image`` is the image ``page`` was
    read from (its boxes' pixel grid); ``engine`` by default the one ``options`` select."""
    strip, bands = stack_crops(image, page)
    if strip is None:
        return page
    try:
        second = read_strip(strip, bands, options, engine)
    except (OcrError, ConfigurationError) as exc:
        # The second reading only checks the first; when it cannot be had (a timeout, no
        # English model), the page stands as first read.
        log.warning("page %d: digits not read again: %s", page.number, exc)
        return page
    doubted = {(b.line, b.word) for b, text in zip(bands, second, strict=True)
               if digits_of(text) != digits_of(page.lines[b.line].words[b.word].text)}
    if not doubted:
        return page
    lines = [line.model_copy(update={"words": [
                 w.model_copy(update={"confidence": 0.0}) if (li, wi) in doubted else w
                 for wi, w in enumerate(line.words)]})
             for li, line in enumerate(page.lines)]
    return page.model_copy(update={"lines": lines})
