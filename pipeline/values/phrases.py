"""Free text mended where OCR damage is certain: specks read as hyphens, and fixed phrases of
administrative Vietnamese read with the wrong accents (the phrases are data: ``phrases:`` in a
document type's YAML)."""

from __future__ import annotations

import re

from pipeline.text import fold
from pipeline.values.places import PLACE_WORD_SPELLINGS, PLACE_WORDS, mend_unit_words
from pipeline.values.syllables import is_syllable


def mend_text(value: str, phrases: list[str]) -> str:
    """A free-text value with stray hyphens dropped, hyphens inside known phrases made spaces
    again, and known phrases given their accents, or their letter (the functions below, in
    that order)."""
    value = mend_unit_words(mend_abbreviations(drop_stray_hyphens(value)))
    value = _BODY_COMMA.sub(r"\1", value)
    if not phrases:
        return value
    return mend_long_phrases(mend_phrases(separate_phrase_words(value, phrases), phrases),
                             phrases)


# A comma between a people's committee and its unit is a speck: no body is printed so («Ủy
# ban nhân dân, phường Hưng Bình», a hard label_above form at forms tuning seed 17, given so).
_BODY_COMMA = re.compile(r"(?i)\b(ủy ban nhân dân|ubnd)\s*,(?=\s*(?:xã|phường|thị trấn|huyện"
                         r"|quận|thị xã|thành phố|tỉnh)\b)")


# Abbreviations of administrative Vietnamese as printed: capitals without a tone or a vowel's
# mark («Đ» is a letter of its own).
ABBREVIATIONS = ("UBND", "HĐND", "MTTQ", "THCS", "THPT", "CCCD", "CMND")
_ABBREVIATION_SPELLINGS = {fold(a): a for a in ABBREVIATIONS}


def mend_abbreviations(value: str) -> str:
    """A word of capitals that spells one of ``ABBREVIATIONS`` but for its marks is the
    abbreviation: «Bộ phận Một cửa ƯBND phường Hưng Bình» (a hard ruled_table receipt at
    tuning seed 137, its «U» read with a horn) was given so; «HDND» lost its «Đ»'s bar."""
    def mended(found: re.Match[str]) -> str:
        word = found.group()
        return _ABBREVIATION_SPELLINGS.get(fold(word), word) if word.isupper() else word
    return re.sub(r"(?<![\w-])[^\W\d_]{4}(?![\w-])", mended, value)


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

    def separate(found: re.Match[str], place_words: bool = True) -> str:
        left, right = fold(found.group(1)), fold(found.group(2))
        if ((place_words and (left in PLACE_WORD_SPELLINGS or right in PLACE_WORD_SPELLINGS))
                or any(f" {left} {right} " in phrase for phrase in folded_phrases)):
            return f"{found.group(1)} {found.group(2)}"
        return found.group(0)
    value = re.sub(r"(?<![\w-])([^\W\d_]+)-([^\W\d_]+)(?![\w-])", separate, value)
    # A dash set apart between two such words is a speck too («Cấp - giấy chứng nhận quyền sử
    # dụng đất», a hard boxed_light receipt at forms tuning seed 13, was given so); one
    # between words no phrase joins stays («kinh tế - xã hội»): the place-word rule is the
    # stuck hyphen's alone.
    value = re.sub(r"(?<![\w-])([^\W\d_]+) [-–] ([^\W\d_]+)(?![\w-])",
                   lambda found: separate(found, place_words=False), value)
    return _drop_marks_inside_phrases(value, phrases)


# A phrase of this many words or more holds no comma or stop between its words.
MARKED_PHRASE_WORDS = 3


