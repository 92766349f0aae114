"""A scanned stack split into documents (contract §5): stations feed a receipt, the forms and
the copies of ID cards through the scanner at once, sometimes several dossiers in a row.

- A page on which a known type's title is printed starts a document of that type.
- A page without a title belongs to the document before it (an attachment); pages before the
  first title form one document of their own (``unknown`` unless analysis finds otherwise).
- A cover sheet (a page carrying only a dossier code as a barcode or QR code) ends the
  document before it and starts that dossier; it is no document itself. Its reach ends at
  the next cover sheet, or at a second receipt: stations cover some dossiers and not others,
  so a receipt after the sheet's dossier's own opens a dossier of its own (the first one is
  the sheet's dossier's, and a code it prints that differs is a conflict for review:
  office/dossiers.py).
- A page whose cover sheet's symbol was not read is a cover sheet all the same when it prints
  one dossier code, few words read surely, and the receipt right after it prints the same
  code (``printed_cover_sheets``): it starts that receipt's dossier (by the receipt's own code,
  checked, not by the sheet's print) and is no document.
- A page without a title that carries a dossier code's symbol (and is no cover sheet) starts
  a document: only receipts print one, so it is a receipt whose title was not read.
- A page without a title that looks like the start of another type (many of that type's
  labels printed, more than of its own document's type), or like its own document's first
  page over again (a second form whose title was not read), is a doubt: it starts a document
  of its own, which goes to review naming the page, rather than being glued to the wrong
  document. One that looks like a receipt may open the next dossier (``fits_receipt``):
  the documents after it join no dossier by the one before it (office/dossiers.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from pipeline.barcodes import (
    MAX_COVER_WORDS,
    dossier_code_of,
    sure_words,
    untitled_receipt_code,
)
from pipeline.classify import label_share, score_doctype
from pipeline.doctypes import DocTypeDefinition
from pipeline.extract import PageLayout, build_rows, title_score
from pipeline.values.dossier_codes import codes_in_words


@dataclass
class DocumentSpan:
    """One document of a file: its pages (in order) and what the split knows of it."""

    pages: list[PageLayout]
    opens: str | None = None  # the type whose title starts it; None: no title on its first page
    dossier_code: str | None = None  # from the cover sheet before it, if any
    doubts: list[str] = field(default_factory=list)
    # Its first page has no title but prints a dossier code its dossier's pages did not:
    # perhaps a receipt whose title was not read (see :func:`printed_codes`).
    prints_new_code: bool = False
    # Its first page has no title but fits a receipt type better than the document before
    # it (a doubt): perhaps a receipt whose title and code were not read. Set too by
    # analysis for a document of no type that nearly fits a receipt (pipeline/document.py).
    fits_receipt: bool = False
    # Its first page could not be read (``unread_page``): it may be a receipt (so it opens
    # the next dossier, as ``fits_receipt``), but nothing read says it is one.
    unread: bool = False

    @property
    def first(self) -> int:
        """Its first page's number in the file (1-based)."""
        return self.pages[0].page.number

    @property
    def last(self) -> int:
        """Its last page's number in the file."""
        return self.pages[-1].page.number


def opened_type(layout: PageLayout, doctypes: list[DocTypeDefinition]) -> str | None:
    """The type whose title is printed on the page (the best-matching one), or None. A page
    whose capitals OCR read with a doubled vowel is tried again without it (see
    :func:`undoubled`)."""
    best = _best_title(layout, doctypes)
    if best is None and (respelt := undoubled(layout)) is not None:
        best = _best_title(respelt, doctypes)
    return best


def _best_title(layout: PageLayout, doctypes: list[DocTypeDefinition]) -> str | None:
    best: tuple[float, str | None] = (0.0, None)
    for doctype in doctypes:
        score, _ = title_score(layout.rows, doctype)
        if score > best[0]:
            best = (score, doctype.id)
    return best[1]


# Marks that make a new letter of a vowel (â ă ê ô ơ ư), as Unicode decomposes them.
_LETTER_MARKS = {"\u0302", "\u0306", "\u031b"}


def _base(char: str) -> tuple[str, bool]:
    """A letter's base letter (lowercase) and whether it carries a circumflex, breve or horn."""
    parts = unicodedata.normalize("NFD", char)
    return parts[0].lower(), any(mark in _LETTER_MARKS for mark in parts[1:])


