"""The accuracy scores count what they claim to count."""

from __future__ import annotations

import pytest

from benchmarks.scoring import TierScore, comparable_text, score_file, score_handwritten


def document(fields: dict[str, object], text: str, doc_type: str = "dossier_receipt") -> dict:
    return {"status": "digitized", "doc_type": doc_type,
            "fields": {k: {"value": v} for k, v in fields.items()},
            "pages": [{"text": text}]}


def test_wrong_missing_and_extra_fields_count_against_the_right_measure() -> None:
    """GIVEN 3 expected fields WHEN one is right, one wrong, one missing and one extra
    THEN accuracy 1/3 and precision 1/3 (right / extracted)."""
    truth = {"applicant_name": "Lê Văn Tám", "phone": "0912345678", "document_count": 1}
    produced = document({"applicant_name": "Lê Văn Tám", "phone": "0912345670",
                         "email": "x@y.vn"}, "abc")
    score = score_file("dossier_receipt", truth, "abc", produced)
    assert score.field_accuracy == pytest.approx(1 / 3)
    assert score.field_precision == pytest.approx(1 / 3)
    assert score.type_accuracy == 1.0
    assert score.cer == 0.0


def test_cer_ignores_layout_but_counts_diacritic_errors() -> None:
    truth_text = "Họ và tên:.......... Nguyễn   Văn An"
    score = score_file("unknown", {}, truth_text, document({}, "Họ và tên: Nguyen Văn An",
                                                           doc_type="unknown"))
    assert comparable_text(truth_text) == "Họ và tên: Nguyễn Văn An"
    assert score.char_errors == 1


def test_tier_scores_add_up() -> None:
    total = TierScore()
    total.add(score_file("unknown", {}, "a", document({}, "a", doc_type="unknown")))
    total.add(score_file("unknown", {}, "b", document({}, "b", doc_type="birth_registration")))
    assert (total.files, total.type_correct, total.type_accuracy) == (2, 1, 0.5)
    assert total.statuses["digitized"] == 2


def test_every_given_field_counts_whatever_its_flags() -> None:
    """GIVEN a field given with valid false and low confidence WHEN scored THEN it still
    counts as given (the pipeline must leave out what it is unsure of, not flag it)."""
    produced = document({"phone": "0912345670"}, "abc")
    produced["fields"]["phone"] |= {"valid": False, "confidence": 0.1}
    score = score_file("dossier_receipt", {"phone": "0912345678"}, "abc", produced)
    assert (score.fields_extracted, score.field_precision) == (1, 0.0)


def test_review_and_straight_through_are_counted_per_file() -> None:
    """GIVEN a digitized file with every field right, a digitized one with a wrong field and
    one sent to review WHEN added up THEN 1 of 3 went straight through and 1 of 3 to review."""
    total = TierScore()
    truth = {"phone": "0912345678"}
    total.add(score_file("dossier_receipt", truth, "a", document(truth, "a")))
    total.add(score_file("dossier_receipt", truth, "a", document({"phone": "0912345670"}, "a")))
    review = document({}, "a") | {"status": "needs_review"}
    total.add(score_file("dossier_receipt", truth, "a", review))
    assert total.straight_through == 1 and total.reviews == 1
    assert total.straight_through_rate == pytest.approx(1 / 3)
    assert total.review_rate == pytest.approx(1 / 3)


def test_handwritten_values_are_not_expected_but_counted_when_given():
    """Accuracy is the printed values'; a handwritten value given is scored for precision,
    and given wrong is counted apart (the one outcome to avoid)."""
    truth = {"document_number": "575/UBND-KTTH", "issued_date": "2025-02-05", "subject": "A"}
    document = {"status": "needs_review", "doc_type": "official_document", "pages": [],
                "fields": {"subject": {"value": "A"}, "issued_date": {"value": "2025-02-06"}}}
    printed = {"status": "needs_review", "doc_type": "official_document", "pages": [],
               "fields": {"subject": {"value": "A"}}}
    score = score_file("official_document", {"subject": "A"}, "", printed)
    score_handwritten(truth, ["document_number", "issued_date"], document, score)
    assert (score.fields_expected, score.fields_correct) == (1, 1)
    assert (score.handwritten, score.handwritten_given, score.handwritten_wrong) == (2, 1, 1)
    assert (score.fields_extracted, score.fields_extracted_correct) == (2, 1)
