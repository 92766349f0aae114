"""A second reading of the page's number words, with digits only, to catch confident misreads.

Tesseract's language model now and then reads a printed digit as another with full
confidence («0888…» as «0558…», «0880.408.169» as «0850.406.169»); no confidence threshold
separates those words from the right ones. Read a second time from the same pixels with only
digits and their separators allowed (one Tesseract call per page, the words' crops stacked
into one strip), such a word mostly comes out right. Where the two readings of a word's digits
disagree, the word cannot be trusted: its confidence is set to 0, so that extraction leaves
any value built on it out of the fields and sends the record to review (a wrong value is worse
than a missing one), rather than guessing which reading is right.

A number some of whose digits the first reading made letters (a face's old-style figures:
«1o8s», «o6/oo/2o22») is read again the same way; where the digit reading agrees with it
letter by letter through ``LOOKALIKES`` («o» may be 0, 6 or 9, «s» 5 …), the word takes the
digits, and where it does not, the word is unsure as above.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.doctypes import DocTypeDefinition, load_doctypes
from pipeline.ocr import OcrEngine, OcrOptions, engine_for, parse_tsv
from pipeline.ocr.glyphs import GlyphBank, bank_of, side_of
from pipeline.text import fold, letters_key, strip_edges
from schemas.errors import ConfigurationError, OcrError
from schemas.ocr import OcrWord, PageOcr, union_bbox

log = logging.getLogger(__name__)

# A number word: digits with the separators of dates, phone numbers and codes, and enough
# digits for a misread one to change a value (list numbers «1.» are left alone).
# A phone number may open with the international «+» («+84918810882»): a FreeSans form
# squeezed to 0.88 at hard (a probe in faces neither part prints in, seed 703) read
# «…0882» for «…0862» at 30, and without the «+» allowed it was never read again, and given.
_NUMBER_WORD = re.compile(r"\+?[0-9][0-9./\-]*[0-9][.,:;]?")
MIN_DIGITS = 4
WHITELIST = "0123456789./-"
# Digits are Latin: English's model (installed with Tesseract itself) read them with fewer
# false disagreements than Vietnamese's in measurements (0 vs 2 on 60 scans).
DIGIT_LANGUAGE = "eng"
# Words of letters are read again in the pages' own language (``reread_letters``).
LETTER_LANGUAGE = "vie"
_PAD = 6  # pixels kept around a word's box, so that no stroke is cut
# Letters a face's digits are read as, by the digits they may stand for. Old-style figures
# (EB Garamond's default, tuning layout garamond_fill) come out as «1O/O6/202⁄4», «1o8s»:
# read again with digits only they give «10/06/2024», «1985». Such a word takes its digit
# reading only where the two readings agree letter by letter through this table.
# A face whose 6 opens at the top in a stroke that leans out (Carlito, Lato: faces neither
# benchmark part prints in) has it read «ó», the stroke an acute over an «o»: «198ó»,
# «tháng 0ó», «số 5ó», «…-025ó» (a probe of eight tuning structures in FreeSans, FreeSerif,
# Lato, Open Sans and Carlito, seed 701, mild: 17 of its 19 values lost were so).
LOOKALIKES: dict[str, str] = {"o": "069", "O": "069", "D": "0", "Q": "0", "I": "1", "l": "1",
                              "|": "1", "¡": "1", "i": "1", "s": "5", "S": "5", "z": "2",
                              "Z": "2", "⁄": "/", "ó": "6"}
_LOOKALIKE_WORD = re.compile(r"[0-9oODQIl|¡iSszZ⁄ó][0-9oODQIl|¡iSszZ⁄ó./\-]*[0-9oODQIl|¡iSszZ⁄ó]")
_TRAILING = ",.;:„"
# The confidence of a look-alike word whose digit reading agrees with it (its first reading's
# confidence is the letters', which says nothing about the digits).
AGREED_CONFIDENCE = 80.0
# A date's or time's short parts: one or two digits (or letters read for them: «tháng Ö7»,
# «ngàu U1» in a serif of hairline strokes, tuning contrast_boxed) after «ngày», «tháng»,
# «giờ» or before «giờ», «phút». A misread one gives another date as confidently as a
# misread year does, and is read again the same way.
# A high-contrast serif's «1» (a flag, a slab foot) is read «T» too: «ngàu T3 tháng» for «13».
# A light sans's lining 0 or 6 is read «Ó» («ngày Ó4 tháng 11»: Lato Light at mild, a probe
# in faces neither part prints in, whose time of receipt was then not found).
SHORT_LOOKALIKES: dict[str, str] = {**LOOKALIKES, "Ö": "0", "Ø": "0", "ø": "0", "ö": "0",
                                    "U": "0", "T": "1", "Ó": "06"}
_SHORT_PART = re.compile(r"[0-9oODQIl|¡iSszZÖØøöUTóÓ]{1,2}[,.;:]?")
# A short word of digits and a 6 read «ó» («số 5ó», a phone's group «48ó» or «3óó»): read
# again wherever it stands, as no Vietnamese word mixes the two; it takes the digits only
# where the digit reading reads a 6 for each «ó» (``agreed_part``).
_ACUTE_SIX_WORD = re.compile(r"[0-9ó]{1,3}[,.;:]?")
_BEFORE_PART = re.compile(r"(?:ng[a-z]{1,3}|th[a-z]{2,4}|gio|h)[,:]?")
# A count of sets is such a part too («01 (bộ)»: a receipt's «01» read «61», or «oi» in
# old-style figures, tuning typewriter and garamond_fill).
_AFTER_PART = re.compile(r"(?:gio|phut|h|thang|nam|\(bo\)|bo)[,.]?")
# So is a count of days read with a look-alike letter («O1 ngày»: the processing days of a
# clean book_boxed receipt at tuning seed 149, not found); one of digits alone is not read
# again: a lone «5» read again comes out as nothing or «9» (a mild cn_grid receipt at seed
# 131, its right count then refused).
_DAYS = re.compile(r"ngay[,.]?")
_COUNT_UNIT = re.compile(r"\(?bo\)?[,.]?")


@dataclass(frozen=True)
class Band:
    """Where one word's crop sits in the strip: rows [top, bottom)."""

    line: int
    word: int
    top: int
    bottom: int


