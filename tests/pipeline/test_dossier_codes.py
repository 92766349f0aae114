"""Dossier codes as OCR reads them: mended by their structure, checked by the received day and
the office's units (pipeline/values/dossier_codes.py), never given when in doubt."""

from __future__ import annotations

import pytest

from office.dossiers import file_dossiers
from office.report import day_serials
from pipeline.assess import ReviewOptions
from pipeline.doctypes import DocTypeDefinition, load_doctypes
from pipeline.document import analyse_file
from pipeline.values.dossier_codes import (
    barred_alike,
    barred_day,
    barred_unit,
    day_serial_as_read,
    mend_unit,
    normalize_dossier_code,
    serial_agrees,
    serial_as_read,
    serial_contradicted,
    written_day_of,
    zero_unbarred,
)
from schemas.ocr import CodeReading, PageCode
from schemas.status import DigitizationStatus
from tests.pipeline.ocr_builders import BIRTH_FORM, RECEIPT_FORM, make_page

CODE = "000.00.21.H27-241128-0001"
OTHER = "000.00.21.H27-241128-0002"
UNIT = "000.00.21.H27"


@pytest.fixture(scope="module")
def doctypes() -> list[DocTypeDefinition]:
    return load_doctypes()


@pytest.mark.parametrize(("read", "code"), [
    ("000.00.21.H27-241128-0001", CODE),
    # Separators doubled, spaced or lost, as Tesseract reads monospace dots.
    ("009. 31.20 ..H26-240614- 0468", "009.31.20.H26-240614-0468"),
    ("000 00 21 H27 - 241128 - 0001", CODE),
    # Look-alike letters in digit places.
    ("OOO.0O.2l.H27-24ll28-O0O1", CODE),
    ("000.00.21.h27–241128–0001", CODE),
])
def test_a_code_is_read_by_its_structure(read, code):
    assert normalize_dossier_code(f"Mã hồ sơ: {read}") == code


@pytest.mark.parametrize(("text", "expected"), [
    ("000.00.21.H27-241128-0001", "000.00.21.H27-241128-0001"),
    ("000.00.21.h27 - 241128 - 0001", "000.00.21.H27-241128-0001"),
    ("000 21.32.H14-250522-0030", "000.21.32.H14-250522-0030"),  # a dot read as a space
    ("00021.32.H14–250522–0030 (bộ)", "000.21.32.H14-250522-0030"),  # lost dot, en dashes
    # A code inside a longer reading is given as read, for the validator to refuse.
    ("000.00.21.H27-241128-00001", "000.00.21.H27-241128-00001"),
    ("số 0439/TNHS", None),
])
def test_the_one_normaliser_of_dossier_codes(text, expected):
    assert normalize_dossier_code(text) == expected


@pytest.mark.parametrize("read", [
    "000.0.21.H27-241128-0001",  # a digit lost: which one cannot be told
    "000.00.21.H27-241128-00001",  # one too many
    "000.00.21.H27-241128-0S01",  # «S» in the serial: 5 or 8, and nothing checks a serial
])
def test_a_code_missing_or_doubling_a_digit_is_not_made_valid(read):
    code = normalize_dossier_code(read)
    assert code is None or code != CODE and not code.endswith("-0501")


def test_a_unit_one_digit_from_exactly_one_known_unit_is_mended_to_it():
    checked = mend_unit("009.00.21.H27-241128-0001", {UNIT, "001.31.20.H26"})
    assert checked.code == CODE
    assert "009.00.21.H27" in (checked.note or "")


@pytest.mark.parametrize("units", [
    {UNIT, "001.00.21.H27"},  # 009 is one digit from both 000 and 001: which?
    {"001.31.20.H26"},  # far from every unit
])
def test_a_unit_that_cannot_be_made_certain_is_refused(units):
    checked = mend_unit("009.00.21.H27-241128-0001", units)
    assert checked.code is None and "009.00.21.H27" in (checked.note or "")


def test_a_known_unit_or_no_units_configured_leaves_the_code_as_read():
    assert mend_unit(CODE, {UNIT}).code == CODE
    assert mend_unit("009.00.21.H27-241128-0001", set()).code == "009.00.21.H27-241128-0001"


def receipt_reading(code: str) -> list[str]:
    return [f"Mã hồ sơ: {code}" if line.startswith("Mã hồ sơ") else line
            for line in RECEIPT_FORM]


def analysed_receipt(doctypes, code: str, units: set[str]):
    (document,) = analyse_file([make_page(receipt_reading(code))], doctypes, ReviewOptions(),
                               units=frozenset(units))
    return document


def test_a_misread_code_of_a_known_unit_is_given_mended(doctypes):
    """GIVEN a receipt whose printed code OCR read with a dot lost and «009» for «000»,
    the office's units configured WHEN analysed THEN the code is given as the known unit's,
    the day checked against the receipt's received date, and the receipt is digitized."""
    document = analysed_receipt(doctypes, "009. 00.21 H27-241128- 0001",
                                {UNIT, "000.31.20.H26"})
    assert document.own_code == CODE
    assert "dossier_code" in document.analysis.extraction.notes
    assert document.analysis.assessment.status is DigitizationStatus.DIGITIZED


def test_a_code_of_no_known_unit_goes_to_review_naming_it(doctypes):
    document = analysed_receipt(doctypes, CODE, {"001.31.20.H26"})
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert any(UNIT in reason for reason in document.analysis.assessment.review_reasons)


def test_a_mended_code_whose_day_is_not_the_received_day_goes_to_review(doctypes):
    """The day part is the other cross-check: «241126» read for a receipt received on
    28/11/2024 is refused, whatever the unit."""
    document = analysed_receipt(doctypes, "009.00.21.H27-241126-0001", {UNIT})
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


def test_a_code_whose_dots_were_read_as_a_leader_is_found_by_its_structure(doctypes):
    """GIVEN the brief's reading «009. 00.21 ..H27-241128- 0001», whose «..» the label
    reader takes for a dot leader (the value is cut there and not found) WHEN analysed with
    the office's units THEN the code is found on the page by its structure, its unit mended,
    its day checked against the received date: the receipt is digitized."""
    document = analysed_receipt(doctypes, "009. 00.21 ..H27-241128- 0001",
                                {UNIT, "000.31.20.H26"})
    assert document.own_code == CODE
    assert document.analysis.assessment.status is DigitizationStatus.DIGITIZED
    # Without units nothing checks the unit: the code is not taken from the page.
    assert analysed_receipt(doctypes, "009. 00.21 ..H27-241128- 0001", set()).own_code is None


def test_a_code_found_on_the_page_on_another_day_than_received_is_refused(doctypes):
    document = analysed_receipt(doctypes, "000. 00.21 ..H27-241126- 0001", {UNIT})
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


@pytest.mark.parametrize(("read", "serial"), [
    ("001.21. 16.H27-241202- 0136", "0136"), ("9600.31.38 .H14-251026 - 8457", "8457"),
    ("999.31.36.H27-249617-6099-", "6099"), ("0Q0. ủ0.36.H14-240311-O363", "0363"),
    ("000.00.21.H27-241128-00012", None), ("Mã hồ sơ:", None),
    # A seal's speck read as a lone letter after the code; a last digit read apart stays one.
    ("OOO.00.24.H52:250819-0251 ị", "0251"), ("000.00.21.H27-241128-025 l", "0251"),
    ("000.00.21.H27-241128-0251x", None)])
def test_the_serial_a_reading_ends_with(read, serial):
    assert serial_as_read(read) == serial


@pytest.mark.parametrize(("read", "bars", "agrees"), [
    ("…-0001", 0, True),  # the same serial
    ("…-6001", 8, True),  # a barred zero read as a 6: as many zeros as bars erased
    ("…-6091", 8, True),  # … or as a 9
    ("…-6001", 0, False),  # no bar erased: nothing says the 6 is a zero
    ("…-6001", 7, False),  # one zero more than bars: one of them is not shown by a bar
    ("…-8001", 8, False),  # an 8: a barred zero could be taken for one, and an 8 for it
    ("…-6002", 8, False),  # another digit differs
    # The dash between day and serial lost, or read as a digit: the day and serial agree.
    ("000.00.21.H27:2411280001", 0, True), ("000.00.21.H27:24112850001", 0, True),
    ("000.00.21.H27:24112850007", 0, False),  # another serial
    ("000.00.21.H27:24112650001", 0, False),  # another day
    ("000.00.21.H27:241128550001", 0, False),  # twelve digits: which is the serial?
])
def test_a_serial_agrees_with_another_reading(read, bars, agrees):
    assert serial_agrees(CODE, read, bars) is agrees


