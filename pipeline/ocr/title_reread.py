"""A page's title that Tesseract's page layout left out, read again on its own line.

On a hard scan (grey noisy paper, blurred bold print, skewed 4.5°) Tesseract's layout
analysis gave the title line «TỜ KHAI ĐĂNG KÝ KHAI SINH» no block at all: not one word of it
came out, while the same pixels cropped to the line read it whole. Without its title the form
was filed as a document of no type and all 15 of its fields were lost (forms, hard tuning
seed 11). So on a page where no known type's title is read, the ink lines of the page's upper
half that no word covers, and its lines of capitals read unsurely (a title run together with
the motto: «TÙIKHAIĐĂNG KÝ KHAI sim»), are read again, each as a line of its own, in one
engine call; a line read again that is a known type's title is added to the page. Nothing
else read there is added: an unread line may be noise, a seal or a signature, and is not
trusted as text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from statistics import median

import cv2
import numpy as np

from pipeline.doctypes import DocTypeDefinition
from pipeline.ocr import OcrEngine, OcrOptions, engine_for
from pipeline.ocr.reread import _PAD as _STRIP_PAD
from pipeline.ocr.reread import (
    LETTER_LANGUAGE,
    Band,
    band_words,
    bundled_doctypes,
    stacked,
)
from pipeline.text import uppercase_share
from schemas.errors import ConfigurationError, OcrError
from schemas.ocr import BBox, OcrLine, OcrWord, PageOcr

log = logging.getLogger(__name__)

TOP_SHARE = 0.5  # titles stand in the page's upper half
MAX_LINES = 4  # the widest unread lines read again, at most
# An unread line is as tall as print (0.5–3 × the page's median word height: a title is
# set larger, and specks grow a noisy page's word boxes) and at least 4 times as wide as
# tall (a word of a title or more).
MIN_HEIGHT, MAX_HEIGHT, MIN_ASPECT = 0.5, 3.0, 4.0
_COVER_PAD = 4  # pixels around a read word's box that count as read too
_PAD = 6  # pixels kept around an unread line's box, so that no stroke is cut
_INK = 128  # the OCR image is black and white (or grey on a faint page): ink is darker


def reread_lost_title(image: np.ndarray, page: PageOcr, options: OcrOptions,
                      engine: OcrEngine | None = None,
                      doctypes: Sequence[DocTypeDefinition] | None = None) -> PageOcr:
    """``page`` with a known type's title added where its reading had none and a line of
    its upper half read again on its own reads as one: a line of ink no word covers
    (``unread_lines``) or a line of capitals read unsurely (``unsure_capital_lines``); else
    ``page`` as it is. A page whose lines cannot be read again for its own reasons stands
    as first read; a retryable engine failure is raised (the page is tried again)."""
    types = bundled_doctypes() if doctypes is None else tuple(doctypes)
    if not page.lines or not types or _has_title(page, types):
        return page
    capitals = min(doctype.matching.title_uppercase_share for doctype in types)
    boxes = (unread_lines(image, page) + unsure_capital_lines(page, capitals))[:MAX_LINES]
    if not boxes:
        return page
    crops = [(index, 0, _crop(image, box)) for index, box in enumerate(boxes)]
    read = read_crops(crops, page.number, options, engine, "unread lines")
    if read is None:
        return page
    for box, (band, words) in zip(boxes, read, strict=True):
        for line in _rows([_placed(w, box, band.top) for w in words]):
            if _has_title(page.model_copy(update={"lines": [line]}), types):
                log.info("page %d: title «%s» read again on its own line", page.number,
                         line.text)
                return _with_line(page, line)
    return page


def read_crops(crops: list[tuple[int, int, np.ndarray]], number: int, options: OcrOptions,
               engine: OcrEngine | None, what: str) -> list[tuple[Band, list[OcrWord]]] | None:
    """Crops of page ``number`` read in the pages' language, one under another in one
    engine call (``stacked``): each crop's band in the strip and the words read in it. None
    when they cannot be read for the page's own reasons (logged, naming ``what``: the page
    stands as first read); a retryable engine failure is raised (the page is tried again,
    as ``reread_digits`` does)."""
    strip, bands = stacked(crops)
    try:
        tsv = (engine or engine_for(options)).read_digits(strip, options, LETTER_LANGUAGE, "")
    except (OcrError, ConfigurationError) as exc:
        if exc.retryable:
            raise
        log.warning("page %d: %s not read again: %s", number, what, exc)
        return None
    return list(zip(bands, band_words(tsv, bands), strict=True))


# A line of the upper half mostly in capitals (a title's print) with a word read under this
# (0..100) is read again too: a hard ruled-table form's title came out «TÙIKHAIĐĂNG KÝ KHAI
# sim» at 35–65, run together with the motto above it into one line; read again on its own,
# «TỜ KHAI ĐĂNG KÝ KHAI SINH» at 92–97 (forms hard tuning seed 61).
UNSURE_TITLE_WORD = 70.0


def unsure_capital_lines(page: PageOcr, capitals: float) -> list[BBox]:
    """Boxes of the lines of the page's upper half whose letters are at least ``capitals``
    capitals (a title's share, as the types look for titles) with a word read unsurely
    (``UNSURE_TITLE_WORD``), top first."""
    half = page.height * TOP_SHARE
    return [line.bbox for line in page.lines
            if line.words and line.bbox[1] < half and uppercase_share(line.text) >= capitals
            and min(w.confidence for w in line.words) < UNSURE_TITLE_WORD]


def _rows(words: list[OcrWord]) -> list[OcrLine]:
    """Words read again grouped into lines: a word whose middle lies within the previous
    word's height of a line's first word's middle belongs to it (one crop may hold two
    lines: Tesseract's line box ran a title and the motto above it together)."""
    lines: list[list[OcrWord]] = []
    for word in sorted(words, key=_middle):
        if lines and abs(_middle(word) - _middle(lines[-1][0])) <= (
                lines[-1][0].bbox[3] - lines[-1][0].bbox[1]) / 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [OcrLine(words=sorted(line, key=lambda w: w.bbox[0])) for line in lines]


def _middle(word: OcrWord) -> float:
    return (word.bbox[1] + word.bbox[3]) / 2


def _has_title(page: PageOcr, doctypes: Sequence[DocTypeDefinition]) -> bool:
    from pipeline.extract import laid_out, title_score  # extraction's, loaded when needed

    rows = laid_out([page])[0].rows
    return any(title_score(rows, doctype)[0] > 0 for doctype in doctypes)


def unread_lines(image: np.ndarray, page: PageOcr) -> list[BBox]:
    """Boxes of the lines of ink in the page's upper half that no read word covers, as
    tall as print and several times wider than tall, widest first (``MAX_LINES``)."""
    heights = [w.bbox[3] - w.bbox[1] for w in page.words if any(c.isalpha() for c in w.text)]
    if not heights:
        return []
    text_height = median(heights)
    top = int(image.shape[0] * TOP_SHARE)
    ink = cv2.compare(image[:top], _INK, cv2.CMP_LT)
    for word in page.words:
        x0, y0, x1, y1 = word.bbox
        if y0 < top:
            pad = _COVER_PAD
            ink[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 0
    # A line's letters joined: a gap up to the print's height (a word space) is closed,
    # across only (up and down, a noisy page's specks joined every line into one). Tone
    # marks standing apart are taken in by the crop (``_crop``).
    across = max(3, int(text_height))
    joined = cv2.dilate(ink, np.ones((1, across), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    boxes = [_undilated(x, y, w, h, across) for x, y, w, h, _ in stats[1:count]]
    lines = [b for b in boxes if MIN_HEIGHT * text_height <= b[3] - b[1] <= MAX_HEIGHT
             * text_height and b[2] - b[0] >= MIN_ASPECT * (b[3] - b[1])]
    return sorted(lines, key=lambda b: b[2] - b[0], reverse=True)[:MAX_LINES]


def _undilated(x: int, y: int, width: int, height: int, across: int) -> BBox:
    """A component's box of the ink dilated ``across``, as the ink's own."""
    return (int(x + across // 2), int(y), int(x + width - (across - 1 - across // 2)),
            int(y + height))


def _crop(image: np.ndarray, box: BBox) -> np.ndarray:
    """The line's pixels, with half its height more above it: capitals' tone marks (Ờ, Ý)
    stand apart from their letters, above the line's box."""
    x0, y0, x1, y1 = box
    height, width = image.shape[:2]
    return image[max(0, y0 - _above(box)):min(height, y1 + _PAD),
                 max(0, x0 - _PAD):min(width, x1 + _PAD)]


def _above(box: BBox) -> int:
    return max(_PAD, (box[3] - box[1]) // 2)


def _placed(word: OcrWord, box: BBox, band_top: int) -> OcrWord:
    """A word read in the strip (its crop set ``_STRIP_PAD`` from the strip's left), in the
    page's pixels."""
    dx, dy = max(0, box[0] - _PAD) - _STRIP_PAD, max(0, box[1] - _above(box)) - band_top
    x0, y0, x1, y1 = word.bbox
    return word.model_copy(update={"bbox": (x0 + dx, y0 + dy, x1 + dx, y1 + dy)})


def _with_line(page: PageOcr, line: OcrLine, cleared: BBox | None = None) -> PageOcr:
    """The page with ``line`` among its lines before the first line below it, and in its
    text before that line's text (at the top when none follows); the words it was read
    again from leave the page (:func:`_without_words_under`), and so do those in
    ``cleared`` (a row the line read again replaces whole)."""
    page = _without_words_under(page, line, cleared)
    below = next((i for i, ln in enumerate(page.lines) if ln.bbox[1] > line.bbox[1]),
                 len(page.lines))
    lines = [*page.lines[:below], line, *page.lines[below:]]
    at = page.text.find(page.lines[below].text) if below < len(page.lines) else -1
    text = (page.text[:at] + line.text + "\n" + page.text[at:] if at >= 0
            else line.text + "\n" + page.text)
    return page.model_copy(update={"lines": lines, "text": text})


def _without_words_under(page: PageOcr, title: OcrLine, cleared: BBox | None = None
                         ) -> PageOcr:
    """The page without the words whose middle lies in a word of ``title`` (a title's line
    read again: the same ink read before), in its lines and its text. Kept beside the title
    read again, they were laid out with its words into one row («TỜ KHAI KHAI KỶ KỶ KHAI
    KHAI SINH SINH»), no title at all: a hard book_boxed form at forms tuning seed 71 whose
    title ran into the motto's line was filed as no type. Words of the line read again
    taller than twice its middle one (a ruled line's stroke read «ị») cover nothing. Words
    whose middle lies in ``cleared`` leave too."""
    tall = 2 * median(w.bbox[3] - w.bbox[1] for w in title.words)
    boxes = [w.bbox for w in title.words if w.bbox[3] - w.bbox[1] <= tall]
    boxes += [cleared] if cleared is not None else []

    def covered(word: OcrWord) -> bool:
        x, y = (word.bbox[0] + word.bbox[2]) / 2, _middle(word)
        return any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)

    lines, text = [], page.text.split("\n")
    for line in page.lines:
        kept = [w for w in line.words if not covered(w)]
        if len(kept) == len(line.words):
            lines.append(line)
            continue
        rest = line.model_copy(update={"words": kept})
        if kept:
            lines.append(rest)
        at = next((i for i, t in enumerate(text) if t == line.text), None)
        if at is not None:  # the line's own row of the text, not a piece of another's
            text[at:at + 1] = [rest.text] if kept else []
    return page.model_copy(update={"lines": lines, "text": "\n".join(text)})
