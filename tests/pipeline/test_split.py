"""A scanned stack split into documents (contract §5), on pages built from OCR lines."""

from __future__ import annotations

import pytest

from office.dossiers import (
    Assignment,
    DocumentFacts,
    assign_dossiers,
    file_dossiers,
    roles_in_file,
)
from pipeline.assess import ReviewOptions
from pipeline.barcodes import untitled_receipt_code
from pipeline.doctypes import DocTypeDefinition, load_doctypes
from pipeline.document import DocumentAnalysis, analyse_file
from pipeline.extract import laid_out
from pipeline.split import split_document, undouble_word
from schemas.ocr import PageCode
from schemas.record import DocumentRole
from schemas.status import DigitizationStatus
from tests.pipeline.ocr_builders import BIRTH_FORM, RECEIPT_FORM, make_page

NEAR = ReviewOptions().unknown_near_type_score
ID_COPY = ["CĂN CƯỚC CÔNG DÂN", "Số: 042190001234", "Có giá trị đến: 03/09/2036"]
LETTER = ["Kính gửi ông bà", "Gia đình chúng tôi xin gửi kèm bản sao sổ hộ khẩu."]


@pytest.fixture(scope="module")
def doctypes() -> list[DocTypeDefinition]:
    return load_doctypes()


def pages_of(*contents: list[str]):
    return laid_out([make_page(lines, number=n) for n, lines in enumerate(contents, start=1)])


def shape(spans) -> list[tuple[str | None, int, int, str | None]]:
    return [(s.opens, s.first, s.last, s.dossier_code) for s in spans]


def test_titles_start_documents_and_untitled_pages_are_attachments(doctypes):
    """
    GIVEN a receipt, a birth registration form and an ID copy fed through at once
    WHEN split
    THEN the receipt and the form are documents of their own, the ID copy the form's
    attachment.
    """
    spans = split_document(pages_of(RECEIPT_FORM, BIRTH_FORM, ID_COPY), doctypes, {}, NEAR)
    assert shape(spans) == [("dossier_receipt", 1, 1, None),
                            ("birth_registration", 2, 3, None)]
    assert all(not span.doubts for span in spans)


def test_pages_before_the_first_title_are_one_document_of_their_own(doctypes):
    spans = split_document(pages_of(LETTER, ID_COPY, BIRTH_FORM), doctypes, {}, NEAR)
    assert shape(spans) == [(None, 1, 2, None), ("birth_registration", 3, 3, None)]


def test_a_cover_sheet_starts_its_dossier_and_is_no_document(doctypes):
    code_a, code_b = "000.00.21.H27-241128-0001", "000.00.21.H27-241128-0002"
    pages = pages_of([], RECEIPT_FORM, BIRTH_FORM, [], LETTER, ID_COPY)
    spans = split_document(pages, doctypes, {1: code_a, 4: code_b}, NEAR)
    assert shape(spans) == [("dossier_receipt", 2, 2, code_a),
                            ("birth_registration", 3, 3, code_a),
                            (None, 5, 6, code_b)]


def test_a_receipt_further_on_ends_the_cover_sheets_reach(doctypes):
    """
    GIVEN a cover sheet, its receipt and form, then a second dossier's receipt and form fed
    without a cover sheet
    WHEN split
    THEN the second receipt and its form are outside the first dossier (the assembly gives
    them the second receipt's code), not glued to the cover sheet's dossier.
    """
    code_a = "000.00.21.H27-241128-0001"
    pages = pages_of([], RECEIPT_FORM, BIRTH_FORM, RECEIPT_FORM, BIRTH_FORM)
    spans = split_document(pages, doctypes, {1: code_a}, NEAR)
    assert shape(spans) == [("dossier_receipt", 2, 2, code_a),
                            ("birth_registration", 3, 3, code_a),
                            ("dossier_receipt", 4, 4, None),
                            ("birth_registration", 5, 5, None)]


def test_the_cover_sheets_receipt_may_come_after_a_form(doctypes):
    code_a = "000.00.21.H27-241128-0001"
    pages = pages_of([], BIRTH_FORM, RECEIPT_FORM, BIRTH_FORM)
    spans = split_document(pages, doctypes, {1: code_a}, NEAR)
    assert [s.dossier_code for s in spans] == [code_a] * 3


