"""Dossier codes as OCR reads them, mended by the code's structure (contract §6).

A code is ``AAA.BB.CC.Hpp-yymmdd-nnnn`` (samples/forms.py draws them so; schemas/codes.py
checks them): the receiving unit's agency code (``AAA.BB.CC.Hpp``), the day it was received
and the day's serial. Every part has a fixed number of digits, so a reading whose separators
OCR doubled or lost («009. 31.20 ..H26-240614- 0468») or whose digits it read as look-alike
letters («OOO.21.32.H14-…») still says which character stands for which digit. What a mend
may not do is guess a digit, so each part is made certain by a cross-check of its own:

- the day part: it must be the receipt's own received date (``dated_by`` in
  pipeline/fields.py: a disagreement refuses both);
- the unit part: it must be one of the units the installation receives for
  (``Settings.dossier_units``); a unit not among them that is one digit from exactly one of
  them, and not within two of another, is that one (:func:`mend_unit`); else it is refused;
- the serial: only the look-alikes no font confuses with another digit (O for 0, I or l for
  1) are read as digits; nothing else can tell a misread serial, so it is never mended.

A code not made certain is refused with its reason and the receipt goes to review: a wrong
dossier without review is the costly error (a whole dossier's pages misfiled).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.text import fold, nfc
from pipeline.values.normalize import PATTERNS
from schemas.codes import is_dossier_code

UNIT_LENGTH = 13  # «000.00.21.H27»
UNIT_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}")  # a dossier code's unit part
# Letters OCR reads for digits, in folded (lowercase) text. Only where a cross-check follows
# (unit, day): «s» may be a 5 or an 8 in some fonts, and the check catches the wrong one.
_CHECKED = {"o": "0", "q": "0", "i": "1", "l": "1", "|": "1", "!": "1", "z": "2", "s": "5",
            "b": "8", "g": "9"}
_SERIAL = {"o": "0", "i": "1", "l": "1", "|": "1"}  # unchecked: the unmistakable ones only
_D = "[0-9oqilz|!sbg]"  # a digit as read, in the checked parts
_N = "[0-9oil|]"  # a digit as read, in the serial
_SEP = r"[\s.,:;·]*"
_DASH = r"[\s.]*[-–—~_][\s.]*|\s+"
LOOSE_CODE = re.compile(
    rf"(?<![0-9a-z])({_D}(?:\s?{_D}){{2}}){_SEP}({_D}\s?{_D}){_SEP}({_D}\s?{_D}){_SEP}"
    rf"[hn]\s?({_D}\s?{_D})(?:{_DASH})({_D}(?:\s?{_D}){{5}})(?:{_DASH})({_N}(?:\s?{_N}){{3}})"
    rf"(?![0-9a-z])")
# Where a code stands in folded text, for its bounding box: read loosely, or of the frame.
CODE_PATTERN = re.compile(f"{LOOSE_CODE.pattern}|{PATTERNS['dossier_code'].pattern}")
# A code's last parts as read («h52-240617-0329»): its province, day and serial, whose «H»
# and lengths no other printed number has. What is left of a code whose unit OCR garbled
# past its structure and whose label it misread (a hard tuning receipt of seed 41: «ã hộ
# số: 000.040, H52-240617-0329» for «Mã hồ sơ: 000.00.30.H52-…»): its line is still read
# again (pipeline/ocr/code_reread.py), the reading checked as any other.
CODE_TAIL = re.compile(rf"(?<![a-z])h\s?{_D}\s?{_D}(?:{_DASH}){_D}(?:\s?{_D}){{5}}(?:{_DASH})"
                       rf"{_N}(?:\s?{_N}){{3}}(?![0-9a-z])")


# A 6 read «ó» (a face whose 6 opens in a stroke that leans out, Carlito and Lato at mild:
# «…-025ó», «…-25100ó-04ó3» on five receipts of a probe in faces neither benchmark part
# prints in, seed 701): by a digit, an «ó» is that 6, where folding would make it an «o»,
# read as 0. A code so read is still checked against its second reading as any other.
_ACUTE_SIX = re.compile(r"(?<=[0-9])ó+|ó+(?=[0-9])")


def folded_code_text(text: str) -> str:
    """``text`` folded (``fold``) as a code's digits are read from it: an «ó» by a digit
    read as the 6 it is (``_ACUTE_SIX``)."""
    return fold(_ACUTE_SIX.sub(lambda found: "6" * len(found.group()), text))


def unit_of(code: str) -> str:
    """The agency part of a dossier code: «000.00.21.H27-241128-0001» → «000.00.21.H27»."""
    return code[:UNIT_LENGTH]


def _digits(read: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in read if not c.isspace())


def read_code(folded: str) -> str | None:
    """The code in folded text, its separators put back and look-alike letters read as the
    digits they stand for, or None when no part fits («009. 31.20 ..h26-240614- 0468» →
    «009.31.20.H26-240614-0468»). The result still needs its cross-checks."""
    found = LOOSE_CODE.search(folded)
    if found is None:
        return None
    office, sector, unit, province, day, serial = found.groups()
    code = (f"{_digits(office, _CHECKED)}.{_digits(sector, _CHECKED)}."
            f"{_digits(unit, _CHECKED)}.H{_digits(province, _CHECKED)}-"
            f"{_digits(day, _CHECKED)}-{_digits(serial, _SERIAL)}")
    return code if is_dossier_code(code) else None


@dataclass(frozen=True)
class UnitCheck:
    """A code's unit checked against the configured units: the code to give (None: refuse)
    and what was done or why it is refused."""

    code: str | None
    note: str | None = None


def _distance(a: str, b: str) -> int:
    """Characters that differ between two units (same length: the format fixes it)."""
    return sum(x != y for x, y in zip(a, b, strict=True))


def mend_unit(code: str, units: Iterable[str]) -> UnitCheck:
    """``code`` with its unit checked against ``units`` (nothing configured: unchecked).

    A unit one digit from exactly one configured unit, and no other, is that unit: one
    misread digit of a known unit (two misread digits that land next to another unit are
    far rarer, and the day part is checked besides). Anything else is refused."""
    known = frozenset(units)
    unit = unit_of(code)
    if not known or unit in known:
        return UnitCheck(code)
    near = sorted((_distance(unit, k), k) for k in known)
    if near[0][0] == 1 and (len(near) == 1 or near[1][0] > 1):
        mended = near[0][1] + code[UNIT_LENGTH:]
        return UnitCheck(mended, f"unit «{unit}» was read, which is no unit of this office: "
                                 f"one digit from «{near[0][1]}», taken")
    close = [k for d, k in near if d == 1]
    return UnitCheck(None, f"names unit «{unit}», which is no unit of this office"
                           + (f" (one digit from {', '.join(close)})" if close else ""))


def normalize_dossier_code(text: str) -> str | None:
    """Uppercase, no spaces, separators put back: «000.00.21.h27 - 241128-0001» →
    «000.00.21.H27-241128-0001», «OO0. 21.32 ..H14-…» → «000.21.32.H14-…» (see
    :func:`read_code`); failing that, any code of the same frame as read, for the validator to
    refuse with what was read."""
    folded = folded_code_text(text)
    code = read_code(folded)
    if code is not None:
        return code
    found = PATTERNS["dossier_code"].search(folded)
    if found is None:
        return None
    if found.group(1) is None:
        framed = re.sub(r"\s+", "", found.group()).upper()
    else:
        office, sector, unit, province, day, serial = found.groups()
        framed = f"{office}.{sector}.{unit}.H{province}-{day}-{serial}"
    if is_dossier_code(framed):
        # A code matched inside a longer reading («…-00001»), which read_code refuses: what
        # was read is given, for the validator to refuse.
        return re.sub(r"\s+", "", nfc(text)).upper()
    return framed


@dataclass(frozen=True)
class PrintedCode:
    """A code found on a page by its structure alone, with the words it was read from:
    their texts and confidences (0..100) and boxes."""

    code: str
    confidences: list[float]
    boxes: list[tuple[int, int, int, int]]


def codes_in_words(words: list[tuple[str, float, tuple[int, int, int, int]]]
                   ) -> list[PrintedCode]:
    """The codes in one line of words (text, confidence, box), read as :func:`read_code`
    reads them, with the words each stands in."""
    text = " ".join(w[0] for w in words)
    folded = folded_code_text(text)
    found = []
    for match in LOOSE_CODE.finditer(folded):
        code = read_code(match.group())
        if code is None:
            continue
        inside, position = [], 0
        for word in words:
            if position < match.end() and match.start() < position + len(word[0]):
                inside.append(word)
            position += len(word[0]) + 1
        found.append(PrintedCode(code, [w[1] for w in inside], [w[2] for w in inside]))
    return found


_LAST_SERIAL = re.compile(rf"(?<![0-9a-z])({_N}(?:\s?{_N}){{3}})[^0-9a-z]*$")
# A lone letter read after a code, a word of its own, is a speck of a seal or stamp beside it
# («OOO.00.24.H52:250819-0251 ị», a hard tuning receipt of seed 23 whose second reading passed
# every other check): no part of what the reading ends with. Dropped only when the reading ends
# with nothing otherwise, so that a last digit read apart as a look-alike («…-025 l») counts.
_TRAILING_SPECK = re.compile(r"\s+[^\W\d]\W*$")


def _ending(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern`` (anchored at the end) found in ``text`` folded as a code is read, or in it
    without a trailing speck (``_TRAILING_SPECK``) when not found so."""
    folded = folded_code_text(text)
    found = pattern.search(folded)
    trimmed = _TRAILING_SPECK.sub("", folded)
    return found if found is not None or trimmed == folded else pattern.search(trimmed)


