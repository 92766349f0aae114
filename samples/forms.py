"""What the forms say: blocks of text and label–value pairs, and the normalised fields.

The wording follows the official forms: the birth registration declaration of Circular
04/2020/TT-BTP and the dossier receipt («Mẫu số 01») of Circular 01/2018/TT-VPCP. Where they are
typeset (one line or two, leaders or not) is the renderer's and the layout's business.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Literal

from samples import vietnamese as vn
from samples.codes import BarcodeKind
from samples.truth import DocType

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    """One line of fixed text."""

    text: str
    align: Align = "left"
    bold: bool = False
    italic: bool = False
    scale: float = 1.0
    rule_below: bool = False  # the short line under «Độc lập - Tự do - Hạnh phúc»


@dataclass(frozen=True)
class Paragraph:
    """Prose, wrapped and justified, first line indented."""

    text: str


@dataclass(frozen=True)
class FieldItem:
    """A printed label and its value (empty when the form was left blank)."""

    label: str
    value: str


@dataclass(frozen=True)
class FieldRow:
    """Label–value pairs that forms print on one line when there is room."""

    items: tuple[FieldItem, ...]


@dataclass(frozen=True)
class Columns:
    """Two columns of centred lines: agency and national header, or place and date."""

    left: tuple[Text, ...]
    right: tuple[Text, ...]


@dataclass(frozen=True)
class Signer:
    """A signature area: who signs, the hint under it, the printed name (may be empty)."""

    title: str
    hint: str
    name: str


@dataclass(frozen=True)
class Signatures:
    """One signer on the right, or two side by side."""

    signers: tuple[Signer, ...]


@dataclass(frozen=True)
class Space:
    """Vertical space, in lines."""

    lines: float = 0.6


@dataclass(frozen=True)
class Barcode:
    """A printed barcode or QR code carrying ``text`` (no text line of its own)."""

    kind: BarcodeKind
    text: str
    align: Align = "center"


@dataclass(frozen=True)
class DocumentList:
    """The numbered documents handed in: indented lines «1) …», or a ruled table on layouts
    that print it so (``Layout.list_table``)."""

    entries: tuple[str, ...]


Block = Text | Paragraph | FieldRow | Columns | Signatures | Space | Barcode | DocumentList

# Older wordings of labels that earlier templates printed (Circular 15/2015/TT-BTP, receipts
# before Circular 01/2018/TT-VPCP), by today's wording; a layout with ``wording="older"``
# prints these.
LABEL_WORDINGS: dict[str, str] = {
    "Họ, chữ đệm, tên người yêu cầu": "Họ và tên người yêu cầu",
    "Họ, chữ đệm, tên": "Họ và tên",
    "Họ, chữ đệm, tên người mẹ": "Họ và tên người mẹ",
    "Họ, chữ đệm, tên người cha": "Họ và tên người cha",
    "Giấy tờ tùy thân": "Giấy tờ tuỳ thân",
    "Ngày, tháng, năm sinh": "Sinh ngày",
    "Quan hệ với người được khai sinh": "Quan hệ với người được đăng ký khai sinh",
    "Tiếp nhận hồ sơ của": "Tiếp nhận hồ sơ của ông/bà",
    "Địa chỉ": "Địa chỉ liên hệ",
    "Số điện thoại": "Điện thoại",
    "Email": "Thư điện tử",
}
# The footnote markers the official forms print after some labels («Nơi cư trú(1)»): the
# notes under the form explain what to write there.
FOOTNOTES: dict[str, int] = {
    "Nơi cư trú": 1, "Giấy tờ tùy thân": 2, "Dân tộc": 3, "Quốc tịch": 4, "Nơi sinh": 5,
    "Quê quán": 6, "Địa chỉ": 1, "Email": 2, "Nội dung yêu cầu giải quyết": 3,
}


def printed_label(label: str, wording: str, footnotes: bool) -> str:
    """A label as a layout prints it: in its wording, with its footnote marker."""
    printed = LABEL_WORDINGS.get(label, label) if wording == "older" else label
    if footnotes and label in FOOTNOTES:
        printed += f"({FOOTNOTES[label]})"
    return printed


@dataclass
class PageContent:
    """One page to draw, with its type and (for forms) the normalised fields it carries."""

    doc_type: DocType
    template: str
    blocks: list[Block]
    fields: dict[str, str | int] = field(default_factory=dict)


NATIONAL_HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def national_header(align: Align = "center") -> list[Block]:
    """The two centred lines every administrative form starts with."""
    return [Text(NATIONAL_HEADER[0], align, bold=True),
            Text(NATIONAL_HEADER[1], align, bold=True, rule_below=True)]


def printed_name(name: str, upper: bool) -> str:
    """Names as typed: capitals on some layouts (the truth keeps «Nguyễn Thị Hương»)."""
    return name.upper() if upper else name


def one(label: str, value: str) -> FieldRow:
    return FieldRow((FieldItem(label, value),))


# --- birth registration ----------------------------------------------------------------------

_RELATIONSHIPS_OTHER = ["Bà nội", "Ông nội", "Bà ngoại", "Ông ngoại", "Cô ruột", "Chú ruột"]


def _parents(rng: random.Random, child_dob: dt.date) -> tuple[vn.Person, vn.Person | None]:
    """Mother and (usually) father of a child born on ``child_dob``; same commune."""
    mother = vn.make_person(rng, "Nữ", child_dob.year - rng.randint(19, 40))
    if rng.random() < 0.2:
        return mother, None
    father = vn.make_person(rng, "Nam", mother.born.year - rng.randint(-2, 8), home=mother.home)
    return mother, father


def _requester(rng: random.Random, mother: vn.Person,
               father: vn.Person | None) -> tuple[vn.Person, str]:
    """Who fills the form and how they are related to the child."""
    roll = rng.random()
    if father and roll < 0.35:
        return father, "Cha"
    if roll < 0.9:
        return mother, "Mẹ"
    gender = rng.choice(["Nam", "Nữ"])
    other = vn.make_person(rng, gender, mother.born.year - rng.randint(22, 30), home=mother.home)
    return other, rng.choice([r for r in _RELATIONSHIPS_OTHER
                              if (r.startswith(("Ông", "Chú")) == (gender == "Nam"))])


def _place_of_birth(rng: random.Random, home: vn.Commune) -> str:
    province = home.province.split(" ", 1)[1] if home.province.startswith("tỉnh") else None
    options = [f"Trạm y tế {home.commune}, {home.district}, {home.province}",
               f"Trung tâm y tế {home.district}, {home.province}"]
    if province:
        options.append(f"Bệnh viện đa khoa tỉnh {province}")
    else:
        options.append(f"Bệnh viện Phụ sản {home.province.replace('thành phố ', '').title()}")
    return rng.choice(options)


def _parent_rows(who: str, parent: vn.Person | None, upper: bool) -> list[Block]:
    """The «người mẹ» / «người cha» block; all values blank when the parent is not declared."""
    name = printed_name(parent.name, upper) if parent else ""
    return [
        one(f"Họ, chữ đệm, tên người {who}", name),
        FieldRow((FieldItem("Năm sinh", str(parent.born.year) if parent else ""),
                  FieldItem("Dân tộc", parent.ethnicity if parent else ""),
                  FieldItem("Quốc tịch", "Việt Nam" if parent else ""))),
        one("Nơi cư trú", parent.address if parent else ""),
    ]


def birth_registration(rng: random.Random, upper_names: bool) -> PageContent:
    """«TỜ KHAI ĐĂNG KÝ KHAI SINH» filled in for a child born in 2023–2025."""
    dob = vn.random_date(rng, dt.date(2023, 1, 1), dt.date(2025, 10, 31))
    mother, father = _parents(rng, dob)
    requester, relationship = _requester(rng, mother, father)
    gender = rng.choice(["Nam", "Nữ"])
    child_name = vn.make_name(rng, gender, (father or mother).surname)
    child_ethnicity = (father or mother).ethnicity
    authority = f"Ủy ban nhân dân {mother.home.commune}"
    if rng.random() < 0.3:
        authority += f", {mother.home.district}"
    signed = vn.next_working_day(dob + dt.timedelta(days=rng.randint(3, 55)))
    place_of_birth = _place_of_birth(rng, mother.home)
    hometown = vn.commune_address((father or mother).home)
    dob_printed = dob.strftime("%d/%m/%Y")
    if rng.random() < 0.5:
        dob_row = FieldRow((FieldItem("Ngày, tháng, năm sinh", dob_printed),
                            FieldItem("ghi bằng chữ", vn.date_words(dob))))
    else:
        in_words = f"{dob_printed} (ghi bằng chữ: {vn.date_words(dob)})"
        dob_row = one("Ngày, tháng, năm sinh", in_words)

    blocks: list[Block] = [
        *national_header(), Space(1.0),
        Text("TỜ KHAI ĐĂNG KÝ KHAI SINH", "center", bold=True, scale=1.3), Space(0.8),
        one("Kính gửi", authority),
        one("Họ, chữ đệm, tên người yêu cầu", printed_name(requester.name, upper_names)),
        one("Nơi cư trú", requester.address),
        one("Giấy tờ tùy thân", vn.id_document_text(rng, requester)),
        one("Quan hệ với người được khai sinh", relationship),
        Text("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", bold=True),
        one("Họ, chữ đệm, tên", printed_name(child_name, upper_names)),
        dob_row,
        FieldRow((FieldItem("Giới tính", gender), FieldItem("Dân tộc", child_ethnicity),
                  FieldItem("Quốc tịch", "Việt Nam"))),
        one("Nơi sinh", place_of_birth),
        one("Quê quán", hometown),
        *_parent_rows("mẹ", mother, upper_names),
        *_parent_rows("cha", father, upper_names),
        Paragraph("Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, "
                  "được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật."),
        Paragraph("Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan "
                  "của mình."),
        Text(f"Làm tại: {mother.home.commune}, {mother.home.district}, {vn.long_date(signed)}",
             rng.choice(["left", "right"]), italic=True),
        Signatures((Signer("Người yêu cầu", "(Ký, ghi rõ họ, chữ đệm, tên)", requester.name),)),
    ]
    fields: dict[str, str | int] = {
        "registration_authority": authority,
        "requester_name": requester.name,
        "requester_residence": requester.address,
        "requester_id_number": requester.id_number,
        "relationship": relationship,
        "child_name": child_name,
        "child_dob": dob.isoformat(),
        "child_gender": gender,
        "child_ethnicity": child_ethnicity,
        "child_nationality": "Việt Nam",
        "child_place_of_birth": place_of_birth,
        "child_hometown": hometown,
        "mother_name": mother.name,
        "mother_birth_year": str(mother.born.year),
        "signed_date": signed.isoformat(),
    }
    if father:
        fields |= {"father_name": father.name, "father_birth_year": str(father.born.year)}
    return PageContent("birth_registration", "birth_registration", blocks, fields)


# --- dossier receipt -------------------------------------------------------------------------

# Procedure, its statutory processing days, and the documents a citizen hands in.
PROCEDURES: list[tuple[str, int, tuple[str, ...]]] = [
    ("Đăng ký khai sinh", 1, ("Tờ khai đăng ký khai sinh (bản chính)",
                              "Giấy chứng sinh (bản chính)",
                              "Giấy chứng nhận kết hôn của cha mẹ (bản sao)")),
    ("Chứng thực bản sao từ bản chính", 1, ("Bản chính giấy tờ, văn bản",
                                            "Bản sao cần chứng thực")),
    ("Cấp giấy chứng nhận quyền sử dụng đất", 30, (
        "Đơn đăng ký, cấp Giấy chứng nhận quyền sử dụng đất (Mẫu số 04a/ĐK)",
        "Giấy tờ về quyền sử dụng đất (bản sao)", "Sơ đồ thửa đất",
        "Chứng từ thực hiện nghĩa vụ tài chính")),
    ("Đăng ký kết hôn", 5, ("Tờ khai đăng ký kết hôn",
                            "Giấy xác nhận tình trạng hôn nhân (bản chính)")),
    ("Đăng ký khai tử", 1, ("Tờ khai đăng ký khai tử", "Giấy báo tử (bản chính)")),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 15, (
        "Đơn đề nghị cấp giấy phép xây dựng", "Bản vẽ thiết kế xây dựng (02 bộ)",
        "Giấy chứng nhận quyền sử dụng đất (bản sao có chứng thực)")),
    ("Đăng ký thành lập hộ kinh doanh", 3, ("Giấy đề nghị đăng ký hộ kinh doanh",
                                            "Bản sao giấy tờ pháp lý của chủ hộ kinh doanh")),
    ("Đăng ký thường trú", 7, ("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)",
                               "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp")),
]
_ORGANISATIONS = ["Công ty TNHH Thương mại Hoàng Long", "Hợp tác xã Nông nghiệp Thạch Hạ",
                  "Công ty Cổ phần Xây dựng Sông Lam"]


def _received_at(rng: random.Random) -> dt.datetime:
    day = vn.next_working_day(vn.random_date(rng, dt.date(2024, 1, 2), dt.date(2025, 11, 28)))
    hour = rng.choice([7, 8, 8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16])
    return dt.datetime(day.year, day.month, day.day, hour, rng.choice(range(0, 60, 5)))


def clock_text(moment: dt.datetime) -> str:
    """«08 giờ 30 phút, ngày 28 tháng 11 năm 2024»."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {vn.long_date(moment.date())}"


