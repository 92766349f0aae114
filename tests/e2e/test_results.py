"""The results of procedures end to end (issue 17): administrative documents and a birth
certificate through `sohoa process --dossier`, as a station hands back what an office issued.
Real Tesseract, poppler, SQLite, local store and a real Prefect API server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from samples.official import TUNING_FAMILIES, generate_official_file
from samples.truth import Truth
from tests.e2e.helpers import sohoa, validate_document

CODE = "000.00.21.H27-250305-0007"
DOCUMENTS = [(1, "official_document", "png"), (2, "official_document", "tiff"),
             (3, "birth_certificate", "pdf")]


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory,
              prefect_api_url: str) -> tuple[list[Truth], Path, str]:
    base = tmp_path_factory.mktemp("results")
    corpus = base / "scans"
    truths = [generate_official_file(index, 17, doc_type, "clean", kind, corpus,  # type: ignore[arg-type]
                                     base / "truth", 300, TUNING_FAMILIES[index % 2])
              for index, doc_type, kind in DOCUMENTS]
    env = {**os.environ, "SOHOA_DATA_DIR": str(base / "data"), "PREFECT_API_URL": prefect_api_url}
    result = sohoa(["process", str(corpus), "--json-out", str(base / "json"),
                    "--dossier", CODE], env)
    assert result.returncode == 0, result.stderr[-3000:]
    return truths, base / "json", result.stdout


def test_each_new_type_is_recognised_and_its_given_values_are_the_printed_ones(processed):
    """
    GIVEN two administrative documents and a birth certificate, clean scans
    WHEN `sohoa process` runs on them
    THEN each JSON follows the contract, names the type, gives only values that are printed,
    and gives the required ones
    """
    truths, json_out, _ = processed
    for truth in truths:
        document = json.loads((json_out / f"{Path(truth.file).stem}.json").read_text("utf-8"))
        validate_document(document)
        assert document["doc_type"] == truth.doc_type
        given = {k: v["value"] for k, v in document["fields"].items()}
        assert all(truth.fields.get(k) == v for k, v in given.items()), (truth.file, given)
        required = ({"document_kind", "document_number", "issued_date"}
                    if truth.doc_type == "official_document"
                    else {"child_dob", "registered_date", "certificate_number"})
        assert required <= set(given), (truth.file, given, document["review_reasons"])


def test_they_are_the_dossiers_results(processed):
    """Contract §6: both types are results, so the dossier has an electronic result."""
    truths, json_out, _ = processed
    for truth in truths:
        document = json.loads((json_out / f"{Path(truth.file).stem}.json").read_text("utf-8"))
        assert document["role"] == "result" and document["dossier_code"] == CODE
    dossier = json.loads((json_out / "dossiers" / f"{CODE}.json").read_text("utf-8"))
    assert sorted(r["doc_type"] for r in dossier["results"]) == sorted(
        t.doc_type for t in truths)
    assert dossier["has_electronic_result"] == any(
        r["status"] in ("digitized", "verified") for r in dossier["results"])