def serial_as_read(text: str) -> str | None:
    """The serial a reading ends with (its last four digits, the unmistakable look-alikes read
    as digits: «ủ0.36.H14-240311-0363» → «0363», «…-6099-» → «6099»), or None. Nothing else
    checks a serial, so a second reading of a code is given only where the first agrees."""
    found = _ending(_LAST_SERIAL, text)
    return _digits(found.group(1), _SERIAL) if found else None


_LAST_DAY_SERIAL = re.compile(
    rf"(?<![0-9a-z])({_N}(?:\s?{_N}){{5}})(?:{_DASH})({_N}(?:\s?{_N}){{3}})[^0-9a-z]*$")


def day_serial_as_read(text: str) -> str | None:
    """The day and serial a reading of a code ends with («241128-0004»), the unmistakable
    look-alikes read as digits («…H2 7-24ll28-0O04» → «241128-0004»), or None: what is left
    of a code whose other parts could not be read. It names no dossier by itself; `sohoa
    report` matches it to the one dossier without receipt ending so, to count a dossier
    once (office/report.py)."""
    found = _ending(_LAST_DAY_SERIAL, text)
    if found is None:
        return None
    return f"{_digits(found.group(1), _SERIAL)}-{_digits(found.group(2), _SERIAL)}"


# What the first reading makes of a zero whose face bars or dots it (DejaVu Sans Mono: «6440»
# for «0440»); an 8 is left out: a barred zero taken for an 8 could be one.
_BARRED_ZERO_READS = frozenset("69")


