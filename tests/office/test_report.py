"""Digitization reports: rates computed by hand, grouping by unit, station and day (on SQLite
and PostgreSQL), the since filter, one GROUP BY query, CSV, PNG chart, rich table, artifact."""

from __future__ import annotations

import csv
import json
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import numpy as np
import pytest
from PIL import Image
from rich.console import Console
from sqlalchemy import event

from flows.artifacts import publish_report_artifact
from office.dossiers import derive_dossier
from office.report import (
    ReportRow,
    counted_already,
    digitization_report,
    receiptless_dossier,
    render_table,
    report_row,
    write_chart,
    write_csv,
)
from schemas.status import DigitizationStatus as Status
from storage.database import create_db_engine, init_database
from storage.dossiers import DossierRepository
from storage.records import RecordRepository
from tests.office import test_export
from tests.office.test_export import insert_rows, record_row

# The repository fixture (an empty SQLite file, and the session's real PostgreSQL) is shared.
repository = test_export.repository
DAY1 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
UNIT_A = "UBND xã Thạch Hạ"
UNIT_B = "UBND phường Nguyễn Du"
UNIT_C = "Bộ phận một cửa huyện Hương Sơn"


def seed(repository: RecordRepository) -> None:
    """GIVEN: unit A — 3 digitized, 1 verified, 2 needs_review, 1 failed, 2 duplicates;
    unit B — 1 received, 1 processing, 1 digitized; unit C — duplicates only.
    Stations: A's records at "a-1" except two at "a-2"; days: B's records on day 2."""
    plan = [(UNIT_A, Status.DIGITIZED, 3), (UNIT_A, Status.VERIFIED, 1),
            (UNIT_A, Status.NEEDS_REVIEW, 2), (UNIT_A, Status.FAILED, 1),
            (UNIT_B, Status.RECEIVED, 1), (UNIT_B, Status.PROCESSING, 1),
            (UNIT_B, Status.DIGITIZED, 1)]
    rows, number = [], 0
    for unit, status, count in plan:
        for _ in range(count):
            number += 1
            station = "a-2" if number in (1, 4) else "a-1" if unit == UNIT_A else "b-1"
            day = DAY2 if unit == UNIT_B else DAY1
            rows.append(record_row(number, unit=unit, station=station, status=status,
                                   created_at=day + timedelta(minutes=number)))
    insert_rows(repository, rows)
    duplicates = [record_row(100 + n, unit=unit, station="a-1" if unit == UNIT_A else "c-1",
                             status=Status.DUPLICATE, duplicate_of="rec-000001",
                             created_at=DAY1 + timedelta(hours=1, minutes=n))
                  for n, unit in enumerate([UNIT_A, UNIT_A, UNIT_C])]
    insert_rows(repository, duplicates)


def by_group(rows: list[ReportRow]) -> dict[str, ReportRow]:
    return {row.group: row for row in rows}


def test_rates_per_unit_match_the_contract_formula(repository: RecordRepository) -> None:
    seed(repository)

    rows = by_group(digitization_report(repository, by="unit", since=None))

    assert list(rows) == sorted([UNIT_A, UNIT_B, UNIT_C])
    a = rows[UNIT_A]
    assert a.counts == {Status.RECEIVED: 0, Status.PROCESSING: 0, Status.DIGITIZED: 3,
                        Status.VERIFIED: 1, Status.NEEDS_REVIEW: 2, Status.FAILED: 1,
                        Status.DUPLICATE: 2}
    assert (a.total, a.duplicates) == (9, 2)
    assert a.rate == pytest.approx(4 / 7)  # (3 + 1) / (9 - 2)
    b = rows[UNIT_B]
    assert (b.total, b.duplicates, b.rate) == (3, 0, pytest.approx(1 / 3))
    c = rows[UNIT_C]
    assert (c.total, c.duplicates, c.rate) == (1, 1, 0.0)  # nothing to digitize: 0, not an error


def test_grouping_by_station(repository: RecordRepository) -> None:
    seed(repository)

    rows = by_group(digitization_report(repository, by="station", since=None))

    # a-2 holds records 1 (digitized) and 4 (verified); a-1 the other five of A + 2 duplicates.
    assert set(rows) == {"a-1", "a-2", "b-1", "c-1"}
    assert rows["a-2"].rate == 1.0 and rows["a-2"].total == 2
    assert (rows["a-1"].total, rows["a-1"].duplicates) == (7, 2)
    assert rows["a-1"].rate == pytest.approx(2 / 5)
    assert rows["c-1"].rate == 0.0