UNTITLED_FORM = [line for line in BIRTH_FORM if line != "TỜ KHAI ĐĂNG KÝ KHAI SINH"]


def test_an_untitled_page_that_fits_another_type_is_a_doubt_of_its_own(doctypes):
    """
    GIVEN a receipt followed by a birth registration form whose title was not read
    WHEN split
    THEN the form's page is not glued to the receipt: it starts a document of its own (no
    title opens it) that names the page as a doubt, and the receipt has none.
    """
    spans = split_document(pages_of(RECEIPT_FORM, UNTITLED_FORM, ID_COPY), doctypes, {}, NEAR)
    assert shape(spans) == [("dossier_receipt", 1, 1, None), (None, 2, 3, None)]
    assert not spans[0].doubts
    assert "page 2" in spans[1].doubts[0] and "birth_registration" in spans[1].doubts[0]


def test_an_untitled_page_that_repeats_its_documents_labels_is_a_doubt_of_its_own(doctypes):
    """
    GIVEN a birth registration form, its ID copy, then a second form whose title was not read
    WHEN split
    THEN the second form's page prints the first's labels over again: it starts a document of
    its own, in doubt; the ID copy stays the first form's attachment.
    """
    spans = split_document(pages_of(BIRTH_FORM, ID_COPY, UNTITLED_FORM), doctypes, {}, NEAR)
    assert shape(spans) == [("birth_registration", 1, 2, None), (None, 3, 3, None)]
    assert not spans[0].doubts
    assert "second birth_registration" in spans[1].doubts[0]


def test_a_forms_second_page_with_labels_of_its_own_is_no_doubt(doctypes):
    """A form's page printing the rest of its labels (none of its first page's) is its own
    document's next page."""
    first = [line for line in BIRTH_FORM if not line.startswith(("Ngày", "Giới", "Dân", "Quốc",
                                                                 "Nơi sinh", "Quê"))]
    second = [line for line in BIRTH_FORM if line not in first]
    spans = split_document(pages_of(first, second), doctypes, {}, NEAR)
    assert shape(spans) == [("birth_registration", 1, 2, None)]
    assert not spans[0].doubts


def test_a_file_splits_into_records_each_with_its_own_type_and_status(doctypes):
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
             make_page(ID_COPY, number=3)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [(d.analysis.doc_type, [p.number for p in d.pages]) for d in documents] == [
        ("dossier_receipt", [1]), ("birth_registration", [2, 3])]
    receipt = documents[0].analysis
    assert receipt.extraction.fields["dossier_code"].value == "000.00.21.H27-241128-0001"
    assert receipt.assessment.status is DigitizationStatus.DIGITIZED


def test_a_doubt_sends_its_document_to_review_with_the_reason_first(doctypes):
    pages = [make_page(RECEIPT_FORM, number=1), make_page(UNTITLED_FORM, number=2)]
    receipt, doubted = analyse_file(pages, doctypes, ReviewOptions())
    assert receipt.analysis.assessment.status is DigitizationStatus.DIGITIZED
    assert doubted.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert doubted.analysis.assessment.review_reasons[0].startswith("page 2 has no title")


CODE = "000.00.21.H27-241128-0001"


def with_codes(page, *texts: str):
    codes = [PageCode(text=text, format="qr", bbox=(100, 100, 400, 400)) for text in texts]
    return page.model_copy(update={"codes": codes})


