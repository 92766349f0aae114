"""How the accuracy benchmark scores a file that `sohoa process` makes into several records
(``benchmarks.accuracy``): by the record holding the truth's form, its boundaries against
the contract's (§5: an attached notice is a titled document of its own)."""

from __future__ import annotations

from benchmarks.accuracy import document_json, scored_document
from benchmarks.scoring import score_file
from pipeline.assess import ReviewOptions
from pipeline.doctypes import load_doctypes
from pipeline.document import analyse_file
from samples.truth import PageTruth
from tests.pipeline.ocr_builders import BIRTH_FORM, RECEIPT_FORM, make_page

FORM_FIELDS = {"child_name": {"value": "LÊ VĂN AN"}}


def truth_pages(*kinds: tuple[str, str]) -> list[PageTruth]:
    """Pages of a generated file's truth: (page_doc_type, template) each."""
    return [PageTruth(number=n, page_doc_type=kind, template=template, text="", width_px=10,
                      height_px=10) for n, (kind, template) in enumerate(kinds, start=1)]


def record(first: int, last: int, doc_type: str, status: str = "digitized",
           fields: dict | None = None, reasons: list[str] | None = None) -> dict:
    return {"first": first, "last": last, "doc_type": doc_type, "status": status,
            "fields": fields or {}, "review_reasons": reasons or []}


def test_a_form_with_an_attached_notice_is_scored_by_the_form_s_record() -> None:
    """GIVEN a file holding a notice and then a birth registration (an attached notice is a
    titled document of its own) made into two records WHEN scored THEN the form's record is
    scored, the file's records start where its truth's documents do, and it is digitized."""
    truth = truth_pages(("official_document", "notice"), ("birth_registration",
                                                          "birth_registration"))
    produced = {"documents": [record(1, 1, "official_document"),
                              record(2, 2, "birth_registration", fields=FORM_FIELDS)],
                "pages": [{"text": "a"}, {"text": "b"}]}

    scored = scored_document(produced, truth, "birth_registration")

    assert (scored["doc_type"], scored["fields"]) == ("birth_registration", FORM_FIELDS)
    assert scored["status"] == "digitized" and scored["bounds_right"]
    assert scored["documents"] == 2 and len(scored["pages"]) == 2


def test_an_attachment_split_off_in_review_is_a_review_of_the_file_with_wrong_bounds() -> None:
    """GIVEN a birth registration and its attached birth-certificate copy (no title: part of
    the form's document) made into two records, the copy's in review WHEN scored THEN the
    file is in review, the copy's reasons named by its number, its bounds wrong."""
    truth = truth_pages(("birth_registration", "birth_registration"),
                        ("unknown", "birth_certificate_copy"))
    produced = {"documents": [record(1, 1, "birth_registration", fields=FORM_FIELDS),
                              record(2, 2, "unknown", "needs_review", reasons=["no title"])],
                "pages": [{"text": "a"}, {"text": "b"}]}

    scored = scored_document(produced, truth, "birth_registration")

    assert scored["doc_type"] == "birth_registration"
    assert scored["status"] == "needs_review"
    assert scored["review_reasons"] == ["document 2 of the file (unknown): no title"]
    assert not scored["bounds_right"]


def test_a_file_with_wrong_bounds_is_never_straight_through() -> None:
    """GIVEN a file whose scored record is digitized with every field right WHEN its records
    start where the truth's do THEN it is straight-through; otherwise it is not, and counted."""
    document = {"status": "digitized", "doc_type": "birth_registration",
                "fields": FORM_FIELDS, "pages": []}
    truth = ("birth_registration", {"child_name": "LÊ VĂN AN"}, "")

    right = score_file(*truth, {**document, "bounds_right": True})
    wrong = score_file(*truth, {**document, "bounds_right": False})

    assert (right.straight_through, right.bounds_wrong) == (1, 0)
    assert (wrong.straight_through, wrong.bounds_wrong) == (0, 1)


def test_each_record_of_a_file_keeps_its_pages_type_and_fields() -> None:
    """GIVEN a receipt, a birth registration and an ID copy read from one file WHEN analysed
    as `sohoa process` does THEN the benchmark keeps a record per document with its pages."""
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
             make_page(["CĂN CƯỚC CÔNG DÂN", "Số: 042190001234"], number=3)]
    records = [document_json(d) for d in analyse_file(pages, load_doctypes(), ReviewOptions())]

    assert [(r["first"], r["last"], r["doc_type"]) for r in records] == [
        (1, 1, "dossier_receipt"), (2, 3, "birth_registration")]
    assert records[0]["fields"]["dossier_code"]["value"] == "000.00.21.H27-241128-0001"