def reread_receipt(doctypes, first: str, second: str | None, units: set[str],
                   lines: list[str] | None = None, barred_zeros: int = 0):
    """A receipt whose code line was read ``first`` on the page, its words at confidence 20,
    and ``second`` on its own (None: not read again) with ``barred_zeros`` zeros' bars
    erased."""
    page = make_page(lines or receipt_reading(first), confidences={
        word: 20.0 for word in first.split()})
    page = page.model_copy(update={"code_readings": [
        CodeReading(code=second, first=first, bbox=(100, 100, 900, 140),
                    barred_zeros=barred_zeros)] if second else []})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset(units))
    return document


def test_a_code_the_page_split_at_low_confidence_is_given_from_its_second_reading(doctypes):
    """
    GIVEN a receipt whose code the page's reading split into words read at confidence 0.20
    (refused), and whose line read again gives the code, its unit one of the office's, its day
    the received day and its serial the one first read
    WHEN analysed
    THEN the code is given from the second reading, with a note saying so
    """
    first = "000.00. 21.H27-241128- 0001"
    assert reread_receipt(doctypes, first, None, {UNIT}).own_code is None  # without: refused
    document = reread_receipt(doctypes, first, CODE, {UNIT})
    assert document.own_code == CODE
    assert "second reading" in document.analysis.extraction.notes["dossier_code"]


def test_a_garbled_first_reading_is_replaced_by_a_second_that_passes_every_check(doctypes):
    document = reread_receipt(doctypes, "0Q0. ủ0.21.H27-241128-0001", CODE, {UNIT})
    assert document.own_code == CODE


@pytest.mark.parametrize(("first", "second", "why"), [
    ("9600.00.21 .H27-241128 - 8001", CODE, "the serial is not the one first read"),
    ("000.00. 21.H27-241126- 0001", "000.00.21.H27-241126-0001", "not the received day"),
    ("960.00. 21.H27-241128- 0001", "960.00.21.H27-241128-0001", "no unit of the office"),
])
def test_a_second_reading_that_fails_a_check_is_not_given(doctypes, first, second, why):
    document = reread_receipt(doctypes, first, second, {UNIT})
    assert document.own_code is None, why
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


def test_a_first_reading_refused_at_low_confidence_is_given_when_each_part_is_checked(doctypes):
    """
    GIVEN a receipt whose code was read whole but at low confidence (refused), and whose line
    read again gives its day wrong («…-241126-…») but the same serial
    WHEN analysed with the office's units
    THEN the first reading is given: its unit is the office's, its day the received day, its
    serial the second reading's; with a unit of no office, or another serial, it is not
    """
    first = "000.00.21.H27-241128-0001"
    document = reread_receipt(doctypes, first, "000.00.21.H27-241126-0001", {UNIT})
    assert document.own_code == CODE
    assert "same serial" in document.analysis.extraction.notes["dossier_code"]
    assert reread_receipt(doctypes, first, "000.00.21.H27-241126-0007", {UNIT}).own_code is None
    assert reread_receipt(doctypes, first, "000.00.21.H27-241126-0001",
                          {"000.00.22.H27"}).own_code is None


def test_a_second_reading_without_a_received_day_to_check_it_is_not_given(doctypes):
    first = "000.00. 21.H27-241128- 0001"
    lines = [line for line in receipt_reading(first) if "Thời gian nhận" not in line]
    assert reread_receipt(doctypes, first, CODE, {UNIT}, lines).own_code is None


def test_without_units_a_code_both_readings_read_alike_on_the_received_day_is_given(doctypes):
    """
    GIVEN no units configured (the default), a receipt whose code the page read whole at
    confidence 0.20 (refused) and its line read again alike
    WHEN analysed
    THEN the two readings agreeing stand for the unit's check: the code is given, its day the
    received day; a second reading naming another unit, or another day, gives nothing
    """
    first = "000.00. 21.H27-241128- 0001"
    document = reread_receipt(doctypes, first, CODE, set())
    assert document.own_code == CODE
    assert "alike in unit and serial" in document.analysis.extraction.notes["dossier_code"]
    assert reread_receipt(doctypes, first, "000.00.27.H27-241128-0001", set()).own_code is None
    assert reread_receipt(doctypes, "000.00. 21.H27-241126- 0001", "000.00.21.H27-241126-0001",
                          set()).own_code is None
    assert reread_receipt(doctypes, first, None, set()).own_code is None


@pytest.mark.parametrize(("first", "second", "says"), [
    # The demo's sample-0008.pdf: the page read «0600.31.36.H26-…», its line again
    # «000.31.36.H26-240227-0449» (day received 2024-02-27; the fixture's code here).
    ("0600.00. 21.H27-241128- 0001", CODE,
     "which the page's reading of the line («0600.00. 21.H27-241128- 0001») does not confirm"),
    ("000.00. 27.H27-241128- 0001", CODE, "whose unit the page's reading of the line reads "
                                          "«000.00.27.H27»"),
    ("000.00. 21.H27-241128- 0007", CODE, "whose serial the page's reading of the line reads "
                                          "«0007»"),
    ("000.00. 21.H27-241128- 0001", "000.00.21.H27-241126-0001",
     "whose day is not the day received (2024-11-28)"),
])
def test_without_units_the_review_reason_says_which_check_a_second_reading_failed(
        doctypes, first, second, says):
    """The person reviewing the receipt is told why the code read again was not given, not
    only that it «fails its checks»."""
    document = reread_receipt(doctypes, first, second, set())
    assert document.own_code is None
    reason = document.analysis.extraction.doubts["dossier_code"].reason
    assert f"read again on its line: «{second}», {says}" in reason, reason


def unitless_receipt(doctypes, first: str, second: str | None, *, dated: bool = False,
                     barred_zeros: int = 0):
    """A receipt read surely (confidence 95) with ``first`` as its code, its line read again
    ``second`` (None: no code), analysed without units; ``dated``: its received time not
    read, «ngày 28 tháng 11 năm 2024» written above the code."""
    lines = receipt_reading(first)
    if dated:
        lines = [line for line in lines if "Thời gian nhận" not in line]
        lines.insert(1, "Thạch Hạ, ngày 28 tháng 11 năm 2024")
    page = make_page(lines)
    code_line = next(line for line in page.lines if line.text.startswith("Mã hồ sơ"))
    page = page.model_copy(update={"code_readings": [
        CodeReading(code=second, first=first, bbox=code_line.bbox,
                    barred_zeros=barred_zeros)] if second else []})
    (document,) = analyse_file([page], doctypes, ReviewOptions())
    return document


@pytest.mark.parametrize(("first", "second", "bars"), [
    # Seed 62 tuning, a mild Garamond receipt: «ooo.21.1o.H41-24oso6-oI78» given as
    # «000.21.10.H41-…» for «000.21.19.H41-…», its line read «…19…» (day made the fixture's).
    ("ooo.21.1o.H41-24ll28-oI78", "000.21.19.H41-241128-0178", 0),
    # Seed 63 tuning, a mild receipt in a face barring zeros: «600.31.27.H57-…» given for
    # «000.31.27.H57-…»; its line read with the zeros' bars erased reads them zeros.
    ("600.31.27.H57-241128-0370", "000.31.27.H57-241128-0370", 5),
])
def test_without_units_a_code_whose_line_reads_another_code_again_goes_to_review(
        doctypes, first, second, bars):
    """The unit cannot be checked against a list: the second reading of the line is the
    check. A code given that it contradicts is left out naming it; read alike, it stands."""
    assert unitless_receipt(doctypes, first, None).own_code is not None  # read once: given
    document = unitless_receipt(doctypes, first, second, barred_zeros=bars)
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert second in document.analysis.extraction.doubts["dossier_code"].reason
    assert unitless_receipt(doctypes, second, second).own_code == second


