"""A file's pages to what the contract says of each document in it: type, fields, status.

The document sequence (split → classify → extract → assess) as plain functions, so that the
Prefect task, the benchmarks and the tests all run the same steps in the same order. Rows
are built once per page here and shared by splitting, classification and extraction.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace

from pipeline.assess import Assessment, ReviewOptions, assess_document
from pipeline.barcodes import (
    codes_to_report,
    dossier_code_of,
    is_cover_sheet,
    is_dossier_code,
    untitled_receipt_code,
)
from pipeline.classify import Classification, classify_document
from pipeline.doctypes import DocTypeDefinition
from pipeline.extract import PageLayout, extract_fields, laid_out
from pipeline.fields import READ_TWO_WAYS, Doubt, Extraction
from pipeline.ocr.code_reread import code_words
from pipeline.split import DocumentSpan, split_document
from pipeline.text import fold
from pipeline.values.dossier_codes import (
    barred_alike,
    barred_day,
    barred_unit,
    codes_in_words,
    day_serial_as_read,
    day_unbarred,
    folded_code_text,
    mend_unit,
    read_code,
    serial_agrees,
    serial_contradicted,
    unit_of,
    written_day_of,
    zero_unbarred,
)
from pipeline.values.normalize import normalize_date
from pipeline.values.validate import carries_date, code_iso_day
from schemas.document import ExtractedField
from schemas.ocr import CodeReading, OcrWord, PageCode, PageOcr, union_bbox
from schemas.status import DigitizationStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    """What the pipeline decided about one document."""

    classification: Classification
    extraction: Extraction
    assessment: Assessment
    # The dossier code left out that readings of its line agree on (:func:`provisional_code`):
    # its documents are assembled under it in review, not lost.
    provisional_code: str | None = None

    @property
    def doc_type(self) -> str:
        """The chosen type (``unknown`` when none fits)."""
        return self.classification.doc_type


@dataclass(frozen=True)
class DocumentAnalysis:
    """One document of a file: where it stands in the file and what was decided about it."""

    span: DocumentSpan
    analysis: Analysis
    receipt_types: frozenset[str] = frozenset({"dossier_receipt"})
    # Of no known type: the dossier code it prints, read and checked as a receipt's is
    # (:func:`printed_receipt_codes`), or None.
    printed_code: str | None = None

    @property
    def pages(self) -> list[PageOcr]:
        """The document's pages, as read."""
        return [layout.page for layout in self.span.pages]

    @property
    def own_code(self) -> str | None:
        """The dossier code the document carries itself (a receipt's, exact from its
        barcode), when it was given and valid; else the one its symbols carry, when its type
        has a dossier code: a barcode is exact and wins over OCR (§6), so a receipt whose
        printed code was read otherwise (left out for review naming both) is still of the
        barcode's dossier. A document of no known type carrying a dossier code's symbol
        names that code too: only receipts and cover sheets print one (§5, §6), so it is a
        receipt whose title was not read (or a cover sheet with more on it than a caption),
        and the documents after it are of its dossier, not of the one before it."""
        found = self.analysis.extraction.fields.get("dossier_code")
        if found is not None and found.valid:
            return str(found.value)
        if "dossier_code" in self.analysis.extraction.doubts:
            return dossier_code_of(self.codes)
        return untitled_receipt_code(self.analysis.doc_type, self.codes) or self.printed_code

    @property
    def provisional_code(self) -> str | None:
        """The dossier code its documents are assembled under in review when it has none of
        its own (:func:`provisional_code`): None when it has one, or no reading agrees."""
        return None if self.own_code is not None else self.analysis.provisional_code

    @property
    def untitled_receipt(self) -> bool:
        """Whether it acts as its dossier's receipt without being typed one: a document of no
        known type carrying a dossier code's symbol (pipeline/barcodes.py
        ``untitled_receipt_code``, the rule the split started it by), or one whose first page
        prints a dossier code no page of its dossier printed before (pipeline/split.py), or
        one that looks like a receipt whose title and code were not read (its page fits a
        receipt better than the document before it, or it nearly fits one:
        ``DocumentSpan.fits_receipt``): its own code is then not known, and the documents
        after it go to review rather than join the dossier before it unseen."""
        if self.analysis.doc_type == "unknown" and self.span.prints_new_code:
            return True
        if self.span.fits_receipt and self.analysis.classification.doc_type not in (
                self.receipt_types):
            return True
        return (untitled_receipt_code(self.analysis.doc_type, self.codes) is not None
                or self.printed_code is not None)

    @property
    def codes(self) -> list[PageCode]:
        """The barcodes and QR codes read on its pages, in page order."""
        return [code for page in self.pages for code in page.codes]


def cover_sheets(pages: list[PageOcr]) -> dict[int, str]:
    """The cover sheets among the pages (a dossier code's symbol and little else, §5): each
    one's number and the dossier code it carries."""
    return {page.number: code for page in pages
            if is_cover_sheet(page.codes, text_off_symbols(page))
            and (code := dossier_code_of(page.codes)) is not None}


def text_off_symbols(page: PageOcr) -> str:
    """The page's text without the words read in its barcodes' and QR codes' boxes: a
    symbol's bars come out as words («li II HINH III là», «IIIltIILHII»), 10 to 15 on a
    damaged Code 128, which made two hard tuning cover sheets at dossier seed 13 count 41
    and 34 words, more than a cover sheet holds (``MAX_COVER_WORDS``), and documents."""
    boxes = [code.bbox for code in page.codes]
    if not boxes or not page.lines:
        return page.text  # a page without words of its own (a text layer's) is counted whole

    def on_symbol(word: OcrWord) -> bool:
        x, y = (word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2
        return any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)

    return "\n".join(" ".join(w.text for w in line.words if not on_symbol(w))
                     for line in page.lines)


