"""Is a word a possible Vietnamese syllable? Generic spelling rules, no dictionary of answers.

A Vietnamese syllable is an onset consonant (maybe none), a rhyme (vowels and an optional final
consonant or glide) from a closed set, and at most one tone mark. Syllables ending in p, t, c or
ch take only the acute or the dot-below tone. OCR damage mostly breaks one of these rules
(«thănh», «tỉh», «Trudg», «LắR», «Mxiỹ», a lone «v» for «y»), so a value holding such a word
was misread somewhere and is left for review rather than given as an answer.

Place names of the Central Highlands keep the onset clusters and the «-k» finals of minority
languages («Krông Pắc», «Đắk Lắk», «Ea Kar»); they are allowed, as is «f/j/w/z», which such
names and loan words use.
"""

from __future__ import annotations

import unicodedata
from functools import cache

# Onsets, longest first so «ngh» is tried before «ng» and «n».
_ONSETS = sorted(
    ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
     "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
     # minority place names and loan words
     "f", "j", "w", "z", "bl", "br", "dr", "gl", "kl", "kn", "kr", "pl", "pr", "sr", "str"],
    key=len, reverse=True)

# Rhymes without tone marks (vowel quality marks kept: ă â ê ô ơ ư).
_RHYMES = frozenset(" ".join("""
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
y yêm yên yêng yêt yêu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oem oen oeo oet
oc oi om on ong ooc oong op ot
ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uê uêch uênh uơ uy uya uych uyên uyêt uynh uyt uyu uc ui um un ung up ut
uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
ăk ơk ôk ok ak ek êk ik uk ưk ea
""".splitlines()).split())

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave acute tilde hook dot
_STOP_TONES = {"\u0301", "\u0323"}  # the only tones of syllables ending in p, t, c, ch
_STOPS = ("p", "t", "c", "ch")


def _split_tone(word: str) -> tuple[str, list[str]]:
    """The word without tone marks (NFC, quality marks kept) and the tone marks it had."""
    tones: list[str] = []
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", word):
        (tones if char in _TONES else kept).append(char)
    return unicodedata.normalize("NFC", "".join(kept)), tones


def tone_placements(word: str) -> frozenset[str]:
    """The word (lowercase NFC) as written in either style of placing the tone mark: on a
    final «oa», «oe» or «uy» both «hòa» and «hoà», «thúy» and «thuý» are in use. Elsewhere
    the tone has one place («Gìang» is no spelling of «Giàng»)."""
    written = unicodedata.normalize("NFC", word.lower())
    bare, tones = _split_tone(written)
    if len(tones) != 1 or not bare.endswith(("oa", "oe", "uy")):
        return frozenset({written})
    placed = set()
    for index in (len(bare) - 2, len(bare) - 1):
        marked = unicodedata.normalize("NFC", bare[index] + tones[0])
        placed.add(bare[:index] + marked + bare[index + 1:])
    return frozenset(placed | {written})


# Vowels with a quality mark: a syllable's tone mark sits on the one it has (on «ơ» of «ươ»):
# «tiếng», «thuế», «cửa», «rượu». OCR that misplaces a tone («Bêú» for «Bến», «Nguyêñ»)
# breaks this rule; a place name given so was wrong on a new tuning layout (issue 18).
_MARKED_VOWELS = frozenset("ăâêôơư")


def _tone_on_marked_vowel(word: str) -> bool:
    """Whether the tone mark, if any, sits on the last vowel with a quality mark, if any."""
    written = unicodedata.normalize("NFC", word.lower())
    toned = [i for i, char in enumerate(written) if _split_tone(char)[1]]
    marked = [i for i, char in enumerate(written) if _split_tone(char)[0] in _MARKED_VOWELS]
    return not toned or not marked or toned[0] == marked[-1]


_VOWELS = frozenset("aeiouyăâêôơư")


def place_tone(word: str) -> str:
    """The word with its one tone mark moved onto its vowel with a quality mark (the last,
    for «ươ»), when OCR read the mark over a neighbouring vowel: «Câù» → «Cầu», «Giâý» →
    «Giấy» (DejaVu Sans Mono read so on mild tuning forms at seed 63, and the
    district «Cầu Giấy» was no known unit, three fields refused). Only when the result is
    a syllable; a mark over a consonant («Bêñ») and any other word are left as read."""
    chars = list(unicodedata.normalize("NFC", word))
    toned = [i for i, c in enumerate(chars) if _split_tone(c)[1]]
    marked = [i for i, c in enumerate(chars) if _split_tone(c)[0].lower() in _MARKED_VOWELS]
    if len(toned) != 1 or not marked or toned[0] == marked[-1]:
        return word
    source, target = toned[0], marked[-1]
    bare, tones = _split_tone(chars[source])
    if bare.lower() not in _VOWELS or abs(source - target) != 1:
        return word
    chars[source] = bare
    chars[target] = unicodedata.normalize("NFC", chars[target] + tones[0])
    placed = "".join(chars)
    core = "".join(c for c in placed if c.isalpha())
    return placed if core == placed.strip(",.;:()\"'") and is_syllable(core) else word


@cache
def is_syllable(word: str) -> bool:
    """True when ``word`` (any case, letters only) can be a Vietnamese syllable."""
    bare, tones = _split_tone(word.lower())
    if not bare or len(tones) > 1 or not bare.isalpha() or not _tone_on_marked_vowel(word):
        return False
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset):]
        if onset in ("gi", "qu") and rhyme == "":
            continue
        # «qu» and «gi» share their glide with the rhyme: «quỳnh» is qu + (u)ynh.
        glide = {"qu": "u", "gi": "i"}.get(onset, "")
        if rhyme in _RHYMES or (glide and glide + rhyme in _RHYMES):
            return not (rhyme.endswith(_STOPS) and tones and tones[0] not in _STOP_TONES)
    return False


def is_abbreviation(word: str) -> bool:
    """Capitals written as an abbreviation («UBND», «TNHH», «ĐK»): 2–6 letters, all capitals,
    not itself a syllable (then it is a word typed in capitals)."""
    return 2 <= len(word) <= 6 and word.isalpha() and word.isupper()


def is_plausible_word(word: str) -> bool:
    """A syllable, an abbreviation, or a token with digits («12», «04a/ĐK», «CT01»)."""
    core = word.strip(",.;:()\"'")
    if not core:
        return True
    if any(c.isdigit() for c in core):
        # Numbers and codes («12», «04a/ĐK», «CT01», «50.000đ»); a small letter with a tone
        # or a vowel's mark among digits is a misread word («1ĩnh» for «Tĩnh», «Câ6» for
        # «Cấp» on a clean tuning receipt at seed 41): codes write no marked vowel.
        return not any(c.islower() and len(unicodedata.normalize("NFD", c)) > 1
                       for c in core)
    parts = [p for p in core.replace("/", "-").split("-") if p]
    return all(is_syllable(p) or is_abbreviation(p) for p in parts)