def dossier_code(rng: random.Random, office_code: str, received: dt.date) -> str:
    """«000.00.21.H27-241128-0001»: agency, province office, date received, sequence."""
    agency = f"{rng.choice(['000', '000', '001'])}.{rng.choice(['00', '21', '31'])}."
    agency += f"{rng.randint(10, 45):02d}"
    return f"{agency}.{office_code}-{received:%y%m%d}-{rng.randint(1, 480):04d}"


def _applicant(rng: random.Random, upper: bool) -> tuple[vn.Person, str, str]:
    """(person, printed name, normalised name); a few dossiers come from an organisation."""
    person = vn.make_person(rng, rng.choice(["Nam", "Nữ"]), rng.randint(1955, 2002))
    if rng.random() < 0.08:
        organisation = rng.choice(_ORGANISATIONS)
        return person, organisation, organisation
    return person, printed_name(person.name, upper), person.name


def _receipt_header(commune: vn.Commune, received: dt.date, number: int) -> list[Block]:
    agency = f"UBND {commune.commune.upper()}"
    return [
        Columns((Text(agency, bold=True), Text("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", bold=True),
                 Text(f"Số: {number:04d}/TNHS")),
                (Text(NATIONAL_HEADER[0], bold=True),
                 Text(NATIONAL_HEADER[1], bold=True, rule_below=True),
                 Text(f"{commune.short_name}, {vn.long_date(received)}", italic=True))),
        Space(1.0),
    ]