def analyse_file(pages: list[PageOcr], doctypes: list[DocTypeDefinition],
                 review: ReviewOptions, *, units: frozenset[str] = frozenset()
                 ) -> list[DocumentAnalysis]:
    """Split a file's pages into documents (pipeline/split.py) at titles and cover sheets and
    analyse each. A file whose every page is a cover sheet is one document, so that it still
    gets a record. ``units``: the agency codes of the units the office receives for (§6,
    ``Settings.dossier_units``), which a dossier code read by OCR must name."""
    layouts = laid_out(pages)
    spans = split_document(layouts, doctypes, cover_sheets(pages),
                           review.unknown_near_type_score)
    if not spans:
        spans = [DocumentSpan(layouts)]
    receipts = frozenset(d.id for d in doctypes if d.dossier_role == "receipt")
    documents = [DocumentAnalysis(span, _with_doubts(analyse(span.pages, doctypes, review,
                                                             units), span.doubts), receipts)
                 for span in spans]
    documents = [_with_printed_code(d, doctypes, units) if d.analysis.doc_type == "unknown"
                 else d for d in documents]
    for document in documents:
        # A document of no type that nearly fits a receipt (its labels printed, its title not
        # found: assess.type_reasons sends it to review) may be one whose code was not read.
        found = document.analysis.classification
        if (found.doc_type == "unknown" and found.runner_up in receipts
                and found.runner_up_score >= review.unknown_near_type_score):
            document.span.fits_receipt = True
    return documents


def _with_printed_code(document: DocumentAnalysis, doctypes: list[DocTypeDefinition],
                       units: frozenset[str]) -> DocumentAnalysis:
    """A document of no known type with the dossier code it prints, read as a receipt's
    (:func:`printed_receipt_codes`): given, or else the one its line's readings agree on,
    under which it is assembled in review when it opens a dossier as an untitled receipt
    (dossier seed 29 tuning hard: a receipt on a file's first page, its title not read,
    its code read «000.21.13.H52-…» on the page and «000.21.43.H52-…» three times on its
    line, its day not read; its dossier's 6 pages joined none)."""
    given, provisional = printed_receipt_codes(document.span.pages, doctypes, units)
    return replace(document, printed_code=given,
                   analysis=replace(document.analysis, provisional_code=provisional))


def printed_receipt_codes(layouts: list[PageLayout], doctypes: list[DocTypeDefinition],
                          units: frozenset[str]) -> tuple[str | None, str | None]:
    """The dossier code a document of no known type prints, read as a receipt's is (by the
    receipt type's labels or its structure, then its unit, received day and second readings
    checked: :func:`with_known_unit`, :func:`with_day_of_issue`, :func:`with_code_readings`)
    when it passes every check; None otherwise, or without the office's units. Only
    receipts and cover sheets print a dossier code (§5, §6), so such a document is a
    receipt whose title was not read: it opens that dossier in review, as one carrying the
    code's symbol does (office/dossiers.py), instead of its dossier's pages joining none.
    Its day must have been checked (by the received day or the date above the code).

    Returned with it: None, or, when no code passes so (its day unchecked too), the code a
    receipt's would be assembled under in review (:func:`provisional_code`), else None."""
    definition = next((d for d in doctypes if d.dossier_role == "receipt"), None)
    key = dossier_code_key(definition) if definition is not None else None
    if definition is None or key is None or not units:
        return None, None
    pages = [layout.page for layout in layouts]
    extraction = extract_fields(layouts, definition)
    for step in (with_known_unit, with_day_of_issue, with_code_readings):
        extraction = step(extraction, definition, units, pages)
    found = extraction.fields.get(key)
    if found is None or not found.valid:
        return None, provisional_code(extraction, definition, units, pages)
    # Its day checked, always: a receipt's code whose day nothing read is given, but this
    # one's document is not known to be a receipt at all.
    page = next((p for p in pages if p.number == found.page), None)
    day = received_day(extraction, definition.field(key).dated_by) or (
        dated_above(page, found.bbox) if page is not None and found.bbox else None)
    if day is not None and carries_date(str(found.value), day):
        return str(found.value), None
    unchecked = _given_in_doubt(extraction, key, "its day could not be checked")
    return None, provisional_code(unchecked, definition, units, pages)


def _with_doubts(analysis: Analysis, doubts: list[str]) -> Analysis:
    """A document the split was unsure of goes to review, its doubts first among reasons."""
    if not doubts:
        return analysis
    assessment = Assessment(status=DigitizationStatus.NEEDS_REVIEW,
                            review_reasons=[*doubts, *analysis.assessment.review_reasons])
    return replace(analysis, assessment=assessment)


def analyse(pages: list[PageOcr] | list[PageLayout], doctypes: list[DocTypeDefinition],
            review: ReviewOptions, units: frozenset[str] = frozenset()) -> Analysis:
    """Classify one document's pages, extract the chosen type's fields, decide the status;
    a dossier code read by OCR must name one of ``units`` (none given: its unit cannot be
    checked, and the two readings of its line are checked against each other instead)."""
    layouts = laid_out(pages)
    pages = [layout.page for layout in layouts]
    classification = classify_document(layouts, doctypes, review.min_classification_margin)
    definition = next((d for d in doctypes if d.id == classification.doc_type), None)
    extraction = Extraction()
    if definition is not None:
        # The dossier code: the printed one checked against the office's units, then its
        # second reading, then the barcodes, which win over both.
        extraction = extract_fields(layouts, definition, classification.title_page)
        extraction = with_known_unit(extraction, definition, units, pages)
        extraction = with_day_of_issue(extraction, definition, units, pages)
        extraction = with_code_readings(extraction, definition, units, pages)
        extraction = unconfirmed_code_left_out(extraction, definition, pages,
                                               review.min_field_confidence)
        extraction = with_barcode_codes(extraction, definition, pages)
        provisional = provisional_code(extraction, definition, units, pages)
        if provisional is not None:
            extraction = _naming_provisional(extraction, definition, provisional)
    assessment = assess_document(classification, extraction, pages, definition, review)
    return Analysis(classification, extraction, assessment,
                    provisional if definition is not None else None)


def unconfirmed_code_left_out(extraction: Extraction, definition: DocTypeDefinition,
                              pages: list[PageOcr], min_confidence: float) -> Extraction:
    """The type's dossier code left out when it was given from the page's reading at a
    confidence review flags (below ``min_confidence``) and no second reading of its line
    (pipeline/ocr/code_reread.py) reads it: the receipt went to review for it, but the
    documents after it joined its dossier unseen. Seed 53 tuning mild, read without its
    barcode: an old-style face's «oo1.21.43.H40-240710-O361» (printed «…-240719-…», its
    date above read «ngày 1ọ» alike, its line read again as no code) was given at 0.44,
    and the 2 forms after it joined a wrong dossier without review."""
    key = dossier_code_key(definition)
    given = extraction.fields.get(key or "")
    if key is None or given is None or given.confidence >= min_confidence:
        return extraction
    if any(r.code == given.value for page in pages for r in page.code_readings):
        return extraction
    if any(is_dossier_code(code.text) for page in pages for code in page.codes):
        return extraction  # a symbol's code decides, and a printed one differing is named
    return _given_in_doubt(extraction, key, f"was read with low confidence {given.confidence:.2f}"
                                            f", and no second reading of its line reads it")