def test_grouping_by_day_in_utc_and_in_local_time(repository: RecordRepository) -> None:
    seed(repository)
    # 20:30 UTC on day 2 is already day 3 in Vietnam (UTC+7).
    insert_rows(repository, [record_row(50, unit=UNIT_B, status=Status.DIGITIZED,
                                        created_at=DAY2.replace(hour=20, minute=30))])

    in_utc = by_group(digitization_report(repository, by="day", since=None))
    in_vietnam = by_group(digitization_report(repository, by="day", since=None,
                                              utc_offset=timedelta(hours=7)))

    assert list(in_utc) == ["2026-11-27", "2026-11-28"]
    assert in_utc["2026-11-27"].total == 10 and in_utc["2026-11-28"].total == 4
    assert in_utc["2026-11-27"].rate == pytest.approx(4 / 7)  # A's 4 of 7; C's duplicate
    assert in_utc["2026-11-28"].rate == pytest.approx(2 / 4)
    assert list(in_vietnam) == ["2026-11-27", "2026-11-28", "2026-11-29"]
    assert in_vietnam["2026-11-28"].total == 3 and in_vietnam["2026-11-29"].total == 1


def test_since_keeps_records_created_from_then_on(repository: RecordRepository) -> None:
    seed(repository)

    rows = by_group(digitization_report(repository, by="unit", since=DAY2))

    assert list(rows) == [UNIT_B]
    assert rows[UNIT_B].total == 3
    assert digitization_report(repository, by="unit", since=DAY2 + timedelta(days=1)) == []


def test_report_is_one_group_by_query(tmp_path: Path) -> None:
    """The counting happens in the database: one SELECT with GROUP BY, no record rows."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'sohoa.db'}")
    init_database(engine)
    on_sqlite = RecordRepository(engine)
    seed(on_sqlite)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))

    digitization_report(on_sqlite, by="unit", since=DAY1)

    assert len(statements) == 1
    assert "GROUP BY" in statements[0] and "count(" in statements[0]
    assert "filename" not in statements[0]


def sample_rows() -> list[ReportRow]:
    return [report_row(UNIT_A, {Status.DIGITIZED: 3, Status.VERIFIED: 1,
                                Status.NEEDS_REVIEW: 2, Status.FAILED: 1, Status.DUPLICATE: 2}),
            report_row(UNIT_B, {Status.DIGITIZED: 9, Status.RECEIVED: 1}),
            report_row(UNIT_C, {Status.DUPLICATE: 1}),
            report_row("Ủy ban nhân dân xã Kỳ Thượng", {Status.VERIFIED: 5})]


def test_csv_has_a_row_per_group_with_counts_and_rate(tmp_path: Path) -> None:
    path = write_csv(sample_rows(), tmp_path / "report.csv")

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 then
    with path.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.DictReader(stream))
    assert list(lines[0]) == ["group", "received", "processing", "digitized", "needs_review",
                              "verified", "failed", "duplicate", "total", "duplicates", "rate",
                              "dossiers", "dossiers_digitized", "dossier_rate",
                              "dossiers_with_result", "result_rate"]
    assert lines[0] == {"group": UNIT_A, "received": "0", "processing": "0", "digitized": "3",
                        "needs_review": "2", "verified": "1", "failed": "1", "duplicate": "2",
                        "total": "9", "duplicates": "2", "rate": "0.5714", "dossiers": "0",
                        "dossiers_digitized": "0", "dossier_rate": "0.0",
                        "dossiers_with_result": "0", "result_rate": "0.0"}
    assert [line["group"] for line in lines] == [row.group for row in sample_rows()]
    assert [line["rate"] for line in lines[1:]] == ["0.9", "0.0", "1.0"]


def test_chart_is_a_png_with_a_bar_per_group(tmp_path: Path) -> None:
    rows = sample_rows()

    with warnings.catch_warnings():
        # matplotlib warns "Glyph … missing from font" when a Vietnamese letter cannot render.
        warnings.simplefilter("error")
        path = write_chart(rows, tmp_path / "rates.png")

    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (1000, round((1.6 + 0.45 * len(rows)) * 100))
        pixels = np.asarray(image.convert("RGB")).astype(int)
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    assert (saturation > 60).mean() > 0.02  # the bars are drawn, in colour
    assert 15_000 < path.stat().st_size < 500_000


def test_chart_of_no_rows_is_still_a_png(tmp_path: Path) -> None:
    path = write_chart([], tmp_path / "empty.png")

    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] == 1000


def test_rich_table_shows_each_group_and_its_rate() -> None:
    console = Console(record=True, width=160)

    console.print(render_table(sample_rows()))

    text = console.export_text()
    assert UNIT_A in text and "Ủy ban nhân dân xã Kỳ Thượng" in text
    assert "57.1%" in text and "90.0%" in text and "100.0%" in text


def test_report_artifact_is_a_valid_prefect_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN report rows WHEN published THEN Prefect gets a table artifact under a valid key,
    one table row per group, and a summary. The call stops where Prefect would send it to its
    API (a real server costs ~15 s to start): Prefect's own models format and validate it."""
    from prefect.artifacts import TableArtifact
    from prefect.client.schemas.actions import ArtifactCreate

    sent: list[ArtifactCreate] = []

    def create_table_artifact(table: list[dict], key: str, description: str,
                              _sync: bool) -> UUID:
        artifact = TableArtifact(key=key, description=description, table=table)
        sent.append(ArtifactCreate(key=key, type=artifact.type, description=description,
                                   data=artifact.format()))
        return UUID(int=7)

    monkeypatch.setattr("prefect.artifacts.create_table_artifact", create_table_artifact)

    assert publish_report_artifact(sample_rows()) == UUID(int=7)

    (artifact,) = sent
    assert artifact.key == "digitization-report" and artifact.type == "table"
    # 4 of A's 7, 9 of B's 10, none of C's 0, 5 of 5: 18 of 22 records.
    assert artifact.description.startswith("**Digitization rate 81.8%** (18 of 22 records")
    table = json.loads(artifact.data)
    assert table[0] == {"group": UNIT_A, "received": 0, "processing": 0, "digitized": 3,
                        "needs_review": 2, "verified": 1, "failed": 1, "duplicate": 2,
                        "total": 9, "duplicates": 2, "rate": 0.5714, "dossiers": 0,
                        "dossiers_digitized": 0, "dossier_rate": 0.0,
                        "dossiers_with_result": 0, "result_rate": 0.0}
    assert "**Dossier digitization rate 0.0%** (0 of 0 dossiers)" in artifact.description
    assert [row["group"] for row in table] == [row.group for row in sample_rows()]


