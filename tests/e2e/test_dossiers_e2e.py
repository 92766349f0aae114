"""Dossiers as an office makes them (contract §5–§7), on the real servers: `sohoa watch` over
two stations and two `sohoa worker`s on one work pool, PostgreSQL and S3.

Station A feeds a stack of two dossiers through its scanner at once: a cover sheet (QR) with
a receipt printing its code as a Code 128 and a form, then a receipt without any symbol and
its form. Weeks later station B drops a further document into the sub-folder named by the
second dossier's code (`<station>/<dossier_code>/…`): its result, a birth certificate, and
station A gets an administrative document of no dossier. Then: each dossier holds the right
documents in the right roles and states, `sohoa report`'s indicators equal the counts made by
hand from the records, and the read API's dossier and people endpoints answer accordingly.

Eight pages in all (the cover sheet included): the fewest that show every way in but the
command line's `--dossier`, which tests/e2e/test_split.py covers, and both result types
through the watcher.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from interfaces.api import create_app
from office.services import Services
from samples.generate import FileSpec, generate_file
from samples.official import TUNING_FAMILIES, generate_official_file
from samples.truth import Truth
from tests.e2e.helpers import assert_values_vouched_for_are_true, sohoa
from tests.e2e.office import FINAL, Office, office_settings, open_office
from tests.e2e.test_split import stack_of
from tests.services import S3Server

STATIONS = {"thach-ha": "UBND xã Thạch Hạ", "cam-xuyen": "UBND huyện Cẩm Xuyên"}
TOKEN = "e2e-dossiers-token"
DONE = {"digitized", "verified"}
SEED = 31


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server, postgres_url: str,
           prefect_api_url: str) -> Iterator[Office]:
    office = open_office(
        tmp_path_factory.mktemp("dossiers"), s3_server, postgres_url, prefect_api_url,
        STATIONS, "sohoa-dossiers", **office_settings(
            "sohoa-dossiers-test", SOHOA_WATCH__RESCAN_SECONDS="3",
            SOHOA_WATCH__RECOVERY_SECONDS="5", SOHOA_WORKER__LIMIT="1",
            SOHOA_API_TOKEN=TOKEN))
    with office.serving(workers=2):
        yield office


def generated(folder: Path, index: int, templates: tuple[str, ...], **codes: str) -> Truth:
    """One clean generated file (``codes``: FileSpec's barcode and cover_sheet)."""
    spec = FileSpec(index, SEED, templates, "clean", "classic", "tiff", 200, **codes)
    truth = generate_file(spec, folder)
    truth.file = str(folder / truth.file)
    return truth


def official(folder: Path, index: int, doc_type: str) -> Truth:
    """One clean generated result (a birth certificate, an administrative document)."""
    truth = generate_official_file(index, SEED, doc_type, "clean", "tiff", folder,
                                   folder / "truth", 300, TUNING_FAMILIES[index % 2])
    truth.file = str(folder / truth.file)
    return truth


def settled(office: Office, shas: set[str], count: int) -> bool:
    """``count`` records of these files, each final, and the inboxes empty (sub-folders too)."""
    records = office.records_of(shas)
    left = [p for inbox in office.inboxes.values() for p in inbox.rglob("*")
            if p.is_file() and not {"processed", "failed"} & set(p.relative_to(inbox).parts)]
    return len(records) == count and all(r["status"] in FINAL for r in records) and not left


@pytest.fixture(scope="module")
def dossiers(office: Office) -> dict:
    """The stack into station A, then, once it is done, the late file into B's sub-folder."""
    made = office.base / "generated"
    first = generated(made, 1, ("dossier_receipt", "birth_registration"),
                      barcode="code128", cover_sheet="qr")
    second = generated(made, 2, ("dossier_receipt", "birth_registration"))
    late = official(made, 3, "birth_certificate")
    notice = official(made, 4, "official_document")
    codes = [str(t.fields["dossier_code"]) for t in (first, second)]
    assert codes[0] != codes[1]

    stack = stack_of([Path(first.file), Path(second.file)], made / "tập hồ sơ.pdf")
    stack_sha = hashlib.sha256(stack.read_bytes()).hexdigest()
    (office.inboxes["thach-ha"] / stack.name).write_bytes(stack.read_bytes())
    office.wait_for(lambda: settled(office, {stack_sha}, 4), "the stack's 4 documents",
                    timeout=900)

    folder = office.inboxes["cam-xuyen"] / codes[1]
    folder.mkdir()
    late_bytes = Path(late.file).read_bytes()
    (folder / "kết quả.tif").write_bytes(late_bytes)
    late_sha = hashlib.sha256(late_bytes).hexdigest()
    notice_bytes = Path(notice.file).read_bytes()
    (office.inboxes["thach-ha"] / "công văn.tif").write_bytes(notice_bytes)
    notice_sha = hashlib.sha256(notice_bytes).hexdigest()
    office.wait_for(lambda: settled(office, {stack_sha, late_sha, notice_sha}, 6),
                    "the late result and the notice", timeout=600)
    records = office.records_of({stack_sha, late_sha, notice_sha})
    return {"codes": codes, "first": first, "second": second, "late_sha": late_sha,
            "stack": sorted((r for r in records if r["sha256"] == stack_sha),
                            key=lambda r: r["part"]),
            "late": next(r for r in records if r["sha256"] == late_sha),
            "late_truth": late, "notice_truth": notice,
            "notice": next(r for r in records if r["sha256"] == notice_sha),
            "records": records}


def hand_counts(records: list[dict]) -> dict[str, tuple[int, int, int]]:
    """Per unit, counted from the records by the contract's definitions (§6): dossiers
    received, digitized, with an electronic result. A dossier's unit is its receipt's."""
    by_code: dict[str, list[dict]] = {}
    for record in records:
        if record["dossier_code"]:
            by_code.setdefault(record["dossier_code"], []).append(record)
    counts: dict[str, tuple[int, int, int]] = {}
    for members in by_code.values():
        unit = next((m for m in members if m["role"] == "receipt"), members[0])["unit"]
        digitized, result = by_rule(members)
        received, done, electronic = counts.get(unit, (0, 0, 0))
        counts[unit] = (received + 1, done + digitized, electronic + result)
    return counts


def by_rule(members: list[dict]) -> tuple[bool, bool]:
    """Digitized, electronic result: the contract's definitions (§6) on a dossier's records."""
    done: dict[str, list[bool]] = {}
    for record in members:
        done.setdefault(record["role"], []).append(record["status"] in DONE)
    return (any(done.get("receipt", [])) and all(done.get("component", [])),
            any(done.get("result", [])))


def test_the_stack_splits_into_two_dossiers_and_the_late_file_joins_the_second(
        dossiers: dict) -> None:
    """GIVEN a stack of two dossiers at station A and a late file in B's `<code>/` folder
    WHEN the watcher and workers are done THEN the stack is four documents (the cover sheet
    none), each in its dossier with its role, and the late file in the second dossier."""
    code_1, code_2 = dossiers["codes"]
    stack = dossiers["stack"]
    assert [(r["part"], r["parts"], r["first_page"], r["last_page"]) for r in stack] == [
        (1, 4, 2, 2), (2, 4, 3, 3), (3, 4, 4, 4), (4, 4, 5, 5)]
    assert [(r["doc_type"], r["role"], r["dossier_code"]) for r in stack] == [
        ("dossier_receipt", "receipt", code_1), ("birth_registration", "component", code_1),
        ("dossier_receipt", "receipt", code_2), ("birth_registration", "component", code_2)]
    assert {r["station"] for r in stack} == {"thach-ha"}
    # The first receipt's code is read from its Code 128: exact.
    assert stack[0]["fields"]["dossier_code"] == {**stack[0]["fields"]["dossier_code"],
                                                  "value": code_1, "confidence": 1.0}
    late = dossiers["late"]
    assert (late["station"], late["dossier_code"]) == ("cam-xuyen", code_2)
    assert (late["doc_type"], late["role"]) == ("birth_certificate", "result")


def test_results_through_the_watcher_are_typed_and_read(dossiers: dict) -> None:
    """GIVEN a birth certificate in a dossier's folder and an administrative document in a
    station's inbox WHEN the watcher and workers are done THEN each has its type and only
    printed values, its required ones among them; the document of no dossier is in none."""
    for record, truth, required in (
            (dossiers["late"], dossiers["late_truth"], {"child_dob", "registered_date"}),
            (dossiers["notice"], dossiers["notice_truth"],
             {"document_kind", "document_number", "issued_date"})):
        assert record["doc_type"] == truth.doc_type
        assert_values_vouched_for_are_true(record, truth, required)
    assert (dossiers["notice"]["dossier_code"], dossiers["notice"]["station"]) == (
        None, "thach-ha")


def test_report_indicators_equal_the_hand_counts(office: Office, dossiers: dict,
                                                 tmp_path: Path) -> None:
    """GIVEN the records WHEN `sohoa report --by unit --csv` runs THEN its dossier columns
    equal the counts made by hand from the records: two dossiers, both of station A's unit."""
    expected = hand_counts(dossiers["records"])
    assert sum(count[0] for count in expected.values()) == 2
    assert set(expected) == {STATIONS["thach-ha"]}
    result = sohoa(["report", "--by", "unit", "--csv", str(tmp_path / "report.csv")],
                   office.env)
    assert result.returncode == 0, result.stderr[-2000:]
    with (tmp_path / "report.csv").open(encoding="utf-8-sig") as rows:
        reported = {row["group"]: (int(row["dossiers"]), int(row["dossiers_digitized"]),
                                   int(row["dossiers_with_result"]))
                    for row in csv.DictReader(rows)}
    assert {unit: counts for unit, counts in reported.items() if counts[0]} == expected
    assert reported[STATIONS["cam-xuyen"]] == (0, 0, 0)  # the late file counts for A's dossier


@pytest.fixture(scope="module")
def client(office: Office, dossiers: dict) -> Iterator[TestClient]:
    """The read API on the office's database and bucket, as a downstream system reaches it."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in office.env.items():
            if key.startswith("SOHOA_"):
                patch.setenv(key, value)
        services = Services(Settings())
    yield TestClient(create_app(services), headers={"Authorization": f"Bearer {TOKEN}"})


def test_dossier_endpoints_list_the_documents_in_their_roles(client: TestClient,
                                                             dossiers: dict) -> None:
    """GIVEN the assembled dossiers WHEN GET /dossiers and /dossiers/{code} THEN both are
    listed (filtered by station too) and each document names its receipt, components and
    results with their statuses, and is digitized exactly when its records make it so."""
    code_1, code_2 = dossiers["codes"]
    stack, late = dossiers["stack"], dossiers["late"]
    listed = client.get("/dossiers").json()
    assert [d["code"] for d in listed["items"]] == sorted([code_1, code_2])
    assert [d["code"] for d in client.get("/dossiers?station=thach-ha").json()["items"]] == \
        sorted([code_1, code_2])
    assert client.get("/dossiers?station=cam-xuyen").json()["items"] == []
    assert client.get("/dossiers", headers={"Authorization": "Bearer wrong"}).status_code == 401

    for code, members in ((code_1, stack[:2]), (code_2, [*stack[2:], late])):
        document = client.get(f"/dossiers/{code}").json()
        assert document["receipt"] == members[0]["id"]
        listed_members = {m["record_id"]: m["status"]
                          for m in document["components"] + document["results"]}
        assert listed_members == {r["id"]: r["status"] for r in members[1:]}
        assert [m["record_id"] for m in document["results"]] == [
            r["id"] for r in members if r["role"] == "result"]
        assert (document["digitized"], document["has_electronic_result"]) == by_rule(members)
    assert client.get("/dossiers/000.00.21.H27-241128-0999").status_code == 404


def test_people_endpoint_finds_the_forms_and_dossiers_naming_an_id_number(
        client: TestClient, dossiers: dict) -> None:
    """GIVEN an ID number read on one of the forms (and printed there, says the truth) WHEN
    GET /people/{id} THEN that form and its dossier are listed; an ID no paper names lists
    nothing."""
    stack = dossiers["stack"]
    named = [(record, str(record["fields"][key]["value"])) for record in (stack[1], stack[3])
             for key in ("requester_id_number", "child_personal_id") if key in record["fields"]]
    assert named, "no ID number was read on either form"
    record, id_number = named[0]
    printed = "\n".join(page.text for truth in (dossiers["first"], dossiers["second"])
                        for page in truth.pages)
    assert id_number in printed
    found = client.get(f"/people/{id_number}").json()
    assert record["id"] in [r["id"] for r in found["records"]]
    assert record["dossier_code"] in [d["code"] for d in found["dossiers"]]
    assert client.get("/people/001234567890").json()["records"] == []
