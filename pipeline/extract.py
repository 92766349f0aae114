"""Field extraction from the OCR word table, driven by a document-type definition.

The page's words are regrouped into visual rows (Tesseract may put a label and its value at a
tab stop into different blocks). Printed labels are found in each row by fuzzy matching of
diacritic-free word windows; a field's value is what follows its label on the row up to the
next label, or the next row when nothing follows. The block a label stands in (set by anchor
labels) decides which field a repeated label means. Precision beats recall: a value that ends
in doubt (blank after a leader, a block whose anchor was not read) is left out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.doctypes import DocTypeDefinition, FieldDefinition, MatchingSettings
from pipeline.fields import (
    CHECKED_TWICE_KINDS,
    Candidate,
    Extraction,
    ValueWord,
    agree_kind_and_symbol,
    agree_with_words,
    build_field,
    check_due_days,
    check_email_name,
    check_family_name,
    check_fields,
    check_holder_born,
    check_known_names,
    check_same_person,
    date_from_code,
    fixed_spellings,
    place_as_in_authority,
    respell_from_copies,
)
from pipeline.text import (
    cut_at_leader,
    has_alnum,
    has_leader,
    is_debris,
    letters_key,
    match_key,
    nfc,
    remove_footnotes,
    uppercase_share,
)
from pipeline.values import Copy
from pipeline.values.addresses import ends_in_unit_word
from pipeline.values.places import find_units, name_goes_on
from pipeline.values.syllables import place_tone
from schemas.ocr import OcrWord, PageOcr

LOST = "\0lost"  # block state after a repeated label shows an anchor was missed
# Words that start a row are this share of the median word height or more («a» is ~0.5 of a
# word with accents), and at most this many times it (Tesseract's box over two lines is ~2.5).
MIN_ROW_HEIGHT = 0.35
MAX_ROW_HEIGHT = 2.2


@dataclass(frozen=True)
class Token:
    """One OCR word as matching sees it."""

    word: OcrWord
    text: str  # NFC, footnote markers removed
    key: str  # match_key(text): folded letters and digits, "" for punctuation
    line: tuple[int, int, int]  # Tesseract block, paragraph, line


@dataclass
class Row:
    """Words that sit on one visual line of the page, left to right."""

    tokens: list[Token]
    top: int
    bottom: int

    @property
    def height(self) -> int:
        return max(self.bottom - self.top, 1)

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


@dataclass(frozen=True)
class Phrase:
    """A printed label (or title) to look for."""

    text: str
    key: str

    @cached_property
    def words(self) -> int:
        return len(self.key.split())

    @cached_property
    def joined(self) -> str:
        """The key without spaces: what the label reads as when OCR runs its words together."""
        return self.key.replace(" ", "")

    @cached_property
    def later_words(self) -> frozenset[str]:
        """The key's words after its first: where a stray colon may stand before one."""
        return frozenset(self.key.split()[1:])


@dataclass(frozen=True)
class LabelMatch:
    """A phrase found in a row at token positions [start, end)."""

    phrase: Phrase
    start: int
    end: int
    score: float
    window: str  # the folded words it was matched against


# --- rows ------------------------------------------------------------------------------------


# A dagger before a letter is a «t» whose cross-bar and tail a geometric face draws as one
# (TeX Gyre Adventor at mild, a tuning form at seed 101: «†ổ 3, phường Phú Hội …» refused
# as no text, «Giắy †ờ †ùy thân» no label; 20 daggers on that page, 3 in 80 other files).
# No value or label of a form holds a dagger.
_DAGGER_T = re.compile(r"†(?=[^\W\d_])")


def _token(word: OcrWord, line: tuple[int, int, int]) -> Token:
    text = place_tone(remove_footnotes(nfc(_DAGGER_T.sub("t", word.text))))
    return Token(word=word, text=text, key=match_key(text), line=line)


# A label's colon and the value read as one word («sơ:.000.21.45.H40-250619-0384», «Email:an@»:
# Tesseract drops a narrow space after a colon): split after the colon, or the label's last
# word is lost in the value's (a tuning receipt lost its dossier code so). A colon between
# digits is a time's («08:30»), and stays.
_GLUED_COLON = re.compile(r"(?<=[^\W\d_]):(?=[^\s:]*\w)")


def split_glued(word: OcrWord) -> list[OcrWord]:
    """The word, or a label's last word and the value glued to it, each with its share of the
    box (by letters)."""
    found = _GLUED_COLON.search(word.text)
    if found is None:
        return [word]
    head, tail = word.text[:found.end()], word.text[found.end():]
    x0, y0, x1, y1 = word.bbox
    cut = x0 + round((x1 - x0) * len(head) / len(word.text))
    return [word.model_copy(update={"text": head, "bbox": (x0, y0, cut, y1)}),
            word.model_copy(update={"text": tail, "bbox": (cut, y0, x1, y1)})]


# A footnote marker Tesseract split at a space it saw inside the brackets: «liên hệ(» then
# «1)» (a mild tuning book_boxed receipt in TeX Gyre Bonum at seed 21 gave the address
# «1) tổ 14, …» so). The marker's closing half: digits and the bracket, then a colon or a
# full stop at most.
_MARKER_TAIL = re.compile(r"^\s*\d{1,2}\s*[)}\]]([:.]?)$")


def join_split_footnotes(words: Sequence[OcrWord]) -> list[OcrWord]:
    """A line's words with a footnote marker split over two words («hệ(», «1)») removed
    from both: the opening bracket from the first, the rest of the second but what
    follows the bracket (a label's colon). Other words as read."""
    joined = list(words)
    for index in range(1, len(joined)):
        before, word = joined[index - 1], joined[index]
        tail = _MARKER_TAIL.match(word.text)
        if tail is None or not before.text.endswith("(") or before.text.count("(") != 1:
            continue
        joined[index - 1] = before.model_copy(update={"text": before.text[:-1]})
        joined[index] = word.model_copy(update={"text": tail.group(1)})
    return joined


def _overlaps(row: Row, top: int, bottom: int) -> bool:
    """Half the smaller height overlaps: the same printed line."""
    overlap = min(row.bottom, bottom) - max(row.top, top)
    return overlap >= 0.5 * min(row.height, max(bottom - top, 1))