def is_number_word(text: str) -> bool:
    """Whether a word is a number worth reading again (see ``MIN_DIGITS``), the dots of a
    leader after it aside: «1981...» (a mother's year of birth printed «1984» before the
    form's dots, TeX Gyre Pagella at hard, tuning seed 149) was not read again, and given
    wrong."""
    core = text.rstrip(_TRAILING)
    return bool(_NUMBER_WORD.fullmatch(core)) and sum(c.isdigit() for c in core) >= MIN_DIGITS


def is_lookalike_word(text: str) -> bool:
    """Whether a word is a number some of whose digits were read as letters («1o8s»): a
    digit, a look-alike letter, and nothing but digits, look-alikes and separators, at least
    ``MIN_DIGITS`` long (a short one, «o3» for a «3» after a speck, would be mended wrong:
    «93» days, on a tuning hard garamond_fill receipt)."""
    core = text.rstrip(_TRAILING)
    return (len(core) >= MIN_DIGITS and bool(_LOOKALIKE_WORD.fullmatch(core))
            and any(c.isdigit() for c in core)
            and any(c in LOOKALIKES for c in core))


def agreed_digits(first: str, second: str) -> str | None:
    """The digit reading of a look-alike word when it agrees with the first reading letter
    by letter (a digit the same, a letter one the table lets stand for it); else None."""
    core, digits = first.rstrip(_TRAILING), second.rstrip(_TRAILING)
    if len(core) != len(digits):
        return None
    for letter, digit in zip(core, digits, strict=True):
        if letter != digit and digit not in LOOKALIKES.get(letter, ""):
            return None
    return digits + first[len(core):]


def is_date_part(text: str, before: str, after: str) -> bool:
    """Whether a short word is a date's or time's part (see ``SHORT_LOOKALIKES``): one or two
    digits or look-alikes, at least one a digit, between the words that frame such a part
    (``before`` and ``after``, folded by the caller: lower case without accents)."""
    core = text.rstrip(_TRAILING)
    framed_before = bool(_BEFORE_PART.fullmatch(before))
    framed_after = bool(_AFTER_PART.fullmatch(after)) or (
        bool(_DAYS.fullmatch(after)) and not core.isdigit())
    # A count's two figures may both be look-alikes («oi (bộ)»): its unit says it is a number.
    # So may a part framed on both sides («giờ os phút», «tháng Io năm»: EB Garamond's
    # old-style 05 and 10 on a mild tuning garamond_fill receipt at seed 131, whose time of
    # receipt was not found): the words either side say it is one.
    return (bool(_SHORT_PART.fullmatch(text))
            and (any(c.isdigit() for c in core) or bool(_COUNT_UNIT.fullmatch(after))
                 or (framed_before and framed_after))
            and (framed_before or framed_after))