def _drop_marks_inside_phrases(value: str, phrases: list[str]) -> str:
    """A comma or stop between two words that stand side by side in a known phrase of
    ``MARKED_PHRASE_WORDS`` words or more is a speck: a hard tuning receipt at seed 109 gave
    «Trung tâm Phục, vụ hành chính công tỉnh Hà Tĩnh». Shorter phrases are left alone (two
    units' names may meet at a comma: «…, Thạch Hà, Tĩnh Gia»), as is a mark before a name
    that a small word of the phrase precedes."""
    pairs = {(fold(first).lower(), fold(second).lower())
             for phrase in phrases if len(phrase.split()) >= MARKED_PHRASE_WORDS
             for first, second in zip(phrase.split(), phrase.split()[1:], strict=False)
             # not where a name begins after a small word («thành phố, Hà …» may be two
             # units): a comma may stand there
             if not (first[:1].islower() and second[:1].isupper())}

    def drop(found: re.Match[str]) -> str:
        pair = (fold(found.group(1)).lower(), fold(found.group(2)).lower())
        return f"{found.group(1)} {found.group(2)}" if pair in pairs else found.group(0)
    return re.sub(r"(?<!\w)([^\W\d_]+)[,.]\s*([^\W\d_]+)(?!\w)", drop, value)


def mend_phrases(value: str, phrases: list[str]) -> str:
    """Words that spell a known phrase but for their accents get the phrase's accents, each
    letter keeping its printed case («Ủy ban nhần dân» → «Ủy ban nhân dân», «Nghệ Án» →
    «Nghệ An»), except that a value opening with a phrase that opens with a capital takes
    the capital («ủy ban …» → «Ủy ban …»), and a phrase of small letters read with its
    first word small is small throughout («thành Lập» → «thành lập»). Phrases of one word
    are not used: alone, «xa» could be «xã» or «xa»."""
    folded = fold(value)
    for phrase in phrases:
        target = fold(phrase)
        if " " not in phrase or len(target) != len(phrase):
            continue
        for found in re.finditer(rf"(?<!\w){re.escape(target)}(?!\w)", folded):
            start, end = found.span()
            if _place_word_for_name(value[start:end], phrase):
                continue
            mended = "".join(p.upper() if o.isupper() else p.lower()
                             for o, p in zip(value[start:end], phrase, strict=True))
            if any(c.islower() for c in value[start:end]):
                mended = _small_look_alikes(_inner_case(mended, phrase), phrase,
                                            value[end:])
            if phrase.islower() and (value[start].islower()
                                     or _capital_look_alike(value, start)):
                # A phrase of small letters whose first word is read small is small
                # throughout: «thành Lập» is a capital misread (tuning receipt); so is one
                # whose first letter's capital looks like its small letter, inside a value
                # («Đăng ký Khai tử», a hard tuning receipt at seed 62).
                mended = phrase
            elif start == 0 and phrase[0].isupper():
                # The phrase is a name («Ủy ban nhân dân», a province): opening the value,
                # it is written with its capital whatever OCR made of it.
                mended = mended[0].upper() + mended[1:]
            value = value[:start] + mended + value[end:]
    return value


def _place_word_for_name(read: str, phrase: str) -> bool:
    """Whether the words read hold a place word («tỉnh», «xã») spelt and written small as
    printed, where the phrase has a capitalised word of a name: another unit begins there,
    not the phrase. «xã Thạch Hạ tỉnh Hà Tĩnh» (a comma lost, or a stop a face read for it
    and cleaning dropped) was made «xã Thạch Hà tĩnh Hà Tĩnh»: «Hạ tỉnh» spells «Hà Tĩnh»
    but for its accents."""
    return any(word in PLACE_WORDS and name[:1].isupper()
               for word, name in zip(read.split(), phrase.split(), strict=False))


# Letters whose capital is their small letter drawn larger: OCR confuses the two.
_LOOK_ALIKE_CAPITALS = frozenset("CKOSUVWXZ")


def _capital_look_alike(value: str, start: int) -> bool:
    """Whether the phrase found at ``start`` opens with a capital shaped like its small letter,
    after a word written small (not opening the value or a sentence, nor in a title-cased
    run, where a capital is written)."""
    before = value[:start].rstrip()
    return (value[start] in _LOOK_ALIKE_CAPITALS and bool(before)
            and before.split()[-1][:1].islower())