def undouble_word(word: str) -> str:
    """«THOÔNG» → «THÔNG»: Tesseract reads a large capital Ô, Â, Ê, Ơ or Ư as its base vowel
    followed by itself (measured: every attached «THÔNG BÁO» notice of the clean and hard
    tuning stacks of benchmarks/dossiers.py read «THOÔNG BAO», its title missed). No
    Vietnamese syllable writes a vowel before its own marked form, so the first is dropped."""
    kept = []
    for index, char in enumerate(word):
        after = word[index + 1] if index + 1 < len(word) else ""
        base, marked = _base(after) if after else ("", False)
        if marked and char.lower() == base and char.lower() in "aeiouy":
            continue
        kept.append(char)
    return "".join(kept)


def undoubled(layout: PageLayout) -> PageLayout | None:
    """The page with doubled vowels undone in its words, or None when it has none."""
    lines = [line.model_copy(update={"words": [w.model_copy(update={"text": undouble_word(w.text)})
                                               for w in line.words]})
             for line in layout.page.lines]
    if all(a.text == b.text for old, new in zip(layout.page.lines, lines, strict=True)
           for a, b in zip(old.words, new.words, strict=True)):
        return None
    page = layout.page.model_copy(update={"lines": lines})
    return PageLayout(page, build_rows(page))


def _looks_like_another_start(layout: PageLayout, own: str | None,
                              doctypes: list[DocTypeDefinition], near: float) -> str | None:
    """The type an untitled page fits better than its document's own, when it fits that type
    at least ``near`` (the same measure as an ``unknown`` document near a type)."""
    scores = {d.id: score_doctype([layout], d).score for d in doctypes}
    other = max((d for d in scores if d != own), key=lambda d: scores[d], default=None)
    if other is None or scores[other] < near or scores[other] <= scores.get(own or "", 0.0):
        return None
    return other


# An untitled page that prints at least this share of its document's type's labels, nearly
# all of them labels an earlier page of the document printed already, is that type's first
# page again: a second form whose title was not read (tuning hard stack 36: a birth
# registration after a form and its birth-certificate copy, title lost to the scan, 0.6+ of
# the labels repeated). A form's own second page prints labels of its own; an attached copy
# prints few of the form's (a birth-certificate copy: < 0.3). Forms only: see below.
REPEAT_MIN_SHARE = 0.4
REPEAT_MAX_NEW = 0.25  # of the page's share: the labels it adds to its document's


def _repeats_its_document(layout: PageLayout, current: DocumentSpan,
                          doctypes: list[DocTypeDefinition]) -> bool:
    """Whether an untitled page prints its document's type's labels over again (see
    ``REPEAT_MIN_SHARE``)."""
    own = next((d for d in doctypes if d.id == current.opens), None)
    if own is None or own.generic or own.markers:
        # A generic type's markers («Kính gửi», «Nơi nhận») are printed by any letter: a
        # letter after a notice repeats them (tuning hard stack 34, split wrongly).
        return False
    page = label_share(layout.rows, own)
    if page < REPEAT_MIN_SHARE:
        return False
    before = [row for earlier in current.pages for row in earlier.rows]
    added = label_share(before + layout.rows, own) - label_share(before, own)
    return added <= REPEAT_MAX_NEW * page


def _continues_untitled(layout: PageLayout, current: DocumentSpan, other: str,
                        doctypes: list[DocTypeDefinition]) -> bool:
    """Whether an untitled page fitting ``other`` goes on a document that opened with no
    title and whose pages fit ``other`` too: the pages together fit it better than the page
    alone. A letter without a kind's name («V/v …» under its number) spreads its markers
    over its pages, «Kính gửi» on the first and «Nơi nhận» on the last, so that neither page
    alone is typed; split, both came out ``unknown`` (tests/e2e/test_results.py's signed
    scan)."""
    if current.opens is not None:
        return False
    doctype = next(d for d in doctypes if d.id == other)
    alone = score_doctype([layout], doctype).score
    together = score_doctype([*current.pages, layout], doctype).score
    return together > alone