def is_acute_six_word(text: str) -> bool:
    """Whether a short word is digits with a 6 read «ó» (``_ACUTE_SIX_WORD``): a digit and an
    «ó» at least, nothing else but a trailing mark."""
    core = text.rstrip(_TRAILING)
    return (bool(_ACUTE_SIX_WORD.fullmatch(text)) and "ó" in core
            and any(c.isdigit() for c in core))


def agreed_part(first: str, second: str) -> str | None:
    """The digit reading of a date part when it agrees with the first reading letter by
    letter (``SHORT_LOOKALIKES``); else None."""
    core, digits = first.rstrip(_TRAILING), second.rstrip(_TRAILING)
    if len(core) != len(digits) or not digits.isdigit():
        return None
    for letter, digit in zip(core, digits, strict=True):
        if letter != digit and digit not in SHORT_LOOKALIKES.get(letter, ""):
            return None
    return digits + first[len(core):]


_DIGIT_GROUP = re.compile(r"[0-9]{2,3}[.,;]?")
_NUMBER_START = re.compile(r"[0-9]{2,}[0-9.\-]*[.,;]?")


def is_number_group(text: str, before: str, after: str) -> bool:
    """Whether a word of two or three digits is a group of a number printed in groups
    («0835 182 824»: a misread last group gave a tuning phone number wrong), i.e. stands
    beside another group of digits."""
    return bool(_DIGIT_GROUP.fullmatch(text)) and any(
        bool(_NUMBER_START.fullmatch(w)) for w in (before, after))


def _short_parts(line_words: list[OcrWord]) -> set[int]:
    """Indices of a line's short words read again: date or time parts (``is_date_part``),
    groups of a number printed in groups (``is_number_group``) and digits with a 6 read «ó»
    (``is_acute_six_word``)."""
    texts = [w.text for w in line_words]
    folded = [fold(t) for t in texts]
    parts = set()
    for i, text in enumerate(texts):
        before, after = (i - 1, i + 1)
        fb = folded[before] if before >= 0 else ""
        fa = folded[after] if after < len(folded) else ""
        tb = texts[before] if before >= 0 else ""
        ta = texts[after] if after < len(texts) else ""
        if is_date_part(text, fb, fa) or is_number_group(text, tb, ta) or \
                is_acute_six_word(text):
            parts.add(i)
    return parts


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _crop(image: np.ndarray, word: OcrWord) -> np.ndarray:
    x0, y0, x1, y1 = word.bbox
    height, width = image.shape[:2]
    return image[max(0, y0 - _PAD):min(height, y1 + _PAD), max(0, x0 - _PAD):min(width, x1 + _PAD)]


def stack_crops(image: np.ndarray, page: PageOcr) -> tuple[np.ndarray | None, list[Band]]:
    """The number words' crops one under another on white (:func:`stacked`), and where each
    sits. None when there are none."""
    crops = []
    for li, line in enumerate(page.lines):
        parts = _short_parts(line.words)
        for wi, word in enumerate(line.words):
            if is_number_word(word.text) or is_lookalike_word(word.text) or wi in parts:
                crops.append((li, wi, _crop(image, word)))
    return stacked(crops) if crops else (None, [])


def stacked(crops: list[tuple[int, int, np.ndarray]]) -> tuple[np.ndarray, list[Band]]:
    """Crops of words (line, word, pixels) one under another on white, a word's height apart
    (so that Tesseract sees each as its own line), and the band where each sits."""
    bands, top = [], 0
    for li, wi, crop in crops:
        bands.append(Band(li, wi, top, top + crop.shape[0]))
        top += 2 * crop.shape[0]
    width = max(crop.shape[1] for _, _, crop in crops) + 2 * _PAD
    strip = np.full((top, width), 255, dtype=np.uint8)
    for band, (_, _, crop) in zip(bands, crops, strict=True):
        grey = crop if crop.ndim == 2 else crop.mean(axis=2).astype(np.uint8)
        strip[band.top:band.bottom, _PAD:_PAD + grey.shape[1]] = grey
    return strip, bands


def band_words(tsv: str, bands: list[Band]) -> list[list[OcrWord]]:
    """The words a reading of a ``stacked`` strip (Tesseract TSV) read in each band, placed
    by their middles."""
    found: list[list[OcrWord]] = [[] for _ in bands]
    for word in (w for line in parse_tsv(tsv) for w in line.words):
        middle = (word.bbox[1] + word.bbox[3]) / 2
        for index, band in enumerate(bands):
            if band.top <= middle < band.bottom:
                found[index].append(word)
    return found


