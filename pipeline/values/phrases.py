"""Free text mended where OCR damage is certain: specks read as hyphens, and fixed phrases of
administrative Vietnamese read with the wrong accents (the phrases are data: ``phrases:`` in a
document type's YAML)."""

from __future__ import annotations

import re

from pipeline.text import fold
from pipeline.values.places import PLACE_WORD_SPELLINGS


def mend_text(value: str, phrases: list[str]) -> str:
    """A free-text value with stray hyphens dropped, hyphens inside known phrases made spaces
    again, and known phrases given their accents (the functions below, in that order)."""
    value = drop_stray_hyphens(value)
    return mend_phrases(separate_phrase_words(value, phrases), phrases) if phrases else value


def drop_stray_hyphens(value: str) -> str:
    """A hyphen stuck to one side of a word only («nhân dân -xã», «phường -Thạch») is a speck:
    Vietnamese joins words with a hyphen on both sides («Ê-đê») or sets it apart with spaces
    («Bà Rịa - Vũng Tàu»)."""
    return re.sub(r"(?<=\s)-(?=[^\W\d_])|(?<=[^\W\d_])-(?=\s)", "", value)


def separate_phrase_words(value: str, phrases: list[str]) -> str:
    """A hyphen between two words that stand side by side in a known phrase («Ủy ban-nhân
    dân», «thành-phố»), or before or after a place word («UBND-xã», «thôn-Phúc Tân»; see
    ``pipeline.values.places.PLACE_WORDS``), is a speck read as «-»: the words are set apart again.
    Other hyphens stay (and keep the value from being given, see ``pipeline.fields``)."""
    folded_phrases = [f" {fold(phrase)} " for phrase in phrases if " " in phrase]

    def separate(found: re.Match[str]) -> str:
        left, right = fold(found.group(1)), fold(found.group(2))
        if (left in PLACE_WORD_SPELLINGS or right in PLACE_WORD_SPELLINGS
                or any(f" {left} {right} " in phrase for phrase in folded_phrases)):
            return f"{found.group(1)} {found.group(2)}"
        return found.group(0)
    return re.sub(r"(?<![\w-])([^\W\d_]+)-([^\W\d_]+)(?![\w-])", separate, value)


def mend_phrases(value: str, phrases: list[str]) -> str:
    """Words that spell a known phrase but for their accents get the phrase's accents, each
    letter keeping its printed case («Ủy ban nhần dân» → «Ủy ban nhân dân», «Nghệ Án» →
    «Nghệ An»), except that a value opening with a phrase that opens with a capital takes
    the capital («ủy ban …» → «Ủy ban …»). Phrases of one word are not used: alone, «xa»
    could be «xã» or «xa»."""
    folded = fold(value)
    for phrase in phrases:
        target = fold(phrase)
        if " " not in phrase or len(target) != len(phrase):
            continue
        for found in re.finditer(rf"(?<!\w){re.escape(target)}(?!\w)", folded):
            start, end = found.span()
            mended = "".join(p.upper() if o.isupper() else p.lower()
                             for o, p in zip(value[start:end], phrase, strict=True))
            if start == 0 and phrase[0].isupper():
                # The phrase is a name («Ủy ban nhân dân», a province): opening the value,
                # it is written with its capital whatever OCR made of it.
                mended = mended[0].upper() + mended[1:]
            value = value[:start] + mended + value[end:]
    return value
