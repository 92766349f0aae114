"""Administrative documents (Decree 30/2020/NĐ-CP, Appendix III's templates 1.2–1.5) and birth
certificates (Circular 04/2020/TT-BTP), drawn with their ground truth.

The decree fixes where each part stands (Appendix I): the issuing body top left with «Số: …»
under it, the motto top right with «Địa danh, ngày … tháng … năm …» on the number's line, the
kind's name and subject centred (a letter puts «V/v …» under its number instead), «Kính gửi»,
the body, then «Nơi nhận:» bottom left and the signer's authority, title and name bottom right
with the signature and, on most, a red seal over its left third. Some carry the «ĐẾN» stamp of
Appendix IV over their first lines. Fonts are serif (the decree prescribes Times New Roman:
Liberation Serif is metric-compatible), 13 pt body on A4 with 30/20 mm side margins. Bodies run
over several pages, the signature on the last.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

from samples import vietnamese as vn
from samples.degrade import DegradedPage, degrade_page, jpeg_quality
from samples.layouts import load_font
from samples.truth import ColorMode, FileKind, PageTruth, Tier, Truth, write_truth
from samples.writers import EXTENSIONS, save_pages, to_image

SERIF_FAMILIES = ("Liberation Serif", "DejaVu Serif", "Noto Serif")
A4_MM = (210.0, 297.0)
INK = (0, 0, 0)
SEAL_RED = (205, 35, 40)
STAMP_INKS = ((150, 40, 120), (205, 35, 40))  # received stamps in violet or in seal red
SIGNATURE_BLUE = (20, 40, 150)

# (kind, abbreviation, template): «named» kinds print their name and subject centred
# (Mẫu 1.2, 1.4); a letter prints «V/v» under its number (Mẫu 1.5).
KINDS = [("Quyết định", "QĐ", "decision"), ("Thông báo", "TB", "named"),
         ("Tờ trình", "TTr", "named"), ("Kế hoạch", "KH", "named"), ("Báo cáo", "BC", "named"),
         ("Công văn", "", "letter"), ("Công văn", "", "letter"), ("Giấy mời", "GM", "named")]
SUBJECTS = ["tổ chức kiểm tra công tác chứng thực, hộ tịch năm 2025",
            "triển khai thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            "phê duyệt danh mục thủ tục hành chính tiếp nhận tại Bộ phận Một cửa",
            "tăng cường công tác cải cách hành chính trên địa bàn",
            "đôn đốc giải quyết hồ sơ quá hạn", "báo cáo kết quả thực hiện Đề án 06",
            "kiện toàn Tổ công tác chuyển đổi số cấp xã",
            "hướng dẫn cập nhật dữ liệu hộ tịch điện tử", "cấp bản sao trích lục khai sinh"]
SENTENCES = [
    "Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện "
    "cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
    "Để bảo đảm việc tiếp nhận, giải quyết hồ sơ đúng thời hạn, đề nghị các cơ quan, đơn vị "
    "khẩn trương rà soát, báo cáo kết quả thực hiện.",
    "Giao Văn phòng chủ trì, phối hợp với các phòng, ban chuyên môn theo dõi, đôn đốc việc "
    "triển khai và tổng hợp khó khăn, vướng mắc.",
    "Các đơn vị có trách nhiệm cập nhật đầy đủ, chính xác dữ liệu lên Hệ thống thông tin giải "
    "quyết thủ tục hành chính của tỉnh.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời phản ánh về cơ quan "
    "thường trực để được hướng dẫn.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành.",
    "Kết quả số hóa phải được lưu trữ, khai thác, sử dụng theo quy định của pháp luật về lưu "
    "trữ và bảo vệ dữ liệu cá nhân.",
    "Thủ trưởng các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành văn "
    "bản này.",
]
DEPARTMENTS = [("Sở Tư pháp", "STP"), ("Sở Nội vụ", "SNV"), ("Sở Tài chính", "STC"),
               ("Sở Tài nguyên và Môi trường", "STNMT"), ("Sở Kế hoạch và Đầu tư", "SKHĐT")]
UNITS = ["KTTH", "VP", "NC", "HCTC", "TH", "KT"]
HANDWRITTEN_SHARE = 0.35  # documents whose number and/or day are written by hand
BLANK = "\x01"  # where a line leaves a blank for a hand to fill in
BLANK_SPACES = 8  # the blank's width in spaces of the line's font
PEN_INKS = ((25, 45, 160), (20, 20, 30))  # ballpoint blue, black
# Digits as one pen stroke each (x, y in a unit box, y downwards), as a hand writes them.
DIGIT_STROKES: dict[str, list[tuple[float, float]]] = {
    "0": [(0.5, 0.0), (0.15, 0.2), (0.1, 0.6), (0.35, 1.0), (0.75, 0.95), (0.9, 0.5),
          (0.8, 0.1), (0.5, 0.0)],
    "1": [(0.25, 0.25), (0.6, 0.0), (0.55, 1.0)],
    "2": [(0.1, 0.25), (0.35, 0.02), (0.75, 0.05), (0.85, 0.3), (0.6, 0.6), (0.1, 1.0),
          (0.95, 0.97)],
    "3": [(0.1, 0.1), (0.5, 0.0), (0.85, 0.2), (0.45, 0.48), (0.9, 0.7), (0.6, 1.0),
          (0.1, 0.9)],
    "4": [(0.65, 1.0), (0.7, 0.0), (0.05, 0.68), (0.95, 0.66)],
    "5": [(0.85, 0.0), (0.25, 0.02), (0.18, 0.45), (0.6, 0.38), (0.9, 0.65), (0.6, 1.0),
          (0.1, 0.9)],
    "6": [(0.8, 0.05), (0.4, 0.1), (0.12, 0.6), (0.3, 0.98), (0.75, 0.95), (0.85, 0.65),
          (0.45, 0.5), (0.15, 0.7)],
    "7": [(0.05, 0.02), (0.95, 0.0), (0.4, 1.0)],
    "8": [(0.5, 0.48), (0.15, 0.25), (0.5, 0.0), (0.85, 0.25), (0.5, 0.48), (0.1, 0.75),
          (0.5, 1.0), (0.9, 0.75), (0.5, 0.48)],
    "9": [(0.85, 0.3), (0.5, 0.5), (0.15, 0.28), (0.5, 0.0), (0.85, 0.3), (0.75, 1.0)],
}


@dataclass(frozen=True)
class Body:
    """An issuing body: parent line (may be empty), own name lines (capitals), its name as
    the contract gives it, its abbreviation, the place it dates from, the signer's titles."""

    parent: str
    lines: tuple[str, ...]
    name: str
    abbreviation: str
    place: str
    head: str  # «Chủ tịch», «Giám đốc»
    collective: str | None  # «ỦY BAN NHÂN DÂN»: signs «TM.» it