def read_strip(strip: np.ndarray, bands: list[Band], options: OcrOptions,
               engine: OcrEngine | None = None) -> list[str]:
    """Each band's text as read with digits only (one engine call for the strip)."""
    tsv = (engine or engine_for(options)).read_digits(strip, options, DIGIT_LANGUAGE, WHITELIST)
    return ["".join(word.text for word in words) for words in band_words(tsv, bands)]


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
        # A retryable failure (the time limit, a killed program) is the machine's, not the
        # page's: raised, so the page is tried again; a page left unchecked only on a busy
        # machine would read differently there (and a misread digit go unflagged).
        if exc.retryable:
            raise
        # The second reading only checks the first; when it cannot be had for the page's
        # own reasons (no English model, a strip Tesseract fails on), the page stands as
        # first read.
        log.warning("page %d: digits not read again: %s", page.number, exc)
        return page
    changed: dict[tuple[int, int], OcrWord] = {}
    for band, text in zip(bands, second, strict=True):
        word = page.lines[band.line].words[band.word]
        changed_word = (checked_word(word, text) if is_number_word(word.text)
                        or is_lookalike_word(word.text) else checked_part(word, text))
        if changed_word is not word:
            changed[(band.line, band.word)] = changed_word
    changed.update(_voted(image, page, changed, second, bands, options, engine))
    return with_words(page, changed)


def with_words(page: PageOcr, changed: dict[tuple[int, int], OcrWord]) -> PageOcr:
    """``page`` with the words at (line, word) replaced by ``changed``'s; itself when none."""
    if not changed:
        return page
    lines = [line.model_copy(update={"words": [changed.get((li, wi), w)
                                               for wi, w in enumerate(line.words)]})
             for li, line in enumerate(page.lines)]
    return page.model_copy(update={"lines": lines})


# The third reading of a word the first two read otherwise is of its crop enlarged by this
# much (the strokes of a hairline face a pixel thicker to the model), and a word whose third
# reading agrees with the digits-only one, digit for digit, takes it at this confidence.
VOTE_SCALE = 1.5
VOTED_CONFIDENCE = 70.0


def _voted(image: np.ndarray, page: PageOcr, changed: dict[tuple[int, int], OcrWord],
           second: list[str], bands: list[Band], options: OcrOptions,
           engine: OcrEngine | None) -> dict[tuple[int, int], OcrWord]:
    """Words of digits the first two readings read otherwise, decided by a third reading
    of their crops enlarged (``VOTE_SCALE``, digits only, one engine call): two readings of
    three that agree decide (``_third_says``); then the page's own print of the digits
    (``_glyphs_say``); otherwise the word stays at confidence 0."""
    doubtful = [(band, text) for band, text in zip(bands, second, strict=True)
                if (band.line, band.word) in changed
                and changed[(band.line, band.word)].confidence <= 0
                and (_votes(page.lines[band.line].words[band.word], text)
                     or _confirmable(page.lines[band.line].words[band.word].text))]
    if not doubtful:
        return {}
    strip, third_bands = stacked([
        (band.line, band.word,
         cv2.resize(_crop(image, page.lines[band.line].words[band.word]), None,
                    fx=VOTE_SCALE, fy=VOTE_SCALE, interpolation=cv2.INTER_CUBIC))
        for band, _ in doubtful])
    try:
        third = read_strip(strip, third_bands, options, engine)
    except (OcrError, ConfigurationError) as exc:
        if exc.retryable:  # the machine's doing: the page is tried again (reread_digits)
            raise
        log.warning("page %d: digits not read a third time: %s", page.number, exc)
        return {}
    voted = {}
    bank: GlyphBank | None = None
    for (band, digits), again in zip(doubtful, third, strict=True):
        word = page.lines[band.line].words[band.word]
        decided = _third_says(word, digits, again)
        if decided is None:
            bank = bank or bank_of(image, _agreed_words(page, second, bands))
            decided = _glyphs_say(bank, image, word, digits)
        if decided is not None:
            voted[(band.line, band.word)] = decided
    return voted


def _agreed_words(page: PageOcr, second: list[str], bands: list[Band]) -> list[OcrWord]:
    """The words of digits both readings read alike: the page's own print of its digits."""
    words = (page.lines[band.line].words[band.word] for band in bands)
    return [word for word, digits in zip(words, second, strict=True)
            if _confirmable(word.text) and digits_of(word.text) == digits_of(digits)]


