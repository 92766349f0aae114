"""Value normalisers (contract §1): printed text in, the contract's normalised value out.

Each normaliser is syntactic: it finds the value in the text and writes it the contract's way,
or returns None when the text holds no such value. Whether the value is plausible (a real date,
a 12-digit CCCD) is the validators' business (``pipeline.values.validate``).

``locate_value`` tells where in the text a typed value was found, so extraction can give the
bounding box of just those words.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from pipeline.text import clean_text, fold, nfc

Value = str | int
Span = tuple[int, int]

# A day or month is never a digit with a letter of one glued before it: «ngàu T3 tháng 08»
# is a «13» whose 1 a serif face printed like a «T» (a mild tuning contrast_boxed form at seed
# 37 gave 2025-08-03), not a 3. A word glued before («ngày05») is no such letter.
# Nor is it one with a symbol glued before it: «ngày †1 tháng 08» is an «11» whose first 1
# was read as a dagger (a receipt's date line in TeX Gyre Heros, a face neither benchmark part
# prints in, probe seed 601 mild), not a 1; its received day read so refused its right code.
# Brackets, quotes and the separators a label or a list puts there are no such symbol.
# Nor the last digits of a longer number: a day whose first digit was so refused was read from
# its second («‹25/03/2024», a hard tuning form's date of birth at seed 11, read 2024-03-05).
_NO_LETTER = r"(?<!\b[a-z])(?<![^\w\s,.:;(\[«“\"'/\-])(?<!\d)"
# A slash may be read as a stroke that looks like it («24/07I2024», a mild tuning form at
# seed 61: its child's date of birth was not found); searched folded, «I» is «i».
_DMY = rf"{_NO_LETTER}(\d{{1,2}})\s*[/.\-|il]\s*(\d{{1,2}})\s*[/.\-|il]\s*(\d{{4}})"
# «ngày … tháng … năm …»: the digits carry the date, so the words may be OCR-damaged
# («thúng», «nẵm») as long as they keep their first letters and length. «tháng» and «năm»
# between the three numbers frame the date alone: the «ngày» before it may be read as
# anything short («nsàu», «rrsàu» in a serif of hairline joins, tuning contrast_fill). A
# speck between a word and its number is read as «-» or «.» («năm-2024», «20.tháng»: the
# signing dates of a hard tab_leader form at seed 101 and a hard notice at seed 103).
_SPECK = r"[\s.\-]*"
_LONG_DATE = (rf"(?:[a-z]{{2,5}}\s*)?{_NO_LETTER}(\d{{1,2}})\s*,?{_SPECK}th[a-z]{{2,4}}{_SPECK}"
              rf"{_NO_LETTER}(\d{{1,2}})\s*,?{_SPECK}n[a-z]{{1,3}}{_SPECK}(\d{{4}})")
# Dossier code in the contract's shape, read loosely: Tesseract drops or spaces the dots
# (monospace type prints a dot in a wide cell) and reads «-» as «–»; the fixed digit counts
# keep it exact. Failing that, any code of the same frame (the validator judges it).
_CODE_PARTS = (r"(\d{3})\s*[.,]?\s*(\d{2})\s*[.,]?\s*(\d{2})\s*[.,]?\s*h\s*(\d{2})\s*[-–—]\s*"
               r"(\d{6})\s*[-–—]\s*(\d{4})(?!\d)")
_CODE_FRAME = r"\d{3}\s*\.\s*\d{2}[\w.\s\-]*?-\s*\d{6}\s*-\s*\d{4}"
# A time of day: «08 giờ 30 phút», «8h30», «08:30», or the hour alone («14 giờ»: on the hour).
# Between the hour and «NN phút», «giờ» with one letter misread is «giờ» («11 øiờ 00 phút»:
# TeX Gyre Bonum's «g» on a mild tuning book_boxed receipt at seed 131, whose time of receipt
# was not found); the minutes and «phút» after it make it a time.
_DAMAGED_GIO = r"(?:[^\W\d_]io|g[^\W\d_]o|gi[^\W\d_])(?=\s*\d{1,2}\s*phut)"
_TIME = rf"(\d{{1,2}})\s*(?:gio|h|:|{_DAMAGED_GIO})[\s.]*(?:(\d{{1,2}})\s*(?:phut|')?)?"
# The time before the date («08 giờ 30 phút, ngày …», the receipts' template) or after it
# («ngày 28/11/2024, lúc 08 giờ 30», as other offices' software prints it). The comma after
# the time read as a stop is a comma («14 giờ 20 phút. ngày 03 …»: a thinned serif's comma
# at mild, the time of receipt and the due time of probe receipts then not found).
_TIME_FIRST = re.compile(rf"{_TIME}\s*[,;.]?\s*(?:(?:ngay\s*)?{_DMY}|{_LONG_DATE})")
_DATE_FIRST = re.compile(rf"(?:{_DMY}|{_LONG_DATE})\s*[,;\-]?\s*(?:(?:vao\s*)?luc\s*)?{_TIME}")
PATTERNS: dict[str, re.Pattern[str]] = {
    # Searched in folded text (same length as the original), hence the unaccented words.
    "date": re.compile(rf"{_DMY}|{_LONG_DATE}"),
    "datetime": re.compile(f"{_TIME_FIRST.pattern}|{_DATE_FIRST.pattern}"),
    "id_number": re.compile(r"(?<![\d/.\-])\d(?:[ .]?\d){7,11}(?![\d/])"),
    "phone": re.compile(r"(?:\+\s*84|\b84|\b0)(?:[\s.\-]?\d){8,10}(?!\d)"),
    "email": re.compile(r"[a-z0-9][a-z0-9._%+\-]*\s*@\s*[a-z0-9\-]+(?:\s*\.\s*[a-z0-9\-]+)+"),
    # Not beside a letter Tesseract reads for a digit: «3Ö ngày» is «30» with its 0 misread
    # (a thin tuning face), never 3. Nor before one letter glued to it and standing alone:
    # «1ý ngày» is «15» with its 5 misread (garamond_fill, hard, forms tuning seed 61: 1 was
    # given), while «15ngày», its space lost, is 15.
    "integer": re.compile(r"(?<![\dosilzø+])\d{1,6}(?![\dosilzø+]|[^\W\d_]\b)"),
    "year": re.compile(r"(?<!\d)\d{4}(?!\d)"),
    "dossier_code": re.compile(rf"{_CODE_PARTS}|{_CODE_FRAME}"),
    "digits": re.compile(r"\d(?:[ .]?\d)*"),
    "gender": re.compile(r"\b(nam|nu)\b"),
}
_GENDERS = {"nam": "Nam", "nu": "Nữ"}


def _search(kind: str, text: str) -> re.Match[str] | None:
    return PATTERNS[kind].search(fold(text))


def span_of(pattern: re.Pattern[str] | None, text: str) -> Span | None:
    """Where in ``nfc(text)`` the pattern's value sits (None: the whole text, if any)."""
    if pattern is None:
        return (0, len(nfc(text))) if clean_text(text) else None
    found = pattern.search(fold(text))
    return found.span() if found else None