def serial_agrees(code: str, read: str, barred_zeros: int = 0) -> bool:
    """Whether ``code``'s serial is the one ``read`` (another reading of the same print) ends
    with. A reading made with the bars of ``barred_zeros`` zeros erased
    (pipeline/ocr/code_reread.py) may differ where the other read such a zero as a 6 or 9,
    when it reads exactly as many zeros as bars were erased: every zero it reads is one the
    glyphs' shapes show, and every other digit agrees."""
    serial = serial_as_read(read)
    if serial is None:
        return _day_and_serial_run(code, read)
    if serial == code[-4:]:
        return True
    if not barred_zeros or code.count("0") != barred_zeros:
        return False
    return _agree_but_barred_zeros(serial, code[-4:])


# The digits a reading ends with, the unmistakable look-alikes read as digits.
_LAST_RUN = re.compile(rf"({_N}+)[^0-9a-z]*$")


def _day_and_serial_run(code: str, read: str) -> bool:
    """Whether ``read`` ends with ``code``'s day and serial run together, its dash lost or
    read as one digit («…H29:24080550152» for «…H29-240805-0152», a tuning hard receipt of
    seed 23 whose dossier went to review though its second reading passed every other
    check): both readings then agree on the ten digits of day and serial, the day checked
    besides against the received day. A run of any other length says nothing."""
    found = _ending(_LAST_RUN, read)
    run = _digits(found.group(1), _SERIAL) if found else ""
    day, serial = code[-11:-5], code[-4:]
    return len(run) in (10, 11) and run.startswith(day) and run.endswith(serial)