def _glyphs_say(bank: GlyphBank, image: np.ndarray, word: OcrWord, digits: str
                ) -> OcrWord | None:
    """A word of digits the three readings left undecided, as the page's print of the same
    digits elsewhere sides (pipeline/ocr/glyphs.py) at ``VOTED_CONFIDENCE``; None when it
    does not. Forms seed 43, clean: «11 giờ 25 phút» read «29» twice with digits only, a
    phone's «…775…» «…779…», a signing day «11» «17», each right as the page read it and
    each left out."""
    if not _confirmable(word.text):
        return None
    side = side_of(bank, image, word, digits)
    if side is None:
        return None
    text = word.text if side == "first" else with_digits(word.text, digits_of(digits))
    log.info("digits «%s» read «%s» with digits only: the page's print of them sides with "
             "«%s»", word.text, digits, text)
    return word.model_copy(update={"text": text, "confidence": VOTED_CONFIDENCE})


def _confirmable(first: str) -> bool:
    """Whether a word's first reading is digits alone (separators and trailing marks
    aside), which a third reading can confirm digit for digit."""
    core = first.rstrip(_TRAILING).removeprefix("+")
    return any(c.isdigit() for c in core) and not core.strip(WHITELIST)


def _third_says(word: OcrWord, digits: str, again: str) -> OcrWord | None:
    """The word as two readings of three agree on it; None when no two do (or only the two
    digit readings do where ``_votes`` lets them not decide).

    The third reading agreeing with the first, digits-only reading apart, gives the word as
    first read at ``VOTED_CONFIDENCE``: the two readings of the digits-only model disagree
    there, and the page's model read it so too. Seen on tuning seed 131 (mild): Roboto
    Condensed's «01» and «11» read «07» and «17» with digits only at 1x (cond_below,
    cond_fill: the signing and issuing dates left out), a 12-digit ID read «86038836» with
    its first four digits lost (contrast_boxed). A short part read surely whose third
    reading agrees with the second still stays at 0 (``_votes``: seed 23's «01»), and so
    does any word the first reading read surely (``SHORT_VOTE_BELOW``): the second and third
    readings are one model's, at two sizes, and err together. A birth extract's «25/08/2025»
    first read at 96 was read «29/08/2025» by both and given so, wrong (DejaVu Serif, mild,
    --types new tuning seed 11 with 30 mild files)."""
    third = digits_of(again)
    if (third and third == digits_of(digits) and _votes(word, digits)
            and word.confidence < SHORT_VOTE_BELOW):
        return word.model_copy(update={"text": with_digits(word.text, third),
                                       "confidence": VOTED_CONFIDENCE})
    if third and third == digits_of(word.text) and _confirmable(word.text):
        return word.model_copy(update={"confidence": VOTED_CONFIDENCE})
    return None


# A date's short part the first reading read less surely than this is put to the third
# reading too (a mild typewriter receipt's month first read «98» at 89, «08» by both digit
# readings); one read surer is not (see ``_votes``).
SHORT_VOTE_BELOW = 95.0


def _votes(word: OcrWord, digits: str) -> bool:
    """Whether a word the first two readings read otherwise is put to a third: a number of
    four digits or more (or one read with look-alike letters) of the digit reading's shape,
    or a date's short part the first reading was unsure of (``SHORT_VOTE_BELOW``). A short
    part read surely is not: both digit readings of a condensed face's «01» read «07» (a
    clean tuning cond_below form, seed 23: its signing date given a wrong month), so a short
    part read surely two ways stays at confidence 0."""
    first = word.text
    if is_number_word(first) or is_lookalike_word(first):
        return _same_shape(first, digits)
    return word.confidence < SHORT_VOTE_BELOW and _same_shape(first, digits)


def _same_shape(first: str, digits: str) -> bool:
    """Whether a digits-only reading has as many digits as the first reading's digits and
    look-alike letters (so that it can be spelt in the first reading's frame)."""
    count = sum(c.isdigit() or c in SHORT_LOOKALIKES for c in first.rstrip(_TRAILING))
    return count > 0 and len(digits_of(digits)) == count


def with_digits(first: str, digits: str) -> str:
    """The first reading with its digits and look-alike letters replaced, in order, by
    ``digits`` (its separators and trailing marks kept)."""
    out, rest = [], iter(digits)
    core = first.rstrip(_TRAILING)
    for c in core:
        out.append(next(rest) if c.isdigit() or c in SHORT_LOOKALIKES else c)
    return "".join(out) + first[len(core):]


