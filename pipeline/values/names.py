"""Person names: read, checked against the name lists, and respelt from their copies.

A person's name must begin with a Vietnamese family name (``config/surnames.yaml``), and a
word of it that is no name but a known one with other accents («Hãng» for «Hằng»,
``config/given_names.yaml``) is a misread tone mark: Tesseract reads such marks wrong with
full confidence, so no confidence threshold catches them. Organisations' names (by their
printed prefix, ``keep_case_prefixes``) are not judged.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import yaml

from pipeline.text import fold, match_key, nfc
from pipeline.values.kinds import (
    JOINED_WORDS_PROBLEM,
    NO_CONTEXT,
    Copies,
    ValueContext,
    ValueKind,
    has_joined_words,
)
from pipeline.values.normalize import Value, is_organisation, normalize_person_name
from pipeline.values.syllables import tone_placements


@functools.cache
def _name_list(file: str, key: str) -> tuple[str, ...]:
    # The lists are data of the `config` package, read as resources (no import of config).
    data = yaml.safe_load((resources.files("config") / file).read_text(encoding="utf-8"))
    return tuple(data[key])


@functools.cache
def known_surnames() -> frozenset[str]:
    """Vietnamese family names (``config/surnames.yaml``), folded: OCR loses accents."""
    return frozenset(fold(name) for name in _name_list("surnames.yaml", "surnames"))


@functools.cache
def _name_words() -> tuple[frozenset[str], Mapping[str, tuple[str, ...]]]:
    """The words names are made of (``config/given_names.yaml`` and the family names, which
    also stand inside names) in lowercase, in both styles of placing the tone, and those words
    as written by their letters without accents."""
    words = _name_list("given_names.yaml", "names") + _name_list("surnames.yaml", "surnames")
    by_letters: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        by_letters.setdefault(fold(word), []).append(word)
    return (frozenset(spelt for word in words for spelt in tone_placements(word)),
            {letters: tuple(names) for letters, names in by_letters.items()})


def is_known_name_word(word: str) -> bool:
    """Whether a word is one of the listed given or family names (any tone placement)."""
    spellings, _ = _name_words()
    return nfc(word.lower()) in spellings


def surname_problem(value: str, context: ValueContext = NO_CONTEXT) -> str | None:
    """Why a person's name cannot be one: its first word is no family name (OCR lost the
    first words, or took others for the name). Organisations' names are not judged."""
    if is_organisation(value, context.keep_case_prefixes):
        return None
    first = fold(value.split()[0]) if value.split() else ""
    if first in known_surnames() or first in {fold(s) for s in context.surnames}:
        return None
    return "does not begin with a known family name"


def name_word_problem(value: str, context: ValueContext = NO_CONTEXT) -> str | None:
    """Why a person's name was misread: it ends in a lone letter, or a word after the family
    name is no name, yet is a known name but for its accents («Hãng» for «Hằng»). A word no
    known name shares its letters with (a rare or a minority-language name) is not judged."""
    if is_organisation(value, context.keep_case_prefixes):
        return None
    words = value.split()
    if len(words) > 1 and len(words[-1]) == 1:
        # No given name is one letter: a speck or a mark beside the name was read into it.
        return f"ends in a lone letter «{words[-1]}», which no given name is"
    spellings, by_letters = _name_words()
    known = spellings | {spelt for name in context.surnames for spelt in tone_placements(name)}
    for word in words[1:]:
        if nfc(word.lower()) in known:
            continue
        if len(word) == 1:
            # One letter that is no name («A», «Y» are): a word broken apart («I Inh»).
            return f"has a lone letter «{word}», which is no name"
        near = by_letters.get(fold(word))
        if near:
            return (f"has «{word}», which is no name but reads like «{' / '.join(near)}»: "
                    "a tone mark was probably misread")
    return None


def small_letter_tail(read: str, context: ValueContext = NO_CONTEXT) -> str | None:
    """Why the last word read is no word of the name: it is in small letters, after a mark
    no name holds («:»), where the name begins with a capital, as a name is typed. A speck
    after the name read as a word: «Phạm Hồng Thảo : ca» («ca» at 58, right of the «:»;
    Noto Serif squeezed at hard, a tuning form at seed 103) was given «Phạm Hồng Thảo Ca».
    Without the mark a small first letter may be a capital of its shape misread («oanh»).
    Organisations' names (by their printed prefix) hold small letters and are not judged."""
    tokens = read.split()
    if len(tokens) < 4 or any(c.isalnum() for c in tokens[-2]) \
            or is_organisation(read, context.keep_case_prefixes):
        return None
    last = "".join(c for c in tokens[-1] if c.isalpha())
    if tokens[0][:1].isupper() and last.islower():
        return f"ends in «{tokens[-1]}», in small letters after a mark: no word of the name"
    return None


