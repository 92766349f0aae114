"""A scanned stack through `sohoa process` (contract §5): one file, a record per document,
each with its own PDF, text and JSON; the original stored once. Real Tesseract, poppler,
SQLite, the local store and the suite's Prefect server."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from pipeline.load import PageLimits, inspect_file, load_page
from samples.generate import CodeChances, generate_corpus
from schemas.jsonschema import DOSSIER_SCHEMA_PATH
from tests.e2e.helpers import pdf_text, sohoa, validate_document


def stack_of(files: list[Path], target: Path) -> Path:
    """The pages of ``files`` as one PDF, as a scanner makes of a stack fed at once."""
    limits = PageLimits(dpi=200)
    images = []
    for path in files:
        info = inspect_file(path, limits)
        images += [Image.fromarray(load_page(path, info, i, limits)).convert("L")
                   for i in range(info.page_count)]
    images[0].save(target, save_all=True, append_images=images[1:], resolution=200)
    return target


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, prefect_api_url: str) -> dict:
    base = tmp_path_factory.mktemp("stack")
    truths = generate_corpus(base / "gen", count=12, seed=8, tiers=("clean",), dpi=200,
                             truth_dir=base / "truth", workers=2, layouts=["classic"])
    receipt = next(t for t in truths if t.doc_type == "dossier_receipt" and t.page_count == 1)
    form = next(t for t in truths if t.doc_type == "birth_registration"
                and t.page_count == 1)
    scans = base / "scans"
    scans.mkdir()
    stack_of([base / "gen" / receipt.file, base / "gen" / form.file], scans / "stack.pdf")
    env = {**os.environ, "SOHOA_DATA_DIR": str(base / "data"),
           "PREFECT_API_URL": prefect_api_url}
    result = sohoa(["process", str(scans), "--json-out", str(base / "json")], env)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"base": base, "result": result, "receipt": receipt, "form": form, "env": env}


def test_a_stack_becomes_one_record_per_document_named_by_part(stack) -> None:
    json_out = stack["base"] / "json"
    assert sorted(p.name for p in json_out.glob("*.json")) == ["stack-1.json", "stack-2.json"]
    first, second = (json.loads((json_out / f"stack-{n}.json").read_text(encoding="utf-8"))
                     for n in (1, 2))
    for document in (first, second):
        validate_document(document)
    assert (first["doc_type"], first["source"]["pages"], first["source"]["part"],
            first["source"]["parts"]) == ("dossier_receipt", [1, 1], 1, 2)
    assert (second["doc_type"], second["source"]["pages"], second["source"]["part"],
            second["source"]["parts"]) == ("birth_registration", [2, 2], 2, 2)
    assert first["record_id"] != second["record_id"]
    assert first["fields"]["dossier_code"]["value"] == stack["receipt"].fields["dossier_code"]
    assert second["fields"]["child_name"]["value"] == stack["form"].fields["child_name"]
    assert [p["number"] for p in second["pages"]] == [2]
    assert "1 of 1 files recorded as 2 records" in " ".join(stack["result"].stdout.split())


def test_each_document_has_its_own_pdf_and_the_original_is_stored_once(stack) -> None:
    base = stack["base"]
    with sqlite3.connect(base / "data" / "sohoa.db") as db:
        rows = db.execute("SELECT id, part, parts, part_of, original_key, pdf_key, sha256 "
                          "FROM dossier_records ORDER BY part").fetchall()
    (first_id, _, _, first_of, original, first_pdf, sha), (_, part, parts, part_of,
                                                         original2, second_pdf, sha2) = rows
    assert (first_of, part, parts, part_of) == (None, 2, 2, first_id)
    assert original == original2 and sha == sha2 and first_pdf != second_pdf
    objects = base / "data" / "objects"
    originals = [p for p in (objects / "originals").rglob("*") if p.is_file()]
    assert len(originals) == 1
    assert "GIẤY TIẾP NHẬN" in pdf_text(objects / first_pdf).upper()
    assert "KHAI SINH" in pdf_text(objects / second_pdf).upper()
    assert "GIẤY TIẾP NHẬN" not in pdf_text(objects / second_pdf).upper()


def test_the_same_stack_again_is_one_duplicate_record(stack) -> None:
    """Duplicates stay a matter of files: the stack dropped again is one duplicate record."""
    base = stack["base"]
    result = sohoa(["process", str(base / "scans"), "--json-out", str(base / "again")],
                   stack["env"])
    assert result.returncode == 0, result.stderr[-3000:]
    (path,) = (base / "again").glob("*.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "stack.json" and document["status"] == "duplicate"
    assert document["source"]["parts"] == 1


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory, prefect_api_url: str) -> dict:
    """Receipts whose dossier code is printed as a QR code or Code 128, each file opening
    with a cover sheet, through `sohoa process`."""
    base = tmp_path_factory.mktemp("coded")
    truths = generate_corpus(base / "scans", 2, seed=4, dpi=200, tiers=("clean",),
                             formats=["pdf"], doc_types=["dossier_receipt"],
                             layouts=["classic"], truth_dir=base / "truth",
                             chances=CodeChances(barcodes=1.0, cover_sheets=1.0))
    env = {**os.environ, "SOHOA_DATA_DIR": str(base / "data"),
           "PREFECT_API_URL": prefect_api_url}
    result = sohoa(["process", str(base / "scans"), "--json-out", str(base / "json")], env)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"base": base, "truths": truths}


def test_a_cover_sheet_is_no_record_and_the_barcode_gives_the_exact_code(coded) -> None:
    """GIVEN files that open with a cover sheet, then a receipt carrying its code as a symbol
    WHEN processed THEN no record is made of the cover sheet, and the receipt's dossier code
    is the symbol's, with confidence 1.0."""
    json_out = coded["base"] / "json"
    for truth in coded["truths"]:
        stem = Path(truth.file).stem
        made = sorted(json_out.glob(f"{stem}*.json"))
        documents = [json.loads(p.read_text(encoding="utf-8")) for p in made]
        receipts = [d for d in documents if d["doc_type"] == "dossier_receipt"]
        assert len(receipts) == 1, [d["doc_type"] for d in documents]
        assert receipts[0]["source"]["pages"][0] >= 2  # page 1, the cover sheet, is no part
        code = receipts[0]["fields"]["dossier_code"]
        assert (code["value"], code["confidence"]) == (truth.fields["dossier_code"], 1.0)
        covered = {p.number for p in truth.pages if p.template == "cover_sheet"}
        assert all(d["source"]["pages"][0] not in covered for d in documents)


