"""Search through the read API (`GET /records?q=`, behind the bearer token, with the listing's
filters and cursor paging) and the `sohoa search` / `sohoa reindex` commands."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from config.settings import Settings
from interfaces.api import create_app, encode_cursor
from interfaces.cli import app
from office.services import Services
from samples.generate import generate_corpus
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from storage.records import RecordFilter
from storage.search import fold
from tests.e2e.helpers import TEST_LAYOUTS, sohoa
from tests.storage.test_search import BIRTH_TEXT, CODE, OTHER_TEXT

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UNIT_A, UNIT_B = "UBND xã Thạch Hạ", "UBND phường Nguyễn Du"


def processed(services: Services, number: int, body: str, fields: dict[str, str],
              unit: str = UNIT_A, **columns: str) -> DossierRecord:
    """A record registered and processed with this OCR text and these field values."""
    repository = services.repository
    record, _ = repository.register(
        filename=f"scan-{number}.pdf", source_path=None, sha256=f"{number:064x}",
        size_bytes=1, station="s", unit=unit, original_key=None)
    repository.set_status(record.id, Status.PROCESSING)
    return repository.set_status(record.id, Status.DIGITIZED, text=body,
                                 doc_type="birth_registration",
                                 fields={k: {"value": v} for k, v in fields.items()}, **columns)


def seed(services: Services) -> None:
    processed(services, 1, BIRTH_TEXT, {"child_name": "Nguyễn Văn An"}, dossier_code=CODE)
    processed(services, 2, OTHER_TEXT, {"applicant_name": "Nguyễn Thị Bình"}, unit=UNIT_B)
    processed(services, 3, OTHER_TEXT + "\nNguyễn Văn An làm chứng", {})


@pytest.fixture
def services(tmp_path: Path) -> Services:
    services = Services(Settings(data_dir=tmp_path / "data", api_token=TOKEN))
    seed(services)
    return services


@pytest.fixture
def client(services: Services) -> TestClient:
    return TestClient(create_app(services), headers=AUTH)


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["filename"] for item in response.json()["items"]]


def test_the_search_needs_the_token(services: Services) -> None:
    response = TestClient(create_app(services)).get("/records", params={"q": "Nguyen"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_q_finds_records_by_words_without_diacritics_best_first(client: TestClient) -> None:
    response = client.get("/records", params={"q": "nguyen van an"})

    assert names(response) == ["scan-1.pdf", "scan-3.pdf"]  # the name is a field of scan-1
    first = response.json()["items"][0]
    assert first["dossier_code"] == CODE and first["doc_type"] == "birth_registration"
    assert first["status"] == "digitized" and first["id"]
    assert "Nguyễn Văn An" in first["snippet"]
    assert names(client.get("/records", params={"q": "Nguyễn Hoàng"})) == []
    assert names(client.get("/records", params={"q": '"(Bình OR*'})) == []  # «or» is a word
    assert names(client.get("/records", params={"q": '"(Bình*'})) == ["scan-2.pdf", "scan-3.pdf"]


def test_q_combines_with_the_filters(client: TestClient) -> None:
    assert names(client.get("/records", params={"q": "nguyen", "unit": UNIT_B})) == [
        "scan-2.pdf"]
    assert names(client.get("/records", params={"q": "nguyen", "status": "verified"})) == []


def test_search_results_page_with_the_cursor(client: TestClient) -> None:
    first = client.get("/records", params={"q": "tiep nhan", "limit": 1})
    cursor = first.json()["next_cursor"]
    second = client.get("/records", params={"q": "tiep nhan", "limit": 1, "cursor": cursor})

    assert len(names(first)) == 1 and len(names(second)) == 1
    assert sorted(names(first) + names(second)) == ["scan-2.pdf", "scan-3.pdf"]
    assert second.json()["next_cursor"] is None


def test_a_listing_cursor_is_no_search_cursor(client: TestClient, services: Services) -> None:
    record = services.repository.page_records(RecordFilter(), None, 1)[0]
    listing_cursor = encode_cursor((record.created_at, record.id))

    response = client.get("/records", params={"q": "an", "cursor": listing_cursor})

    assert response.status_code == 400
    assert "invalid cursor" in response.json()["detail"]


def test_the_listing_without_q_is_unchanged(client: TestClient) -> None:
    response = client.get("/records")

    assert names(response) == ["scan-1.pdf", "scan-2.pdf", "scan-3.pdf"]
    assert response.json()["items"][0]["snippet"] is None


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """SOHOA_DATA_DIR for the commands; no other settings leak in from outside."""
    folder = tmp_path / "cli-data"
    monkeypatch.chdir(tmp_path)
    for name in ("SOHOA_DATABASE_URL", "SOHOA_STORE_DIR", "SOHOA_OBJECT_STORE",
                 "SOHOA_API_TOKEN", "SOHOA_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOHOA_DATA_DIR", str(folder))
    monkeypatch.setenv("COLUMNS", "200")
    return folder


def test_the_search_command_lists_hits_best_first(data_dir: Path) -> None:
    seed(Services(Settings()))

    result = CliRunner().invoke(app, ["search", "--json", "Nguyen", "Van", "An"])
    table = CliRunner().invoke(app, ["search", "nguyễn", "thị", "bình"])
    none = CliRunner().invoke(app, ["search", "Hoàng"])

    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [hit["filename"] for hit in hits] == ["scan-1.pdf", "scan-3.pdf"]
    assert hits[0]["dossier_code"] == CODE and "Nguyễn Văn An" in hits[0]["snippet"]
    assert set(hits[0]) == {"record_id", "filename", "doc_type", "status", "dossier_code",
                            "snippet"}
    assert table.exit_code == 0 and "scan-2.pdf" in table.stdout
    assert "scan-1.pdf" not in table.stdout
    assert none.exit_code == 0 and "no record holds every word" in none.stdout


def test_reindex_adds_the_stored_text(data_dir: Path) -> None:
    """GIVEN a record whose text is in the store but not in the index (processed before
    search existed) WHEN `sohoa reindex` runs THEN its text finds it."""
    services = Services(Settings())
    record = processed(services, 1, "", {"child_name": "Nguyễn Văn An"},
                       text_key="text/2026/11/r1.txt")
    services.store.put_bytes(record.text_key, BIRTH_TEXT.encode(), "text/plain")
    assert services.repository.search("thach ha") == []

    result = CliRunner().invoke(app, ["reindex"])

    assert result.exit_code == 0, result.output
    assert "indexed 1 records" in result.stderr
    assert [h.record.id for h in services.repository.search("thach ha")] == [record.id]


def test_the_search_command_fails_in_one_line_without_a_database(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("SOHOA_DATA_DIR", str(blocker / "data"))

    result = CliRunner().invoke(app, ["search", "an"])

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("sohoa cannot search the records: ")


def test_a_processed_scan_is_found_by_its_words(tmp_path: Path, prefect_api_url: str) -> None:
    """GIVEN one clean generated form WHEN `sohoa process` digitizes it THEN `sohoa search`
    finds it by a field value typed without diacritics and by words of its OCR text only."""
    truths = generate_corpus(tmp_path / "scans", count=1, seed=11, tiers=("clean",),
                             layouts=TEST_LAYOUTS[:1], dpi=200, truth_dir=tmp_path / "truth",
                             workers=1)
    env = {**os.environ, "SOHOA_DATA_DIR": str(tmp_path / "data"),
           "PREFECT_API_URL": prefect_api_url, "COLUMNS": "200"}
    assert sohoa(["process", str(tmp_path / "scans")], env).returncode == 0
    name_field = next(key for key in truths[0].fields if key.endswith("_name"))
    plain_name = fold(str(truths[0].fields[name_field])).upper()

    by_name = sohoa(["search", "--json", plain_name], env)
    by_text = sohoa(["search", "--json", "cong hoa xa hoi chu nghia"], env)  # the motto

    assert by_name.returncode == 0, by_name.stderr
    # The file may hold several documents (a form and an attached notice, contract §5): each
    # is a record of the file, and the form is among them.
    for found in (by_name, by_text):
        hits = [json.loads(line) for line in found.stdout.splitlines()]
        assert {hit["filename"] for hit in hits} == {truths[0].file}, found.stdout
        assert truths[0].doc_type in {hit["doc_type"] for hit in hits}, found.stdout
