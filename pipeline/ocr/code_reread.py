"""A second reading of a printed dossier code, on its line only, with only its characters.

A receipt prints its dossier code on one line («Mã hồ sơ: 000.00.21.H27-241128-0001»).
Tesseract's Vietnamese model, reading the whole page, splits it into several words read at
confidence 0.09–0.28, or garbles it («9600.31.38.H14-251026-8457»): on the session-8 stacks,
every tuning receipt without a barcode whose code was refused was one of these, and its whole
dossier went to review. Read again from the same pixels, cropped to the code (the words after
the label, or the words a code's structure was found in) and with only digits, «.», «-» and
«H» allowed, the code mostly comes out whole.

Some faces bar or dot their zeros (DejaVu Sans Mono: an oval island inside the ring), and
Tesseract reads such a zero 6, 8 or 9 in both readings («001.21.27.H26-240702-0440» read
«9681.21.27…-6440» and «061.21.27…-60446» on a tuning mild receipt). No character of a code
(digits, «.», «-», «H») has ink inside its hole, so the second reading is made with every
island of ink inside a glyph's hole erased (the zeros then read as zeros) and says how many it
erased: extraction checks a serial the first reading read otherwise by that count.

Where the first two readings disagree (or one reads no code), the line is read twice more:
enlarged, and with its strokes thinned; each is a vote of its own (pipeline/document.py
``provisional_code``). On the hard tuning stacks of dossier seed 13, the thinned reading made
two receipts' codes agree whose dossiers' 6 pages had joined none.

The second reading is kept beside the first (``PageOcr.code_readings``), not put in its
place: it is a candidate that extraction still checks, by structure here and by unit and
received day (pipeline/document.py), and gives only when it passes; where the two readings
disagree, the code is in doubt and the receipt stays in review.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import cv2
import numpy as np

from pipeline.ocr import OcrEngine, OcrOptions, engine_for
from pipeline.ocr.reread import Band, band_words
from pipeline.text import fold
from pipeline.values.dossier_codes import CODE_PATTERN, CODE_TAIL, folded_code_text, read_code
from schemas.errors import ConfigurationError, OcrError
from schemas.ocr import CodeReading, OcrLine, OcrWord, PageOcr, union_bbox

log = logging.getLogger(__name__)

WHITELIST = "0123456789.-H"
# Latin digits and one capital: English's model, as for the digit re-read (reread.py).
CODE_LANGUAGE = "eng"
# The labels a code is printed after (config/doctypes/dossier_receipt.yaml, cover captions),
# folded; «:» may be read or not, and a mark OCR read apart from its letter may stand between
# the words («Mã hô` sơ:» on a tuning mild receipt, whose code the structure alone found).
# The vowel of «hồ» may be misread («Mã hà sơ: 001.31.36.H-10-2-10325-0016», a mild tuning
# receipt of seed 23 whose code neither the label nor the structure found, so that its line
# was not read again and its dossier lost); «ma h? so» is printed on no other line. So may
# «sơ» be, as digits («Mã hồ 80: 001.00.37.H27-2506290106», a hard tuning receipt of seed 23
# whose line was not read again either, its dash lost).
_LABEL = re.compile(r"\bma[\W_]*(?:so[\W_]*)?h[aeiouy][\W_]*(?:so|80|s0|8o)\b\s*:?")
_PAD = 8  # pixels kept around the code's words: a cut stroke makes a new misreading
MAX_CODE_LINES = 3  # a receipt prints one code, a cover sheet one under its symbol
# A barred zero's outline is convex (see :func:`_is_barred_zero`); a hole bent round a bar
# touching one side is far from it (0.79 measured; a plain glyph's hole: 0.87–1.0).
BARRED_MIN_SOLIDITY = 0.955
BENT_HOLE_SOLIDITY = 0.84


def code_words(line: OcrLine) -> list[OcrWord]:
    """The words of ``line`` that hold a dossier code: those after a code label («Mã hồ sơ:»),
    else those a code's structure was found in (pipeline/values/dossier_codes.py), else those
    of a code's last parts and the unit as read before them (:func:`_words_before_tail`);
    none when the line has none of these."""
    words = line.words
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word.text) + 1
    folded = fold(line.text)
    label = _LABEL.search(folded)
    if label is not None:
        after = [w for w, s in zip(words, starts, strict=True) if s >= label.end()]
        if after:
            return after
    found = CODE_PATTERN.search(folded)
    if found is not None:
        return [w for w, s in zip(words, starts, strict=True)
                if s < found.end() and found.start() < s + len(w.text)]
    return _words_before_tail(words, starts, folded)


def _words_before_tail(words: list[OcrWord], starts: list[int], folded: str) -> list[OcrWord]:
    """The words of a code whose label and unit were misread past finding, found by its last
    parts (``CODE_TAIL``: «H52-240617-0329»): those words and the words of two digits or more
    right before them (the unit as read, «000.040,»); none without such a tail. Seed 41 tuning
    hard, read without its barcode: the receipt's line «ã hộ số: 000.040, H52-240617-0329»
    was not read again and its dossier's 7 pages joined none."""
    tail = CODE_TAIL.search(folded)
    if tail is None:
        return []
    inside = [i for i, s in enumerate(starts)
              if s < tail.end() and tail.start() < s + len(words[i].text)]
    first = inside[0]
    # A label word misread with a digit («s0») is no part of the unit: it has one at most.
    while first > 0 and sum(c.isdigit() for c in words[first - 1].text) >= 2:
        first -= 1
    return words[first:inside[-1] + 1]