def _place_of(unit: str) -> str:
    """The place a body's documents date from (Decree 30/2020, Appendix I, I.4.a): its unit's
    name, but the full name of a unit named after a person or by a number, which the
    gazetteer writes with a capital unit word («Thành phố Hồ Chí Minh», «Quận 1»)."""
    if unit[:1].isupper():
        return unit
    return unit.split(" ", 1)[1] if not unit.startswith(("thành phố", "thị xã", "thị trấn")) \
        else unit.split(" ", 2)[2]


def draw_body(rng: random.Random) -> Body:
    """A province's, district's or commune's People's Committee, or a department."""
    commune = rng.choice(vn.COMMUNES)
    level = rng.choice(["province", "district", "commune", "department"])
    province, district = commune.province, commune.district
    if level == "province":
        return Body("", ("ỦY BAN NHÂN DÂN", province.upper()), f"Ủy ban nhân dân {province}",
                    "UBND", _place_of(province), "Chủ tịch", "ỦY BAN NHÂN DÂN")
    if level == "district":
        return Body("", ("ỦY BAN NHÂN DÂN", district.upper()), f"Ủy ban nhân dân {district}",
                    "UBND", _place_of(district), "Chủ tịch", "ỦY BAN NHÂN DÂN")
    if level == "commune":
        return Body(f"UBND {district.upper()}", ("ỦY BAN NHÂN DÂN", commune.commune.upper()),
                    f"Ủy ban nhân dân {commune.commune}", "UBND", commune.short_name,
                    "Chủ tịch", "ỦY BAN NHÂN DÂN")
    name, abbreviation = rng.choice(DEPARTMENTS)
    return Body(f"UBND {province.upper()}", (name.upper(),), name, abbreviation,
                _place_of(province), "Giám đốc", None)


@dataclass
class Line:
    """One printed line: text, x alignment within [x0, x1] of its column, font style."""

    text: str
    align: str = "center"
    bold: bool = False
    italic: bool = False
    size: float = 13.0
    hand: str = ""  # digits written by hand into the blank «\x01» the text leaves for them


