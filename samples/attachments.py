"""Pages that are no form of the contract (type ``unknown``): letters and attachments; and a
commune's notice, which is an administrative document (``official_document``).

They borrow the vocabulary of the forms on purpose («Kính gửi», «Nơi cư trú», «Họ và tên mẹ»),
because real attachments do, and a classifier must not take them for a form.
"""

from __future__ import annotations

import datetime as dt
import random

from samples import vietnamese as vn
from samples.forms import (
    Block,
    Columns,
    FieldItem,
    FieldRow,
    PageContent,
    Paragraph,
    Signatures,
    Signer,
    Space,
    Text,
    national_header,
    one,
)

_SENTENCES = [
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và các văn bản hướng dẫn thi hành.",
    "Tôi xin cam đoan những lời khai trên đây là đúng sự thật và chịu trách nhiệm trước "
    "pháp luật về nội dung đã khai.",
    "Do bản chính bị thất lạc trong quá trình chuyển nơi ở nên gia đình tôi không còn lưu "
    "giữ được giấy tờ gốc.",
    "Kính đề nghị quý cơ quan xem xét, giải quyết để gia đình tôi hoàn thiện hồ sơ theo "
    "đúng quy định.",
    "Thửa đất nêu trên đã được gia đình sử dụng ổn định, liên tục từ năm 1998 đến nay, không "
    "có tranh chấp với các hộ liền kề.",
    "Ủy ban nhân dân xã đã tổ chức kiểm tra thực địa và lập biên bản xác minh theo quy định.",
    "Hồ sơ được lập thành hai bản, mỗi bên giữ một bản có giá trị pháp lý như nhau.",
    "Người nộp hồ sơ có trách nhiệm bổ sung đầy đủ giấy tờ còn thiếu trong thời hạn năm ngày "
    "làm việc kể từ ngày nhận được thông báo.",
    "Trường hợp quá thời hạn trên mà không bổ sung, cơ quan tiếp nhận sẽ trả lại hồ sơ và "
    "nêu rõ lý do.",
    "Mọi thắc mắc xin liên hệ Bộ phận tiếp nhận và trả kết quả trong giờ hành chính các ngày "
    "làm việc.",
    "Gia đình chúng tôi thống nhất ủy quyền cho ông Trần Văn Hùng thay mặt thực hiện các "
    "thủ tục liên quan.",
    "Sau khi xem xét hồ sơ, Ủy ban nhân dân phường thông báo kết quả giải quyết như sau.",
    "Việc sửa chữa, tẩy xóa làm sai lệch nội dung giấy tờ sẽ bị xử lý theo quy định của "
    "pháp luật.",
    "Tôi xin trân trọng cảm ơn sự quan tâm giúp đỡ của quý cơ quan.",
]
_LETTER_SUBJECTS = ["V/v cấp bản sao trích lục khai sinh", "V/v xác nhận nơi cư trú",
                    "V/v bổ sung hồ sơ đăng ký đất đai", "V/v điều chỉnh thông tin hộ tịch"]


def _paragraphs(rng: random.Random, count: int) -> list[Block]:
    """``count`` paragraphs of two to four administrative sentences."""
    return [Paragraph(" ".join(rng.sample(_SENTENCES, rng.randint(2, 4))))
            for _ in range(count)]


def _place_and_date(commune: vn.Commune, day: dt.date) -> Text:
    return Text(f"{commune.short_name}, {vn.long_date(day)}", "right", italic=True)


def letter(rng: random.Random) -> PageContent:
    """«ĐƠN ĐỀ NGHỊ»: a citizen's request letter."""
    person = vn.make_person(rng, rng.choice(["Nam", "Nữ"]), rng.randint(1960, 2000))
    day = vn.random_date(rng, dt.date(2024, 1, 2), dt.date(2025, 11, 28))
    blocks: list[Block] = [
        *national_header(), Space(1.0),
        Text("ĐƠN ĐỀ NGHỊ", "center", bold=True, scale=1.3),
        Text(f"({rng.choice(_LETTER_SUBJECTS)})", "center", italic=True), Space(0.6),
        one("Kính gửi", f"Ủy ban nhân dân {person.home.commune}"),
        one("Tôi tên là", person.name),
        FieldRow((FieldItem("Sinh ngày", person.born.strftime("%d/%m/%Y")),
                  FieldItem("Dân tộc", person.ethnicity))),
        one("Nơi thường trú", person.address),
        *_paragraphs(rng, rng.randint(2, 3)),
        _place_and_date(person.home, day),
        Signatures((Signer("Người làm đơn", "(Ký, ghi rõ họ tên)", person.name),)),
    ]
    return PageContent("unknown", "letter", blocks)