def test_a_cover_sheet_read_from_its_symbol_starts_the_dossier(doctypes):
    """GIVEN a cover sheet (a dossier code's QR code and a caption) before a receipt and a
    form WHEN the file is analysed THEN the sheet is no document and both documents carry
    its dossier code."""
    cover = with_codes(make_page(["PHIẾU BÌA HỒ SƠ", CODE], number=1), CODE)
    pages = [cover, make_page(RECEIPT_FORM, number=2), make_page(BIRTH_FORM, number=3)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [(d.analysis.doc_type, d.span.first, d.span.dossier_code) for d in documents] == [
        ("dossier_receipt", 2, CODE), ("birth_registration", 3, CODE)]


@pytest.mark.parametrize(("printed", "symbols", "given", "reason"), [
    (CODE, [CODE], CODE, None),
    (None, [CODE], CODE, None),
    ("000.00.21.H27-241128-0009", [CODE], None, "barcode reads «000.00.21.H27-241128-0001»"),
    (CODE, [CODE, "000.00.21.H27-241128-0002"], None, "two different codes"),
    (CODE, ["https://dichvucong.gov.vn/tra-cuu"], CODE, None),
], ids=["agree", "not-printed", "disagree", "two-symbols", "no-dossier-code"])
def test_the_barcode_is_exact_and_wins_over_ocr(doctypes, printed, symbols, given, reason):
    lines = [line for line in RECEIPT_FORM if not line.startswith("Mã hồ sơ")]
    if printed:
        lines.insert(3, f"Mã hồ sơ: {printed}")
    page = with_codes(make_page(lines), *symbols)
    (document,) = analyse_file([page], doctypes, ReviewOptions())
    fields = document.analysis.extraction.fields
    reasons = " ".join(document.analysis.assessment.review_reasons)
    if given is None:
        assert "dossier_code" not in fields and reason in reasons
        assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    else:
        assert fields["dossier_code"].value == given
        exact = given in symbols  # read from a symbol: exact; from the print only: OCR's
        assert (fields["dossier_code"].confidence == 1.0) is exact


@pytest.mark.parametrize(("printed", "symbols", "own"), [
    ("000.00.21.H27-241128-0009", [CODE], CODE),
    (CODE, [CODE, "000.00.21.H27-241128-0002"], None),
    (None, [], None),
], ids=["disagree", "two-symbols", "none"])
def test_a_receipts_own_code_is_its_barcodes_even_when_the_print_disagrees(
        doctypes, printed, symbols, own):
    """GIVEN a receipt whose printed code differs from its barcode's WHEN analysed THEN its
    field is left out for review naming both, but the receipt is of the barcode's dossier
    (exact, it wins over OCR: §6); two symbols that disagree name none."""
    lines = [line for line in RECEIPT_FORM if not line.startswith("Mã hồ sơ")]
    if printed:
        lines.insert(3, f"Mã hồ sơ: {printed}")
    (document,) = analyse_file([with_codes(make_page(lines), *symbols)], doctypes,
                               ReviewOptions())
    assert document.own_code == own
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


def test_a_title_read_with_a_doubled_vowel_still_starts_its_document(doctypes):
    """GIVEN a birth registration form and a commune's notice attached to it, whose large
    capital «Ô» Tesseract read as «OÔ» («THOÔNG BAO», as on every attached notice of the
    benchmark's clean tuning stacks) WHEN split THEN the notice is a document of its own, as
    its title says; an untitled page after it is still its attachment."""
    notice = ["UBND XÃ THẠCH HẠ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
              "Số: 218/TB-UBND Thạch Hạ, ngày 29 tháng 04 năm 2024", "THOÔNG BAO",
              "Về việc bổ sung, hoàn thiện hồ sơ",
              "Người nộp hồ sơ có trách nhiệm bổ sung đầy đủ giấy tờ còn thiếu."]
    spans = split_document(pages_of(BIRTH_FORM, notice, LETTER), doctypes, {}, NEAR)
    assert shape(spans) == [("birth_registration", 1, 1, None),
                            ("official_document", 2, 3, None)]


@pytest.mark.parametrize(("read", "word"), [
    ("THOÔNG", "THÔNG"), ("QUAÂN", "QUÂN"), ("NGƯỜI", "NGƯỜI"), ("xoong", "xoong"),
    ("thuở", "thuở"), ("HOÀ", "HOÀ")])
def test_only_a_vowel_before_its_own_marked_form_is_undone(read, word):
    assert undouble_word(read) == word


def test_a_letter_after_a_notice_is_its_attachment_though_it_prints_the_same_markers(doctypes):
    """A generic type's markers («Kính gửi», «Nơi nhận») are any letter's: a letter after an
    administrative notice repeats them and is no second notice."""
    notice = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "THÔNG BÁO", "Kính gửi: Ông Lê Văn Nam",
              "Về việc bổ sung hồ sơ", "Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    letter = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kính gửi: Ủy ban nhân dân xã Thạch Hạ",
              "Tôi xin gửi kèm giấy tờ.", "Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    spans = split_document(pages_of(notice, letter), doctypes, {}, NEAR)
    assert shape(spans) == [("official_document", 1, 2, None)]


def test_an_untitled_letter_whose_markers_span_its_pages_is_one_document(doctypes):
    """
    GIVEN a letter with no kind's name («V/v …» under its number), «Kính gửi» on its first
    page and «Nơi nhận» on its second
    WHEN split
    THEN its pages are one document, which fits an administrative document, with no doubt;
    a page fitting that type after a form is still a doubt of its own
    """
    first = ["ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 2300/UBND-KTTH",
             "V/v triển khai thực hiện số hóa hồ sơ", "Kính gửi: Sở Nội vụ.",
             "Kết quả số hóa phải được lưu trữ theo quy định của pháp luật."]
    last = ["quan chịu trách nhiệm thi hành văn bản này.", "Nơi nhận: TM. ỦY BAN NHÂN DÂN",
            "- Như trên; CHỦ TỊCH", "- Lưu: VT, KTTH."]
    spans = split_document(pages_of(first, last), doctypes, {}, NEAR)
    assert shape(spans) == [(None, 1, 2, None)]
    assert not spans[0].doubts
    after_a_form = split_document(pages_of(BIRTH_FORM, last), doctypes, {}, NEAR)
    assert shape(after_a_form) == [("birth_registration", 1, 1, None), (None, 2, 2, None)]
    assert "official_document" in after_a_form[1].doubts[0]


def test_an_untitled_page_carrying_a_dossier_codes_symbol_starts_its_dossier(doctypes):
    """
    GIVEN a receipt of dossier A and its form, then a receipt whose title was not read but
    whose barcode carries dossier B's code (a hard scan), and a form after it
    WHEN the file is analysed
    THEN the untitled receipt is a document of its own, not an attachment of the form before
    it, and names dossier B by its symbol, whatever type it was given
    """
    other = "000.00.21.H27-241128-0002"
    untitled = [line for line in RECEIPT_FORM if not line.startswith("GIẤY TIẾP NHẬN")
                and not line.startswith("Mã hồ sơ")]
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
             with_codes(make_page(untitled, number=3), other), make_page(BIRTH_FORM, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 3, 4]
    assert [d.own_code for d in documents] == [CODE, None, other, None]


@pytest.mark.parametrize(("doc_type", "symbols", "expected"), [
    (None, [CODE], CODE),  # an untitled page (splitting)
    ("unknown", [CODE], CODE),  # a document of no known type (analysis)
    ("unknown", [CODE, CODE], CODE),  # QR code and Code 128 of one code
    ("dossier_receipt", [CODE], None),  # typed: its field says its code (document.py)
    ("birth_registration", [CODE], None),
    (None, ["https://dichvucong.gov.vn"], None),  # no dossier code
    (None, [CODE, "000.00.21.H27-241128-0002"], None),  # two codes: neither
    (None, [], None),
])
def test_an_untitled_page_with_a_dossier_codes_symbol_acts_as_a_receipt(
        doc_type, symbols, expected):
    """GIVEN a page or document's type (None or ``unknown``: none) and the symbols on it
    WHEN asked whether it acts as a receipt THEN it does, naming the code, only without a
    type and with exactly one dossier code among its symbols."""
    codes = [PageCode(text=text, format="qr", bbox=(0, 0, 10, 10)) for text in symbols]
    assert untitled_receipt_code(doc_type, codes) == expected


# Words of no type's title or labels, enough not to be a cover sheet (MAX_COVER_WORDS).
PLAIN_PAGE = ["Ghi chép của bộ phận một cửa về việc sắp xếp giấy tờ trong ngày làm việc",
              "các bản chụp được đóng dấu và chuyển sang lưu trữ theo thứ tự thời gian nhận",
              "mọi thắc mắc xin liên hệ cán bộ trực tại quầy số ba trong giờ hành chính",
              "xin cảm ơn quý khách đã hợp tác và giữ trật tự tại nơi làm việc chung"]


def assigned_in_file(documents: list[DocumentAnalysis],
                     doctypes: list[DocTypeDefinition]) -> list[Assignment]:
    """The dossier assignments of a file's analysed documents, as flows/tasks.py makes them
    (no folder or command-line code)."""
    roles = roles_in_file([d.analysis.doc_type for d in documents], doctypes)
    return assign_dossiers([DocumentFacts(role, d.span.dossier_code, d.own_code,
                                          d.untitled_receipt)
                            for role, d in zip(roles, documents, strict=True)], None)


def test_splitting_analysis_and_assembly_apply_one_rule_to_an_untitled_symbol_page(doctypes):
    """
    GIVEN a receipt of dossier A and its form, then a page of no known type carrying dossier
    B's code as a QR code (a receipt whose title and labels were not read), and a form
    WHEN the file is analysed and its documents assigned
    THEN the split starts a document at it, the document names B as its own code and acts
    as a receipt, and assembly opens B there in review: the form after it joins B, not A
    """
    other = "000.00.21.H27-241128-0002"
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
             with_codes(make_page(PLAIN_PAGE, number=3), other),
             make_page(BIRTH_FORM, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 3, 4]
    assert documents[2].analysis.doc_type == "unknown"
    assert [d.own_code for d in documents] == [CODE, None, other, None]
    assert [d.untitled_receipt for d in documents] == [False, False, True, False]
    assigned = assigned_in_file(documents, doctypes)
    assert [a.code for a in assigned] == [CODE, CODE, other, other]
    assert [a.doubt is not None for a in assigned] == [False, False, True, False]


def test_an_untitled_page_printing_a_new_dossier_code_does_not_carry_the_next_form_astray(
        doctypes):
    """
    GIVEN a receipt of dossier A and its form, then a receipt of dossier B without a symbol
    whose title and most labels were not read (its code still printed), and B's form
    WHEN the file is analysed and its documents assigned
    THEN the page printing B's code starts a document of its own in review, and B's form
    joins no dossier, in review (the receipt before it has no code that was read), rather
    than A without review as when the page was glued to A's form
    """
    other = "000.00.21.H27-241128-0002"
    lost = [line.replace(CODE, other) for line in RECEIPT_FORM
            if not line.startswith("GIẤY TIẾP NHẬN")][:6]
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
             make_page(lost, number=3), make_page(BIRTH_FORM, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 3, 4]
    assert documents[2].analysis.doc_type == "unknown"
    assert other in documents[2].analysis.assessment.review_reasons[0]
    assert [d.untitled_receipt for d in documents] == [False, False, True, False]
    assigned = assigned_in_file(documents, doctypes)
    assert [a.code for a in assigned] == [CODE, CODE, None, None]
    assert [a.doubt is not None for a in assigned] == [False, False, True, True]


def test_an_untitled_page_printing_its_own_dossiers_code_stays_an_attachment(doctypes):
    """GIVEN a receipt and an untitled page printing the receipt's own code again WHEN split
    THEN the page is the receipt's attachment, no doubt."""
    again = ["Ghi chú kèm theo giấy tiếp nhận", f"Mã hồ sơ: {CODE}", *PLAIN_PAGE]
    documents = analyse_file([make_page(RECEIPT_FORM, number=1), make_page(again, number=2)],
                             doctypes, ReviewOptions())
    assert [(d.span.first, d.span.last) for d in documents] == [(1, 2)]


# A receipt whose title and dossier code were not read, its labels half read: of no type,
# but it fits a receipt better than the form before it (tuning stacks with the receipts'
# titles and code lines taken out: benchmarks/dossiers.py).
RECEIPT_WITHOUT_TITLE_OR_CODE = [line for line in RECEIPT_FORM
                                 if not line.startswith(("GIẤY TIẾP NHẬN", "Mã hồ sơ"))][:10]


def test_a_page_like_a_receipt_whose_code_was_not_read_does_not_carry_the_next_form_astray(
        doctypes):
    """
    GIVEN a receipt of dossier A and its form, then dossier B's receipt whose title and code
    were not read (of no type, but fitting a receipt better than A's form), and B's form
    WHEN the file is analysed and its documents assigned
    THEN the receipt-like page is a document of its own in review that acts as a receipt,
    and B's form joins no dossier, in review, rather than A without review as before
    """
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
             make_page(RECEIPT_WITHOUT_TITLE_OR_CODE, number=3), make_page(BIRTH_FORM, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 3, 4]
    assert documents[2].analysis.doc_type == "unknown"
    assert [d.untitled_receipt for d in documents] == [False, False, True, False]
    assigned = assigned_in_file(documents, doctypes)
    assert [a.code for a in assigned] == [CODE, CODE, None, None]
    assert [a.doubt is not None for a in assigned] == [False, False, True, True]
    assert "looks like a receipt" in (assigned[2].doubt or "")


def test_a_document_of_no_type_nearly_fitting_a_receipt_acts_as_one(doctypes):
    """
    GIVEN a file opening with a receipt whose title and code were not read, then its form
    WHEN analysed and assigned
    THEN the first document, of no type but nearly a receipt, acts as a receipt whose code
    is not known: the form after it joins no dossier, in review
    """
    pages = [make_page(RECEIPT_WITHOUT_TITLE_OR_CODE, number=1), make_page(BIRTH_FORM, number=2)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.analysis.doc_type for d in documents] == ["unknown", "birth_registration"]
    assert [d.untitled_receipt for d in documents] == [True, False]
    assigned = assigned_in_file(documents, doctypes)
    assert [a.code for a in assigned] == [None, None]
    assert all(a.doubt for a in assigned)


def test_a_plain_attachment_of_no_type_is_no_receipt(doctypes):
    """An ID copy or a letter of no type after a form stays an attachment, and no document
    of the file acts as a receipt by it."""
    documents = analyse_file([make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
                              make_page(ID_COPY, number=3), make_page(LETTER, number=4)],
                             doctypes, ReviewOptions())
    assert not any(d.untitled_receipt for d in documents)
    assert [a.code for a in assigned_in_file(documents, doctypes)] == [CODE, CODE]


def test_two_untitled_receipts_in_a_row_are_two_documents(doctypes):
    """
    GIVEN a file opening with two receipts whose titles were not read, one after the other,
    the second's code not read either
    WHEN split
    THEN the second, printing the first's labels over again, starts a document of its own
    in doubt, rather than being glued to the first because the two together fit a receipt
    """
    untitled = [line for line in RECEIPT_FORM if not line.startswith("GIẤY TIẾP NHẬN")]
    other = [line for line in untitled if not line.startswith("Mã hồ sơ")]
    spans = split_document(pages_of(untitled, other), doctypes, {}, NEAR)
    assert [(s.first, s.last) for s in spans] == [(1, 1), (2, 2)]
    assert spans[1].doubts


# A hard tuning receipt of seed 31 in a dark-boxed layout, as OCR read it (mean confidence 32).
UNREAD_PAGE = ["ki thà tu 35]", "than di", "ÄU thàng ĐT Tản Mã T", "#r@U tủ bóp: tị",
               "— . ˆ ĩ tị ki"]


def test_a_page_that_could_not_be_read_does_not_carry_the_next_form_astray(doctypes):
    """
    GIVEN dossier A's receipt and form, then a page OCR could not read (17 words at a mean
    confidence of 30: dossier B's receipt in a dark-boxed layout), then B's form
    WHEN the file is analysed and its documents assigned
    THEN the unread page is a document of its own in review that may be a receipt, and B's
    form joins no dossier, in review, rather than A's; the unread page is stored as a
    component, not as a receipt (no dossier received is counted for it); a nearly blank
    page (a few words) read as badly stays an attachment of the form before it
    """
    unread = make_page(UNREAD_PAGE, number=3, confidence=30.0)
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2), unread,
             make_page(BIRTH_FORM, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 3, 4]
    assert [d.untitled_receipt for d in documents] == [False, False, True, False]
    assert [d.span.unread for d in documents] == [False, False, True, False]
    assigned = assigned_in_file(documents, doctypes)
    assert [a.code for a in assigned] == [CODE, CODE, None, None]
    assert [a.doubt is not None for a in assigned] == [False, False, True, True]
    stored, _ = file_dossiers(documents, doctypes, None)
    assert [f.role for f in stored] == [DocumentRole.RECEIPT, *[DocumentRole.COMPONENT] * 3]
    blank = make_page(UNREAD_PAGE[:2], number=3, confidence=30.0)
    documents = analyse_file([*pages[:2], blank, pages[3]], doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 4]
    assert [a.code for a in assigned_in_file(documents, doctypes)] == [CODE, CODE, CODE]