def checked_word(word: OcrWord, digits: str) -> OcrWord:
    """A word after its digit reading: a look-alike word the digits agree with spelt with
    them; a number word whose digits differ (or a look-alike word that disagrees) at
    confidence 0; otherwise the word as it was."""
    if is_lookalike_word(word.text):
        agreed = agreed_digits(word.text, digits)
        if agreed is None:
            return word.model_copy(update={"confidence": 0.0})
        return word.model_copy(update={"text": agreed, "confidence": max(word.confidence,
                                                                         AGREED_CONFIDENCE)})
    if digits_of(digits) != digits_of(word.text) and not plus_read_as_digit(word.text, digits):
        return word.model_copy(update={"confidence": 0.0})
    return _confirmed(word)


def plus_read_as_digit(first: str, digits: str) -> bool:
    """Whether a number opening with «+» («+84915783556») has the digit reading's digits but
    for a first one more: the «+», which the digits-only reading cannot read as itself, read
    as a digit. Two phones so printed, read right, went to review as read otherwise (Open
    Sans Light and FreeSans squeezed at mild, a probe in faces neither part prints in, seed
    711)."""
    read, again = digits_of(first), digits_of(digits)
    return first.startswith("+") and len(again) == len(read) + 1 and again[1:] == read


def _confirmed(word: OcrWord) -> OcrWord:
    """A word of digits the digit reading read the same, at ``AGREED_CONFIDENCE`` at least,
    as a look-alike word it agrees with is: two readings by two models agree on every digit,
    whatever the page's model thought of its pixels. A mild tuning garamond_fill receipt at
    seed 131 read its year of receipt «2024» at 30, the digits-only reading «2024», and its
    right time of receipt went to review at confidence 0.58."""
    if word.confidence >= AGREED_CONFIDENCE:
        return word
    return word.model_copy(update={"confidence": AGREED_CONFIDENCE})


def lost_zero(core: str, digits: str) -> bool:
    """Whether the digit reading of a two-digit part is the first reading without its
    leading zero («05» read «5»), or with one («4» read «04»): the same number, whichever
    reading is right about the zero. Both digit readings of a mild contrast_fill
    receipt's minutes «05» and count «02» read «5» and «2» (tuning, seed 53), which left
    its times and count out."""
    second = digits.rstrip(_TRAILING)
    # And the other way round: a month «04» first read «4», «04» with digits only (TeX Gyre
    # Pagella at mild, a tuning form at seed 151: its right signing date refused).
    return (len(core) == 2 and core[0] == "0" and second == core[1:]) or (
        len(core) == 1 and core.isdigit() and second == "0" + core)


def checked_part(word: OcrWord, digits: str) -> OcrWord:
    """A date part after its digit reading: digits read the same kept; a part the digit
    reading agrees with through ``SHORT_LOOKALIKES`` spelt with the digits; any other at
    confidence 0 (its date is refused: see ``pipeline.fields``)."""
    core = word.text.rstrip(_TRAILING)
    if core.isdigit():
        # A separator the digit reading put inside a part («0-4» for «04», the leader before
        # it, tuning contrast_boxed) is no other digit.
        if digits.rstrip(_TRAILING) == core or (
                digits_of(digits) == core and not digits.strip(WHITELIST)):
            return _confirmed(word)
        if lost_zero(core, digits):
            return word
        return word.model_copy(update={"confidence": 0.0})
    agreed = agreed_part(word.text, digits)
    if agreed is None:
        return word.model_copy(update={"confidence": 0.0})
    return word.model_copy(update={"text": agreed, "confidence": max(word.confidence,
                                                                     AGREED_CONFIDENCE)})


# --- letters -----------------------------------------------------------------------------------
# Tesseract reads a hamlet's or street's name with one wrong tone mark («Đông» for «Đồng»,
# «Lăn» for «Lãn») at word confidences 69–95 (tuning contrast_fill / contrast_boxed, mild),
# where right words stand too: no threshold tells them apart, and no gazetteer lists such
# names. Read a second time from the word's crop enlarged (``LETTER_SCALE``: a hairline
# face's marks a pixel or two larger to the model), a misread word mostly comes out otherwise;
# where the two readings disagree on a letter or a mark the word carries the second reading
# (``OcrWord.reread``), and extraction leaves a free-text value built on it out for review
# unless a list it checks against spells the word (pipeline/fields.py).
# Only words read below ``LETTER_BELOW``: a word read surer than that was never found misread.
LETTER_SCALE = 1.5
LETTER_BELOW = 96.0


def is_letter_word(word: OcrWord) -> bool:
    """Whether a word is read again enlarged: two letters or more, no digit, read less
    surely than ``LETTER_BELOW``."""
    core = strip_edges(word.text)
    return (word.confidence < LETTER_BELOW and sum(c.isalpha() for c in core) >= 2
            and not any(c.isdigit() for c in core))


