"""Administrative unit names in address-like values, checked against the gazetteer.

An address prints its units with their prefixes («xã Cẩm Bình, huyện Cẩm Xuyên, tỉnh Hà
Tĩnh»). Tesseract reads such names with full confidence and one wrong tone mark («Cấm» for
«Cẩm», «Chậu» for «Châu»), which no confidence threshold can catch; the list of provinces and
districts can (``pipeline.values.gazetteer``). A province or district name that differs from one
known name only by its diacritics is spelt as that name, and so is one whose spacing OCR broke
(«ĐàNẵng», «Hà Tï nh») or that ends the value with a speck read after it («Nghệ An Ta»); a
name that is no known name (a wrong letter: «tỉnh Hừ Tĩnh», or a word run on in mid-value)
is a problem, and the value is left out for review.

Commune-level names (some 7,000 names of 10,051 units) are mended the same way, but never
judged unknown: forms of 2019–2024 print communes merged away since, which the list no longer
holds. A commune name that is no listed name but one of its district's (or, where the district
is not named or not listed, the one name in the country with its letters) but for its
diacritics is spelt as that name; a name of one word that is none of its district's looks cut
off.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from pipeline.text import fold, strip_edges
from pipeline.values.gazetteer import PREFIX as _PREFIX
from pipeline.values.gazetteer import PREFIXES, Gazetteer, load_gazetteer
from pipeline.values.syllables import tone_placements

_LEVELS = dict(PREFIXES)
# A unit's name ends at a comma, a full stop, a line's end or the next unit's prefix.
_NAME_END = re.compile(r"[,;.\n(]")
# Words that begin a part below the commune (a hamlet, a house number): spelt as the word when
# OCR changed only their diacritics («tố 21» is «tổ 21»).
# Unit prefixes of one word are mended the same way («tĩnh Hòa Bình» is «tỉnh Hòa Bình»): a
# misread prefix would hide its unit from the gazetteer check.
PLACE_WORDS: tuple[str, ...] = ("thôn", "xóm", "tổ", "bản", "ấp", "khối", "buôn", "làng",
                                "sóc", "khu", "số", "ngõ", "ngách", "hẻm", "đường", "phố",
                                "tỉnh", "huyện", "quận", "phường", "xã")
# The place words by their letters without accents, as OCR's readings are compared with them.
PLACE_WORD_SPELLINGS: dict[str, str] = {fold(word): word for word in PLACE_WORDS}
_PART_START = re.compile(r"(?:^|(?<=,))\s*(\w+)")
_END_DEBRIS = re.compile(r"\s[-–]\s*[^\W\d_]{1,2}$")
# Diacritics (tone marks, hats, horns) a name may be mended by: beyond two, the reading is too
# far from the name for the mend to be sure.
MAX_MARK_EDITS = 2


@dataclass
class PlaceCheck:
    """A value with its unit names checked: the value (names mended), the mends made (misread
    word -> right word) and the problem that keeps it from being given, if any."""

    value: str
    mends: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    repaired: bool = False  # a name was read with its spacing broken or debris after it


@dataclass(frozen=True)
class Unit:
    """A unit named in a value: its level, and where its name stands in the value."""

    level: str  # province, city (province or district), district, commune
    prefix: str
    head: int  # where the prefix begins
    start: int  # where the name begins
    end: int


def find_units(value: str) -> list[Unit]:
    """Every prefixed unit in the value, left to right."""
    units = []
    for found in _PREFIX.finditer(value):
        start = len(value) - len(value[found.end():].lstrip())
        stop = _NAME_END.search(value, start)
        end = stop.start() if stop else len(value)
        following = _PREFIX.search(value, start, end)
        end = following.start() if following else end
        while end > start and value[end - 1] in " -–":
            end -= 1
        units.append(Unit(_LEVELS[found.group(1).lower()], found.group(1), found.start(),
                          start, end))
    return units


def _spell(read: str, names: tuple[str, ...] | frozenset[str]) -> str | None:
    """The known name a read name stands for: itself, or the one name it equals but for at
    most ``MAX_MARK_EDITS`` diacritics (the closest, when it is closer than any other).
    None when it is no known name."""
    read = read.strip()
    lowered = {n.lower(): n for n in names}
    if read.lower() in lowered:
        return lowered[read.lower()]
    same = sorted((Levenshtein.distance(read.lower(), n.lower()), n) for n in names
                  if fold(n) == fold(read))
    if not same or same[0][0] > MAX_MARK_EDITS:
        return None
    if len(same) > 1 and same[1][0] == same[0][0]:
        return None
    return same[0][1]


def name_goes_on(value: str, following: str, gazetteer: Gazetteer | None = None) -> bool:
    """Whether an address's last unit above a commune is named in part, its name going on
    with ``following`` (the first word of the line below): «…, tỉnh Hà» / «Tĩnh», «thành
    phố Cần» / «Thơ» (TeX Gyre Bonum in bordered cells, whose line breaks inside a cell:
    tuning seeds 131 and 149, refused as «no known unit»). Only when the name read is no
    unit of its level and the name with the word after it is one."""
    units = find_units(value)
    if not units or units[-1].level == "commune" or value[units[-1].end:].strip():
        return False
    gazetteer = gazetteer or load_gazetteer()
    names = frozenset(_candidates(units[-1], gazetteer, None))
    read = value[units[-1].start:units[-1].end].strip()
    word = strip_edges(following.split()[0]) if following.split() else ""
    return (bool(read) and bool(word) and _spell(read, names) is None
            and _spell(f"{read} {word}", names) is not None)


def _squeezed(text: str) -> str:
    return re.sub(r"[\s\-–]+", "", text)


_NUMBER_LOOKALIKE = re.compile(r"(?=.*[Il|])[0-9Il|]{1,2}")
_TO_DIGITS = str.maketrans("Il|", "111")


def _spell_damaged(read: str, names: tuple[str, ...], at_end: bool) -> tuple[str, str] | None:
    """The known name a damaged reading stands for, and the part of the reading that is the
    name: its words run together or broken apart, or a hyphen read between them («ĐàNẵng»,
    «Hà Tï nh», «Hòa - Bình»); and, for the unit that ends the value, debris after it (one
    word of one or two letters, which a speck or the margin made: «Nghệ An Ta», «Hòa Bình -
    si»). A unit's name is compared whole, so a name is never cut to a shorter known one."""
    readings = [read]
    debris = re.fullmatch(r"(.*?\w)[\s\-–]+[^\W\d_]{1,2}", read) if at_end else None
    if debris:
        readings.append(debris.group(1))
    if _NUMBER_LOOKALIKE.fullmatch(read):
        # A numbered district whose «1» a serif face printed like «I» («Quận I», a mild
        # tuning contrast_boxed form at seed 37): no district is named by a Roman numeral.
        readings.append(read.translate(_TO_DIGITS))
    squeezed = {_squeezed(name): name for name in names}
    for reading in readings:
        known = _spell(_squeezed(reading), frozenset(squeezed))
        if known is not None:
            return squeezed[known], reading
    return None