def seed_dossiers(repository: RecordRepository) -> DossierRepository:
    """GIVEN, by hand: unit A — dossier 1 (receipt and form digitized, a certificate
    verified: digitized, electronic result), dossier 2 (receipt digitized, form in review:
    neither); unit B — dossier 3 (receipt verified, no component: digitized, no result),
    received a day later; and a result for code 4 that never got a receipt (unit B)."""
    code = "000.00.21.H27-241128-000{}".format
    plan = [(1, UNIT_A, "receipt", Status.DIGITIZED, "2024-11-28T08:15"),
            (1, UNIT_A, "component", Status.DIGITIZED, None),
            (1, UNIT_A, "result", Status.VERIFIED, None),
            (2, UNIT_A, "receipt", Status.DIGITIZED, "2024-11-28T09:00"),
            (2, UNIT_A, "component", Status.NEEDS_REVIEW, None),
            (3, UNIT_B, "receipt", Status.VERIFIED, "2024-11-29T14:30"),
            (4, UNIT_B, "result", Status.DIGITIZED, None)]
    rows = [record_row(500 + n, unit=unit, status=status, role=role, dossier_code=code(d),
                       fields={"received_at": {"value": at}} if at else {},
                       created_at=DAY2)
            for n, (d, unit, role, status, at) in enumerate(plan)]
    insert_rows(repository, rows)
    dossiers = DossierRepository(repository.engine)
    for number in range(1, 5):
        dossiers.recompute(code(number), derive_dossier)
    return dossiers