def test_without_units_a_codes_day_is_checked_by_the_date_above_it(doctypes):
    """
    GIVEN no units configured, a receipt whose received time was not read, dated
    «ngày 28 tháng 11 năm 2024» above its code, the code read surely with a wrong day (seed 62
    tuning, a hard receipt: «001.31.11.H27-260925-0184» for «…-250925-0184», given before)
    WHEN analysed
    THEN the code is left out naming the day; when its line read again gives the day written
    and the page's unit and serial, that reading is given
    """
    misread, printed = "001.31.11.H27-261128-0184", "001.31.11.H27-241128-0184"
    document = unitless_receipt(doctypes, misread, None, dated=True)
    assert document.own_code is None
    assert "2024-11-28" in document.analysis.extraction.doubts["dossier_code"].reason
    assert unitless_receipt(doctypes, misread, printed, dated=True).own_code == printed
    # A second reading of another serial is not given.
    assert unitless_receipt(doctypes, misread, "001.31.11.H27-241128-0164",
                            dated=True).own_code is None


def test_without_units_a_code_whose_day_nothing_read_is_left_out(doctypes):
    """GIVEN no units, a code read surely and alike twice, but neither the received time
    nor a date above the code read WHEN analysed THEN nothing vouches for its day but the
    page's reading: it is left out saying so, the receipt goes to review."""
    lines = [line for line in receipt_reading(CODE) if "Thời gian nhận" not in line]
    page = make_page(lines)
    code_line = next(line for line in page.lines if line.text.startswith("Mã hồ sơ"))
    page = page.model_copy(update={"code_readings": [
        CodeReading(code=CODE, first=CODE, bbox=code_line.bbox)]})
    (document,) = analyse_file([page], doctypes, ReviewOptions())
    assert document.own_code is None
    assert "no day" in document.analysis.extraction.doubts["dossier_code"].reason
    assert unitless_receipt(doctypes, CODE, CODE).own_code == CODE  # received time read


def test_a_code_given_that_its_second_reading_contradicts_goes_to_review(doctypes):
    """GIVEN a code read surely on the page, and a second reading of its line that passes
    every check yet names another unit of the office WHEN analysed THEN which reading is
    right cannot be told: the code is left out naming both, the receipt goes to review."""
    other = "000.31.20.H26-241128-0001"
    page = make_page(receipt_reading(CODE)).model_copy(update={"code_readings": [
        CodeReading(code=other, first=CODE, bbox=(100, 100, 900, 140))]})
    (document,) = analyse_file([page], doctypes, ReviewOptions(),
                               units=frozenset({UNIT, "000.31.20.H26"}))
    assert document.own_code is None
    assert any(other in reason for reason in document.analysis.assessment.review_reasons)


def test_a_refused_code_names_its_second_reading_when_that_fails_too(doctypes):
    # (Its serial not the first reading's either: else that reading, checked part by part,
    # would be given.)
    document = reread_receipt(doctypes, "000.00. 21.H27-241128- 0001",
                              "960.00.21.H27-241128-0007", {UNIT})
    reasons = "; ".join(document.analysis.assessment.review_reasons)
    assert "read again on its line: «960.00.21.H27-241128-0007»" in reasons


@pytest.mark.parametrize(("received", "given"), [
    ("16 giờ 60 phút, ngày 28 tháng 11 năm 2024", True),  # the time refused, its day read
    ("08 giờ 30 phút, ngày 92 tháng 11 năm 2024", False),  # no valid day to check by
    # A year misread past a code's era: its last two digits are the code's, yet it is no day
    # to check by (only the last two digits were compared, and the code was given).
    ("08 giờ 30 phút, ngày 28 tháng 11 năm 2624", False),
])
def test_a_refused_received_time_still_checks_the_second_readings_day(doctypes, received,
                                                                      given):
    first = "000.00. 21.H27-241128- 0001"
    lines = [f"4. Thời gian nhận hồ sơ: {received}" if "Thời gian nhận" in line else line
             for line in receipt_reading(first)]
    document = reread_receipt(doctypes, first, CODE, {UNIT}, lines)
    assert "received_at" not in document.analysis.extraction.fields
    assert (document.own_code == CODE) is given


@pytest.mark.parametrize(("dated", "given"), [
    ("Thạch Hạ, ngày 28 tháng 11 năm 2024", True),  # the receipt's own day: the code's
    ("Thạch Hạ, ngày 27 tháng 11 năm 2024", False),  # another day: refused
    ("Thạch Hạ, ngày 28 tháng 11 năm 2624", False),  # a year past the era: no day
])
def test_a_receipts_own_date_above_the_code_checks_the_second_reading_when_no_received_day(
        doctypes, dated, given):
    """GIVEN a receipt whose received time was misread past its day («ngày 92») and whose code
    the page split at low confidence WHEN its code's second reading is checked THEN the day it
    is checked by is the receipt's place-and-date line above the code."""
    first = "000.00. 21.H27-241128- 0001"
    lines = [line.replace("ngày 28 tháng 11", "ngày 92 tháng 11")
             if "Thời gian nhận" in line else line for line in receipt_reading(first)]
    lines.insert(1, dated)
    page = make_page(lines, confidences={word: 20.0 for word in first.split()})
    code_line = next(line for line in page.lines if line.text.startswith("Mã"))
    page = page.model_copy(update={"code_readings": [
        CodeReading(code=CODE, first=first, bbox=code_line.bbox)]})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert (document.own_code == CODE) is given


def test_a_code_printed_with_barred_zeros_is_given_when_the_bars_account_for_its_zeros(doctypes):
    """
    GIVEN a receipt printing its code in a face whose zeros carry a bar (DejaVu Sans Mono
    bold, a tuning mild receipt), read «968…-6001» on the page and exactly on its line once
    the 8 zeros' bars were erased
    WHEN analysed with the office's units
    THEN the code is given: unit and day are checked as ever, and the serial's 6 is a zero
    whose bar was erased; with fewer bars than zeros, or none, it goes to review
    """
    first = "9680.00.21 .H27-241128-6001"
    assert reread_receipt(doctypes, first, CODE, {UNIT}, barred_zeros=8).own_code == CODE
    for bars in (0, 7):
        document = reread_receipt(doctypes, first, CODE, {UNIT}, barred_zeros=bars)
        assert document.own_code is None
        assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


def test_a_second_reading_is_given_when_the_first_ran_day_and_serial_together(doctypes):
    """
    GIVEN a receipt whose code the page read with the dash before its serial read as a «5»
    («…H27:24112850001», refused), and whose line read again gives the code whole
    WHEN analysed with the office's units
    THEN the second reading is given: its unit is the office's, its day the received day, and
    the first reading's last ten digits are its day and serial; a run ending in another
    serial leaves it in review
    """
    first = "000.00.21.H27:24112850001"
    assert reread_receipt(doctypes, first, None, {UNIT}).own_code is None
    assert reread_receipt(doctypes, first, CODE, {UNIT}).own_code == CODE
    other = reread_receipt(doctypes, "000.00.21.H27:24112850007", CODE, {UNIT})
    assert other.own_code is None
    assert other.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


def dated_receipt(doctypes, first: str, second: str | None):
    """A receipt dated «ngày 28 tháng 11 năm 2024» above its code, whose received time was
    not read (its line lost), its code read ``first`` surely and ``second`` on its own."""
    lines = [line for line in receipt_reading(first) if "Thời gian nhận" not in line]
    lines.insert(1, "Thạch Hạ, ngày 28 tháng 11 năm 2024")
    page = make_page(lines)
    code_line = next(line for line in page.lines if line.text.startswith("Mã hồ sơ"))
    page = page.model_copy(update={"code_readings": [
        CodeReading(code=second, first=first, bbox=code_line.bbox)] if second else []})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    return document


def test_a_code_whose_day_is_not_the_receipts_date_is_refused_and_read_again(doctypes):
    """
    GIVEN a receipt whose received time was not read and whose code was read surely but
    with a wrong day («…-261128-…» under «ngày 28 tháng 11 năm 2024», as a tuning hard
    receipt's «…-260403-0022» under 03/04/2025 was given before)
    WHEN analysed with the office's units
    THEN the code is refused naming the day, the receipt goes to review; when its line read
    again gives a code passing every check (unit, the date above it, the serial first read),
    that code is given
    """
    misread = "000.00.21.H27-261128-0001"
    document = dated_receipt(doctypes, misread, None)
    assert document.own_code is None
    assert "2024-11-28" in document.analysis.extraction.doubts["dossier_code"].reason
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert dated_receipt(doctypes, misread, CODE).own_code == CODE
    # A code whose day is the receipt's date is given as before.
    assert dated_receipt(doctypes, CODE, None).own_code == CODE