def read_enlarged(image: np.ndarray, boxes: list[tuple[int, int, OcrWord]],
                  options: OcrOptions, engine: OcrEngine | None, language: str
                  ) -> tuple[list[Band], list[list[OcrWord]]]:
    """Each box's crop (line, index, word whose box it is) enlarged ``LETTER_SCALE`` times,
    stacked into one strip, read in ``language`` with one engine call: the bands and the
    words read in each. OcrError or ConfigurationError when the engine cannot read it."""
    crops = [(line, index, cv2.resize(_crop(image, word), None, fx=LETTER_SCALE,
                                      fy=LETTER_SCALE, interpolation=cv2.INTER_CUBIC))
             for line, index, word in boxes]
    strip, bands = stacked(crops)
    tsv = (engine or engine_for(options)).read_digits(strip, options, language, "")
    return bands, band_words(tsv, bands)


def reread_letters(image: np.ndarray, page: PageOcr, options: OcrOptions,
                   engine: OcrEngine | None = None,
                   doctypes: Sequence[DocTypeDefinition] | None = None) -> PageOcr:
    """The page with every word of letters (``is_letter_word``) that a second reading of its
    piece of line enlarged reads otherwise carrying that reading (``OcrWord.reread``); one
    engine call for the page, the pieces stacked into one strip. A page whose second reading
    cannot be had stands as first read.

    Only the words a free-text value of one of ``doctypes`` (default the bundled types) may
    be read from are read again, each in its piece of line (``value_pieces``): extraction
    uses no other word's second reading, and labels, titles, body text and words a list
    spells were over nine tenths of the unsure words (on the throughput benchmark's 20
    pages 1472 unsure words, 125 in such values; all of them read again cost 1.49 CPU s a
    page)."""
    pieces = value_pieces(page, doctypes)
    if not pieces:
        return page
    try:
        second = read_enlarged(image, [(li, index, _piece_word(page, li, words))
                                       for index, (li, words) in enumerate(pieces)],
                               options, engine, LETTER_LANGUAGE)[1]
    except (OcrError, ConfigurationError) as exc:
        if exc.retryable:  # the machine's doing: the page is tried again (reread_digits)
            raise
        log.warning("page %d: words not read again: %s", page.number, exc)
        return page
    changed: dict[tuple[int, int], OcrWord] = {}
    for (li, words), read in zip(pieces, second, strict=True):
        line = page.lines[li]
        left = _piece_word(page, li, words).bbox[0] - _PAD
        for wi, text in zip(words, _aligned(line.words, words, read, left), strict=True):
            word = line.words[wi]
            if is_letter_word(word) and read_otherwise(word.text, text):
                changed[(li, wi)] = word.model_copy(update={"reread": text})
    return reread_emails(image, with_words(page, changed), options, engine)


# E-mail addresses are Latin letters and digits: English's model reads them again (a clean
# tuning receipt at seed 41 read «khoiho80@yahoo.» as «khoiho89@yahoo.» at 87; English read
# «80» at 1x and 1.5x, where Vietnamese's enlarged read «kho1ho8Ø»).
EMAIL_LANGUAGE = "eng"


def _address_digits(text: str) -> str | None:
    """An address's digits, what two readings must agree on (None: no address was read).
    Its letters are not compared: English's reading misreads them too («khoino80» for
    «khoiho80», «8O0» for «80» at one size or another), and a provider's domain is checked
    by its list (``pipeline.values.emails``)."""
    return digits_of(text) if "@" in text else None


def reread_emails(image: np.ndarray, page: PageOcr, options: OcrOptions,
                  engine: OcrEngine | None = None) -> PageOcr:
    """The page with every word holding «@» that a second reading in ``EMAIL_LANGUAGE``,
    enlarged, reads with other digits (``_address_digits``) carrying that reading
    (``OcrWord.reread``):
    no list spells an address's name, so a confident misread digit in it («89» for «80»)
    is caught only so (``pipeline.fields`` then leaves the address out). An address whose
    «ó» read as 6 (``six_for_acute``) has the second reading's digits is spelt so instead.
    One engine call for the page's addresses; a page without any, or whose second reading
    cannot be had, stands as first read."""
    found = [(li, wi) for li, line in enumerate(page.lines)
             for wi, word in enumerate(line.words) if "@" in word.text]
    if not found:
        return page
    try:
        bands, words_read = read_enlarged(
            image, [(li, wi, page.lines[li].words[wi]) for li, wi in found], options, engine,
            EMAIL_LANGUAGE)
    except (OcrError, ConfigurationError) as exc:
        if exc.retryable:  # the machine's doing: the page is tried again (reread_digits)
            raise
        log.warning("page %d: addresses not read again: %s", page.number, exc)
        return page
    second = ["".join(word.text for word in words) for words in words_read]
    changed: dict[tuple[int, int], OcrWord] = {}
    for band, text in zip(bands, second, strict=True):
        word = page.lines[band.line].words[band.word]
        again = _address_digits(text)
        if again is None or again == _address_digits(word.text):
            continue
        if again == _address_digits(six_for_acute(word.text)):
            changed[(band.line, band.word)] = word.model_copy(
                update={"text": six_for_acute(word.text)})
        else:
            changed[(band.line, band.word)] = word.model_copy(update={"reread": text})
    return with_words(page, changed)


