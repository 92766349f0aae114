"""What the end-to-end tests share: running `sohoa` as a user does, bad inputs, the contract
schema check, and reading text out of a PDF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import jsonschema
from minio import Minio
from sqlalchemy import create_engine, text

from samples.truth import Truth
from schemas.document import DossierDocument
from schemas.jsonschema import SCHEMA_PATH
from tests.services import S3Server

TEST_LAYOUTS = ["classic", "next_line", "two_column", "compact"]
SOHOA = str(Path(sys.executable).with_name("sohoa"))
DAMAGED_PDF = "hỏng mất.pdf"
OFFICE_DOCUMENT = "đơn đề nghị.docx"
COPY_STEM = "zz bản sao"


def sohoa(args: list[str], env: dict[str, str],
          timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the installed `sohoa` command and capture what it says."""
    return subprocess.run([SOHOA, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def write_damaged_pdf(corpus: Path) -> Path:
    """A PDF cut off after its first object."""
    path = corpus / DAMAGED_PDF
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    return path


def write_office_document(corpus: Path) -> Path:
    """A Word document: a file a station may drop that is not a scan."""
    path = corpus / OFFICE_DOCUMENT
    with zipfile.ZipFile(path, "w") as docx:
        docx.writestr("word/document.xml", "<w:document/>")
    return path


def write_copy(corpus: Path, good: Path) -> Path:
    """A byte-identical copy of a good scan, named to sort after the scans: inputs are taken
    in path order, so the first is the original and the copy its duplicate."""
    path = corpus / f"{COPY_STEM}{good.suffix}"
    shutil.copyfile(good, path)
    return path


def write_bad_inputs(corpus: Path, good: Path) -> None:
    """A truncated PDF, a Word document, and a byte-identical copy of a good scan."""
    write_damaged_pdf(corpus)
    write_office_document(corpus)
    write_copy(corpus, good)


@cache
def contract_schema() -> dict:
    """The published JSON Schema of the extracted document."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_document(document: dict) -> None:
    """Raise unless ``document`` follows the contract's JSON Schema and its model."""
    jsonschema.validate(document, contract_schema())
    DossierDocument.model_validate(document)


def assert_values_vouched_for_are_true(record: dict, truth: Truth, required: set[str]) -> None:
    """Every value the pipeline gives without naming it in a review reason equals the truth,
    and each ``required`` field is given or, if doubted (written by hand, under a stamp, read
    unsurely), named in a review reason of a record sent to review: never silently missing.
    A value named in a reason is the reviewer's to check, so it is not compared."""
    reasons = f" {' '.join(record['review_reasons'] or [])} "
    vouched = {key: field["value"] for key, field in record["fields"].items()
               if f" {key} " not in reasons}
    assert all(truth.fields.get(key) == value for key, value in vouched.items()), (
        truth.file, vouched, record["review_reasons"])
    for key in required - set(record["fields"]):
        assert record["status"] == "needs_review" and f" {key} " in reasons, (
            truth.file, key, record["review_reasons"])


def pdf_text(pdf: Path) -> str:
    """The text layer of a PDF, as pdftotext (poppler-utils) reads it."""
    if shutil.which("pdftotext") is None:
        raise AssertionError("pdftotext not found; install it with: apt-get install -y "
                             "poppler-utils")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def server_env(base: Path, s3: S3Server, endpoint: str, bucket: str, database_url: str,
               prefect_api_url: str, **settings: str) -> dict[str, str]:
    """The environment of a sohoa process on the servers; none of the user's SOHOA_ settings,
    plus ``settings`` (already named SOHOA_…)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return {**inherited, "SOHOA_DATA_DIR": str(base / "data"), "SOHOA_OBJECT_STORE": "s3",
            "SOHOA_S3__ENDPOINT": endpoint, "SOHOA_S3__ACCESS_KEY": s3.access_key,
            "SOHOA_S3__SECRET_KEY": s3.secret_key, "SOHOA_S3__BUCKET": bucket,
            "SOHOA_DATABASE_URL": database_url, "PREFECT_API_URL": prefect_api_url, **settings}


def raw_s3(server: S3Server) -> Minio:
    """The SDK without sohoa's store, to look at what the server holds."""
    return Minio(server.endpoint, access_key=server.access_key, secret_key=server.secret_key,
                 secure=False)


def records_in(database_url: str) -> dict[str, dict]:
    """Every record row in the database, by id."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT * FROM dossier_records")).mappings().all()
    finally:
        engine.dispose()
    return {row["id"]: dict(row) for row in rows}