def respell(read: str, name: str) -> str:
    """The known name, each letter in the case it was printed in (same length after NFC)."""
    if len(read) != len(name):
        return name
    return "".join(n.upper() if r.isupper() else n.lower() for r, n in zip(read, name,
                                                                          strict=True))


def _candidates(unit: Unit, gazetteer: Gazetteer, province: str | None) -> tuple[str, ...]:
    districts = gazetteer.provinces[province] if province else gazetteer.districts
    if unit.level == "province":
        return tuple(gazetteer.provinces)
    if unit.level == "city":
        return (*gazetteer.cities, *districts)
    return districts


def _province_of(value: str, units: list[Unit], gazetteer: Gazetteer) -> str | None:
    """The province the value names (its last unit that is one), if any."""
    for unit in reversed(units):
        if unit.level in ("province", "city"):
            known = _spell(value[unit.start:unit.end], frozenset(gazetteer.provinces))
            if known is not None:
                return known
    return None


def _district_of(value: str, units: list[Unit], gazetteer: Gazetteer,
                 province: str | None) -> str | None:
    """The district-level unit the value names (its last one that is known), if any."""
    for unit in reversed(units):
        if unit.level in ("district", "city"):
            known = _spell(value[unit.start:unit.end],
                           frozenset(gazetteer.provinces.get(province or "", ())
                                     or gazetteer.districts))
            if known is not None:
                return known
    return None


