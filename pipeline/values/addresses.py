"""Addresses: free text naming administrative units («xã …, huyện …, tỉnh …»), whose
province and district names are checked against the gazetteer (``pipeline.values.places``)
and whose commune names are spelt as the document spells them most often, then as the
gazetteer lists them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.text import fold, match_key, nfc, strip_edges
from pipeline.values.gazetteer import PREFIXES
from pipeline.values.kinds import NO_CONTEXT, Copies, Text, ValueContext
from pipeline.values.normalize import Value
from pipeline.values.places import (
    PLACE_WORD_SPELLINGS,
    PLACE_WORDS,
    PlaceCheck,
    apply_mends,
    check_places,
    find_units,
    is_listed_commune,
    respell,
)
from pipeline.values.syllables import tone_placements

CUT_OFF_PROBLEM = "ends in a comma: the line it goes on to was not read"
_PLACE_FOLDS = frozenset(fold(word) for word in PLACE_WORDS)
# A number with a letter Tesseract reads for a digit in it («số s6» for «số 56», a tuning
# form): a word of digits and such letters only. A house number's own letter («12A», «5B»)
# or an abbreviated unit («Q1», «P5») is none of these.
_MISREAD_NUMBER = re.compile(r"(?<!\w)(?=\w*\d)(?=\w*[osOSlIzZ])[0-9osOSlIzZ]{2,}(?!\w)")
# A lone letter before an address's first place word is debris («ì sô 56đường Lê Lợi, …», a
# hard label_above receipt at forms tuning seed 19, a mark of the label's line read into it).
_LETTER_BEFORE_PLACE = re.compile(
    r"\s*([^\W\d_])\s+(?:" + "|".join(sorted(PLACE_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)
# A number opening with «+», a «1» read so («số +04 đường Hàm Nghi» for «số 104», a hard
# tabbed receipt at forms tuning seed 13, given so): an address prints no sign.
_PLUS_NUMBER = re.compile(r"(?<![\w+])\+\d+")
# A unit numbered after its place word whose number is one letter a digit is read as
# («xóm ó» for «xóm 6» in old-style figures, given on a clean tuning form at seed 31).
_MISREAD_UNIT_NUMBER = re.compile(
    r"(?<!\w)(?:xóm|tổ|khối|số|đội|ấp|quận|phường|Quận|Phường|Xóm|Tổ|Khối|Số|Đội|Ấp)"
    r"\s+[oóòỏõọôốồổỗộơớờởỡợOÓÒÔƠsSlzZ](?=[\s,.;]|$)")  # not «I»: «Phường I» is a name
# A small letter before the digits of a unit's number: a «1» read «r» or «l» («tổ r4» for
# «tổ 14», a hard garamond_fill form at forms tuning seed 71, given so). A house number's own
# letter follows its digits («12A»); an abbreviated unit's is a capital («P5»), but not «L»,
# which abbreviates no unit and is a «1» read so («tổ L1» for «tổ 14», a hard contrast_boxed
# receipt at forms tuning seed 11, given so).
_LETTER_BEFORE_NUMBER = re.compile(
    r"(?<!\w)(?:xóm|tổ|khối|số|đội|ấp|ngõ|ngách|hẻm|kiệt|thôn|khu|Xóm|Tổ|Khối|Số|Đội|Ấp|Ngõ"
    r"|Ngách|Hẻm|Kiệt|Thôn|Khu)\s+[a-zđL]\d+(?=[\s,.;]|$)")


def _listed_of_tied(votes: list[tuple[int, float, str]], prefix: str) -> str | None:
    """Of the spellings read most often (``votes`` sorted most first, prefix included), the
    one a listed commune's name is, when exactly one is; None otherwise. The gazetteer so
    breaks a tie («xã Uy Nỗ» and «xã Ủy Nỗ» read twice each, a mild tuning form at seed 37,
    three addresses refused): the value is respelt as listed (``Address.respell``)."""
    tied = [text for count, _, text in votes if count == votes[0][0]]
    listed = [text for text in tied if is_listed_commune(text[len(prefix):].strip())]
    return listed[0] if len(listed) == 1 else None


def _votes(read: str, copies: Copies) -> dict[str, tuple[int, float, str]]:
    """The copies of a unit as read, by spelling (lowercase): how many, their summed
    confidence, and one copy's text. Copies of another length are other words."""
    key = match_key(read)
    votes: dict[str, tuple[int, float, str]] = {}
    for copy in copies(key, len(key.split())):
        text = " ".join(strip_edges(word) for word in copy.words)
        if len(text) == len(read):
            count, total, _ = votes.get(text.lower(), (0, 0.0, text))
            votes[text.lower()] = (count + 1, total + copy.weakest, text)
    return votes


