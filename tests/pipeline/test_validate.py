"""Validators: plausibility of normalised values."""

import datetime as dt

import pytest

from pipeline.values.registry import VALIDATORS
from pipeline.values.validate import (
    carries_date,
    code_day,
    is_cased_as_written,
    is_due_in,
    is_in_order,
    is_valid_birth_year,
    is_valid_date,
    is_valid_datetime,
    is_valid_dossier_code,
    is_valid_email,
    is_valid_gender,
    is_valid_id_number,
    is_valid_office_datetime,
    is_valid_past_date,
    is_valid_person_name,
    is_valid_phone,
    is_valid_positive_integer,
    is_valid_text,
)

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(("value", "valid"), [
    ("042190001234", True),  # CCCD
    ("183456789", True),  # old CMND
    ("0421900012", False),
    ("04219000123a", False),
    ("940189917639", False),  # no province has the code 940: a 0 read as 9
    ("042590001234", False),  # a century digit above 3
    ("042299001234", False),  # born in 2099
    ("", False),
])
def test_id_number(value, valid):
    assert is_valid_id_number(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("2024-02-29", True), ("2023-02-29", False), ("2024-13-01", False), ("1899-12-31", False),
    ("12/05/2024", False),
])
def test_date(value, valid):
    assert is_valid_date(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("2025-06-01", True), ("2025-06-02", False), ("1900-01-01", True),
])
def test_past_date(value, valid):
    assert is_valid_past_date(value, today=TODAY) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("2024-11-28T08:30", True), ("2024-11-28T25:30", False), ("2024-11-31T08:30", False),
])
def test_datetime(value, valid):
    assert is_valid_datetime(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("2024-11-28T07:30", True), ("2024-11-28T17:30", True), ("2024-11-28T06:00", True),
    ("2024-11-28T19:59", True), ("2024-11-28T00:45", False), ("2024-11-28T20:00", False),
    ("2024-11-28T05:59", False), ("2024-11-31T08:30", False),
    ("2624-08-07T15:35", False),  # no procedure takes six centuries
])
def test_office_datetime_is_in_the_working_day(value, valid):
    assert is_valid_office_datetime(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("1990", True), ("1900", True), ("1899", False), ("2025", True), ("2026", False),
    ("199", False), ("19a0", False),
])
def test_birth_year(value, valid):
    assert is_valid_birth_year(value, today=TODAY) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("0912345678", True), ("0328123456", True), ("0588123456", True), ("0701234567", True),
    ("0868123456", True), ("912345678", False), ("0012345678", False), ("09123456789", False),
    # no mobile prefix: a misread digit («0888…» read «0688…»), a 10-digit landline
    ("0688500692", False), ("0412345678", False), ("0243123456", False),
])
def test_phone(value, valid):
    assert is_valid_phone(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("nam.le@gmail.com", True), ("x@hatinh.gov.vn", True), ("nam.le@gmail", False),
    ("nam.le@gmaiïl.com", False), ("@gmail.com", False), ("dung@yahoo.com.vn", True),
    # no such suffix: «.com» misread
    ("dungld323@yahoo.corn", False), ("dung@yahoo.c0m", False), ("dung@com", False),
])
def test_email(value, valid):
    assert is_valid_email(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("000.00.21.H27-241128-0001", True),
    ("000.00.21.H3S-241128-0001", False),  # OCR read 5 as S
    ("000.00.21.H27-241328-0001", False),  # month 13
    ("000.00.21.H27-2411280001", False),
    ("000.21.22.H27-340913-0354", False),  # 2034: a misread 2 in a code dated 2024
])
def test_dossier_code(value, valid):
    assert is_valid_dossier_code(value) is valid


def test_a_dossier_code_dated_after_tomorrow_is_misread():
    today = dt.date(2024, 11, 28)
    assert is_valid_dossier_code("000.00.21.H27-241129-0001", today)
    assert not is_valid_dossier_code("000.00.21.H27-241130-0001", today)


@pytest.mark.parametrize(("value", "valid"), [
    ("Nguyễn Văn An", True), ("An", False), ("Nguyễn V4n An", False),
    ("Phan Thị Quỳnh", True), ("Công ty TNHH Hoàng Long", True),
    ("Phạm Mxiỹ Thảo", False),  # OCR damage no syllable can be
])
def test_person_name(value, valid):
    assert is_valid_person_name(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("thôn Lỗ Khê, xã Uy Nỗ, huyện Đông Anh", True), ("số 12 ngõ 165, Quận 1", True),
    ("Mẫu số 04a/ĐK (bản sao)", True), ("buôn Kniết, xã Ea Phê, huyện Krông Pắc", True),
    ("Trudg tâm y tế", False), ("thănh phố Huế", False), ("", False),
])
def test_text_words_must_be_possible_vietnamese(value, valid):
    assert VALIDATORS["text"](value) is valid


