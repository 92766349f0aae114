"""Values read from where Decree 30/2020/NĐ-CP's layout puts them (Appendix I, IV).

An administrative document prints few labels: its parts are known by their place. The header
is two columns — the issuing body top left with «Số: …» under it (and «V/v …» for a letter),
the national motto top right with «Địa danh, ngày … tháng … năm …» under it — which
Tesseract often reads as one line («ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI …»); the words keep their
boxes, so the columns are split again at the gap before the motto. Then, centred, the kind's
name and the subject; «Kính gửi: …»; the body; and at the foot «Nơi nhận:» on the left and
the signer's authority, title and name on the right (the signature and seal between them).

``read_positions`` gives, for each field with a ``position``, the words its value stands in;
``pipeline.extract`` normalises and judges them as it does labelled values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.extract import PageLayout, Row, Token, laid_out
from pipeline.handwriting import is_handwritten
from pipeline.text import has_alnum, match_key, uppercase_share
from pipeline.values.official import AUTHORITIES, HAND
from schemas.ocr import BBox, OcrWord, PageOcr, union_bbox

MOTTO = "cong hoa xa hoi chu nghia viet nam"
MOTTO_MIN_SCORE = 80
# A row this much shorter than the motto cannot be it, however well it fits a piece of it:
# partial matching finds a short row inside the motto, and a seal's «/X» under a signature
# (key «x», in «xa») made page 2 of a clean notice (--types new tuning seed 43) a document of
# its own, whose signer, title and seal were then never read. «CỘNG HÒA XÃ HỘI» alone is 15.
MOTTO_MIN_LENGTH = 15
# The motto's words, as a body's name read into the motto's column shows them: «doc lap tu»
# without its «do» too («Sở Kế hoạch và Đầu tư - - độc lập tự» was given as a body's name: a
# hard tuning notice of --types new, seed 197).
MOTTO_WORDS = ("cong hoa xa hoi", "doc lap tu")
PRINTED_NUMBER = re.compile(r"\d+/\S+")  # a number printed with its symbol, one word
# A gap this many row heights wide between two words of one row parts the header's columns.
COLUMN_GAP_ROWS = 1.5
CENTRED_SHARE = 0.12  # a centred line's middle is within this share of the width of the page's
KIND_MIN_SCORE = 85
PHRASE_MIN_RATIO = 85  # a fixed phrase («Kính gửi», «Nơi nhận») read with a letter wrong
# Rows after the date line in which the kind's name, «V/v …» and «Kính gửi» are looked for.
HEAD_ROWS = 12
SUBJECT_LINES = 3
LINE_GAP = 1.6  # in row heights: lines of one part stand closer than this
RECIPIENT_LINES = 8
BODY_PREFIXES = ("uy ban nhan dan", "ubnd", "so ", "phong ", "van phong", "ban ", "trung tam",
                 "chi cuc", "cuc ", "bo ", "hoi dong", "cong an", "thanh tra")
POSITIONED_SCORE = 95.0  # the «label» score of a value found by its place
SPECK_MAX_CONFIDENCE = 50  # a lone letter read less surely than this is a speck's reading
TITLE_MIN_CONFIDENCE = 60  # a title line has a word read at least this surely
RECIPIENTS_AFTER = 1  # words (a speck's) «Nơi nhận» may stand after on its row
# How sure the image is of a seal (as a word's 0..100): red ink of a seal's size and shape is
# all but certain; a ring on a grey page a little less; no seal where the signature block was
# read is as sure as the block.
SEAL_CONFIDENCE = {"colour": 97.0, "ring": 92.0, None: 95.0}
# The signature's space above the printed name, in the name's line heights: Decree 30 leaves
# ~25–30 mm for signature and seal, 7–9 lines of 13 pt.
SIGNATURE_SPACE = 8
# No seal is said only where the signature block reads this well (mean word confidence): on
# hard bilevel scans whose background thresholds to black blotches the ring test misses 2 of
# 8 seals, and «không» would be given wrong.
NO_SEAL_MIN_CONFIDENCE = 85.0


@dataclass(frozen=True)
class Placed:
    """The words a positioned value was read from, how well its place was recognised
    (0..100, like a label's fit) and its page."""

    tokens: list[Token]
    score: float
    page: int


@dataclass(frozen=True)
class Header:
    """The first page's header: where its columns part, and the row holding the date."""

    split_x: float
    date_row: int | None
    left: list[list[Token]]  # each row's left-column words (empty where it has none)


def _keyed(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.key]


def _unspecked(tokens: list[Token]) -> list[Token]:
    """The words but for specks read as a letter before them: read unsurely, or standing in
    the margin apart from the line (a mark read «Ề» at 16, and one read «Ệ» at 57 3.3 line
    heights left of «Số:», hid hard scans' number rows: number, body and subject lost)."""
    start = next((i for i, t in enumerate(tokens) if not _is_speck(t, tokens[i + 1:])),
                 len(tokens))
    return tokens[start:]


def _is_speck(token: Token, after: list[Token]) -> bool:
    if len(token.key) > 1 or not after:
        return False
    nxt = after[0].word.bbox
    apart = nxt[0] - token.word.bbox[2] >= COLUMN_GAP_ROWS * (nxt[3] - nxt[1])
    return token.word.confidence < SPECK_MAX_CONFIDENCE or apart


def _centre(tokens: list[Token]) -> float:
    return (tokens[0].word.bbox[0] + tokens[-1].word.bbox[2]) / 2


def _split_at_gap(row: Row) -> float | None:
    """Where a row's widest gap is, when it is wide enough to part two columns."""
    best, where = 0.0, None
    for left, right in zip(row.tokens, row.tokens[1:], strict=False):
        gap = right.word.bbox[0] - left.word.bbox[2]
        if gap > best:
            best, where = gap, right.word.bbox[0] - 1
    return where if best >= COLUMN_GAP_ROWS * row.height else None


_MOTTO_KEYS = frozenset(MOTTO.split())


def _motto_row(rows: list[Row]) -> int | None:
    """The row printing the national motto among a page's first rows, in capitals as the
    decree sets it: a body's sentence naming the state («… của nước Cộng hòa xã hội chủ
    nghĩa Việt Nam») near the top of a second page is no header."""
    for index, row in enumerate(rows[:15]):
        key = match_key(row.text)
        if len(key) >= MOTTO_MIN_LENGTH and fuzz.partial_ratio(MOTTO, key) >= MOTTO_MIN_SCORE \
                and not _in_small_letters(row):
            return index
    return None


def _in_small_letters(row: Row) -> bool:
    """Whether the row's words of the motto («cộng», «hòa» …) are mostly in small letters
    (a row whose every word OCR garbled is not judged so)."""
    words = " ".join(t.text for t in row.tokens if t.key in _MOTTO_KEYS)
    return any(c.isalpha() for c in words) and uppercase_share(words) < 0.6


def _motto_split(row: Row, width: int) -> float:
    """The x where the motto's column begins: at the row's wide gap when the body's name
    shares the row, else at the motto's first word."""
    keyed = _keyed(row.tokens)
    # The motto's first words, «CỘNG HÒA», where they stand right of the page's first third:
    # a speck or a stamp's letter in the row can make a wider gap than the columns' (a hard
    # scan gave the body's name the whole motto).
    for first, second in zip(keyed, keyed[1:], strict=False):
        if (_read_as([first, second], "cong hoa")
                and first.word.bbox[0] > 0.3 * width):
            return first.word.bbox[0] - 1
    gap = _split_at_gap(row)
    if gap is not None and gap > 0.25 * width:
        return gap
    first = next((t for t in row.tokens if t.key), row.tokens[0])
    return first.word.bbox[0] - 1 if first.word.bbox[0] > 0.3 * width else 0.45 * width


# «ngày» as OCR reads it on a date line: its «y» read «u» or «v» («ngàu»: 20 such words in
# 9 of the 80 files of tuning seeds 101 and 103; two attached notices at mild lost their
# date line so, and their issued date), its «a» read «o» (TeX Gyre Adventor) or «ù»
# («ngùy»: Open Sans Light at mild, two notices of a probe in faces neither part prints in,
# seed 711, lost their issued date so), «g» «s». «nguy» is a word too, but not on the
# header's right beside «tháng» or «năm».
_DAY_WORD = re.compile(r"n[gs][aou](?:y|u|v|yv)")


def _is_day_word(token: Token) -> bool:
    """Whether the token is «ngày» as read (``_DAY_WORD``)."""
    return _DAY_WORD.fullmatch(token.key) is not None


def _is_date_line(tokens: list[Token]) -> bool:
    keys = [t.key for t in tokens]
    return any(_is_day_word(t) for t in tokens) and ("thang" in keys or "nam" in keys)


def read_header(layout: PageLayout) -> Header | None:
    """The header's columns on a page that prints the national motto (None: it does not)."""
    rows = layout.rows
    motto = _motto_row(rows)
    if motto is None:
        return None
    split_x = _motto_split(rows[motto], layout.page.width)
    left = [[t for t in row.tokens if _in_left_column(t, row, split_x)] for row in rows]
    date_row = next((i for i in range(motto, min(motto + 6, len(rows)))
                     if _is_date_line(part := _date_part(rows[i], split_x))
                     and not _runs_on(rows[i], part)), None)
    return Header(split_x, date_row, left)


def _in_left_column(token: Token, row: Row, split_x: float) -> bool:
    """Whether a word of the header stands in its left column: ending before the motto's
    column begins (a row's height of slack), or most of it before that, as the last word of
    a long body's name printed past the motto's first letter («SỞ TÀI NGUYÊN VÀ MÔI
    TRƯỜNG», its «TRƯỜNG» at x 952–1221 under «CỘNG» at 1118: 2 notices of --types new at
    tuning seeds 17 and 29, clean, went to review as the body's name cut short)."""
    left, right = token.word.bbox[0], token.word.bbox[2]
    return right <= split_x + row.height or (left + right) / 2 < split_x


def _number_row(header: Header) -> int | None:
    limit = (header.date_row or 6) + 3
    for index, tokens in enumerate(header.left[:limit]):
        keyed = _keyed(_unspecked(tokens))
        # «Số:» and its number; «SỞ TƯ PHÁP» folds to the same «so».
        if keyed and keyed[0].key == "so" and (keyed[0].text.endswith(":")
                                               or any("/" in t.text for t in tokens)):
            return index
    return None


def _after_first(tokens: list[Token]) -> list[Token]:
    """The words after a row's first keyed word («Số», «Kính gửi» read as one)."""
    keyed = _keyed(_unspecked(tokens))
    return tokens[tokens.index(keyed[0]) + 1:] if keyed else []


def _by_hand(row: Row, token: Token) -> Token:
    """The word as read, or, written by hand (pipeline/handwriting.py), marked «✍»."""
    if not is_handwritten([t.word for t in row.tokens], row.tokens.index(token)):
        return token
    return _marked(token)


def _marked(token: Token) -> Token:
    """A word marked «✍» (written by hand) with only what follows its «/» kept: a hand's
    number is not read, the printed symbol after it is."""
    printed = token.text[token.text.index("/"):] if "/" in token.text else ""
    return Token(token.word, HAND + printed, match_key(printed), token.line)


def _number_by_hand(tokens: list[Token], row: list[Token]) -> list[Token]:
    """The number's words with those a hand wrote marked: print sets the number and its
    symbol as one word («575/UBND-KTTH»), so words before the «/…» word stand in the blank,
    and a «/…» word with anything but digits before its «/» has a hand's marks merged in.
    A hand's digits written close to the symbol are read as one word with it: such a word
    that leaves the printed line's band, read unsurely, is marked too (``row``: the line's
    words, which set the band; a tuning letter's «481» by hand read «487/QĐ-UBND» at 75, its
    box 17 px above and 18 px below «Số:»)."""
    words = [t.word for t in row]
    marked, slash = [], False
    for token in tokens:
        if slash or not has_alnum(token.text):
            marked.append(token)
        elif "/" in token.text:
            slash = True
            printed = token.text.startswith("/") or (
                PRINTED_NUMBER.fullmatch(token.text) is not None
                and not is_handwritten(words, row.index(token)))
            marked.append(token if printed else _marked(token))
        else:
            marked.append(_marked(token))
    return marked if slash else tokens


def read_number(layout: PageLayout, header: Header) -> Placed | None:
    """«Số: 575/UBND-KTTH» under the body's name; a number written by hand into the blank
    is marked so (``_number_by_hand``)."""
    index = _number_row(header)
    if index is None:
        return None
    place = _date_tokens(layout, header) if index == header.date_row else []
    line = [t for t in header.left[index] if t not in place]
    tokens = _number_by_hand([t for t in _after_first(line) if t.text not in (":",)], line)
    return Placed(tokens, POSITIONED_SCORE, layout.page.number) if tokens else None


def read_authority(layout: PageLayout, header: Header) -> Placed | None:
    """The issuing body: the left column's lines above «Số», from the last line that opens
    a body's name (a parent body stands above it)."""
    end = _number_row(header)
    if end is None:
        return None
    lines = [tokens for tokens in header.left[:end] if any(has_alnum(t.text) for t in tokens)]
    if not lines:
        return None
    starts = [i for i, tokens in enumerate(lines)
              if match_key(" ".join(t.text for t in tokens)).startswith(BODY_PREFIXES)]
    first = starts[-1] if starts else 0
    tokens = [t for line in _without_unsure_tail(lines[first:]) for t in line]
    # The columns were not parted after all: the motto is no body's name.
    if any(m in match_key(" ".join(t.text for t in tokens)) for m in MOTTO_WORDS):
        return None
    return Placed(tokens, POSITIONED_SCORE, layout.page.number)


def _without_unsure_tail(lines: list[list[Token]]) -> list[list[Token]]:
    """A body's name's lines but for those at its end with no word read as surely as a
    title's (``TITLE_MIN_CONFIDENCE``): a received stamp's marks between the name and «Số»
    («^ r-~Ä. Z7», «Z7» at 33, gave «Ủy ban nhân dân huyện Hoằng Hóa Z7» on a clean notice at
    --types new tuning seed 47). The name's first line is kept whatever it reads: a name
    cut at its end is told by its own checks (``pipeline.values.official``)."""
    end = len(lines)
    while end > 1 and not any(has_alnum(t.text) and t.word.confidence >= TITLE_MIN_CONFIDENCE
                              for t in lines[end - 1]):
        end -= 1
    return lines[:end]


def _date_tokens(layout: PageLayout, header: Header) -> list[Token]:
    if header.date_row is None:
        return []
    return _date_part(layout.rows[header.date_row], header.split_x)


def _date_part(row: Row, split_x: float) -> list[Token]:
    """A row's words from where the columns part, with a long place's words before it."""
    right = [t for t in row.tokens if t.word.bbox[0] >= split_x - row.height]
    return _reaching_left(row, right) + right


def _runs_on(row: Row, part: list[Token]) -> bool:
    """Whether the row's words before ``part`` stand a word's space from it: a line of
    running text across both columns, no date line, whose words before the number's symbol
    stand a column's gap away. «Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm
    2018» (the first line of a body, its notice's date line lost to «ngùy») gave the
    notice's issued date as 2018-04-23 (--types new tuning seed 191)."""
    before = [t for t in row.tokens if part and t.word.bbox[2] <= part[0].word.bbox[0]
              and t not in part]
    return bool(before) and part[0].word.bbox[0] - before[-1].word.bbox[2] <= \
        WORD_SPACE * row.height


# The date line is centred under the motto (Decree 30/2020, Appendix I, I.4.c), so a long
# place («Thành phố Hồ Chí Minh, ngày 19 tháng 12 năm 2024») begins left of the motto's
# start, where the columns part: «Thành» was left out and «phố Hồ Chí Minh» given (--types
# new tuning seed 191). Its words there are taken while each stands a word's space from
# the next (under this share of the row's height); the number's symbol stands a column's
# gap away, and is no word of small letters.
WORD_SPACE = 0.8


def _reaching_left(row: Row, right: list[Token]) -> list[Token]:
    """The date line's words left of the columns' split that begin its place."""
    if not right:
        return []
    taken: list[Token] = []
    following = right[0]
    for token in reversed([t for t in row.tokens if t.word.bbox[2] <= right[0].word.bbox[0]]):
        gap = following.word.bbox[0] - token.word.bbox[2]
        if gap > WORD_SPACE * row.height or not token.text.isalpha() or token.text.isupper():
            break
        taken.insert(0, token)
        following = token
    return taken


def read_place(layout: PageLayout, header: Header) -> Placed | None:
    """The place before «, ngày …» on the date line."""
    tokens = _date_tokens(layout, header)
    cut = next((i for i, t in enumerate(tokens) if _is_day_word(t)), None)
    place = tokens[:cut] if cut else []
    if cut == 0 and header.date_row:
        # A skewed line split in two rows: the place, ending in its comma, on the row above.
        row = layout.rows[header.date_row - 1]
        above = [t for t in row.tokens if t.word.bbox[0] >= header.split_x - row.height]
        comma = next((i for i, t in enumerate(above) if t.text.endswith(",")), None)
        place = above[:comma + 1] if comma is not None else []
    return Placed(place, POSITIONED_SCORE, layout.page.number) if place else None


def read_date(layout: PageLayout, header: Header) -> Placed | None:
    """«ngày 05 tháng 3 năm 2024» on the date line; a day written by hand into the blank
    is marked so (``_by_hand``)."""
    tokens = _date_tokens(layout, header)
    cut = next((i for i, t in enumerate(tokens) if _is_day_word(t)), None)
    if cut is None or header.date_row is None:
        return None
    month = next((i for i, t in enumerate(tokens) if i > cut and t.key == "thang"), len(tokens))
    row = layout.rows[header.date_row]
    day = [_by_hand(row, t) for t in tokens[cut + 1:month]]
    return Placed([tokens[cut], *day, *tokens[month:]], POSITIONED_SCORE, layout.page.number)


def _is_centred(tokens: list[Token], width: int) -> bool:
    return bool(tokens) and abs(_centre(tokens) - width / 2) <= CENTRED_SHARE * width


def _kind_row(layout: PageLayout, header: Header,
              kinds: list[str]) -> tuple[int, float, list[Token]] | None:
    """The centred row in capitals naming a kind, how well it does (0..100) and its words
    that do."""
    start = (header.date_row or 0) + 1
    keys = [match_key(k) for k in kinds]
    for index in range(start, min(start + HEAD_ROWS, len(layout.rows))):
        for tokens in _row_parts(layout.rows[index]):
            text = " ".join(t.text for t in tokens)
            # «QUYẾT ĐỊNH:» opens a decision's articles: it is no kind's name.
            if (uppercase_share(text) < 0.6 or not _is_centred(tokens, layout.page.width)
                    or text.rstrip().endswith(":")):
                continue
            score = max((fuzz.ratio(match_key(text), k) for k in keys), default=0.0)
            if score >= KIND_MIN_SCORE:
                return index, score, tokens
    return None


def _row_parts(row: Row) -> list[list[Token]]:
    """The row's runs of words parted by gaps as wide as the header's columns': a received
    stamp's words beside the kind's name share its row (measured: «VĂN PHÒNG UBND» of a
    «ĐẾN» stamp, 3.8 row heights left of «QUYẾT ĐỊNH», made the row neither centred nor the
    kind's name, and the kind and subject were lost)."""
    parts = [[row.tokens[0]]] if row.tokens else []
    for left, right in zip(row.tokens, row.tokens[1:], strict=False):
        if right.word.bbox[0] - left.word.bbox[2] >= COLUMN_GAP_ROWS * row.height:
            parts.append([])
        parts[-1].append(right)
    return parts


def _letter_subject_rows(header: Header, rows: list[Row]) -> list[int]:
    """The left column's «V/v …» line under the number, and the lines it wraps onto (up to
    the «Kính gửi» row: centred under the header, its «Kính» may stand in the left column,
    as close under the subject as its own lines: a clean letter's subject read «… năm 2025
    Kính» and was refused, --types new tuning seed 43)."""
    number = _number_row(header)
    if number is None:
        return []
    found: list[int] = []
    for index in range(number + 1, min(number + 2 + SUBJECT_LINES, len(header.left))):
        keyed = _keyed(header.left[index])
        if found and _is_salutation(rows[index]):
            break
        if (_opens_letter_subject(keyed) and not found) or (
                found and keyed and len(found) < SUBJECT_LINES
                and _follows(header.left[found[-1]], keyed)):
            found.append(index)
        elif found:
            break
    return found


# «V/v» read with its second «v» lost («V/ cấp bản sao …»: two clean letters in Liberation
# Serif, --types new tuning seed 47, lost their kind and subject so).
_VV_CUT = re.compile(r"[Vv]/[.:]?")


def _opens_letter_subject(keyed: list[Token]) -> bool:
    """Whether a left-column line opens with «V/v», or «V/» standing alone before a word."""
    if match_key(" ".join(t.text for t in keyed[:2])).split()[:2] == ["v", "v"]:
        return True
    return len(keyed) > 1 and _VV_CUT.fullmatch(keyed[0].text) is not None


def has_letter_subject(layout: PageLayout) -> bool:
    """Whether the page's header prints a letter's «V/v …» under its number (Decree 30,
    Appendix I: a letter's subject stands there, where another kind prints its name)."""
    header = read_header(layout)
    return header is not None and bool(_letter_subject_rows(header, layout.rows))


def _follows(above: list[Token], below: list[Token]) -> bool:
    """Whether a line stands right under another, as the lines of one part do (a gap, or a
    rule, comes before the next part: «Kính gửi»)."""
    bottom = max(t.word.bbox[3] for t in above)
    height = max(bottom - min(t.word.bbox[1] for t in above), 1)
    return min(t.word.bbox[1] for t in below) - bottom <= LINE_GAP * height


def read_kind(layout: PageLayout, header: Header, fdef: FieldDefinition) -> Placed | None:
    """The kind's name centred under the header; a letter (no name, «V/v» under the number)
    is a «Công văn»: its value is the word «Công văn» made from the «V/v» words' place."""
    found = _kind_row(layout, header, fdef.vocabulary)
    if found is not None:
        _, score, tokens = found
        return Placed(tokens, score, layout.page.number)
    subject = _letter_subject_rows(header, layout.rows)
    if not subject:
        return None
    vv = _keyed(header.left[subject[0]])[:1]
    letter = [Token(vv[0].word, "Công văn", "cong van", vv[0].line)]
    return Placed(letter, POSITIONED_SCORE, layout.page.number)


def _margins(layout: PageLayout) -> tuple[float, float]:
    rows = [r for r in layout.rows if len(r.tokens) > 3]
    if not rows:
        return 0.0, float(layout.page.width)
    return (min(r.tokens[0].word.bbox[0] for r in rows),
            max(r.tokens[-1].word.bbox[2] for r in rows))


def read_subject(layout: PageLayout, header: Header, kinds: list[str]) -> Placed | None:
    """The centred lines under the kind's name, or a letter's «V/v …» lines."""
    found = _kind_row(layout, header, kinds)
    if found is None:
        rows = _letter_subject_rows(header, layout.rows)
        tokens = [t for index in rows for t in header.left[index]]
        return Placed(tokens, POSITIONED_SCORE, layout.page.number) if tokens else None
    left, right = _margins(layout)
    width = layout.page.width
    indent = 0.05 * width
    tokens: list[Token] = []
    lines = 0
    previous = layout.rows[found[0]]
    for row in layout.rows[found[0] + 1:found[0] + 1 + SUBJECT_LINES + STAMP_ROWS]:
        if _is_stamp_row(row, width):
            continue
        words = _subject_part(row, width)
        gaps = (words[0].word.bbox[0] - left, right - words[-1].word.bbox[2])
        # A body's line fills the width or is indented on one side only; a subject's lines are
        # indented on both, but for a first line long enough to fill the width, centred as
        # evenly as a justified line (measured: a hard scan's 74-character subject stood 17
        # and 19 px inside the margins and was lost).
        centred = _is_centred(words, width) and (
            min(gaps) > indent or (not tokens and abs(gaps[0] - gaps[1]) <= indent / 2))
        # The subject's lines follow each other closely; a rule (or space) comes after them.
        close = row.top - previous.bottom <= LINE_GAP * previous.height
        # A line in capitals after the subject is the next part («GIÁM ĐỐC SỞ …», the
        # decision's authority) whose rule was not read.
        capitals = uppercase_share(" ".join(t.text for t in words)) >= 0.6
        if (lines == SUBJECT_LINES or not centred or not close or capitals
                or _is_salutation(row) or not any(has_alnum(t.text) for t in words)):
            break
        tokens += words
        lines += 1
        previous = row
    return Placed(tokens, POSITIONED_SCORE, layout.page.number) if tokens else None


# A received stamp («ĐẾN», Decree 30 Appendix IV) is struck at the left under the number,
# over the kind's name and subject: its lines («UBND», «Ngày: 14/06», «Chuyển:») stand
# between the subject's, or share a subject line's row beside it. At most this many of its
# rows are passed over among the subject's.
STAMP_ROWS = 3
STAMP_RIGHT_SHARE = 0.45  # a stamp's line ends left of this share of the page's width


def _is_stamp_row(row: Row, width: int) -> bool:
    """Whether a row lies wholly in the left part of the page, where no centred line can:
    a received stamp's line among the subject's (a clean notice at --types new tuning seed
    43, mild: «UBND» of the stamp's «VĂN PHÒNG UBND» under the kind's name ended the subject
    before its first line)."""
    return bool(row.tokens) and row.tokens[-1].word.bbox[2] < STAMP_RIGHT_SHARE * width


def _subject_part(row: Row, width: int) -> list[Token]:
    """The row's words, but for a stamp's beside a subject line: of a row parted by a
    column's gap (``_row_parts``), its one centred part («ĐẾN Số: 8879.» left of «Cấp bản sao
    trích lục khai sinh», the same notice)."""
    parts = _row_parts(row)
    centred = [part for part in parts if _is_centred(part, width)]
    return centred[0] if len(parts) > 1 and len(centred) == 1 else row.tokens


def _is_salutation(row: Row) -> bool:
    """Whether a row opens with «Kính gửi»: it ends the subject, which may stand as close
    above it as its own lines do (no rule between them on a born-digital page: measured,
    a notice's subject ran on into «Kính gửi: Các thôn, tổ dân phố»)."""
    keyed = _keyed(row.tokens)
    return len(keyed) >= 2 and _read_as(keyed[:2], "kinh gui")


def read_recipients(layout: PageLayout, header: Header) -> Placed | None:
    """«Kính gửi: …» and, when it lists them, the «- …;» lines under it."""
    start = (header.date_row or 0) + 1
    rows = layout.rows
    for index in range(start, min(start + HEAD_ROWS, len(rows))):
        if not _is_salutation(rows[index]):
            continue
        keyed = _keyed(rows[index].tokens)
        after = rows[index].tokens[rows[index].tokens.index(keyed[1]) + 1:]
        tokens = [t for t in after if t.text != ":"]
        if not tokens:
            tokens = _recipient_list(rows, index)
        return Placed(tokens, POSITIONED_SCORE, layout.page.number) if tokens else None
    return None


def _recipient_list(rows: list[Row], index: int) -> list[Token]:
    """The lines under a bare «Kính gửi:», one recipient each ending «;» (the last «.»); the
    «-» before each is often lost. Nothing when the list does not end so."""
    tokens: list[Token] = []
    previous = rows[index]
    for row in rows[index + 1:index + 1 + RECIPIENT_LINES]:
        if row.top - previous.bottom > LINE_GAP * previous.height:
            break
        text = row.text.rstrip()
        tokens += [*row.tokens, Token(row.tokens[-1].word, ";", "", row.tokens[-1].line)]
        previous = row
        if text.endswith("."):
            return tokens
        if not text.endswith(";"):
            break
    return []


def _signature_rows(layout: PageLayout) -> list[list[Token]]:
    """The right-hand words of the rows from «Nơi nhận:» down: authority, title, name."""
    rows = layout.rows
    start = next((i for i, r in enumerate(rows) if _opens_with_recipients(r)), None)
    split_x = 0.45 * layout.page.width
    if start is None:  # no «Nơi nhận» (a notice): from the signer's authority («TM. …»)
        start = next((i for i, r in enumerate(rows) if i > len(rows) // 3
                      and _opens_authority([t for t in r.tokens if t.word.bbox[0] >= split_x])),
                     None)
    if start is None:
        return []
    right = [t for row in rows[start:] for t in row.tokens if t.word.bbox[0] >= split_x]
    return [line for line in _own_lines(right) if any(t.key for t in line)]


def _own_lines(tokens: list[Token]) -> list[list[Token]]:
    """The signature block's words grouped into lines by their own boxes, top down: the
    page's rows are built across both columns, and a line of the block that stands a little
    lower than the «Nơi nhận» line beside it is cut in two (measured: «PHÓ CHỦ» went with
    «Lưu: VT; VP.», its «TỊCH» 11 px lower to a row of its own, and the title was lost)."""
    lines: list[list[Token]] = []
    for token in sorted(tokens, key=lambda t: (t.word.bbox[1] + t.word.bbox[3]) / 2):
        if lines and _same_line(lines[-1], token):
            lines[-1].append(token)
        else:
            lines.append([token])
    return [sorted(line, key=lambda t: t.word.bbox[0]) for line in lines]


def _same_line(line: list[Token], token: Token) -> bool:
    """Whether a word's middle lies within the line's first word's height and that word's
    middle within the word's (a tall signature stroke takes no line's words in)."""
    first = line[0].word.bbox
    box = token.word.bbox
    middle, first_middle = (box[1] + box[3]) / 2, (first[1] + first[3]) / 2
    return first[1] <= middle <= first[3] and box[1] <= first_middle <= box[3]


def _opens_with_recipients(row: Row) -> bool:
    """Whether the row opens with «Nơi nhận», maybe after a mark in the margin (measured: a
    speck read «l» at 74 left of it lost a hard scan's whole signature block)."""
    keyed = _keyed(row.tokens)[:RECIPIENTS_AFTER + 2]
    return any(_read_as(keyed[i:i + 2], "noi nhan")
               for i in range(min(RECIPIENTS_AFTER + 1, len(keyed) - 1)))


def _read_as(tokens: list[Token], phrase: str) -> bool:
    """Whether the words read as ``phrase`` (match keys), a letter or two misread."""
    return fuzz.ratio(" ".join(t.key for t in tokens), phrase) >= PHRASE_MIN_RATIO


def _opens_authority(tokens: list[Token]) -> bool:
    """Whether the words open with the signer's authority: «TM.», «KT.», «Q.», «TL.», «TUQ.»."""
    return _authority(tokens) is not None


def _authority(tokens: list[Token]) -> str | None:
    """The signer's authority the words open with («TM», «KT» …), None when they do not."""
    if not tokens or not tokens[0].text.endswith((".", ",", ":")):
        return None
    word = tokens[0].text.rstrip(".,:").upper()
    return word if word in AUTHORITIES else None


def _is_title_line(tokens: list[Token]) -> bool:
    keyed = [t for t in tokens if t.key]
    text = " ".join(t.text for t in keyed)
    # At least a short word's letters: a speck of the seal or signature reads as «Z»; and
    # read as print is, not as a signature's strokes are («YYTr^-» at 35 under «Ó GIÁM ĐỐC»
    # took the title's place).
    letters = sum(c.isalpha() for c in text)
    sure = bool(keyed) and max(t.word.confidence for t in keyed) >= TITLE_MIN_CONFIDENCE
    return letters >= 3 and uppercase_share(text) >= 0.7 and not text.startswith("(") and sure


def _name_line(lines: list[list[Token]]) -> int | None:
    """The last line of words in ordinary case: the printed name under the signature."""
    for index in range(len(lines) - 1, -1, -1):
        words = [t for t in lines[index] if t.key]
        text = " ".join(t.text for t in words)
        if len(words) >= 2 and uppercase_share(text) < 0.7 and not text.startswith("("):
            return index
    return None


def read_signer_name(layout: PageLayout) -> Placed | None:
    lines = _signature_rows(layout)
    index = _name_line(lines)
    if index is None or not any(_is_title_line(line) for line in lines[:index]):
        return None
    return Placed(lines[index], POSITIONED_SCORE, layout.page.number)


def read_signer_title(layout: PageLayout) -> Placed | None:
    """The last title line above the signature («PHÓ CHỦ TỊCH» under «KT. CHỦ TỊCH»)."""
    lines = _signature_rows(layout)
    end = _name_line(lines)
    titles = [line for line in lines[:end] if _is_title_line(line)]
    # A line opening with «KT.», «TM.», «TL.» … names whom the signer signs for: the signer's
    # own title stands under it, so when that is the last line read, the title was lost
    # (a seal over it) and the one above is not the signer's («KT. CHỦ TỊCH» is signed by
    # a «Phó Chủ tịch»).
    if not titles or _opens_authority(titles[-1]):
        return None
    title = _deputy(_under_collective(titles[-1], titles[-2]), titles[-2]) \
        if len(titles) > 1 else titles[-1]
    return Placed(title, POSITIONED_SCORE, layout.page.number) if title else None


def _under_collective(title: list[Token], above: list[Token]) -> list[Token]:
    """Under «TM. X» (a collective body, signed for by its head: Decree 30, Appendix I) the
    title line without a seal's speck read before it («W=:» at 20 before «CHỦ TỊCH», a mild
    notice at --types new tuning seed 47, left the title out). Only there: elsewhere a speck
    may be what is left of «PHÓ», and under «KT.» ``_deputy`` decides."""
    if _authority(above) != "TM":
        return title
    return _unspecked(title)


def _deputy(title: list[Token], above: list[Token]) -> list[Token]:
    """Under «KT. X» the signer is X's deputy (Decree 30, Appendix I: a deputy signs «KT.»,
    for the head): a title line read «…Ó X», its «PHÓ» under a seal's marks, is «PHÓ X»
    (measured: «ZZ°zRHÓ CHỦ TỊCH» and «Ó GIÁM ĐỐC» on clean scans, seal over the title);
    one read «X» lost a word no one can tell, and is no title (a hard scan's «CHỦ TỊCH»
    under «KT. CHỦ TỊCH» was given for a «Phó Chủ tịch»)."""
    if _authority(above) != "KT":
        return title
    head = match_key(" ".join(t.text for t in above[1:]))
    if match_key(" ".join(t.text for t in title)) == head:
        return []
    first = title[0].text
    if (first == "PHÓ" or not first.endswith("Ó")
            or match_key(" ".join(t.text for t in title[1:])) != head):
        return title
    return [Token(title[0].word, "PHÓ", "pho", title[0].line), *title[1:]]


def _signature_box(layout: PageLayout) -> BBox | None:
    """The signature block (authority, title, the signature's space, the name) as one box,
    from the printed name under the signature up: a seal over the title often hides it from
    OCR, so the title is not needed, the block reaching the signature's space above the name
    (``SIGNATURE_SPACE`` of the name's line heights)."""
    lines = _signature_rows(layout)
    index = _name_line(lines)
    if index is None:
        return None
    x0, y0, x1, y1 = union_bbox([t.word.bbox for line in lines[:index + 1] for t in line])
    name_top = min(t.word.bbox[1] for t in lines[index])
    height = max(t.word.bbox[3] for t in lines[index]) - name_top
    return x0, min(y0, round(name_top - SIGNATURE_SPACE * height)), x1, y1


def has_signature_block(page: PageOcr | PageLayout) -> bool:
    """Whether the page shows a signature block, the one place a seal counts (``read_seal``):
    the page step looks for seals only then. A page already laid out is not laid out again."""
    return _signature_box(laid_out([page])[0]) is not None


def _over(seal: BBox, block: BBox) -> bool:
    """Whether a seal's middle falls on the signature block, give or take its own radius (the
    decree puts it over the signature's left third, between the title and the name)."""
    radius = (seal[2] - seal[0]) / 2
    middle = ((seal[0] + seal[2]) / 2, (seal[1] + seal[3]) / 2)
    return (block[0] - radius <= middle[0] <= block[2] + radius
            and block[1] - radius <= middle[1] <= block[3] + radius)


def _block_confidence(layout: PageLayout, block: BBox) -> float:
    """Tesseract's mean confidence in the words of the signature block."""
    scores = [w.confidence for w in layout.page.words
              if w.bbox[0] >= block[0] and w.bbox[2] <= block[2] and w.bbox[1] >= block[1]
              and w.bbox[3] <= block[3] and has_alnum(w.text)]
    return sum(scores) / len(scores) if scores else 0.0


def read_seal(layout: PageLayout) -> Placed | None:
    """«có» when a seal the image shows (``PageOcr.seals``) lies over the signature block,
    «không» when the block was read and none does; None without a signature block. A seal
    elsewhere (a red «ĐẾN» stamp over the first lines) does not count."""
    block = _signature_box(layout)
    if block is None:
        return None
    seal = next((s for s in layout.page.seals if _over(s.bbox, block)), None)
    if seal is None and _block_confidence(layout, block) < NO_SEAL_MIN_CONFIDENCE:
        return None  # a page this hard to read may hide a seal from the image tests too
    text = "có" if seal is not None else "không"
    word = OcrWord(text=text, confidence=SEAL_CONFIDENCE[seal.method if seal else None],
                   bbox=seal.bbox if seal is not None else block)
    return Placed([Token(word, text, match_key(text), (0, 0, 0))], POSITIONED_SCORE,
                  layout.page.number)


Reader = Callable[[PageLayout, Header, FieldDefinition], "Placed | None"]
_HEAD_READERS: dict[str, Reader] = {
    "number": lambda lay, head, f: read_number(lay, head),
    "authority": lambda lay, head, f: read_authority(lay, head),
    "place": lambda lay, head, f: read_place(lay, head),
    "date": lambda lay, head, f: read_date(lay, head),
    "kind": read_kind,
    "recipients": lambda lay, head, f: read_recipients(lay, head),
}
_FOOT_READERS: dict[str, Callable[[PageLayout], Placed | None]] = {
    "signer_name": read_signer_name,
    "signer_title": read_signer_title,
    "seal": read_seal,
}


def own_pages(pages: list[PageLayout]) -> list[PageLayout]:
    """The first page and those after it up to the next that prints a header of its own (the
    national motto: a document prints it on its first page only, Decree 30, Appendix I), which
    opens another document. A tuning file of two notices gave the first one's number and date
    with the second one's signer."""
    end = next((i for i, layout in enumerate(pages) if i and read_header(layout) is not None),
               len(pages))
    return pages[:end]


def read_positions(pages: list[PageLayout], doctype: DocTypeDefinition) -> dict[str, Placed]:
    """The positioned fields' words: the header's on the first page (the one with the title),
    the signature block's on the last of the document's own pages that has one
    (``own_pages``)."""
    positioned = [f for f in doctype.fields if f.position is not None]
    if not positioned or not pages:
        return {}
    found: dict[str, Placed] = {}
    header = read_header(pages[0])
    foot_pages = own_pages(pages)
    kinds = next((f.vocabulary for f in doctype.fields if f.position == "kind"), [])
    for fdef in positioned:
        placed = None
        if header is not None and fdef.position in _HEAD_READERS:
            placed = _HEAD_READERS[fdef.position](pages[0], header, fdef)
        elif header is not None and fdef.position == "subject":
            placed = read_subject(pages[0], header, kinds)
        elif fdef.position in _FOOT_READERS:
            placed = next((p for layout in reversed(foot_pages)
                           if (p := _FOOT_READERS[fdef.position](layout)) is not None), None)
        if placed is not None and placed.tokens:
            found[fdef.key] = placed
    return found