# A word of a place name read two ways (``pipeline.ocr.reread.reread_letters``) whose two
# spellings differ only in marks is given as the one the country's unit names use at least
# COMMON_PLACE_WORD times when they use the other at most RARE_PLACE_WORD times: «Tân» (294
# names) over «Tần» (1), «Nghi» (39) over «Nghỉ» (0). Hamlets and streets are named with the
# words communes are; the two readings alone cannot tell (5 tuning addresses at seeds 61–62
# went to review so, every one for a common word read once with another mark).
COMMON_PLACE_WORD = 30
RARE_PLACE_WORD = 1


def common_place_spelling(first: str, second: str) -> str | None:
    """Of two readings of one word that differ only in marks (punctuation at their edges
    aside), the one place names commonly spell (see ``COMMON_PLACE_WORD``), as read; None
    when the letters differ or the names do not tell."""
    a, b = strip_edges(first), strip_edges(second)
    if not a or fold(a) != fold(b) or a.lower() == b.lower():
        return None
    counts = load_gazetteer().syllable_counts
    n_a, n_b = counts.get(a.lower(), 0), counts.get(b.lower(), 0)
    if n_a >= COMMON_PLACE_WORD and n_b <= RARE_PLACE_WORD:
        return a
    if n_b >= COMMON_PLACE_WORD and n_a <= RARE_PLACE_WORD:
        return b
    return None


def is_listed_commune(name: str) -> bool:
    """Whether a commune-level name (without its prefix) is one the gazetteer lists."""
    return _is_listed(name, load_gazetteer().commune_names)


def is_listed_unit(name: str) -> bool:
    """Whether a name (without its prefix) is one the gazetteer lists as a province,
    district or commune, marks and all, in either style of placing a final tone."""
    return _is_listed(strip_edges(name), unit_names())


def listed_like(name: str) -> tuple[str, ...]:
    """The province, district and commune names the gazetteer lists with the letters of
    ``name`` (marks aside): «Hoằng Quý» and «Hoằng Quỳ» for «Hoang Quy»."""
    return _names_by_letters().get(fold(strip_edges(name)).lower(), ())


@functools.cache
def unit_names() -> frozenset[str]:
    """Every province, district and commune name the gazetteer lists, as listed."""
    gazetteer = load_gazetteer()
    return frozenset({*gazetteer.provinces, *gazetteer.districts, *gazetteer.commune_names})


@functools.cache
def _names_by_letters() -> dict[str, tuple[str, ...]]:
    names: dict[str, list[str]] = {}
    for name in sorted(unit_names()):
        names.setdefault(fold(name).lower(), []).append(name)
    return {letters: tuple(listed) for letters, listed in names.items()}


def commune_marks_misread(value: str) -> str | None:
    """Why a commune named in a value looks misread, where no district says which commune
    is meant (a body's name: «Ủy ban nhân dân xã Câm Bình»): the gazetteer lists no commune
    so spelt, but lists one or more of the same letters with other marks («Cẩm Bình»).
    A mild tuning notice in thinned TeX Gyre Pagella at seed 21 gave «xã Câm Bình» so,
    read from the capitals of its header. None when every commune named is listed, or has
    letters no listed commune has (a name the gazetteer does not know yet): the check of an
    address naming no district (``_marks_unlike_country``)."""
    gazetteer = load_gazetteer()
    for unit in find_units(value):
        name = strip_edges(value[unit.start:unit.end])
        if unit.level != "commune" or not name:
            continue
        known = name if is_listed_commune(name) else None
        problem = _marks_unlike_country(name, known, gazetteer, None, unit.prefix)
        if problem is not None:
            return problem
    return None


def spell_body_communes(value: str) -> str:
    """A body's name with each commune it is of that no listed commune is spelt as the one
    listed commune of the country with its letters, within ``MAX_MARK_EDITS`` marks
    (``spell_commune`` without a district, as an address naming none is spelt): «Ủy ban
    nhân dân xã Hai Minh» is «… xã Hải Minh» (TeX Gyre Pagella at mild, a notice attached
    at tuning seed 131, refused with its place). Letters several communes share («Cam
    Bình», «Cẩm Bình») are left to ``commune_marks_misread``."""
    gazetteer = load_gazetteer()
    for unit in reversed(find_units(value)):
        name = strip_edges(value[unit.start:unit.end])
        if unit.level != "commune" or not name or is_listed_commune(name):
            continue
        known = spell_commune(name, gazetteer, None, None)
        if known is not None and len(known.split()) == len(name.split()):
            start = value.index(name, unit.start)
            value = value[:start] + respell(name, known) + value[start + len(name):]
    return value