def dossier_code_key(definition: DocTypeDefinition) -> str | None:
    """The key of the type's dossier-code field (its first, if several), or None."""
    return next((f.key for f in definition.fields if f.kind.name == "dossier_code"), None)


def with_known_unit(extraction: Extraction, definition: DocTypeDefinition,
                    units: frozenset[str], pages: list[PageOcr]) -> Extraction:
    """The type's dossier-code field with its unit checked against the office's ``units``
    (pipeline/values/dossier_codes.py): a unit one misread digit from exactly one of them is
    mended to it, with a note; a unit that is none of them is refused naming it."""
    key = dossier_code_key(definition)
    if not units or key is None:
        return extraction
    if key not in extraction.fields and key not in extraction.doubts:
        extraction = with_code_found_on_page(extraction, definition, key, pages)
    if key not in extraction.fields:
        return extraction
    given = extraction.fields[key]
    checked = mend_unit(str(given.value), units)
    if checked.code == given.value:
        return extraction
    if checked.code is None:
        return _given_in_doubt(extraction, key, checked.note or "")
    fields, notes = dict(extraction.fields), dict(extraction.notes)
    fields[key] = given.model_copy(update={"value": checked.code})
    notes[key] = checked.note or ""
    return Extraction(fields=fields, doubts=dict(extraction.doubts), notes=notes)


def with_code_found_on_page(extraction: Extraction, definition: DocTypeDefinition, key: str,
                            pages: list[PageOcr]) -> Extraction:
    """A dossier code the label reader did not find (OCR read its dots as a leader,
    «009. 31.20 ..H26-…», and the value was cut there), found by its structure on the
    document's pages: given when it is the only code printed, read with the type's confidence
    and carrying the received day (which must have been read); the unit is checked after, so
    this is done only where units are configured (``with_known_unit``)."""
    found = [(page.number, code) for page in pages for line in page.lines
             for code in codes_in_words([(w.text, w.confidence, w.bbox) for w in line.words])]
    received = extraction.fields.get(definition.field(key).dated_by or "")
    if len({code.code for _, code in found}) != 1 or received is None:
        return extraction  # none, several, or no received day to check it by
    page, code = found[0]
    scores = code.confidences or [0.0]
    confidence = round((sum(scores) / len(scores) + min(scores)) / 200, 3)
    fields, doubts = dict(extraction.fields), dict(extraction.doubts)
    if not carries_date(code.code, str(received.value)):
        doubts[key] = Doubt(code.code, "was found on the page, but its day is not the day "
                                       "the dossier was received", confidence)
    elif confidence < definition.matching.drop_below_confidence:
        doubts[key] = Doubt(code.code, f"was found on the page with low confidence "
                                       f"{confidence:.2f}", confidence)
    else:
        fields[key] = ExtractedField(value=code.code, confidence=confidence, page=page,
                                     bbox=union_bbox(code.boxes), valid=True)
    return Extraction(fields=fields, doubts=doubts, notes=dict(extraction.notes))


def with_day_of_issue(extraction: Extraction, definition: DocTypeDefinition,
                      units: frozenset[str], pages: list[PageOcr]) -> Extraction:
    """The type's dossier-code field refused when its day is not the day the dossier was
    received: the received day as read (given or refused, :func:`received_day`), failing
    that the receipt's own date above the code (:func:`dated_above`). Extraction checks the
    code against a received time it read valid; when that time was misread, a code read
    with a wrong day was given all the same (a tuning hard receipt's «…-260403-0022», dated
    «ngày 03 tháng 04 năm 2025» above it), and a wrong code given is a whole dossier
    misfiled. The second reading (:func:`with_code_readings`) may then fill it in. Done with
    or without the office's units (``units`` is unused): the day needs no list of units, and
    without units a misread code was given all the same (a hard tuning receipt of seed 62
    read «…-260925-0184» for «…-250925-0184», its received time not read)."""
    del units  # the day check needs none; kept for the steps' common signature
    key = dossier_code_key(definition)
    given = extraction.fields.get(key or "")
    if key is None or given is None:
        return extraction
    page = next((p for p in pages if p.number == given.page), None)
    day = received_day(extraction, definition.field(key).dated_by) or (
        dated_above(page, given.bbox) if page is not None and given.bbox else None)
    if day is None or carries_date(str(given.value), day):
        return extraction
    return _given_in_doubt(extraction, key, f"was read, but its day is not the day the dossier "
                                            f"was received ({day})")


def _given_in_doubt(extraction: Extraction, key: str, reason: str) -> Extraction:
    """The extraction with its given ``key`` field left out for ``reason`` (a doubt at the
    confidence it was read with)."""
    fields, doubts = dict(extraction.fields), dict(extraction.doubts)
    given = fields.pop(key)
    doubts[key] = Doubt(given.value, reason, given.confidence)
    return Extraction(fields=fields, doubts=doubts, notes=dict(extraction.notes))


# A code read twice is given at this confidence: its every part is checked by something other
# than the page's first reading (its unit against the office's units, its day against the
# received day, its serial by the two readings agreeing), so the low confidence the first
# reading had (0.09–0.28 on the codes it split) no longer measures it. What is left is both
# readings misreading the serial alike.
CHECKED_CODE_CONFIDENCE = 0.9