def test_a_page_that_may_be_a_receipt_after_a_cover_sheets_receipt_is_out_of_its_reach(
        doctypes):
    """
    GIVEN dossier A's cover sheet, receipt and form, then a page OCR could not read (dossier
    B's receipt, seed 31 tuning hard), then B's form
    WHEN the file is analysed and its documents assigned
    THEN neither the unread page nor B's form joins A by the cover sheet: A's receipt came
    after it, so the page that may be another receipt is under no cover sheet (before, both
    took A's code, and the form joined A without a doubt of its own)
    """
    cover = with_codes(make_page(["PHIẾU BÌA HỒ SƠ", CODE], number=1), CODE)
    pages = [cover, make_page(RECEIPT_FORM, number=2), make_page(BIRTH_FORM, number=3),
             make_page(UNREAD_PAGE, number=4, confidence=30.0), make_page(BIRTH_FORM, number=5)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.dossier_code for d in documents] == [CODE, CODE, None, None]
    assigned = assigned_in_file(documents, doctypes)
    assert [a.code for a in assigned] == [CODE, CODE, None, None]
    assert [a.doubt is not None for a in assigned] == [False, False, True, True]


# A cover sheet whose symbol was not decoded (dossier seed 17, hard): its caption, the bars
# read as words unsurely, its code printed in clear, its office.
UNDECODED_BARS = {"PỊ": 0.0, "pạn": 26.0, "-IiHilil": 16.0, "iiilllt": 45.0, "Il-klii": 0.0}