# Letters (without marks) a hamlet's word has at least to be judged by its units' marks.
MARKED_WORD_LETTERS = 5


def marks_unlike_units(value: str) -> str | None:
    """Why a hamlet's or street's word looks misread: the units named after it (checked
    against the gazetteer, and spelt by it) spell a word of the same letters with other marks
    («bản Chiêng Cang, xã Chiềng Mung», a mild tuning form at seed 37, given so). A hamlet is
    mostly named with its commune's words; which marks are right the value cannot tell.
    Only words of ``MARKED_WORD_LETTERS`` letters or more: short syllables with other marks
    are mostly other words («ấp Nhơn Thọ» of «Cần Thơ», «thôn Phú Quý» of «xã Hoằng Quỳ»)."""
    units = find_units(value)
    if not units:
        return None
    spelt: dict[str, set[str]] = {}
    for unit in units:
        for word in value[unit.start:unit.end].split():
            word = strip_edges(word).lower()
            spelt.setdefault(fold(word), set()).update(tone_placements(word))
    for word in value[:units[0].head].split():
        word = strip_edges(word)
        others = spelt.get(fold(word).lower())
        if others and len(fold(word)) >= MARKED_WORD_LETTERS \
                and not tone_placements(word.lower()) & others:
            return (f"has «{word}», which its units spell «{sorted(others)[0]}»: a misread "
                    f"mark?")
    return None


# Words an address opens with before a number besides the place words (``PLACE_WORDS``):
# a lot, a room, a flat, a building, a row, a kiosk, a kilometre post, a floor, a team, and
# the hamlets of the south and the highlands («khóm», «phum», «bon», «plei»).
_NUMBERED_WORDS = frozenset({"lô", "phòng", "căn", "nhà", "tòa", "toà", "dãy", "km", "kiốt",
                             "ki-ốt", "tầng", "lầu", "đội", "khu", "khóm", "phum", "bon",
                             "plei", "thửa"})
_OPENING_NUMBER = re.compile(r"^\s*([^\W\d_]+)\s+\d")


def misread_numbered_word(value: str) -> str | None:
    """Why the word an address opens with before a number looks misread: it is one letter
    (without accents) from a place word («số», «tổ», «xóm» …) and is no place word nor
    another word numbered so (``_NUMBERED_WORDS``). «sẻ 27 đường Nguyễn Huệ, …» for «số 27»
    (TeX Gyre Pagella at hard, a tuning receipt at seed 103) was given so."""
    found = _OPENING_NUMBER.match(value)
    if not found:
        return None
    word = nfc(found.group(1)).lower()
    if word in PLACE_WORDS or word in _NUMBERED_WORDS or fold(word) in _PLACE_FOLDS:
        return None
    near = sorted(place for place in PLACE_WORDS
                  if Levenshtein.distance(fold(word), fold(place)) == 1)
    if not near:
        return None
    return f"opens with «{found.group(1)}» before its number: «{near[0]}» misread?"


# A house's, lane's or hamlet's number with a stop after it inside an address: a speck read
# as one («tổ 3., phường Phú Hội, …», «ngõ 165. Xuân Thủy»: hard tab_leader and stacked_serif
# forms at tuning seed 179 gave them so). No address prints a stop after its number.
_NUMBER_STOP = re.compile(r"(?<![\d.])\d+\.(?=[\s,])")


# A part of an address after its first, between commas, of numbers alone.
_BARE_NUMBER_PART = re.compile(r",\s*(\d+(?:\s+\d+)*)\s*(?=,|$)")


def bare_number_part(value: str) -> str | None:
    """Why an address lost a unit's word: a part after the first that is numbers alone
    («phường Bến Nghé, 1 1, Thành phố Hồ Chí Minh» for «…, Quận 1, …»: a hard serif form at
    tuning seed 23 gave it so). A unit named by a number has its word («Quận 1», «Phường
    7») and a house's number opens the address or follows its word («số 12», «tổ 3»)."""
    found = _BARE_NUMBER_PART.search(value)
    if found:
        return f"has «{found.group(1)}», a number alone between commas: a unit's word lost?"
    return None