def build_rows(page: PageOcr) -> list[Row]:
    """The page's words grouped into visual rows, top to bottom, each left to right.

    Words, not Tesseract lines, are grouped: Tesseract sometimes reads a column of list
    numbers as one tall line, and puts a label and its value at a tab stop in different
    blocks. Rows are built from words of about text height only: a speck («.», «¬», «ề») or
    a tall smear that noise or a leftover leader made would otherwise start a row of its own
    and pull the words around it in (a 4-pixel «.» took «gửi:» away from «Kính»). Marks
    without letters are then put in the row their middle falls in (or left out when it falls
    in none), and so are tall words no taller than that row allows (a title's words); specks
    with letters, and smears taller than their row allows, are noise and left out.
    """
    tokens = [_token(part, (ln.block, ln.paragraph, ln.line))
              for ln in page.lines for w in join_split_footnotes(ln.words)
              for part in split_glued(w)]
    typical = _typical_height(tokens)
    core = [t for t in tokens if _is_core(t, typical)]
    rows: list[Row] = []
    for token in sorted(core, key=_middle):
        if _height(token) > TALL_WORD_HEIGHT * typical:
            continue  # placed below, once the rows of ordinary words stand
        _, top, _, bottom = token.word.bbox
        row = next((r for r in reversed(rows[-3:]) if _overlaps(r, top, bottom)), None)
        if row is None:
            rows.append(Row([token], top, bottom))
        else:
            row.tokens.append(token)
    for token in sorted((t for t in core if _height(t) > TALL_WORD_HEIGHT * typical),
                        key=_middle):
        _place_tall(rows, token)
    for token in tokens:
        flat = _flattened_word(token, typical)
        if token.key and (_is_core(token, typical) or (
                _height(token) < MIN_ROW_HEIGHT * typical and not flat)):
            continue  # placed already, or a speck with letters
        # Marks («:», «-», «(») go where they stand, and so does a tall word that is no taller
        # than its row's words allow: a title set large, whose accents and a blot of noise make
        # its box over twice body height («TIẾP» 142 px among title words of 80, body 46 px).
        # A flattened word's box is its top: its middle is half a line below that.
        middle = token.word.bbox[1] + typical / 2 if flat else _middle(token)
        home = next((r for r in rows if r.top <= middle <= r.bottom), None)
        if home is None:
            continue
        if not token.key or _height(token) <= MAX_ROW_HEIGHT * _typical_height(home.tokens):
            home.tokens.append(token)
    for row in rows:
        row.tokens.sort(key=lambda t: t.word.bbox[0])
    return sorted(rows, key=lambda r: r.top)


# A word of three letters or more, as wide as the text is high, whose box Tesseract made a
# few pixels high: a word read from print, its box broken, not a speck. Left out with the
# specks, it was cut from its value silently: «xóm Tân Lập, …» read «-MỐm» in a box 3 px
# high, 79 wide (Carlito at hard, a probe in faces neither part prints in, seed 703), and
# «Tân Lập xã Mãn Đức, …» was given. Placed in its row, its value is judged with it.
FLAT_WORD_LETTERS = 3


def _flattened_word(token: Token, typical: float) -> bool:
    """Whether a token below text height is a word whose box was broken (see
    ``FLAT_WORD_LETTERS``): letters enough, and as wide as the typical word is high. (A
    title's word set large is no such word: placed by a flattened box's rule, its middle
    was taken half a line under its top and a receipt's title lost its row.)"""
    x0, _, x1, _ = token.word.bbox
    return (bool(token.key) and _height(token) < MIN_ROW_HEIGHT * typical
            and sum(c.isalpha() for c in token.text) >= FLAT_WORD_LETTERS
            and x1 - x0 >= typical)


# A word of text height this many times the typical or taller (a blot over its accents made
# «Chứng» 112 px among words of 50) joins the row it overlaps most, after the rows of ordinary
# words are built: placed by its middle with them, it fell in the row above and its own row
# lost it (a hard tuning receipt at seed 43 gave «thực bản sao từ bản chính», its first word
# gone).
TALL_WORD_HEIGHT = 1.5


def _place_tall(rows: list[Row], token: Token) -> None:
    """The tall word (``TALL_WORD_HEIGHT``) in the row it overlaps most, or a row of its own
    (which the next tall words of a title set large join)."""
    _, top, _, bottom = token.word.bbox
    overlaps = [(min(r.bottom, bottom) - max(r.top, top), i) for i, r in enumerate(rows)
                if _overlaps(r, top, bottom)]
    if overlaps:
        rows[max(overlaps)[1]].tokens.append(token)
    else:
        rows.append(Row([token], top, bottom))


def _middle(token: Token) -> float:
    return (token.word.bbox[1] + token.word.bbox[3]) / 2


def _height(token: Token) -> int:
    return token.word.bbox[3] - token.word.bbox[1]