def spell_body_districts(value: str) -> str:
    """Bodies' names with each district they are of that no listed district is spelt as the
    one listed district with its letters: «Ủy ban nhân dân huyện Cấm Xuyên» is «… huyện Cẩm
    Xuyên» (a hook read as an acute in Liberation Serif at hard, recipients of a notice at
    --types new tuning seed 181, given so). A district no listed one shares its letters with
    is left as read. So is a city's («thành phố»: a province's or a district's): «Ủy ban
    nhân dân thành phố Vĩnh» (recipients of a hard notice at --types new tuning seed 71,
    given so) is «… thành phố Vinh»."""
    gazetteer = load_gazetteer()
    for unit in reversed(find_units(value)):
        name = strip_edges(value[unit.start:unit.end])
        listed = (gazetteer.districts if unit.level == "district" else
                  {*gazetteer.districts, *gazetteer.provinces} if unit.level == "city" else None)
        if listed is None or not name or name in listed:
            continue
        same = {d for d in listed if fold(d) == fold(name)}
        if len(same) == 1:
            start = value.index(name, unit.start)
            value = value[:start] + respell(name, same.pop()) + value[start + len(name):]
    return value


def place_name_misread(name: str) -> str | None:
    """Why the place of a date line («Uy Nỗ, ngày …») looks misread when no body's name
    spells it: the gazetteer names no unit so (no province, district or commune), but lists
    a commune of the same letters with other marks. «Ủy Nỗ» for «Uy Nỗ» (EB Garamond at
    hard, a tuning notice at seed 103, its body's name refused) was given so. None when a
    unit is so named or no listed commune shares its letters (a name the gazetteer does not
    know yet)."""
    gazetteer = load_gazetteer()
    name = strip_edges(name)
    units = frozenset({*gazetteer.provinces, *gazetteer.districts})
    if not name or is_listed_commune(name) or _is_listed(name, units):
        return None
    spelt = _country_spellings(name, gazetteer)
    return spelt and f"names «{name}», which no unit is named; the country spells {spelt}"


def _is_listed(read: str, names: frozenset[str]) -> bool:
    """Whether the name is one of ``names``, in either style of placing a final tone
    («Hoà» or «Hòa»): forms print both."""
    placed = [tone_placements(word) for word in read.split()]
    lowered = _lowered(names)
    return any(" ".join(words) in lowered for words in itertools.product(*placed))


@functools.lru_cache(maxsize=256)
def _lowered(names: frozenset[str]) -> frozenset[str]:
    """The names in small letters, kept: the country's ~10,000 communes were lowered anew
    for every name checked (a district's own list is the same object each time too)."""
    return frozenset(name.lower() for name in names)


def spell_commune(read: str, gazetteer: Gazetteer, district: str | None,
                  province: str | None) -> str | None:
    """The listed commune a read name stands for (see the module's doc): itself when
    listed; its district's name with the same letters; the country's one name with them.
    None when it is none of these (a former commune, or a misreading not to be judged)."""
    local = gazetteer.communes_of(district, province) if district else frozenset()
    if _is_listed(read, local or gazetteer.commune_names):
        return read
    if local:
        known = _spell(read, local)
        # A name its district does not list is not another district's: «phường Thắng,
        # quận Hải Châu» («Thạch Thang» with a word lost, a hard birth certificate at
        # --types new tuning seed 19) was given as a commune of Bắc Giang's.
        return known
    same = gazetteer.communes_by_letters.get(fold(read), ())
    if len(same) == 1 and Levenshtein.distance(read.lower(), same[0].lower()) <= MAX_MARK_EDITS:
        return same[0]
    return None


def _marks_unlike_district(read: str, known: str | None, gazetteer: Gazetteer,
                           district: str | None, province: str | None,
                           prefix: str, mends: dict[str, str]) -> str | None:
    """An unlisted commune (a former one, or a misreading) with a word that its district's
    names spell with the same letters but other marks: «xã Cấm Bình» in «huyện Cẩm Xuyên»,
    whose communes are «Cẩm Duệ», «Cẩm Hà» … (a tuning hard form gave «Cấm Bình» for the
    former «Cẩm Bình» as digitized). Which marks are right cannot be told: review, unless the
    same misread word was mended in the district's own name (``mends``): then it is mended
    alike (``apply_mends``)."""
    if known is not None or not district:
        return None
    by_letters = gazetteer.district_words(district, province)
    for word in read.split():
        listed = by_letters.get(fold(word).lower())
        if listed and word.lower() not in listed and word not in mends:
            return (f"names «{prefix} {read}», no listed commune, whose «{word}» its district "
                    f"spells «{sorted(listed)[0]}»: a misread mark?")
    return None