def _small_look_alikes(printed: str, phrase: str, after: str) -> str:
    """A phrase read title-cased where its later words are small, and the value going on in
    small letters after it: a later word whose capital looks like its small letter
    (``_LOOK_ALIKE_CAPITALS``) is small, as the phrase spells it. «Đăng Ký khai tử» and
    «Đăng Ký thường trú» were given so (FreeSans squeezed at hard, FreeSerif thinned at
    mild: probes in faces neither part prints in, seeds 703 and 711). A value title-cased
    on after the phrase keeps its capitals."""
    following = after.split()
    if not following or not following[0][:1].islower():
        return printed
    return "".join(p if i > 0 and printed[i - 1] == " " and m in _LOOK_ALIKE_CAPITALS
                   and p.islower() else m
                   for i, (m, p) in enumerate(zip(printed, phrase, strict=True)))


def _inner_case(printed: str, phrase: str) -> str:
    """A phrase not printed in capitals, each word's letters after its first in the phrase's
    case: a capital inside a word of small letters is a misread («ỦY ban nhân dân» given so
    on a hard tuning form at seed 41); a word's first letter keeps its printed case («Thành
    phố» opens a name), but for a word after the first in a run not title-cased throughout,
    which takes the phrase's («Ủy Ban nhân dân», a hard tuning form at seed 109, given so)."""
    starts = [i for i, c in enumerate(printed) if c.isalpha() and (i == 0 or printed[i - 1] == " ")]
    titled = all(printed[i].isupper() for i in starts)
    return "".join(m if i == 0 or (not phrase[i - 1].isalpha() and (titled or i not in starts))
                   else p for i, (m, p) in enumerate(zip(printed, phrase, strict=True)))


# A phrase this long (letters and spaces, without accents) read with one letter wrong is still
# that phrase: no other wording of administrative Vietnamese is one letter from one so long.
# On a tuning layout in a thin face «Thành phế Hồ Chí Minh» was given twice in 48 files; a
# mild tuning form at seed 53 read «Trung tâm v tế» (14 letters and spaces), so left its place
# of birth out. No phrase of the types' lists that long is one letter from another wording.
LONG_PHRASE_CHARS = 14


def mend_long_phrases(value: str, phrases: list[str]) -> str:
    """Words that spell a long known phrase (``LONG_PHRASE_CHARS``) but for one letter, as
    many letters as it has, are given the phrase, each letter keeping its printed case; so
    are those of a shorter phrase whose one wrong letter is a word of one letter that no
    Vietnamese word is (``_lone_letter_misread``), and those of a long phrase with a few
    vowels wrong (``_vowels_misread``)."""
    for phrase in phrases:
        target = fold(phrase).lower()
        if len(target) != len(phrase):
            continue
        folded = fold(value).lower()
        for start in _word_starts(folded):
            window = folded[start:start + len(target)]
            after = start + len(target)
            if len(window) != len(target) or (after < len(folded) and folded[after].isalnum()):
                continue
            wrong = [i for i, (a, b) in enumerate(zip(window, target, strict=True)) if a != b]
            if _vowels_misread(window, target, wrong) or (
                    len(wrong) == 1 and target[wrong[0]].isalpha()
                    and window[wrong[0]].isalpha()
                    and (len(target) >= LONG_PHRASE_CHARS
                         or _lone_letter_misread(window, wrong[0]))):
                printed = value[start:after]
                mended = "".join(p.upper() if o.isupper() else p.lower()
                                 for o, p in zip(printed, phrase, strict=True))
                if any(c.islower() for c in printed):
                    # Not printed in capitals: a capital inside a word is a misread, as in
                    # ``mend_phrases`` («UV bạn nhân dân» gave «ỦY ban nhân dân», TeX Gyre
                    # Pagella at mild, a tuning form at seed 151).
                    mended = _inner_case(mended, phrase)
                value = value[:start] + mended + value[after:]
        value = _mend_letter_off(_mend_letter_off(value, phrase, target, 1), phrase,
                                 target, -1)
    return value