def name_in_small_letters(value: str) -> str | None:
    """Why a unit's name looks misread: it opens with a small letter. Units are named with
    capitals («xã Diễn Kỷ», «phường 7»); «xã biên Kỷ, huyện Diễn Châu» (a hard typewriter
    form at forms tuning seed 43) was given so, the commune's name the gazetteer never
    judges (``Address.respell``)."""
    for unit in find_units(value):
        name = value[unit.start:unit.end]
        words = fold(value[unit.head:unit.end]).split()
        if words[:2] == ["xa", "hoi"]:  # «xã hội», society («Trung tâm Bảo trợ xã hội»)
            continue
        if name[:1].isalpha() and name[:1].islower():
            return (f"has «{value[unit.head:unit.end]}», a unit's name in small letters: "
                    "misread?")
    return None


# A word of «x» and one more letter before a name: «xã» misread («xõ Uy Nỗ, huyện Đông Anh»
# in a hometown, a clean form at forms tuning seed 11, given so). No other word so short
# before a place's name starts with «x» («xóm» has three letters).
_COMMUNE_WORD_MISREAD = re.compile(r"(?<!\w)([xX][^\W\d_])\s+(?=[^\W\d_])")


def misread_commune_word(value: str) -> str | None:
    """Why an address's «xã» looks misread: a word of «x» and one letter other than «xã»
    (marks aside, «xa», «Xã») before a name written with a capital."""
    for found in _COMMUNE_WORD_MISREAD.finditer(value):
        name = value[found.end():found.end() + 1]
        if name.isupper() and fold(found.group(1)).lower() != "xa":
            return f"has «{found.group(1)}» before a name: «xã» misread?"
    return None


# «Ủy ban nhân dân» names its unit next: «Ủy ban nhân dân ký phường Dịch Vọng» (a stray
# «ký» read in, a hard birth extract at --types new tuning seed 227) was given so.
_PEOPLES_COMMITTEE = re.compile(r"(?<!\w)uy ban nhan dan\s+(?!(?:"
                                + "|".join(fold(p) for p, _ in PREFIXES)
                                + r")(?!\w))(\w+)")
# A letter, a stop and a small letter inside a word: a speck read into a name («Thạch
# 1L.inh» for «Thạch Linh», a hard birth extract at --types new tuning seed 227, given so).
# Abbreviations put a capital or a digit after their stop («TP.HCM», «P.5»).
_STOP_INSIDE_WORD = re.compile(r"\w*[^\W\d_]\.([^\W\d_])\w*")


def word_inside_body(value: str) -> str | None:
    """Why a people's committee's name looks misread: a word other than its unit's prefix
    after «Ủy ban nhân dân»."""
    value = nfc(value)  # ``fold`` keeps an NFC text's length: its places are the value's
    found = _PEOPLES_COMMITTEE.search(fold(value).lower())
    if found:
        word = value[found.start(1):found.end(1)]
        return f"has «{word}» between «Ủy ban nhân dân» and its unit: read in?"
    return None


def stop_inside_word(value: str) -> str | None:
    """Why an address's word looks misread: a stop between a letter and a small letter."""
    found = next((f for f in _STOP_INSIDE_WORD.finditer(value) if f.group(1).islower()), None)
    return f"has «{found.group()}», a stop inside a word: a speck?" if found else None


# A word of capitals this short opening a place before a fixed phrase (an institution's or a
# unit's: «Trung tâm y tế», «Ủy ban nhân dân») is debris read as letters: «ĐỘ Trung tâm y tế
# Quận 1, …» (a box's edge beside «Nơi sinh», a hard boxed_light form at tuning seed 61) was
# given at 0.56. Such a place is named by its phrase first; an abbreviation is longer
# («UBND») or is the unit's own («TP. …», no phrase after it).
_DEBRIS_CAPITALS = 3


def capitals_before_phrase(value: str, phrases: tuple[str, ...] | list[str]) -> str | None:
    """Why a place looks to open with debris: a short word of capitals before a fixed
    phrase (see ``_DEBRIS_CAPITALS``)."""
    first, _, rest = value.partition(" ")
    if not (first.isalpha() and first.isupper() and len(first) <= _DEBRIS_CAPITALS and rest):
        return None
    folded = match_key(rest)
    phrase = next((p for p in phrases if folded == match_key(p)
                   or folded.startswith(match_key(p) + " ")), None)
    if phrase is None:
        return None
    return f"opens with «{first}» before «{phrase}»: debris read as letters?"