def with_code_readings(extraction: Extraction, definition: DocTypeDefinition,
                       units: frozenset[str], pages: list[PageOcr]) -> Extraction:
    """The type's dossier-code field as the second reading of its line says
    (pipeline/ocr/code_reread.py), where that reading passes every check: its unit is one of
    ``units`` (or one digit from exactly one), its day is the received day (which must have
    been read; failing that, the receipt's own date above the code), and its serial is the
    one the first reading ends with. Such a reading confirms the code given, fills in a code
    refused or not found, and puts a different code given in doubt (which reading is right
    cannot be told). Without units, the readings are checked against each other instead
    (:func:`with_readings_agreeing`)."""
    key = dossier_code_key(definition)
    if key is None:
        return extraction
    if not units:
        return with_readings_agreeing(extraction, definition, pages)
    received = received_day(extraction, definition.field(key).dated_by)
    passed = {(number, reading.code): reading for number, reading in _checked_readings(
        pages, units, received)}
    if not passed and (confirmed := _confirmed_first_reading(extraction, key, units, received,
                                                             pages)) is not None:
        return confirmed
    if len({code for _, code in passed}) != 1:
        # None passed, or two different codes: the first reading stands, and a refusal names
        # the second reading too, for the person who reviews it; a code given whose line
        # reads another serial the second time is in doubt.
        return _naming_second_readings(_doubting_other_days(_doubting_other_serials(
            extraction, key, pages), key, pages), key,
                                       pages)
    (page, code), reading = next(iter(passed.items()))
    if (unbarred := _unbarred_reading(code, reading, pages)) is not None:
        return _in_doubt_for_bars(extraction, key, code, unbarred)
    given = extraction.fields.get(key)
    if given is not None and given.value == code:
        return extraction
    if given is not None:
        return _given_in_doubt(extraction, key, f"was read, but a second reading of its line "
                                                f"gives «{code}»")
    fields, doubts, notes = dict(extraction.fields), dict(extraction.doubts), dict(extraction.notes)
    fields[key] = ExtractedField(value=code, confidence=CHECKED_CODE_CONFIDENCE, page=page,
                                 bbox=reading.bbox, valid=True)
    doubts.pop(key, None)
    notes[key] = (f"read «{reading.first}» at first; a second reading of its line with "
                  f"only a code's characters gives «{code}»")
    return Extraction(fields=fields, doubts=doubts, notes=notes)


def _unbarred_reading(code: str, reading: CodeReading, pages: list[PageOcr]) -> str | None:
    """Another reading of ``reading``'s line, made with the bars of its zeros erased, that
    reads a zero of the serial where ``code`` (the reading that passed the checks) has a 6,
    8 or 9 (``zero_unbarred``): the code it reads, or None. Seed 41 tuning clean, read
    without its barcode: «…-250922-0899» (1x, no bar erased) was given for the printed
    «…-0099», read so enlarged with six bars erased; its dossier's 2 pages joined a wrong
    one, in review by another field's chance only."""
    return next((other.code for page in pages for other in page.code_readings
                 if other.first == reading.first
                 and zero_unbarred(code, other.code, other.barred_zeros)), None)


def _in_doubt_for_bars(extraction: Extraction, key: str, code: str, unbarred: str
                       ) -> Extraction:
    """The code left out (given or not) because a reading with its zeros' bars erased reads
    a zero of its serial otherwise (:func:`_unbarred_reading`): which one is printed cannot
    be told, so the receipt goes to review (``provisional_code`` may still assemble its
    dossier under the code its readings agree on)."""
    reason = (f"was read again on its line as «{code}», but a reading with its zeros' bars "
              f"erased reads «{unbarred}»: a barred zero may have been read 6, 8 or 9")
    if key in extraction.fields:
        return _given_in_doubt(extraction, key, reason)
    doubt = extraction.doubts.get(key)
    doubts = {**extraction.doubts, key: Doubt(doubt.value if doubt else code,
                                              f"{doubt.reason}; {reason}" if doubt else reason,
                                              doubt.confidence if doubt else 0.0)}
    return Extraction(fields=dict(extraction.fields), doubts=doubts, notes=dict(extraction.notes))


def with_readings_agreeing(extraction: Extraction, definition: DocTypeDefinition,
                           pages: list[PageOcr]) -> Extraction:
    """The type's dossier-code field checked without the office's units (none configured,
    the default ``Settings.dossier_units``): its unit cannot be checked against a list, so
    the two readings of its line are checked against each other (the page's, and the second
    with only a code's characters: pipeline/ocr/code_reread.py). A code given whose line
    reads another code the second time is left out naming it (the receipt goes to review); a
    code not given is filled in from a second reading that agrees with the page's on the
    unit and serial, its day the received day (:func:`_agreed_reading`). The day of a code
    given is checked besides (:func:`with_day_of_issue`); a code given whose day nothing
    read (neither the received time nor a date above it) is left out.

    A code given that no second reading read as a code at all (the reread found none) stands
    as before: on the tuning parts of seeds 62 and 63 (`python -m benchmarks.accuracy
    --count 30 --parts tuning`, 24 receipts) every receipt's line was read again as a code,
    so refusing it would be a rule no measurement backs (and every test page without a
    second reading would lose its code). Dossier codes right/wrong/left out there: seed 62
    4/2/2 -> 7/0/1, seed 63 14/0/2 unchanged.

    Seed 62 tuning without units: «000.21.10.H41-240506-0178» was given for «000.21.19.H41-…»
    (a mild Garamond receipt read «ooo.21.1o.H41-…» on the page and «…19…» twice on its
    line): now left out naming the second reading; «001.31.11.H27-260925-0184» for
    «…-250925-0184» (a hard receipt, its received time not read, dated 25/09/2025 above the
    code; its line read «…-250925-0184» twice): now given as the second reading says."""
    key = dossier_code_key(definition) or ""
    given = extraction.fields.get(key)
    if given is None:
        received = received_day(extraction, definition.field(key).dated_by)
        judged = [(page.number, reading,
                   _disagreement(reading, received or dated_above(page, reading.bbox)))
                  for page in pages for reading in page.code_readings]
        agreed = _agreed_reading(extraction, key, judged, definition.field(key).dated_by)
        if agreed is not None:
            return agreed
        why: dict[str, str | None] = {}
        for _, reading, failed in judged:
            why.setdefault(reading.code, failed)
        return _naming_second_readings(extraction, key, pages, why)
    others = sorted({r.code for page in pages for r in page.code_readings} - {str(given.value)})
    if others:
        return _given_in_doubt(extraction, key, f"was read, but a second reading of its line "
                                                f"reads «{others[0]}»")
    page = next((p for p in pages if p.number == given.page), None)
    if received_day(extraction, definition.field(key).dated_by) is None and (
            page is None or not given.bbox or dated_above(page, given.bbox) is None):
        # Nothing but the page's reading would vouch for the day: none of the 21 codes given
        # from print on seeds 62 and 63 tuning was so, so this costs nothing measured.
        return _given_in_doubt(extraction, key, "was read, but no day the dossier was received "
                                                "could be read to check its day by")
    return extraction