def undecoded_cover(code: str, number: int):
    return make_page(["Mã số hồ sơ", "PỊ pạn -IiHilil iiilllt Il-klii", code,
                      "Bộ phận Một cửa UBND xã Thạch Hạ"], number=number,
                     confidences=UNDECODED_BARS)


def test_a_cover_sheet_whose_symbol_was_not_read_is_no_document_before_its_receipt(doctypes):
    """GIVEN dossier A's receipt and form, then a cover sheet of B whose symbol was not
    decoded (its code printed in clear) and B's receipt printing the same code, and B's form
    WHEN the file is analysed and assigned THEN the sheet is no document (not a receipt
    whose title was not read: a dossier counted twice) and B's documents join B, no doubt."""
    other = "000.00.21.H27-241128-0002"
    receipt_b = [line.replace(CODE, other) for line in RECEIPT_FORM]
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2),
             undecoded_cover(other, 3), make_page(receipt_b, number=4),
             make_page(BIRTH_FORM, number=5)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 4, 5]
    assigned = assigned_in_file(documents, doctypes)
    assert [(a.code, a.doubt) for a in assigned] == [(CODE, None), (CODE, None), (other, None),
                                                     (other, None)]


@pytest.mark.parametrize("after", ["another code", "a form", "many words read surely"])
def test_a_page_printing_a_code_is_no_cover_sheet_unless_its_receipt_prints_it_too(
        doctypes, after):
    """The sheet's code printed on the receipt right after it is what makes it one: before
    a receipt of another code or a form, and with a receipt's many words read surely, the
    page stays a document of its own, in review."""
    other, third = "000.00.21.H27-241128-0002", "000.00.21.H27-241128-0003"
    cover = undecoded_cover(other, 3)
    following = [line.replace(CODE, other) for line in RECEIPT_FORM]
    if after == "another code":
        following = [line.replace(CODE, third) for line in RECEIPT_FORM]
    elif after == "a form":
        following = BIRTH_FORM
    else:
        cover = make_page(["Mã số hồ sơ", other, *PLAIN_PAGE * 3], number=3)
    pages = [make_page(RECEIPT_FORM, number=1), make_page(BIRTH_FORM, number=2), cover,
             make_page(following, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions())
    assert [d.span.first for d in documents] == [1, 2, 3, 4]
    assert documents[2].untitled_receipt