# A page OCR could not read: print on it (a few words at least: an almost blank page is a
# blank back or a signature page) read at a mean confidence below this. What it is cannot be
# told, so it is not glued to the document before it unseen: it may be a receipt, which opens
# the next dossier. A hard tuning receipt of seed 31 (a dark-boxed layout) read as 17 words
# at a mean confidence of 32 was glued to the result before it, and the three documents
# after it joined that result's dossier (in review for other reasons only). Of the tuning
# pages of seeds 5, 23 and 31 (1,400 and more), no other page but cover sheets and two late
# results' nearly blank last pages (2 and 4 words) reads below 40.
UNREAD_MEAN_CONFIDENCE = 40.0
UNREAD_MIN_WORDS = 10


def unread_page(layout: PageLayout) -> bool:
    """Whether a page has print on it that OCR could not read (see
    ``UNREAD_MEAN_CONFIDENCE``)."""
    page = layout.page
    words = sum(len(line.words) for line in page.lines)
    return words >= UNREAD_MIN_WORDS and page.mean_confidence < UNREAD_MEAN_CONFIDENCE


def _doubt_of(layout: PageLayout, current: DocumentSpan, doctypes: list[DocTypeDefinition],
              near: float) -> tuple[str, str | None] | None:
    """Why an untitled page does not look like an attachment of the document before it, and
    the type it looks like the start of (None: not known), or None when it is one. A page
    that could not be read (``unread_page``) may be a receipt."""
    number = layout.page.number
    if unread_page(layout):
        receipt = next((d.id for d in doctypes if d.dossier_role == "receipt"), None)
        return (f"page {number} could not be read (mean OCR confidence "
                f"{layout.page.mean_confidence:.0f}): is it part of the document before it, "
                f"or a receipt that opens another dossier?", receipt)
    other = _looks_like_another_start(layout, current.opens, doctypes, near)
    if other is not None and not _continues_untitled(layout, current, other, doctypes):
        return (f"page {number} has no title but fits {other} better than the document "
                f"before it: is it a {other} whose title was not read?", other)
    # A document that opened without a title is taken for the type its pages fit together,
    # so that a second one after it is told apart as after a titled one: two receipts whose
    # titles were not read, one after the other, are not one document.
    own = current.opens or other
    if _repeats_its_document(layout, replace(current, opens=own), doctypes):
        return (f"page {number} has no title but prints the labels of the {own} before it "
                f"over again: is it a second {own} whose title was not read?", own)
    return None


def printed_codes(layout: PageLayout) -> set[str]:
    """The dossier codes printed on a page, found by their structure (not yet checked)."""
    return {found.code for line in layout.page.lines
            for found in codes_in_words([(w.text, w.confidence, w.bbox) for w in line.words])}


def printed_cover_sheets(layouts: list[PageLayout], doctypes: list[DocTypeDefinition],
                         cover_codes: Mapping[int, str]) -> set[int]:
    """The numbers of the pages that are cover sheets whose symbol was not decoded: no title
    and no symbol, one dossier code printed, no more words read surely than a cover sheet
    holds (``MAX_COVER_WORDS``; its symbol's bars read as words are read unsurely), and the
    page right after it a receipt (its title, or a code's symbol) printing or carrying the
    same code. Two prints read alike on two pages, one of them a receipt's, are the sheet
    and its dossier's receipt. Taken for a receipt whose title was not read, such a sheet
    was a dossier received of its own (dossier seed 17, hard tuning: 56 dossiers counted
    against the truth's 54)."""
    receipts = {d.id for d in doctypes if d.dossier_role == "receipt"}
    found: set[int] = set()
    for layout, after in zip(layouts, layouts[1:], strict=False):
        page = layout.page
        if page.number in cover_codes or page.codes or after.page.number in cover_codes:
            continue
        codes = printed_codes(layout)
        if (len(codes) != 1 or sure_words(page.lines) > MAX_COVER_WORDS
                or opened_type(layout, doctypes)):
            continue
        opens = opened_type(after, doctypes)
        symbol = dossier_code_of(after.page.codes)
        if ((opens in receipts or untitled_receipt_code(opens, after.page.codes))
                and codes <= printed_codes(after) | {symbol}):
            found.add(page.number)
    return found