def _agreed_reading(extraction: Extraction, key: str,
                    judged: list[tuple[int, CodeReading, str | None]],
                    dated_by: str | None = None) -> Extraction | None:
    """Without units: the extraction with the code a second reading of its line gives, when
    it is read as the page read it in the unit and serial (two readings by different models
    agreeing stand for the check of the unit against the office's list), and its day is the
    day received (as read; failing that, the receipt's own date above the code), and no other
    second reading passes so. A seed 62 tuning hard receipt read «…-260925-0184» on the page
    and «…-250925-0184» on its line, dated 25/09/2025 above it; a hard one read its code
    whole on both, the page's at confidence 0.24 (refused). ``judged``: each second reading,
    its page's number and the check it failed (:func:`_disagreement`; None: passed all).
    The received time (``dated_by``) the page's misread code had refused is given after all
    (:func:`_settled_day`). None otherwise."""
    passed: dict[str, tuple[int, CodeReading]] = {}
    for number, reading, failed in judged:
        if failed is None:
            passed.setdefault(reading.code, (number, reading))
    if len(passed) != 1:
        return None
    code, (number, reading) = next(iter(passed.items()))
    fields, doubts, notes = dict(extraction.fields), dict(extraction.doubts), dict(extraction.notes)
    doubts.pop(key, None)
    fields[key] = ExtractedField(value=code, confidence=CHECKED_CODE_CONFIDENCE, page=number,
                                 bbox=reading.bbox, valid=True)
    notes[key] = (f"read «{reading.first}» at first; a second reading of its line gives "
                  f"«{code}», alike in unit and serial, its day the day received")
    return _settled_day(Extraction(fields=fields, doubts=doubts, notes=notes), key, dated_by)


def _settled_day(extraction: Extraction, key: str, dated_by: str | None) -> Extraction:
    """The extraction with its ``dated_by`` field given when it was refused only for
    disagreeing with the day of the code the page misread, and the code now given carries its
    day: the clash is settled in its favour (two readings of the code's line agree with it).
    A tuning hard receipt at seed 13 read its code «…-240602-0274» on the page and
    «…-240502-0274» on its line, its received time «ngày 02 tháng 05 năm 2024» refused for
    the first; the code was given, the time left out."""
    doubt = extraction.doubts.get(dated_by or "")
    code = extraction.fields.get(key)
    if dated_by is None or doubt is None or doubt.held is None or code is None \
            or doubt.reason != f"disagrees with the day of {key}" \
            or not carries_date(str(code.value), str(doubt.held.value)):
        return extraction
    doubts = {k: d for k, d in extraction.doubts.items() if k != dated_by}
    notes = {**extraction.notes, dated_by: f"its day agrees with the code read again on its "
                                           f"line, «{code.value}»"}
    return Extraction(fields={**extraction.fields, dated_by: doubt.held}, doubts=doubts,
                      notes=notes)


def _disagreement(reading: CodeReading, day: str | None) -> str | None:
    """Why a second reading of a code's line does not stand without the office's units (the
    first check it fails, as the person reviewing the receipt is told), or None when it
    does: the page's own reading of the line is a code alike in unit and serial, and the
    code's day is ``day`` (the day received, or the receipt's date above the code)."""
    first = read_code(folded_code_text(reading.first))
    if first is None:
        return f"which the page's reading of the line («{reading.first}») does not confirm"
    if unit_of(first) != unit_of(reading.code):
        return f"whose unit the page's reading of the line reads «{unit_of(first)}»"
    if first[-4:] != reading.code[-4:]:
        return f"whose serial the page's reading of the line reads «{first[-4:]}»"
    if day is None:
        return "whose day no day the dossier was received could check"
    if not carries_date(reading.code, day):
        return f"whose day is not the day received ({day})"
    return None


def _confirmed_first_reading(extraction: Extraction, key: str, units: frozenset[str],
                             received: str | None, pages: list[PageOcr]) -> Extraction | None:
    """The extraction with a refused first reading of the code given, when every part of it
    is checked by something else, as a second reading's are (:func:`checked_code`), its unit
    as read and its day the received day: a second reading of its line ends with its serial.
    A tuning mild receipt's code was read whole but at confidence 0.00, and read again with
    its day wrong («…-246725-0138»): its dossier went to review. None when a part fails or
    no second reading was made."""
    doubt = extraction.doubts.get(key)
    code = str(doubt.value) if doubt is not None else ""
    if not is_dossier_code(code):
        return None
    found = [(page.number, r) for page in pages for r in page.code_readings
             if checked_code(code, r.code, units, received) == code]
    if not found:
        return None
    number, reading = found[0]
    fields, doubts, notes = dict(extraction.fields), dict(extraction.doubts), dict(extraction.notes)
    del doubts[key]
    fields[key] = ExtractedField(value=code, confidence=CHECKED_CODE_CONFIDENCE, page=number,
                                 bbox=reading.bbox, valid=True)
    notes[key] = (f"read at first with low confidence; its unit is this office's, its day the "
                  f"day received, and a second reading of its line («{reading.code}») ends "
                  f"with the same serial")
    return Extraction(fields=fields, doubts=doubts, notes=notes)


def checked_code(code: str, other: str, units: frozenset[str], day: str | None,
                 barred_zeros: int = 0) -> str | None:
    """``code`` (its unit mended) when each of its parts is checked by something other than
    the reading it comes from: its unit is one of ``units`` or one misread digit from exactly
    one (pipeline/values/dossier_codes.py), its day is ``day`` (the received day), and its
    serial the one ``other``, another reading of the same print, ends with (``barred_zeros``:
    see :func:`serial_agrees`). None when a part fails.

    In a face that bars its zeros (``barred_zeros``), a day read with a 6 or 9 where ``day``
    has a zero is that day (:func:`day_unbarred`): every reading of a seed-31 hard tuning
    receipt's line read «…-246624-…» for «…-240624-…»."""
    mended = mend_unit(code, units).code
    if mended is None or day is None or not serial_agrees(mended, other, barred_zeros):
        return None
    if carries_date(mended, day):
        return mended
    return day_unbarred(mended, day) if barred_zeros else None