def _marks_unlike_country(read: str, known: str | None, gazetteer: Gazetteer,
                          district: str | None, prefix: str) -> str | None:
    """An unlisted commune, in a value naming no district, whose letters listed communes
    spell with other marks: «UBND xã Câm Bình», where the country has «Cam Bình» and «Cẩm
    Bình» (a tuning receipt's result office at seed 62, its copies in the document each read
    otherwise, was given so). Which is meant cannot be told from the value: review."""
    if known is not None or district:
        return None
    spelt = _country_spellings(read, gazetteer)
    return spelt and f"names «{prefix} {read}», no listed commune; the country spells {spelt}"


def _country_spellings(read: str, gazetteer: Gazetteer) -> str | None:
    """The listed communes of the read name's letters but other marks («Cam Bình» or «Cẩm
    Bình» for «Câm Bình»), up to three, as a review reason names them; None when no listed
    commune has its letters, or one is spelt as read."""
    same = gazetteer.communes_by_letters.get(fold(read), ())
    if not same or read.lower() in {name.lower() for name in same}:
        return None
    return " or ".join(f"«{name}»" for name in same[:3])


def _letter_from_district(read: str, known: str | None, gazetteer: Gazetteer,
                          district: str | None, province: str | None,
                          prefix: str) -> str | None:
    """An unlisted commune one letter from one of its district's listed communes: «phường Bê
    Nghé» in Quận 1, whose ward is «Bến Nghé» (a thin face lost the «n»; given on a tuning
    form at seed 31). A former commune may be unlisted, but one a letter from a listed
    neighbour is more likely that neighbour misread: review."""
    if known is not None or not district:
        return None
    near = sorted(name for name in gazetteer.communes_of(district, province)
                  if Levenshtein.distance(read.lower(), name.lower(), score_cutoff=1) <= 1)
    if not near:
        return None
    return f"names «{prefix} {read}», no listed commune, one letter from «{near[0]}»"


def _commune_problem(read: str, known: str | None, prefix: str) -> str | None:
    """A name of one word that is no listed commune looks cut off («phường Phú»)."""
    if len(read.split()) < 2 and not read.isdigit() and known is None:
        return f"names «{prefix} {read}», which looks cut off"
    return None


def _mend_words(read: str, spelt: str, mends: dict[str, str]) -> None:
    for old, new in zip(read.split(), spelt.split(), strict=False):
        if old != new:
            mends[old] = new


# Letters whose capital is their small letter set larger: OCR tells them apart by height
# alone, and reads an address's «xã», «số» as «Xã», «Số» (two tuning files).
SAME_SHAPE_CAPITALS = frozenset("CKOSVWXZ")


def _place_word_case(read: str, known: str) -> str:
    """A place word is a common noun, written small before the name it introduces (Decree
    30/2020, Appendix II): a capital that has its small letter's shape is taken small."""
    spelt = respell(read, known)
    if spelt[:1] in SAME_SHAPE_CAPITALS and spelt[1:].islower():
        return spelt.lower()
    return spelt


_SMALL_WORD = re.compile(r"(?<![\w-])([^\W\d_A-ZĐ]+)(\s+)(?=[A-ZĐ\w])")


# Unit words OCR reads with a wrong mark, by their letters, and the level of the names they
# stand before. «xa» after «thị» is a district's word (thị xã), left as read.
_UNIT_WORD_LEVELS: dict[str, tuple[str, str]] = {
    "tinh": ("tỉnh", "province"), "huyen": ("huyện", "district"), "quan": ("quận", "district"),
    "phuong": ("phường", "commune"), "xa": ("xã", "commune")}
_NAME_WORDS = 4  # the longest unit names the gazetteer lists run to four words