def split_document(layouts: list[PageLayout], doctypes: list[DocTypeDefinition],
                   cover_codes: Mapping[int, str], near_type_score: float) -> list[DocumentSpan]:
    """The documents in a file's pages. ``cover_codes`` maps the numbers of cover-sheet pages
    to the dossier code each carries; ``near_type_score`` is the review threshold
    (``ReviewOptions.unknown_near_type_score``) above which an untitled page fitting another
    type is a doubt. A page in doubt starts a document of its own, which goes to review
    naming it, rather than being glued to the document before it."""
    receipts = {d.id for d in doctypes if d.dossier_role == "receipt"}
    receipt_seen = False  # the cover sheet's dossier has had its receipt
    spans: list[DocumentSpan] = []
    dossier: str | None = None
    seen_codes: set[str] = set()  # printed on the pages since the last receipt or cover
    printed_covers = printed_cover_sheets(layouts, doctypes, cover_codes)
    for layout in layouts:
        number = layout.page.number
        if number in cover_codes:
            dossier, receipt_seen, seen_codes = cover_codes[number], False, {cover_codes[number]}
            spans.append(DocumentSpan([], dossier_code=dossier))  # closes the one before
            continue
        if number in printed_covers:
            # Its code is the receipt's to give, read and checked there.
            dossier, receipt_seen, seen_codes = None, False, printed_codes(layout)
            spans.append(DocumentSpan([]))
            continue
        opens = opened_type(layout, doctypes)
        current = spans[-1] if spans else None
        codes = printed_codes(layout)
        # A page carrying a dossier code's symbol, and more than a cover sheet, is a receipt
        # whose title was not read: no attachment prints one.
        symbol = untitled_receipt_code(opens, layout.page.codes) is not None
        new_code = opens is None and not symbol and bool(codes - seen_codes)
        if new_code:
            # An untitled page printing a dossier code its dossier's pages did not print: a
            # receipt whose title was not read, perhaps of the next dossier. Glued to the form
            # before it, the form after it joined that form's dossier without review
            # (tests/pipeline/test_split.py). Its own document, in review; the documents
            # after it join no dossier by it (office/dossiers.py). So is a file's first page:
            # taken for an unknown document, it and the forms after it joined the file's
            # next receipt's dossier, the only one the file seemed to hold, without review
            # (dossier seed 29 tuning hard: 6 pages).
            if receipt_seen:
                dossier = None  # the cover sheet's receipt came: this is no page of its
            spans.append(DocumentSpan([layout], None, dossier, [
                f"page {number} has no title but prints a dossier code of no document before "
                f"it («{sorted(codes)[0]}»): is it a receipt whose title was not read?"],
                prints_new_code=True))
            receipt_seen, seen_codes = True, codes
            continue
        if opens is not None or current is None or symbol:
            if opens in receipts or symbol:
                if receipt_seen:
                    dossier = None  # a second receipt: the cover sheet's reach ends
                receipt_seen = True
                seen_codes = set()
            seen_codes |= codes
            if current is not None and not current.pages:
                current.pages, current.opens = [layout], opens  # right after a cover sheet
            else:
                spans.append(DocumentSpan([layout], opens, dossier))
            continue
        if not current.pages:
            current.pages = [layout]
            continue
        doubt = _doubt_of(layout, current, doctypes, near_type_score)
        if doubt is not None:
            reason, like = doubt
            # A page that may be a receipt whose title and code were not read may open the
            # next dossier: the documents after it must not join the one before it unseen
            # (office/dossiers.py), and it ends a cover sheet's reach as a receipt would.
            # After the cover sheet's receipt, such a page is under no cover sheet: given the
            # sheet's code, the documents after it joined the sheet's dossier without a doubt
            # (seed 31 tuning hard: an unread receipt after a cover sheet's dossier).
            maybe_receipt = like in receipts
            if maybe_receipt and receipt_seen:
                dossier = None
            spans.append(DocumentSpan([layout], None, dossier, [reason],
                                      fits_receipt=maybe_receipt, unread=unread_page(layout)))
            if maybe_receipt:
                receipt_seen, seen_codes = True, codes
            continue
        current.pages.append(layout)
    return [span for span in spans if span.pages]
