"""Realistic Vietnamese data drawn from a seeded ``random.Random``: people, places, ids, dates.

Pools are small on purpose: they only need to look like the people and places on the dossiers of
a one-stop-shop office, with all the diacritics OCR struggles with (Nguyễn, Huỳnh, Đặng, Quỳnh).
Everything returned is NFC text, as printed on the page.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# Weighted roughly like the real distribution of family names.
SURNAMES: list[tuple[str, int]] = [
    ("Nguyễn", 30), ("Trần", 10), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 3), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1),
    ("Ngô", 1), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trương", 1), ("Lương", 1),
]
MALE_MIDDLE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân", "Đình", "Thành", "Trọng"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Hồng", "Bảo", "Mỹ"]
SECOND_MIDDLE = ["Quốc", "Anh", "Gia", "Khánh", "Thùy", "Diệu", "Hoài", "Nhật"]
MALE_GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân",
    "Sơn", "Thắng", "Tuấn", "Việt", "Huy", "Kiên", "Lộc", "Nghĩa", "Vĩnh", "Hiếu", "Thịnh",
    "Khôi", "Quý", "Trường", "Hưởng", "Lực", "Tiến", "Đông", "Toàn",
]
FEMALE_GIVEN = [
    "Hương", "Lan", "Linh", "Nhung", "Phượng", "Thảo", "Trang", "Yến", "Hạnh", "Hằng",
    "Huyền", "Loan", "Nguyệt", "Oanh", "Quỳnh", "Thủy", "Tuyết", "Uyên", "Vy", "Ánh",
    "Diệp", "Giang", "Hà", "Lệ", "Nhàn", "Thư", "Ngân", "Xuân", "Duyên", "Trâm",
]


@dataclass(frozen=True)
class Commune:
    """A commune or ward with the district and province it belonged to (before the 2025 merger)."""

    commune: str
    district: str
    province: str
    villages: tuple[str, ...]
    ethnicities: tuple[str, ...]
    cccd_prefix: str  # the 3-digit province code that starts a CCCD number
    office_code: str  # the «Hxx» part of a dossier code

    @property
    def short_name(self) -> str:
        """«Thạch Hạ» for «xã Thạch Hạ»: what a receipt prints before «, ngày …»."""
        return self.commune.split(" ", 1)[1]


_KINH = ("Kinh",)
COMMUNES: list[Commune] = [
    Commune("xã Thạch Hạ", "thành phố Hà Tĩnh", "tỉnh Hà Tĩnh",
            ("thôn Đông Tiến", "thôn Hòa Bình", "thôn Tân Học"), _KINH, "042", "H27"),
    Commune("phường Thạch Linh", "thành phố Hà Tĩnh", "tỉnh Hà Tĩnh",
            ("tổ dân phố 5", "số 18 đường Hải Thượng Lãn Ông"), _KINH, "042", "H27"),
    Commune("xã Thạch Đài", "huyện Thạch Hà", "tỉnh Hà Tĩnh",
            ("thôn Bắc Sơn", "thôn Phúc Tân"), _KINH, "042", "H27"),
    Commune("xã Cẩm Bình", "huyện Cẩm Xuyên", "tỉnh Hà Tĩnh",
            ("thôn Bình Minh", "thôn Trung Đông"), _KINH, "042", "H27"),
    Commune("phường Hưng Bình", "thành phố Vinh", "tỉnh Nghệ An",
            ("khối 7", "số 45 đường Lê Hồng Phong"), _KINH, "040", "H40"),
    Commune("xã Diễn Kỷ", "huyện Diễn Châu", "tỉnh Nghệ An",
            ("xóm 3", "xóm Yên Đồng"), ("Kinh", "Kinh", "Thái"), "040", "H40"),
    Commune("xã Hoằng Quỳ", "huyện Hoằng Hóa", "tỉnh Thanh Hóa",
            ("thôn Phú Quý", "thôn Đại Đồng"), ("Kinh", "Kinh", "Mường"), "038", "H56"),
    Commune("phường Dịch Vọng", "quận Cầu Giấy", "thành phố Hà Nội",
            ("số 12 ngõ 165 Xuân Thủy", "tổ 14"), _KINH, "001", "H26"),
    Commune("xã Uy Nỗ", "huyện Đông Anh", "thành phố Hà Nội",
            ("thôn Lỗ Khê", "thôn Phúc Lộc"), _KINH, "001", "H26"),
    Commune("phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh",
            ("số 27 đường Nguyễn Huệ", "số 104 đường Hàm Nghi"), ("Kinh", "Kinh", "Hoa"),
            "079", "H29"),
    Commune("phường Thạch Thang", "quận Hải Châu", "thành phố Đà Nẵng",
            ("tổ 21", "số 56 đường Lê Lợi"), _KINH, "048", "H43"),
    Commune("phường Phú Hội", "thành phố Huế", "tỉnh Thừa Thiên Huế",
            ("số 9 đường Bến Nghé", "tổ 3"), _KINH, "046", "H57"),
    Commune("xã Hợp Thành", "huyện Cao Lộc", "tỉnh Lạng Sơn",
            ("thôn Khòn Pát", "thôn Nà Tâm"), ("Tày", "Nùng", "Kinh", "Dao"), "020", "H41"),
    Commune("xã Chiềng Mung", "huyện Mai Sơn", "tỉnh Sơn La",
            ("bản Mé Ban", "bản Chiềng Cang"), ("Thái", "Thái", "Kinh", "Mông"), "014", "H52"),
    Commune("xã Mãn Đức", "huyện Tân Lạc", "tỉnh Hòa Bình",
            ("xóm Mận", "xóm Tân Lập"), ("Mường", "Mường", "Kinh"), "017", "H35"),
    Commune("xã Ea Phê", "huyện Krông Pắc", "tỉnh Đắk Lắk",
            ("thôn Tân Lập", "buôn Kniết"), ("Kinh", "Ê Đê", "Tày"), "066", "H15"),
    Commune("xã Nhơn Ái", "huyện Phong Điền", "thành phố Cần Thơ",
            ("ấp Nhơn Lộc 1", "ấp Nhơn Thọ"), ("Kinh", "Kinh", "Khmer"), "092", "H14"),
    Commune("xã Hải Minh", "huyện Hải Hậu", "tỉnh Nam Định",
            ("xóm 6", "xóm Nam Hải"), _KINH, "036", "H45"),
]


@dataclass(frozen=True)
class Person:
    """One person as a form prints them."""

    name: str  # «Nguyễn Thị Hương»: each word capitalised, the normalised form
    gender: str  # «Nam» or «Nữ»
    born: dt.date
    ethnicity: str
    home: Commune
    address: str  # «thôn Đông Tiến, xã Thạch Hạ, thành phố Hà Tĩnh, tỉnh Hà Tĩnh»
    id_number: str  # 12-digit CCCD or 9-digit CMND
    id_issued: dt.date

    @property
    def surname(self) -> str:
        return self.name.split()[0]


def weighted_choice(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    """Pick one value of (value, weight) pairs."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def make_name(rng: random.Random, gender: str, surname: str | None = None) -> str:
    """A full name: family name, one or two middle names, a given name."""
    family = surname or weighted_choice(rng, SURNAMES)
    middle = rng.choice(MALE_MIDDLE if gender == "Nam" else FEMALE_MIDDLE)
    if rng.random() < 0.25:
        middle = f"{middle} {rng.choice(SECOND_MIDDLE)}" if middle != "Thị" else middle
    given = rng.choice(MALE_GIVEN if gender == "Nam" else FEMALE_GIVEN)
    return f"{family} {middle} {given}"