def dossier_receipt(rng: random.Random, upper_names: bool,
                    barcode: BarcodeKind | None = None) -> PageContent:
    """«GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ» for a random procedure.

    ``barcode`` prints the dossier code also as a Code 128 or QR code under the printed code,
    as the one-stop-shop software does; it draws nothing from ``rng``, so the values stay those
    of the same receipt without one.
    """
    person, printed_applicant, applicant = _applicant(rng, upper_names)
    commune = person.home
    procedure, days, documents = rng.choice(PROCEDURES)
    received = _received_at(rng)
    due_day = vn.add_working_days(received.date(), days)
    due = dt.datetime.combine(due_day, rng.choice([received.time(), dt.time(14, 0)]))
    code = dossier_code(rng, commune.office_code, received.date())
    phone_printed, phone = vn.make_phone(rng)
    with_email = rng.random() < 0.7
    email_printed, email = vn.make_email(rng, person.name) if with_email else ("", "")
    count = rng.choice([1, 1, 1, 2])
    delivery = rng.choice([f"Bộ phận Một cửa UBND {commune.commune}",
                           f"Trung tâm Phục vụ hành chính công {commune.province}",
                           "Qua dịch vụ bưu chính công ích"])
    clerk = vn.make_name(rng, rng.choice(["Nam", "Nữ"]))
    blocks: list[Block] = [
        *_receipt_header(commune, received.date(), rng.randint(1, 999)),
        Text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "center", bold=True, scale=1.25),
        Text(f"Mã hồ sơ: {code}", "center", bold=True),
        *([Barcode(barcode, code)] if barcode else []),
        Space(0.6),
        Text(f"Bộ phận tiếp nhận và trả kết quả UBND {commune.commune}"),
        one("Tiếp nhận hồ sơ của", printed_applicant),
        one("Địa chỉ", person.address),
        FieldRow((FieldItem("Số điện thoại", phone_printed), FieldItem("Email", email_printed))),
        one("Nội dung yêu cầu giải quyết", procedure),
        Text("1. Thành phần hồ sơ nộp gồm:"),
        DocumentList(tuple(documents)),
        one("2. Số lượng hồ sơ", f"{count:02d} (bộ)"),
        one("3. Thời gian giải quyết hồ sơ theo quy định là",
            f"{days:02d} ngày" if rng.random() < 0.3 else f"{days} ngày"),
        one("4. Thời gian nhận hồ sơ", clock_text(received)),
        one("5. Thời gian trả kết quả giải quyết hồ sơ", clock_text(due)),
        one("6. Đăng ký nhận kết quả tại", delivery),
        Text(f"Vào Sổ theo dõi hồ sơ, Quyển số: {rng.randint(1, 9):02d}, "
             f"Số thứ tự: {rng.randint(1, 400)}", italic=True),
        Signatures((Signer("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", person.name),
                    Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", clerk))),
    ]
    fields: dict[str, str | int] = {
        "dossier_code": code, "applicant_name": applicant, "applicant_address": person.address,
        "phone": phone, "request_content": procedure, "document_count": count,
        "processing_days": days, "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "due_at": due.strftime("%Y-%m-%dT%H:%M"), "result_delivery": delivery,
    }
    if with_email:
        fields["email"] = email
    return PageContent("dossier_receipt", "dossier_receipt", blocks, fields)


# --- cover sheet -------------------------------------------------------------------------------

_COVER_CAPTIONS = ["Mã hồ sơ", "Mã số hồ sơ", "Phiếu kiểm soát hồ sơ"]


def cover_sheet(rng: random.Random, code: str, barcode: BarcodeKind) -> PageContent:
    """A station's cover sheet: the dossier code as a barcode with a short caption, no title.

    It opens a dossier in a scanned stack (contract §5); the code is printed in clear under
    the symbol, as label printers do.
    """
    commune = rng.choice(vn.COMMUNES)
    blocks: list[Block] = [
        Space(rng.uniform(2.0, 8.0)),
        Text(rng.choice(_COVER_CAPTIONS), "center"),
        Barcode(barcode, code),
        Text(code, "center"),
        Space(1.0),
        Text(f"Bộ phận Một cửa UBND {commune.commune}", "center", italic=True),
    ]
    return PageContent("unknown", "cover_sheet", blocks)