def _mend_letter_off(value: str, phrase: str, target: str, more: int) -> str:
    """Words that spell a long phrase (``LONG_PHRASE_CHARS``) with one letter more
    (``more`` = 1) or fewer (``more`` = -1) are the phrase. One more, inside a word: «Trung
    tâm vy tế» for «Trung tâm y tế» (TeX Gyre Pagella at clean, a tuning form at seed 113,
    given so). One fewer: «Qua dịch ụ bưu chính công ích» for «Qua dịch vụ …» (FreeSerif
    thinned at mild, a probe in faces neither part prints in, seed 711: given so). No other
    wording is one letter from a phrase so long. The printed case of the phrase's first
    letter is kept; a run in capitals is left as read."""
    if len(target) < LONG_PHRASE_CHARS:
        return value
    longer, shorter = (1, 0) if more > 0 else (0, 1)  # which of read and phrase has the letter
    folded = fold(value).lower()
    for start in _word_starts(folded):
        after = start + len(target) + more
        window = folded[start:after]
        if len(window) != len(target) + more or (after < len(folded)
                                                 and folded[after].isalnum()):
            continue
        pair = (target, window)
        dropped = next((i for i in range(len(pair[longer]))
                        if pair[longer][:i] + pair[longer][i + 1:] == pair[shorter]), None)
        printed = value[start:after]
        if dropped is None or not pair[longer][dropped].isalpha() or printed.isupper():
            continue
        head = phrase[0].upper() if printed[0].isupper() else phrase[0].lower()
        return value[:start] + head + phrase[1:] + value[after:]
    return value


# Vowels as folded, and «œ», which OCR reads for a single-storey «a».
_VOWELS = frozenset("aeiouyœ")
# A long phrase may be read with up to one letter in this many wrong, if all are vowels.
VOWEL_MISREAD_SHARE = 5


def _vowels_misread(window: str, target: str, wrong: list[int]) -> bool:
    """Whether the words read spell a long phrase (``LONG_PHRASE_CHARS``) but for a few
    vowels (one in ``VOWEL_MISREAD_SHARE`` letters at most), its consonants and spaces all
    as printed: a face whose «a» OCR reads «ơ», «ô», «ê» (TeX Gyre Adventor's single-storey
    «a») gave the authority «Ủy bơn nhên dôn phường Hưng Bình» on a clean tuning form at
    seed 109. No other wording of administrative Vietnamese has those consonants."""
    return (len(target) >= LONG_PHRASE_CHARS
            and 1 < len(wrong) <= len(target) // VOWEL_MISREAD_SHARE
            and all(window[i] in _VOWELS and target[i] in _VOWELS for i in wrong))


def _lone_letter_misread(window: str, at: int) -> bool:
    """Whether the letter at ``at`` of the folded words read is a word of its own that is no
    Vietnamese word («v»): «Trạm v tế» for «Trạm y tế», read so in TeX Gyre Pagella at mild
    on tuning forms at seeds 101 and 103 and refused as no text (the phrase is 9 letters and
    spaces, below ``LONG_PHRASE_CHARS``). A lone letter that is a word («y», «ở») is not
    judged: it may be what was printed."""
    alone = (at == 0 or window[at - 1] == " ") and (at + 1 == len(window)
                                                    or window[at + 1] == " ")
    return alone and not is_syllable(window[at])


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"(?<!\w)\w", text)]


# A fixed phrase this many words long or more is one whose inner word OCR lost is told apart;
# a lost word this short («ở» of «nhà ở riêng lẻ») may be left out of the wording itself.
LOST_WORD_PHRASE_WORDS = 3
LOST_WORD_MIN_LETTERS = 2


def phrase_word_lost(value: str, phrases: list[str]) -> str | None:
    """Why a free-text value looks to have lost a word: it holds a fixed phrase with one of
    its inner words missing, which no phrase of administrative Vietnamese is without
    («Cấp giấy chứng nhận quyền sử đất», a hard footnoted receipt at forms tuning seed 13,
    was given so). Words are compared by their letters, marks and case aside."""
    read = re.findall(r"[^\W_]+", value)
    keys = [fold(w.lower()) for w in read]
    for phrase in phrases:
        words = re.findall(r"[^\W_]+", phrase)
        if len(words) < LOST_WORD_PHRASE_WORDS:
            continue
        target = [fold(w.lower()) for w in words]
        for inner in range(1, len(target) - 1):
            if len(target[inner]) < LOST_WORD_MIN_LETTERS:
                continue
            short = target[:inner] + target[inner + 1:]
            for start in range(len(keys) - len(short) + 1):
                if keys[start:start + len(short)] == short:
                    printed = " ".join(read[start:start + len(short)])
                    return (f"reads «{printed}» where «{phrase}» is printed: «{words[inner]}» "
                            f"not read?")
    return None
