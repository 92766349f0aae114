"""Validators: is a normalised value plausible? (The normalisers already made it well-formed.)

Every validator takes the normalised value and returns a bool. Those that depend on the
current date take ``today`` so tests can pin it. The kinds that use them are in
``pipeline.values.registry``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import TYPE_CHECKING

from pipeline.values.gazetteer import province_codes
from pipeline.values.normalize import Value
from pipeline.values.syllables import is_abbreviation, is_plausible_word, is_syllable

if TYPE_CHECKING:
    from tldextract import TLDExtract

OLDEST_YEAR = 1900  # the contract's «plausible birth year» lower bound
ID_LENGTHS = (9, 12)  # old CMND, CCCD
# First and last hour of a one-stop-shop's working day, generously: offices open at 7 or 7:30
# and close at 17 or 17:30, some keep early or late counters.
OFFICE_HOURS = (6, 19)
DOSSIER_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}")
EMAIL = re.compile(r"[a-z0-9][a-z0-9._%+\-]*@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}")
# Ten-digit numbers are mobile numbers, whose prefixes since the 2018 renumbering all start
# 03, 05, 07, 08 or 09; a landline has 11 digits (02x area code). Tesseract's 3↔8 and 6↔8
# confusions otherwise pass as another valid number.
PHONE = re.compile(r"0[35789]\d{8}")


def _parse_date(value: Value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _parse_datetime(value: Value) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def is_valid_text(value: Value) -> bool:
    """Some letters or digits, and every word a possible Vietnamese syllable, abbreviation or
    number (a word that is none was misread: «thănh», «Trudg»), written in small letters,
    in capitals or with a capital first (``is_cased_as_written``)."""
    text = str(value)
    return any(c.isalnum() for c in text) and all(
        is_plausible_word(w) and is_cased_as_written(w) for w in text.split())


def is_cased_as_written(word: str) -> bool:
    """Whether a word's letters are small, capitals, or a capital then small letters (each
    run of letters between marks so: «P.Phú», «TP.HCM», «Ê-đê»), as a word is written: a
    word read with
    capitals before a small letter («MỐm» for «xóm», a box Tesseract broke, Carlito at hard:
    a probe in faces neither part prints in, seed 703) was misread."""
    return all(part.islower() or part.isupper() or part.istitle()
               for part in re.findall(r"[^\W\d_]+", word))


def is_valid_person_name(value: Value) -> bool:
    """Two words or more, each a possible Vietnamese syllable (or, in an organisation's name,
    an abbreviation such as «TNHH»)."""
    words = str(value).split()
    return len(words) >= 2 and all(is_syllable(w) or is_abbreviation(w) for w in words)


def is_valid_id_number(value: Value) -> bool:
    """CCCD: 12 digits; old CMND: 9 digits. A CCCD begins with its holder's province code,
    then a digit of century and sex (0–3: born in the 1900s or 2000s), then the last two
    digits of the year of birth, which is not in the future: Tesseract reads a leading 0 as
    9 («940189917639», a tuning file)."""
    text = str(value)
    if not (text.isdigit() and len(text) in ID_LENGTHS):
        return False
    if len(text) == 9:
        return True
    century = 1900 + 100 * (int(text[3]) // 2)
    return (text[:3] in province_codes() and text[3] in "0123"
            and century + int(text[4:6]) <= dt.date.today().year)


def is_valid_date(value: Value) -> bool:
    """A real calendar date in ISO form, not before 1900."""
    day = _parse_date(value)
    return day is not None and day.year >= OLDEST_YEAR


def is_valid_past_date(value: Value, today: dt.date | None = None) -> bool:
    """A real date between 1900 and today (birth dates, signing dates)."""
    day = _parse_date(value)
    return day is not None and day.year >= OLDEST_YEAR and day <= (today or dt.date.today())


def is_valid_datetime(value: Value) -> bool:
    """A real date and time, ISO ``YYYY-MM-DDTHH:MM``."""
    moment = _parse_datetime(value)
    return moment is not None and moment.year >= OLDEST_YEAR


def is_valid_office_datetime(value: Value, today: dt.date | None = None) -> bool:
    """A real date and time within the working day (``OFFICE_HOURS``), when offices receive
    dossiers and hand results back: «00 giờ 45» is a misread «10 giờ 45»; and not after next
    year, as no procedure takes longer: «2624» is a misread «2024» (a tuning file)."""
    moment = _parse_datetime(value)
    return (is_valid_datetime(value) and moment is not None
            and OFFICE_HOURS[0] <= moment.hour <= OFFICE_HOURS[1]
            and moment.year <= (today or dt.date.today()).year + 1)


def is_valid_birth_year(value: Value, today: dt.date | None = None) -> bool:
    """Four digits between 1900 and the current year."""
    text = str(value)
    current = (today or dt.date.today()).year
    return len(text) == 4 and text.isdigit() and OLDEST_YEAR <= int(text) <= current


def is_valid_year(value: Value) -> bool:
    """Four digits, 1900 or later."""
    text = str(value)
    return len(text) == 4 and text.isdigit() and int(text) >= OLDEST_YEAR


def is_valid_phone(value: Value) -> bool:
    """Ten digits of a Vietnamese mobile number: 0 and a mobile prefix (03, 05, 07, 08, 09)."""
    return bool(PHONE.fullmatch(str(value)))


@cache
def _public_suffixes() -> TLDExtract:
    # The Public Suffix List snapshot bundled with tldextract: no network, no cache files.
    # Imported on first use: it brings in requests (~90 ms), which start-up need not pay.
    from tldextract import TLDExtract

    return TLDExtract(cache_dir=None, suffix_list_urls=())


def is_valid_email(value: Value) -> bool:
    """local@domain.suffix, lowercase ASCII, where the suffix is a real one (Public Suffix
    List): Tesseract reads «.com» as «.corn» or «.c0m», which no mail server answers to."""
    text = str(value)
    if not EMAIL.fullmatch(text):
        return False
    domain = _public_suffixes()(text.rsplit("@", 1)[1])
    return bool(domain.suffix and domain.domain)


def is_valid_dossier_code(value: Value, today: dt.date | None = None) -> bool:
    """``\\d{3}.\\d{2}.\\d{2}.H\\d{2}-\\d{6}-\\d{4}`` whose middle part is a real date (yymmdd),
    not after tomorrow (a day's grace for clocks and time zones): a code is made the day its
    dossier is received, so one dated later is misread («…-340913-…» for «…-240913-…», the
    receipt's other dates not read: a hard tuning stack at dossier seed 13 filed it so)."""
    text = str(value)
    if not DOSSIER_CODE.fullmatch(text):
        return False
    day = _parse_date(f"20{text[14:16]}-{text[16:18]}-{text[18:20]}")
    return day is not None and day <= (today or dt.date.today()) + dt.timedelta(days=1)


def is_valid_positive_integer(value: Value) -> bool:
    return isinstance(value, int) and value > 0


# A dossier is handed in as one set of documents, some procedures ask for two or three copies
# (a building permit's drawings: «02 bộ»); more than this is a misread «01» («61», «81»:
# Tesseract reads a 0 of some faces as 6 or 8, and gave «61» with confidence on a tuning file).
MAX_DOSSIER_SETS = 10


def is_valid_set_count(value: Value) -> bool:
    """A number of sets of a dossier: 1 to ``MAX_DOSSIER_SETS``."""
    return is_valid_positive_integer(value) and int(value) <= MAX_DOSSIER_SETS


def is_valid_gender(value: Value) -> bool:
    return value in ("Nam", "Nữ")


def is_valid_digits(value: Value) -> bool:
    return str(value).isdigit()


def is_anything(value: Value) -> bool:
    """Every value: the validator «none», for fields whose values are not judged."""
    return True


def _year_of(value: Value) -> int | None:
    text = str(value)
    return int(text[:4]) if text[:4].isdigit() else None


def is_in_order(earlier: Value, later: Value) -> bool:
    """True when ``earlier`` is not after ``later``; years, dates and date-times mix.

    Values of different precision are compared on what both have (a year against a date
    compares years). Unparseable values are not judged here (their own validator does it).
    """
    first, second = str(earlier), str(later)
    if len(first) == 4 or len(second) == 4:
        years = _year_of(first), _year_of(second)
        return None in years or years[0] <= years[1]
    width = min(len(first), len(second))
    return first[:width] <= second[:width]


def carries_date(code: str, moment: str) -> bool:
    """Whether a dossier code's day part («…-241128-…», yymmdd) is the day of ``moment``
    (ISO date or date-time): the code is made the day the dossier is received. A code
    without such a part carries no date to disagree with."""
    day = re.search(r"-(\d{6})-", code)
    parsed = _parse_date(moment[:10])
    if day is None or parsed is None:
        return True
    return day.group(1) == parsed.strftime("%y%m%d")


def code_day(code: str, moment: str) -> str | None:
    """``moment`` (ISO date or date-time, valid or not) with its date replaced by the day its
    code carries, when they differ in one digit at most; None otherwise (or when the code
    carries no day)."""
    day = code_iso_day(code)
    return None if day is None else with_day(day, moment)


def code_iso_day(code: str) -> str | None:
    """The day part of a dossier code («…-241128-…», yymmdd) as an ISO date, «2024-11-28»
    (not checked to be a real day), or None when the code has none."""
    day = re.search(r"-(\d{6})-", code)
    if day is None:
        return None
    return f"20{day.group(1)[:2]}-{day.group(1)[2:4]}-{day.group(1)[4:]}"


def with_day(day: str, moment: str) -> str | None:
    """``moment`` (ISO date or date-time, valid or not) with its date replaced by ``day``
    (ISO), when they differ in one digit at most; None otherwise."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", moment):
        return None
    if sum(a != b for a, b in zip(day, moment[:10], strict=True)) > 1:
        return None
    return day + moment[10:]


# Public holidays on fixed days of the solar calendar (Labour Code 2019, art. 112): New Year,
# Reunification Day, Labour Day, National Day with a day next to it (1 or 3 September).
FIXED_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, 1), (4, 30), (5, 1), (9, 1), (9, 2), (9, 3)})
# Tết (five days off, moved by the lunar calendar, falls between 21 January and 20 February)
# and Hùng Kings' day (10th of the third lunar month, in April) are not fixed: a due day may
# lie this many working days further in a span that holds those seasons, plus a day given in
# lieu of a holiday on a weekend.
TET_SEASON = ((1, 20), (2, 25))
TET_DAYS = 7
IN_LIEU_DAYS = 1


def add_working_days(day: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday–Friday) after ``day``."""
    while days > 0:
        day += dt.timedelta(days=1)
        days -= day.weekday() < 5
    return day


def _holiday_allowance(start: dt.date, end: dt.date) -> int:
    """Working days that holidays may take between two days (see ``FIXED_HOLIDAYS``)."""
    allowance, day, tet_years, hung_years = 0, start, set(), set()
    while day <= end:
        if day.weekday() < 5 and (day.month, day.day) in FIXED_HOLIDAYS:
            allowance += 1
        if TET_SEASON[0] <= (day.month, day.day) <= TET_SEASON[1]:
            tet_years.add(day.year)
        if day.month == 4:
            hung_years.add(day.year)
        day += dt.timedelta(days=1)
    holidays = allowance + TET_DAYS * len(tet_years) + len(hung_years)
    return holidays + (IN_LIEU_DAYS if holidays else 0)


def is_due_in(start: Value, days: Value, due: Value) -> bool:
    """Whether a result due at ``due`` is due ``days`` working days after ``start`` (ISO dates
    or date-times), as a one-stop-shop's software counts: weekends skipped, and holidays
    (``_holiday_allowance``). Counted in calendar days instead also agrees (a few procedures'
    laws count so), and so does the same or the next working day for a one-day procedure
    (offices return some results the day they receive them)."""
    first, last = _parse_date(str(start)[:10]), _parse_date(str(due)[:10])
    if first is None or last is None or not isinstance(days, int) or days < 1:
        return True  # not judged here: their own validators judge them
    earliest = latest = add_working_days(first, days)
    for _ in range(2):  # holidays move the end, and the span moved to may hold more
        latest = add_working_days(first, days + _holiday_allowance(first, latest))
    if days <= 1:
        earliest = first
    return earliest <= last <= latest or last == first + dt.timedelta(days=days)