def mend_unit_words(value: str) -> str:
    """A word in small letters spelling a unit's word («tỉnh», «huyện», «quận», «phường»,
    «xã») but for its marks, before a name the gazetteer lists at that unit's level, is that
    word: «… hành chính công tĩnh Thanh Hóa» (TeX Gyre Pagella at mild, a tuning receipt at
    seed 149) and «Ủy ban nhân dân phưởng Dịch Vọng» (a hard tuning birth certificate of
    --types new, seed 191) were given so. A capitalised «Tĩnh» is a name's («Hà Tĩnh»)."""
    def spell(found: re.Match[str]) -> str:
        word = found.group(1)
        known = _UNIT_WORD_LEVELS.get(fold(word))
        if known is None or word == known[0] or fold(_word_before(value, found.start())) == "thi":
            return found.group(0)
        return _as_unit_word(value, found, known)
    return _unit_words_in_capitals(_SMALL_WORD.sub(spell, value))


def _as_unit_word(value: str, found: re.Match[str], known: tuple[str, str]) -> str:
    """The word ``found`` (and the space after it) spelt as the unit's word ``known`` (its
    spelling, its level) when a name the gazetteer lists at that level follows it; as read
    otherwise."""
    named = _names_listed(value[found.end():], known[1])
    return f"{known[0]}{found.group(2)}" if named else found.group(0)


_CAPITAL_WORD = re.compile(r"(?<![\w-])([^\W\d_]{2,6})(\s+)(?=[^\W\d_])")


def _unit_words_in_capitals(value: str) -> str:
    """A unit's word read in capitals («XÃ», «HUYỆN») before a name written with a capital and
    small letters that the gazetteer lists at that unit's level is that word in small
    letters, as printed: a hard ruled_table form at forms tuning seed 71 gave its hometown
    «XÃ Thạch Đài, huyện Thạch Hà, tỉnh Hà Tĩnh». A name in capitals too («XÃ THẠCH ĐÀI») is
    printed so, and a number («QUẬN 1») is no such name: both are left as read."""
    def spell(found: re.Match[str]) -> str:
        word, after = found.group(1), value[found.end():].split()
        known = _UNIT_WORD_LEVELS.get(fold(word).lower())
        if known is None or not word.isupper() or not after or after[0].isupper() \
                or fold(_word_before(value, found.start())).lower() == "thi":
            return found.group(0)
        return _as_unit_word(value, found, known)
    return _CAPITAL_WORD.sub(spell, value)


@functools.cache
def _level_names(level: str) -> frozenset[str]:
    gazetteer = load_gazetteer()
    if level == "province":
        return frozenset(gazetteer.provinces)
    if level == "district":
        return frozenset(gazetteer.districts)
    return gazetteer.commune_names


def _word_before(value: str, at: int) -> str:
    words = value[:at].split()
    return words[-1] if words else ""


def _names_listed(after: str, level: str) -> bool:
    """Whether ``after`` opens with a name (capitalised) the gazetteer lists at ``level``
    (two words or more, or a number)."""
    words = after.split()
    number = bool(words) and words[0].strip(",.;:").isdigit()
    if not words or not (number or words[0][:1].isupper()):
        return False
    names = _level_names(level)
    # A name of one word is taken only as a number («quận 1»): a one-syllable commune name
    # («Đông») would turn «phương Đông» into a ward.
    first = 1 if number else 2
    return any(_is_listed(" ".join(words[:n]).strip(",.;:"), names)
               for n in range(first, min(len(words), _NAME_WORDS) + 1))


_CITY_HALF = re.compile(r"(?<!\w)thành\s+(?=\S)")


def city_word_lost(value: str) -> str | None:
    """Why free text lost a word of «thành phố»: «thành» alone before a province's or
    district's listed name. «Ủy ban nhân dân thành Hà Tĩnh» (recipients of a hard tuning
    notice of --types new, seed 197) and «…, thành Hà Tĩnh» (an address of a hard probe,
    seed 703) were given so."""
    for found in _CITY_HALF.finditer(value):
        after = value[found.end():]
        if _names_listed(after, "province") or _names_listed(after, "district"):
            return f"has «thành» alone before «{' '.join(after.split()[:2])}»: «thành phố» " \
                   "with «phố» not read?"
    return None


def mend_place_words(value: str) -> str:
    """Each part's first word spelt as the place word («thôn», «tổ», «số» …) it equals but
    for its diacritics, in the case it was printed in (see ``_place_word_case``)."""
    def spell(found: re.Match[str]) -> str:
        word = found.group(1)
        known = PLACE_WORD_SPELLINGS.get(fold(word))
        return found.group(0) if known is None else found.group(0).replace(
            word, _place_word_case(word, known))
    return _PART_START.sub(spell, value)


