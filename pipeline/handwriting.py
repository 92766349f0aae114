"""Handwritten marks in printed blanks («Số: ___/UBND-KTTH», «ngày ___ tháng 02 năm 2025»),
told from print by their geometry on the line.

Print keeps one size and one baseline along a line; a hand writing into the blank does not:
its digits stand taller than the printed ones, rise above the line or sink below it. Tesseract's
confidence does not tell them apart: on generated scans it gave handwritten «7» and «6» 95
and 96, as much as the printed «03» beside them (issue 17; on a real scan it read a
handwritten «575» as «ˆ†E»). So a word in a blank whose box leaves the printed line's band is
taken as handwritten, and its reading is not trusted (the values' kinds leave it out with a
reason, pipeline/values/official.py). A number is handwritten when it stands apart from its
printed «/symbol» (pipeline/regions.py): print sets them as one word.

Measured on generated header lines (Liberation Serif 13 pt, 300 DPI): printed words' tops lie
within 4 px of the line's median (digit height 37 px); handwritten digits' tops 19–50 px above
it, their heights 1.9–2.0 × the printed digits'.
"""

from __future__ import annotations

from statistics import median

from schemas.ocr import OcrWord

# A word is out of the printed line when its top or bottom is this share of the printed digit
# height away from the line's, or it is this many times as tall.
BAND_SHARE = 0.3
TALL = 1.3
PRINTED_MIN_CONFIDENCE = 80  # words that set the line's band: read surely, letters or digits
# A word with this much space around it (both sides, in printed digit heights) stands in a
# blank: print leaves one space each side (0.74 of the digit height); a hand's day in the
# 8-space blank leaves ≥ 1.7.
BLANK_GAP = 1.2
SURE = 90.0  # Tesseract's confidence under which an off-line word is taken for a hand's


def _printed_band(words: list[OcrWord], skip: set[int]) -> tuple[float, float] | None:
    """The line's printed digits' (else words') median top and bottom."""
    printed = [w for i, w in enumerate(words) if i not in skip
               and w.confidence >= PRINTED_MIN_CONFIDENCE and any(c.isalnum() for c in w.text)]
    digits = [w for w in printed if w.text.strip(".,:;").isdigit()]
    sample = digits or printed
    if not sample:
        return None
    return median(w.bbox[1] for w in sample), median(w.bbox[3] for w in sample)


def _gaps(words: list[OcrWord], index: int) -> float:
    """The space left and right of a word to its neighbours on the line (x order)."""
    word = words[index]
    left = [w.bbox[2] for w in words if w.bbox[2] <= word.bbox[0]]
    right = [w.bbox[0] for w in words if w.bbox[0] >= word.bbox[2]]
    return ((word.bbox[0] - max(left) if left else 0.0)
            + (min(right) - word.bbox[2] if right else 0.0))


# A blank is wider than the line's own spaces: a word with this many of them around it
# stands in one. A face set wide (DejaVu Serif: a printed «01» after «ngày» had 1.4 digit
# heights of space around it, over ``BLANK_GAP``, and its date was refused as by hand: a clean
# notice at --types new tuning seed 71) spaces its words as widely: the «01» had 2.0 of
# the line's spaces, a hand's day in its blank ≥ 4.
BLANK_SPACES = 3.0


def _space(words: list[OcrWord], index: int) -> float:
    """The line's word space: the median gap between neighbouring words (x order), the
    gaps either side of ``words[index]`` aside; 0 when there are none."""
    placed = sorted((w for i, w in enumerate(words) if i != index), key=lambda w: w.bbox[0])
    gaps = [b.bbox[0] - a.bbox[2] for a, b in zip(placed, placed[1:], strict=False)
            if b.bbox[0] > a.bbox[2]]
    return float(median(gaps)) if gaps else 0.0


def is_handwritten(words: list[OcrWord], index: int) -> bool:
    """Whether ``words[index]`` (a word of one printed line, ``words``) was written by hand
    into a blank: standing alone in the blank's width, or (read unsurely) taller than the
    line's print or off its band. Tesseract's boxes of printed words on noisy scans grow
    with specks (a printed «20» 1.55 × its line's digits on a hard scan), so geometry alone
    is trusted only where Tesseract itself doubts the word."""
    word = words[index]
    band = _printed_band(words, {index})
    if band is None or not any(c.isalnum() for c in word.text):
        return False
    top, bottom = band
    height = max(bottom - top, 1.0)
    gaps = _gaps(words, index)
    if gaps >= BLANK_GAP * height and gaps >= BLANK_SPACES * _space(words, index):
        return True
    off_line = (top - word.bbox[1] > BAND_SHARE * height
                or word.bbox[3] - bottom > BAND_SHARE * height
                or word.bbox[3] - word.bbox[1] > TALL * height)
    return off_line and word.confidence < SURE