def received_day(extraction: Extraction, key: str | None) -> str | None:
    """The day (ISO) of the ``key`` field, given or refused: a refused received time
    («2024-02-26T16:60», the minutes misread) still says its day, and a code's day agreeing
    with it is two readings of different print agreeing. None when no valid day was read,
    or when the time was refused because the digits-only reading read one of its numbers
    otherwise (``READ_TWO_WAYS``): that number may be its day, which then checks nothing. A
    clean tuning receipt of seed 5 read «3 giờ 45 phút, ngày 02 tháng 05 năm 2025», «02»
    read otherwise the second time, and its code «…-250507-0267», read at 0.89–0.96 and
    alike on its line again, was refused for a day not the received one (7 pages without
    their dossier when read without its cover sheet). The code's day is then checked by
    the receipt's own date above it or the received line's words (:func:`written_day`)."""
    if key is None:
        return None
    doubt = extraction.doubts.get(key)
    if doubt is not None and READ_TWO_WAYS in doubt.reason:
        return None
    found = extraction.fields.get(key) or doubt
    day = str(found.value)[:10] if found is not None else ""
    return code_era_day(day) if len(day) == 10 else None


def code_era_day(day: str) -> str | None:
    """``day`` (ISO) when it is a day of the calendar a dossier code can carry: a code writes
    the year in two digits (yymmdd, read as 20yy), so a day is checked against a code's whole
    year only when its year lies between 2000 and next year; a year misread past them
    («2624» for 2024, whose last two digits a code's «24» would match) is no day to check a
    code by, and the receipt's own date is taken instead. None otherwise (a day misread past
    the calendar, «2024-12-92», too)."""
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        return None
    return parsed.isoformat() if 2000 <= parsed.year <= dt.date.today().year + 1 else None


def dated_above(page: PageOcr, bbox: tuple[int, int, int, int]) -> str | None:
    """The first day (ISO) written on a line above ``bbox``: on a receipt, its place-and-date
    line («Hà Tĩnh, ngày 02 tháng 12 năm 2024»), the day it was issued, which is the day the
    dossier was received; the day a code's second reading is checked by when the received
    time was misread past its day (tuning clean stack 4: «2024-12-92T13:20»). None when that
    line's day is no day of the calendar or of a code's era (:func:`code_era_day`)."""
    for line in page.lines:
        if line.words and line.bbox[3] <= bbox[1] and (day := normalize_date(line.text)):
            # A day misread past the calendar («2024-12-92») or the era checks no code.
            return code_era_day(day)
    return None


# The line a receipt writes the day it received the dossier on («4. Thời gian nhận hồ sơ: 08 giờ
# 19 phút, ngày 28 tháng 04 năm 2025»), folded; «sơ» is often misread («sq»).
_RECEIVED_LINE = re.compile(r"thoi\W*gian\W*nhan\b")


def written_day(page: PageOcr, reading: CodeReading) -> str | None:
    """The day (ISO) the receipt writes on its received-time line (or the line below its
    label, where the value stands under it) or on a line above the code as read, when its
    digits and those of ``reading``'s code agree but for the zeros a barred face reads 6 or 9
    in either (:func:`written_day_of`): the day a second reading is checked by when neither
    date could be read as a date (a tuning hard receipt in a barred face: received «ngày 28
    tháng 64 năm 2625», dated «ngày 28 tháng 94 năm .20925», its code read again
    «…-250428-…» with two bars erased). None otherwise."""
    after_label = False
    for line in page.lines:
        received = bool(_RECEIVED_LINE.search(fold(line.text)))
        if line.words and (line.bbox[3] <= reading.bbox[1] or received or after_label):
            day = written_day_of(reading.code, line.text, reading.barred_zeros)
            if day is not None:
                return _real_day(f"{day[:4]}-{day[4:6]}-{day[6:]}")
        after_label = received
    return None


def _real_day(day: str) -> str | None:
    """``day`` (ISO) when it is a day of the calendar, else None."""
    try:
        return dt.date.fromisoformat(day).isoformat()
    except ValueError:
        return None


def _doubting_other_serials(extraction: Extraction, key: str, pages: list[PageOcr]
                            ) -> Extraction:
    """The code given left out when a second reading of its line (pipeline/ocr/
    code_reread.py) reads another serial, which that reading's other checks failing does not
    make right: nothing else checks a serial, and two readings disagreeing on it leave it in
    doubt (a tuning mild receipt, seed 23: «…-241122-8459» read at 0.70–0.76 and given, its
    line read again «…-0459», the printed serial; its dossier's pages went to «…-8459»)."""
    given = extraction.fields.get(key)
    if given is None:
        return extraction
    others = sorted({r.code for page in pages for r in page.code_readings
                     if r.code[-4:] != str(given.value)[-4:]})
    if not others:
        return extraction
    return _given_in_doubt(extraction, key, f"was read, but a second reading of its line reads "
                                            f"another serial: «{others[0]}»")


def _doubting_other_days(extraction: Extraction, key: str, pages: list[PageOcr]) -> Extraction:
    """The code given left out when every second reading of its line (pipeline/ocr/
    code_reread.py) reads another day: the day check it passed may rest on a date misread as
    the code was, in the same face. Seed 47 tuning hard: «…-250608-0158» was given for the
    printed «…-250508-0158», its received time not found and the receipt's own date above
    it read «ngày 08 tháng 06» (the «06» at confidence 0) for «05»; its line read
    «…-250508-0158» twice; its dossier's pages joined a wrong one, one of them without
    review. A code no second reading read stands (seeds 62 and 63: see
    :func:`with_readings_agreeing`)."""
    given = extraction.fields.get(key)
    readings = [r.code for page in pages for r in page.code_readings]
    if given is None or not readings:
        return extraction
    day = code_iso_day(str(given.value))
    if any(code_iso_day(code) == day for code in readings):
        return extraction  # a reading agrees on the day
    return _given_in_doubt(extraction, key, f"was read, but every second reading of its line "
                                            f"reads another day: «{min(readings)}»")


