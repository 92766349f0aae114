"""What every value kind is: how its values are read, judged, mended and explained.

A kind is one object holding everything the pipeline and the review form know of one sort of
value (a date, a phone number, a person's name, an address). Plain kinds only read and judge;
``Text``, ``pipeline.values.names.PersonName`` and ``pipeline.values.addresses.Address`` add the
checks and respellings that need more knowledge (fixed phrases, name lists, the gazetteer).
The kinds by name are in ``pipeline.values.registry``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.text import fold
from pipeline.values.normalize import Span, Value, span_of
from pipeline.values.phrases import ABBREVIATIONS, mend_text, phrase_word_lost
from pipeline.values.places import city_word_lost
from pipeline.values.syllables import is_syllable

if TYPE_CHECKING:
    from pipeline.values.places import PlaceCheck

Normalizer = Callable[[str], Value | None]
Validator = Callable[[Value], bool]

# Two words joined by a hyphen («giấy-phép», «Ủy-ban»): Vietnamese writes syllables apart,
# and Tesseract reads a speck between two words as «-». Values with a closed vocabulary
# («Ê-đê», «Ca-na-đa») are spelt by their list instead.
_JOINED_WORDS = re.compile(r"[^\W\d_]-[^\W\d_]")


@dataclass(frozen=True)
class ValueContext:
    """What a kind may need to know of the field and document type a value belongs to."""

    keep_case_prefixes: tuple[str, ...] = ()  # names starting so (organisations) keep case
    surnames: tuple[str, ...] = ()  # the type's spellings of family names
    phrases: tuple[str, ...] = ()  # the type's fixed phrases, for free text
    vocabulary: bool = False  # the field's values are spelt by a closed list


NO_CONTEXT = ValueContext()


@dataclass(frozen=True)
class Copy:
    """The words of a run printed elsewhere in the document that matches a value's letters,
    and the lowest OCR confidence (0..100) among them."""

    words: tuple[str, ...]
    weakest: float


# The copies of a value in the document: its match key and word count in, the copies out.
Copies = Callable[[str, int], list[Copy]]


@dataclass(frozen=True)
class ValueKind:
    """One kind of value: ``normalizer`` writes printed text the contract's way (None: no
    such value in the text), ``validator`` judges a normalised value, ``pattern`` is where
    the value stands in the text (None: the whole text), ``meaning`` completes «is not a
    valid …» in review reasons and ``hint`` tells a reviewer what to type."""

    name: str
    normalizer: Normalizer
    validator: Validator
    meaning: str
    hint: str
    pattern: re.Pattern[str] | None = None
    free_text: bool = False  # any words make such a value (a wrapped line may go on)
    # A value ``mend`` changed is given with lowered confidence (an e-mail domain mended to a
    # provider's): the mend is a guess, however likely.
    mend_lowers_confidence: bool = False

    def normalise(self, text: str, context: ValueContext = NO_CONTEXT) -> Value | None:
        """The contract's value in ``text``, or None when it holds none."""
        return self.normalizer(text)

    def validate(self, value: Value) -> bool:
        """Whether a normalised value is plausible."""
        return self.validator(value)

    def locate(self, text: str) -> Span | None:
        """Where in ``nfc(text)`` the value stands (for the bounding box of its words)."""
        return span_of(self.pattern, text)

    def mend(self, value: Value, context: ValueContext = NO_CONTEXT) -> Value:
        """The value with OCR damage that is certain put right (nothing, for most kinds)."""
        return value

    def problem(self, value: str, read: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """Why a value read as ``read`` may not be given whatever its confidence."""
        return None

    def misread(self, value: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """Why the value's final spelling (after respelling) shows a misreading."""
        return None

    def respell(self, value: str, weakest: float, copies: Copies,
                context: ValueContext = NO_CONTEXT) -> tuple[str, float] | None:
        """A better spelling from the value's copies in the document, and the weakest word
        confidence it comes with; None when the copies give none."""
        return None

    def copies_problem(self, value: str, copies: Copies, context: ValueContext = NO_CONTEXT,
                       weakest: float = 100.0) -> str | None:
        """Why the value's copies in the document leave its spelling in doubt (None: they
        do not, or the kind does not judge them); ``weakest`` is the lowest confidence of
        the value's words, as ``respell`` takes it."""
        return None

    def check_known_names(self, value: str) -> PlaceCheck | None:
        """The value checked against lists of known names (None: the kind has none)."""
        return None

    def share_mends(self, value: Value, mends: dict[str, str]) -> Value:
        """The value with words mended elsewhere in the document mended alike."""
        return value


def has_joined_words(value: str) -> bool:
    """Whether two words stand joined by a hyphen (see ``_JOINED_WORDS``)."""
    return bool(_JOINED_WORDS.search(value))


JOINED_WORDS_PROBLEM = "has words joined by a hyphen, which a speck on the scan reads as"


@dataclass(frozen=True)
class Text(ValueKind):
    """Free text: mended to the type's fixed phrases; words joined by a hyphen are a speck."""

    def mend(self, value: Value, context: ValueContext = NO_CONTEXT) -> Value:
        """Stray hyphens dropped and fixed phrases given their accents
        (``pipeline.values.phrases``)."""
        return mend_text(str(value), list(context.phrases))

    def problem(self, value: str, read: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """Words joined by a hyphen, unless a closed vocabulary spells the value; a lone
        marked capital after a small word (``lone_marked_capital``)."""
        if not context.vocabulary and has_joined_words(value):
            return JOINED_WORDS_PROBLEM
        return (lone_marked_capital(value) or marked_capitals_after_small(value)
                or abbreviation_with_digit(value) or holds_recipients_label(value)
                or phrase_word_lost(value, list(context.phrases)))

    def misread(self, value: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """A lone marked small letter after a name (``lone_marked_small_after_name``) or a
        bracket without its pair (``unpaired_bracket``), judged on the final spelling: the
        place check drops debris after a listed unit («… tỉnh Đắk Lắk ˆ ị», a right place of
        birth at tuning seed 173, refused when judged before it)."""
        return (lone_marked_small_after_name(value) or lone_marked_small_before_name(value)
                or unpaired_bracket(value) or city_word_lost(value))


def marked_capitals_after_small(value: str) -> str | None:
    """Why free text holds a misread word: a word of capitals with a Vietnamese mark that is
    a syllable (no abbreviation: «UBND», «THCS» are none), after a word in small letters.
    «Trạm y tế xả ỦY Nỗ, huyện Đông Anh, …» (TeX Gyre Pagella at mild, a tuning form at seed
    139: «xã Uy Nỗ», its «Uy» read with a hook and in capitals) was given so, its form
    digitized; a value typed in capitals has no small word before its capitals."""
    for before, core in _with_word_before(value):
        if (len(core) > 1 and core.isupper() and before[:1].islower() and _marked(core)
                and is_syllable(core)):
            return f"has «{core}», a word in capitals after a small word: a word misread?"
    return None


def _with_word_before(value: str) -> Iterator[tuple[str, str]]:
    """Each word of ``value`` after the first (its edge punctuation off), with the word
    before it as read."""
    words = value.split()
    for before, word in zip(words, words[1:], strict=False):
        yield before, word.strip(",.;:()")


def _marked(word: str) -> bool:
    """Whether a word carries a Vietnamese mark (a tone, a breve, a horn, a hat)."""
    return len(unicodedata.normalize("NFD", word)) > len(word)


def lone_marked_capital(value: str) -> str | None:
    """Why free text holds a misread word: a capital letter alone, with a Vietnamese mark
    («Ử», «Ồ»), after a word in small letters. «Đăng ký khai Ử» (TeX Gyre Heros Cn at hard,
    a tuning receipt at seed 103, «tử» lost its «t») was given so. A lone plain capital
    names a block or a lot («khu A», «lô B») and stays."""
    for before, core in _with_word_before(value):
        if len(core) == 1 and core.isupper() and _marked(core) and before[:1].islower():
            return f"has «{core}», a capital alone after a small word: a word misread?"
    return None


def lone_marked_small_after_name(value: str) -> str | None:
    """Why free text holds a misread word: a small letter alone, with a Vietnamese mark
    («ẻ», «ồ»), after a capitalised word, a name's. «Ủy ban nhân dân phường Hưng Bình ẻ» (a
    hard cond_below form at tuning seed 173, a speck after the commune read as a letter) was
    given so. A lone marked small word follows a small one («nhà ở riêng lẻ»), not a name."""
    for before, core in _with_word_before(value):
        if len(core) == 1 and core.islower() and _marked(core) and before[:1].isupper():
            return f"has «{core}», a small letter alone after a name: a speck misread?"
    return None


def lone_marked_small_before_name(value: str) -> str | None:
    """Why free text opens with a speck: a small letter alone, with a Vietnamese mark, before
    a capitalised word («ì Ủy ban nhân dân phường Thạch Thang, …»: a hard narrow_tab form at
    tuning seed 23 gave it so). A value opens with a word of its own, not a lone letter
    before a name; «ở» («ở Hà Nội») is the one such word that goes before a place."""
    words = value.split()
    if len(words) > 1 and len(words[0]) == 1 and words[0].islower() and _marked(words[0]) \
            and words[0] != "ở" and words[1][:1].isupper():
        return f"opens with «{words[0]}», a small letter alone before a name: a speck misread?"
    return None


def unpaired_bracket(value: str) -> str | None:
    """Why free text holds a speck: a bracket without its pair («Bệnh viện Phụ sản Hà)
    Nội», a hard contrast_boxed form at tuning seed 179, given so). A note in brackets
    («(bản chính)») has both."""
    if value.count("(") != value.count(")"):
        return "has a bracket without its pair: a speck read as one?"
    return None


# Abbreviations administrative text prints (``phrases.ABBREVIATIONS``), folded.
_ABBREVIATIONS = tuple(fold(a) for a in ABBREVIATIONS)


def abbreviation_with_digit(value: str) -> str | None:
    """Why free text holds a misread word: capitals with a digit one letter from a known
    abbreviation («Bộ phận Một cửa UBN0 xã Hợp Thành», its «D» read «0»: a hard cond_below
    receipt at tuning seed 179, digitized). Codes of capitals and digits («CT01») are none."""
    for word in value.split():
        core = word.strip(",.;:()")
        if any(c.isdigit() for c in core) and core.upper() == core and any(
                len(core) == len(a) and sum(x != y for x, y in zip(fold(core), a, strict=True))
                == 1 for a in _ABBREVIATIONS):
            return f"has «{core}», one letter from an abbreviation: misread?"
    return None


# «Kính gửi» in a value, or its «Kính» alone ending one (the subject read on into the
# recipients' line, its «gửi» left on the row below: «Đôn đốc giải quyết hồ sơ quá hạn
# Kính» was given twice, files digitized, at --types new tuning mild seed 193); and a
# received stamp's words opening one («ĐẾN Số 468' Cấp bản sao …», the stamp over the
# subject: a hard tuning notice at seed 199).
_RECIPIENTS_LABEL = re.compile(r"(?<!\w)kinh gui(?!\w)")
_SALUTATION_START = re.compile(r"(?<!\w)Kính\W*$")
# The stamp's word is judged by its letters in capitals: its mark read wrong («ĐỂN số kiện
# toàn …», a hard notice at --types new tuning seed 211, given so) it is the same word, and
# so it is with the stamp's next marks read onto it («DẾNVG xiệp hướng dẫn …», a mild notice
# at --types new tuning seed 11 with 30 mild files, given so): a word in capitals of at
# most ``_STAMP_WORD_MAX`` letters that begins so.
_STAMP_OPENING = re.compile(r"^\W*([^\W\d_]+)")
_STAMP_WORD_MAX = 6


def holds_recipients_label(value: str) -> str | None:
    """Why free text was read past its end: it holds the label «Kính gửi», which opens the
    next part of a document («Hướng dẫn cập nhật dữ liệu tịch điện tử Kính gửi Ủy»: a
    subject wrapped on two lines, read with the recipients' line, in a hard notice in
    DejaVu Serif at --types new tuning seed 181)."""
    if _RECIPIENTS_LABEL.search(fold(value)):
        return "holds «Kính gửi», the next part's label: read past its end?"
    if _SALUTATION_START.search(value):
        return "ends in «Kính», the start of «Kính gửi», the next part's label: read past its end?"
    stamp = _STAMP_OPENING.search(value)
    word = stamp.group(1) if stamp else ""
    if word.isupper() and len(word) <= _STAMP_WORD_MAX and fold(word).startswith("den"):
        return (f"opens with «{word}» («ĐẾN»), a received stamp's word: the stamp "
                "was read into it?")
    return None