def full_address(commune: Commune, village: str | None) -> str:
    """«thôn …, xã …, huyện …, tỉnh …» as residence lines print it."""
    parts = [village] if village else []
    return ", ".join([*parts, commune.commune, commune.district, commune.province])


def commune_address(commune: Commune) -> str:
    """«xã …, huyện …, tỉnh …» without the village (hometowns, places of signing)."""
    return full_address(commune, None)


def make_id_number(rng: random.Random, commune: Commune, gender: str, born: dt.date) -> str:
    """A 12-digit CCCD (province code, century-gender digit, year) or, for some, a 9-digit CMND."""
    if rng.random() < 0.15:
        return f"{rng.randint(10, 38)}{rng.randint(0, 9_999_999):07d}"
    century_gender = (0 if born.year < 2000 else 2) + (1 if gender == "Nữ" else 0)
    serial = rng.randint(0, 999_999)
    return f"{commune.cccd_prefix}{century_gender}{born.year % 100:02d}{serial:06d}"


def make_person(rng: random.Random, gender: str, born_year: int, *, surname: str | None = None,
                home: Commune | None = None) -> Person:
    """A person born in ``born_year``, living in ``home`` (or a random commune)."""
    commune = home or rng.choice(COMMUNES)
    born = dt.date(born_year, rng.randint(1, 12), rng.randint(1, 28))
    id_number = make_id_number(rng, commune, gender, born)
    # CCCD cards exist since 2016; the 9-digit CMND were issued before.
    first_year = max(born_year + 14, 2016 if len(id_number) == 12 else 2005)
    issued = dt.date(rng.randint(min(first_year, 2023), 2023), rng.randint(1, 12),
                     rng.randint(1, 28))
    return Person(
        name=make_name(rng, gender, surname), gender=gender, born=born,
        ethnicity=rng.choice(commune.ethnicities), home=commune,
        address=full_address(commune, rng.choice(commune.villages)),
        id_number=id_number, id_issued=issued,
    )


