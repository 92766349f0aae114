"""Dates written in words («ghi bằng chữ»), the form's own second reading of a date."""

import pytest

from pipeline.values.date_words import date_in_words, day_month_in_words, number_from_words


@pytest.mark.parametrize(("words", "number"), [
    ("chin", 9), ("muoi", 10), ("muoi mot", 11), ("hai muoi tu", 24), ("ba muoi mot", 31),
    ("hai muoi lam", 25), ("hai nghin khong tram linh nam", 2005),
    ("mot nghin chin tram chin muoi tam", 1998), ("hai nghin khong tram hai muoi lam", 2025),
])
def test_number_words(words, number):
    assert number_from_words(words.split()) == number


@pytest.mark.parametrize("words", ["hai ba", "tram", "nguyen", ""])
def test_words_that_write_no_number(words):
    assert number_from_words(words.split()) is None


@pytest.mark.parametrize(("text", "iso"), [
    ("09/10/2025 (ghi bằng chữ: ngày chín, tháng mười, năm hai nghìn không trăm hai mươi lăm)",
     "2025-10-09"),  # closed by its bracket
    ("ghi bằng chữ: ngày năm, tháng năm, năm hai nghìn không trăm linh năm Giới tính: Nữ",
     "2005-05-05"),  # «năm» is five, and the year's word; the next label ends the year
    ("ngày ba mươi mốt tháng tư năm hai nghìn không trăm hai mươi tư", None),  # 31 April
    ("ngày mười hai, tháng năm", None),  # no year
    # the words run to the end of the text: they may go on in a row not read («… hai» /
    # «mươi ba»), so they write no date
    ("ngày một, tháng năm, năm hai nghìn không trăm hài", None),
    ("Làm tại: xã Thạch Hạ, ngày 20 tháng 05 năm 2024", None),  # digits, not words
])
def test_date_in_words(text, iso):
    found = date_in_words(text)
    assert (found.iso if found else None) == iso


@pytest.mark.parametrize("text", [
    "ghi bằng chữ: ngày bốn, tháng một, năm hai nghìn không trăm hai mươi 1ăm)",  # 2020?
    "ghi bằng chữ: ngày bốn, tháng một, năm hai nghìn không trăm hai mươi lăm Giới tính",
])
def test_words_not_closed_by_their_bracket_are_not_sure(text):
    """A misread word («1ăm») ends the run early, and words without the bracket that closes
    them may go on unread: neither is a date sure enough to refuse the digits' date."""
    found = date_in_words(text)
    assert found is not None and not found.closed


@pytest.mark.parametrize(("text", "day_month"), [
    # stops for commas and debris before the year (TeX Gyre Bonum at hard, tuning seed 101)
    ("(ghi bằng chữ: ngày mười tám. tháng bẩy. r năm - hai. nghìn", (18, 7)),
    ("ngày mười, tháng năm, năm hai", (10, 5)),  # May: «năm» after it starts the year
    ("ngày ba mươi mốt, tháng mười hai, năm", (31, 12)),
    ("ngày 20 tháng 09 năm 2023", None),  # digits: no words
    ("ngày bốn mươi, tháng hai", None),  # no calendar day
])
def test_the_day_and_month_in_words(text, day_month):
    assert day_month_in_words(text) == day_month