def barred_alike(code: str, barred_zeros: int, other: str | None) -> bool:
    """Whether ``other`` (a code as another reading of the same line read it) is ``code``,
    read with the bars of ``barred_zeros`` zeros erased (pipeline/ocr/code_reread.py), but
    for zeros it read as 6, 8 or 9, when that erasure accounts for every zero ``code`` has:
    each zero it reads is one whose face the glyph's shape showed barred (an 8 is waisted,
    never taken for one), and a reading that did not see the bars reads such a zero 6, 8 or
    9. Both as read, before any mend; the code agreed on is provisional only (in review). A
    clean tuning receipt of seed 23 read «001.31.13.H43-240912-0183» enlarged, four bars
    erased, and «061.31.13.H43-240912-6183» at 1x, no bar found: alike; a hard one of seed 5
    «000.31.42.H27-250612-0420», six bars erased, and «666.31.42.H27-256612-8426»."""
    if other is None or not barred_zeros or code.count("0") != barred_zeros:
        return False
    return code != other and _agree_but_barred_zeros(other, code, _BARRED_READS)


# What a barred zero is read as where something checks the digit (the received day, the
# office's units, a reading with every zero's bar erased): a 6, 9 or 8. Where nothing does
# (serial_agrees, giving a code) an 8 is not taken: it could be an 8.
_BARRED_READS = frozenset("689")


def barred_day(digits: str) -> str | None:
    """The one day (ISO) a date read as ``digits`` (yyyymmdd) can be in a face that bars its
    zeros, any 6, 8 or 9 of it perhaps such a zero: the only one of its readings that is a
    day of the calendar, of a code's era (2000 to next year), or None when none or several
    are. A hard tuning receipt of seed 23, received 2024-09-13: code days «248913» and
    «246913», received date «2624-99-13»; each can be only 2024-09-13."""
    if len(digits) != 8 or not digits.isdigit():
        return None
    options = [(d, "0") if d in _BARRED_READS else (d,) for d in digits]
    days = set()
    for choice in itertools.product(*options):
        text = "".join(choice)
        try:
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            continue
        if 2000 <= day.year <= dt.date.today().year + 1:
            days.add(day.isoformat())
    return days.pop() if len(days) == 1 else None


def barred_unit(code: str, units: Iterable[str]) -> str | None:
    """``code`` with its unit the one of ``units`` it can be in a face that bars its zeros,
    any 6, 8 or 9 of it perhaps such a zero (a hard tuning receipt of seed 5 read
    «660.21.32.H14-…» for «000.21.32.H14-…» with five bars erased), or None when none or
    several can be. A candidate only, as :func:`barred_day`."""
    unit = unit_of(code)
    fits = [k for k in units if len(k) == len(unit) and k != unit
            and _agree_but_barred_zeros(unit, k, _BARRED_READS)]
    return fits[0] + code[UNIT_LENGTH:] if len(fits) == 1 else None


def serial_contradicted(code: str, read: str) -> bool:
    """Whether ``read`` (the page's own reading of ``code``'s line, in a face that bars its
    zeros) reads a digit of ``code``'s serial as another of 6, 8 and 9 where ``code`` has
    one of them: either reading may then have misread a barred zero, and which one cannot
    be told. A provisional code's serial rests on the second readings agreeing only. A hard
    tuning receipt of seed 23, printed «…-0060»: «…-0868» on the page, «…-0960» on its line
    twice (six and three bars erased), was assembled under «…-0960» (4 pages on a wrong
    dossier, in review). Any other difference says nothing: the page's reading misreads
    digits the second readings agree on («…-0158» and «2-10802» for «…-240802-0458», two
    clean tuning receipts of seed 31 whose dossiers are rightly assembled under the second
    readings' code), nor does a letter read for a digit or a serial not read whole."""
    found = _ending(_LAST_SERIAL, read)
    if found is None:
        return False
    serial = [c for c in found.group(1) if not c.isspace()]
    return any(a != b and a in _BARRED_READS and b in _BARRED_READS
               for a, b in zip(serial, code[-4:], strict=True))