@dataclass
class Document:
    """What one document prints, and its truth (contract §1)."""

    doc_type: str
    left: list[Line]
    right: list[Line]
    head: list[Line]
    body: list[str]  # paragraphs
    closing_left: list[Line]
    closing_right: list[Line]
    signer_gap_after: int  # index in closing_right after which the signature space stands
    fields: dict[str, str | int] = field(default_factory=dict)
    sealed: bool = True
    stamped: bool = False
    handwritten: list[str] = field(default_factory=list)  # fields written (partly) by hand


def _subject_lines(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def official_document(rng: random.Random) -> Document:
    """A decision, notice, submission, plan, report, invitation or letter of some body."""
    body = draw_body(rng)
    kind, abbreviation, template = rng.choice(KINDS)
    number = rng.randint(1, 2500)
    unit = rng.choice(UNITS)
    symbol = (f"{abbreviation}-{body.abbreviation}" if template != "letter"
              else f"{body.abbreviation}-{unit}")
    printed_number = f"{number:02d}/{symbol}"
    day = vn.random_date(rng, dt.date(2023, 1, 2), dt.date(2025, 11, 28))
    subject = rng.choice(SUBJECTS)
    subject = subject[0].upper() + subject[1:]
    left = ([Line(body.parent)] if body.parent else []) + [
        Line(text, bold=True) for text in body.lines] + [Line("_" * 10, size=8)]
    # On a share of documents the number and/or the day are written by hand into blanks the
    # printed template leaves (as measured on real People's Committee scans, issue 17).
    hand = rng.choice(["number", "day", "both"]) if rng.random() < HANDWRITTEN_SHARE else ""
    if hand in ("number", "both"):
        left.append(Line(f"Số: \x01/{symbol}", hand=str(number)))
    else:
        left.append(Line(f"Số: {printed_number}"))
    right = [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12),
             Line("Độc lập - Tự do - Hạnh phúc", bold=True),
             Line("_" * 22, size=8)]
    # The date stands on the number's line (Appendix I, II.4.c).
    while len(right) < len(left) - 1:
        right.insert(2, Line(""))
    while len(left) - 1 < len(right):
        left.insert(len(left) - 1, Line(""))
    if hand in ("day", "both"):
        right.append(Line(f"{body.place}, ngày \x01 tháng {day.month:02d} năm {day.year}",
                          italic=True, hand=str(day.day)))
    else:
        right.append(Line(f"{body.place}, {vn.long_date(day)}", italic=True))
    head: list[Line] = []
    recipients: list[str] = []
    if template == "letter":
        for text in _subject_lines(f"V/v {subject[0].lower()}{subject[1:]}", 34):
            left.append(Line(text, size=12))
    else:
        head += [Line(kind.upper(), bold=True, size=14)]
        head += [Line(text, bold=True) for text in _subject_lines(
            ("Về việc " + subject[0].lower() + subject[1:]) if template == "decision"
            else subject, 60)]
        head.append(Line("_" * 12, size=8))
    if template in ("letter", "named") and kind in ("Công văn", "Tờ trình", "Báo cáo"):
        recipients = rng.sample([f"Ủy ban nhân dân {c.district}" for c in vn.COMMUNES[:6]]
                                + ["Sở Tư pháp", "Sở Nội vụ", "Công an tỉnh"],
                                rng.choice([1, 1, 2, 3]))
        if len(recipients) == 1:
            head.append(Line(f"Kính gửi: {recipients[0]}."))
        else:
            head.append(Line("Kính gửi:"))
            head += [Line(f"- {r}{';' if i < len(recipients) - 1 else '.'}", align="indent")
                     for i, r in enumerate(recipients)]
    if template == "decision":
        head += [Line(f"{body.head.upper()} {body.name.upper()}", bold=True)]
    paragraphs = [" ".join(rng.sample(SENTENCES, rng.randint(2, 3)))
                  for _ in range(rng.randint(2, 9))]
    if template == "decision":
        paragraphs = ["QUYẾT ĐỊNH:"] + [f"Điều {i}. {p}" for i, p in enumerate(paragraphs, 1)]
    signer_gender = rng.choice(["Nam", "Nữ"])
    signer = vn.make_name(rng, signer_gender)
    deputy = rng.random() < 0.5
    title = f"Phó {body.head}" if deputy else body.head
    closing_right = []
    if body.collective and rng.random() < 0.7:
        closing_right.append(Line(f"TM. {body.collective}", bold=True))
    if deputy:
        closing_right.append(Line(f"KT. {body.head.upper()}", bold=True))
    closing_right.append(Line(title.upper(), bold=True))
    gap = len(closing_right) - 1
    closing_right.append(Line(signer, bold=True))
    closing_left = [Line("Nơi nhận:", align="left", bold=True, italic=True, size=12),
                    Line("- Như trên;" if recipients else "- Như Điều 3;", align="left",
                         size=11),
                    Line("- Lưu: VT, " + unit + ".", align="left", size=11)]
    fields: dict[str, str | int] = {
        "document_kind": kind, "issuing_authority": body.name,
        "document_number": printed_number, "issued_place": body.place,
        "issued_date": day.isoformat(), "subject": subject,
        "signer_name": signer, "signer_title": title}
    if recipients:
        fields["recipients"] = "; ".join(recipients)
    handwritten = {"number": ["document_number"], "day": ["issued_date"],
                   "both": ["document_number", "issued_date"], "": []}[hand]
    return Document("official_document", left, right, head, paragraphs, closing_left,
                    closing_right, gap, fields, sealed=rng.random() < 0.8,
                    stamped=rng.random() < 0.3, handwritten=handwritten)


