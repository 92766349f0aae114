"""The document sequence as one function: classify, extract and assess, rows built once."""

from __future__ import annotations

import pytest

import pipeline.extract
from pipeline.assess import ReviewOptions, assess_document
from pipeline.classify import classify_document
from pipeline.doctypes import DocTypeDefinition, load_doctypes
from pipeline.document import analyse
from pipeline.extract import extract_fields
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
