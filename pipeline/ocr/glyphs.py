"""Digits told apart by the page's own print, where two models read a number two ways.

The digit re-read (pipeline/ocr/reread.py) reads a page's numbers a second and a third time
with English's model, digits only, and a word the readings disagree on is left unsure. The
two digit readings are one model's at two sizes and err together on some faces (Roboto
Condensed's «01» read «07», a serif's «25» read «29»), while the page's model errs on others
(«0888…» read «0558…» at full confidence). Neither can be trusted over the other.

The page itself can tell: it prints the same digits again elsewhere in the same face and
size (dates, codes, phone numbers), where every reading agrees. Each disputed digit's ink is
compared with those digits' ink; when it is clearly the nearer to the digits one reading
says, and clearly not to the other's, that reading stands. The glyphs are the ink of the
word's connected pieces, one per character: a word whose ink does not part into as many
pieces as it has characters (touching digits, a broken stroke) is not judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np

from schemas.ocr import OcrWord

GLYPH_SIZE = 32  # pixels of the square a glyph is scaled into (its height, or its width)
# A piece shorter than this share of the word's tallest is a separator or a speck («.»,
# «-», «:»), not a character.
MIN_PIECE_HEIGHT = 0.55
SAMPLES_PER_DIGIT = 12  # the first ones seen; more change nothing measurable
MIN_SAMPLES = 1  # a digit printed fewer times than this elsewhere on the page judges nothing
TOP_MATCHES = 3  # a glyph's likeness to a digit: its mean with that digit's best samples
# The nearer digit must be at least this like the glyph (soft IoU, 0..1) and lead the other
# by this much.
MIN_LIKENESS = 0.6
MIN_LEAD = 0.15
_TRAILING = ",.;:„"


@dataclass
class GlyphBank:
    """Digits the page prints where every reading agreed, as normalised glyphs."""

    samples: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, image: np.ndarray, word: OcrWord) -> None:
        """The word's digit glyphs, when its ink parts into its characters."""
        for char, glyph in word_glyphs(image, word, word.text) or []:
            if char.isdigit() and len(kept := self.samples.setdefault(char, [])) \
                    < SAMPLES_PER_DIGIT:
                kept.append(glyph)

    def likeness(self, glyph: np.ndarray, digit: str) -> float | None:
        """How like ``digit`` as the page prints it the glyph is (None: printed too seldom)."""
        kept = self.samples.get(digit, [])
        if len(kept) < MIN_SAMPLES:
            return None
        best = sorted((_likeness(glyph, sample) for sample in kept), reverse=True)
        return float(np.mean(best[:TOP_MATCHES]))


def bank_of(image: np.ndarray, words: Iterable[OcrWord]) -> GlyphBank:
    """A bank of the digits of ``words`` (numbers every reading read alike)."""
    bank = GlyphBank()
    for word in words:
        bank.add(image, word)
    return bank


def side_of(bank: GlyphBank, image: np.ndarray, word: OcrWord, digits: str) -> str | None:
    """Which reading of a number the page's own print sides with: ``word.text`` (the page
    model's) or ``digits`` (the digit model's, as many digits in the same places), "first"
    or "digits"; None when any digit they disagree on cannot be told, or the digits side
    with both readings in places."""
    pieces = word_glyphs(image, word, word.text)
    if pieces is None:
        return None
    firsts = [(char, glyph) for char, glyph in pieces if char.isdigit()]
    others = [c for c in digits if c.isdigit()]
    if len(firsts) != len(others):
        return None
    sides = set()
    for (first, glyph), other in zip(firsts, others, strict=True):
        if first == other:
            continue
        side = _nearer(bank, glyph, first, other)
        if side is None:
            return None
        sides.add("first" if side == first else "digits")
    return sides.pop() if len(sides) == 1 else None


def _nearer(bank: GlyphBank, glyph: np.ndarray, one: str, other: str) -> str | None:
    """Of two digits, the one the glyph is clearly like (``MIN_LIKENESS``, ``MIN_LEAD``)."""
    first, second = bank.likeness(glyph, one), bank.likeness(glyph, other)
    if first is None or second is None:
        return None
    if first >= MIN_LIKENESS and first - second >= MIN_LEAD:
        return one
    if second >= MIN_LIKENESS and second - first >= MIN_LEAD:
        return other
    return None


def word_glyphs(image: np.ndarray, word: OcrWord, text: str
                ) -> list[tuple[str, np.ndarray]] | None:
    """The word's digits and slashes, left to right, each with the normalised glyph of its
    ink; None when the ink does not part into as many pieces (separators and specks
    aside)."""
    chars = [c for c in text.rstrip(_TRAILING) if c.isdigit() or c == "/"]
    x0, y0, x1, y1 = word.bbox
    crop = image[max(0, y0):y1, max(0, x0):x1]
    if not chars or crop.size == 0:
        return None
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count < 2:
        return None
    tallest = int(stats[1:, cv2.CC_STAT_HEIGHT].max())
    pieces = sorted((i for i in range(1, count)
                     if stats[i, cv2.CC_STAT_HEIGHT] >= MIN_PIECE_HEIGHT * tallest),
                    key=lambda i: stats[i, cv2.CC_STAT_LEFT])
    if len(pieces) != len(chars):
        return None
    glyphs = []
    for char, piece in zip(chars, pieces, strict=True):
        left, top, width, height = stats[piece, :4]
        mask = labels[top:top + height, left:left + width] == piece
        glyphs.append((char, _normalised(mask)))
    return glyphs


def _normalised(mask: np.ndarray) -> np.ndarray:
    """The glyph scaled to ``GLYPH_SIZE`` (its longer side), its shape kept, centred."""
    height, width = mask.shape
    scale = GLYPH_SIZE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    scaled = cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    square = np.zeros((GLYPH_SIZE, GLYPH_SIZE), dtype=np.float32)
    top, left = (GLYPH_SIZE - size[1]) // 2, (GLYPH_SIZE - size[0]) // 2
    square[top:top + size[1], left:left + size[0]] = scaled
    return square


def _likeness(one: np.ndarray, other: np.ndarray) -> float:
    """Soft intersection over union of two glyphs (1: the same ink)."""
    union = float(np.maximum(one, other).sum())
    return float(np.minimum(one, other).sum()) / union if union else 0.0