def test_dossier_indicators_equal_the_hand_counts(repository: RecordRepository) -> None:
    """THEN per unit: A 2 dossiers, 1 digitized (50 %), 1 with an electronic result (50 %);
    B 2 dossiers (one without receipt), 1 digitized, 1 result; per day by received_at, the
    receiptless dossier on the day it was first seen; file rates stay as they were."""
    dossiers = seed_dossiers(repository)
    rows = by_group(digitization_report(repository, by="unit", dossiers=dossiers))
    assert ((rows[UNIT_A].dossiers, rows[UNIT_A].dossier_rate, rows[UNIT_A].result_rate)
            == (2, 0.5, 0.5))
    assert ((rows[UNIT_B].dossiers, rows[UNIT_B].dossiers_digitized,
             rows[UNIT_B].dossiers_with_result) == (2, 1, 1))
    assert rows[UNIT_A].rate == pytest.approx(4 / 5)
    days = by_group(digitization_report(repository, by="day", dossiers=dossiers))
    seen = DAY2.strftime("%Y-%m-%d")
    assert {day: row.dossiers for day, row in days.items() if row.dossiers} == {
        "2024-11-28": 2, "2024-11-29": 1, seen: 1}
    assert days["2024-11-28"].dossier_rate == 0.5 and days["2024-11-29"].dossier_rate == 1.0
    table = render_table(list(rows.values()))
    console = Console(width=200, record=True)
    console.print(table)
    shown = console.export_text()
    assert "50.0%" in shown and "dossier rate" in shown


def test_a_receipt_whose_code_was_not_read_counts_as_a_dossier_not_digitized(
        repository: RecordRepository) -> None:
    """GIVEN the hand-counted dossiers and, in unit B, a receipt in review because its code
    could not be read (no dossier row stands for it), a duplicate of one such, and one whose
    code was read with low confidence as that of dossier 4 (a result without receipt)
    THEN unit B has received 3 dossiers, still 1 digitized: the rate is not inflated by
    leaving out the dossiers whose code awaits a person, nor is dossier 4 counted twice."""
    dossiers = seed_dossiers(repository)
    low = ("required field dossier_code («Mã hồ sơ») was left out: "
           "«000.00.21.H27-241128-0004» was read with low confidence 0.28")
    insert_rows(repository, [
        record_row(600, unit=UNIT_B, status=Status.NEEDS_REVIEW, role="receipt",
                   dossier_code=None, created_at=DAY2),
        record_row(601, unit=UNIT_B, status=Status.DUPLICATE, role="receipt",
                   dossier_code=None, created_at=DAY2),
        record_row(602, unit=UNIT_B, status=Status.NEEDS_REVIEW, role="receipt",
                   dossier_code=None, created_at=DAY2, review_reasons=[low])])
    rows = by_group(digitization_report(repository, by="unit", dossiers=dossiers))
    assert (rows[UNIT_B].dossiers, rows[UNIT_B].dossiers_digitized) == (3, 1)
    assert rows[UNIT_B].dossier_rate == pytest.approx(1 / 3)
    assert rows[UNIT_A].dossiers == 2


@pytest.mark.parametrize(("read", "dossiers_b"), [
    # Its unit misread, its day and serial whole: dossier 4 (a result without receipt), the
    # only one without receipt ending so, is its dossier: not counted twice.
    ("«960.00.21.H27-241128-0004» names unit «960.00.21.H27», which is no unit of this "
     "office", 2),
    # Its day misread: nothing says which dossier it is: counted.
    ("«000.00.21.H27-241126-0004» was read, but its day is not the day the dossier was "
     "received (2024-11-28)", 3),
    # A day and serial no dossier without receipt ends with (dossier 3 has its receipt).
    ("«960.00.21.H27-241128-0003» names unit «960.00.21.H27», which is no unit of this "
     "office", 3),
    # Unit and day whole, the serial one digit off dossier 4's alone (0009 for 0004, read
    # unsurely): dossier 4, whose result came without it.
    ("«000.00.21.H27-241128-0009» was read with low confidence 0.59", 2),
    # Unit and day whole, the serial two digits off: another dossier.
    ("«000.00.21.H27-241128-0194» was read with low confidence 0.59", 3),
    # One digit off, but in another unit's code: another dossier.
    ("«000.00.22.H27-241128-0009» was read with low confidence 0.59", 3),
])
def test_a_receipt_whose_code_was_read_damaged_is_matched_by_its_day_and_serial(
        repository: RecordRepository, read: str, dossiers_b: int) -> None:
    """GIVEN the hand-counted dossiers and, in unit B, a receipt in review whose code was
    refused as ``read`` THEN it is dossier 4 (counted once) when exactly one dossier without
    receipt ends with the day and serial it was read with; else a dossier of its own."""
    dossiers = seed_dossiers(repository)
    reason = f"required field dossier_code («Mã hồ sơ») was left out: {read}"
    insert_rows(repository, [record_row(602, unit=UNIT_B, status=Status.NEEDS_REVIEW,
                                        role="receipt", dossier_code=None, created_at=DAY2,
                                        review_reasons=[reason])])
    rows = by_group(digitization_report(repository, by="unit", dossiers=dossiers))
    assert rows[UNIT_B].dossiers == dossiers_b


