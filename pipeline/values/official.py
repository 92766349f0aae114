"""Values of administrative documents (Decree 30/2020/NĐ-CP; contract §1, `official_document`
and `birth_certificate`): the number and symbol («575/UBND-KTTH»), the kinds of document and
their abbreviations (Appendix III), bodies' names and signers' titles written in capitals on
the page but given as the decree writes them in running text (Appendix II), and booleans.

The kinds here are registered in ``pipeline.values.registry``; ``KIND_ABBREVIATIONS`` lets a
document's kind be checked against its symbol («…/QĐ-UBND» is a «Quyết định»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.text import clean_text, fold, match_key, nfc, squeeze, strip_edges
from pipeline.values.addresses import UNNAMED_UNIT_PROBLEM, ends_in_unit_word
from pipeline.values.kinds import NO_CONTEXT, Text, ValueContext, ValueKind
from pipeline.values.normalize import Value, normalize_date
from pipeline.values.places import (
    commune_marks_misread,
    find_units,
    is_listed_commune,
    is_listed_unit,
    spell_body_communes,
    spell_body_districts,
)

# Marks a word pipeline/regions.py found written by hand into a printed blank
# (pipeline/handwriting.py): its reading is not trusted, whatever Tesseract's confidence.
HAND = "✍"
HAND_PROBLEM = "written by hand into the printed blank, not read surely"

# Appendix III, table I: kinds of administrative document and their abbreviations; «Công
# văn» has none (its symbol is the body's and the drafting unit's abbreviations).
KIND_ABBREVIATIONS: dict[str, str] = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC",
    "Quy định": "QyĐ", "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD",
    "Chương trình": "CTr", "Kế hoạch": "KH", "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA",
    "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr", "Hợp đồng": "HĐ", "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT", "Giấy ủy quyền": "GUQ", "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP", "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC", "Phiếu báo": "PB",
}
LETTER_KIND = "Công văn"  # a document with «V/v» under its number and no kind's name
DOCUMENT_KINDS: tuple[str, ...] = (*KIND_ABBREVIATIONS, LETTER_KIND)
# The signer's authority before a title (Appendix I, II.7.b): «TM.», «KT.», «Q.», «TL.», «TUQ.».
AUTHORITIES = ("TM", "KT", "Q", "TL", "TUQ")
_AUTHORITY = re.compile(rf"^\s*(?:{'|'.join(AUTHORITIES)})(?:\s*[.,:]\s*|\s+|$)", re.IGNORECASE)
# Number and symbol: «575/UBND-KTTH», «12/2024/QĐ-UBND», «123/2024» (a certificate). Spaces
# OCR put around «/» and «-» are dropped; the number may be missing (written by hand).
_NUMBER = re.compile(r"(\d{0,6})\s*/\s*((?:[0-9A-ZĐa-zđ]+\s*[/\-–]\s*)*[0-9A-ZĐa-zđ]+)")
_SYMBOL_PART = re.compile(r"[0-9A-ZĐ][0-9A-ZĐa-zđ]{0,11}")
# The units a place name follows in a body's name (Appendix II: the name takes capitals).
_UNIT_WORDS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")
_UNIT = re.compile(rf"(?<!\w)({'|'.join(_UNIT_WORDS)})\s+(?=\S)")
_ABBREVIATIONS = {"ubnd": "Ủy ban nhân dân", "hđnd": "Hội đồng nhân dân"}
# Words OCR reads for «Về việc» / «V/v» before a subject; «Về» read «Và» (81) in EB Garamond
# at hard gave the subject «Và việc bổ sung, …» (a tuning notice at seed 103): no subject
# begins with «và việc». A speck between the words may be read as a mark («Vê`việc», a hard
# label_above notice at seed 109, refused as no subject). «việc» read «việt» (its «c» a «t»)
# gave «Vê việt bổ sung, hoàn thiện hồ sơ» (Roboto Condensed at hard, a tuning notice at seed
# 139): no subject begins «Về Việt».
# «V/» with its second «v» lost, before a word, is one too (pipeline/regions.py).
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:v\s*/\s*v|v[ea](?:\s|[`'´^~.,:-])+vie[ct])\b|v/[.:]?(?=\s))\s*[.:]?\s*",
    re.IGNORECASE)


def normalize_document_number(text: str) -> str | None:
    """«Số: 575 / UBND - KTTH» → «575/UBND-KTTH»; «Số:    /UBND-KTTH» (a number to be
    written by hand) → «/UBND-KTTH», which no validator accepts; «9/2022» (a register's
    number and year) as printed."""
    # Not ``clean_text``: it strips the «/» a blank number leaves first.
    found = _NUMBER.search(squeeze(nfc(text)).replace("–", "-"))
    if not found:
        return None
    symbol = re.sub(r"\s+", "", found.group(2)).replace("–", "-")
    number = found.group(1)
    if not number:
        return f"/{symbol}"
    # Appendix I, II.3.c: a document's number below 10 takes a 0 before its symbol; a
    # register's number and year («9/2022» on a birth certificate) is kept as printed.
    padded = any(c.isalpha() for c in symbol)
    return f"{int(number):02d}/{symbol}" if padded else f"{number}/{symbol}"


def is_valid_document_number(value: Value) -> bool:
    """A number (digits) and a symbol of parts in capitals (Appendix III's abbreviations may
    hold small letters: «TTr», «CTr», «QyĐ»), or a number and a year («123/2024»)."""
    number, _, symbol = str(value).partition("/")
    return (number.isdigit() and bool(symbol)
            and all(_SYMBOL_PART.fullmatch(p) and p[0].isupper() or p.isdigit()
                    for p in symbol_parts(str(value))))


def symbol_parts(value: str) -> list[str]:
    """The parts of a document number's symbol, after its «/» («15/QĐ-UBND» → «QĐ»,
    «UBND»)."""
    return re.split(r"[/\-]", value.partition("/")[2])


def number_part(value: str) -> str:
    """The number before «/» («» when it was left blank for a hand to fill in)."""
    return value.partition("/")[0]


def body_initials(name: str) -> str:
    """The initials a body's name is abbreviated to in a symbol (Decree 30, Appendix I):
    its words' first letters up to the unit it is of, «và» aside («Sở Tài nguyên và Môi
    trường» → «STNMT», «Ủy ban nhân dân tỉnh Hà Tĩnh» → «UBND»)."""
    folded = fold(name)
    unit = _UNIT.search(folded)
    words = folded[:unit.start()].split() if unit else folded.split()
    return "".join(word[0] for word in words if word != "va").upper()


def part_one_letter_from(value: str, printed: str) -> str | None:
    """The part of ``value``'s symbol one letter from ``printed`` (compared folded), when no
    part is ``printed`` itself; None otherwise (years aside)."""
    parts = [p for p in symbol_parts(value) if not p.isdigit()]
    if fold(printed) in map(fold, parts):
        return None
    return next((p for p in parts if Levenshtein.distance(fold(p), fold(printed)) == 1), None)


def symbol_kind(value: str) -> str | None:
    """The kind a document's symbol names («15/QĐ-UBND» → «Quyết định»), None for a letter's
    symbol or one that names no kind."""
    parts = symbol_parts(value)
    by_abbreviation = {fold(a): kind for kind, a in KIND_ABBREVIATIONS.items()}
    return next((by_abbreviation[fold(p)] for p in parts if fold(p) in by_abbreviation), None)


def normalize_document_kind(text: str) -> str | None:
    """«QUYẾT ĐỊNH» → «Quyết định» (first letter capital; the field's vocabulary spells it)."""
    cleaned = clean_text(text)
    if not any(c.isalpha() for c in cleaned):
        return None
    lowered = cleaned.lower()
    return lowered[0].upper() + lowered[1:]


# A comma before a unit's word: no body's name prints one there (Appendix II: «Ủy ban nhân
# dân phường Bến Nghé»); a speck read so gave «Ủy ban nhân dân, phường Bến Nghé» (a hard
# tuning notice of --types new, seed 197). A comma elsewhere stays («Sở Văn hóa, Thể thao
# và Du lịch»).
_BEFORE_UNIT_COMMA = re.compile(
    r",\s*(?=(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s)")


def recase_name(text: str, phrases: tuple[str, ...] = ()) -> str:
    """A body's name printed in capitals written as in running text (Appendix II): the first
    letter capital, the place after a unit word («tỉnh», «xã» …) in title case, and known
    names (the type's ``phrases``: «Sở Tư pháp», «Ủy ban nhân dân») spelt as they are."""
    words = clean_text(text).split()
    words = [_ABBREVIATIONS.get(w.lower(), w) for w in words]
    lowered = _BEFORE_UNIT_COMMA.sub(" ", " ".join(words).lower())
    folded = fold(lowered)
    # Every word after a unit word is the place's name: capitalised.
    found = _UNIT.search(folded)
    if found:
        head, tail = lowered[:found.end()], lowered[found.end():]
        lowered = head + " ".join(w[:1].upper() + w[1:] for w in tail.split())
    for phrase in sorted(phrases, key=len, reverse=True):
        target = fold(phrase)
        for hit in re.finditer(rf"(?<!\w){re.escape(target)}(?!\w)", fold(lowered)):
            start, end = hit.span()
            if len(phrase) == end - start:
                lowered = lowered[:start] + phrase + lowered[end:]
    lowered = _capital_units(lowered)
    return lowered[:1].upper() + lowered[1:] if lowered else lowered


# Appendix II, I.2.b–c: a unit named by a number takes a capital on its unit word too
# («Quận 1», «Phường 3»), and so does «Thành phố Hồ Chí Minh» (named after a person; the
# decree's own example). A body's name printed in capitals cannot show it, so it is written
# so («ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH» was given «… thành phố Hồ Chí Minh», two
# hard tuning notices of --types new, seed 191).
_NUMBERED_UNIT = re.compile(rf"(?<!\w)({'|'.join(_UNIT_WORDS)})(?=\s+\d)")
_PERSON_NAMED = re.compile(r"(?<!\w)thành phố(?=\s+Hồ Chí Minh(?!\w))")


def _capital_units(text: str) -> str:
    """The unit words Appendix II writes with a capital (see ``_NUMBERED_UNIT``)."""
    starts = [hit.start() for hit in _NUMBERED_UNIT.finditer(fold(text))]
    starts += [hit.start() for hit in _PERSON_NAMED.finditer(text)]
    for start in starts:
        text = text[:start] + text[start].upper() + text[start + 1:]
    return text


def normalize_title(text: str) -> str | None:
    """A signer's title: the authority before it dropped («KT. CHỦ TỊCH» → «Chủ tịch»), the
    first letter capital (the field's vocabulary spells the rest)."""
    cleaned = clean_text(_AUTHORITY.sub("", clean_text(text)))
    return normalize_document_kind(cleaned) if cleaned else None


def normalize_subject(text: str) -> str | None:
    """The subject without a leading «V/v» or «Về việc», its first letter a capital (it is
    given as a sentence: «V/v đôn đốc …» and «ĐÔN ĐỐC …» alike are «Đôn đốc …»)."""
    cleaned = clean_text(text)
    found = _SUBJECT_PREFIX.match(fold(cleaned))
    cleaned = clean_text(cleaned[found.end():] if found else cleaned)
    if not any(c.isalnum() for c in cleaned):
        return None
    return cleaned[0].upper() + cleaned[1:]


def normalize_recipients(text: str) -> str | None:
    """«- Sở Tư pháp; - Công an tỉnh.» → «Sở Tư pháp; Công an tỉnh»."""
    parts = [clean_text(p) for p in re.split(r";|(?:^|\s)[-–]\s", text)]
    parts = [p for p in parts if any(c.isalnum() for c in p)]
    return "; ".join(parts) or None


def normalize_boolean(text: str) -> bool | None:
    """«có»/«true»/«1» → True, «không»/«false»/«0» → False (booleans as the page or a
    reviewer says them; the image says them for seals). The contract's value is a JSON
    boolean, not 0 or 1."""
    key = match_key(text)
    if key in ("co", "true", "1", "yes"):
        return True
    if key in ("khong", "false", "0", "no"):
        return False
    return None


def is_boolean(value: Value) -> bool:
    return value in (0, 1, True, False)


@dataclass(frozen=True)
class DocumentNumber(Text):
    """«575/UBND-KTTH»: a number written by hand (marked «✍») or left blank is named; its
    printed symbol is kept for the review reason."""

    def normalise(self, text: str, context: ValueContext = NO_CONTEXT) -> Value | None:
        value = self.normalizer(text)
        return HAND if value is None and HAND in text else value

    def mend(self, value: Value, context: ValueContext = NO_CONTEXT) -> Value:
        """A kind's abbreviation and a body's run together, the hyphen between them lost
        (``hyphen_restored``)."""
        return hyphen_restored(str(value)) if isinstance(value, str) else value

    def problem(self, value: str, read: str, context: ValueContext = NO_CONTEXT) -> str | None:
        if HAND in read:
            return f"has its number {HAND_PROBLEM}"
        if value.startswith("/"):
            return "has no printed number (the number is written by hand or left blank)"
        return (near_body_abbreviation(value) or kind_without_body(value)
                or word_glued_to_symbol(value) or small_letters_unlisted(value))


# A part of a symbol: capitals, then one capital and small letters run on after them.
_GLUED_WORD = re.compile(r"[A-ZĐ]{3,}([A-ZĐ][a-zđ\u0300-\u036f\u00c0-\u1ef9]+)")


def word_glued_to_symbol(value: str) -> str | None:
    """Why a symbol holds more than its own: a body's abbreviation with a capitalised word's
    start run on after it («2282/TTr-STNMTTh», the place «Thạch …» printed beside it: a hard
    letter at --types new tuning seed 23, given so). An abbreviation's small letters follow
    one or two capitals («TTr», «CV»), never a run of them."""
    for part in symbol_parts(value):
        glued = _GLUED_WORD.fullmatch(part)
        if glued is not None:
            return f"has «{glued.group(1)}» run on after «{part[:glued.start(1)]}»: a word glued?"
    return None


# The abbreviations that hold small letters (Appendix III; the Prime Minister's «TTg»): every
# other kind's and body's is in capitals (Appendix I, II.3).
_SMALL_LETTER_PARTS = frozenset({"QyĐ", "CTr", "TTr", "TTg"})


def small_letters_unlisted(value: str) -> str | None:
    """Why a symbol was misread: a part with small letters that is none of the abbreviations
    printed so («638/TIr-UBND» for «TTr», a clean letter at --types new tuning seed 47,
    given so)."""
    for part in symbol_parts(value):
        if any(c.islower() for c in part) and part not in _SMALL_LETTER_PARTS:
            return f"has «{part}» in its symbol, whose small letters no abbreviation has: misread?"
    return None


def hyphen_restored(value: str) -> str:
    """A symbol whose part is a kind's abbreviation followed by a body's (Appendix I, II.3.b:
    «TB-UBND») with the hyphen lost, the hyphen put back: «1470/TBUBND» (a hard notice in
    DejaVu Serif, --types new tuning seed 71, given so) is «1470/TB-UBND». Only that: no
    kind's or body's abbreviation is two others run together."""
    number, slash, symbol = value.partition("/")
    kinds = {fold(a).upper() for a in KIND_ABBREVIATIONS.values()}
    bodies = {fold(a).upper() for a in _ABBREVIATIONS}
    parts = re.split(r"([/\-])", symbol)  # the separators kept, at odd places
    for index, part in enumerate(parts):
        folded = fold(part).upper()
        cut = next((len(k) for k in kinds if folded.startswith(k) and folded[len(k):] in bodies),
                   None)
        if cut is not None and folded not in kinds | bodies:
            parts[index] = f"{part[:cut]}-{part[cut:]}"
    return f"{number}{slash}{''.join(parts)}"


def kind_without_body(value: str) -> str | None:
    """Why a symbol was cut short: it ends in a kind's abbreviation with no body's after it
    (Appendix I, II.3.b: a kind's symbol is «TB-UBND», the kind's then the body's). «109/TB»
    for «109/TB-UBND» (a hard cn_tab notice at tuning seed 173) was given so. A letter's
    symbol is the body's alone («575/UBND»), and a drafting unit's code may follow it
    («12/UBND-KH»): only a kind's abbreviation first and last is judged, or a symbol of one
    letter."""
    parts = [p for p in symbol_parts(value) if not p.isdigit()]
    by_abbreviation = {fold(a) for a in KIND_ABBREVIATIONS.values()}
    if len(parts) == 1 and fold(parts[0]) in by_abbreviation:
        return f"has only a kind's abbreviation «{parts[0]}» in its symbol: its body's cut off?"
    # No abbreviation is one letter: «14/T» for «14/TB-UBND» (Lato at hard, a probe in faces
    # neither part prints in, seed 703) was given so.
    if len(parts) == 1 and len(parts[0]) == 1:
        return f"has only «{parts[0]}» in its symbol: the rest cut off?"
    return None


def near_body_abbreviation(value: str) -> str | None:
    """Why a symbol was misread: a part of it one letter from a body's abbreviation
    (``_ABBREVIATIONS``: «UBND», «HĐND») and not it («121/TB-UBNL», given on a clean tuning
    notice at seed 41), or one with a letter more: a stroke read as two letters («16/TB-UBNID»
    for «UBND», a tuning notice at forms seed 29, given so). Offices' own codes («KTTH»,
    «STP», «UBDT») are not judged otherwise."""
    for part in symbol_parts(value):
        # Compared with its marks: «UBNĐ» (a hard cn_grid notice at forms tuning seed 13, given
        # so) folds to «ubnd», yet no symbol prints it.
        lowered, folded = part.lower(), fold(part)
        near = next((a for a in _ABBREVIATIONS if lowered != a
                     and len(lowered) in (len(a), len(a) + 1)
                     and 1 in (Levenshtein.distance(lowered, a),
                               Levenshtein.distance(folded, fold(a)))), None)
        if near is not None:
            return f"has «{part}» in its symbol, one letter from «{near.upper()}»: misread?"
    return None


@dataclass(frozen=True)
class DocumentDate(ValueKind):
    """«ngày 05 tháng 3 năm 2024» as an ISO date; with its day written by hand (marked «✍»)
    the printed rest («tháng 02 năm 2025») is kept for the review reason, never a date."""

    def normalise(self, text: str, context: ValueContext = NO_CONTEXT) -> Value | None:
        if HAND in text:
            return clean_text(text) or None
        return normalize_date(text)

    def problem(self, value: str, read: str, context: ValueContext = NO_CONTEXT) -> str | None:
        return f"has its day {HAND_PROBLEM}" if HAND in read else None


@dataclass(frozen=True)
class BodyName(Text):
    """A body's name printed in capitals, written as running text writes it."""

    def normalise(self, text: str, context: ValueContext = NO_CONTEXT) -> Value | None:
        cleaned = clean_text(text)
        if not any(c.isalpha() for c in cleaned):
            return None
        return recase_name(cleaned, context.phrases)

    def mend(self, value: Value, context: ValueContext = NO_CONTEXT) -> Value:
        """Recased, and its commune, district or city spelt as listed: «Ủy ban nhân dân
        huyện Hoáng Hóa» (a hard notice in DejaVu Serif, --types new tuning seed 83, given
        so, and its date line's place spelt by it) is «… huyện Hoằng Hóa»."""
        return spell_body_districts(spell_body_communes(recase_name(
            str(super().mend(value, context)), context.phrases)))

    def misread(self, value: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """A commune the body is of that no listed commune is but one of its letters is
        (``places.commune_marks_misread``)."""
        return (commune_marks_misread(value) or cut_inside_phrase(value, context.phrases)
                or debris_after_unit(value) or unnamed_unit(value)
                or super().misread(value, context))


# A people's committee or council is always a place's («ỦY BAN NHÂN DÂN / XÃ …» on two lines).
_COUNCILS = frozenset({"uy ban nhan dan", "hoi dong nhan dan"})


def unnamed_unit(value: str) -> str | None:
    """Why a body's name was cut: it ends in a unit's word without the unit's name («Ủy ban
    nhân dân xã», a hard narrow_tab notice at forms tuning seed 17, given so; no body is
    named so), or it is a people's committee or council of no place (its second line lost)."""
    if fold(value).lower() in _COUNCILS:
        return "names no place's committee or council: the next line was not read"
    return UNNAMED_UNIT_PROBLEM if ends_in_unit_word(value) else None


def debris_after_unit(value: str) -> str | None:
    """Why a body's name ends in debris: its last unit's name is a listed name followed by
    words of one or two characters, none a letter of a name («Ủy ban nhân dân phường Phú Hội
    2 A», a hard notice at --types new tuning seed 83, given so; a district's «… huyện Hoằng
    Hóa Z7», a stamp's marks read surely). A numbered ward («Phường 2») is its number alone
    after the word."""
    units = find_units(value)
    if not units:
        return None
    listed = is_listed_commune if units[-1].level == "commune" else is_listed_unit
    words = value[units[-1].start:units[-1].end].split()
    for cut in range(len(words) - 1, 0, -1):
        if listed(" ".join(words[:cut])):
            tail = words[cut:]
            if all(len(strip_edges(w)) <= 2 for w in tail):
                return (f"ends in «{' '.join(tail)}» after «{' '.join(words[:cut])}»:"
                        " debris?")
            return None
    return None


def cut_inside_phrase(value: str, phrases: tuple[str, ...]) -> str | None:
    """Why a body's name was cut short: it stops inside a listed body's name, two words or
    more from its start and short of its end («Sở tài nguyên và môi» for «Sở Tài nguyên và
    Môi trường», the rest lost beside the motto: a hard notice in DejaVu Serif, --types new
    tuning seed 181, given so)."""
    words = fold(value).split()
    if len(words) < 2:
        return None
    for phrase in phrases:
        full = fold(phrase).split()
        if len(full) > len(words) and full[:len(words)] == words:
            return f"stops inside «{phrase}»: cut short?"
    return None


@dataclass(frozen=True)
class Recipients(Text):
    """Bodies' names joined by «; »: the fixed phrases, then the districts they are of spelt
    as listed (``places.spell_body_districts``)."""

    def mend(self, value: Value, context: ValueContext = NO_CONTEXT) -> Value:
        return spell_body_districts(str(super().mend(value, context)))