@pytest.mark.parametrize(("received_line", "given"), [
    # The received time misread («g1ờ 3O»), its day read: the code's day agrees with it.
    ("4. Thời gian nhận hồ sơ: 08 g1ờ 3O phút, ngày 28 tháng 11 năm 2024", True),
    # Its day read otherwise too: neither print agrees, the code waits in review.
    ("4. Thời gian nhận hồ sơ: 08 g1ờ 3O phút, ngày 28 tháng 10 năm 2024", False),
])
def test_a_code_whose_day_the_received_line_prints_is_given_over_a_misread_date_above(
        doctypes, received_line, given):
    """
    GIVEN a receipt whose received time was not read, dated above its code with the month
    misread («tháng 12» for 11), its code read alike on the page and on its line again
    WHEN analysed with the office's units
    THEN the code is given when the received line writes its day (two prints agree against
    one), and stays in review when no print of the day agrees with it
    """
    lines = [received_line if "Thời gian nhận" in line else line
             for line in receipt_reading(CODE)]
    lines.insert(1, "Thạch Hạ, ngày 28 tháng 12 năm 2024")
    page = make_page(lines)
    code_line = next(line for line in page.lines if line.text.startswith("Mã hồ sơ"))
    page = page.model_copy(update={"code_readings": [
        CodeReading(code=CODE, first=CODE, bbox=code_line.bbox)]})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert (document.own_code == CODE) is given
    assert "received_at" not in document.analysis.extraction.fields


BARRED = "000.00.21.H27-240624-0001"


@pytest.mark.parametrize(("written", "bars", "given"), [
    # Every reading of the line read the day's zero a 6; the received line, below its label,
    # writes it a 0 (its year's zero read a 9): the zero both are read from.
    ("09 giờ 4Ô phút, ngày 24 tháng 06 năm 2924", 8, BARRED),
    ("09 giờ 4Ô phút, ngày 24 tháng 06 năm 2924", 0, None),  # no bar seen: nothing says so
    ("09 giờ 4Ô phút, ngày 24 tháng 07 năm 2924", 8, None),  # another digit differs
])
def test_a_code_reading_its_days_barred_zero_as_a_6_takes_the_day_written(
        doctypes, written, bars, given):
    """
    GIVEN a receipt in a face that bars its zeros, its received time under its label and
    unreadable as a time, its code read «…-246624-…» on every reading of its line
    WHEN analysed with the office's units
    THEN the code is given with the day the received line writes, where the two differ only
    by a zero one of them read as a 6 or 9 and bars were erased on the code's line
    """
    lines = []
    for line in receipt_reading("660.00.21.H27-2460624-6001"):
        if "Thời gian nhận" in line:
            lines += ["4. Thời gian nhận hồ sơ:", written]
        else:
            lines.append(line)
    page = make_page(lines)
    code_line = next(line for line in page.lines if line.text.startswith("Mã hồ sơ"))
    page = page.model_copy(update={"code_readings": [
        CodeReading(code="000.00.21.H27-246624-0001", first="660.00.21.H27-2460624-6001",
                    bbox=code_line.bbox, barred_zeros=bars)]})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert "received_at" not in document.analysis.extraction.fields
    assert document.own_code == given


def test_the_day_a_code_and_a_date_in_a_barred_face_agree_on_has_the_zeros_either_read():
    code = "000.00.21.H27-246624-0001"  # the day's zero read a 6 on the code's line
    assert written_day_of(code, "ngày 24 tháng 06 năm 2924", 8) == "20240624"
    assert written_day_of(code, "ngày 24 tháng 06 năm 2924", 0) is None
    assert written_day_of(code, "ngày 24 tháng 66 năm 2824", 8) is None  # an 8 is no zero


@pytest.mark.parametrize(("text", "bars", "agrees"), [
    ("ngày 28 tháng 11 năm 2024", 0, True),  # the code's day, as printed
    ("08 giờ 30 phút, ngày-28 tháng 11 năm 2O24", 0, True),  # an «O» for a zero
    ("ngày 28 tháng 11 năm 2624", 2, True),  # a barred face's zero read as a 6 …
    ("ngày 28 tháng 11 năm 2924", 2, True),  # … or a 9
    ("ngày 28 tháng 11 năm 2624", 0, False),  # no bar erased on the code's line
    ("ngày 28 tháng 11 năm 2824", 2, False),  # an 8: not what a barred zero is taken for
    ("ngày 27 tháng 11 năm 2624", 2, False),  # another digit differs
    ("ngày 28 tháng 11 năm .20925", 2, False),  # a part of another length
    ("ngày 28 tháng 1s năm 2024", 0, False),  # a look-alike letter no check could catch
    ("Mã hồ sơ:", 2, False),
])
def test_a_written_date_agrees_with_a_codes_day(text, bars, agrees):
    assert (written_day_of(CODE, text, bars) is not None) is agrees


APRIL = "000.00.21.H27-250428-0001"


def barred_receipt(doctypes, received: str, bars: int):
    """A receipt printed in a face that bars its zeros (tuning hard, seed 23): its code
    «000.00.21.H27-250428-0001» read «6000.00.21.H27-259428-0001» on the page (refused) and
    exactly on its line with ``bars`` bars erased, its received time read ``received`` and
    no place-and-date line read."""
    first = "6000.00.21.H27-259428-0001"
    lines = [f"4: Thời gian nhận hồ sq: {received}" if "Thời gian nhận" in line else line
             for line in receipt_reading(first)]
    return reread_receipt(doctypes, first, APRIL, {UNIT}, lines, barred_zeros=bars)


@pytest.mark.parametrize(("received", "bars", "given"), [
    # The zeros of the date read as 6s: no valid received day, yet every digit agrees with
    # the second reading's day, the code's face being one that bars its zeros.
    ("69 giờ 19 phút, ngày 28 tháng 64: năm 2625", 2, True),
    ("69 giờ 19 phút, ngày 28 tháng 64: năm 2625", 0, False),  # nothing says it bars zeros
    ("69 giờ 19 phút, ngày 27 tháng 64: năm 2625", 2, False),  # another day
    ("69 giờ 19 phút, ngày 28 tháng 84: năm 2625", 2, False),  # an 8 for a zero
])
def test_a_second_reading_is_checked_by_a_received_date_misread_in_a_barred_face(
        doctypes, received, bars, given):
    """
    GIVEN a receipt in a face whose zeros carry a bar, its received time misread past a date
    («ngày 28 tháng 64 năm 2625») and no other date read, and its code read again exactly
    WHEN analysed with the office's units
    THEN the code is given when the written date agrees with its day but for zeros read 6
    or 9, and the code's line had bars erased; otherwise it goes to review
    """
    document = barred_receipt(doctypes, received, bars)
    assert "received_at" not in document.analysis.extraction.fields
    assert (document.own_code == APRIL) is given
    if not given:
        assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


def test_a_code_found_only_by_its_second_reading_is_named_when_it_fails_its_checks(doctypes):
    """
    GIVEN a receipt whose code line the page's reading garbled past any code
    («ooi.oo.35.EFl43-…», tuning hard seed 23), read again exactly on its own, and whose
    received time was not read (nothing checks the second reading's day)
    WHEN analysed with the office's units
    THEN no code is given and the receipt goes to review, its refusal naming the code read
    again (for the reviewer, and for the report to know its dossier)
    """
    first = "ooi.oo.21.EFl27-241128-0001"
    lines = [line for line in receipt_reading(first) if "Thời gian nhận" not in line]
    document = reread_receipt(doctypes, first, CODE, {UNIT}, lines)
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert document.analysis.extraction.doubts["dossier_code"].value == CODE
    assert any(CODE in reason for reason in document.analysis.assessment.review_reasons)