def test_the_stack_is_one_dossier_with_its_receipt_and_component(stack) -> None:
    """GIVEN a receipt and its birth registration form in one file WHEN processed THEN both
    records join the receipt's dossier, whose document lists them (contract §6)."""
    json_out = stack["base"] / "json"
    code = stack["receipt"].fields["dossier_code"]
    receipt, form = (json.loads((json_out / f"stack-{n}.json").read_text(encoding="utf-8"))
                     for n in (1, 2))
    assert (receipt["dossier_code"], receipt["role"]) == (code, "receipt")
    assert (form["dossier_code"], form["role"]) == (code, "component")
    dossier = json.loads((json_out / "dossiers" / f"{code}.json").read_text(encoding="utf-8"))
    jsonschema.validate(dossier, json.loads(DOSSIER_SCHEMA_PATH.read_text(encoding="utf-8")))
    assert dossier["receipt"] == receipt["record_id"]
    assert [c["record_id"] for c in dossier["components"]] == [form["record_id"]]
    assert dossier["received_at"] == stack["receipt"].fields["received_at"]
    both_done = {receipt["status"], form["status"]} <= {"digitized", "verified"}
    assert dossier["digitized"] is both_done and dossier["has_electronic_result"] is False


def test_a_dossier_code_given_on_the_command_line_gathers_files_without_one(stack) -> None:
    """Files that carry no code of their own join `--dossier CODE`; a bad code is refused."""
    base = stack["base"]
    code = "000.00.21.H27-241128-0777"
    folder = base / "loose"
    folder.mkdir()
    stack_of([base / "gen" / stack["form"].file], folder / "copy.pdf")
    result = sohoa(["process", str(folder), "--json-out", str(base / "loose-json"),
                    "--dossier", code], stack["env"])
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads((base / "loose-json" / "copy.json").read_text(encoding="utf-8"))
    assert (document["dossier_code"], document["role"]) == (code, "component")
    assert (base / "loose-json" / "dossiers" / f"{code}.json").exists()
    refused = sohoa(["process", str(folder), "--dossier", "not-a-code"], stack["env"])
    assert refused.returncode == 2 and "no dossier code" in refused.stderr