def six_for_acute(address: str) -> str:
    """An e-mail address with every «ó» a 6 (``LOOKALIKES``): an address is ASCII, so an
    «ó» in it is a misread «o» or «6»; it is taken for a 6 only where the English reading's
    digits say so (``reread_emails``: «nguyetlhh9ó1@…» read again «…961@…», Carlito at mild,
    probe seed 701, was left out as read two ways)."""
    return address.replace("ó", "6")


def read_otherwise(first: str, second: str) -> bool:
    """Whether the second reading at a word (``_aligned``: what it read within the word's
    box, joined) reads it otherwise: letters, and none of its words the first reading's
    («1141U Đông,» at «Đông» read the word the same, with a speck beside it: a right hamlet
    of a hard tuning form was refused for it)."""
    if not letters_key(second):
        return False
    return letters_key(first) not in {letters_key(second),
                                      *(letters_key(w) for w in second.split())}


# Words either side of an unsure word read with it: Tesseract's model reads a word alone
# otherwise than in its line (DejaVu «Lãn» alone read «Lăn» or «Lần» at one size or another,
# «Sặt» «Sát»; in a line of five words the same every time).
LETTER_CONTEXT = 2


def value_pieces(page: PageOcr, doctypes: Sequence[DocTypeDefinition] | None = None
                 ) -> list[tuple[int, list[int]]]:
    """The pieces of lines (``letter_pieces``) around the unsure words of letters that a
    free-text value of one of ``doctypes`` (default the bundled types) may be read from
    (``pipeline.extract.free_text_words``)."""
    if not any(is_letter_word(w) for line in page.lines for w in line.words):
        return []
    from pipeline.extract import free_text_words  # extraction's modules, loaded when needed

    wanted = free_text_words(page, bundled_doctypes() if doctypes is None else doctypes)
    return letter_pieces(page, wanted)


@functools.cache
def bundled_doctypes() -> tuple[DocTypeDefinition, ...]:
    """The document types bundled with sohoa (``pipeline.doctypes.load_doctypes``)."""
    return tuple(load_doctypes())


def letter_pieces(page: PageOcr, only: set[tuple[int, int]] | None = None
                  ) -> list[tuple[int, list[int]]]:
    """The pieces of lines read again: each unsure word of letters (of those at ``only``'s
    (line, word) indices, when given) with ``LETTER_CONTEXT`` words either side, overlapping
    pieces of a line joined (line index, word indices)."""
    pieces = []
    for li, line in enumerate(page.lines):
        current: list[int] = []
        for wi, word in enumerate(line.words):
            if not is_letter_word(word) or (only is not None and (li, wi) not in only):
                continue
            window = range(max(0, wi - LETTER_CONTEXT),
                           min(len(line.words), wi + LETTER_CONTEXT + 1))
            if current and window.start <= current[-1] + 1:
                current.extend(i for i in window if i > current[-1])
            else:
                if current:
                    pieces.append((li, current))
                current = list(window)
        if current:
            pieces.append((li, current))
    return pieces


def _piece_word(page: PageOcr, li: int, words: list[int]) -> OcrWord:
    """A piece of a line as one word whose box holds its words."""
    line = page.lines[li]
    return OcrWord(text="", confidence=0, bbox=union_bbox([line.words[i].bbox for i in words]))


def _aligned(line: list[OcrWord], words: list[int], read: list[OcrWord],
             left: int) -> list[str]:
    """What the second reading read at each word of the piece: the words read whose middle
    stands within the word's box (the strip's boxes scaled back to the page and moved to
    where the piece's crop begins), joined."""
    texts = []
    for wi in words:
        x0, _, x1, _ = line[wi].bbox
        found = [w.text for w in read
                 if x0 <= left + (w.bbox[0] + w.bbox[2]) / 2 / LETTER_SCALE - _PAD < x1]
        texts.append(" ".join(found))
    return texts