def place_printed_otherwise(part: str, copies: Copies) -> str | None:
    """Why the name of the hamlet or street an address opens with (its part before the units,
    after a place word: «thôn Bình Minh»; no gazetteer spells it) is in doubt: the document
    prints it again with the same letters, a name's word with other marks, read more surely
    than the value's own copy: which was read right cannot be told. A value no copy
    spells as it is was mended from its own reading and is not judged so. A hard cn_grid
    form at forms tuning seed 71 gave the requester's «thôn Bỉnh Minh» while the same
    form's other residence read «thôn Bình Minh». Small
    words («tổ dân phố», read «tố dần phố») and copies read no more surely («thôn Trung Đồng»
    beside «Trung Đông») say nothing: seed 61 lost four right values to them."""
    part = part.strip(" ,;")
    words = [strip_edges(w) for w in part.split()]
    if not words or fold(words[0].lower()) not in PLACE_WORD_SPELLINGS:
        return None
    key = match_key(part)
    found = copies(key, len(key.split()))
    spelt = [[strip_edges(w) for w in copy.words] for copy in found]
    own = max((c.weakest for c, ws in zip(found, spelt, strict=True)
               if [nfc(w) for w in ws] == [nfc(w) for w in words]), default=None)
    if own is None:
        # No copy is spelt as the value: it was mended from its own reading (a word read two
        # ways, settled as unit names spell it), which is among the copies and says nothing.
        return None
    def differs(again: list[str]) -> bool:
        return any(nfc(read) != nfc(other) and read[:1].isupper()
                   for read, other in zip(words, again, strict=False))

    for copy, again in zip(found, spelt, strict=True):
        if copy.weakest > own and differs(again):
            return (f"has «{part}», printed again «{' '.join(again)}»: which is right cannot "
                    "be told")
    # Read alike nowhere else, and otherwise at least twice: a confidence says nothing then
    # (a hard classic form at forms tuning seed 11 gave «đường Hàm Nghị» read at 97, its
    # two copies read «Hàm Nghỉ» at 71 and «Hàm Nghi», the printed name, at 90).
    alike = sum(1 for again in spelt if [nfc(w) for w in again] == [nfc(w) for w in words])
    others = [again for again in spelt if differs(again)]
    if alike == 1 and len(others) >= MIN_OTHER_READINGS:
        return (f"has «{part}», printed again «{' '.join(others[0])}» and "
                f"«{' '.join(others[1])}»: which is right cannot be told")
    return None


# Copies read otherwise, none alike, that put a place's name in doubt whatever its own
# reading's confidence (``place_printed_otherwise``).
MIN_OTHER_READINGS = 2


_WORD = re.compile(r"\w+")


def place_words_spelt(value: str) -> str:
    """``value`` with each word that is a place word but for its marks spelt as place words
    are («tô L1» as «tổ L1»: a hard contrast_boxed receipt at forms tuning seed 11, whose
    misread number the checks by place word missed), its first letter's case kept: the
    text those checks read, not the value given."""
    def spelt(found: re.Match[str]) -> str:
        word = found.group()
        place = PLACE_WORD_SPELLINGS.get(fold(word.lower()))
        if place is None:
            return word
        return place.capitalize() if word[:1].isupper() else place
    return _WORD.sub(spelt, value)


UNNAMED_UNIT_PROBLEM = "ends in a unit's word without its name: the next line was not read"
# The words of units' prefixes (``PREFIXES``: «thành phố», «thị xã», «tỉnh» …), in small
# letters as they are printed: a name's words are capitalised («xã Yên Thành»).
_PREFIX_WORDS = frozenset(word for prefix, _ in PREFIXES for word in prefix.split())


def ends_in_unit_word(value: str) -> bool:
    """Whether the value ends in a word of a unit's prefix («…, quận Hải Châu, thành»: the
    wrapped «phố Đà Nẵng» was lost, given so on a mild tuning form at seed 43), which no
    unit's name is without its name after it; or in such a word alone after a comma, in
    capitals as a centrally-run city's prefix prints («…, Quận 1, Thành»: a hard tuning
    form at seed 103 gave the address so), where no name stands before it."""
    words = value.rstrip(" ,.;").split()
    if not words:
        return False
    if nfc(words[-1]) in _PREFIX_WORDS:
        return True
    last_part = value.rstrip(" ,.;").rsplit(",", 1)
    return len(last_part) == 2 and nfc(last_part[1].strip().lower()) in _PREFIX_WORDS