def separate_units(value: str) -> str:
    """A comma before each unit that follows another part of the address without one: OCR
    loses the comma after a short word («khối 7 phường Hưng Bình»). Only where the part
    before is a place (it begins with a place word: «khối», «thôn» …) or holds a unit
    («Trạm y tế xã Mãn Đức huyện …»): in «Trạm y tế xã …», «UBND xã …» the unit belongs to
    the words before it."""
    for found in reversed(list(_PREFIX.finditer(value))):
        before = value[:found.start()].rstrip()
        part = before[before.rfind(",") + 1:]
        if part.split() and not before.endswith(",") and (
                fold(part.split()[0]) in PLACE_WORD_SPELLINGS or _PREFIX.search(part)):
            value = f"{before}, {value[found.start():]}"
    return value


def mend_city_prefix(value: str, gazetteer: Gazetteer | None = None) -> str:
    """A part «thành» plus a word one letter from «phố» before the name of a listed district
    (a provincial city is one), marks and all, is that city: «thành phế Vinh» (a mild
    boxed_light form at forms tuning seed 23 went to review for it; refused since seed 63,
    where it was given with the unit unseen). «thành» read right and the listed name after
    leave «phố» the one word it can be."""
    gazetteer = gazetteer or load_gazetteer()
    parts = value.split(",")
    for index, part in enumerate(parts):
        words = part.split()
        if len(words) < 3 or words[0].lower() != "thành" or fold(words[1]).lower() == "pho" \
                or Levenshtein.distance(fold(words[1]).lower(), "pho") != 1 \
                or not _is_listed(" ".join(words[2:]), frozenset(gazetteer.districts)):
            continue
        city = "Phố" if words[1][:1].isupper() else "phố"
        parts[index] = part.replace(words[1], city, 1)
    return ",".join(parts)


def check_places(value: str, gazetteer: Gazetteer | None = None) -> PlaceCheck:
    """Check and mend the province and district names of a value (see the module's doc)."""
    gazetteer = gazetteer or load_gazetteer()
    read = mend_place_words(value)
    value = separate_units(mend_city_prefix(read, gazetteer))
    units = find_units(value)
    province = _province_of(value, units, gazetteer)
    district = _district_of(value, units, gazetteer, province)
    result = PlaceCheck(value, repaired=value != read)
    # From the last unit back: a mend that changes a name's length moves only what follows it.
    for unit in reversed(units):
        read = value[unit.start:unit.end].strip()
        name = read
        if unit.level == "commune":
            known = spell_commune(read, gazetteer, district, province) if read else None
            result.problem = (_commune_problem(read, known, unit.prefix)
                              or _marks_unlike_district(read, known, gazetteer, district,
                                                        province, unit.prefix, result.mends)
                              or _letter_from_district(read, known, gazetteer, district,
                                                       province, unit.prefix)
                              or _marks_unlike_country(read, known, gazetteer, district,
                                                       unit.prefix)
                              or result.problem)
            if known is None:
                continue
        else:
            known = _spell(read, _candidates(unit, gazetteer, province))
        if known is None:
            damaged = _spell_damaged(read, _candidates(unit, gazetteer, province),
                                     at_end=not value[unit.end:].strip())
            if damaged is None:
                result.problem = f"names «{unit.prefix} {read}», which is no known unit"
                continue
            (known, name), result.repaired = damaged, True
        spelt = respell(name, known)
        if _capitals_misread(name):
            spelt = _as_listed(spelt, _level_spellings(unit, gazetteer, district, province))
        if spelt != read:
            if len(name.split()) == len(spelt.split()):
                _mend_words(name, spelt, result.mends)
            start = value.index(read, unit.start)
            result.value = result.value[:start] + spelt + result.value[start + len(read):]
    # After a commune, whose names are not listed, such debris cannot be told from the name:
    # a hyphen set apart before one or two letters ends no Vietnamese place name.
    misread = _misread_prefix(result.value, gazetteer) or _lost_prefix(result.value, gazetteer)
    if misread and result.problem is None:
        result.problem = misread
    debris = _END_DEBRIS.search(result.value)
    if debris and result.problem is None:
        result.problem = f"ends in «{debris.group().strip()}», which a speck or the margin made"
    return result


