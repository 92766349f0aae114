"""Document type classification: title first, printed labels as evidence."""

import pytest

from pipeline.classify import classify_document
from pipeline.doctypes import DocTypeDefinition, load_doctypes
from tests.pipeline.ocr_builders import BIRTH_FORM, RECEIPT_FORM, make_page


@pytest.fixture(scope="module")
def doctypes() -> list[DocTypeDefinition]:
    return load_doctypes()


def test_birth_registration(doctypes):
    result = classify_document([make_page(BIRTH_FORM)], doctypes)
    assert result.doc_type == "birth_registration"
    assert result.score > 0.9 and result.title_page == 1 and not result.ambiguous
    assert result.runner_up_score < 0.4  # the birth certificate shares its labels


def test_dossier_receipt_with_ocr_damaged_title(doctypes):
    """The title as Tesseract often reads it: «QUÁ» for «QUẢ», accents lost."""
    lines = [line.replace("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                          "GIAY TIEP NHAN HO SO VA HEN TRA KET QUÁ") for line in RECEIPT_FORM]
    result = classify_document([make_page(lines)], doctypes)
    assert result.doc_type == "dossier_receipt" and result.score > 0.9


def test_title_page_is_the_page_with_the_title(doctypes):
    pages = [make_page(["ĐƠN ĐỀ NGHỊ", "Kính gửi: UBND xã"], number=1),
             make_page(BIRTH_FORM, number=2)]
    result = classify_document(pages, doctypes)
    assert (result.doc_type, result.title_page) == ("birth_registration", 2)


def test_a_title_mentioned_in_running_text_is_not_a_title(doctypes):
    """
    GIVEN a letter that mentions «tờ khai đăng ký khai sinh» in lower-case running text
    WHEN classified
    THEN it is unknown: titles are printed in capitals on a line of their own
    """
    letter = ["ĐƠN XIN XÁC NHẬN", "Tôi gửi kèm tờ khai đăng ký khai sinh của con tôi.",
              "Địa chỉ: thôn Hòa Bình"]
    result = classify_document([make_page(letter)], doctypes)
    assert result.doc_type == "unknown"


def test_unknown_pages(doctypes):
    """A kind's name alone (a leaflet headed «THÔNG BÁO», none of the decree's layout) is no
    administrative document."""
    notice = ["THÔNG BÁO", "Về việc tổ chức tiêm chủng mở rộng", "Ngày 05 tháng 3 năm 2024"]
    result = classify_document([make_page(notice)], doctypes)
    assert result.doc_type == "unknown" and result.score > 0.5 and not result.ambiguous


def test_labels_alone_can_identify_a_form_whose_title_was_not_read(doctypes):
    lines = [line for line in BIRTH_FORM if line != "TỜ KHAI ĐĂNG KÝ KHAI SINH"]
    result = classify_document([make_page(lines)], doctypes)
    assert result.doc_type == "birth_registration" and result.title_page is None


def test_two_forms_in_one_file_are_ambiguous(doctypes):
    """
    GIVEN a file holding both a birth registration and a dossier receipt
    WHEN classified
    THEN both fit nearly equally and the result is flagged ambiguous (a person decides)
    """
    pages = [make_page(BIRTH_FORM, number=1), make_page(RECEIPT_FORM, number=2)]
    result = classify_document(pages, doctypes)
    assert result.ambiguous
    assert {result.doc_type, result.runner_up} == {"birth_registration", "dossier_receipt"}


def test_no_types_defined_gives_unknown():
    result = classify_document([make_page(BIRTH_FORM)], [])
    assert result.doc_type == "unknown" and result.runner_up is None


def test_a_title_set_large_is_read_though_a_blot_stretched_its_words(doctypes):
    """
    GIVEN a receipt whose title is set at twice body height, and whose «TIẾP» and «HẸN» a
          blot of noise stretched to 3.5 times body height (taller than any body word may be)
    WHEN classified
    THEN the stretched words stay in the title's row, and the title is found
    """
    page = make_page(RECEIPT_FORM)
    title = next(line for line in page.lines if line.text.startswith("GIẤY TIẾP"))
    for word in title.words:
        left, top, right, _ = word.bbox
        tall = 140 if word.text in ("TIẾP", "HẸN") else 80
        word.bbox = (left, top - (tall - 40) // 2, right, top - (tall - 40) // 2 + tall)
    result = classify_document([page], doctypes)
    assert result.doc_type == "dossier_receipt" and result.title_page == 1


NOTICE_HEAD = ["UBND QUẬN 1 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
               "UBND PHƯỜNG BẾN NGHÉ Độc lập - Tự do - Hạnh phúc",
               "Số: 114/TB-UBND Bến Nghé, ngày 29 tháng 12 năm 2024"]


@pytest.mark.parametrize(("line", "doc_type"), [
    ("THOÔNG BAO", "official_document"),  # one letter misread, alone on its line
    ("THOÔNG BAO về việc", "unknown"),  # not alone: held to the short labels' 95
    ("LÊ AN", "unknown"),  # a two-word name in capitals is no «DỰ ÁN»
])
def test_a_short_title_alone_on_its_line_may_have_a_letter_misread(doctypes, line, doc_type):
    """
    GIVEN a notice's head (motto, number, date) whose kind's name was read with one letter
          wrong, alone on its line
    WHEN classified
    THEN it is an administrative document; the same words inside a longer line, or a name
         in capitals one letter further from a kind's name, give no title
    """
    page = make_page([*NOTICE_HEAD, line, "Về việc bổ sung, hoàn thiện hồ sơ"])
    assert classify_document([page], doctypes).doc_type == doc_type
