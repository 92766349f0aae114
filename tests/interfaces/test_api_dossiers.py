"""Dossiers and people through the read API and the command line (contract §6, §7), on
SQLite and a local store, the way downstream systems and clerks reach them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from interfaces.api import create_app
from interfaces.cli import app
from office.dossiers import assemble, index_people
from office.services import Services
from schemas.status import DigitizationStatus as Status
from tests.interfaces.test_api import AUTH, TOKEN
from tests.office.test_export import START, insert_rows, make_services, record_row

A, B = "000.00.21.H27-241128-0001", "000.00.21.H27-241128-0002"
CCCD = "042190001234"


def seeded(tmp_path: Path) -> Services:
    """Dossier A: a digitized receipt and a form naming CCCD; dossier B (a day later): a
    receipt in review, and a later form naming the same CCCD."""
    services = make_services(tmp_path, api_token=TOKEN)
    name = {"requester_id_number": {"value": CCCD}}
    insert_rows(services.repository, [
        record_row(1, unit="X", role="receipt", dossier_code=A, doc_type="dossier_receipt",
                   fields={"request_content": {"value": "Đăng ký khai sinh"},
                           "received_at": {"value": "2024-11-28T08:15"}}),
        record_row(2, unit="X", role="component", dossier_code=A,
                   doc_type="birth_registration", fields=name),
        record_row(3, unit="Y", role="receipt", dossier_code=B, doc_type="dossier_receipt",
                   status=Status.NEEDS_REVIEW, created_at=START + timedelta(days=1)),
        record_row(4, unit="Y", role="component", dossier_code=B,
                   doc_type="birth_registration", fields=name,
                   created_at=START + timedelta(days=1)),
    ])
    for number in (2, 4):
        index_people(services, services.repository.require(f"rec-{number:06d}"))
    assemble(services, {A, B})
    return services


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return seeded(tmp_path)


@pytest.fixture
def client(services: Services) -> TestClient:
    return TestClient(create_app(services), headers=AUTH)


def test_dossiers_are_listed_filtered_and_paged(client: TestClient) -> None:
    listed = client.get("/dossiers").json()
    assert [d["code"] for d in listed["items"]] == [A, B] and listed["next_cursor"] is None
    assert [d["code"] for d in client.get("/dossiers?digitized=true").json()["items"]] == [A]
    assert [d["code"] for d in client.get("/dossiers?unit=Y").json()["items"]] == [B]
    first = client.get("/dossiers?limit=1").json()
    assert first["next_cursor"] == A
    after = client.get(f"/dossiers?cursor={first['next_cursor']}").json()
    assert [d["code"] for d in after["items"]] == [B]
    assert client.get("/dossiers?received_from=2024-11-28&received_until=2024-11-29").json(
        )["items"][0]["code"] == A


def test_a_dossier_document_lists_its_receipt_and_components(client: TestClient) -> None:
    document = client.get(f"/dossiers/{A}").json()
    assert (document["receipt"], document["digitized"]) == ("rec-000001", True)
    assert [c["record_id"] for c in document["components"]] == ["rec-000002"]
    assert document["procedure"] == "Đăng ký khai sinh"
    assert client.get("/dossiers/000.00.21.H27-241128-0999").status_code == 404
    assert client.get("/dossiers/nonsense").status_code == 404


def test_a_person_s_papers_are_found_by_id_number_newest_first(client: TestClient) -> None:
    papers = client.get(f"/people/{CCCD}").json()
    assert [r["id"] for r in papers["records"]] == ["rec-000004", "rec-000002"]
    assert [d["code"] for d in papers["dossiers"]] == [B, A]
    assert client.get("/people/123").status_code == 422
    assert client.get("/people/999999999999").json()["records"] == []


def test_the_dossier_routes_need_the_token(services: Services) -> None:
    bare = TestClient(create_app(services))
    assert bare.get("/dossiers").status_code == 401
    assert bare.get(f"/people/{CCCD}").status_code == 401


def test_sohoa_people_and_export_dossiers(services: Services, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    shown = CliRunner().invoke(app, ["people", CCCD])
    assert shown.exit_code == 0, shown.output
    assert "rec-000004" in shown.stdout and B in shown.stdout
    out = tmp_path / "dossiers.jsonl"
    exported = CliRunner().invoke(app, ["export", "--dossiers", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["dossier_code"] for d in lines] == [A, B]
    refused = CliRunner().invoke(app, ["people", "12ab"])
    assert refused.exit_code == 2 and "no ID number" in refused.stderr
