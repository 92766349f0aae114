"""The document sequence as one function: classify, extract and assess, rows built once."""

from __future__ import annotations

import pytest

import pipeline.extract
from pipeline.assess import ReviewOptions, assess_document
from pipeline.classify import classify_document
from pipeline.doctypes import DocTypeDefinition, load_doctypes
from pipeline.document import analyse, cover_sheets, text_off_symbols
from pipeline.extract import extract_fields
from schemas.ocr import PageCode
from schemas.status import DigitizationStatus
from tests.pipeline.ocr_builders import BIRTH_FORM, RECEIPT_FORM, make_page


@pytest.fixture(scope="module")
def doctypes() -> list[DocTypeDefinition]:
    return load_doctypes()


@pytest.mark.parametrize("lines", [BIRTH_FORM, RECEIPT_FORM], ids=["birth", "receipt"])
def test_analyse_decides_as_the_steps_one_by_one(doctypes, lines):
    """
    GIVEN a form's pages
    WHEN analysed in one call
    THEN type, fields and status are what classify, extract and assess give one by one.
    """
    pages = [make_page(["Trang bìa hồ sơ"], number=1), make_page(lines, number=2)]
    review = ReviewOptions()
    analysis = analyse(pages, doctypes, review)
    classification = classify_document(pages, doctypes)
    definition = next(d for d in doctypes if d.id == classification.doc_type)
    extraction = extract_fields(pages, definition)
    assessment = assess_document(classification, extraction, pages, definition, review)
    assert analysis.doc_type == classification.doc_type != "unknown"
    assert analysis.extraction.fields == extraction.fields and extraction.fields
    assert analysis.assessment == assessment
    assert analysis.assessment.status is DigitizationStatus.DIGITIZED


def test_rows_are_built_once_per_page(doctypes, monkeypatch):
    """Classification and extraction share the rows: building them is the costly part."""
    built: list[int] = []
    original = pipeline.extract.build_rows

    def counting(page):
        built.append(page.number)
        return original(page)

    monkeypatch.setattr(pipeline.extract, "build_rows", counting)
    pages = [make_page(BIRTH_FORM, number=1), make_page(["Bản sao"], number=2)]
    analyse(pages, doctypes, ReviewOptions())
    assert built == [1, 2]


def test_a_page_of_no_type_is_unknown_with_no_fields(doctypes):
    analysis = analyse([make_page(["Kính gửi ông bà", "Nội dung thư riêng"])], doctypes,
                       ReviewOptions())
    assert analysis.doc_type == "unknown" and analysis.extraction.fields == {}
    assert analysis.assessment.status is DigitizationStatus.DIGITIZED


def test_a_symbols_bars_read_as_words_do_not_make_a_cover_sheet_a_document():
    """
    GIVEN a cover sheet whose Code 128 was decoded but whose bars Tesseract also read as
          words (36 of them: «li II HINH III là», a hard tuning stack at dossier seed 13),
          and a receipt printing the same symbol among its own words
    WHEN the cover sheets are found
    THEN the sheet is one (words in the symbol's box are not counted), the receipt is not
    """
    code = "000.00.29.H26-240221-0080"
    bars = ["li II HINH III là II ĂIiÌI II IIIỄ iituiill li LÍ"] * 3
    sheet_lines = ["Mã số hồ sơ", *bars, code, "Bộ phận Một cửa UBND xã Hải Minh"]
    # The symbol's box: the three lines of bars (lines 1 to 3 of make_page's layout).
    symbol = PageCode(text=code, format="code128", bbox=(150, 150, 1400, 300))
    sheet = make_page(sheet_lines, number=1).model_copy(update={"codes": [symbol]})
    receipt = make_page(RECEIPT_FORM, number=2).model_copy(update={"codes": [symbol]})
    assert len(text_off_symbols(sheet).split()) == 4 + 1 + 8
    assert cover_sheets([sheet, receipt]) == {1: code}
    assert text_off_symbols(make_page(sheet_lines)) == make_page(sheet_lines).text