def birth_certificate(rng: random.Random) -> Document:
    """«GIẤY KHAI SINH» or «TRÍCH LỤC KHAI SINH» issued by a commune's People's Committee."""
    dob = vn.random_date(rng, dt.date(2022, 1, 1), dt.date(2025, 9, 30))
    mother = vn.make_person(rng, "Nữ", dob.year - rng.randint(19, 40))
    father = (vn.make_person(rng, "Nam", mother.born.year - rng.randint(-2, 8), home=mother.home)
              if rng.random() < 0.8 else None)
    gender = rng.choice(["Nam", "Nữ"])
    child = vn.make_name(rng, gender, (father or mother).surname)
    home = mother.home
    registered = vn.next_working_day(dob + dt.timedelta(days=rng.randint(3, 55)))
    number = f"{rng.randint(1, 400)}/{registered.year}"
    book = f"{rng.randint(1, 3):02d}/{registered.year}"
    personal_id = vn.make_id_number(rng, home, gender, dob)
    if len(personal_id) != 12:
        personal_id = f"{home.cccd_prefix}{2 + (gender == 'Nữ')}{dob.year % 100:02d}" \
                      f"{rng.randint(0, 999_999):06d}"
    authority = f"Ủy ban nhân dân {home.commune}"
    title = rng.choice(["GIẤY KHAI SINH", "TRÍCH LỤC KHAI SINH"])
    left = [Line("ỦY BAN NHÂN DÂN", bold=True), Line(home.commune.upper(), bold=True),
            Line("_" * 10, size=8), Line(f"Số: {number}"), Line(f"Quyển số: {book}")]
    right = [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12),
             Line("Độc lập - Tự do - Hạnh phúc", bold=True), Line("_" * 22, size=8)]
    hometown = vn.commune_address((father or mother).home)
    place = f"Trạm y tế {home.commune}, {home.district}, {home.province}"
    rows = [f"Họ, chữ đệm, tên: {child.upper()}",
            f"Ngày, tháng, năm sinh: {dob.strftime('%d/%m/%Y')}",
            f"Giới tính: {gender}      Dân tộc: {(father or mother).ethnicity}      "
            "Quốc tịch: Việt Nam",
            f"Nơi sinh: {place}", f"Quê quán: {hometown}",
            f"Số định danh cá nhân: {personal_id}",
            f"Họ, chữ đệm, tên người mẹ: {mother.name.upper()}",
            f"Năm sinh: {mother.born.year}      Dân tộc: {mother.ethnicity}      "
            "Quốc tịch: Việt Nam", f"Nơi cư trú: {mother.address}"]
    if father:
        rows += [f"Họ, chữ đệm, tên người cha: {father.name.upper()}",
                 f"Năm sinh: {father.born.year}      Dân tộc: {father.ethnicity}      "
                 "Quốc tịch: Việt Nam", f"Nơi cư trú: {father.address}"]
    else:
        rows += ["Họ, chữ đệm, tên người cha:", "Năm sinh:      Dân tộc:      Quốc tịch:",
                 "Nơi cư trú:"]
    rows += [f"Nơi đăng ký khai sinh: {authority}",
             f"Ngày, tháng, năm đăng ký: {registered.strftime('%d/%m/%Y')}"]
    signer = vn.make_name(rng, rng.choice(["Nam", "Nữ"]))
    fields: dict[str, str | int] = {
        "certificate_number": number, "book_number": book, "child_name": child,
        "child_dob": dob.isoformat(), "child_gender": gender,
        "child_ethnicity": (father or mother).ethnicity, "child_nationality": "Việt Nam",
        "child_place_of_birth": place, "child_hometown": hometown,
        "child_personal_id": personal_id, "mother_name": mother.name,
        "mother_birth_year": str(mother.born.year), "registration_authority": authority,
        "registered_date": registered.isoformat()}
    if father:
        fields |= {"father_name": father.name, "father_birth_year": str(father.born.year)}
    closing_right = [Line("NGƯỜI KÝ GIẤY KHAI SINH", bold=True),
                     Line("(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)", italic=True,
                          size=11),
                     Line(signer, bold=True)]
    document = Document("birth_certificate", left, right, [Line(title, bold=True, size=15)],
                        [], [], closing_right, 1, fields, sealed=rng.random() < 0.8)
    return _with_rows(document, rows)


