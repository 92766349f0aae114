"""`sohoa export`, `sohoa report` and `sohoa api` through typer's runner, on a temporary
SQLite database and local object store chosen by SOHOA_DATA_DIR."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from config.settings import Settings
from interfaces import cli_reports
from interfaces.cli_reports import reports_app
from interfaces.console import output_console
from office.services import Services
from schemas.status import DigitizationStatus as Status
from tests.office.test_export import START, insert_rows, record_row, store_json

UNIT_A = "UBND xã Thạch Hạ"
UNIT_B = "UBND phường Nguyễn Du"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """SOHOA_DATA_DIR for the commands; no token or other settings leak in from outside."""
    folder = tmp_path / "data"
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("SOHOA_DATABASE_URL", "SOHOA_STORE_DIR", "SOHOA_OBJECT_STORE",
                 "SOHOA_API_TOKEN", "SOHOA_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOHOA_DATA_DIR", str(folder))
    # 80 columns, as a pytest-xdist worker's environment and a pipe give: the report's table
    # is still drawn whole when its output is no terminal (interfaces/console.py). The
    # command's console was made at import; one made now, on a redirected stdout, is the one
    # `sohoa report > file` gets.
    monkeypatch.setenv("COLUMNS", "80")
    with contextlib.redirect_stdout(io.StringIO()):
        monkeypatch.setattr(cli_reports, "console", output_console())
    return folder


@pytest.fixture
def services(data_dir: Path) -> Services:
    """The same database and store the commands will open, with records in them."""
    services = Services(Settings())
    insert_rows(services.repository, [
        record_row(1, unit=UNIT_A, status=Status.DIGITIZED),
        record_row(2, unit=UNIT_A, status=Status.NEEDS_REVIEW),
        record_row(3, unit=UNIT_B, status=Status.RECEIVED),
        record_row(4, unit=UNIT_B, status=Status.DUPLICATE, duplicate_of="rec-000003"),
    ])
    store_json(services, "rec-000001")
    return services


def row_of(table: str, group: str) -> str:
    """The one line of a printed table that names ``group``."""
    (line,) = [line for line in table.splitlines() if group in line]
    return line


def invoke(*args: str):
    return CliRunner().invoke(reports_app, list(args))


def test_export_writes_json_lines_to_stdout(services: Services) -> None:
    result = invoke("export", "--status", "digitized", "--status", "received")

    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["record_id"] for d in documents] == ["rec-000001", "rec-000003"]
    assert documents[0]["pages"][0]["text"] == "TỜ KHAI ĐĂNG KÝ KHAI SINH"  # the stored one
    assert result.stderr.strip() == "exported 2 records"


def test_export_to_a_file_with_unit_and_since(services: Services, tmp_path: Path) -> None:
    target = tmp_path / "out" / "export.jsonl"
    target.parent.mkdir()
    since = START.astimezone() + timedelta(seconds=2)  # local time, as an operator types it

    result = invoke("export", "--unit", UNIT_A, "--unit", UNIT_B, "--out", str(target),
                    "--since", since.strftime("%Y-%m-%dT%H:%M:%S"))

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    ids = [json.loads(line)["record_id"] for line in target.read_text("utf-8").splitlines()]
    assert ids == ["rec-000002", "rec-000003", "rec-000004"]
    assert list(target.parent.iterdir()) == [target]  # no partial file left beside it


def test_export_of_an_unknown_status_is_a_usage_error(services: Services) -> None:
    result = invoke("export", "--status", "done")

    assert result.exit_code == 2
    assert "'done' is not one of" in result.output


def test_export_with_a_lost_json_fails_in_one_line(services: Services, tmp_path: Path) -> None:
    """GIVEN a record whose stored JSON has disappeared WHEN exported to a file THEN one
    line on stderr, exit 2, and no half-written file."""
    services.repository.update("rec-000002", json_key="json/2026/11/rec-000002.json")
    target = tmp_path / "export.jsonl"

    result = invoke("export", "--out", str(target))

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("sohoa cannot export: no object json/2026/11/rec-000002")
    assert not target.exists() and not (tmp_path / ".export.jsonl.partial").exists()


def test_unreachable_database_fails_in_one_line(data_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("SOHOA_DATA_DIR", str(blocker / "data"))

    for command in ("export", "report"):
        result = invoke(command)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"sohoa cannot {command}: cannot create the database")


def test_report_prints_rates_and_writes_csv_and_chart(services: Services,
                                                      tmp_path: Path) -> None:
    csv_path, chart_path = tmp_path / "r.csv", tmp_path / "r.png"

    result = invoke("report", "--by", "unit", "--csv", str(csv_path), "--chart", str(chart_path))

    assert result.exit_code == 0, result.output
    # Each unit's own row: «0.0%» is also inside «50.0%», so the whole output proves nothing.
    assert "50.0%" in row_of(result.stdout, UNIT_A).split()  # A: 1 digitized of 2
    assert "0.0%" in row_of(result.stdout, UNIT_B).split()  # B: 1 received, 1 duplicate
    # Piped at 80 columns, no cell is cut short («tot…») and no row wraps onto a second line.
    assert "…" not in result.stdout
    assert len(row_of(result.stdout, UNIT_A)) > 80
    with csv_path.open(encoding="utf-8-sig", newline="") as stream:
        rates = {line["group"]: line["rate"] for line in csv.DictReader(stream)}
    assert rates == {UNIT_A: "0.5", UNIT_B: "0.0"}
    with Image.open(chart_path) as image:
        assert image.format == "PNG" and image.size == (1000, 250)


def test_report_by_station_and_day(services: Services) -> None:
    by_station = invoke("report", "--by", "station")
    by_day = invoke("report", "--by", "day", "--since", "2026-11-01")
    later = invoke("report", "--by", "day", "--since", "2027-01-01")

    assert by_station.exit_code == 0 and "s1" in by_station.stdout
    assert by_day.exit_code == 0 and "2026-11-28" in by_day.stdout
    assert later.exit_code == 0 and "no records" in later.stdout


def test_api_refuses_to_start_without_a_token(data_dir: Path) -> None:
    result = invoke("api")

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "set SOHOA_API_TOKEN" in result.stderr


def test_api_serves_the_app_on_the_given_address(services: Services,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The command builds the app and hands it to uvicorn (replaced here: it would block)."""
    served: dict = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(app=app, **options))
    monkeypatch.setenv("SOHOA_API_TOKEN", "a-long-enough-test-token")

    result = invoke("api", "--host", "0.0.0.0", "--port", "8123")

    assert result.exit_code == 0, result.output
    assert served["host"] == "0.0.0.0" and served["port"] == 8123
    assert set(served["app"].openapi()["paths"]) == {
        "/records", "/records/{record_id}", "/records/{record_id}/artifacts/{name}",
        "/dossiers", "/dossiers/{code}", "/people/{id_number}"}
