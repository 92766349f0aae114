"""Text helpers shared by classification, extraction and normalisation.

``fold`` maps every character of NFC text to exactly one character, so a position found in the
folded text is the same position in the original: matching happens on folded text, values are
cut from the original.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Dot leaders as printed («……», «.....») and the dash/angle debris Tesseract reads after them.
_LEADER = re.compile(r"(?:[.…·]{2,}|…)[\s.…·\-–—_<>~:;,]*")
_DEBRIS = re.compile(r"^[\-–—_<>~=+*.,:;…·'\"`|]{3,}$")
# Footnote markers of the official forms: «(1)», «(*)», superscript digits; and a marker
# glued to a label's word whose digit was read as the letter it looks like («Nơi sinh(B)»
# for «(5)», a mild tuning narrow_grid form at seed 61 lost its place of birth so). A
# light face's closing bracket is read «}» or «]» («Nơi cư trú(1}», «Email(2}»: Open Sans
# Light at mild, a probe in faces neither part prints in, seed 711, lost the values of
# those labels on 6 of its 30 files, without review).
_FOOTNOTE = re.compile(r"\(\s*(?:\d{1,2}|\*{1,3})\s*[)}\]]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+"
                       r"|(?<=[^\W\d_])\(\s*[BSGOZIl]\s*[)}\]]")
_SPACES = re.compile(r"\s+")
# Marks a value may hold as words of their own; any other mark alone is a speck or a rule.
_KEPT_MARKS = frozenset({"-", "–", "/", "&", "(", ")"})
_LEADING_NOISE = "'`|.,:;*~^ˆ¬°\"“”‘’!_=<>[]{}"
# A full stop or colon after a letter, inside a word or closing it.
_STOP = re.compile(r"(?<=[^\W\d_])[.:]+(?=[^\W\d_]|$)")
# Besides punctuation, the marks Tesseract makes of specks next to a value («ˆ», «¬»).
_EDGE_PUNCT = " \t\n.,:;-–—_…·|/\\[]{}<>~*'\"`ˆ¬^°"


def nfc(text: str) -> str:
    """Unicode NFC: Tesseract and PDFs may give decomposed accents."""
    return unicodedata.normalize("NFC", text)


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base.lower()) == 1 else char


class _Folded(dict):
    """``str.translate``'s table for ``fold``: each code point's ``_fold_char``, worked out
    the first time the character is met and remembered (a page's text holds a few hundred
    distinct characters; folding them one by one in Python cost extraction ~1 s a file)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDED = _Folded()


# Pure functions of a string asked again and again of the same strings (a type's phrases for
# every value mended, labels and words for every row): remembered. On the stages benchmark's
# 16 files, fold was asked 152,554 times and match_key 62,123 in one analysis of them. Only
# short strings (words, labels, lines) are kept: a worker folds every page's whole text too,
# and 65,536 of those would hold hundreds of MB for nothing.
_REMEMBERED = 1 << 16
SHORT_TEXT = 200


def fold(text: str) -> str:
    """Lowercase without Vietnamese diacritics (đ → d), same length as ``nfc(text)``."""
    return _fold_remembered(text) if len(text) <= SHORT_TEXT else _fold(text)


def _fold(text: str) -> str:
    return nfc(text).translate(_FOLDED)


_fold_remembered = functools.lru_cache(maxsize=_REMEMBERED)(_fold)


def match_key(text: str) -> str:
    """Folded text reduced to letters and digits separated by single spaces, for fuzzy matching."""
    return _match_key_remembered(text) if len(text) <= SHORT_TEXT else _match_key(text)


def _match_key(text: str) -> str:
    return squeeze(re.sub(r"[^0-9a-z]+", " ", fold(text)))


_match_key_remembered = functools.lru_cache(maxsize=_REMEMBERED)(_match_key)


def squeeze(text: str) -> str:
    """Single spaces, no leading or trailing whitespace."""
    return _SPACES.sub(" ", text).strip()


def has_leader(text: str) -> bool:
    """True when the text holds a dot leader."""
    return bool(_LEADER.search(text))


def cut_at_leader(text: str) -> str:
    """The text before its first dot leader (what follows a leader is blank space or debris)."""
    found = _LEADER.search(text)
    return text[: found.start()] if found else text


def is_debris(text: str) -> bool:
    """A token that is only leader dots, dashes or similar marks."""
    return bool(_DEBRIS.match(text)) or (bool(text) and not has_alnum(text) and has_leader(text))


def has_alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)


def remove_leaders(text: str) -> str:
    """Dot leaders replaced by one space."""
    return _LEADER.sub(" ", text)


def remove_footnotes(text: str) -> str:
    """Footnote markers such as «(1)» and «²» removed."""
    return _FOOTNOTE.sub("", text)


def strip_edges(text: str) -> str:
    """No leading or trailing punctuation or whitespace; balanced brackets are kept."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip(_EDGE_PUNCT)
        if text.startswith("(") and ")" not in text:
            text = text[1:]
        if text.endswith(")") and "(" not in text:
            text = text[:-1]
    return text


def remove_noise_marks(text: str) -> str:
    """Marks that specks and table rules become inside a value removed (contract: values carry
    no stray punctuation): tokens of marks alone («¬», «"», «|», «ˆ»), marks a word starts
    with («'phường», «.Ủy», «|Nguyễn»), a full stop or colon OCR put inside or after a word
    («ban.nhân», «Uy. Nỗ», «Hải: Minh»), and «;» read for «,». Hyphens, slashes, brackets and
    commas, which values do carry, stay; so does the full stop of an abbreviation («TP.»)."""
    words = []
    for word in text.split():
        if not has_alnum(word):
            if word in _KEPT_MARKS:
                words.append(word)
            continue
        word = _STOP.sub(_unstop, word.lstrip(_LEADING_NOISE)).replace(";", ",")
        words.append(word)
    return " ".join(words)


def _unstop(found: re.Match[str]) -> str:
    """A stop after a word with small letters is noise: a space inside the word, nothing at
    its end. After capitals only («TP.», «P.») it is an abbreviation's and stays."""
    before = found.string[: found.start()].split()[-1] if found.start() else ""
    if not any(c.islower() for c in before[-2:]) or len(before) < 2:
        return found.group()
    return " " if found.end() < len(found.string) else ""


def clean_text(text: str) -> str:
    """NFC, leaders, footnote markers and noise marks removed, single spaces, no edge
    punctuation."""
    return strip_edges(squeeze(remove_noise_marks(remove_footnotes(remove_leaders(nfc(text))))))


def uppercase_share(text: str) -> float:
    """Share of letters that are capitals (titles are printed in capitals)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave acute tilde hook dot


def letters_key(text: str) -> str:
    """A word's reading as compared with another reading of it: lower case, without spaces
    and the punctuation at its edges (a quote or comma a crop cut or kept is no other
    letter), its tone marks after its letters (placed on either vowel, «Hòa» and «Hoà» are
    one spelling)."""
    plain = unicodedata.normalize("NFD", strip_edges("".join(text.split())).lower())
    tones = "".join(c for c in plain if c in _TONE_MARKS)
    letters = "".join(c for c in plain if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", letters) + tones