def _capitals_misread(name: str) -> bool:
    """Whether a name not read in capitals has a word of marked capitals («Nhơn ÁI»: «Ái»
    read with a capital «I», a mild tab_leader form at tuning seed 13, given so). A listed
    name's words of capitals are numerals and abbreviations, unmarked («Tam Xuân II»,
    «NT Mộc Châu»)."""
    return not name.isupper() and any(
        len(word) > 1 and word.isupper() and not word.isascii() for word in name.split())


def _level_spellings(unit: Unit, gazetteer: Gazetteer, district: str | None,
                     province: str | None) -> Iterable[str]:
    """The listed names a unit's name is one of, as listed."""
    if unit.level != "commune":
        return _candidates(unit, gazetteer, province)
    return (district and gazetteer.communes_of(district, province)) or gazetteer.commune_names


def _as_listed(spelt: str, names: Iterable[str]) -> str:
    """The listed name that is ``spelt`` but for its letters' case, in the list's case; else
    ``spelt``."""
    lowered = spelt.lower()
    return next((name for name in names if name.lower() == lowered), spelt)


# One-word unit prefixes (folded) whose misreading by a letter hides their unit.
_PREFIX_WORDS = ("huyen", "quan", "tinh", "phuong")
# Two-word prefixes (folded) likewise: «thành phế Vinh» (a mild tuning boxed_light form at
# seed 63 gave it so, the unit unseen, as found before a listed name).
_PREFIX_PAIRS = ("thanh pho", "thi xa")


def _misread_prefix(value: str, gazetteer: Gazetteer) -> str | None:
    """Why a part of the value is a unit whose prefix was misread by a letter: a word one
    letter from a one-word prefix (two words from a two-word one), before a listed
    district's or province's name («xã Ea Phê, Ruyện Krông Pắc», given on a hard tuning form
    at seed 41). The letters before a listed name are no other word («Tuyên Quang» is a
    province, «Quang» none)."""
    names = {fold(n) for n in (*gazetteer.districts, *gazetteer.provinces)}
    for part in value.split(","):
        words = part.split()
        for size, prefixes in ((1, _PREFIX_WORDS), (2, _PREFIX_PAIRS)):
            if len(words) <= size or fold(" ".join(words[size:])) not in names:
                continue
            first = fold(" ".join(words[:size]))
            if any(Levenshtein.distance(first, p) == 1 for p in prefixes):
                return (f"has «{' '.join(words[:size])}» before «{' '.join(words[size:])}»: "
                        f"a unit's prefix misread?")
    return None


def _lost_prefix(value: str, gazetteer: Gazetteer) -> str | None:
    """Why a part of the value is a unit whose prefix was lost: a part after the first that
    is a listed district's name alone («xã Cẩm Bình, Cẩm Xuyên, tỉnh Hà Tĩnh», «huyện»
    lost: a hard tab_leader form at tuning seed 173 gave it so). Which unit word it had
    («huyện», «thị xã», «thành phố») cannot be told. A province's name alone may end an
    address as written («…, xã Hùng Lợi, Tuyên Quang»), and the first part, a house or a
    street, is not judged."""
    provinces = {fold(n) for n in gazetteer.provinces}
    names = {fold(n) for n in gazetteer.districts} - provinces
    for part in value.split(",")[1:]:
        if fold(part.strip()) in names:
            return f"names «{part.strip()}» without its unit's word: a prefix lost?"
    return None


def apply_mends(value: str, mends: dict[str, str]) -> str:
    """A value with every whole word of its unit names that was found misread elsewhere in
    the document spelt as it was mended there: the same print read by the same engine is
    misread the same way («Cấm» in «huyện Cấm Xuyên» and in «xã Cấm Bình»).

    Only unit names: a word mended in one place name is not misread everywhere. A commune
    «xã Ủy Nỗ» spelt as listed («Uy Nỗ») made every «Ủy» a «Uy», and «Uy ban nhân dân» was
    given on a tuning garamond_fill form."""
    if not mends:
        return value
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, mends)) + r")(?!\w)")
    pieces, done = [], 0
    for unit in find_units(value):
        pieces += [value[done:unit.start],
                   pattern.sub(lambda m: mends[m.group(1)], value[unit.start:unit.end])]
        done = unit.end
    return "".join([*pieces, value[done:]])