def _typical_height(tokens: list[Token]) -> float:
    """Median height of the words with letters or digits (0 when there are none)."""
    heights = sorted(_height(t) for t in tokens if t.key)
    return float(heights[len(heights) // 2]) if heights else 0.0


def _is_core(token: Token, typical: float) -> bool:
    """A word of text height: letters or digits, neither a speck nor a smear over rows."""
    return bool(token.key) and (MIN_ROW_HEIGHT * typical <= _height(token)
                                <= MAX_ROW_HEIGHT * typical)


# --- label matching --------------------------------------------------------------------------


def _best_window(keys: list[str], position: int, phrase: Phrase) -> tuple[float, int]:
    """Best fuzzy score of the phrase against windows of its word count ±1 starting here.

    A window of fewer words than the phrase, but about as many letters, is also compared
    without spaces: on blurred scans Tesseract loses the space between a label's words
    («Giớitính:», «Kínhgửi»), which costs a short label more than one wrong letter does. (A
    window short of letters is a label cut short, «… tên người» of «… tên người mẹ».)

    The widths grow, so a later width is the best when it scores at least the best so far;
    each ratio is asked with that score as ``score_cutoff`` (rapidfuzz answers 0 below it,
    the exact ratio otherwise), which keeps the answer and skips what cannot win."""
    best_score, best_width = 0.0, 0
    words, key = phrase.words, phrase.key
    room = len(keys) - position
    for width in (*_glued_widths(words), words - 1, words, words + 1):
        if width < 1 or width > room:
            continue
        window = " ".join(keys[position:position + width])
        if width < words - 1:
            # Only as a label with spaces lost: its letters joined are the label's.
            joined = window.replace(" ", "")
            if abs(len(joined) - len(phrase.joined)) > 1:
                continue
        score = fuzz.ratio(window, key, score_cutoff=best_score)
        if width < words:
            joined = window.replace(" ", "")
            if abs(len(joined) - len(phrase.joined)) <= 1:
                score = max(score, fuzz.ratio(joined, phrase.joined, score_cutoff=best_score))
        if score >= best_score:
            best_score, best_width = score, width
    return best_score, best_width


# A long label may lose more than one space: «Tiếp nhận hồsơcủa Trần Xuân Lực» (TeX Gyre
# Heros Cn and Liberation Sans squeezed at hard, tuning seed 139: the applicant not found, or
# «Hữu Hiếu» read without his family name, «Võ» taken into the label). Windows of up to
# this many words fewer than the label are compared without spaces too.
GLUED_WORDS = 3


def _glued_widths(words: int) -> range:
    """Window widths below ``words - 1`` a label of ``words`` words is compared with, as
    read with spaces lost (``GLUED_WORDS``); none for labels of three words or fewer."""
    return range(max(1, words - GLUED_WORDS), words - 1)


def _min_score(phrase: Phrase, matching: MatchingSettings) -> float:
    """Short labels need a closer fit: one wrong letter turns a name into a label."""
    if len(phrase.key) <= matching.short_label_chars:
        return max(matching.label_min_score, matching.short_label_min_score)
    return matching.label_min_score


def _colon_stops(row: Row, positions: list[int]) -> list[int]:
    """For each keyed word, how many keyed words a label starting there may span: a printed
    label ends at its colon, so a window never runs past one («Tiếp nhận hồ sơ của: Nguyễn
    Bảo» is not «Tiếp nhận hồ sơ của ông/bà»)."""
    # One pass from the right: the k-th keyed word ends a window when a word from it up to
    # the next keyed word ends in a colon (the loop over every start and end this replaces,
    # the same limits, was a seventh of the letter re-read's label finding).
    count = len(positions)
    limits = [0] * count
    stop = count  # the nearest keyed word at or after n whose span holds a colon
    for n in range(count - 1, -1, -1):
        following = positions[n + 1] if n + 1 < count else len(row.tokens)
        if any(t.text.endswith(":") for t in row.tokens[positions[n]:following]):
            stop = n
        limits[n] = stop - n + 1 if stop < count else count - n
    return limits


def _candidates(row: Row, phrases: list[Phrase], min_score: float,
                matching: MatchingSettings) -> list[LabelMatch]:
    positions = [i for i, t in enumerate(row.tokens) if t.key]
    keys = [row.tokens[i].key for i in positions]
    limits = _colon_stops(row, positions)
    found = []
    # Phrase by phrase, each left to right, as when every position was asked of every phrase;
    # only where a window can reach ``min_score`` (``_reachable``): nothing less is found.
    reachable = np.nonzero(_reachable(keys, limits, phrases, min_score))
    for index, p in zip(*(axis.tolist() for axis in reachable), strict=True):
        phrase = phrases[index]
        score, width = _best_window(keys[:p + limits[p]], p, phrase)
        if score >= max(min_score, _min_score(phrase, matching)) or (
                score >= min_score and width and _ends_label(row, positions[p + width - 1])):
            window = " ".join(keys[p:p + width])
            found.append(LabelMatch(phrase, positions[p], positions[p + width - 1] + 1,
                                    score, window))
    return found + _across_stray_colons(keys, positions, limits, phrases, min_score)


# A label may run past a colon inside it when the words after the colon are the label's own
# last words, letter for letter, and the whole reads as the label at least this well: a speck
# read as a colon («Họ, chữ đệm, tên: người yêu cầu: Nguyễn Thị Huyền», forms hard tuning
# seed 11) ended the label at «tên», the child's name's label, and the requester's name,
# residence, papers and relationship were all lost.
STRAY_COLON_MIN_SCORE = 95.0


def _across_stray_colons(keys: list[str], positions: list[int], limits: list[int],
                         phrases: list[Phrase], min_score: float) -> list[LabelMatch]:
    """Labels read with one stray colon inside (see ``STRAY_COLON_MIN_SCORE``)."""
    count = len(keys)
    # The keyed words that end in a colon with keyed words after them.
    colons = sorted({p + limits[p] - 1 for p in range(count) if p + limits[p] < count})
    found = []
    for colon in colons:
        after = keys[colon + 1]
        for phrase in phrases:
            if after not in phrase.later_words:
                continue
            words = phrase.key.split()
            for split in (n for n in range(1, len(words)) if words[n] == after):
                start, end = colon + 1 - split, colon + 1 + len(words) - split
                if (start < 0 or end > count or keys[colon + 1:end] != words[split:]
                        or limits[start] != split or limits[colon + 1] < end - colon - 1):
                    continue
                window = " ".join(keys[start:end])
                score = fuzz.ratio(window, phrase.key)
                if score >= max(min_score, STRAY_COLON_MIN_SCORE):
                    found.append(LabelMatch(phrase, positions[start], positions[end - 1] + 1,
                                            score, window))
    return found


# Ratios a window's may fall short of the exact ones: rapidfuzz's matrix and single ratios
# are the same computation, but a bound a hair too low must never drop a label.
_BOUND_SLACK = 1e-6


def _reachable(keys: list[str], limits: list[int], phrases: list[Phrase],
               min_score: float) -> np.ndarray:
    """For each phrase and keyed position (bool, phrases × positions), whether
    ``_best_window`` there can score ``min_score`` or more, which every label found needs.

    Its score is one of the ratios of the windows it compares (each cut to 0 below the best
    so far), so it is at most their largest: every window of every width any phrase is
    compared with, spaced and joined, is scored against every phrase in one rapidfuzz
    matrix call, and only where the largest reaches ``min_score`` is ``_best_window`` asked.
    The same labels (it answers as before where asked; elsewhere its answer was dropped):
    on the stages benchmark's 20 pages 4593 label searches gave the same candidates, and
    a file's analysis took 91 → 51 ms CPU a page (one thread; ~24,000 windows a page were
    asked, ~3 % of which scored ``min_score``)."""
    count = len(keys)
    if not count or not phrases:
        return np.zeros((len(phrases), count), bool)
    words = np.array([phrase.words for phrase in phrases])
    widest = int(words.max()) + 1
    rooms = [min(count, p + limits[p]) - p for p in range(count)]
    windows = [(p, width) for p in range(count) for width in range(1, min(widest, rooms[p]) + 1)]
    spaced = [" ".join(keys[p:p + width]) for p, width in windows]
    joined = [text.replace(" ", "") for text in spaced]
    cutoff = max(0.0, min_score - _BOUND_SLACK)
    plain = process.cdist(spaced, [phrase.key for phrase in phrases], scorer=fuzz.ratio,
                          score_cutoff=cutoff, dtype=np.float64)
    glued = process.cdist(joined, [phrase.joined for phrase in phrases], scorer=fuzz.ratio,
                          score_cutoff=cutoff, dtype=np.float64)
    starts = np.array([p for p, _ in windows])
    widths = np.array([width for _, width in windows])[:, None]
    # The widths _best_window tries: from the glued ones up to one word more than the phrase.
    tried = (widths >= np.maximum(1, words - GLUED_WORDS)) & (widths <= words + 1)
    best = np.where(tried, np.maximum(plain, np.where(widths < words, glued, 0.0)), 0.0)
    if cutoff <= 0:  # every window reaches it
        return np.ones((len(phrases), count), bool)
    reach = np.zeros((count, len(phrases)))
    np.maximum.at(reach, starts, best)
    return (reach >= cutoff).T


def _ends_label(row: Row, position: int) -> bool:
    """Whether the word at ``position`` ends in a colon (its footnote marker aside): a
    printed label ends so, and a short label read there with a letter wrong («Emaill(2):»,
    91 against «Email») is still the label, not a word of a value (which short labels need
    95 for, to stay apart from words such as «Nam Định»)."""
    return row.tokens[position].text.endswith(":")


def _clash(a: LabelMatch, b: LabelMatch) -> bool:
    return a.start < b.end and b.start < a.end


def _yields(short: LabelMatch, matches: list[LabelMatch], margin: float) -> bool:
    """A label inside a longer label found at the same place is part of it («Năm sinh» in
    «Ngày, tháng, năm sinh»; «Họ, chữ đệm, tên» in «… tên người mẹ»), unless the longer
    label fits its words little better than the short one does (then the extra words are
    the value: «Tiếp nhận hồ sơ của | Hoàng» is not «… của ông/bà»)."""
    return any(_clash(short, m) and short.phrase.key in m.phrase.key
               and len(m.phrase.key) > len(short.phrase.key)
               and m.score - fuzz.ratio(short.phrase.key, m.window) >= margin
               for m in matches)


def find_labels(row: Row, phrases: list[Phrase], min_score: float,
                matching: MatchingSettings) -> list[LabelMatch]:
    """Non-overlapping phrase matches in a row, left to right."""
    candidates = _candidates(row, phrases, min_score, matching)
    margin = matching.label_yield_margin
    candidates = [c for c in candidates if not _yields(c, candidates, margin)]
    chosen: list[LabelMatch] = []
    for c in sorted(candidates, key=lambda m: (-m.score, -len(m.phrase.key))):
        if not any(_clash(c, kept) for kept in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda m: m.start)


def phrases_of(texts: Sequence[str]) -> list[Phrase]:
    """Phrases for printed texts, one per distinct match key."""
    return list(_phrases(tuple(texts)))


@functools.lru_cache(maxsize=1024)
def _phrases(texts: tuple[str, ...]) -> tuple[Phrase, ...]:
    """``phrases_of``, made once per set of texts: a type's labels were keyed again for
    every row they were looked for in (classification asks each row), 2804 times for the
    stages benchmark's 16 files, a sixth of their analysis."""
    unique = {match_key(t): t for t in reversed(texts)}
    return tuple(Phrase(text, key) for key, text in unique.items() if key)


def all_labels(doctype: DocTypeDefinition) -> list[Phrase]:
    """Every label, anchor and other label of a type, and its titles (so that no label is
    found inside the title: «TIẾP NHẬN HỒ SƠ VÀ …» is not «Tiếp nhận hồ sơ của»)."""
    texts = [label for f in doctype.fields for label in f.labels] + doctype.titles
    texts += [a for b in doctype.blocks for a in b.anchors] + doctype.other_labels
    return phrases_of(texts)


# A short title (a kind's name: «THÔNG BÁO», «QUYẾT ĐỊNH») standing alone on its row needs
# this score, not the short labels' 95: on its own line in capitals it is no word of a value,
# and one misread letter («THOÔNG BAO», 94.7) lost a notice's type on a new tuning layout.
# A two-word name alone on its row scores 80 against the nearest kind («LÊ AN», «DỰ ÁN»).
ALONE_TITLE_MIN_SCORE = 90.0


def title_score(rows: list[Row], doctype: DocTypeDefinition) -> tuple[float, int]:
    """Best title match (0..100) over rows printed mostly in capitals, and its row index."""
    titles = phrases_of(doctype.titles)
    matching = doctype.matching
    # Short titles are looked for at the lower score, then held to the short labels' unless
    # they stand alone on their row.
    lenient = matching.model_copy(update={"short_label_min_score": min(
        matching.short_label_min_score, max(ALONE_TITLE_MIN_SCORE, matching.title_min_score))})
    best = (0.0, -1)
    for index, row in enumerate(rows):
        if uppercase_share(row.text) < matching.title_uppercase_share:
            continue
        for match in find_labels(row, titles, matching.title_min_score, lenient):
            if match.score < _min_score(match.phrase, matching) and not _alone(row, match):
                continue
            best = max(best, (match.score, index))
    return best


def _alone(row: Row, match: LabelMatch) -> bool:
    """Whether the match spans every word of its row that has letters or digits."""
    return all(match.start <= n < match.end for n, t in enumerate(row.tokens) if t.key)


@dataclass(frozen=True)
class PageLayout:
    """A page with its rows, built once: classification and extraction both walk the rows,
    and building them (sorting and grouping every word) is the costly part."""

    page: PageOcr
    rows: list[Row]


def laid_out(pages: Sequence[PageOcr | PageLayout]) -> list[PageLayout]:
    """Each page with its rows, building them only for pages that come without."""
    return [p if isinstance(p, PageLayout) else PageLayout(p, build_rows(p)) for p in pages]


def find_title_page(pages: list[PageLayout],
                    doctype: DocTypeDefinition) -> tuple[int | None, float]:
    """The number of the page holding the type's title, and the title score (0..100)."""
    best: tuple[float, int | None] = (0.0, None)
    for layout in pages:
        page = layout.page
        score, _ = title_score(layout.rows, doctype)
        if score > best[0]:
            best = (score, page.number)
    return best[1], best[0]


# --- blocks ----------------------------------------------------------------------------------


@dataclass
class BlockState:
    """Which block the reading has reached, and which labels it has seen there."""

    block: str | None
    seen: set[str] = field(default_factory=set)
    reached: int = -1  # index of the furthest block entered; the reading never goes back

    def enter(self, block: str, index: int) -> None:
        self.block, self.seen = block, set()
        self.reached = max(self.reached, index)


def _anchor_block(doctype: DocTypeDefinition, key: str) -> str | None:
    return next((b.id for b in doctype.blocks
                 if any(match_key(a) == key for a in b.anchors)), None)


def _labelled(doctype: DocTypeDefinition, key: str) -> list[FieldDefinition]:
    """The fields that have the label ``key`` (in any block)."""
    return [f for f in doctype.fields if any(match_key(label) == key for label in f.labels)]


def _implied_block(doctype: DocTypeDefinition, key: str) -> str | None:
    """The block a label belongs to when no other block prints it (so a missed anchor
    does not lose the block: «Giới tính» is always the child's)."""
    blocks = {f.block for f in _labelled(doctype, key)}
    return blocks.pop() if len(blocks) == 1 else None


def _block_index(doctype: DocTypeDefinition, block: str | None) -> int:
    ids = [b.id for b in doctype.blocks]
    return ids.index(block) if block in ids else -1


def _next_block(state: BlockState, doctype: DocTypeDefinition, key: str) -> str | None:
    """The block a label moves the reading to: its anchor's, or a later block it implies
    (never an earlier one: the father's «Dân tộc» must not reopen the child block)."""
    anchored = _anchor_block(doctype, key)
    if anchored is not None:
        return anchored
    implied = _implied_block(doctype, key)
    if implied is not None and _block_index(doctype, implied) > state.reached:
        return implied
    return None


def _starts_block(doctype: DocTypeDefinition, key: str) -> bool:
    """Whether a label is an anchor that is no field's label («Đề nghị cơ quan đăng ký khai
    sinh cho người dưới đây»): it is printed where its block begins, so the block begins
    there even when the reading is in it already (a label misread before it, «Họ, chữ đệm,
    tên: người yêu cầu», took the reading in early; what was seen there is not the block's)."""
    return _anchor_block(doctype, key) is not None and not _labelled(doctype, key)


def _field_for(doctype: DocTypeDefinition, key: str, block: str | None) -> FieldDefinition | None:
    """The field this label means in this block (fields without a block count anywhere)."""
    return next((f for f in _labelled(doctype, key) if f.block in (block, None)), None)


def _advance(state: BlockState, doctype: DocTypeDefinition, match: LabelMatch) -> str | None:
    """Update the block state for a label; returns the field key it stands for, if any."""
    block = _next_block(state, doctype, match.phrase.key)
    if block is not None and (block != state.block or _starts_block(doctype, match.phrase.key)):
        state.enter(block, _block_index(doctype, block))
    if state.block == LOST:
        return None
    found = _field_for(doctype, match.phrase.key, state.block)
    role = found.key if found else match.phrase.key
    if not found and role not in {match_key(label) for label in doctype.other_labels}:
        return None  # titles and anchors may repeat (page headers); labels may not
    if role in state.seen:
        # The same label twice in one block: an anchor was not read, so which block this
        # is cannot be told. Assign nothing until the next anchor.
        state.block, state.seen = LOST, set()  # ``reached`` stays: no going back
        return None
    state.seen.add(role)
    return found.key if found else None


# --- values ----------------------------------------------------------------------------------


@dataclass
class RawValue:
    """The words a field's value was read from."""

    tokens: list[Token]
    label: LabelMatch
    page: int
    after: str = ""  # the label's row after it and the row below (a date written in words)


# A word this many value-word heights or more right of the value's last word, that OCR read
# weakly (below ``FAR_WEAK_CONFIDENCE``) as it did every word after it, is noise in the blank
# space after the value, not the value: a hard tuning receipt at seed 53 gave the applicant as
# «Phan Thu Phượng Tủy» from «PHAN THU PHƯỢNG» (91-93) and a speck read «tủy» (42) 1 300
# pixels to its right, past a 4-pixel «:».
FAR_GAP_HEIGHTS = 6.0
FAR_WEAK_CONFIDENCE = 60.0


def _far_noise(kept: list[Token], rest: list[Token]) -> bool:
    """Whether ``rest`` (starting with a word with letters or digits) is weak noise far
    right of the value words ``kept`` (see ``FAR_GAP_HEIGHTS``)."""
    words = [t for t in kept if t.key]
    if not words:
        return False
    last, first = words[-1].word.bbox, rest[0].word.bbox
    height = max(_height(t) for t in words)
    return (first[0] - last[2] >= FAR_GAP_HEIGHTS * height
            and all(t.word.confidence < FAR_WEAK_CONFIDENCE for t in rest if t.key))


def trim_value(tokens: list[Token]) -> tuple[list[Token], bool]:
    """Value tokens up to the first dot leader; True when a leader ended them.

    Leading punctuation («:») is skipped. What follows a leader is blank space or debris
    Tesseract read from the dots, so it is never part of the value; nor is weak noise far
    right of the value (``FAR_GAP_HEIGHTS``), with the marks before it.
    """
    kept: list[Token] = []
    for index, token in enumerate(tokens):
        if token.key and _far_noise(kept, tokens[index:]):
            while kept and not kept[-1].key:
                kept.pop()
            return kept, False
        if not kept and not token.key and _speck(token, tokens):
            continue
        if is_debris(token.text) or has_leader(token.text):
            head = cut_at_leader(token.text)
            if has_alnum(head) and not is_debris(token.text):
                kept.append(Token(token.word, head, match_key(head), token.line))
            return kept, True
        if kept or has_alnum(token.text):
            kept.append(token)
    return kept, False


# A mark before any value whose box is under this share of the words' middle height each
# way is a speck, not a leader: «Ngày, tháng, năm sinh ___ 12/11/2024», its «___» a 3×3-pixel
# speck (a hard cn_grid form at forms tuning seed 71), ended the value before it began and
# the child's date of birth was lost without a word of why. Leader dots are as wide as words.
SPECK_SHARE = 0.25


def _speck(token: Token, tokens: list[Token]) -> bool:
    """Whether ``token`` (a mark without letters or digits) is a speck (``SPECK_SHARE``)."""
    heights = sorted(t.word.bbox[3] - t.word.bbox[1] for t in tokens if t.key)
    if not heights:
        return False
    middle = heights[len(heights) // 2]
    x0, y0, x1, y1 = token.word.bbox
    return x1 - x0 < SPECK_SHARE * middle and y1 - y0 < SPECK_SHARE * middle


@dataclass(frozen=True)
class PageContext:
    """One page's rows and label matches, with the type's settings."""

    rows: list[Row]
    matches: list[list[LabelMatch]]
    doctype: DocTypeDefinition


def _next_row_value(ctx: PageContext, index: int, label_row: Row) -> tuple[list[Token], int]:
    """The value printed on the row below a label with nothing after it."""
    below = index + 1
    if below >= len(ctx.rows):
        return [], index
    row = ctx.rows[below]
    if row.top - label_row.bottom > ctx.doctype.matching.max_line_gap * label_row.height:
        return [], index
    end = ctx.matches[below][0].start if ctx.matches[below] else len(row.tokens)
    tokens, _ = trim_value(row.tokens[:end])
    return tokens, below


def _label_x(ctx: PageContext, index: int, position: int) -> int:
    """Where the label's line begins: the row's first word for the row's first label (a
    list number «5.», or what OCR made of it, stands before «Thời gian …», and the value
    wraps to the margin), else the label's first word (the second pair on a packed row)."""
    tokens = ctx.rows[index].tokens
    start = 0 if position == 0 else ctx.matches[index][position].start
    return tokens[start].word.bbox[0]


def _incomplete(tokens: list[Token], fdef: FieldDefinition) -> bool:
    """A typed value not yet readable from these words (a date-time wrapped before its
    year): the next line is read even if Tesseract made it a new paragraph."""
    if fdef.normaliser.free_text:
        # An address line that ends in a comma goes on («…, quận Hải Châu,» / «thành phố Đà
        # Nẵng»), whatever paragraph Tesseract put the next line in.
        return bool(tokens) and (tokens[-1].text.endswith(",")
                                 or (fdef.places and _address_goes_on(tokens)))
    return fdef.normaliser.normalise(" ".join(t.text for t in tokens)) is None


# Unit levels from the smallest: an address names them in this order («xã …, huyện …,
# tỉnh …»); a «thành phố» is a province's or a district's.
_UNIT_RANK = {"commune": 0, "district": 1, "city": 1, "province": 2}


def _higher_unit_below(ctx: PageContext, index: int, tokens: list[Token],
                       fdef: FieldDefinition) -> bool:
    """Whether the row at ``index`` begins with a unit above the last one the address names
    so far: its next part, wrapped («…, phường Thạch Linh.» / «thành phố Hà Tĩnh, tỉnh Hà
    Tĩnh»), whatever paragraph Tesseract put it in and whatever mark ends the line (TeX Gyre
    Bonum at hard read the commas as stops; a tuning form at seed 101 gave the residence
    without its city and province)."""
    if not fdef.places or index >= len(ctx.rows):
        return False
    value = " ".join(t.text for t in tokens)
    named = find_units(value)
    below = find_units(ctx.rows[index].text)
    if named and name_goes_on(value, ctx.rows[index].text):
        return True  # «…, tỉnh Hà» / «Tĩnh»: the unit's name wraps (places.name_goes_on)
    return (bool(named) and bool(below) and below[0].head == 0
            and _UNIT_RANK[below[0].level] > _UNIT_RANK[named[-1].level])


def _address_goes_on(tokens: list[Token]) -> bool:
    """Whether an address line shows it wraps on: it ends in a unit's prefix word without
    its name («…, huyện Cẩm Xuyên, tỉnh» / «Hà Tĩnh»: DejaVu Sans Light at hard, a tuning
    form at seed 101, refused as cut). A line ending in a stop after its commune (TeX Gyre
    Bonum at hard read the commas as stops) is not read on: the stop stays in the value,
    and «xã Thạch Hạ. tỉnh» then reads as no unit («Thạch Hà tĩnh»)."""
    return ends_in_unit_word(" ".join(t.text for t in tokens))


def read_value(ctx: PageContext, index: int, position: int, fdef: FieldDefinition) -> list[Token]:
    """Tokens of the value of the label ``matches[index][position]``, wrapped lines included."""
    row, matches = ctx.rows[index], ctx.matches[index]
    label = matches[position]
    end = matches[position + 1].start if position + 1 < len(matches) else len(row.tokens)
    tokens, ended = trim_value(row.tokens[label.end:end])
    tokens = _without_label_rest(label, tokens)
    if _label_tail(tokens):
        tokens = []  # the label's own last words: its value is on the row below
    last = index
    if not tokens and not ended and end == len(row.tokens):
        tokens, last = _next_row_value(ctx, index, row)
    label_x = _label_x(ctx, index, position)
    for _ in range(fdef.max_lines - 1):
        if ended or not tokens or not _continues_at(
                ctx, last + 1, tokens, label_x,
                _incomplete(tokens, fdef) or _higher_unit_below(ctx, last + 1, tokens, fdef)):
            break
        more, ended = trim_value(ctx.rows[last + 1].tokens)
        tokens, last = tokens + more, last + 1
    return tokens


# Words after a label that end in a colon, this many or fewer, are the label's own tail, read
# past where its match ended («Tiê6 nhận hô`sơ của | ông/bà:» matched «… hồ sơ của»: the
# applicant was given as «Ông Bà» on a new tuning layout with the older wordings).
LABEL_TAIL_WORDS = 2


def _label_tail(tokens: list[Token]) -> bool:
    """Whether value words are the rest of the label (see ``LABEL_TAIL_WORDS``)."""
    keyed = [t for t in tokens if t.key]
    # A label's words are letters, and the colon is its last word's («… 0943.162.167 :», a
    # phone and a speck, is a value).
    return (bool(keyed) and len(keyed) <= LABEL_TAIL_WORDS and tokens[-1] is keyed[-1]
            and tokens[-1].text.endswith(":") and not any(c.isdigit() for t in keyed
                                                           for c in t.text))


def _without_label_rest(label: LabelMatch, tokens: list[Token]) -> list[Token]:
    """The value without the label's last words, when the label matched short of them and
    the value opens with them as printed: a stray colon before a label's last word ends its
    match there («Đăng ký nhận kết quả : tại Trung tâm …» matched without «tại», and «tại
    Trung tâm Phục vụ hành chính công …» was given: a hard book_boxed receipt at tuning seed
    167). Only words equal to the label's own are taken off (``LABEL_TAIL_WORDS`` at most).
    So is the label's last word when the match ended on debris in its place («… kết t quả I»
    matched the label, «tại» opened the value: a hard ruled_table receipt at forms tuning
    seed 11 gave «tại Trung tâm …»)."""
    missing = label.phrase.words - len(label.window.split())
    last = label.phrase.key.split()[-1]
    if missing <= 0 and last not in label.window.split():
        missing = 1  # matched on debris: its last word may still open the value
    if not 0 < missing <= LABEL_TAIL_WORDS:
        return tokens
    keyed = [i for i, t in enumerate(tokens) if t.key][:missing]
    if [tokens[i].key for i in keyed] != label.phrase.key.split()[-missing:]:
        return tokens
    rest, _ = trim_value(tokens[keyed[-1] + 1:])
    return rest


def _continues_at(ctx: PageContext, index: int, value: list[Token], label_x: int,
                  incomplete: bool = False) -> bool:
    """Whether the row at ``index`` carries on a wrapped value that ends in ``value`` (in
    the same OCR paragraph, unless the value is ``incomplete`` without it). The row's words
    must be read surely on average; for an incomplete value, its words of letters or digits
    only: the specks a hard scan leaves after a wrapped year («2025[80] .......[33] `[41]
    ¬[43]», a hard tab_leader receipt at forms tuning seed 13) are not what it needs."""
    if index >= len(ctx.rows) or ctx.matches[index]:
        return False
    row, previous = ctx.rows[index], ctx.rows[index - 1]
    words = [t for t in row.tokens if has_alnum(t.text)] if incomplete else []
    words = words or row.tokens
    confidence = sum(t.word.confidence for t in words) / len(words)
    matching = ctx.doctype.matching
    return (row.top - previous.bottom <= matching.max_line_gap * previous.height
            and (incomplete or row.tokens[0].line[:2] == value[-1].line[:2])
            and row.tokens[0].word.bbox[0] >= label_x - row.height
            and confidence >= matching.continuation_min_word_confidence)


def read_page_values(layout: PageLayout, doctype: DocTypeDefinition, state: BlockState,
              found: dict[str, RawValue]) -> None:
    """Walk one page's rows in order, collecting the first value of every field."""
    page, rows = layout.page, layout.rows
    labels = all_labels(doctype)
    matching = doctype.matching
    matches = [find_labels(r, labels, matching.label_min_score, matching) for r in rows]
    ctx = PageContext(rows, matches, doctype)
    for index, row_matches in enumerate(matches):
        for position, match in enumerate(row_matches):
            key = _advance(state, doctype, match)
            if key is None or key in found:
                continue
            tokens = read_value(ctx, index, position, doctype.field(key))
            if tokens:
                found[key] = RawValue(tokens, match, page.number, _text_after(ctx, index, match))


# Rows below a date's label that may hold it in words: its own row's pair «ghi bằng chữ: …»
# wraps twice in a narrow cell («… năm hai nghìn không trăm hài» / «mươi ba»).
WORDS_ROWS_BELOW = 2


def _text_after(ctx: PageContext, index: int, label: LabelMatch) -> str:
    """What the label's row prints after it, and the rows below: where a form writes the
    value again in words («… (ghi bằng chữ: ngày chín, tháng mười, năm» / «hai nghìn …)»),
    on the same row, after a label of its own, or wrapped to the next."""
    texts = [t.text for t in ctx.rows[index].tokens[label.end:]]
    for row in ctx.rows[index + 1:index + 1 + WORDS_ROWS_BELOW]:
        texts += [t.text for t in row.tokens]
    return " ".join(texts)


# --- fields ----------------------------------------------------------------------------------


def _words_of(tokens: list[Token]) -> list[ValueWord]:
    # A second reading with its tone placed as the first was (``_token``).
    return [ValueWord(t.text, t.word.confidence, t.word.bbox,
                      t.word.reread and place_tone(t.word.reread)) for t in tokens]


def _reading_pages(pages: list[PageLayout], title_page: int | None) -> list[PageLayout]:
    """Pages from the one with the title on (all pages when no title was read)."""
    return [p for p in pages if title_page is None or p.page.number >= title_page]


def extract_fields(pages: Sequence[PageOcr | PageLayout], doctype: DocTypeDefinition,
                   title_page: int | None | Literal["find"] = "find") -> Extraction:
    """Every field of the type that was read surely enough (``fields``, keyed as the contract
    says), and the values read but refused (``doubts``; see ``pipeline.fields``).

    ``title_page`` is the page the type's title is on, as classification found it; "find"
    looks for it here."""
    layouts = laid_out(pages)
    if title_page == "find":
        title_page, _ = find_title_page(layouts, doctype)
    reading = _reading_pages(layouts, title_page)
    starts_at_top = bool(doctype.blocks) and not doctype.blocks[0].anchors
    state = BlockState(doctype.blocks[0].id if starts_at_top else None,
                       reached=0 if starts_at_top else -1)
    found: dict[str, RawValue] = {}
    last_block = doctype.blocks[-1].id if doctype.blocks else None
    for layout in reading:
        read_page_values(layout, doctype, state, found)
        if state.block == last_block and last_block is not None:
            break  # the form ended on this page: later pages are attachments
    built = {k: build_field(_words_of(raw.tokens), raw.label.score, raw.page, doctype.field(k),
                            doctype) for k, raw in found.items()}
    built.update(_positioned(reading, doctype, set(found)))
    candidates = {k: c for k, c in built.items() if c is not None}
    candidates = agree_with_words(candidates, {k: raw.after for k, raw in found.items()},
                                  doctype)
    rows = [row for layout in reading for row in layout.rows]
    for key, candidate in candidates.items():
        # The field's kind respells from the copies (names, communes) or leaves the value.
        candidates[key] = respell_from_copies(candidate, partial(_copies, rows),
                                              doctype.field(key), doctype)
    candidates = check_due_days(date_from_code(check_known_names(candidates, doctype),
                                               doctype), doctype)
    candidates = check_holder_born(check_same_person(candidates, doctype), doctype)
    candidates = check_family_name(candidates, doctype)
    candidates = check_email_name(candidates, doctype)
    checked = check_fields(candidates, doctype)
    return place_as_in_authority(agree_kind_and_symbol(checked, doctype), doctype)


def _positioned(reading: list[PageLayout], doctype: DocTypeDefinition,
                found: set[str]) -> dict[str, Candidate | None]:
    """The fields read from where the decree's layout puts them (``pipeline.regions``)."""
    from pipeline.regions import read_positions  # regions reads this module's rows

    placed = read_positions(reading, doctype)
    return {k: build_field(_words_of(p.tokens), p.score, p.page, doctype.field(k), doctype)
            for k, p in placed.items() if k not in found}


def _windows(rows: list[Row], key: str, size: int) -> Iterator[list[Token]]:
    """Every run of ``size`` words (words with letters or digits) in the rows whose match
    key is ``key``: the places a value is printed again."""
    for row in rows:
        words = [t for t in row.tokens if t.key]
        for start in range(len(words) - size + 1):
            window = words[start:start + size]
            if " ".join(t.key for t in window) == key:
                yield window


def _copies(rows: list[Row], key: str, size: int) -> list[Copy]:
    """Every copy of ``key`` in the rows (see ``_windows``): its words and its weakest word
    confidence."""
    return [Copy(tuple(t.text for t in window), min(t.word.confidence for t in window))
            for window in _windows(rows, key, size)]


# --- words a free-text value may hold ----------------------------------------------------------


def doubted_field(fdef: FieldDefinition) -> bool:
    """Whether a field's value is doubted for a word read two ways
    (``pipeline.fields.letters_read_two_ways``): free text that no closed list spells."""
    return fdef.kind.name in CHECKED_TWICE_KINDS and not fdef.vocabulary


def free_text_words(page: PageOcr, doctypes: Sequence[DocTypeDefinition]) -> set[tuple[int, int]]:
    """The (line, word) indices of the page's words that a free-text value of any of the
    types may be read from (``doubted_field``): what follows each such field's label as
    ``read_value`` reads it, whichever block the label stands in, and what the positioned
    fields' places hold (``pipeline.regions``), the page taken as the type's title page;
    less the words a list spells (``pipeline.fields.fixed_spellings``), which are never
    doubted.

    A superset of what ``extract_fields`` reads for such fields on the page: labels are
    found as extraction finds them, but every field a label may mean is read (the block
    state is not followed) and a value already found is read again. The letter re-read
    (``pipeline.ocr.reread.reread_letters``) reads only pieces of line holding these words,
    the only ones whose second reading extraction uses."""
    from pipeline.regions import read_positions  # regions reads this module's rows

    layout = laid_out([page])[0]
    found: set[tuple[int, int]] = set()
    for doctype in doctypes:
        tokens: list[Token] = []
        fields = [f for f in doctype.fields if doubted_field(f)]
        labelled = [f for f in fields if f.labels]
        if labelled:
            # Only these fields' labels are looked for: fewer labels found can only make a
            # value longer (it ends at the next label found), so no word is missed; every
            # label of every type took 0.15 CPU s a page to look for, these 0.04 (all types,
            # the throughput benchmark's 20 pages).
            labels = phrases_of([label for f in labelled for label in f.labels])
            matching = doctype.matching
            matches = [find_labels(r, labels, matching.label_min_score, matching)
                       for r in layout.rows]
            ctx = PageContext(layout.rows, matches, doctype)
            for index, row_matches in enumerate(matches):
                for position, match in enumerate(row_matches):
                    for fdef in _labelled(doctype, match.phrase.key):
                        if doubted_field(fdef):
                            tokens += read_value(ctx, index, position, fdef)
        if any(f.position is not None for f in fields):
            keys = {f.key for f in fields}
            tokens += [t for key, placed in read_positions([layout], doctype).items()
                       if key in keys for t in placed.tokens]
        # A word a list spells is never doubted, whatever its second reading.
        spelt = fixed_spellings(tuple(doctype.phrases))
        found |= _word_indices(page, [t for t in tokens if letters_key(t.text) not in spelt])
    return found


def _word_indices(page: PageOcr, tokens: list[Token]) -> set[tuple[int, int]]:
    """The (line, word) indices of the page's words the tokens were made from (a word split
    at a glued colon, ``split_glued``, gives parts within its box)."""
    boxes = {w.bbox: (li, wi) for li, line in enumerate(page.lines)
             for wi, w in enumerate(line.words)}
    found = set()
    for token in tokens:
        x0, y0, x1, y1 = token.word.bbox
        index = boxes.get(token.word.bbox)
        if index is None:
            index = next(((li, wi) for (a0, b0, a1, b1), (li, wi) in boxes.items()
                          if b0 == y0 and b1 == y1 and a0 <= x0 and x1 <= a1), None)
        if index is not None:
            found.add(index)
    return found
