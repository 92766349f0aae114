"""The signer's title under a seal, read again on its own line.

An administrative document is signed under its authority and the signer's title (Decree
30/2020, Appendix I: «TM. ỦY BAN NHÂN DÂN» / «KT. CHỦ TỊCH» / «PHÓ CHỦ TỊCH»), and the seal
is struck over the title's left part. Read with the whole page, the line under the seal
often comes out as nothing at all, or glued to the ring's marks («ZZ>==¬CHỦ TỊCH», «N
TỊCH»); the title is then lost (on the clean part of --types new tuning seed 71, 6 of the 16
values missed were titles so). Cropped to the band under the authority's line and read on
its own, Tesseract reads it whole more often. A line read again is added to the page only
when it is one of the titles the document types list (a seal's ring read as letters is not
trusted as text), in place of the words read there before.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from statistics import median

import cv2
import numpy as np

from pipeline.doctypes import DocTypeDefinition
from pipeline.image.colour import to_gray
from pipeline.ocr import OcrEngine, OcrOptions
from pipeline.ocr.reread import bundled_doctypes
from pipeline.ocr.title_reread import _crop, _placed, _rows, _with_line, read_crops
from pipeline.text import match_key
from pipeline.values.official import AUTHORITIES
from schemas.ocr import BBox, OcrLine, PageOcr

log = logging.getLogger(__name__)

# «TM.», «KT.», «Q.», «TL.», «TUQ.»: whom the signer signs for, over the signer's title.
_AUTHORITY = re.compile(rf"(?:{'|'.join(AUTHORITIES)})[.,:]")
# A title line under the authority's stands within this many of its heights below it.
BELOW_HEIGHTS = 2.2
# The band read again reaches this many line heights either side of the authority's line:
# the title is centred under it, and as long as it or a little longer.
SIDE_HEIGHTS = 3.0
SURE_WORD = 60.0  # a title line whose words are all read this surely is not read again


def reread_signer_title(image: np.ndarray, page: PageOcr, options: OcrOptions,
                        engine: OcrEngine | None = None,
                        doctypes: Sequence[DocTypeDefinition] | None = None,
                        display: np.ndarray | None = None) -> PageOcr:
    """``page`` with the signer's title read again under its authority's line when no
    listed title was read surely there, and the reading is one (``listed_titles``); else
    ``page`` as it is. The band is read as the page was (``image``), and from ``display``
    (the page's own pixels, same geometry) with ink lighter than the type's dropped
    (:func:`dark_only`); the reading of more words wins. A retryable engine failure is
    raised (the page is tried again)."""
    titles = listed_titles(bundled_doctypes() if doctypes is None else doctypes)
    authority = _authority_line(page)
    if not titles or authority is None or _title_read(page, authority, titles):
        return page
    box = _band(page, authority)
    crops = [(0, 0, _crop(image, box))]
    if display is not None and (dark := dark_only(to_gray(_crop(display, box)))) is not None:
        crops.append((1, 0, dark))
    bands = read_crops(crops, page.number, options, engine, "signer's title")
    read = [line for band, words in bands or []
            for line in _rows([_placed(w, box, band.top) for w in words])
            if match_key(line.text) in titles]
    if not read:
        return page
    line = max(read, key=lambda found: len(found.words))
    log.info("page %d: signer's title «%s» read again under «%s»", page.number, line.text,
             authority.text)
    # Its row as first read goes, from the signature block's column on (the page's first
    # third: «Nơi nhận» stands left of it), the seal's marks left of the band included: «Z?Z»
    # left of «<SbHÓ CHỦ TỊCH», kept, made the title read again «Z?Z PHÓ CHỦ TỊCH», no title
    # (--types new tuning seed 71).
    row = (min(box[0], page.width // 3), line.bbox[1], box[2], line.bbox[3])
    return _with_line(page, line, cleared=row)


# Ink a seal struck in grey (or red, on a grey scan) prints lighter than black type: of a
# band's ink, the darker class is kept when the two lie this far apart (grey levels).
INK_CLASSES_APART = 40


def dark_only(grey: np.ndarray) -> np.ndarray | None:
    """The band with ink lighter than the type's turned to paper, or None when its ink is
    all of one darkness (a bilevel page, a black seal): Otsu parts paper from ink, then the
    ink into the type's and the seal's."""
    paper_cut, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = grey[grey < paper_cut]
    if ink.size < 2:
        return None
    type_cut, _ = cv2.threshold(ink.reshape(1, -1), 0, 255,
                                cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark, light = ink[ink < type_cut], ink[ink >= type_cut]
    if not dark.size or not light.size or light.mean() - dark.mean() < INK_CLASSES_APART:
        return None
    return np.where(grey < type_cut, grey, 255).astype(np.uint8)


def listed_titles(doctypes: Sequence[DocTypeDefinition]) -> frozenset[str]:
    """The titles (``type: title`` fields' vocabularies) the types list, as match keys."""
    return frozenset(match_key(title) for doctype in doctypes for fdef in doctype.fields
                     if fdef.type == "title" for title in fdef.vocabulary)


def _authority_line(page: PageOcr) -> OcrLine | None:
    """The page's last line opening with an authority («KT.» under «TM.» is the one the
    signer's title stands under) right of the page's first third, where the signature block
    stands (anywhere down the page: a letter's second page may open with it)."""
    found = None
    for line in page.lines:
        if not line.words:
            continue
        # Its words from the authority on: Tesseract may run «Nơi nhận:»'s column into it.
        start = next((i for i, w in enumerate(line.words)
                      if w.bbox[0] > page.width / 3 and _AUTHORITY.fullmatch(w.text)), None)
        if start is not None:
            found = line.model_copy(update={"words": line.words[start:]})
    return found


def _height(line: OcrLine) -> float:
    return median(w.bbox[3] - w.bbox[1] for w in line.words)


def _title_read(page: PageOcr, authority: OcrLine, titles: frozenset[str]) -> bool:
    """Whether a line under the authority's reads a listed title, every word surely."""
    bottom = authority.bbox[3] + BELOW_HEIGHTS * _height(authority)
    return any(line.bbox[1] > authority.bbox[1] and line.bbox[1] < bottom
               and match_key(line.text) in titles
               and min(w.confidence for w in line.words) >= SURE_WORD
               for line in page.lines if line.words)


def _band(page: PageOcr, authority: OcrLine) -> BBox:
    """Where the signer's title stands: right under the authority's line, as tall as a
    line, a little wider than it either side."""
    height = _height(authority)
    x0, _, x1, y1 = authority.bbox
    side = SIDE_HEIGHTS * height
    return (max(0, int(x0 - side)), int(y1 + 0.3 * height),
            min(page.width, int(x1 + side)), int(y1 + 1.6 * height))