def id_document_text(rng: random.Random, person: Person) -> str:
    """What «Giấy tờ tùy thân» says, in one of the ways people write it."""
    issued = person.id_issued.strftime("%d/%m/%Y")
    if len(person.id_number) == 9:
        return (f"CMND số {person.id_number}, cấp ngày {issued}, "
                f"nơi cấp: Công an {person.home.province}")
    kind = rng.choice(["CCCD số", "Căn cước công dân số", "Thẻ căn cước số"])
    issuer = rng.choice(["Cục Cảnh sát QLHC về TTXH", "Bộ Công an",
                         "Cục Cảnh sát quản lý hành chính về trật tự xã hội"])
    return f"{kind} {person.id_number}, cấp ngày {issued}, nơi cấp: {issuer}"


def make_phone(rng: random.Random) -> tuple[str, str]:
    """(printed, normalised) mobile number: «0912 345 678» or «+84 912 345 678» → «0912345678»."""
    prefix = rng.choice(["091", "094", "098", "097", "096", "086", "088", "083", "070", "077"])
    digits = f"{prefix}{rng.randint(0, 9_999_999):07d}"
    style = rng.choice(["plain", "spaced", "dotted", "intl", "intl_spaced"])
    printed = {
        "plain": digits,
        "spaced": f"{digits[:4]} {digits[4:7]} {digits[7:]}",
        "dotted": f"{digits[:4]}.{digits[4:7]}.{digits[7:]}",
        "intl": f"+84{digits[1:]}",
        "intl_spaced": f"+84 {digits[1:4]} {digits[4:7]} {digits[7:]}",
    }[style]
    return printed, digits


_ASCII = str.maketrans("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
                       "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd")


def make_email(rng: random.Random, name: str) -> tuple[str, str]:
    """(printed, normalised) e-mail derived from a name; some people type it with capitals."""
    words = name.lower().translate(_ASCII).split()
    local = rng.choice([
        "".join(words[-1:] + words[:1]) + str(rng.randint(80, 99)),
        ".".join([words[-1], words[0]]),
        words[-1] + "".join(w[0] for w in words[:-1]) + str(rng.randint(1, 999)),
    ])
    domain = rng.choice(["gmail.com", "gmail.com", "yahoo.com", "hatinh.gov.vn", "outlook.com"])
    address = f"{local}@{domain}"
    printed = address if rng.random() < 0.8 else address[0].upper() + address[1:]
    return printed, address


# --- numbers and dates in words («ghi bằng chữ») ---------------------------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_MONTHS = ["một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một",
           "mười hai"]


def number_words(n: int) -> str:
    """0 ≤ n < 10000 in Vietnamese words.

    24 → «hai mươi tư», 2005 → «hai nghìn không trăm linh năm».
    """
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
        if unit == 0:
            return head
        tail = {1: "mốt" if tens > 1 else "một", 4: "tư" if tens > 1 else "bốn", 5: "lăm"}
        return f"{head} {tail.get(unit, _DIGITS[unit])}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return f"{_DIGITS[hundreds]} trăm"
        middle = f" linh {_DIGITS[rest]}" if rest < 10 else f" {number_words(rest)}"
        return f"{_DIGITS[hundreds]} trăm{middle}"
    thousands, rest = divmod(n, 1000)
    if rest == 0:
        return f"{_DIGITS[thousands]} nghìn"
    if rest < 100:
        tail = f"linh {_DIGITS[rest]}" if rest < 10 else number_words(rest)
        middle = f"không trăm {tail}"
        return f"{_DIGITS[thousands]} nghìn {middle}"
    return f"{_DIGITS[thousands]} nghìn {number_words(rest)}"


def date_words(day: dt.date) -> str:
    """«ngày năm, tháng ba, năm hai nghìn không trăm hai mươi tư» for 05/03/2024."""
    return (f"ngày {number_words(day.day)}, tháng {_MONTHS[day.month - 1]}, "
            f"năm {number_words(day.year)}")


def long_date(day: dt.date) -> str:
    """«ngày 12 tháng 03 năm 2024», the way forms date themselves."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A date in [start, end]."""
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def next_working_day(day: dt.date) -> dt.date:
    """The same day, or the Monday after a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday–Friday) after ``day``."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