def stack_code_crops(image: np.ndarray, page: PageOcr
                     ) -> tuple[np.ndarray | None, list[Band], list[list[OcrWord]]]:
    """The code lines' crops one under another on white, a line's height apart, where each
    sits, and the first reading's words of each. None when the page prints no code."""
    spans = [words for line in page.lines if (words := code_words(line))][:MAX_CODE_LINES]
    if not spans:
        return None, [], []
    height, width = image.shape[:2]
    crops, bands, top = [], [], 0
    for index, words in enumerate(spans):
        x0, y0, x1, y1 = union_bbox([w.bbox for w in words])
        crop = image[max(0, y0 - _PAD):min(height, y1 + _PAD),
                     max(0, x0 - _PAD):min(width, x1 + _PAD)]
        crop = crop if crop.ndim == 2 else crop.mean(axis=2).astype(np.uint8)
        crops.append((top, crop))
        bands.append(Band(index, 0, top, top + crop.shape[0]))
        top += 2 * crop.shape[0]
    strip = np.full((top, max(c.shape[1] for _, c in crops) + 2 * _PAD), 255, dtype=np.uint8)
    for offset, crop in crops:
        strip[offset:offset + crop.shape[0], _PAD:_PAD + crop.shape[1]] = crop
    return strip, bands, spans


def _solidity(contour: np.ndarray) -> float:
    """A contour's area as a share of its convex hull's (1: convex)."""
    hull = cv2.contourArea(cv2.convexHull(contour))
    return cv2.contourArea(contour) / hull if hull else 1.0


def _is_barred_zero(outline: np.ndarray, holes: list[np.ndarray], islands: bool) -> bool:
    """Whether a glyph is a zero with a bar or dot inside: a convex outline (an 8 is waisted:
    0.85–0.94 measured on ten faces, where a barred zero scanned at 200 DPI is 0.97–0.98)
    whose inside is not one convex hole (two holes either side of a bar touching the ring,
    a hole bent round it, or ink inside the hole)."""
    if _solidity(outline) < BARRED_MIN_SOLIDITY:
        return False
    return islands or len(holes) > 1 or _solidity(holes[0]) < BENT_HOLE_SOLIDITY


def erase_bars(strip: np.ndarray, bands: list[Band]) -> tuple[np.ndarray, list[int]]:
    """The strip with the bar or dot of every barred zero made white (inside the convex hull
    of its holes), and how many barred zeros each band holds."""
    ink = (strip < 128).astype(np.uint8)
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    erased, bars = strip.copy(), [0 for _ in bands]
    if hierarchy is None:
        return erased, bars
    links = hierarchy[0]  # next, previous, first child, parent
    # RETR_CCOMP: outlines of ink on the top level, their holes under them; ink inside a
    # hole is an outline of the top level again, found by lying inside a hole.
    holes_of: dict[int, list[int]] = {}
    for index, link in enumerate(links):
        if link[3] >= 0:
            holes_of.setdefault(int(link[3]), []).append(index)
    hole_boxes = {h: cv2.boundingRect(contours[h]) for hs in holes_of.values() for h in hs}
    islands_in = {h: False for h in hole_boxes}
    for index, link in enumerate(links):
        if link[3] >= 0:
            continue
        x, y, w, h = cv2.boundingRect(contours[index])
        for hole, (hx, hy, hw, hh) in hole_boxes.items():
            if hx <= x and hy <= y and x + w <= hx + hw and y + h <= hy + hh and (
                    cv2.pointPolygonTest(contours[hole], (x + w / 2, y + h / 2), False) > 0):
                islands_in[hole] = True
    for outline, holes in holes_of.items():
        if not _is_barred_zero(contours[outline], [contours[h] for h in holes],
                               any(islands_in[h] for h in holes)):
            continue
        inside = cv2.convexHull(np.concatenate([contours[h] for h in holes]))
        cv2.drawContours(erased, [inside], -1, 255, thickness=cv2.FILLED)
        _, y, _, h = cv2.boundingRect(contours[outline])
        for number, band in enumerate(bands):
            if band.top <= y + h / 2 < band.bottom:
                bars[number] += 1
    return erased, bars


# The unit part as the digits-only reading reads it when the «H» comes out as two strokes
# («001.00.35.1143-…» for «001.00.35.H43-…» in an old-style face, tuning hard seed 23): four
# digits where the format has «H» and two, so the first two stand for the H; or as an «H»
# and a stroke («001.31.45.H126-…» for «…H26-…», a Garamond receipt of the same set): the
# stroke after the H is its own right stem; or both stems so («000.00.32.1H127-…» for
# «…H27-…», a bold hard tuning receipt of seed 5). The unit is still checked against the
# office's units, the day and serial as ever.
_H_AS_ONES = re.compile(
    r"(?<![0-9])(\d{3}\.\d{2}\.\d{2}\.)(?:11|1?H1)(\d{2}-\d{6}-\d{4})(?![0-9])")