@pytest.mark.parametrize(("read", "tail"), [
    ("0#0.0 .2 H2?-24ll28-0O01", "241128-0001"),  # its unit lost, its day and serial whole
    ("0#0.0 .2 H2?-24?128-0O01", None),  # its day lost too: nothing to name
])
def test_a_code_line_no_reading_reads_as_a_code_is_left_out_as_read(doctypes, read, tail):
    """
    GIVEN a receipt whose code line neither the page's reading nor its own second reading
    reads as a code
    WHEN analysed with the office's units
    THEN the code is left out as its line reads (not «not found»), naming the day and serial
    it ends with when those read whole, so that the report can count its dossier once; the
    receipt goes to review and is of no dossier
    """
    document = reread_receipt(doctypes, read, None, {UNIT})
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    doubt = document.analysis.extraction.doubts["dossier_code"]
    assert doubt.value == read
    assert (f"its day and serial read «{tail}»" in doubt.reason) is (tail is not None)
    assert day_serials(document.analysis.assessment.review_reasons) == ({tail} if tail else set())


@pytest.mark.parametrize(("read", "expected"), [
    ("000.00.2 .H27-24ll28-0O04", "241128-0004"),
    ("96.0.21 H2-241128 - 0004.", "241128-0004"),
    ("0.21.H27-2411 28-00 04", "241128-0004"),
    ("000.00.21.H27-241128-0004x", None),  # not what it ends with
    ("000.00.21.H27-241128-0004 ị", "241128-0004"),  # a speck after it, a word of its own
    ("000.00.21.H27-24S128-0004", None),  # «S»: 5 or 8, nothing checks it here
    ("1234567-0004", None),
])
def test_the_day_and_serial_a_reading_ends_with(read, expected):
    assert day_serial_as_read(read) == expected


def test_a_code_given_whose_line_reads_another_serial_again_goes_to_review(doctypes):
    """
    GIVEN a code read surely on the page («…-8459», a tuning mild receipt of seed 23 whose
    printed serial is 0459) and a second reading of its line that reads another serial and
    fails its checks (one bar erased, three zeros read)
    WHEN analysed with the office's units
    THEN the code is left out naming the second reading: nothing else checks a serial, and
    two readings disagree on it; a second reading of the same serial leaves it given
    """
    given = "000.00.21.H27-241128-8001"
    page = make_page(receipt_reading(given)).model_copy(update={"code_readings": [
        CodeReading(code=CODE, first=given, bbox=(100, 100, 900, 140), barred_zeros=1)]})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert any(f"another serial: «{CODE}»" in reason
               for reason in document.analysis.assessment.review_reasons)
    same = make_page(receipt_reading(CODE)).model_copy(update={"code_readings": [
        CodeReading(code="960.00.21.H27-241128-0001", first=CODE, bbox=(100, 100, 900, 140))]})
    (document,) = analyse_file([same], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert document.own_code == CODE


def read_thrice(doctypes, first: str, second: str, third: str | None, lines=None,
                codes=None):
    """A receipt whose code line was read ``first`` on the page (at confidence 20), ``second``
    on its own and ``third`` enlarged (None: not read so)."""
    page = make_page(lines or receipt_reading(first), confidences={
        word: 20.0 for word in first.split()})
    readings = [CodeReading(code=second, first=first, bbox=(100, 100, 900, 140))]
    if third:
        readings.append(CodeReading(code=third, first=first, bbox=(100, 100, 900, 140),
                                    enlarged=True))
    page = page.model_copy(update={"code_readings": readings, "codes": codes or []})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    return document


def test_a_code_read_alike_twice_on_its_line_is_a_provisional_code_in_review(doctypes):
    """
    GIVEN a receipt whose code the page read with its serial's zero as an 8 («…-8001»), and
    whose line read again, then enlarged, gives the code twice
    WHEN analysed with the office's units
    THEN the code is not given (its serial rests on two readings of the line, the page's
    disagreeing) but is its provisional code: the receipt goes to review naming it
    """
    document = read_thrice(doctypes, "000.00.21.H27-241128-8001", CODE, CODE)
    assert document.own_code is None
    assert document.provisional_code == CODE
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert f"agree on «{CODE}»" in document.analysis.extraction.doubts["dossier_code"].reason


def test_a_provisional_code_without_a_received_day_rests_on_two_readings(doctypes):
    """GIVEN a receipt whose received time was not read, its code read «…-000-» on the page
    and whole twice on its line WHEN analysed THEN that code is its provisional code"""
    first = "000.00.21.H27-241128-000-"
    lines = [line for line in receipt_reading(first) if "Thời gian nhận" not in line]
    document = read_thrice(doctypes, first, CODE, CODE, lines)
    assert (document.own_code, document.provisional_code) == (None, CODE)


@pytest.mark.parametrize(("thinned", "enlarged", "provisional"), [
    (True, None, CODE),
    (False, None, None),  # the same source twice is no agreement
    (True, "000.00.21.H27-241128-0082", None),  # a third reading of the line stands against
])
def test_a_thinned_reading_is_a_vote_of_its_own(doctypes, thinned, enlarged, provisional):
    """
    GIVEN a receipt whose code the page read with a wrong serial («…-0009») and whose line
    read at 1x and thinned gives the code both times
    WHEN analysed with the office's units
    THEN the two agree: the code is its provisional code (in review, not given); the same
    reading twice from one source is no agreement, and a reading of the line enlarged that
    reads another code splits it (dossier seed 5 tuning hard, a bold face: «…-0132» read
    «…-0182» at 1x and enlarged, «…-0132» thinned: no code is assembled)
    """
    first = "000.00.21.H27-241128-0009"
    page = make_page(receipt_reading(first), confidences={w: 20.0 for w in first.split()})
    box = (100, 100, 900, 140)
    readings = [CodeReading(code=CODE, first=first, bbox=box),
                CodeReading(code=CODE, first=first, bbox=box, thinned=thinned)]
    if enlarged:
        readings.append(CodeReading(code=enlarged, first=first, bbox=box, enlarged=True))
    page = page.model_copy(update={"code_readings": readings})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert (document.own_code, document.provisional_code) == (None, provisional)
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


@pytest.mark.parametrize(("first", "second", "third", "why"), [
    ("000.00.21.H27-241128-8001", CODE, None, "one reading of the line only"),
    ("000.00.21.H27-241128-8001", CODE, "000.00.21.H27-241128-0007", "the readings disagree"),
    ("000.00.21.H27-241126-8001", "000.00.21.H27-241126-0001",
     "000.00.21.H27-241126-0001", "its day is not the received day"),
    ("000.00.21.H27-241128-8001", "960.00.21.H27-241128-0001",
     "960.00.21.H27-241128-0001", "no unit of the office"),
    ("000.00.21.H27-241199-8001", "000.00.21.H27-241199-0001",
     "000.00.21.H27-241199-0001", "no day of the calendar"),
])
def test_no_provisional_code_without_two_readings_agreeing_on_a_plausible_code(
        doctypes, first, second, third, why):
    document = read_thrice(doctypes, first, second, third)
    assert document.provisional_code is None, why
    assert document.own_code is None


def test_a_barcode_leaves_no_provisional_code(doctypes):
    """A symbol's code is exact (§6): it decides, not two readings of the print."""
    symbol = PageCode(text=OTHER, format="QRCode", bbox=(0, 0, 10, 10))
    document = read_thrice(doctypes, "000.00.21.H27-241128-8001", CODE, CODE, codes=[symbol])
    assert document.provisional_code is None
    assert document.own_code == OTHER


@pytest.mark.parametrize(("code", "bars", "other", "alike"), [
    # A clean tuning receipt of seed 23: enlarged, four bars erased; at 1x, none found.
    ("001.31.13.H43-240912-0183", 4, "061.31.13.H43-240912-6183", True),
    ("001.31.13.H43-240912-0183", 4, "001.31.13.H43-240912-9183", True),
    # The page's reading of it, zeros read 8 too; a hard one of seed 5 (six bars erased).
    ("001.31.13.H43-240912-0183", 4, "661.31.13.H43-248912-8183", True),
    ("000.31.42.H27-250612-0420", 6, "666.31.42.H27-256612-8426", True),
    ("000.31.42.H27-250612-0420", 5, "666.31.42.H27-256612-8426", False),  # a zero unbarred
    # A hard one: four zeros read, three bars erased; one zero stands unexplained.
    ("901.31.45.H29-240610-0365", 3, "901.31.45.H29-240619-6365", False),
    ("001.31.13.H43-240912-0183", 0, "061.31.13.H43-240912-6183", False),
    ("001.31.13.H43-240912-0183", 4, "001.31.13.H43-240912-0183", False),  # alike: no bars
    ("001.31.13.H43-240912-0183", 4, "061.31.13.H43-240912-6184", False),
    ("001.31.13.H43-240912-0183", 4, None, False),
])
def test_a_reading_with_its_zeros_bars_erased_and_one_reading_them_6_or_9(code, bars, other,
                                                                           alike):
    assert barred_alike(code, bars, other) is alike


def test_two_readings_alike_but_for_barred_zeros_are_a_provisional_code(doctypes):
    """
    GIVEN a clean tuning receipt of seed 23 in a face barring its zeros, its code read
    «661.31.13.H43-248912-8183» on the page, «061.31.13.H43-240912-6183» on its line (no
    bar found) and «001.31.13.H43-240912-0183» enlarged with its four zeros' bars erased
    WHEN analysed with its unit configured
    THEN the enlarged reading is its provisional code (in review), not a given code: its
    serial rests on two readings of the line, one of them taken as read but for its zeros
    """
    code, unit = "001.31.13.H43-240912-0183", "001.31.13.H43"
    first = "661. 31. 13.H43-248912 -8183"
    lines = [line.replace("28 tháng 11 năm 2024", "12 tháng 09 năm 2024")
             for line in receipt_reading(first)]
    page = make_page(lines, confidences={word: 20.0 for word in first.split()})
    page = page.model_copy(update={"code_readings": [
        CodeReading(code="061.31.13.H43-240912-6183", first=first, bbox=(100, 100, 900, 140)),
        CodeReading(code=code, first=first, bbox=(100, 100, 900, 140), barred_zeros=4,
                    enlarged=True)]})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({unit}))
    assert (document.own_code, document.provisional_code) == (None, code)
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    # Without the enlarged reading's bars, the two readings disagree: no code at all.
    unbarred = page.model_copy(update={"code_readings": [
        r.model_copy(update={"barred_zeros": 0}) for r in page.code_readings]})
    (document,) = analyse_file([unbarred], doctypes, ReviewOptions(), units=frozenset({unit}))
    assert (document.own_code, document.provisional_code) == (None, None)