def _with_rows(document: Document, rows: list[str]) -> Document:
    """Label rows are set flush left: the body's paragraphs, unjustified (marked with \\x00)."""
    document.body = ["\x00" + row for row in rows]
    return document


# --- drawing ---------------------------------------------------------------------------------


@dataclass
class Canvas:
    """Pages being drawn at a DPI, the printed text of each, the current pen position."""

    dpi: int
    family: str
    pages: list[Image.Image] = field(default_factory=list)
    texts: list[list[str]] = field(default_factory=list)
    y: float = 0.0
    # Blanks to be written in by hand: x, y (the line's top), width, digit height, digits.
    blanks: list[tuple[float, float, float, int, str]] = field(default_factory=list)

    def mm(self, value: float) -> int:
        return round(value / 25.4 * self.dpi)

    def font(self, line: Line) -> ImageFont.FreeTypeFont:
        return load_font(self.family, round(line.size / 72 * self.dpi), line.bold, line.italic)

    @property
    def page(self) -> Image.Image:
        return self.pages[-1]

    def new_page(self) -> None:
        size = (self.mm(A4_MM[0]), self.mm(A4_MM[1]))
        self.pages.append(Image.new("RGB", size, "white"))
        self.texts.append([])
        self.y = self.mm(20)
        if len(self.pages) > 1:  # page numbers from the second page, centred at the top
            number = Line(str(len(self.pages)))
            self.column(number, self.mm(30), self.mm(190), self.mm(8))

    def column(self, line: Line, x0: int, x1: int, y: float) -> float:
        """Draw one line in [x0, x1] at y; returns the y below it."""
        font = self.font(line)
        height = font.getbbox("Ấg")[3] + self.mm(1.2)
        if not line.text:
            return y + height
        text = line.text.replace(BLANK, " " * BLANK_SPACES)
        width = font.getlength(text)
        x = {"left": x0, "indent": x0 + self.mm(10), "center": (x0 + x1 - width) / 2,
             "right": x1 - width}[line.align]
        ImageDraw.Draw(self.page).text((x, y), text, fill=INK, font=font)
        if line.hand and BLANK in line.text:
            before = line.text.split(BLANK)[0]
            self.blanks.append((x + font.getlength(before), y, font.getlength(
                " " * BLANK_SPACES), font.getbbox("0")[3], line.hand))
        if not set(text) <= {"_"}:
            self.texts[-1].append(" ".join(text.split()))
        return y + height


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float, indent: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        room = width - (indent if not lines else 0)
        if line and font.getlength(f"{line} {word}") > room:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _paragraph(canvas: Canvas, text: str, x0: int, x1: int, bottom: int) -> None:
    flush = text.startswith("\x00")
    text = text.lstrip("\x00")
    line = Line(text, align="left")
    font = canvas.font(line)
    indent = 0 if flush else canvas.mm(10)
    height = font.getbbox("Ấg")[3] + canvas.mm(2.0)
    centred = text == "QUYẾT ĐỊNH:"
    for index, part in enumerate(_wrap(text, font, x1 - x0, indent)):
        if canvas.y + height > bottom:
            canvas.new_page()
        x = x0 + (indent if index == 0 else 0)
        if centred:
            x = (x0 + x1 - font.getlength(part)) / 2
        ImageDraw.Draw(canvas.page).text((x, canvas.y), part, fill=INK, font=font)
        canvas.texts[-1].append(part)
        canvas.y += height
    canvas.y += canvas.mm(1.5)


