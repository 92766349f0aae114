"""Administrative documents read by where Decree 30/2020 puts their parts (pipeline/regions.py),
and classified without taking other pages for them."""

from pipeline.classify import classify_document
from pipeline.doctypes import load_doctypes
from pipeline.extract import extract_fields
from schemas.ocr import OcrLine, OcrWord, PageOcr
from tests.pipeline.ocr_builders import BIRTH_FORM, make_page

CHAR = 20
HEIGHT = 40
WIDTH = 2480


def _words(text: str, x: int, y: int) -> list[OcrWord]:
    words = []
    for word in text.split():
        words.append(OcrWord(text=word, confidence=93.0,
                             bbox=(x, y, x + CHAR * len(word), y + HEIGHT)))
        x += CHAR * (len(word) + 1)
    return words


def placed_page(rows: list[list[tuple[str, str]]], number: int = 1) -> PageOcr:
    """A page of rows, each a list of (where, text): «left» column, «right» column,
    «centre» of the page, «margin» (body text) or «indent»."""
    lines = []
    for index, row in enumerate(rows):
        y = 100 + index * 70
        for part, (where, text) in enumerate(row):
            width = CHAR * len(text)
            x = {"left": 500 - width // 2, "right": 1700 - width // 2, "margin": 350,
                 "indent": 600, "centre": WIDTH // 2 - width // 2}[where]
            lines.append(OcrLine(words=_words(text, x, y), block=index * 10 + part + 1,
                                 paragraph=1, line=1))
    text = "\n".join(" ".join(w.text for w in ln.words) for ln in lines)
    return PageOcr(number=number, width=WIDTH, height=3508, lines=lines, text=text,
                   mean_confidence=93.0)


HEADER = [
    [("left", "UBND TỈNH QUẢNG NGÃI"), ("right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [("left", "SỞ TƯ PHÁP"), ("right", "Độc lập - Tự do - Hạnh phúc")],
    [("left", "Số: 575/STP-HCTP"), ("right", "Quảng Ngãi, ngày 05 tháng 3 năm 2025")],
]
DECISION = [
    *[[(w, t.replace("575/STP-HCTP", "12/QĐ-STP")) for w, t in row] for row in HEADER],
    [],
    [("centre", "QUYẾT ĐỊNH")],
    [("centre", "Về việc kiện toàn Tổ công tác chuyển đổi số")],
    [],
    [("centre", "GIÁM ĐỐC SỞ TƯ PHÁP TỈNH QUẢNG NGÃI")],
    [("margin", "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;")],
    [("centre", "QUYẾT ĐỊNH:")],
    [("margin", "Điều 1. Kiện toàn Tổ công tác chuyển đổi số của Sở Tư pháp tỉnh Quảng Ngãi.")],
    [("left", "Nơi nhận:"), ("right", "KT. GIÁM ĐỐC")],
    [("left", "- Như Điều 3;"), ("right", "PHÓ GIÁM ĐỐC")],
    [("left", "- Lưu: VT, HCTP.")],
    [],
    [],
    [("right", "Nguyễn Văn Hùng")],
]
LETTER = [
    [(w, t) for w, t in HEADER[0]], HEADER[1],
    [("left", "Số: 575/UBND-KTTH"), ("right", "Quảng Ngãi, ngày 05 tháng 3 năm 2025")],
    [("left", "V/v đôn đốc giải quyết hồ sơ")],
    [("left", "quá hạn")],
    [],
    [("centre", "Kính gửi:")],
    [("indent", "- Sở Tư pháp;")],
    [("indent", "- Công an tỉnh.")],
    [],
    [("margin", "Để bảo đảm việc tiếp nhận, giải quyết hồ sơ đúng thời hạn, đề nghị các cơ quan")],
    [("left", "Nơi nhận:"), ("right", "TM. ỦY BAN NHÂN DÂN")],
    [("left", "- Như trên;"), ("right", "CHỦ TỊCH")],
    [],
    [],
    [("right", "Trần Thị Mai")],
]
LETTER[0] = [("left", "ỦY BAN NHÂN DÂN"), ("right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]
LETTER[1] = [("left", "TỈNH QUẢNG NGÃI"), ("right", "Độc lập - Tự do - Hạnh phúc")]


def _types():
    return {d.id: d for d in load_doctypes()}


def _values(pages, doc_type="official_document"):
    return {k: f.value for k, f in extract_fields(pages, _types()[doc_type]).items()}


def test_a_decision_is_read_from_its_places():
    """
    GIVEN a decision of a department laid out per the decree (parent body above its own)
    WHEN it is classified and extracted
    THEN it is an official_document and every printed part is its field
    """
    page = placed_page(DECISION)
    assert classify_document([page], list(_types().values())).doc_type == "official_document"
    assert _values([page]) == {
        "document_kind": "Quyết định", "issuing_authority": "Sở Tư pháp",
        "document_number": "12/QĐ-STP", "issued_place": "Quảng Ngãi",
        "issued_date": "2025-03-05", "subject": "Kiện toàn Tổ công tác chuyển đổi số",
        "signer_title": "Phó Giám đốc", "signer_name": "Nguyễn Văn Hùng"}


def test_a_letter_is_a_cong_van_with_its_subject_and_recipients():
    page = placed_page(LETTER)
    assert classify_document([page], list(_types().values())).doc_type == "official_document"
    assert _values([page]) == {
        "document_kind": "Công văn", "issuing_authority": "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "document_number": "575/UBND-KTTH", "issued_place": "Quảng Ngãi",
        "issued_date": "2025-03-05", "subject": "Đôn đốc giải quyết hồ sơ quá hạn",
        "recipients": "Sở Tư pháp; Công an tỉnh", "signer_title": "Chủ tịch",
        "signer_name": "Trần Thị Mai"}


def test_the_signature_block_is_read_on_the_last_page():
    first, last = DECISION[:9], [[("margin", "Điều 2. Quyết định có hiệu lực.")], *DECISION[9:]]
    pages = [placed_page(first), placed_page(last, number=2)]
    values = _values(pages)
    assert values["signer_name"] == "Nguyễn Văn Hùng"
    assert values["document_number"] == "12/QĐ-STP"


def test_a_number_left_for_a_hand_is_left_out_with_its_reason():
    rows = [list(row) for row in LETTER]
    rows[2] = [("left", "Số: /UBND-KTTH"), ("right", "Quảng Ngãi, ngày 05 tháng 3 năm 2025")]
    extraction = extract_fields([placed_page(rows)], _types()["official_document"])
    assert "document_number" not in extraction
    assert "by hand" in extraction.doubts["document_number"].reason


def test_a_kind_that_disagrees_with_its_symbol_is_not_given():
    rows = [list(row) for row in DECISION]
    rows[2] = [("left", "Số: 12/TB-STP"), ("right", "Quảng Ngãi, ngày 05 tháng 3 năm 2025")]
    extraction = extract_fields([placed_page(rows)], _types()["official_document"])
    assert "document_kind" not in extraction
    assert "symbol" in extraction.doubts["document_kind"].reason


def test_forms_keep_their_type_and_plain_letters_stay_unknown():
    """A form is laid out with the motto too, and a citizen's application has «Kính gửi»:
    neither becomes an administrative document."""
    types = list(_types().values())
    assert classify_document([make_page(BIRTH_FORM)], types).doc_type == "birth_registration"
    application = placed_page([
        [("right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [("right", "Độc lập - Tự do - Hạnh phúc")], [],
        [("centre", "ĐƠN ĐỀ NGHỊ")],
        [("margin", "Kính gửi: Ủy ban nhân dân xã Thạch Hạ")],
        [("margin", "Tôi tên là: Nguyễn Văn An")]])
    assert classify_document([application], types).doc_type == "unknown"


def test_a_birth_certificate_is_its_own_type_with_its_number():
    rows = [
        [("left", "ỦY BAN NHÂN DÂN"), ("right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [("left", "XÃ THẠCH HẠ"), ("right", "Độc lập - Tự do - Hạnh phúc")],
        [("left", "Số: 123/2024")], [("left", "Quyển số: 01/2024")],
        [("centre", "GIẤY KHAI SINH")],
        [("margin", "Họ, chữ đệm, tên: NGUYỄN VĂN AN")],
        [("margin", "Ngày, tháng, năm sinh: 12/05/2024")],
        [("margin", "Giới tính: Nam")],
        [("margin", "Họ, chữ đệm, tên người mẹ: NGUYỄN THỊ HƯƠNG")],
        [("margin", "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Thạch Hạ")],
        [("margin", "Ngày, tháng, năm đăng ký: 20/05/2024")],
    ]
    page = placed_page(rows)
    assert classify_document([page], list(_types().values())).doc_type == "birth_certificate"
    assert _values([page], "birth_certificate") == {
        "certificate_number": "123/2024", "book_number": "01/2024",
        "child_name": "Nguyễn Văn An", "child_dob": "2024-05-12", "child_gender": "Nam",
        "mother_name": "Nguyễn Thị Hương",
        "registration_authority": "Ủy ban nhân dân xã Thạch Hạ",
        "registered_date": "2024-05-20"}
    form = classify_document([make_page(BIRTH_FORM)], list(_types().values()))
    assert form.doc_type == "birth_registration" and not form.ambiguous


def test_the_place_is_spelt_as_the_bodys_name_spells_it():
    """The italic date line loses a tone mark («Chiêng») the body's name keeps."""
    rows = [list(row) for row in LETTER]
    rows[0] = [("left", "ỦY BAN NHÂN DÂN"), ("right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]
    rows[1] = [("left", "XÃ CHIỀNG MUNG"), ("right", "Độc lập - Tự do - Hạnh phúc")]
    rows[2] = [("left", "Số: 575/UBND-KTTH"), ("right", "Chiêng Mung, ngày 05 tháng 3 năm 2025")]
    values = _values([placed_page(rows)])
    assert values["issued_place"] == "Chiềng Mung"
    assert values["issuing_authority"] == "Ủy ban nhân dân xã Chiềng Mung"