@pytest.mark.parametrize(("digits", "day"), [
    # A hard tuning receipt of seed 23, received 2024-09-13 in a face barring its zeros.
    ("20248913", "2024-09-13"),  # its code's day, read «248913»
    ("20246913", "2024-09-13"),  # … and enlarged «246913»
    ("26249913", "2024-09-13"),  # its received time, «2624-99-13»
    ("20240913", "2024-09-13"),  # a real day stays itself
    ("20240918", None),  # 2024-09-18 or 2024-09-10: more than one real day
    ("20243313", None),  # no real day
    ("2024913", None),
])
def test_the_one_day_a_date_read_in_a_barred_face_can_be(digits, day):
    assert barred_day(digits) == day


def test_a_code_day_read_with_barred_zeros_is_the_received_day_it_can_only_be(doctypes):
    """
    GIVEN a hard tuning receipt of seed 23 whose face bars its zeros: received time read
    «2624-99-13» (refused), code «691.31.43.H26-248913-0449» on the page,
    «601.31.43.H26-248913-0449» on its line and «601.31.43.H26-246913-0449» enlarged (a bar
    erased on each), none a day of the calendar
    WHEN analysed with its unit configured
    THEN the code whose every day reading can only be 2024-09-13, the received time's one
    day too, is its provisional code (in review); without a bar erased it has none
    """
    first, unit = "691.31.43.H26-248913-0449", "001.31.43.H26"
    lines = [line.replace("08 giờ 30 phút, ngày 28 tháng 11 năm 2024",
                          "16 giờ 16 phút, ngày 13 tháng 99 năm 2624")
             for line in receipt_reading(first)]
    page = make_page(lines, confidences={first: 20.0})
    readings = [CodeReading(code="601.31.43.H26-248913-0449", first=first,
                            bbox=(100, 100, 900, 140), barred_zeros=1),
                CodeReading(code="601.31.43.H26-246913-0449", first=first,
                            bbox=(100, 100, 900, 140), barred_zeros=1, enlarged=True)]
    for bars, expected in ((1, "001.31.43.H26-240913-0449"), (0, None)):
        read = page.model_copy(update={"code_readings": [
            r.model_copy(update={"barred_zeros": bars}) for r in readings]})
        (document,) = analyse_file([read], doctypes, ReviewOptions(), units=frozenset({unit}))
        assert (document.own_code, document.provisional_code) == (None, expected)


@pytest.mark.parametrize(("units", "expected"), [
    # A hard tuning receipt of seed 5: «660.21.32.H14» read for «000.21.32.H14».
    ({"000.21.32.H14", "001.21.32.H14"}, "000.21.32.H14-250307-0047"),
    ({"000.21.32.H14", "060.21.32.H14"}, None),  # either can be it
    ({"001.21.32.H14"}, None),  # a 1 is no barred zero
    ({"660.21.32.H14"}, None),  # as read: nothing to mend
])
def test_the_one_office_unit_a_unit_read_in_a_barred_face_can_be(units, expected):
    assert barred_unit("660.21.32.H14-250307-0047", units) == expected


def test_a_unit_read_with_barred_zeros_as_6_is_the_office_unit_it_can_only_be(doctypes):
    """
    GIVEN a hard tuning receipt of seed 5 in a face barring zeros, its code read
    «666.21. 32.H14-2593607-9047» on the page, «660.21.32.H14-250307-0047» on its line (five
    bars erased: its five zeros) and «660.21.32.H14-250307-6047» enlarged (four)
    WHEN analysed with the office's units
    THEN its provisional code is «000.21.32.H14-250307-0047» (in review); no unit, none
    """
    first = "666.21. 32.H14-2593607-9047"
    lines = [line.replace("28 tháng 11 năm 2024", "07 tháng 03 năm 2025")
             for line in receipt_reading(first)]
    page = make_page(lines, confidences={word: 20.0 for word in first.split()})
    page = page.model_copy(update={"code_readings": [
        CodeReading(code="660.21.32.H14-250307-0047", first=first, bbox=(100, 100, 900, 140),
                    barred_zeros=5),
        CodeReading(code="660.21.32.H14-250307-6047", first=first, bbox=(100, 100, 900, 140),
                    barred_zeros=4, enlarged=True)]})
    for units, expected in (({"000.21.32.H14", "001.31.30.H27"}, "000.21.32.H14-250307-0047"),
                            ({"001.31.30.H27"}, None)):
        (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset(units))
        assert (document.own_code, document.provisional_code) == (None, expected)


@pytest.mark.parametrize(("code", "read", "contradicted"), [
    # A hard tuning receipt of seed 23, printed «…-0060»: both second readings «…-0960».
    ("000.00.12.H26-240531-0960", "098.68.12.H26-248531-0868", True),
    ("000.00.12.H26-240531-0060", "098.68.12.H26-248531-0868", False),  # zeros read 8
    ("000.00.21.H27-241128-0459", "000.00.21.H27-241128-8459", False),  # a zero read 8
    ("000.00.21.H27-241128-0469", "000.00.21.H27-241128-0468", True),
    ("000.00.21.H27-241128-0154", "000.00.21.H27-241128-015-", False),  # no serial read
    # Clean ones of seed 31: the page misread a 4 the second readings agree on.
    ("001.00.25.H57-240802-0458", "001.00.25.H57-2-10802-0158", False),
    ("000.00.16.H27-241111-0477", "000.00.16.H27-241111-0177", False),
    # A clean one of seed 23 whose page reading read its digits as letters.
    ("000.31.33.H14-250605-0090", "ooo.31.33.H14-2o60s-oooo", False),
])
def test_a_serial_the_pages_own_reading_cannot_be(code, read, contradicted):
    assert serial_contradicted(code, read) is contradicted