def _seal(canvas: Canvas, centre: tuple[float, float], name: str) -> None:
    """A round red seal (Decree 30: over the left third of the signature): two rings, the
    body's name around, a star in the middle."""
    radius = canvas.mm(16)
    size = 2 * radius + 4
    layer = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(layer)
    c = size / 2
    for r, w in ((radius, canvas.mm(0.8)), (radius - canvas.mm(5.5), canvas.mm(0.5))):
        draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=w)
    reach = [canvas.mm(4) * (1 if k % 2 == 0 else 0.4) for k in range(10)]
    star = [(c + reach[k] * math.cos(math.pi / 2 + k * math.pi / 5),
             c - reach[k] * math.sin(math.pi / 2 + k * math.pi / 5)) for k in range(10)]
    draw.polygon(star, fill=255)
    font = load_font(canvas.family, canvas.mm(3.2), True, False)
    letters = name.upper()
    for k, char in enumerate(letters):
        angle = 200 + 320 * k / max(len(letters), 1)
        glyph = Image.new("L", (canvas.mm(5), canvas.mm(5)), 0)
        ImageDraw.Draw(glyph).text((canvas.mm(1), 0), char, fill=255, font=font)
        glyph = glyph.rotate(-angle + 90 - 180, expand=True)
        r = radius - canvas.mm(2.8)
        x = c + r * math.cos(math.radians(angle - 90)) - glyph.width / 2
        y = c + r * math.sin(math.radians(angle - 90)) - glyph.height / 2
        layer.paste(255, (round(x), round(y)), glyph)
    _ink(canvas.page, layer, (round(centre[0] - c), round(centre[1] - c)), SEAL_RED, 0.85)


def _ink(page: Image.Image, mask: Image.Image, at: tuple[int, int], colour: tuple[int, int, int],
         strength: float) -> None:
    """Ink of ``colour`` laid where ``mask`` is set, multiplied over what is printed."""
    solid = Image.new("RGB", mask.size, colour)
    region = page.crop((at[0], at[1], at[0] + mask.width, at[1] + mask.height))
    inked = ImageChops.multiply(region, solid)
    page.paste(inked, at, mask.point(lambda v: round(v * strength)))


def _signature(canvas: Canvas, x: float, y: float, rng: random.Random) -> None:
    draw = ImageDraw.Draw(canvas.page)
    points = [(x + canvas.mm(4) * k + rng.uniform(-2, 2) * canvas.mm(1),
               y + rng.uniform(-1, 1) * canvas.mm(4)) for k in range(8)]
    draw.line(points, fill=SIGNATURE_BLUE, width=max(2, canvas.mm(0.4)), joint="curve")


def _handwrite(canvas: Canvas, page: Image.Image,
               blank: tuple[float, float, float, int, str], rng: random.Random) -> None:
    """Digits written with a pen into a printed blank: larger than print, slanted, each
    stroke jittered, the baseline wandering; in blue or black ink."""
    x, y, width, printed, digits = blank
    height = printed * rng.uniform(1.15, 1.6)
    digit_w = height * rng.uniform(0.5, 0.65)
    slant = rng.uniform(0.05, 0.3)
    pen = max(2, round(canvas.mm(rng.uniform(0.3, 0.45))))
    colour = rng.choice(PEN_INKS)
    left = x + max(0.0, (width - len(digits) * digit_w * 1.1) / 2) + rng.uniform(-0.1, 0.1) * width
    base = y + printed * 1.05 + rng.uniform(-0.2, 0.15) * printed
    draw = ImageDraw.Draw(page)
    for k, digit in enumerate(digits):
        size = height * rng.uniform(0.9, 1.1)
        ox = left + k * digit_w * rng.uniform(1.0, 1.25)
        oy = base - size + rng.uniform(-0.08, 0.08) * size
        points = []
        for px, py in _smooth(DIGIT_STROKES[digit]):
            jx, jy = rng.gauss(0, 0.025), rng.gauss(0, 0.025)
            points.append((ox + (px + jx) * digit_w + (1 - py) * slant * size,
                           oy + (py + jy) * size))
        draw.line(points, fill=colour, width=pen, joint="curve")