# Capitals whose vowel carries a quality mark, on which a tone mark sits above the mark.
_STACKED_CAPITALS = frozenset("ÂÊÔƠƯĂ")
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave acute tilde hook dot


def toneless_capital(word: str) -> tuple[str, ...]:
    """The names a word typed in capitals may have lost its tone mark from: its vowel with
    a quality mark bears no tone, and the name lists spell its letters with one as well
    («YÊN»: «Yến»; «TUÂN»: «Tuấn»). Empty when the word is not so."""
    core = nfc(word)
    if not core.isupper() or not any(c in _STACKED_CAPITALS for c in core):
        return ()
    if any(c in _TONES for c in unicodedata.normalize("NFD", core)):
        return ()
    _, by_letters = _name_words()
    return tuple(name for name in by_letters.get(fold(core), ())
                 if name.lower() != core.lower())


def respelt_between_names(value: str, spelt: str) -> str | None:
    """Why a copy's spelling of a name cannot stand for the value's: a word the two read
    otherwise that the copy spells as one of several names sharing its letters («LƯƠNG THỊ
    HUYỆN» twice, «Lương Thị Huyên» under the signature: «Huyên» and «Huyền» are both names,
    and a mild tuning form at seed 43 gave «Huyên» for «Huyền» from that copy)."""
    _, by_letters = _name_words()
    for read, copy in zip(value.split(), spelt.split(), strict=False):
        names = by_letters.get(fold(copy), ())
        if nfc(read.lower()) != nfc(copy.lower()) and len(set(names)) > 1:
            return (f"has «{read}», printed again «{copy}»: which of «{' / '.join(names)}» "
                    "cannot be told")
    return None


@dataclass(frozen=True)
class PersonName(ValueKind):
    """A person's (or an organisation's) name; see the module's doc."""

    def normalise(self, text: str, context: ValueContext = NO_CONTEXT) -> Value | None:
        """Each word capitalised, the first spelt as a known surname
        (``normalize_person_name``)."""
        return normalize_person_name(text, context.keep_case_prefixes, context.surnames)

    def problem(self, value: str, read: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """Words joined by a hyphen, or a last word in small letters after capitals; else,
        for a valid name, no family name first."""
        if not context.vocabulary and has_joined_words(value):
            return JOINED_WORDS_PROBLEM
        tail = small_letter_tail(read, context)
        if tail is not None:
            return tail
        # An invalid name is refused as such: its first word is not judged.
        return surname_problem(value, context) if self.validate(value) else None

    def misread(self, value: str, context: ValueContext = NO_CONTEXT) -> str | None:
        """A lone letter or a tone mark misread (``name_word_problem``), judged on the final
        spelling: a copy printed in ordinary case may have mended it."""
        return name_word_problem(value, context)

    def respell(self, value: str, weakest: float, copies: Copies,
                context: ValueContext = NO_CONTEXT) -> tuple[str, float] | None:
        """The name as spelt where it is printed again and read more surely.

        Forms print the signer's name under the signature in ordinary case, where Tesseract
        reads tone marks far better than on a name typed in capitals («HẰNG» read «HĂNG»). A
        copy that is the same name but for accents, all its words read more surely than the
        value's weakest word, gives the spelling (the surest such copy)."""
        best = self._best_copy(value, weakest, copies, context)
        if best is None or respelt_between_names(value, best[0]) is not None:
            return None  # left for copies_problem, or spelt as read
        return best

    def copies_problem(self, value: str, copies: Copies, context: ValueContext = NO_CONTEXT,
                       weakest: float = 100.0) -> str | None:
        """The copy ``respell`` would spell the value as spells a word as one of several
        names with the same letters, which the value reads otherwise
        (``respelt_between_names``): which was printed cannot be told."""
        best = self._best_copy(value, weakest, copies, context)
        return respelt_between_names(value, best[0]) if best is not None else None

    def _best_copy(self, value: str, weakest: float, copies: Copies,
                   context: ValueContext) -> tuple[str, float] | None:
        """The surest copy of the name spelt otherwise, read more surely than ``weakest``."""
        best: tuple[str, float] | None = None
        # Copies are read as names without the organisation prefixes, as extraction did
        # before kinds owned this step.
        plain = ValueContext(surnames=context.surnames)
        for copy in copies(match_key(value), len(value.split())):
            spelt = self.normalise(" ".join(copy.words), plain)
            if spelt and spelt != value and copy.weakest > (best[1] if best else weakest):
                best = (str(spelt), copy.weakest)
        return best