def _with_h(text: str) -> str:
    """A second reading with an «H» read «11», «H1» or «1H1» put back (see ``_H_AS_ONES``)."""
    return _H_AS_ONES.sub(r"\1H\2", text)


def reading_of(words: list[OcrWord], first: list[OcrWord], bars: int = 0,
               enlarged: bool = False, thinned: bool = False) -> CodeReading | None:
    """The code in a band's second (or, ``enlarged`` or ``thinned``, a later) reading, with
    the first reading of the same words, their box and the zeros' bars erased on the line;
    None when the reading has no code's structure. No confidence: Tesseract gives a reading
    with a whitelist confidence 0 even when it is right (4 of 5 measured)."""
    code = read_code(fold(_with_h("".join(w.text for w in words))))
    if code is None:
        return None
    return CodeReading(code=code, first=" ".join(w.text for w in first),
                       bbox=union_bbox([w.bbox for w in first]), barred_zeros=bars,
                       enlarged=enlarged, thinned=thinned)


def _readings(strip: np.ndarray, bands: list[Band], spans: list[list[OcrWord]],
              options: OcrOptions, engine: OcrEngine, enlarged: bool,
              thinned: bool = False) -> list[CodeReading]:
    """The code of each band of ``strip`` read once, its zeros' bars erased first (and then,
    ``thinned``, its strokes thinned: :func:`_thinned`)."""
    strip, bars = erase_bars(strip, bands)
    if thinned:
        strip = _thinned(strip)
    tsv = engine.read_digits(strip, options, CODE_LANGUAGE, WHITELIST)
    return [reading for words, first, count in zip(band_words(tsv, bands), spans, bars,
                                                   strict=True)
            if words and (reading := reading_of(words, first, count, enlarged, thinned))
            is not None]


def _thinned(strip: np.ndarray) -> np.ndarray:
    """The strip with its dark strokes thinned by a pixel (the white grown by a 2×2 square):
    a bold or blurred face's digits stand apart. On the 194 receipt code lines of the tuning
    parts of dossier seeds 5 (every tier), 13 (hard) and 11 (mild), the line so read gave
    178 codes right and 5 wrong (the 1x second reading: 184 and 8), and its errors are
    others: of the 32 lines the first two readings did not both read right, it read 23."""
    return cv2.dilate(strip, np.ones((2, 2), np.uint8))


# The third reading's scale: Tesseract's misreadings of a face's digits change with their
# size. On the six seed-23 tuning receipts whose codes were refused, the line enlarged twice
# read four codes exactly (their 1x second readings: one), and erred differently from the
# 1x reading on the other two.
ENLARGE = 2.0


def _settled(readings: list[CodeReading], spans: list[list[OcrWord]]) -> bool:
    """Whether every code line's second reading is a code and its first reading's (nothing
    for a third reading to settle)."""
    read = {r.first: r.code for r in readings}
    for words in spans:
        first = " ".join(w.text for w in words)
        if read.get(first) is None or read[first] != read_code(folded_code_text(first)):
            return False
    return True


def _enlarged(strip: np.ndarray, bands: list[Band]) -> tuple[np.ndarray, list[Band]]:
    """The strip enlarged by ``ENLARGE`` and its bands with it."""
    big = cv2.resize(strip, None, fx=ENLARGE, fy=ENLARGE, interpolation=cv2.INTER_CUBIC)
    return big, [replace(b, top=int(b.top * ENLARGE), bottom=int(b.bottom * ENLARGE))
                 for b in bands]


def reread_codes(image: np.ndarray, page: PageOcr, options: OcrOptions,
                 engine: OcrEngine | None = None) -> PageOcr:
    """The page with its printed dossier codes read a second time (see the module's doc) in
    ``code_readings``; unchanged when it prints none or none reads as a code. ``image`` is
    the image ``page`` was read from (its boxes' pixel grid)."""
    strip, bands, spans = stack_code_crops(image, page)
    if strip is None:
        return page
    engine = engine or engine_for(options)
    try:
        readings = _readings(strip, bands, spans, options, engine, enlarged=False)
        if not _settled(readings, spans):
            # The first two readings disagree, or one has no code: a third, enlarged.
            readings += _readings(*_enlarged(strip, bands), spans, options, engine,
                                  enlarged=True)
            # And a fourth, thinned: a vote of its own where no two others agree.
            readings += _readings(strip, bands, spans, options, engine, enlarged=False,
                                  thinned=True)
    except (OcrError, ConfigurationError) as exc:
        if exc.retryable:  # the machine's doing: the page is tried again (reread_digits)
            raise
        # The second reading is a candidate only: without it the page stands as first read.
        log.warning("page %d: dossier code not read again: %s", page.number, exc)
        return page
    return page.model_copy(update={"code_readings": readings}) if readings else page