def test_a_day_and_serial_two_dossiers_without_receipt_end_with_matches_neither(
        repository: RecordRepository) -> None:
    """GIVEN two results without receipt in different units' codes ending with one day and
    serial, and a receipt whose unit was misread with that day and serial THEN which one it
    is cannot be told: it is counted as a dossier of its own."""
    dossiers = seed_dossiers(repository)
    other = "000.31.20.H26-241128-0004"
    insert_rows(repository, [record_row(603, unit=UNIT_B, status=Status.DIGITIZED,
                                        role="result", dossier_code=other, created_at=DAY2)])
    dossiers.recompute(other, derive_dossier)
    reason = ("required field dossier_code («Mã hồ sơ») was left out: «960.00.21.H27-241128-0004» "
              "names unit «960.00.21.H27», which is no unit of this office")
    insert_rows(repository, [record_row(602, unit=UNIT_B, status=Status.NEEDS_REVIEW,
                                        role="receipt", dossier_code=None, created_at=DAY2,
                                        review_reasons=[reason])])
    rows = by_group(digitization_report(repository, by="unit", dossiers=dossiers))
    assert rows[UNIT_B].dossiers == 4


@pytest.mark.parametrize(("read_codes", "read_tails", "expected"), [
    # A code it was read as names a dossier without receipt.
    ({"000.00.21.H27-241128-0004"}, set(), True),
    # Its unit misread, its day and serial those of exactly one dossier without receipt.
    ({"960.00.21.H27-241128-0004"}, {"241128-0004"}, True),
    # Two dossiers without receipt end with its day and serial: neither is named.
    (set(), {"241128-0005"}, False),
    # Its day and serial end none of them.
    (set(), {"241128-0003"}, False),
    # Nothing read at all.
    (set(), set(), False),
    # Its unit and day whole, its serial one digit off one dossier without receipt.
    ({"000.00.21.H27-241128-0014"}, set(), True),
    # Two readings, each one digit off the same one («…-0139», «…-0182» for «…-0132»).
    ({"000.00.21.H27-241128-0014", "000.00.21.H27-241128-0904"}, set(), True),
    # One digit off two of them (0004 and 0005 end «000.00.21.H27-241128-000»): neither.
    ({"000.00.21.H27-241128-0008"}, set(), False),
    # Its serial two digits off: no.
    ({"000.00.21.H27-241128-0194"}, set(), False),
])
def test_counted_already_is_one_rule_for_the_report_and_the_benchmark(
        read_codes: set[str], read_tails: set[str], expected: bool) -> None:
    """The rule `sohoa report` and benchmarks/dossiers.py share, over plain codes: a receipt
    whose code was refused is a dossier without receipt already when a code it was read as
    names one, exactly one ends with the day and serial it was read with, or exactly one has
    its unit and day and a serial one digit off a reading."""
    receiptless = {"000.00.21.H27-241128-0004", "000.00.21.H27-241128-0005",
                   "000.00.22.H27-241128-0005"}
    assert counted_already(read_codes, read_tails, receiptless) is expected


@pytest.mark.parametrize(("read_codes", "read_tails", "expected"), [
    # One code it was read as names one of them.
    ({"000.00.21.H27-241128-0004", "000.00.21.H27-241128-0904"}, set(),
     "000.00.21.H27-241128-0004"),
    # Two codes it was read as name two of them: neither.
    ({"000.00.21.H27-241128-0004", "000.00.21.H27-241128-0005"}, set(), None),
    # Its day and serial end exactly one.
    ({"960.00.21.H27-241128-0004"}, {"241128-0004"}, "000.00.21.H27-241128-0004"),
    # Its serial one digit off exactly one.
    ({"000.00.21.H27-241128-0014"}, set(), "000.00.21.H27-241128-0004"),
    # One digit off two: neither.
    ({"000.00.21.H27-241128-0008"}, set(), None),
    (set(), set(), None),
])
def test_receiptless_dossier_names_the_one_dossier_a_refused_receipt_is(
        read_codes: set[str], read_tails: set[str], expected: str | None) -> None:
    """The dossier a refused receipt is filed under (office/refused_receipts.py): the one
    each rule of counted_already names; none when a rule names several."""
    receiptless = {"000.00.21.H27-241128-0004", "000.00.21.H27-241128-0005",
                   "000.00.22.H27-241128-0005"}
    assert receiptless_dossier(read_codes, read_tails, receiptless) == expected
