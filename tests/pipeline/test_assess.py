"""Digitization status and review reasons (contract §2)."""

import pytest

from pipeline.assess import ReviewOptions, assess_document
from pipeline.classify import Classification
from pipeline.doctypes import DocTypeDefinition, load_doctypes
from pipeline.fields import Doubt, Extraction
from schemas.document import ExtractedField
from schemas.status import DigitizationStatus
from tests.pipeline.ocr_builders import make_page

REVIEW = ReviewOptions()
BIRTH = Classification(doc_type="birth_registration", score=0.95,
                       runner_up="dossier_receipt", runner_up_score=0.05, title_page=1)
UNKNOWN = Classification(doc_type="unknown", score=0.9, runner_up="birth_registration",
                         runner_up_score=0.1)
READABLE = [make_page(["TỜ KHAI ĐĂNG KÝ KHAI SINH"], confidence=92)]


@pytest.fixture(scope="module")
def birth() -> DocTypeDefinition:
    return next(d for d in load_doctypes() if d.id == "birth_registration")


def field(value, confidence=0.95, valid=True) -> ExtractedField:
    return ExtractedField(value=value, confidence=confidence, page=1, bbox=(0, 0, 10, 10),
                          valid=valid)


def complete() -> dict[str, ExtractedField]:
    return {"requester_name": field("Nguyễn Thị Hương"), "child_name": field("Nguyễn Văn An"),
            "child_dob": field("2024-05-12"), "child_gender": field("Nam"),
            "mother_name": field("Nguyễn Thị Hương")}


def test_known_type_with_every_required_field_is_digitized(birth):
    result = assess_document(BIRTH, complete(), READABLE, birth, REVIEW)
    assert result.status == DigitizationStatus.DIGITIZED and result.review_reasons == []


def test_unknown_type_with_readable_text_is_digitized():
    result = assess_document(UNKNOWN, {}, READABLE, None, REVIEW)
    assert result.status == DigitizationStatus.DIGITIZED


def test_missing_required_field_is_named(birth):
    fields = complete()
    del fields["child_dob"]
    result = assess_document(BIRTH, fields, READABLE, birth, REVIEW)
    assert result.status == DigitizationStatus.NEEDS_REVIEW
    assert result.review_reasons == [
        "required field child_dob («Ngày, tháng, năm sinh») was not found"]


def test_missing_optional_field_does_not_need_review(birth):
    result = assess_document(BIRTH, complete(), READABLE, birth, REVIEW)  # no father fields
    assert result.status == DigitizationStatus.DIGITIZED


def test_invalid_required_field_is_named_with_its_value(birth):
    fields = complete() | {"child_dob": field("2024-02-31", confidence=0.45, valid=False)}
    result = assess_document(BIRTH, fields, READABLE, birth, REVIEW)
    assert result.review_reasons == [
        "required field child_dob («Ngày, tháng, năm sinh») has an invalid value «2024-02-31»"]


def test_low_confidence_required_field(birth):
    fields = complete() | {"child_name": field("Nguyễn Văn An", confidence=0.4)}
    result = assess_document(BIRTH, fields, READABLE, birth, REVIEW)
    assert result.status == DigitizationStatus.NEEDS_REVIEW
    assert "child_name" in result.review_reasons[0] and "0.40" in result.review_reasons[0]


def test_low_mean_ocr_confidence_names_the_page(birth):
    pages = [READABLE[0], make_page(["mờ nhòe"], number=2, confidence=35)]
    result = assess_document(BIRTH, complete(), pages, birth, REVIEW)
    assert result.review_reasons == ["page 2: mean OCR confidence 35 is below 60"]


def test_blank_pages_do_not_count_as_low_confidence():
    pages = [READABLE[0], make_page([], number=2)]
    assert assess_document(UNKNOWN, {}, pages, None, REVIEW).status == "digitized"


def test_no_readable_text_needs_review():
    result = assess_document(UNKNOWN, {}, [make_page([])], None, REVIEW)
    assert result.status == DigitizationStatus.NEEDS_REVIEW
    assert result.review_reasons == ["no readable text was recognised on any page"]


def test_ambiguous_type_needs_review(birth):
    """
    GIVEN a classification whose runner-up is within the review margin
    WHEN assessed, even with every required field present
    THEN a person must decide the type
    """
    close = BIRTH.model_copy(update={"score": 0.8, "runner_up_score": 0.72, "ambiguous": True})
    result = assess_document(close, complete(), READABLE, birth, REVIEW)
    assert result.status == DigitizationStatus.NEEDS_REVIEW
    assert result.review_reasons == ["document type could not be decided between "
                                     "birth_registration (0.80) and dossier_receipt (0.72)"]


def test_review_margin_comes_from_settings(birth):
    close = BIRTH.model_copy(update={"score": 0.8, "runner_up_score": 0.62})
    strict = ReviewOptions(min_classification_margin=0.2)
    assert assess_document(close, complete(), READABLE, birth, REVIEW).status == "digitized"
    assert assess_document(close, complete(), READABLE, birth, strict).status == "needs_review"


def test_a_refused_value_sends_the_record_to_review_naming_the_field(birth):
    """
    GIVEN every required field, and an optional value that was read but refused
    WHEN assessed
    THEN the record needs review, and the reason names the field, what was read and why
    """
    extraction = Extraction(complete(), {"mother_birth_year": Doubt("2031", "is out of order "
                                                                           "with child_dob", 0.9)})
    result = assess_document(BIRTH, extraction, READABLE, birth, REVIEW)
    assert result.status == DigitizationStatus.NEEDS_REVIEW
    assert result.review_reasons == [
        "field mother_birth_year («Năm sinh») was left out: «2031» is out of order with "
        "child_dob"]


def test_a_refused_required_value_is_named_once(birth):
    fields = complete()
    del fields["child_dob"]
    extraction = Extraction(fields, {"child_dob": Doubt("2024-02-31", "is not a valid date",
                                                        0.5)})
    result = assess_document(BIRTH, extraction, READABLE, birth, REVIEW)
    assert result.review_reasons == [
        "required field child_dob («Ngày, tháng, năm sinh») was left out: «2024-02-31» is not "
        "a valid date"]


def test_a_plain_mapping_of_fields_is_an_extraction_without_doubts(birth):
    """
    GIVEN the fields as a plain mapping (how flows/tasks.py passed them before ``Extraction``)
    WHEN assessed
    THEN it is judged as an extraction with no doubts
    """
    plain = assess_document(BIRTH, complete(), READABLE, birth, REVIEW)
    explicit = assess_document(BIRTH, Extraction(complete()), READABLE, birth, REVIEW)
    assert plain == explicit


def test_a_page_of_no_type_that_nearly_fits_one_goes_to_review():
    """
    GIVEN a receipt whose title was not read: no type reaches its minimum score, but the
          receipt's labels are printed (0.37 against 0.13 at most for attachments and letters)
    WHEN assessed
    THEN it is unknown yet needs review, naming the type it nearly is
    """
    near = Classification(doc_type="unknown", score=0.63, runner_up="dossier_receipt",
                          runner_up_score=0.37)
    result = assess_document(near, {}, READABLE, None, REVIEW)
    assert result.status == DigitizationStatus.NEEDS_REVIEW
    assert result.review_reasons == [
        "no document type's title was found, but the page fits dossier_receipt (0.37; its "
        "labels are printed): is it one?"]