def _smooth(points: list[tuple[float, float]], steps: int = 6) -> list[tuple[float, float]]:
    """A Catmull-Rom curve through a stroke's points: a pen's round turns."""
    padded = [points[0], *points, points[-1]]
    curve = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1:i + 3]
        for step in range(steps):
            t = step / steps
            curve.append(tuple(0.5 * (2 * p1[c] + (-p0[c] + p2[c]) * t
                                      + (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * t * t
                                      + (-p0[c] + 3 * p1[c] - 3 * p2[c] + p3[c]) * t ** 3)
                               for c in (0, 1)))
    curve.append(points[-1])
    return curve  # type: ignore[return-value]


def _received_stamp(canvas: Canvas, page: Image.Image, at: tuple[int, int],
                    rng: random.Random) -> None:
    """Appendix IV's «ĐẾN» stamp: a 50 × 30 mm frame, the receiving body, number, date."""
    layer = Image.new("L", (canvas.mm(52), canvas.mm(30)), 0)
    draw = ImageDraw.Draw(layer)
    draw.rectangle((0, 0, layer.width - 1, layer.height - 1), outline=255, width=canvas.mm(0.5))
    font = load_font(canvas.family, canvas.mm(3.4), True, False)
    day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}"
    for k, text in enumerate(["VĂN PHÒNG UBND", f"ĐẾN  Số: {rng.randint(1, 9999)}",
                              f"Ngày: {day}", "Chuyển:", "Lưu hồ sơ số:"]):
        draw.text((canvas.mm(2), canvas.mm(1) + k * canvas.mm(5.5)), text, fill=255, font=font)
    _ink(page, layer, at, rng.choice(STAMP_INKS), 0.8)


def draw_document(document: Document, dpi: int, rng: random.Random,
                  family: str) -> tuple[list[Image.Image], list[str]]:
    """The document's pages (RGB) and the text each prints, one line per line."""
    canvas = Canvas(dpi, family)
    canvas.new_page()
    x0, x1 = canvas.mm(30), canvas.mm(190)
    split = x0 + round(0.42 * (x1 - x0))
    y_left = y_right = canvas.y
    for line in document.left:
        y_left = canvas.column(line, x0 - canvas.mm(8), split, y_left)
    for line in document.right:
        y_right = canvas.column(line, split, x1 + canvas.mm(5), y_right)
    canvas.y = max(y_left, y_right) + canvas.mm(4)
    head_top = canvas.y
    for line in document.head:
        left = x0 + canvas.mm(10) if line.align == "indent" else x0
        canvas.y = canvas.column(line, left, x1, canvas.y) + canvas.mm(0.8)
    canvas.y += canvas.mm(3)
    bottom = canvas.mm(297 - 22)
    for paragraph in document.body:
        _paragraph(canvas, paragraph, x0, x1, bottom)
    closing = max(len(document.closing_left), len(document.closing_right) + 4)
    if canvas.y + closing * canvas.mm(7) > bottom:
        canvas.new_page()
    canvas.y += canvas.mm(4)
    top = canvas.y
    y = top
    for line in document.closing_left:
        y = canvas.column(line, x0 - canvas.mm(8), split, y)
    y = top
    seal_at = None
    for index, line in enumerate(document.closing_right):
        y = canvas.column(line, split + canvas.mm(5), x1 + canvas.mm(5), y)
        if index == document.signer_gap_after:
            _signature(canvas, split + canvas.mm(28), y + canvas.mm(10), rng)
            seal_at = (split + canvas.mm(26), y + canvas.mm(10))
            y += canvas.mm(28)
    if document.sealed and seal_at:
        _seal(canvas, seal_at, document.fields.get("issuing_authority", "ỦY BAN NHÂN DÂN")
              if isinstance(document.fields.get("issuing_authority"), str)
              else "ỦY BAN NHÂN DÂN")
    for blank in canvas.blanks:  # the blanks are all on the first page, in the header
        _handwrite(canvas, canvas.pages[0], blank, rng)
    if document.stamped:  # over the first lines under the header (Appendix IV)
        _received_stamp(canvas, canvas.pages[0], (canvas.mm(35), round(head_top + canvas.mm(2))),
                        rng)
    return canvas.pages, ["\n".join(text) for text in canvas.texts]


# --- files -----------------------------------------------------------------------------------

TEMPLATES = {"official_document": official_document, "birth_certificate": birth_certificate}


