"""Object keys: derived from record ids and UTC dates only, never from file names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from schemas.record import new_record_id
from storage.keys import (
    json_key,
    original_key,
    pdf_key,
    quarantine_key,
    sanitize_extension,
    text_key,
)
from storage.objects import validate_key

RECORD = "0b7c3a52-5d1e-4c2b-9a57-2f0d6c1e8a90"
NOVEMBER = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def test_layout_of_every_key() -> None:
    assert original_key(RECORD, NOVEMBER, "pdf") == f"originals/2026/11/{RECORD}/original.pdf"
    assert quarantine_key(RECORD, NOVEMBER, "tif") == f"quarantine/2026/11/{RECORD}/original.tif"
    assert pdf_key(RECORD, NOVEMBER) == f"pdf/2026/11/{RECORD}.pdf"
    assert text_key(RECORD, NOVEMBER) == f"text/2026/11/{RECORD}.txt"
    assert json_key(RECORD, NOVEMBER) == f"json/2026/11/{RECORD}.json"


@pytest.mark.parametrize(("given", "expected"), [
    ("pdf", "pdf"), (".PDF", "pdf"), (" Tiff ", "tiff"), ("jpeg", "jpeg"), ("", "bin"),
    (None, "bin"), ("tar.gz", "bin"), ("docx2007", "bin"), ("../x", "bin"), ("ả", "bin"),
    ("p/df", "bin"),
])
def test_extension_is_sanitised(given: str | None, expected: str) -> None:
    assert sanitize_extension(given) == expected


def test_month_is_taken_in_utc() -> None:
    # 1 December 06:00 in Vietnam is still 30 November in UTC.
    hanoi = timezone(timedelta(hours=7))
    assert pdf_key(RECORD, datetime(2026, 12, 1, 6, 0, tzinfo=hanoi)).startswith("pdf/2026/11/")
    assert pdf_key(RECORD, datetime(2026, 12, 1, 6, 0)).startswith("pdf/2026/12/")


@pytest.mark.parametrize("record_id", ["../etc", "a/b", "", "ảnh", "x" * 65, ".hidden"])
def test_record_ids_that_could_shape_paths_are_refused(record_id: str) -> None:
    with pytest.raises(ValueError, match="record id"):
        original_key(record_id, NOVEMBER, "pdf")


def test_keys_are_valid_object_keys() -> None:
    record_id = new_record_id()
    for key in (original_key(record_id, NOVEMBER, "Đơn xin.PDF"), pdf_key(record_id, NOVEMBER),
                text_key(record_id, NOVEMBER), json_key(record_id, NOVEMBER)):
        assert validate_key(key) == key