@dataclass(frozen=True)
class Address(Text):
    """Free text whose unit names are known; see the module's doc."""

    def problem(self, value: str, read: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """A value read up to a comma was cut (the line it goes on to was not read); else
        the problems of free text."""
        if read.rstrip().endswith(","):
            return CUT_OFF_PROBLEM
        if ends_in_unit_word(value):
            return UNNAMED_UNIT_PROBLEM
        spelt = place_words_spelt(value)
        number = (_MISREAD_NUMBER.search(value) or _PLUS_NUMBER.search(value)
                  or _MISREAD_UNIT_NUMBER.search(spelt) or _LETTER_BEFORE_NUMBER.search(spelt))
        if number:
            return f"has «{number.group()}», a number with a letter or a sign read for a digit?"
        opening = _LETTER_BEFORE_PLACE.match(spelt)
        if opening:
            return f"opens with «{opening.group(1)}» before its place word: debris?"
        numbered = misread_numbered_word(value)
        if numbered is not None:
            return numbered
        stop = _NUMBER_STOP.search(value)
        if stop:
            return f"has «{stop.group()}», a number with a stop after it: a speck?"
        return super().problem(value, read, context)

    def misread(self, value: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """A word of the part before the units (a hamlet, a street) that a unit name of the
        same address spells with the same letters but other marks (``marks_unlike_units``)."""
        return (marks_unlike_units(value) or bare_number_part(value)
                or name_in_small_letters(value) or misread_commune_word(value)
                or word_inside_body(value) or stop_inside_word(value)
                or capitals_before_phrase(value, context.phrases)
                or super().misread(value, context))

    def respell(self, value: str, weakest: float, copies: Copies,
                context: ValueContext = NO_CONTEXT) -> tuple[str, float] | None:
        """Commune names (which the gazetteer never judges unknown) as the document spells them
        most often.

        The office's own commune is printed again and again (header, stamp line, every
        address), and Tesseract misreads one copy or two in different ways («xã Ủy[77] Nỗ»
        among four «xã Uy Nỗ»); the spelling most copies agree on (then the surer) is taken,
        when more copies agree on it than on the value's own spelling."""
        spelt = value
        for unit in find_units(value):
            if unit.level != "commune":
                continue
            read = value[unit.head:unit.end]
            votes = _votes(read, copies)
            if not votes:
                continue
            count, _, winner = max(votes.values())
            # A tie of spellings the gazetteer breaks: the one a listed commune's name is
            # («xã Cắm Bình» and «xã Cẩm Bình» read twice each, a mild tuning form in TeX
            # Gyre Heros Cn at seed 11, a birth place refused), as ``copies_problem`` lets
            # the value's own spelling pass.
            listed = _listed_of_tied(sorted(votes.values(), reverse=True), unit.prefix)
            if listed is not None:
                winner = listed
            elif count <= votes.get(read.lower(), (0,))[0]:
                continue
            if winner.lower() != read.lower():
                spelt = spelt[:unit.head] + respell(read, winner) + spelt[unit.end:]
        return None if spelt == value else (spelt, weakest)

    def copies_problem(self, value: str, copies: Copies, context: ValueContext = NO_CONTEXT,
                       weakest: float = 100.0) -> str | None:
        """A commune the document spells two ways equally often, as read: which one is right
        cannot be told (a tuning letter read «Hoằng Quy» three times and «Hoằng Quỳ» three
        times, both communes of Hoằng Hóa, and gave the wrong one in two fields); or the
        hamlet or street it opens with printed again with other marks
        (``place_printed_otherwise``)."""
        units = find_units(value)
        for unit in units:
            if unit.level != "commune":
                continue
            votes = sorted(_votes(value[unit.head:unit.end], copies).values(), reverse=True)
            if len(votes) > 1 and votes[0][0] == votes[1][0] \
                    and _listed_of_tied(votes, unit.prefix) is None:
                return (f"the document spells the commune «{votes[0][2]}» and «{votes[1][2]}» "
                        f"equally often")
        return place_printed_otherwise(value[:units[0].head] if units else "", copies)

    def check_known_names(self, value: str) -> PlaceCheck | None:
        """Unit names checked and mended (``places.check_places``)."""
        return check_places(value)

    def share_mends(self, value: Value, mends: dict[str, str]) -> Value:
        """Words spelt as the same misread word was mended in a known unit name elsewhere in
        the document (a commune whose letters two listed communes share is not mended, but
        «Cấm» in «xã Cấm Bình» beside «huyện Cấm Xuyên» is the same misreading)."""
        return apply_mends(str(value), mends)