def notice(rng: random.Random) -> PageContent:
    """«THÔNG BÁO» from a commune: two-column agency header, prose, the chairman's signature."""
    commune = rng.choice(vn.COMMUNES)
    day = vn.random_date(rng, dt.date(2024, 1, 2), dt.date(2025, 11, 28))
    number = f"{rng.randint(10, 300)}/TB-UBND"
    blocks: list[Block] = [
        Columns((Text(f"UBND {commune.district.upper()}", bold=False),
                 Text(f"UBND {commune.commune.upper()}", bold=True),
                 Text(f"Số: {number}")),
                (Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True),
                 Text("Độc lập - Tự do - Hạnh phúc", bold=True, rule_below=True),
                 _place_and_date(commune, day))),
        Space(1.0),
        Text("THÔNG BÁO", "center", bold=True, scale=1.3),
        Text("Về việc bổ sung, hoàn thiện hồ sơ", "center", bold=True), Space(0.6),
        *_paragraphs(rng, rng.randint(3, 4)),
        Signatures((Signer("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                           signer := vn.make_name(rng, rng.choice(["Nam", "Nữ"]))),)),
    ]
    # Laid out per Decree 30/2020, a notice is an administrative document (contract §1).
    fields: dict[str, str | int] = {
        "document_kind": "Thông báo", "issuing_authority": f"Ủy ban nhân dân {commune.commune}",
        "document_number": number, "issued_place": commune.short_name,
        "issued_date": day.isoformat(), "subject": "Bổ sung, hoàn thiện hồ sơ",
        "signer_name": signer, "signer_title": "Chủ tịch",
        # No seal is drawn over the signature: the contract's `sealed` is false (a truth
        # without it scored the pipeline's right «false» as a value given wrong).
        "sealed": False}
    return PageContent("official_document", "notice", blocks, fields)


def birth_certificate_copy(rng: random.Random) -> PageContent:
    """A photocopied «GIẤY CHỨNG SINH»: mother's details like a birth form, but not one."""
    mother = vn.make_person(rng, "Nữ", rng.randint(1985, 2004))
    born = vn.random_date(rng, dt.date(2023, 1, 1), dt.date(2025, 10, 31))
    blocks: list[Block] = [
        Columns((Text(f"SỞ Y TẾ {mother.home.province.upper()}", bold=True),
                 Text("Trạm y tế " + mother.home.commune)),
                (Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True),
                 Text("Độc lập - Tự do - Hạnh phúc", bold=True, rule_below=True))),
        Space(1.0),
        Text("GIẤY CHỨNG SINH", "center", bold=True, scale=1.4),
        Text("(Bản sao)", "center", italic=True), Space(0.6),
        one("Họ và tên mẹ", mother.name),
        FieldRow((FieldItem("Năm sinh", str(mother.born.year)),
                  FieldItem("Dân tộc", mother.ethnicity))),
        one("Nơi đăng ký thường trú", mother.address),
        one("Số CCCD", mother.id_number),
        one("Đã sinh con vào lúc", f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} "
                                   f"phút, {vn.long_date(born)}"),
        FieldRow((FieldItem("Số con trong lần sinh", "01"),
                  FieldItem("Giới tính của con", rng.choice(["Nam", "Nữ"])))),
        one("Cân nặng", f"{rng.randint(26, 40) * 100} gram"),
        Paragraph("Giấy chứng sinh này được cấp để làm thủ tục đăng ký khai sinh cho trẻ theo "
                  "quy định của pháp luật về hộ tịch."),
        _place_and_date(mother.home, born + dt.timedelta(days=2)),
        Signatures((Signer("Người đỡ đẻ", "(Ký, ghi rõ họ tên)",
                           vn.make_name(rng, "Nữ")),
                    Signer("Thủ trưởng cơ sở y tế", "(Ký, đóng dấu)",
                           vn.make_name(rng, rng.choice(["Nam", "Nữ"]))))),
    ]
    return PageContent("unknown", "birth_certificate_copy", blocks)


UNKNOWN_TEMPLATES = {"letter": letter, "notice": notice,
                     "birth_certificate_copy": birth_certificate_copy}


def unknown_page(rng: random.Random) -> PageContent:
    """One attachment page of a random kind."""
    return UNKNOWN_TEMPLATES[rng.choice(list(UNKNOWN_TEMPLATES))](rng)