def zero_unbarred(code: str, other: str, barred_zeros: int) -> bool:
    """Whether ``other``, a reading of ``code``'s line made with the bars of ``barred_zeros``
    zeros erased (pipeline/ocr/code_reread.py), reads a zero of the serial where ``code``
    has a 6, 8 or 9: ``code`` may then have read a barred zero so, and its serial, which
    nothing else checks, is in doubt. A clean tuning receipt of seed 41, printed
    «…-250922-0099» in a face barring its zeros: read «…-0899» on the page and at 1x (no bar
    erased), which passed every check and was given, «…-0099» enlarged with six bars erased.
    An erased bar never makes a 6, 8 or 9 of a zero, so the other way says nothing."""
    serial = serial_as_read(other) if barred_zeros else None
    return serial is not None and any(a in _BARRED_READS and b == "0"
                                      for a, b in zip(code[-4:], serial, strict=True))


def _agree_but_barred_zeros(read: str, printed: str,
                            reads: frozenset[str] = _BARRED_ZERO_READS) -> bool:
    """Whether digits ``read`` are ``printed`` digit for digit, a zero of ``printed`` read as
    one of ``reads`` (a 6 or 9 by default: a face that bars its zeros) agreeing too."""
    return all(a == b or (b == "0" and a in reads)
               for a, b in zip(read, printed, strict=True))


# A date as a receipt writes it, its parts as read («ngày 28 tháng 64: năm 2625»), in folded
# text: two digits, two digits, four (a part read with another count is no match).
_WRITTEN_DATE = re.compile(rf"\bngay\W{{0,3}}({_N}{{2}})\W{{0,3}}thang\W{{0,3}}({_N}{{2}})"
                           rf"\W{{0,3}}nam\W{{0,3}}({_N}{{4}})(?![0-9a-z])")


def written_day_of(code: str, text: str, barred_zeros: int = 0) -> str | None:
    """The day (yyyymmdd) a date written in ``text`` and ``code``'s day (yymmdd) agree on
    digit for digit, or None. When the code's line was read with the bars of
    ``barred_zeros`` zeros erased (pipeline/ocr/code_reread.py), the face bars its zeros,
    and either print, the code or the date in the receipt's face, may read such a zero 6 or
    9 where the other reads it 0 (a tuning hard receipt: code «…-250428-…», received «ngày
    28 tháng 64 năm 2625»; another, seed 31: code «…-246624-…» three times, received «ngày
    24 tháng 06 năm 2924»): those digits agree too, as the zero both are read from. A date
    read with any other digit otherwise disagrees."""
    day = re.search(r"-(\d{6})-", code)
    if day is None:
        return None
    wanted = f"20{day.group(1)}"  # yyyymmdd
    for found in _WRITTEN_DATE.finditer(folded_code_text(text)):
        written = "".join(_digits(part, _SERIAL) for part in found.group(3, 2, 1))
        if written == wanted:
            return wanted
        if barred_zeros and len(written) == len(wanted) and all(
                _agree_but_barred_zeros(a, b) or _agree_but_barred_zeros(b, a)
                for a, b in zip(written, wanted, strict=True)):
            return "".join(a if a == b else "0"
                           for a, b in zip(written, wanted, strict=True))
    return None


def day_unbarred(code: str, day: str) -> str | None:
    """``code`` with its day (yymmdd) that of ``day`` (ISO) where the two differ only by
    zeros of ``day`` the code reads 6 or 9 (a face that bars its zeros, read so on every
    reading of the code's line); None where any other digit differs."""
    found = re.search(r"-(\d{6})-", code)
    wanted = day.replace("-", "")[2:]
    if found is None or len(wanted) != 6:
        return None
    if not _agree_but_barred_zeros(found.group(1), wanted):
        return None
    return f"{code[:found.start(1)]}{wanted}{code[found.end(1):]}"