def test_no_provisional_code_whose_serial_the_pages_reading_contradicts(doctypes):
    """
    GIVEN a receipt in a face barring zeros (a bar erased on its line) whose line read
    again, then enlarged, gives «…-0901» twice, and whose page reading ends «…-0801» (a hard
    tuning receipt of seed 23: «…-0868» on the page, «…-0960» twice, printed «…-0060»)
    WHEN analysed with the office's units
    THEN it has no provisional code: one of the three readings misread a barred zero, and
    which one cannot be told; a page reading «…-8901» (a zero read 8) leaves it, and so
    does no bar erased (the page's reading misreads digits: seed 31)
    """
    code = "000.00.21.H27-241128-0901"
    for first, bars, expected in (("000.00.21.H27-241128-0801", 1, None),
                                  ("000.00.21.H27-241128-8901", 1, code),
                                  ("000.00.21.H27-241128-0801", 0, code)):
        page = make_page(receipt_reading(first), confidences={first: 20.0})
        page = page.model_copy(update={"code_readings": [
            CodeReading(code=code, first=first, bbox=(100, 100, 900, 140), barred_zeros=bars,
                        enlarged=enlarged) for enlarged in (False, True)]})
        (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
        assert (document.own_code, document.provisional_code) == (None, expected), first


@pytest.mark.parametrize(("code", "other", "bars", "unbarred"), [
    # A clean tuning receipt of seed 41, printed «…-0099»: enlarged, six bars erased.
    ("000.21.34.H56-250922-0899", "000.21.34.H56-250922-0099", 6, True),
    ("000.21.34.H56-250922-0699", "000.21.34.H56-250922-0099", 1, True),
    ("000.21.34.H56-250922-0899", "000.21.34.H56-250922-0099", 0, False),  # no bar erased
    ("000.21.34.H56-250922-0099", "000.21.34.H56-250922-0899", 6, False),  # the other way
    ("000.21.34.H56-250922-0899", "000.21.34.H56-250922-0899", 6, False),  # alike
    ("000.21.34.H56-250922-0899", "000.21.34.H56-250922-0891", 6, False),  # no zero read
    ("000.21.34.H56-250922-0899", "000.21.34.H56-250922-", 6, False),  # no serial read
])
def test_a_zero_read_with_its_bar_erased_where_a_code_reads_6_8_or_9(code, other, bars,
                                                                      unbarred):
    assert zero_unbarred(code, other, bars) is unbarred


def test_a_code_whose_zero_a_reading_with_bars_erased_reads_otherwise_is_not_given(doctypes):
    """
    GIVEN a clean tuning receipt of seed 41 in a face barring its zeros, printed
    «000.21.34.H56-250922-0099»: read «600.21. 34. H56 -258922-0899» on the page,
    «060.21.34.H56-250922-0899» on its line (no bar found: it passes every check, its serial
    the page's) and «000.21.34.H56-250922-0099» enlarged with six bars erased
    WHEN analysed with its unit configured
    THEN no code is given (it was «…-0899», a wrong dossier): the receipt goes to review
    naming both readings, its dossier assembled under the enlarged reading's code (the
    others read its barred zeros 6, 8 or 9); without the enlarged reading the 1x one is
    given as before
    """
    first, unit = "600.21. 34. H56 -258922-0899", "000.21.34.H56"
    lines = [line.replace("28 tháng 11 năm 2024", "22 tháng 09 năm 2025")
             for line in receipt_reading(first)]
    page = make_page(lines, confidences={word: 20.0 for word in first.split()})
    second = CodeReading(code="060.21.34.H56-250922-0899", first=first,
                         bbox=(100, 100, 900, 140))
    enlarged = CodeReading(code="000.21.34.H56-250922-0099", first=first,
                           bbox=(100, 100, 900, 140), barred_zeros=6, enlarged=True)
    both = page.model_copy(update={"code_readings": [second, enlarged]})
    (document,) = analyse_file([both], doctypes, ReviewOptions(), units=frozenset({unit}))
    assert (document.own_code, document.provisional_code) == (None, enlarged.code)
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    reason = document.analysis.extraction.doubts["dossier_code"].reason
    assert "bars erased reads «000.21.34.H56-250922-0099»" in reason
    alone = page.model_copy(update={"code_readings": [second]})
    (document,) = analyse_file([alone], doctypes, ReviewOptions(), units=frozenset({unit}))
    assert document.own_code == "000.21.34.H56-250922-0899"


def test_a_code_given_whose_line_reads_another_day_every_time_goes_to_review(doctypes):
    """
    GIVEN a hard tuning receipt of seed 47 printed «000.31.34.H35-250508-0158», read
    «…-250608-0158» on the page, its received time not found and its own date above the
    code read «ngày 08 tháng 06 năm 2025» (a 5 read 6 there too), which the code's day
    passes; its line read again «…-250508-0158» at 1x and enlarged
    WHEN analysed with its unit configured
    THEN the code is not given (it was: a wrong dossier, a page of it without review): the
    receipt goes to review naming the second reading; one second reading agreeing on the
    day, or none made, leaves it given
    """
    first, printed = "000.31.34.H35-250608-0158", "000.31.34.H35-250508-0158"
    lines = [line.replace("28 tháng 11 năm 2024", "08 tháng 06 năm 2025")
             for line in receipt_reading(first) if "Thời gian nhận" not in line]
    page = make_page(lines)

    def analysed(*codes: str):
        read = page.model_copy(update={"code_readings": [
            CodeReading(code=code, first=first, bbox=(100, 100, 900, 140), enlarged=enlarged)
            for code, enlarged in zip(codes, (False, True), strict=False)]})
        (document,) = analyse_file([read], doctypes, ReviewOptions(),
                                   units=frozenset({"000.31.34.H35"}))
        return document

    document = analysed(printed, printed)
    assert document.own_code is None
    assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW
    assert (f"every second reading of its line reads another day: «{printed}»"
            in document.analysis.extraction.doubts["dossier_code"].reason)
    assert analysed(printed, first).own_code == first
    assert analysed().own_code == first


def test_a_received_day_read_two_ways_checks_no_code(doctypes):
    """
    GIVEN a receipt whose code was read surely, and alike when its line was read again, and
    whose received time reads «03 giờ 30 phút, ngày 23 tháng 11» (no office hour, so that
    extraction compares no day with it) with «23» read otherwise by the digits-only reading
    (confidence 0: a clean tuning receipt of seed 5 read «3 giờ 45 phút, ngày 02» for «13
    giờ 45 phút, ngày 07»)
    WHEN analysed with the office's units
    THEN the code is given: the received day is the number in dispute and checks nothing;
    the same day read surely refuses it
    """
    lines = [line.replace("08 giờ 30 phút, ngày 28 tháng 11", "03 giờ 30 phút, ngày 23 tháng 11")
             for line in receipt_reading(CODE)]
    reading = CodeReading(code=CODE, first=CODE, bbox=(100, 100, 900, 140))
    for confidence, own in ((0.0, CODE), (95.0, None)):
        page = make_page(lines, confidences={"23": confidence}).model_copy(
            update={"code_readings": [reading]})
        (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
        assert document.own_code == own
        assert document.analysis.assessment.status is DigitizationStatus.NEEDS_REVIEW


UNTITLED_RECEIPT = ["ỦY BAN NHÂN DÂN XÃ THẠCH HẠ", "GIẢY TIỂP NHẢN HÒ SƠ", f"Mã hồ sơ: {CODE}",
                    "Tiếp nhận hồ sơ của: LÊ VĂN NAM",
                    "4. Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 28 tháng 11 năm 2024"]


@pytest.mark.parametrize(("units", "received", "expected"), [
    ({UNIT}, "28", CODE),
    ({UNIT}, "27", None),  # its day is not the received day
    ({"000.31.20.H26"}, "28", None),  # no unit of the office
    (set(), "28", None),  # nothing to check its unit by
    ({UNIT}, None, None),  # no received day to check its day by
])
def test_a_receipt_whose_title_was_not_read_opens_the_dossier_it_prints(doctypes, units,
                                                                        received, expected):
    """
    GIVEN a stack whose first page is a receipt whose title OCR misread past finding (typed
    unknown) printing its code, and a birth registration after it
    WHEN analysed and assigned with the office's units
    THEN the code, read and checked as a receipt's is (unit, received day), is the untitled
    receipt's own: it opens that dossier in review and the form joins it; a code failing a
    check, or whose day nothing checks, names no dossier, and both join none, as before
    """
    lines = [line.replace("ngày 28", f"ngày {received}") for line in UNTITLED_RECEIPT
             if received is not None or "Thời gian nhận" not in line]
    pages = [make_page(lines, number=1), make_page(BIRTH_FORM, number=2)]
    documents = analyse_file(pages, doctypes, ReviewOptions(), units=frozenset(units))
    assert [d.analysis.doc_type for d in documents] == ["unknown", "birth_registration"]
    assert documents[0].own_code == expected
    _, assignments = file_dossiers(documents, doctypes, None)
    assert [a.code for a in assignments] == [expected, expected]
    if expected is not None:
        assert "is it the dossier's receipt?" in (assignments[0].doubt or "")


@pytest.mark.parametrize(("confidence", "second", "symbol", "given"), [
    (40.0, None, False, False),  # low, no second reading: left out
    (40.0, "960.00.21.H27-241128-0007", False, False),  # read again otherwise
    (40.0, "000.00.21.H27-241128-0007", False, True),  # read again alike: stands
    (95.0, None, False, True),  # read surely: stands
    (40.0, None, True, True),  # its symbol decides
])
def test_a_code_read_with_low_confidence_that_no_second_reading_confirms_is_left_out(
        doctypes, confidence, second, symbol, given):
    """
    GIVEN a receipt whose code the page read «…-241128-0007» (printed «…-0001» in an
    old-style face, as a mild tuning receipt of seed 53: its date above misread alike), its
    unit and day passing their checks
    WHEN it was read with low confidence and no second reading of its line reads it
    THEN it is left out (the documents after it then join no dossier unseen), unless a
    second reading reads it alike, it was read surely, or its symbol gives the code
    """
    read = "000.00.21.H27-241128-0007"
    page = make_page(receipt_reading(read), confidences={read: confidence})
    page = page.model_copy(update={
        "code_readings": [CodeReading(code=second, first=read, bbox=(100, 100, 900, 140))]
        if second else [],
        "codes": [PageCode(text=read, format="code128", bbox=(0, 0, 10, 10))] if symbol else []})
    (document,) = analyse_file([page], doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert (document.own_code == read) is given
    if not given:
        assert "no second reading of its line reads it" in (
            document.analysis.extraction.doubts["dossier_code"].reason)


@pytest.mark.parametrize(("read", "code"), [
    # A face whose 6 is read «ó» (Carlito, Lato at mild: a probe in faces neither part
    # prints in, seed 701): by a digit it is that 6, not the «o» folding makes of it (a 0).
    ("000.31.29.H57-240523-001ó", "000.31.29.H57-240523-0016"),
    ("000.00.33.H29-25100ó-04ó3", "000.00.33.H29-251006-0463"),
    ("000.00.21.H27-241128-0óó1", "000.00.21.H27-241128-0661"),
])
def test_a_six_read_with_an_acute_is_read_as_a_six(read, code):
    assert normalize_dossier_code(f"Mã hồ sơ: {read}") == code
    assert serial_as_read(read) == code[-4:]


def test_a_code_whose_six_was_read_with_an_acute_is_given_when_its_line_reads_it_again(
        doctypes):
    """
    GIVEN no units configured, a receipt whose code the page read «…-241128-001ó» (its 6
    with an acute) and its line read again «…-241128-0016»
    WHEN analysed
    THEN the two readings agree and the code is given; a second reading of another serial
    still sends it to review
    """
    printed = "000.00.21.H27-241128-0016"
    document = unitless_receipt(doctypes, "000.00.21.H27-241128-001ó", printed)
    assert document.own_code == printed
    other = unitless_receipt(doctypes, "000.00.21.H27-241128-001ó", "000.00.21.H27-241128-0010")
    assert other.own_code is None
    assert "0010" in other.analysis.extraction.doubts["dossier_code"].reason


def test_a_files_first_page_an_untitled_receipt_opens_its_dossier_under_its_agreed_code(
        doctypes):
    """
    GIVEN a stack whose first page is dossier A's receipt with its title and most labels
    (its received time with them) not read, its code read with the unit one digit off on
    the page («…21.H27» as «…24.H27») and whole twice on its line; then A's form, then
    dossier B's receipt and its form
    WHEN analysed with the office's units and assigned
    THEN the first page is a receipt whose title was not read (it prints a dossier code: only
    receipts and cover sheets do), its dossier is assembled under the code its readings agree
    on, in review, and A's form joins A in review, not B, the only receipt read as one,
    without review (dossier seed 29 tuning hard: 6 pages so)
    """
    other = "000.00.21.H27-241128-0002"
    first = "000.00.24.H27-241128-0001"
    untitled = [line for line in receipt_reading(first)
                if not line.startswith("GIẤY TIẾP NHẬN")][:6]
    page = make_page(untitled, number=1).model_copy(update={"code_readings": [
        CodeReading(code=CODE, first=first, bbox=(100, 100, 900, 140)),
        CodeReading(code=CODE, first=first, bbox=(100, 100, 900, 140), enlarged=True)]})
    pages = [page, make_page(BIRTH_FORM, number=2),
             make_page(receipt_reading(other), number=3), make_page(BIRTH_FORM, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert [d.analysis.doc_type for d in documents] == ["unknown", "birth_registration",
                                                        "dossier_receipt", "birth_registration"]
    assert documents[0].untitled_receipt and documents[0].own_code is None
    assert documents[0].provisional_code == CODE
    facts, assigned = file_dossiers(documents, doctypes, None)
    assert [a.code for a in assigned] == [CODE, CODE, other, other]
    assert [a.doubt is not None for a in assigned] == [True, True, False, False]


def test_a_files_first_page_printing_a_code_that_cannot_be_read_whole_opens_no_dossier(
        doctypes):
    """GIVEN the same stack, the first page's code read once only (no readings of its line
    agree) WHEN analysed and assigned THEN the untitled receipt and A's form join no dossier,
    in review: not B's."""
    other = "000.00.21.H27-241128-0002"
    untitled = [line for line in receipt_reading("000.00.24.H27-241128-0001")
                if not line.startswith("GIẤY TIẾP NHẬN")][:6]
    pages = [make_page(untitled, number=1), make_page(BIRTH_FORM, number=2),
             make_page(receipt_reading(other), number=3), make_page(BIRTH_FORM, number=4)]
    documents = analyse_file(pages, doctypes, ReviewOptions(), units=frozenset({UNIT}))
    assert documents[0].untitled_receipt and documents[0].provisional_code is None
    _, assigned = file_dossiers(documents, doctypes, None)
    assert [a.code for a in assigned] == [None, None, other, other]
    assert [a.doubt is not None for a in assigned] == [True, True, False, False]


def test_a_received_time_refused_for_a_misread_codes_day_is_given_once_the_line_settles_it(
        doctypes):
    """
    GIVEN no units, a receipt whose code the page read surely with a wrong day
    («…-241228-…» for «…-241128-…»), which refuses its received time «28 tháng 11» with it,
    and the code's line read again with the received day, the page's unit and serial
    WHEN analysed
    THEN the second reading is given, and the received time with it (a tuning hard receipt of
    forms seed 13 lost its received time so); with no second reading both stay left out
    """
    misread = "000.00.21.H27-241228-0001"
    alone = unitless_receipt(doctypes, misread, None).analysis.extraction
    assert "dossier_code" not in alone.fields and "received_at" not in alone.fields
    assert alone.doubts["received_at"].reason == "disagrees with the day of dossier_code"
    document = unitless_receipt(doctypes, misread, CODE)
    extraction = document.analysis.extraction
    assert document.own_code == CODE
    assert extraction.fields["received_at"].value == "2024-11-28T08:30"
    assert CODE in extraction.notes["received_at"]


def test_a_received_time_refused_for_more_than_the_codes_day_stays_left_out(doctypes):
    """GIVEN the same receipt, its received time also read too unsurely to be given (under
    ``drop_below_confidence``) WHEN its code is settled by the second reading THEN the
    received time is not given: the code agreeing on its day does not vouch for its hour."""
    lines = receipt_reading("000.00.21.H27-241228-0001")
    received = ["08", "giờ", "30", "phút,", "ngày", "28", "tháng", "11", "năm", "2024"]
    page = make_page(lines, confidences={word: 5.0 for word in received})
    code_line = next(line for line in page.lines if line.text.startswith("Mã hồ sơ"))
    page = page.model_copy(update={"code_readings": [
        CodeReading(code=CODE, first="000.00.21.H27-241228-0001", bbox=code_line.bbox)]})
    (document,) = analyse_file([page], doctypes, ReviewOptions())
    assert document.own_code == CODE
    assert "received_at" not in document.analysis.extraction.fields