def scan_pages(pages: list[Image.Image], tier: Tier, colour: bool, dpi: int,
               noise_rng: np.random.Generator) -> list[DegradedPage]:
    """Each page damaged as a ``tier`` scan: colour scans keep the seal red (every channel
    gets the same damage), grey and bilevel ones see it as a dark ring."""
    damaged = []
    for page in pages:
        pixels = np.asarray(page)
        if not colour:
            damaged.append(degrade_page(np.asarray(page.convert("L")), tier, noise_rng, dpi))
            continue
        state = copy.deepcopy(noise_rng)
        channels = []
        for channel in range(3):
            rng = copy.deepcopy(state)
            channels.append(degrade_page(np.ascontiguousarray(pixels[:, :, channel]), tier, rng,
                                         dpi))
            noise_rng = rng
        merged = channels[0]
        merged.pixels = np.stack([c.pixels for c in channels], axis=-1)
        damaged.append(merged)
    return damaged


def generate_official_file(index: int, seed: int, doc_type: str, tier: Tier, kind: FileKind,
                           out_dir: Path, truth_dir: Path | None = None, dpi: int = 300,
                           family: str | None = None) -> Truth:
    """Draw, damage and save one document of ``doc_type``; write and return its truth."""
    rng = random.Random(f"{seed}:{index}:official")
    noise_rng = np.random.default_rng([seed, index, 7])
    document = TEMPLATES[doc_type](rng)
    family = family or rng.choice(SERIF_FAMILIES)
    colour = rng.random() < {"clean": 0.3, "mild": 0.5, "hard": 0.4}[tier]
    images, texts = draw_document(document, dpi, rng, family)
    if kind in ("png", "jpeg") and len(images) > 1:
        kind = "pdf"  # a document of several pages is kept whole
    damaged = scan_pages(images, tier, colour, dpi, noise_rng)
    mode: ColorMode = "RGB" if colour else ("1" if tier == "clean" and kind in ("png", "tiff")
                                            else "L")
    quality = jpeg_quality(tier, noise_rng)
    file_name = f"official-{index:04d}{EXTENSIONS[kind]}"
    out_dir.mkdir(parents=True, exist_ok=True)
    save_pages([to_image(p.pixels, mode) for p in damaged], out_dir / file_name, kind, dpi,
               quality)
    pages = [PageTruth(number=n, page_doc_type=doc_type if n == 1 else "unknown",  # type: ignore[arg-type]
                       template=doc_type, text=text, rotation=p.rotation,
                       skew_degrees=p.skew_degrees, degradations=p.degradations,
                       width_px=p.pixels.shape[1], height_px=p.pixels.shape[0])
             for n, (p, text) in enumerate(zip(damaged, texts, strict=True), start=1)]
    fields = dict(document.fields)
    if doc_type == "official_document":  # the contract's `sealed` (a certificate has none)
        fields["sealed"] = document.sealed
    truth = Truth(file=file_name, format=kind, doc_type=doc_type,  # type: ignore[arg-type]
                  fields=fields, tier=tier, layout=f"nd30-{family}", dpi=dpi,
                  color_mode=mode, seed=seed, index=index, pages=pages, sealed=document.sealed,
                  handwritten=document.handwritten)
    write_truth(truth, truth_dir or out_dir)
    return truth


# Fonts the extraction tests use, and the one held out for the benchmark (the decree's layout
# is fixed; the typeface is what varies between offices' templates).
TUNING_FAMILIES = ("Liberation Serif", "DejaVu Serif")
HELD_OUT_FAMILIES = ("Noto Serif",)
FORMATS: tuple[FileKind, ...] = ("pdf", "jpeg", "png", "tiff")


def generate_official_corpus(out_dir: Path, count: int, seed: int = 0,
                             tiers: Sequence[Tier] = ("clean", "mild", "hard"),
                             families: Sequence[str] = HELD_OUT_FAMILIES, dpi: int = 300,
                             truth_dir: Path | None = None, first_index: int = 1) -> list[Truth]:
    """``count`` files of the new types (two administrative documents to one birth
    certificate), tiers cycled, in ``families`` fonts; truths beside or in ``truth_dir``."""
    truths = []
    for index in range(first_index, first_index + count):
        rng = random.Random(f"{seed}:{index}:plan-official")
        doc_type = rng.choice(["official_document", "official_document", "birth_certificate"])
        kind = rng.choice(FORMATS)
        tier = tiers[index % len(tiers)]
        truths.append(generate_official_file(index, seed, doc_type, tier, kind, out_dir,
                                             truth_dir, dpi, rng.choice(list(families))))
    return truths