def _naming_second_readings(extraction: Extraction, key: str, pages: list[PageOcr],
                            why: dict[str, str | None] | None = None) -> Extraction:
    """The refusal of ``key`` naming the second readings of its line, if any. A code the
    first reading did not find at all is left out as its second reading gives it, failing
    its checks: the person who reviews it sees the code, and `sohoa report` does not count
    its dossier twice when a result came in that code's folder (office/report.py; a tuning
    hard receipt read «ooi.oo.35.EFl43-240815-0257», its received day not read). ``why``:
    the check each code read failed (:func:`_disagreement`), where known."""
    doubt = extraction.doubts.get(key)
    codes = sorted({r.code for page in pages for r in page.code_readings})
    if doubt is None and key not in extraction.fields and not codes:
        return _naming_line_as_read(extraction, key, pages)
    if doubt is None and key not in extraction.fields and codes:
        named = ", ".join(f"«{code}»" for code in codes[1:])
        doubt = Doubt(codes[0], "is the code's line read again on its own; the page's "
                                "reading found none, and it fails its checks"
                                + (f" (read also: {named})" if named else ""), 0.0)
        return Extraction(fields=dict(extraction.fields),
                          doubts={**extraction.doubts, key: doubt}, notes=dict(extraction.notes))
    read = sorted(set(codes) - {str(doubt.value)} if doubt else set())
    if doubt is None or not read:
        return extraction
    failed = (why or {}).get(read[0]) if len(read) == 1 else None
    named = ", ".join(f"«{code}»" for code in read)
    doubts = {**extraction.doubts, key: replace(
        doubt, reason=f"{doubt.reason} (read again on its line: {named}, "
                      f"{failed or 'which fails its checks'})")}
    return Extraction(fields=dict(extraction.fields), doubts=doubts, notes=dict(extraction.notes))


def _naming_line_as_read(extraction: Extraction, key: str, pages: list[PageOcr]
                         ) -> Extraction:
    """The code left out as its line reads (the words after its label, «Mã hồ sơ:») when
    neither reading found a code there, naming the day and serial it ends with when those
    can be read (:func:`day_serial_as_read`): the person who reviews it sees what is printed,
    and `sohoa report` does not count its dossier twice when a result came in that code's
    folder (office/report.py matches the day and serial to the one dossier without receipt
    ending so). Unchanged when no page has such a line."""
    line = next((words for page in pages for line in page.lines
                 if (words := code_words(line))), None)
    if line is None:
        return extraction
    read = " ".join(word.text for word in line).strip()
    tail = day_serial_as_read(read)
    reason = ("is what the code's line reads, and no dossier code could be read from it"
              + (f" (its day and serial read «{tail}»)" if tail else ""))
    return Extraction(fields=dict(extraction.fields),
                      doubts={**extraction.doubts, key: Doubt(read, reason, 0.0)},
                      notes=dict(extraction.notes))


def _checked_readings(pages: list[PageOcr], units: frozenset[str], received: str | None
                      ) -> list[tuple[int, CodeReading]]:
    """The pages' second readings of codes that pass the checks (:func:`checked_code`, the
    serial against the first reading; the day, failing a received one, the receipt's own date
    above the code or, when that date disagrees, the date written on the received line or
    above: :func:`written_day`), their units mended, with their page numbers.

    The receipt prints the day it received the dossier twice, in its date line and on its
    received line: when the received time could not be read, a code's day agreeing with one
    of the two prints digit for digit is a second print agreeing, whatever the other was
    read as. Seed 29 hard tuning: «ngày 20 tháng 05» dated «ngày 20 tháng 06» above, the
    code's «…-240520-…» read alike three times, and its dossier's 5 pages waited in review."""
    passed = []
    for page in pages:
        for reading in page.code_readings:
            days = [received] if received else [dated_above(page, reading.bbox),
                                                written_day(page, reading)]
            code = next((found for day in dict.fromkeys(days) if day is not None
                         and (found := checked_code(reading.code, reading.first, units, day,
                                                    reading.barred_zeros)) is not None), None)
            if code is not None:
                passed.append((page.number, reading.model_copy(update={"code": code})))
    return passed


def with_barcode_codes(extraction: Extraction, definition: DocTypeDefinition,
                       pages: list[PageOcr]) -> Extraction:
    """The type's dossier-code field as its pages' barcodes or QR codes say (§6): a code read
    from a symbol is exact, so it is given with confidence 1.0 and wins over OCR; a printed
    code that differs, or two symbols that disagree, leave the field out naming both."""
    key = dossier_code_key(definition)
    found = [(page.number, code) for page in pages for code in page.codes
             if is_dossier_code(code.text)]
    for page in pages:
        for code in codes_to_report(page.codes):
            log.info("page %d: a %s whose text is no dossier code is ignored: %r",
                     page.number, code.format, code.text[:80])
    if key is None or not found:
        return extraction
    number, symbol = found[0]
    fields, doubts = dict(extraction.fields), dict(extraction.doubts)
    codes = sorted({code.text.strip() for _, code in found})
    printed = fields.pop(key, None)
    if len(codes) > 1:
        doubts[key] = Doubt(" / ".join(codes), "are two different codes in the barcodes", 0.0)
    elif printed is not None and printed.value != codes[0]:
        doubts[key] = Doubt(printed.value, f"is printed, but the barcode reads «{codes[0]}»",
                            printed.confidence)
    else:
        fields[key] = ExtractedField(value=codes[0], confidence=1.0, page=number,
                                     bbox=symbol.bbox, valid=True)
        doubts.pop(key, None)
    return Extraction(fields=fields, doubts=doubts, notes=dict(extraction.notes))