def test_gender_and_integer():
    assert is_valid_gender("Nữ") and not is_valid_gender("Nu")
    assert is_valid_positive_integer(1) and not is_valid_positive_integer(0)
    assert not is_valid_positive_integer("1")


def test_a_dossier_is_handed_in_as_a_few_sets_at_most():
    """«61 (bộ)» is a misread «01 (bộ)»."""
    assert VALIDATORS["set_count"](1) and VALIDATORS["set_count"](2)
    assert not VALIDATORS["set_count"](61) and not VALIDATORS["set_count"](0)


@pytest.mark.parametrize(("earlier", "later", "ordered"), [
    ("1990", "2024-05-12", True),
    ("2025", "2024-05-12", False),  # the mother's «birth year» read from the child's date
    ("2024-05-12", "2024-05-20", True),
    ("2024-05-21", "2024-05-20", False),
    ("2024-11-28T08:30", "2024-11-29T14:00", True),
    ("2024-11-28", "2024-11-28T08:30", True),
])
def test_is_in_order(earlier, later, ordered):
    assert is_in_order(earlier, later) is ordered


def test_every_registered_validator_accepts_a_value_without_raising():
    for validator in VALIDATORS.values():
        assert validator("x") in (True, False)


@pytest.mark.parametrize(("code", "moment", "carried"), [
    ("000.00.21.H27-241128-0001", "2024-11-28T08:30", True),
    ("000.31.38.H43-261119-0440", "2025-11-19T15:25", False),
    ("000.00.21.H27", "2024-11-28", True),  # no day part: nothing to disagree with
])
def test_a_dossier_code_carries_the_day_it_was_received(code, moment, carried):
    assert carries_date(code, moment) is carried


def test_the_public_suffix_list_is_loaded_only_when_an_email_is_checked():
    """tldextract brings in requests (~90 ms): start-up, which imports the validators, need
    not pay for it."""
    import subprocess
    import sys

    code = ("import sys\nfrom pipeline.values.validate import is_valid_email\n"
            "print('tldextract' in sys.modules, is_valid_email('a@b.vn'), "
            "'tldextract' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.split() == ["False", "True", "True"]


@pytest.mark.parametrize(("start", "days", "due", "agrees"), [
    ("2024-11-28T08:30", 1, "2024-11-29T14:00", True),  # Thursday, next working day
    ("2024-11-29T08:30", 1, "2024-12-02T08:30", True),  # Friday: the weekend is skipped
    ("2024-11-29T08:30", 1, "2024-11-29T16:00", True),  # returned the same day
    ("2024-03-04T10:00", 7, "2024-03-13T10:00", True),
    ("2024-03-04T10:00", 7, "2024-03-16T10:00", False),  # a misread day
    ("2024-03-04T10:00", 7, "2024-03-12T10:00", False),  # before the days have passed
    ("2024-03-04T10:00", 1, "2024-03-08T10:00", False),  # «1» for «4», or a misread day
    ("2024-03-04T10:00", 30, "2024-04-03T10:00", True),  # thirty calendar days
    ("2024-02-05T10:00", 5, "2024-02-19T10:00", True),  # Tết falls in between
    ("2024-04-26T10:00", 1, "2024-05-02T10:00", True),  # 30 April and 1 May
])
def test_a_due_day_is_its_start_plus_the_working_days(start, days, due, agrees):
    assert is_due_in(start, days, due) is agrees


@pytest.mark.parametrize(("code", "moment", "mended"), [
    ("000.00.21.H27-250822-0001", "2025-98-22T15:55", "2025-08-22T15:55"),
    ("000.00.21.H27-240701-0001", "2024-07-61T10:55", "2024-07-01T10:55"),
    ("000.00.21.H27-240701-0001", "2024-07-01T10:55", "2024-07-01T10:55"),
    ("000.00.21.H27-240701-0001", "2024-09-61T10:55", None),  # two digits off
    ("000.00.21.H27", "2024-07-61T10:55", None),  # the code carries no day
])
def test_the_day_a_code_carries_replaces_a_date_one_digit_off(code, moment, mended):
    assert code_day(code, moment) == mended


@pytest.mark.parametrize(("word", "cased"), [
    ("xã", True), ("Thạch", True), ("UBND", True), ("P.Phú", True), ("TP.HCM", True),
    ("Ê-đê", True), ("H'Mông", True), ("04a/ĐK", True), ("12", True),
    # capitals before a small letter: «MỐm» for «xóm» (a box Tesseract broke, Carlito at
    # hard, probe seed 703), «tHạch»
    ("MỐm", False), ("tHạch", False), ("ĐắK", False)])
def test_a_word_of_text_is_written_small_in_capitals_or_with_a_capital_first(word, cased):
    assert is_cased_as_written(word) is cased
    if not cased:
        assert not is_valid_text(f"{word} Tân Lập")
    assert is_valid_text("xóm Tân Lập, xã Mãn Đức")
