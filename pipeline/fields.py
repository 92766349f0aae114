"""From the words read after a label to the contract's field: normalise, check, and decide
whether the value is sure enough to be given.

The rule (contract §1 and §2; documented for the benchmark in ``benchmarks/scoring.py``): a
wrong value is worse than a missing one. A value is given in ``fields`` only when it is valid
(its validator, its vocabulary and the order of dates agree) and its confidence reaches the
type's ``drop_below_confidence``. A value that was read but fails either test is left out of
``fields`` — it is not an answer — and recorded in ``Extraction.doubts`` with what was read and
why it was refused, so that the record goes to review with a reason naming the field. A value
that is simply not printed (a blank father block) is neither a field nor a doubt.

Checks that no confidence can replace, each from knowledge a production system has, are the
value kinds' (``pipeline.values``): addresses against the gazetteer of provinces and districts
(``pipeline.values.addresses``), person names against the name lists
(``pipeline.values.names``); and here, across fields, a dossier code's day (yymmdd) must be the
day it was received (``dated_by``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import Levenshtein

from pipeline.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.text import fold, has_alnum, letters_key, match_key, strip_edges
from pipeline.values import Copies, Value
from pipeline.values.date_words import WordsDate, date_in_words, day_month_in_words
from pipeline.values.emails import local_name_doubt, mend_local_by_name
from pipeline.values.kinds import ValueContext
from pipeline.values.names import is_known_name_word, toneless_capital
from pipeline.values.normalize import PATTERNS, email_in
from pipeline.values.official import (
    KIND_ABBREVIATIONS,
    body_initials,
    part_one_letter_from,
    symbol_kind,
)
from pipeline.values.places import (
    PLACE_WORDS,
    common_place_spelling,
    find_units,
    is_listed_unit,
    listed_like,
    place_name_misread,
    unit_names,
)
from pipeline.values.validate import (
    add_working_days,
    carries_date,
    code_day,
    code_iso_day,
    is_due_in,
    is_in_order,
    with_day,
)
from schemas.document import ExtractedField
from schemas.ocr import BBox, union_bbox


@dataclass(frozen=True)
class ValueWord:
    """One OCR word of a value: its text (NFC), confidence (0..100) and box."""

    text: str
    confidence: float
    bbox: BBox
    reread: str | None = None  # an enlarged second reading that read it otherwise


@dataclass(frozen=True)
class Doubt:
    """A value that was read but not given: what was read and why it was refused."""

    value: Value
    reason: str
    confidence: float
    # The value as it would have been given but for a clash with another field's day
    # («disagrees with the day of …»: both refused, which one was misread cannot be told);
    # given after all when a later reading settles the clash (pipeline/document.py
    # ``_agreed_reading``). None when anything else refused it too.
    held: ExtractedField | None = None


@dataclass(frozen=True)
class Candidate:
    """A value as built, before it is given or refused; ``weakest`` is the lowest OCR
    confidence (0..100) of its words with letters or digits, ``problem`` why it may not be
    given whatever its confidence (a unit name no gazetteer knows), ``mends`` the misread
    words its unit names were mended from (misread word -> right word)."""

    field: ExtractedField
    weakest: float
    problem: str | None = None
    mends: dict[str, str] = field(default_factory=dict)
    note: str | None = None  # how a given value was changed from what was read
    scores: tuple[float, ...] = ()  # the confidences of the words ``weakest`` is taken from


@dataclass(frozen=True)
class Extraction(Mapping[str, ExtractedField]):
    """What extraction gives for a document: the ``fields`` given (the contract's ``fields``)
    and the ``doubts``, values read but refused, for the review reasons.

    It reads as the mapping of the fields given (``extraction["phone"]``), as the contract's
    ``fields`` do; the doubts are only ever reached by name."""

    fields: dict[str, ExtractedField] = field(default_factory=dict)
    doubts: dict[str, Doubt] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # given values mended from the read

    def __getitem__(self, key: str) -> ExtractedField:
        return self.fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)


def snap_to_vocabulary(value: str, fdef: FieldDefinition,
                       max_edits: int) -> tuple[str, bool] | None:
    """The vocabulary entry a value means, and whether it had to be mended beyond accents.

    Accents and case are ignored («Me» is «Mẹ», «KINH» is «Kinh»). Failing that, the one
    entry within ``max_edits`` letters (without accents) of the value, when no other entry is
    as close and the value is long enough for a letter to matter («đinh» is «Kinh»). None
    when the value is no entry.
    """
    key = match_key(value)
    entries = {match_key(entry): entry for entry in reversed(fdef.vocabulary)}
    if key in entries:
        return entries[key], False
    # An entry followed by debris the value ran on into («Kinh v», «Việt Nam š»): the
    # longest entry the value starts with.
    leading = [k for k in entries if key.startswith(k + " ")]
    if leading:
        longest = max(leading, key=len)
        return entries[_longer_entry(key, longest, entries, max_edits) or longest], True
    if len(key) < 4:
        return None
    distances = sorted((Levenshtein.distance(key, k), k) for k in entries)
    best = distances[0] if distances else None
    if best is None or best[0] > max_edits:
        return None
    if len(distances) > 1 and distances[1][0] == best[0]:
        return None
    return entries[best[1]], True


def _longer_entry(key: str, leading: str, entries: dict[str, str], max_edits: int
                  ) -> str | None:
    """The one entry longer than ``leading`` that ``key`` (which starts with ``leading``
    and runs on) is within ``max_edits`` letters of, closer than any other: «Cô ruội» is
    «Cô ruột», its last word misread, not «Cô» and debris (FreeSerif thinned at mild, a
    probe in faces neither part prints in, seed 711, gave «Cô»). None when there is none."""
    longer = sorted((Levenshtein.distance(key, k), k) for k in entries
                    if k.startswith(leading + " "))
    if not longer or longer[0][0] > max_edits or (len(longer) > 1
                                                  and longer[1][0] == longer[0][0]):
        return None
    return longer[0][1]


def _value_words(words: list[ValueWord], fdef: FieldDefinition) -> list[ValueWord]:
    """The words the typed value was found in (a date inside «… ghi bằng chữ …»)."""
    span = fdef.normaliser.locate(" ".join(w.text for w in words))
    if span is None:
        return words
    inside, position = [], 0
    for word in words:
        if position < span[1] and span[0] < position + len(word.text):
            inside.append(word)
        position += len(word.text) + 1
    return inside or words


# Kinds whose value is its digits: the words around them («giờ», «phút», «ngày», «tháng»,
# «năm») are matched by their shape however damaged (pipeline.values.normalize), so how
# surely OCR read them says nothing of the value. A mild tuning receipt at seed 131 (TeX Gyre
# Bonum) read its time of receipt «11 øiờ@21 00 phút, ngày 11 tháng 09 năm 2024» right, and
# sent it to review at confidence 0.52 for the «giờ».
DIGIT_VALUED_PATTERNS = ("date", "datetime")


def _judged_words(words: list[ValueWord], fdef: FieldDefinition) -> list[ValueWord]:
    """The words a value's confidence is taken from: for a date or a date and time, those
    holding digits (see ``DIGIT_VALUED_PATTERNS``); for any other kind all of them."""
    if fdef.kind.pattern is None or fdef.kind.pattern.pattern not in {
            PATTERNS[name].pattern for name in DIGIT_VALUED_PATTERNS}:
        return words
    return [w for w in words if any(c.isdigit() for c in w.text)] or words


def _scores(words: list[ValueWord]) -> list[float]:
    return [w.confidence for w in words if has_alnum(w.text)] or [w.confidence for w in words]


def word_confidence(words: list[ValueWord], label_score: float) -> float:
    """Mean and worst word confidence together (one bad word casts doubt), times label fit.

    Only words with letters or digits count: marks («¬», «:») that cleaning drops from the
    value say nothing about how well it was read."""
    scores = _scores(words)
    mean_and_worst = (sum(scores) / len(scores) + min(scores)) / 200
    return round(mean_and_worst * label_score / 100, 3)


# Confidence of a short value of a closed vocabulary (gender, ethnicity, nationality, the
# relationship) read as exactly one of its entries, whatever the OCR said of its letters: one
# of a few dozen words is the evidence, and Tesseract gives short capitalised words («Nữ»,
# «Kinh») low confidences it does not give the same words inside a sentence. Measured on
# the issue-18 set: 4 of 19 genders were left out for low word confidence.
CLOSED_VOCABULARY_CONFIDENCE = 0.8
# ... as long as OCR saw letters there at all: below this (0..100) the word is a guess.
CLOSED_VOCABULARY_MIN_WORD = 20.0


def is_closed_value(text: str, value: Value, fdef: FieldDefinition) -> bool:
    """Whether the words read are, accents and case aside, exactly one entry of the field's
    closed vocabulary (its ``vocabulary``, or the gender kind's «Nam» / «Nữ»)."""
    if fdef.vocabulary:
        return match_key(text) in {match_key(entry) for entry in fdef.vocabulary}
    return fdef.kind.name == "gender" and match_key(text) == match_key(str(value))


def build_field(words: list[ValueWord], label_score: float, page: int, fdef: FieldDefinition,
                doctype: DocTypeDefinition) -> Candidate | None:
    """Normalise one value and judge it on its own; None when no value can be made."""
    words = settle_place_words(words, fdef)
    text = " ".join(w.text for w in words)
    context = doctype.context(fdef)
    value = fdef.normaliser.normalise(text, context)
    if value is None:
        return None
    read, value = value, fdef.normaliser.mend(value, context)
    used = _value_words(words, fdef)
    confidence = word_confidence(_judged_words(used, fdef), label_score)
    note = None
    if fdef.kind.mend_lowers_confidence and value != read:
        confidence = round(confidence * doctype.matching.vocabulary_edit_factor, 3)
        note = f"read «{read}», mended to «{value}»"
    valid = fdef.checker.validate(value)
    if fdef.vocabulary:
        snapped = snap_to_vocabulary(str(value), fdef, doctype.matching.vocabulary_max_edits)
        valid = snapped is not None
        if snapped is not None:
            value = snapped[0]
            if snapped[1]:
                confidence = round(confidence * doctype.matching.vocabulary_edit_factor, 3)
    if valid and is_closed_value(text, value, fdef) and min(_scores(used)) >= \
            CLOSED_VOCABULARY_MIN_WORD:
        confidence = max(confidence, round(CLOSED_VOCABULARY_CONFIDENCE * label_score / 100, 3))
    # Judged by the field's kind: words joined by a hyphen, no family name, a cut address.
    problem = (fdef.kind.problem(str(value), text, context) or read_two_ways(used)
               or letters_read_two_ways(used, str(value), fdef, context)
               or address_read_two_ways(used, fdef) or capital_tone_doubt(used, fdef)
               or weak_unlisted_name_word(used, fdef))
    extracted = ExtractedField(value=value, confidence=confidence, page=page,
                               bbox=union_bbox([w.bbox for w in used]), valid=valid)
    scores = tuple(_scores(used))
    return Candidate(extracted, min(scores), problem, note=note, scores=scores)


# A word of a name typed in capitals read less surely than this (0..100), whose vowel with
# a quality mark bears no tone where a name has one (``names.toneless_capital``), may have
# lost its tone: DejaVu Sans Mono at mild read «YẾN» «YÊN» at 85 and «TUẤN» «TUÂN» at 79,
# both given (tuning label_above forms at seed 63), where the names read right were at
# 91–97 on the same pages; a right «KIÊN» on a hard tuning form at seed 61 was at 89.
CAPITAL_TONE_SURE = 86.0
TONELESS_CAPITAL = "in capitals read without a tone mark"


def capital_tone_doubt(words: list[ValueWord], fdef: FieldDefinition) -> str | None:
    """Why a person's name typed in capitals cannot be given: a word after the family name
    (which the surname list spells) read unsurely without the tone a name of its letters
    has (see ``CAPITAL_TONE_SURE``). A copy in ordinary case may still spell it
    (``respell_from_copies``)."""
    if fdef.kind.name != "person_name":
        return None
    for word in words[1:]:
        names = toneless_capital(strip_edges(word.text))
        if names and word.confidence < CAPITAL_TONE_SURE:
            return (f"has «{strip_edges(word.text)}» {TONELESS_CAPITAL} at "
                    f"{word.confidence:.0f}: «{' / '.join(names)}»?")
    return None


# A word of a person's name that no name list holds, read less surely than this (0..100),
# is a guess: «Huỳnh Minh Việc» («Việt», its «t» a «c» at 14; «Huỳnh» and «Minh» at 97 and 84
# kept the value's confidence at 0.39) was given on a hard garamond_fill form at tuning seed
# 173. A listed name read so is still judged by the value's confidence.
WEAK_NAME_WORD = 30.0
UNLISTED_WEAK = "is no listed name, read at"


def weak_unlisted_name_word(words: list[ValueWord], fdef: FieldDefinition) -> str | None:
    """Why a person's name cannot be given: a word after the family name that no name list
    holds was read less surely than ``WEAK_NAME_WORD``. A copy read more surely may still
    spell it (``respell_from_copies``)."""
    if fdef.kind.name != "person_name":
        return None
    for word in words[1:]:
        text = strip_edges(word.text)
        if has_alnum(text) and word.confidence < WEAK_NAME_WORD \
                and not is_known_name_word(text):
            return f"has «{text}», which {UNLISTED_WEAK} {word.confidence:.0f}"
    return None


READ_TWO_WAYS = "has a number the digits-only reading read otherwise"


def read_two_ways(words: list[ValueWord]) -> str | None:
    """Why a value cannot be given when one of its words with digits is at confidence 0,
    as the digits-only second reading leaves a number it read otherwise
    (``pipeline.ocr.reread``): in a long value («10 giờ 55 phút, ngày 04 tháng 07 năm 2024»)
    one word at 0 leaves the mean confidence high enough to give it, with a digit either
    reading may have wrong."""
    if any(w.confidence <= 0 and any(c.isdigit() for c in w.text) for w in words):
        return READ_TWO_WAYS
    return None


# Kinds of free text whose words no list spells: their words read two ways are doubted
# (``letters_read_two_ways``). Person names are checked against the name lists instead.
CHECKED_TWICE_KINDS = frozenset({"text", "address", "body_name"})


def letters_read_two_ways(words: list[ValueWord], value: str, fdef: FieldDefinition,
                          context: ValueContext) -> str | None:
    """Why a free-text value cannot be given when one of its words an enlarged second
    reading read otherwise (``pipeline.ocr.reread.reread_letters``: a wrong tone mark on a
    hamlet's name, read at confidence 69–95) and no list spells the word: the type's fixed
    phrases, the place words, or a unit name the gazetteer lists that the value names (a
    word such a list mended is decided by the list, not by either reading)."""
    if fdef.kind.name not in CHECKED_TWICE_KINDS or context.vocabulary:
        return None
    doubted = [w for w in words if w.reread is not None]
    if not doubted:
        return None
    spelt = _listed_words(value, context)
    in_value = {letters_key(word) for word in value.split()}
    for word in doubted:
        first, second = letters_key(word.text), letters_key(word.reread or "")
        if first not in in_value or first in spelt or second in spelt:
            continue
        return f"has a word read two ways («{strip_edges(word.text)}», enlarged «{word.reread}»)"
    return None


def settle_place_words(words: list[ValueWord], fdef: FieldDefinition) -> list[ValueWord]:
    """An address's words read two ways whose readings differ only in marks, settled as
    place names commonly spell them (``places.common_place_spelling``): the word as chosen,
    no longer doubted (``letters_read_two_ways``); one whose enlarged reading names a listed
    unit the first does not, as enlarged; so too a date line's place (``_place_settled``).
    Other words and kinds as read."""
    if fdef.position == "place":
        return _place_settled(words)
    if fdef.kind.name != "address":
        return words
    settled = []
    for index, word in enumerate(words):
        chosen = common_place_spelling(word.text, word.reread) if word.reread else None
        if chosen is not None:
            text = word.text.replace(strip_edges(word.text), chosen, 1)
            word = replace(word, text=text, reread=None)
        elif word.reread and _unit_listed_by_reread(words, index):
            word = replace(word, text=word.reread, reread=None)
        settled.append(word)
    return settled


def _place_settled(words: list[ValueWord]) -> list[ValueWord]:
    """The place of a date line («Ea Phê, ngày …») whose word read two ways the gazetteer
    decides: of the first reading and the enlarged one, the one naming a listed unit when
    the other names none. «Eq Phê», enlarged «Ea» (a mild next_line notice at tuning seed
    103, its place refused), is «Ea Phê». Both listed («Thạch Hạ», «Thạch Hà»), the word
    stays doubted (``letters_read_two_ways``). Both listed but for their marks, the one
    listed marks and all when the other is not and every name listed with those letters
    spells the word so: «Hoàng Quỳ», enlarged «Hoằng», is the commune «Hoằng Quỳ» (attached
    notices at forms tuning seed 11 went to review for their place so). «Quỳ», enlarged
    «Quy», stays doubted: «Hoằng Quý» is listed too, and both readings may have missed it."""
    listed = _listed_unit_names()

    def rank(texts: list[str], index: int) -> int:
        """2 listed marks and all (its word spelt one way), 1 but for marks, 0 not."""
        name = strip_edges(" ".join(texts))
        if fold(name).lower() not in listed:
            return 0
        return 2 if is_listed_unit(name) and _one_listed_spelling(name, index) else 1

    for index, word in enumerate(words):
        if word.reread is None:
            continue
        texts = [w.text for w in words]
        first = rank(texts, index)
        second = rank([word.reread if i == index else t for i, t in enumerate(texts)], index)
        if first != second:
            text = word.text if first > second else word.reread
            words = [replace(w, text=text, reread=None) if i == index else w
                     for i, w in enumerate(words)]
    return words


def _one_listed_spelling(name: str, index: int) -> bool:
    """Whether every unit listed with the letters of ``name`` spells its word ``index``
    alike. A word past the name's (a mark read two ways after it, which the name was
    stripped of) is none: forms hard tuning seed 83 failed a whole file on it."""
    if index >= len(name.split()):
        return False
    spellings = {letters_key(listed.split()[index]) for listed in listed_like(name)
                 if len(listed.split()) == len(name.split())}
    return len(spellings) == 1


def _unit_listed_by_reread(words: list[ValueWord], index: int) -> bool:
    """Whether the enlarged reading of word ``index`` makes the unit it stands in one the
    gazetteer lists, where the first reading's is not: «xã Thạch Đi», enlarged «Đài» (TeX
    Gyre Heros Cn at hard, a tuning receipt at seed 103, its address refused), «Thạch Đài»
    a listed commune. The unit's name decides between the readings, as the gazetteer
    decides its marks (``_listed_unit_names``). A hamlet's or street's word is not judged."""
    first = _unit_name_at(words, index, words[index].text)
    second = _unit_name_at(words, index, words[index].reread or "")
    listed = _listed_unit_names()
    return (first is not None and second is not None
            and fold(first).lower() not in listed and fold(second).lower() in listed)


def _unit_name_at(words: list[ValueWord], index: int, text: str) -> str | None:
    """The name of the unit word ``index`` (read as ``text``) stands in, or None when it
    stands in none («thôn Bắc Sơn» is a hamlet, no unit)."""
    texts = [text if i == index else w.text for i, w in enumerate(words)]
    start = sum(len(t) + 1 for t in texts[:index])
    value = " ".join(texts)
    for unit in find_units(value):
        if unit.start <= start < max(unit.end, unit.start + 1):
            return strip_edges(value[unit.start:unit.end])
    return None


def address_read_two_ways(words: list[ValueWord], fdef: FieldDefinition) -> str | None:
    """Why an e-mail address cannot be given: a word of it the second reading in English
    (``pipeline.ocr.reread.reread_emails``) read with other letters or digits, which no
    list can decide between."""
    if fdef.kind.name != "email":
        return None
    doubted = next((w for i, w in enumerate(words) if w.reread is not None
                    and not _reread_alike(words, i)), None)
    if doubted is None:
        return None
    return f"was read two ways («{strip_edges(doubted.text)}», again «{doubted.reread}»)"


def _reread_alike(words: list[ValueWord], index: int) -> bool:
    """Whether the second reading at word ``index`` of an address reads the word, or the
    word and some of the words after it, alike. The enlarged piece may run on into the
    next words: «huong.nguyen@hatinh.» «gov.vn» read again «huong.nguyen(@hatinh. gov. vn»
    at the first word (a mild tuning receipt, dossier seed 13, went to review for it)."""
    again = _as_address(words[index].reread)
    return any(again == _as_address("".join(w.text for w in words[index:end]))
               for end in range(index + 1, len(words) + 1))


def _as_address(text: str | None) -> str:
    """A word of an e-mail address as the address reads it («@» misreadings mended, no
    spaces, small letters): «viet.bui®@» and «viet.bui@» are one reading (TeX Gyre Heros Cn
    at mild, tuning seed 131: the address went to review as read two ways)."""
    mended, _ = email_in(text or "")
    return re.sub(r"\s+", "", fold(mended))


def _listed_words(value: str, context: ValueContext) -> set[str]:
    """Words of a value that a list spells (see ``letters_read_two_ways``), as
    ``letters_key`` writes them."""
    words = set(fixed_spellings(context.phrases))
    listed = _listed_unit_names()
    for unit in find_units(value):
        name = value[unit.start:unit.end].strip()
        if fold(name).lower() in listed:
            words |= {letters_key(w) for w in name.split()}
    return words


@functools.cache
def fixed_spellings(phrases: tuple[str, ...]) -> frozenset[str]:
    """The words a list spells whatever the value (see ``letters_read_two_ways``): the
    type's fixed phrases' and the place words, as ``letters_key`` writes them. A word read
    so is never doubted for a second reading, whichever it was."""
    words = {letters_key(w) for phrase in phrases for w in phrase.split()}
    return frozenset(words | {letters_key(w) for w in PLACE_WORDS})


@functools.cache
def _listed_unit_names() -> frozenset[str]:
    """Every province, district and commune name the gazetteer lists, without accents in
    lower case: a name listed but for its marks is spelt by the gazetteer afterwards
    (``check_known_names``), whichever reading had its marks right («Cầm», enlarged «Cẩm»:
    «xã Cẩm Bình»)."""
    return frozenset(fold(name).lower() for name in unit_names())


# Confidence of a date the form writes again in words and the words agree with: two readings
# of the date by the document itself (Tesseract gives digits in some faces low confidences
# it does not give the same date in words: a tuning file's right date of birth was left out
# at 0.2).
WORDS_AGREE_CONFIDENCE = 0.8


def agree_with_words(candidates: dict[str, Candidate], after: Mapping[str, str],
                     doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """Dates checked against the date the form writes in words after them, when it does
    (``pipeline.values.date_words``): agreeing, given; disagreeing, refused naming the words'
    date. The digits are never mended to the words: a word OCR dropped («hai nghìn không
    trăm mươi ba») writes another date as surely as a misread digit does."""
    checked = dict(candidates)
    for key, candidate in candidates.items():
        fdef = doctype.field(key)
        words = date_in_words(after.get(key, "")) if fdef.type == "date" else None
        if words is not None and fdef.checker.validate(words.iso):
            checked[key] = _against_words(candidate, words)
        elif fdef.type == "date":
            checked[key] = _against_day_month(candidate, after.get(key, ""))
    return checked


def _against_day_month(candidate: Candidate, after: str) -> Candidate:
    """A date whose day or month the words write otherwise, when only those words can be
    read (``date_words.day_month_in_words``), is refused: TeX Gyre Bonum at hard read the
    birth date «18/07/2023» as «}8/07/2023» and gave 2023-07-08 (tuning seed 101), its words
    «ngày mười tám. tháng bẩy. r năm … hai. nghìn …» no whole date, but day 18."""
    written = day_month_in_words(after)
    value = str(candidate.field.value)
    if written is None or not _is_date(candidate.field.value):
        return candidate
    if (int(value[8:10]), int(value[5:7])) == written:
        return candidate
    return replace(candidate, problem=candidate.problem
                   or f"disagrees with the day and month written in words "
                      f"(«{written[0]:02d}/{written[1]:02d}»)")


def _against_words(candidate: Candidate, words: WordsDate) -> Candidate:
    """Agreeing words raise the confidence; words closed by their bracket that disagree
    refuse the date (words not closed so may have been cut short: they judge nothing)."""
    if str(candidate.field.value) == words.iso:
        confidence = max(candidate.field.confidence, WORDS_AGREE_CONFIDENCE)
        return replace(candidate, field=candidate.field.model_copy(
            update={"confidence": confidence}))
    if not words.closed:
        return candidate
    return replace(candidate, problem=candidate.problem
                   or f"disagrees with the date written in words («{words.iso}»)")


def respell_from_copies(candidate: Candidate, copies: Copies, fdef: FieldDefinition,
                        doctype: DocTypeDefinition) -> Candidate:
    """The value as spelt where the document prints it again, as the field's kind decides
    (a name read more surely in ordinary case, the commune most copies agree on); refused
    when its copies leave the spelling in doubt (``ValueKind.copies_problem``)."""
    context = doctype.context(fdef)
    if candidate.problem is not None and TONELESS_CAPITAL in candidate.problem \
            and _sure_copy_in_small_letters(str(candidate.field.value), copies):
        candidate = replace(candidate, problem=None)
    if candidate.problem is not None and UNLISTED_WEAK in candidate.problem \
            and _sure_copy_spelt_alike(str(candidate.field.value), copies):
        candidate = replace(candidate, problem=None, field=candidate.field.model_copy(update={
            "confidence": max(candidate.field.confidence, SAME_PERSON_CONFIDENCE)}))
    doubt = fdef.kind.copies_problem(str(candidate.field.value), copies, context,
                                     candidate.weakest)
    if doubt is not None:
        return replace(candidate, problem=candidate.problem or doubt)
    respelt = fdef.kind.respell(str(candidate.field.value), candidate.weakest, copies, context)
    if respelt is None:
        return candidate
    value, weakest = respelt
    problem = candidate.problem
    if problem is not None and (TONELESS_CAPITAL in problem or UNLISTED_WEAK in problem):
        problem = None  # spelt by a copy read more surely
    return replace(candidate, field=candidate.field.model_copy(update={"value": value}),
                   weakest=weakest, problem=problem)


# A copy of a name elsewhere in the document, spelt as the value letter for letter (marks and
# all) and read at least this surely (0..100) in every word, confirms a reading whose own
# word was a guess (``UNLISTED_WEAK``): the mother «Nguyễn Thị.Thư» read at 0 beside the
# requester «Nguyễn Thị Thư» read at 95, one woman (a hard tuning form at seed 11).
SURE_COPY_WORD = 90.0


def _sure_copy_spelt_alike(value: str, copies: Copies) -> bool:
    """Whether the document prints the name again, spelt as ``value`` (case aside) and read
    surely (``SURE_COPY_WORD``)."""
    return any(copy.weakest >= SURE_COPY_WORD
               and " ".join(strip_edges(word) for word in copy.words).lower() == value.lower()
               for copy in copies(match_key(value), len(value.split())))


def _sure_copy_in_small_letters(value: str, copies: Copies) -> bool:
    """Whether the document prints the name again in ordinary case, read surely
    (``CAPITAL_TONE_SURE``), spelt as the value: the tone a capital lacked is confirmed."""
    return any(not " ".join(copy.words).isupper() and copy.weakest >= CAPITAL_TONE_SURE
               and " ".join(copy.words).lower() == value.lower()
               for copy in copies(match_key(value), len(value.split())))


def check_known_names(candidates: dict[str, Candidate],
                      doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """Values checked against the lists their kind knows (the gazetteer, for addresses);
    then words of those values spelt as the same misread word was mended in a known name
    elsewhere in the document (see ``ValueKind.share_mends``); a value so mended is checked
    again, as its list's doubt may have been about the word mended («xã Cấm Bình», no
    district named, beside «huyện Cấm Xuyên» mended to «Cẩm Xuyên»)."""
    checked = dict(candidates)
    for key, candidate in candidates.items():
        fdef = doctype.field(key)
        known = fdef.kind.check_known_names(str(candidate.field.value))
        if known is None:
            continue
        confidence = candidate.field.confidence
        if known.mends or known.repaired:
            confidence = round(confidence * doctype.matching.vocabulary_edit_factor, 3)
        extracted = candidate.field.model_copy(update={
            "value": known.value, "confidence": confidence,
            "valid": fdef.checker.validate(known.value)})
        checked[key] = replace(candidate, field=extracted, mends=known.mends,
                               problem=candidate.problem or known.problem)
    mends = {old: new for c in checked.values() for old, new in c.mends.items()}
    for key, candidate in checked.items():
        mended = doctype.field(key).kind.share_mends(candidate.field.value, mends)
        if mended == candidate.field.value:
            continue
        problem = candidates[key].problem
        again = doctype.field(key).kind.check_known_names(str(mended))
        if problem is None and again is not None:
            problem = again.problem
        checked[key] = replace(candidate, problem=problem,
                               field=candidate.field.model_copy(update={"value": mended}))
    return checked


def date_from_code(candidates: dict[str, Candidate],
                   doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """A date one digit off the day its code carries (``dated_by``) spelt as the code has
    it, when the code is sure and valid and the date is no valid date: the code and the date
    are two printings of one day, and Tesseract misreads a 0 of a date as 6, 8 or 9
    («2025-98-22», «2024-07-61» beside codes of 250822 and 240701: two tuning receipts).
    The time is kept as read; the mend lowers the confidence and is noted."""
    checked = dict(candidates)
    for fdef in doctype.fields:
        code, dated = candidates.get(fdef.key), candidates.get(fdef.dated_by or "")
        if code is None or dated is None or not _is_sure(code, doctype):
            continue
        read = str(dated.field.value)
        mended = code_day(str(code.field.value), read)
        if mended is None or mended == read:
            continue
        # A valid date that disagrees may be the right one (the code misread): neither is given.
        if dated.field.valid or not doctype.field(fdef.dated_by or "").checker.validate(mended):
            continue
        checked[fdef.dated_by or ""] = _mended(
            dated, mended, f"read «{read}», mended to the day of {fdef.key}", doctype)
    return checked


def _is_sure(candidate: Candidate, doctype: DocTypeDefinition) -> bool:
    """Valid, without a problem, and read at least as surely as a value is given."""
    return (candidate.field.valid and candidate.problem is None
            and candidate.field.confidence >= doctype.matching.drop_below_confidence)


def _mended(candidate: Candidate, value: Value, note: str, doctype: DocTypeDefinition
            ) -> Candidate:
    """The candidate spelt ``value`` (valid), its confidence lowered as for a mend, noted."""
    confidence = round(candidate.field.confidence * doctype.matching.vocabulary_edit_factor, 3)
    return replace(candidate, note=note, field=candidate.field.model_copy(
        update={"value": value, "valid": True, "confidence": confidence}))


# Confidence of two printings of one fact (``same_person``, ``holder_born``) read alike.
SAME_PERSON_CONFIDENCE = 0.8


def _printed_twice(candidates: dict[str, Candidate], doctype: DocTypeDefinition,
                   rule: str) -> Iterator[tuple[str, str, Candidate, Candidate, Candidate]]:
    """(this key, the other key, this value, the other, the value that says so) for each
    field's ``rule`` (``same_person`` or ``holder_born``: {key: {value: other key}}) that
    applies: the field that says so sure, both values valid and without a problem."""
    for fdef in doctype.fields:
        for key, others in getattr(fdef, rule).items():
            said = candidates.get(key)
            other_key = others.get(str(said.field.value)) if said is not None else None
            own, other = candidates.get(fdef.key), candidates.get(other_key or "")
            if said is None or other_key is None or own is None or other is None \
                    or not _is_sure(said, doctype) or not (own.field.valid and other.field.valid) \
                    or own.problem is not None or other.problem is not None:
                continue
            yield fdef.key, other_key, own, other, said


def _judged_twice(checked: dict[str, Candidate], keys: tuple[str, str], doubt: str | None,
                  confirmed: tuple[str, ...] | None = None) -> None:
    """Both values refused for ``doubt``; else the ``confirmed`` ones (both by default)
    given at ``SAME_PERSON_CONFIDENCE`` or more."""
    for name in keys:
        if doubt is not None:
            checked[name] = replace(checked[name], problem=doubt)
            continue
        if confirmed is not None and name not in confirmed:
            continue
        confidence = max(checked[name].field.confidence, SAME_PERSON_CONFIDENCE)
        checked[name] = replace(checked[name], field=checked[name].field.model_copy(
            update={"confidence": confidence}))


# A name's words after its family name read at least this surely (0..100) leave the family
# name the only word in doubt: a birth certificate's «ĐĂNG[17] THỊ[96] VY[97]».
SURE_GIVEN_NAME_WORD = 90.0


def check_family_name(candidates: dict[str, Candidate],
                      doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """A child's name whose family name alone was read unsurely, given at
    ``SAME_PERSON_CONFIDENCE`` when a parent's name (``family_of``) read surely opens with
    it: a child bears the family name of the father or the mother (Civil Code 2015, art. 26).
    Birth certificates of --types new went to review for «ĐẶNG» read «ĐĂNG» at 17 (the
    child's name at 0.43, the mother «Đặng Thị Trâm» at 0.95): 6 of 90 tuning files at
    seeds 11, 17 and 29, clean and mild."""
    checked = dict(candidates)
    for fdef in doctype.fields:
        own = candidates.get(fdef.key)
        if not fdef.family_of or own is None or not _is_sure(own, doctype) \
                or own.field.confidence >= SAME_PERSON_CONFIDENCE:
            continue
        words = str(own.field.value).split()
        if len(words) < 2 or len(own.scores) != len(words) \
                or min(own.scores[1:]) < SURE_GIVEN_NAME_WORD:
            continue
        if any(_family_name(candidates.get(key), doctype) == words[0].lower()
               for key in fdef.family_of):
            checked[fdef.key] = replace(own, field=own.field.model_copy(
                update={"confidence": SAME_PERSON_CONFIDENCE}))
    return checked


def _family_name(candidate: Candidate | None, doctype: DocTypeDefinition) -> str | None:
    """The family name (first word, small letters) of a name read surely, else None."""
    if candidate is None or not _is_sure(candidate, doctype) \
            or candidate.field.confidence < SAME_PERSON_CONFIDENCE:
        return None
    words = str(candidate.field.value).split()
    return words[0].lower() if len(words) >= 2 else None


def check_same_person(candidates: dict[str, Candidate],
                      doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """Names of one person printed twice (``same_person``: the requester who is the mother,
    and the mother): spelt alike, both are given however unsure; spelt otherwise, neither is
    (which was misread cannot be told: a tuning form gave the requester «Phan Hằng Trâm»
    beside the mother «Phan Hồng Trâm»)."""
    checked = dict(candidates)
    for key, other_key, own, other, said in _printed_twice(candidates, doctype, "same_person"):
        alike = str(own.field.value).lower() == str(other.field.value).lower()
        _judged_twice(checked, (key, other_key), None if alike else (
            f"disagrees with {other_key} «{other.field.value}» / {key} «{own.field.value}», "
            f"one person as {said.field.value!s} says"))
    return checked


def check_email_name(candidates: dict[str, Candidate],
                     doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """An e-mail address one letter from a name its owner would make of the person's name
    printed in its block (``emails.mend_local_by_name``) mended to it, with lowered confidence
    as a mended vocabulary entry is; one that cannot be mended so but is a letter off such a
    name all the same (``emails.local_name_doubt``) goes to review. The person's name must
    be given (valid, no problem) and the only one of its block: whose address it is must be
    plain."""
    checked = dict(candidates)
    for key, candidate in candidates.items():
        fdef = doctype.field(key)
        if fdef.kind.name != "email" or candidate.problem is not None:
            continue
        names = [c for k, c in candidates.items()
                 if doctype.field(k).kind.name == "person_name"
                 and doctype.field(k).block == fdef.block
                 and c.field.valid and c.problem is None]
        if len(names) != 1:
            continue
        read = str(candidate.field.value)
        mended = mend_local_by_name(read, str(names[0].field.value))
        if mended is None:
            doubt = local_name_doubt(read, str(names[0].field.value))
            if doubt is not None:
                checked[key] = replace(candidate, problem=doubt)
            continue
        checked[key] = _mended(candidate, mended, f"read «{read}», mended to «{mended}» by "
                               f"the name «{names[0].field.value}»", doctype)
    return checked


def check_holder_born(candidates: dict[str, Candidate],
                      doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """A CCCD's year of birth (its 4th digit the century, its 5th and 6th the year) against
    the holder's year of birth the form prints (``holder_born``: the requester who is the
    mother, and the mother's «Năm sinh»): agreeing, the year is given however unsure (the
    CCCD confirms all of it) and the CCCD keeps its own confidence (three of its twelve
    digits agreeing say nothing of the other nine); disagreeing, neither is given (a digit
    of one of them was misread)."""
    checked = dict(candidates)
    for key, year_key, own, year, _ in _printed_twice(candidates, doctype, "holder_born"):
        number = str(own.field.value)
        if len(number) != 12:
            continue  # an old CMND writes no year
        born = 1900 + 100 * (int(number[3]) // 2) + int(number[4:6])
        _judged_twice(checked, (key, year_key), None if str(born) == str(year.field.value) else
                      f"disagrees with the year of birth: the CCCD writes {born}, the form "
                      f"«{year.field.value}»", confirmed=(year_key,))
    return checked


# Confidence of a due day and a number of days that agree with the day received: three
# readings of the form agree, which a misread digit in any of them breaks (Tesseract gives
# digits of some faces low confidences it does not give the same digits elsewhere).
DUE_AGREES_CONFIDENCE = 0.8


def check_due_days(candidates: dict[str, Candidate],
                   doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """Due days checked against their start plus the working days (``due_after``): agreeing,
    the due day and the days are given with at least ``DUE_AGREES_CONFIDENCE``; disagreeing,
    neither is (which of them was misread cannot be told; the start has checks of its own)."""
    checked = dict(candidates)
    for fdef in doctype.fields:
        if not fdef.due_after:
            continue
        keys = (fdef.key, *fdef.due_after)
        due, start, days = (candidates.get(key) for key in keys)
        if start is None or not _is_sure(start, doctype):
            checked = _due_by_code_day(checked, due, days, keys, doctype)
            if start is None:
                continue
        if due is not None and start is not None and days is not None and not due.field.valid:
            checked[keys[0]] = _due_from_start(due, start, days, fdef, doctype)
            continue
        if due is None or start is None or days is None \
                or not all(c.field.valid for c in (due, start, days)) \
                or not is_in_order(start.field.value, due.field.value):
            continue  # judged by their validators, or by the order of the dates
        agree = is_due_in(start.field.value, days.field.value, due.field.value)
        counted = None if agree or due.problem or not _is_sure(start, doctype) \
            else days_counted(start, days, due)
        agree = agree or counted is not None
        for key, other in ((keys[0], keys[2]), (keys[2], keys[0])):
            checked[key] = _judged_by_due(checked[key], agree, other, keys[1])
        if counted is not None:  # the days mended keep a mend's lowered confidence
            checked[keys[2]] = _mended(days, counted, f"read «{days.field.value}», {keys[0]} "
                                       f"counted from {keys[1]} gives {counted}", doctype)
        if agree and _start_read_twice(start, due, candidates, fdef.due_after[0], doctype):
            checked[keys[1]] = _judged_by_due(start, True, keys[2], keys[1])
        if _days_settled_by_due(start, days, due, doctype):
            checked[keys[2]] = replace(checked[keys[2]], problem=None, note=(
                f"read two ways; {keys[0]} counted from {keys[1]} gives it"))
    return _unchecked_days(checked, doctype)


def _days_settled_by_due(start: Candidate, days: Candidate, due: Candidate,
                         doctype: DocTypeDefinition) -> bool:
    """Whether days whose digits-only reading read them otherwise (``READ_TWO_WAYS``) are
    as first read: the due day, read without doubt, is exactly that many working days after
    a start read surely. Two other printings then agree with the first reading («7» of a
    mild tuning receipt at dossier seed 13 went to review, its due day 7 working days on)."""
    if days.problem != READ_TWO_WAYS or due.problem is not None or not _is_sure(start, doctype):
        return False
    first = dt.date.fromisoformat(str(start.field.value)[:10])
    last = dt.date.fromisoformat(str(due.field.value)[:10])
    return add_working_days(first, int(days.field.value)) == last


# Digits a face prints so alike that Tesseract reads one for the other with full confidence
# («1 ngày» for «7 ngày» on a mild tuning boxed_light receipt at seed 64, refused with its
# due day, which it disagreed with).
DIGIT_LOOKALIKES: dict[str, str] = {"1": "7", "7": "1", "3": "8", "8": "3690", "5": "6",
                                    "6": "58", "0": "8", "9": "8"}


def days_counted(start: Candidate, days: Candidate, due: Candidate) -> int | None:
    """The number of days the due day, counted from the start, says was printed, when the
    days read disagree with it by one digit its look-alike (``DIGIT_LOOKALIKES``) and only
    one such reading lands on the due day exactly in working days (``is_due_in``'s calendar
    days and holiday allowance would let other counts agree: a tuning receipt at seed 61
    read «15» as «1», and 7 working days with the allowance reached its due day); None
    otherwise. A misread due day would have to land exactly on such a count."""
    read = str(days.field.value)
    first = dt.date.fromisoformat(str(start.field.value)[:10])
    last = dt.date.fromisoformat(str(due.field.value)[:10])
    agreeing = {int(read[:i] + other + read[i + 1:])
                for i, digit in enumerate(read) for other in DIGIT_LOOKALIKES.get(digit, "")}
    agreeing = {n for n in agreeing if n > 0 and add_working_days(first, n) == last}
    return agreeing.pop() if len(agreeing) == 1 else None


# A number of days no due day checked (the due day not read, or refused) is given only when
# read this surely: one or two digits, whose misread («5» for «15» in a thin face, given at
# 0.45 on a tuning receipt at seed 23) no other reading of the form can catch.
UNCHECKED_DAYS_CONFIDENCE = 0.6


def _unchecked_days(checked: dict[str, Candidate],
                    doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """Days refused when the due day that would check them is not given and they were read
    less surely than ``UNCHECKED_DAYS_CONFIDENCE`` (see there)."""
    for fdef in doctype.fields:
        if not fdef.due_after:
            continue
        due, days = checked.get(fdef.key), checked.get(fdef.due_after[1])
        if days is None or days.problem is not None \
                or days.field.confidence >= UNCHECKED_DAYS_CONFIDENCE:
            continue
        if due is not None and _is_sure(due, doctype):
            continue  # checked against it above, or judged by the order of the dates
        checked[fdef.due_after[1]] = replace(days, problem=(
            f"was read with confidence {days.field.confidence:.2f} and no due day checks it"))
    return checked


def _code_day(candidates: Mapping[str, Candidate], key: str,
              doctype: DocTypeDefinition) -> str | None:
    """The day (ISO) a sure code carries for ``key`` (``dated_by``), if any."""
    for fdef in doctype.fields:
        code = candidates.get(fdef.key)
        if fdef.dated_by != key or code is None or not _is_sure(code, doctype):
            continue
        iso = code_iso_day(str(code.field.value))
        if iso is None:
            continue
        try:
            return dt.date.fromisoformat(iso).isoformat()
        except ValueError:
            return None
    return None


def _due_by_code_day(checked: dict[str, Candidate], due: Candidate | None,
                     days: Candidate | None, keys: tuple[str, ...],
                     doctype: DocTypeDefinition) -> dict[str, Candidate]:
    """Due day and days judged against the day the dossier code carries, when the start
    itself was not found or is unsure: the code is made the day the dossier is received, so
    it is the start's second printing. Agreeing, both are given as surely as against the
    start; disagreeing (or due before that day), neither is. Without it a due day whose
    received time was not read was judged by nothing (a tuning receipt's due day read a
    year early, its received time refused, was only stopped by its digit re-read)."""
    if due is None or days is None or not (due.field.valid and days.field.valid) \
            or due.problem is not None:
        return checked  # a due day refused anyway judges nothing
    start = _code_day(checked, keys[1], doctype)
    if start is None:
        return checked
    agree = is_in_order(start, due.field.value) and is_due_in(start, days.field.value,
                                                               due.field.value)
    checked = dict(checked)
    for key, other in ((keys[0], keys[2]), (keys[2], keys[0])):
        checked[key] = _judged_by_due(checked[key], agree, other, "the day of the code")
    return checked


def _start_read_twice(start: Candidate, due: Candidate, candidates: dict[str, Candidate],
                      key: str, doctype: DocTypeDefinition) -> bool:
    """Whether every part of a start that agrees with its due day was read twice: its day in
    the code that carries it (``dated_by``), its time in the due day's (offices hand results
    back at the hour they received the dossier). A received time read at 0.35 was the only
    reason a clean tuning receipt went to review."""
    codes = [candidates.get(f.key) for f in doctype.fields if f.dated_by == key]
    code = codes[0] if codes else None
    return (str(start.field.value)[10:] == str(due.field.value)[10:] and code is not None
            and _is_sure(code, doctype)
            and carries_date(str(code.field.value), str(start.field.value)))


def _due_from_start(due: Candidate, start: Candidate, days: Candidate, fdef: FieldDefinition,
                    doctype: DocTypeDefinition) -> Candidate:
    """A due day that is no valid date but one digit off the start plus the working days
    («2024-12-66» for «2024-12-06», a tuning file) spelt as that day, when the start and the
    days are sure and valid; the time is kept as read, the confidence lowered, the mend
    noted. A holiday may move a due day, but never by a digit's worth into an invalid one."""
    if not (_is_sure(start, doctype) and _is_sure(days, doctype)
            and isinstance(days.field.value, int)):
        return due
    first = dt.date.fromisoformat(str(start.field.value)[:10])
    read = str(due.field.value)
    mended = with_day(add_working_days(first, days.field.value).isoformat(), read)
    if mended is None or not fdef.checker.validate(mended):
        return due
    return _mended(due, mended, f"read «{read}», mended to the day counted from the start",
                   doctype)


def _judged_by_due(candidate: Candidate, agree: bool, other: str, start: str) -> Candidate:
    if not agree:
        return replace(candidate, problem=candidate.problem
                       or f"disagrees with {other} counted from {start}")
    confidence = max(candidate.field.confidence, DUE_AGREES_CONFIDENCE)
    return replace(candidate, field=candidate.field.model_copy(
        update={"confidence": confidence}))


def _out_of_order(fdef: FieldDefinition, values: dict[str, Value],
                  doctype: DocTypeDefinition) -> str | None:
    """The key this value is out of order with, if any.

    Two full dates out of order («received» after «due», a child born after the form was
    signed) are both refused: which of them was misread cannot be told (the field that does
    not name the order was given before). A year against a date refuses the year alone: a
    mother is never born after her child, but a misread year is."""
    own = values.get(fdef.key)
    if own is None:
        return None  # refused as invalid already
    pairs = [(fdef.key, key) for key in fdef.before] + [(key, fdef.key) for key in fdef.after]
    if _is_date(own):  # the orders other fields state against this one, both being dates
        for other in doctype.fields:
            if _is_date(values.get(other.key)):
                pairs += [(other.key, fdef.key)] if fdef.key in other.before else []
                pairs += [(fdef.key, other.key)] if fdef.key in other.after else []
    for earlier, later in pairs:
        if earlier in values and later in values \
                and not is_in_order(values[earlier], values[later]):
            return later if earlier == fdef.key else earlier
    return None


def _is_date(value: Value | None) -> bool:
    """A full date or date-time (not a bare year)."""
    return isinstance(value, str) and len(value) >= 10


def _date_mismatch(fdef: FieldDefinition, values: dict[str, Value],
                   doctype: DocTypeDefinition) -> str | None:
    """The key whose date disagrees with the day a code carries (``dated_by``), either way:
    which of the two was misread cannot be told, so neither is given."""
    pairs = [(fdef.key, fdef.dated_by)] if fdef.dated_by else []
    pairs += [(f.key, fdef.key) for f in doctype.fields if f.dated_by == fdef.key]
    for code_key, date_key in pairs:
        if code_key in values and date_key in values and not carries_date(
                str(values[code_key]), str(values[date_key])):
            return date_key if code_key == fdef.key else code_key
    return None


def _refusal(candidate: Candidate, fdef: FieldDefinition, clash: str | None,
             doctype: DocTypeDefinition) -> str | None:
    """Why a value may not be given, or None when it may."""
    extracted = candidate.field
    if candidate.problem is not None:
        return candidate.problem
    if not extracted.valid:
        return ("is not in the list of known values" if fdef.vocabulary
                else f"is not a valid {fdef.checker.meaning}")
    # Judged on the final spelling: a copy printed in ordinary case may have mended it.
    misread = fdef.kind.misread(str(extracted.value), doctype.context(fdef))
    if misread is not None:
        return misread
    if clash is not None:
        return clash
    if extracted.confidence < doctype.matching.drop_below_confidence:
        return f"was read with low confidence {extracted.confidence:.2f}"
    if candidate.weakest < doctype.matching.min_word_confidence:
        return f"has a word read with low confidence {candidate.weakest / 100:.2f}"
    return None


def check_fields(candidates: dict[str, Candidate], doctype: DocTypeDefinition) -> Extraction:
    """Cross-field order checks, then each value is given or refused as a doubt."""
    # Only valid values judge others: «2924-03-25» refused as no date took the form's right
    # signing date down with it as out of order (a tuning file).
    values = {k: c.field.value for k, c in candidates.items() if c.field.valid}
    given: dict[str, ExtractedField] = {}
    doubts: dict[str, Doubt] = {}
    notes: dict[str, str] = {}
    for key, candidate in candidates.items():
        fdef = doctype.field(key)
        after = _out_of_order(fdef, values, doctype)
        mismatch = _date_mismatch(fdef, values, doctype)
        clash = (f"is out of order with {after}" if after
                 else f"disagrees with the day of {mismatch}" if mismatch else None)
        reason = _refusal(candidate, fdef, clash, doctype)
        extracted = candidate.field
        if reason is None:
            given[key] = extracted
            if candidate.note:
                notes[key] = candidate.note
        else:
            held = extracted if mismatch and reason == clash \
                and _refusal(candidate, fdef, None, doctype) is None else None
            doubts[key] = Doubt(extracted.value, reason, extracted.confidence, held)
    return Extraction(given, doubts, notes)


def agree_kind_and_symbol(extraction: Extraction, doctype: DocTypeDefinition) -> Extraction:
    """A document's kind and the kind its symbol names must agree («15/QĐ-UBND» is a
    «Quyết định»): when they do not, one of them was misread, and the kind is not given.
    When they do, the kind is as sure as its symbol (``_kind_as_sure_as_symbol``)."""
    kinds = [f.key for f in doctype.fields if f.type == "document_kind"]
    numbers = [f.key for f in doctype.fields if f.type == "document_number"]
    if not kinds or not numbers:
        return extraction
    kind, number = extraction.fields.get(kinds[0]), extraction.fields.get(numbers[0])
    extraction = _symbol_misread(extraction, numbers[0], kind, _authority_of(extraction,
                                                                             doctype))
    number = extraction.fields.get(numbers[0])
    if kind is None or number is None:
        return extraction
    named = symbol_kind(str(number.value))
    if named is None:
        return extraction
    if named == kind.value:
        return _kind_as_sure_as_symbol(extraction, kinds[0], number)
    fields = {k: v for k, v in extraction.fields.items() if k != kinds[0]}
    doubts = {**extraction.doubts, kinds[0]: Doubt(
        kind.value, f"disagrees with the symbol of {numbers[0]} («{named}»)", kind.confidence)}
    return Extraction(fields, doubts, extraction.notes)


def _authority_of(extraction: Extraction, doctype: DocTypeDefinition) -> str | None:
    """The issuing body's name given (``issuing_authority``'s field type), if any."""
    keys = [f.key for f in doctype.fields if f.type == "body_name"]
    given = extraction.fields.get(keys[0]) if keys else None
    return str(given.value) if given is not None else None


# Parts of a symbol this long or longer are checked (``_symbol_misread``): two letters are one
# from too many others («KH», a plan's, and «KT», a department's).
MIN_CHECKED_PART = 3


def _symbol_misread(extraction: Extraction, key: str, kind: ExtractedField | None,
                    authority: str | None) -> Extraction:
    """The document number left out when a part of its symbol is one letter from what the
    document prints elsewhere and is not it: the abbreviation of its kind read from its title
    («75/TTT-UBND» on a «Tờ trình», whose symbol prints «TTr»), or the initials of its
    issuing body («64/STNMTI-HCTC» under «Sở Tài nguyên và Môi trường», «STNMT»). Decree 30
    (Appendix I) makes the symbol of those abbreviations; a part one letter off is a misread
    one (both given wrong on --types new tuning seed 71, clean and mild)."""
    number = extraction.fields.get(key)
    if number is None:
        return extraction
    expected = [KIND_ABBREVIATIONS.get(str(kind.value), "") if kind is not None else "",
                body_initials(authority) if authority else ""]
    for printed in (e for e in expected if len(e) >= MIN_CHECKED_PART):
        near = part_one_letter_from(str(number.value), printed)
        if near is not None:
            fields = {k: v for k, v in extraction.fields.items() if k != key}
            doubts = {**extraction.doubts, key: Doubt(
                number.value, f"has «{near}» in its symbol where the document prints "
                              f"«{printed}»: misread?", number.confidence)}
            return Extraction(fields, doubts, extraction.notes)
    return extraction


def _kind_as_sure_as_symbol(extraction: Extraction, key: str,
                            number: ExtractedField) -> Extraction:
    """A kind read less surely than its document's symbol that names it, at the symbol's
    confidence: the kind's name of the closed list and the symbol's abbreviation («Thông
    báo», «71/TB-UBND») are two readings of one thing that agree. Two attached notices at
    forms tuning seed 29 (clean and mild) went to review for «Thông báo» read at 0.34 and
    0.49, their symbols at 0.87."""
    kind = extraction.fields[key]
    if kind.confidence >= number.confidence:
        return extraction
    fields = {**extraction.fields, key: kind.model_copy(update={"confidence": number.confidence})}
    return Extraction(fields, extraction.doubts, extraction.notes)


def place_as_in_authority(extraction: Extraction, doctype: DocTypeDefinition) -> Extraction:
    """The place on the date line spelt as the body's name spells it when they are the same
    but for accents: the italic date line loses a tone mark («Chiêng Mung») that the body's
    name in capitals keeps («XÃ CHIỀNG MUNG»). Without the body's name, a place no unit is
    named but a commune of its letters is goes to review (``_place_alone``)."""
    place_key = next((f.key for f in doctype.fields if f.position == "place"), None)
    body_key = next((f.key for f in doctype.fields if f.position == "authority"), None)
    place = extraction.fields.get(place_key or "")
    body = extraction.fields.get(body_key or "")
    if place is None:
        return extraction
    if not str(place.value)[:1].isupper():
        return _without(extraction, place_key or "", place,
                        "begins in a small letter, where a place's name begins in a capital "
                        "(Decree 30/2020, Appendix I, I.4.c): its start was not read")
    if body is None:
        return _place_alone(extraction, place_key or "", place)
    cut = cut_short(str(body.value), str(place.value))
    if cut is not None:
        key, kept = (body_key, place) if cut == "body" else (place_key, body)
        shorter = body if cut == "body" else place
        return _without(extraction, key or "", shorter,
                        f"stops inside the word «{str(kept.value).split()[-1]}» of "
                        f"«{kept.value}» (cut short?)")
    name, folded = str(body.value), fold(str(body.value))
    at = folded.rfind(fold(str(place.value)))
    if at >= 0 and (cut := _cut_from_name(name, at, at + len(str(place.value)))):
        return _without(extraction, place_key or "", place,
                        f"is only part of «{cut}», the place the body's name names: the rest "
                        "of it was not read")
    if at < 0 or str(place.value) == name[at:at + len(str(place.value))]:
        return extraction
    spelt = name[at:at + len(str(place.value))]
    fields = {**extraction.fields,
              place_key: place.model_copy(update={"value": spelt})}  # type: ignore[dict-item]
    return Extraction(fields, extraction.doubts, extraction.notes)


def _without(extraction: Extraction, key: str, field: ExtractedField,
             problem: str) -> Extraction:
    """The extraction with ``key``'s value left out, doubted for ``problem``."""
    fields = {k: v for k, v in extraction.fields.items() if k != key}
    doubts = {**extraction.doubts, key: Doubt(field.value, problem, field.confidence)}
    return Extraction(fields, doubts, extraction.notes)


def _cut_from_name(name: str, start: int, end: int) -> str | None:
    """The whole place name when ``name[start:end]`` (a place read on the date line, found
    in the body's name) is only part of one: a capitalised word of the name stands right
    before or after it. «Chí Minh» for «Thành phố Hồ Chí Minh» (its «phố.Hồ» read glued:
    a hard tuning notice of --types new, seed 191) was given at 0.92."""
    before = name[:start].split()
    after = name[end:].split()
    joined = not name[start - 1:start].isspace() and start > 0
    if joined or name[end:end + 1].isalpha():
        return None  # inside a word: not this place
    head = before[-1] if before and before[-1][:1].isupper() else ""
    tail = after[0] if after and after[0][:1].isupper() else ""
    if not head and not tail:
        return None
    return " ".join(w for w in (head, name[start:end], tail) if w)


def cut_short(body: str, place: str) -> str | None:
    """Which of a body's name and the place on its date line ends a word short of the other
    («xã Thạch Đà» and «Thạch Đài»: ``"body"``; the other way ``"place"``), the words before
    it the same: a last letter lost at hard (an «ĐÀ» read at 29 from «ĐÀI» in Carlito, a
    probe in faces neither part prints in, seed 703, was given in «Ủy ban nhân dân xã Thạch
    Đà», itself a listed commune). None when neither is."""
    places = [strip_edges(w) for w in fold(place).split()]
    bodies = [strip_edges(w) for w in fold(body).split()]
    if not places or len(bodies) < len(places) or bodies[-len(places):-1] != places[:-1]:
        return None
    own, dated = bodies[-1], places[-1]
    if own != dated and own and dated.startswith(own):
        return "body"
    if own != dated and dated and own.startswith(dated):
        return "place"
    return None


def _place_alone(extraction: Extraction, key: str, place: ExtractedField) -> Extraction:
    """The place with no body's name to spell it by, checked against the gazetteer
    (``places.place_name_misread``): left out with the reason when it looks misread."""
    problem = place_name_misread(str(place.value))
    return extraction if problem is None else _without(extraction, key, place, problem)
