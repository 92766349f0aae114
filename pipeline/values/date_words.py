"""A date written in words («ghi bằng chữ: ngày chín, tháng mười, năm hai nghìn không trăm hai
mươi lăm»), as forms print a date of birth a second time so that it cannot be misread.

The words are the document's own second reading of the date: a date read from the digits that
agrees with them is sure; one that disagrees was misread, the digits or the words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.text import fold

# Folded (no accents): «mười» and «mươi» both fold to «muoi», «năm» (five) to «nam».
_DIGIT_WORDS = {"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5,
                "lam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9}
_SKIPPED = {"linh", "le"}  # «hai nghìn không trăm linh năm»: no tens
_SCALES = {"tram": 100, "nghin": 1000, "ngan": 1000}
# «ngày …, tháng …, năm …»: the month's words end at the «năm» that starts the year.
_IN_WORDS = re.compile(r"\bngay\s+([a-z ]+?)\s*,?\s+thang\s+([a-z ]+?)\s*,?\s+nam\s+(.+)")


def number_from_words(words: list[str]) -> int | None:
    """0 ≤ n < 10000 from Vietnamese number words (folded); None when they are no number.

    «hai mươi tư» → 24, «mười» → 10, «hai nghìn không trăm linh năm» → 2005."""
    total, pending = 0, None
    for word in words:
        if word in _DIGIT_WORDS:
            if pending is not None:
                return None  # two digits in a row: no number is written so
            pending = _DIGIT_WORDS[word]
        elif word == "muoi":
            total += 10 * (1 if pending is None else pending)
            pending = None
        elif word in _SCALES:
            if pending is None:
                return None
            total += pending * _SCALES[word]
            pending = None
        elif word not in _SKIPPED:
            return None
    if pending is None and not total and "khong" not in words:
        return None
    return total + (pending or 0)


def _leading_number(text: str) -> tuple[int, bool] | None:
    """The number written by the run of number words that starts ``text``, and whether a
    «)» ends it, as the form closes «(ghi bằng chữ: …)». Words that end otherwise may go on
    in a row not read («… không trăm hai» / «mươi ba», 2002 for 2023), or a misread word
    ended them early («… hai mươi 1ăm)», 2020 for 2025); words that run to the end of the
    text write no number."""
    words = []
    for word in re.findall(r"[a-z]+|[^a-z\s]", text):
        if word not in _DIGIT_WORDS and word not in _SCALES and word not in _SKIPPED \
                and word != "muoi":
            number = number_from_words(words) if words else None
            return None if number is None else (number, word == ")")
        words.append(word)
    return None


@dataclass(frozen=True)
class WordsDate:
    """A date written in words: ISO, and whether its closing bracket shows it complete."""

    iso: str
    closed: bool


def date_in_words(text: str) -> WordsDate | None:
    """The date a text writes in words, or None when it writes none (or a day that is no
    calendar day)."""
    found = _IN_WORDS.search(fold(text).lower().replace(",", " , "))
    if not found:
        return None
    day, month = number_from_words(found.group(1).split()), number_from_words(
        found.group(2).split())
    year = _leading_number(found.group(3))
    if day is None or month is None or year is None:
        return None
    try:
        return WordsDate(dt.date(year[0], month, day).isoformat(), year[1])
    except ValueError:
        return None


# «ngày …, tháng …» with the day's words closed by «tháng»: the year's words may be lost or
# misread (a row not read, «hai. nghìn»), the day and month still written.
_DAY_MONTH = re.compile(r"\bngay\s+([a-z ]+?)\s+thang\s+([a-z ]+)")


def day_month_in_words(text: str) -> tuple[int, int] | None:
    """The day and month a text writes in words («ngày mười tám. tháng bẩy. r năm …»: 18,
    7), when its whole date in words cannot be read (``date_in_words``); None when it writes
    no day and month. A comma or stop between the words is a mark, not a word; the month's
    words end at the first word that is no number's (debris), or at «năm» after its first
    word (the year's: «tháng năm, năm …» is May)."""
    found = _DAY_MONTH.search(re.sub(r"[,.;:]", " ", fold(text).lower()))
    if not found:
        return None
    day = number_from_words(found.group(1).split())
    month_words: list[str] = []
    for word in found.group(2).split():
        # «năm» after the month's first word starts the year («tháng năm, năm …»: May).
        if (word not in _DIGIT_WORDS and word != "muoi") or (word == "nam" and month_words):
            break
        month_words.append(word)
    month = number_from_words(month_words) if month_words else None
    if day is None or month is None or not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return day, month