def provisional_code(extraction: Extraction, definition: DocTypeDefinition,
                     units: frozenset[str], pages: list[PageOcr]) -> str | None:
    """The code a dossier-code field left out in doubt is assembled under, in review: the one
    code (its unit mended, :func:`mend_unit`) that two readings of its line read whole and
    alike (the page's, the second, the third enlarged, the fourth thinned:
    pipeline/ocr/code_reread.py; or alike
    but for zeros one read 6 or 9 where the other erased every zero's bar, ``barred_alike``
    in pipeline/values/dossier_codes.py), whose
    day is a day of a code's era that no day the receipt writes contradicts (the received
    day, or its own date above the code, when read). Its serial then rests on two readings
    agreeing, not on the page's reading as a given code's does, and its day may be unchecked:
    not enough to give it, enough for its dossier to be assembled and looked at rather than
    lost (its documents go to review naming it; office/dossiers.py). None when the field was
    given, no units are configured, no code or several are read so, or, in a face that bars
    its zeros, the page's own reading of the line reads a 6, 8 or 9 of the serial as another
    of them (``serial_contradicted``).

    Seed 23 tuning: a mild receipt read «…-8459» on the page and «…-0459» twice on its line
    (its face bars zeros); a clean one whose received day reads «ngày T- tháng TỦ», its code
    «…-015-» on the page and «…-0154» twice; a clean one in a face barring zeros read
    «661.31.13.H43-248912-8183» on the page, «061.31.13.H43-240912-6183» at 1x (no bar found)
    and «001.31.13.H43-240912-0183» enlarged (four bars erased, its four zeros)."""
    key = dossier_code_key(definition)
    if not units or key is None or key in extraction.fields or key not in extraction.doubts:
        return None
    if any(is_dossier_code(code.text) for page in pages for code in page.codes):
        return None  # a symbol's code is exact: with_barcode_codes decided
    dated_by = definition.field(key).dated_by
    received = received_day(extraction, dated_by)
    votes: dict[str, set[str]] = {}
    unbarred: set[str] = set()  # read with the bars of all its zeros erased
    line_codes: list[tuple[str, str]] = []  # the line's own readings: source, plausible code
    for page in pages:
        for readings in _by_line(page.code_readings):
            known = received or dated_above(page, readings[0].bbox)
            barred = _barred_received(extraction, dated_by, known, readings)
            read = [("page", read_code(folded_code_text(readings[0].first)), 0),
                    *(("enlarged" if r.enlarged else "thinned" if r.thinned else "second",
                       r.code, r.barred_zeros) for r in readings)]
            for source, code, bars in read:
                plausible = _plausible(code, units, known) or _barred_plausible(
                    code, units, barred, any(r.barred_zeros for r in readings))
                if plausible is None or code is None:
                    continue
                # A reading that erased the bars of all its zeros and another that read those
                # zeros 6 or 9 agree (dossier_codes.barred_alike).
                votes.setdefault(plausible, set()).update(
                    [source, *(other for other, seen, _ in read
                               if barred_alike(code, bars, seen))])
                if bars and bars == code.count("0"):
                    unbarred.add(plausible)
                if source != "page":
                    line_codes.append((source, plausible))
    agreed = _unexplained([code for code, sources in votes.items() if len(sources) > 1],
                          unbarred)
    if len(agreed) != 1 or _line_split(agreed[0], votes[agreed[0]], line_codes) or any(
            serial_contradicted(agreed[0], readings[0].first) for page in pages
            for readings in _by_line(page.code_readings)
            if any(r.barred_zeros for r in readings)):
        return None  # none, several, split, or a barred face's serial the page reads otherwise
    return agreed[0]


def _line_split(code: str, sources: set[str], line_codes: list[tuple[str, str]]) -> bool:
    """Whether a reading of the code's line itself (not the page's: its second, enlarged or
    thinned reading) read another plausible code and is no vote for ``code`` (``sources``:
    those that are, a reading of barred zeros as 6, 8 or 9 among them). Two readings
    agreeing then stand against a third: no agreement. Dossier seed 5 tuning hard, a bold
    face: «…-0132» was read «…-0182» at 1x and enlarged, «…-0132» thinned, and «…-0182»
    would have assembled its dossier under a code no one was given."""
    return any(other != code and source not in sources for source, other in line_codes)


def _unexplained(agreed: list[str], unbarred: set[str]) -> list[str]:
    """The codes readings agree on, less those that are another agreed code read with its
    barred zeros as 6, 8 or 9 when that code was read with the bars of all its zeros erased
    (``unbarred``; ``barred_alike``): the erasure shows those zeros, the other readings
    did not see their bars. A clean tuning receipt of seed 41 printed «…-250922-0099»:
    «…-0899» on the page and at 1x, «…-0099» enlarged with its six zeros' bars erased;
    both were agreed on, and its dossier joined none."""
    return [code for code in agreed
            if not any(other != code and barred_alike(other, other.count("0"), code)
                       for other in agreed if other in unbarred)]


def _barred_received(extraction: Extraction, key: str | None, known: str | None,
                     readings: list[CodeReading]) -> str | None:
    """The received day a code line's day is checked by in a face that bars its zeros (a
    reading of the line erased a bar; None otherwise): the day read (``known``), else the
    one day the received time as read can be, its 6, 8 and 9 perhaps barred zeros
    (``barred_day``: «2624-99-13» can be only 2024-09-13)."""
    if not any(r.barred_zeros for r in readings):
        return None
    found = extraction.fields.get(key or "") or extraction.doubts.get(key or "")
    as_read = re.sub(r"\D", "", str(found.value)[:10]) if found is not None else ""
    return known or barred_day(as_read)


def _barred_plausible(code: str | None, units: frozenset[str], day: str | None,
                      barred: bool) -> str | None:
    """In a face that bars its zeros (``barred``: a bar was erased on the line), ``code`` with
    its unit mended, or else the one office unit it can be (``barred_unit``: «660.21.32.H14»
    for «000.21.32.H14», a hard tuning receipt of seed 5), and its day part ``day`` (ISO; see
    :func:`_barred_received`) when it reads that day or the one day it can be, any 6, 8 or 9
    perhaps a barred zero, is it (a hard tuning receipt of seed 23: «…-248913-…» and
    «…-246913-…» enlarged, received «2624-99-13»: 2024-09-13 each). None otherwise."""
    if code is None or not barred:
        return None
    mended = mend_unit(code, units).code or barred_unit(code, units)
    if mended is None or day is None:
        return _plausible(mended, units, day)
    if carries_date(mended, day) or barred_day("20" + mended[14:20]) == day:
        return f"{mended[:14]}{day[2:4]}{day[5:7]}{day[8:10]}{mended[20:]}"
    return None


def _by_line(readings: list[CodeReading]) -> list[list[CodeReading]]:
    """A page's second and third readings of codes grouped by the line they read (the page's
    reading of it, ``first``), in order."""
    lines: dict[str, list[CodeReading]] = {}
    for reading in readings:
        lines.setdefault(reading.first, []).append(reading)
    return list(lines.values())


def _plausible(code: str | None, units: frozenset[str], day: str | None) -> str | None:
    """``code`` with its unit mended when its unit is the office's (or one digit from exactly
    one), its day a day of a code's era, and ``day`` (the receipt's, when read) its day."""
    mended = mend_unit(code, units).code if code is not None else None
    if mended is None or code_era_day(code_iso_day(mended) or "") is None:
        return None
    return mended if day is None or carries_date(mended, day) else None


def _naming_provisional(extraction: Extraction, definition: DocTypeDefinition, code: str
                        ) -> Extraction:
    """The dossier-code doubt saying which code its documents are assembled under."""
    key = dossier_code_key(definition) or ""
    doubt = extraction.doubts[key]
    doubts = {**extraction.doubts, key: replace(doubt, reason=(
        f"{doubt.reason}; two readings of its line agree on «{code}», under which its "
        f"dossier is assembled for review"))}
    return Extraction(fields=dict(extraction.fields), doubts=doubts, notes=dict(extraction.notes))