def locate_value(kind: str, text: str) -> Span | None:
    """Where in ``nfc(text)`` a value of that type sits (whole text for free-text types)."""
    return span_of(PATTERNS.get(kind), text)


# An apostrophe that ends a word: Vietnamese writes one only inside a name, between letters
# («H'Mông», «Ia H'Drai»); after a word it is a speck («Trạm y tế' phường», a tuning file),
# as is a tilde or caret there («phường Hưng Bình~,»), and so is a closing quote no opening
# quote stands before («Trung tâm y tế” huyện»): three tuning files. An inverted question
# mark there is one too («thành phố Huế¿, …», a mild label_above form at seed 109, refused as
# no text): no Vietnamese text writes one.
_TRAILING_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’‘`´~˜^¿]+(?=[\s,;]|$)")
_TRAILING_QUOTE = re.compile(r"(?<=[^\W\d_])[”\"]+(?=[\s,;]|$)")
_QUOTES = "“”\""


# A comma with a stop beside it («Quận 1,. Thành phố», a speck read after the comma on a tuning
# form, given so): one mark is a speck, and a list of parts is joined by commas.
_COMMA_AND_STOP = re.compile(r",\.|\.,(?=\s)")


# A comma between two letters with no space after it: a space the scan lost, never a
# spelling (a unit's name holds no comma). «thôn Bình Minh,xã Cẩm Bình» (Roboto Condensed,
# hard) and «huyện Hải Hậu,tỉnh Nam Định» (Heros Cn, hard) at tuning seed 101 were refused
# as no text, their «Minh,xã» no syllable. Between digits («1,5») it is a number's.
_GLUED_COMMA = re.compile(r"(?<=[^\W\d_]),(?=[^\W\d_])")


def _drop_specks_after_words(text: str) -> str:
    text = _GLUED_COMMA.sub(", ", _COMMA_AND_STOP.sub(",", text))
    text = _TRAILING_APOSTROPHE.sub("", text)
    if sum(text.count(q) for q in _QUOTES) == 1:
        text = _TRAILING_QUOTE.sub("", text)
    return text


def normalize_text(text: str) -> str | None:
    """NFC, single spaces, no leaders, footnote markers, edge punctuation, apostrophes and
    unopened quotes after a word, or a stop beside a comma; a space after a comma glued
    between letters."""
    cleaned = clean_text(_drop_specks_after_words(clean_text(text)))
    return cleaned if any(c.isalnum() for c in cleaned) else None


def normalize_person_name(text: str, keep_case_prefixes: tuple[str, ...] = (),
                          surnames: tuple[str, ...] = ()) -> str | None:
    """Each word capitalised; organisation names (by their printed prefix) are kept as printed.

    A first word that is a known surname but for its accents is spelt as the surname:
    Tesseract often reads capital «NGUYỄN» as «NGUYÊN» or loses the accents; so is a lone
    first letter and the word after it that together spell one («N Guyễn»).
    """
    cleaned = normalize_text(text)
    if cleaned is None:
        return None
    if _has_prefix(cleaned, keep_case_prefixes):
        return cleaned
    # A person's name has no punctuation: a comma or stop inside it is a speck.
    words = [word[:1].upper() + word[1:].lower()
             for word in re.sub(r"[^\w\s]|_|\d", " ", cleaned).split()]
    if not words:
        return None
    known = {fold(name): name for name in surnames}
    if len(words) > 1 and len(words[0]) == 1 and fold(words[0] + words[1].lower()) in known:
        # The surname's capital read apart from the rest, which was read capitalised: «N
        # Guyễn Thanh Xuân» (a hard tuning form at forms seed 71), «H Oàng Thị Vy», «P Ham
        # Quang Huy» (hard tuning receipts and forms at dossier seed 5) were refused.
        words[:2] = [words[0] + words[1].lower()]
    words[0] = known.get(fold(words[0]), words[0])
    return " ".join(words)


def is_organisation(text: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a name is an organisation's (it starts with one of its printed prefixes)."""
    return _has_prefix(text, prefixes)


def _has_prefix(text: str, prefixes: tuple[str, ...]) -> bool:
    """Whether the text starts with one of the prefixes as whole words. Accents are ignored
    for prefixes of several words (OCR loses them: «Cong ty»), but count for one word: the
    school prefix «Trường» is not the surname «TRƯƠNG»."""
    for prefix in prefixes:
        size = len(prefix.split())
        same = (fold if size > 1 else str.lower)
        if same(" ".join(text.split()[:size])) == same(prefix):
            return True
    return False


def _iso_date(day: str, month: str, year: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _date_groups(found: re.Match[str], first: int) -> tuple[str, str, str]:
    """Day, month, year from whichever of the two date spellings matched."""
    groups = found.groups()[first:first + 6]
    return groups[:3] if groups[0] is not None else groups[3:]


def normalize_date(text: str) -> str | None:
    """«05/03/2024» or «ngày 05 tháng 3 năm 2024» → «2024-03-05»."""
    found = _search("date", text)
    return _iso_date(*_date_groups(found, 0)) if found else None


def normalize_datetime(text: str) -> str | None:
    """«08 giờ 30 phút, ngày 28 tháng 11 năm 2024», «14 giờ, ngày 28/11/2024» or
    «ngày 28/11/2024 lúc 8h30» → «2024-11-28T08:30»."""
    folded = fold(text)
    found = _TIME_FIRST.search(folded)
    if found:
        hour, minute, day = found.group(1), found.group(2), _date_groups(found, 2)
    else:
        found = _DATE_FIRST.search(folded)
        if not found:
            return None
        day, (hour, minute) = _date_groups(found, 0), found.groups()[6:8]
    return f"{_iso_date(*day)}T{int(hour):02d}:{int(minute or 0):02d}"


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def normalize_digits(text: str) -> str | None:
    """The first run of digits, spaces and dots inside it removed."""
    found = _search("digits", text)
    return _digits(found.group()) if found else None


def normalize_id_number(text: str) -> str | None:
    """The identity-card number inside «CCCD số 0420…, cấp ngày …»: digits only."""
    found = _search("id_number", text)
    return _digits(found.group()) if found else None


def normalize_phone(text: str) -> str | None:
    """«0912 345 678», «+84 912 345 678» → «0912345678»."""
    found = _search("phone", text)
    if not found:
        return None
    digits = _digits(found.group())
    return "0" + digits[2:] if digits.startswith("84") else digits


def normalize_email(text: str) -> str | None:
    """Lowercase ASCII, spaces Tesseract put around «@» and «.» removed, «@» read as «(2»,
    «(@», or an unclosed «(» or «©» before a dotted domain mended. An address has no
    diacritics, so a tone mark OCR put on a letter («thỉnh.vo@…») is dropped (``fold``
    keeps every other character)."""
    text, found = email_in(text)
    return re.sub(r"\s+", "", fold(text)[found.start():found.end()]) if found else None


def email_in(text: str) -> tuple[str, re.Match[str] | None]:
    """The text with «@» misreadings mended (see ``normalize_email``) and where in its folded
    form the address stands."""
    if "@" not in text:
        text = re.sub(r"(?<=\w)\(2(?=\w)", "@", text)
    if "@" not in text and ")" not in text:
        text = _AT_AS_MARK.sub("@", text, count=1)
    # A bracket, «®» or «©» glued to «@» is a piece of its ring read apart: «viet.bui®@
    # gmail.com» (TeX Gyre Heros Cn at mild, a tuning receipt at seed 131, not found).
    text = re.sub(r"[()®©]\s*@|@\s*[()®©]", "@", text)
    return text, _search("email", text)


# «@» read as an unclosed «(», «©» or «®» between the local part and a dotted domain:
# Liberation Serif at mild read «trang.bui(hatinh.gov.vn» (49), a classic tuning receipt at
# seed 101, and its e-mail was not found; «khanh.nguyen®yahoo.com», the second reading of
# a mild tuning receipt (dossier seed 13), sent a right address to review. No address holds
# a bracket or a mark.
_AT_AS_MARK = re.compile(r"(?<=\w)[(©®](?=[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")


def normalize_integer(text: str) -> int | None:
    """«01 (bộ)» → 1, «15 ngày» → 15."""
    found = _search("integer", text)
    return int(found.group()) if found else None


def normalize_year(text: str) -> str | None:
    """A four-digit year, as a string."""
    found = _search("year", text)
    return found.group() if found else None


def normalize_gender(text: str) -> str | None:
    """«Nam» or «Nữ», also from OCR-damaged «Nu», «NỮ», «nừ»; failing that, the first word
    one letter from exactly one of them («NữỮ» read for «Nữ»; «Narn», with «m» read as
    «rn», for «Nam»). Only the first word is the gender: a «Nam» further on belongs to
    what follows a label that was not read (with the gender lost and «Quốc tịch» misread,
    «Giới tính: Quốc tịch Việt Nam» would give «Nam»; the issue-18 set once gave «Nam» for
    «Nữ»)."""
    words = re.findall(r"[a-z]+", fold(text).lower())
    if words and words[0] in _GENDERS:
        return _GENDERS[words[0]]
    for word in words[:1]:
        word = word.replace("rn", "m")
        near = [g for g in _GENDERS if Levenshtein.distance(word, g) <= 1]
        if len(near) == 1 and len(word) >= 2:
            return _GENDERS[near[0]]
    return None
