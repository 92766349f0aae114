"""What the end-to-end tests share: running `sohoa` as a user does, bad inputs, the contract
schema check, and reading text out of a PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import jsonschema

from schemas.document import DossierDocument
from schemas.jsonschema import SCHEMA_PATH

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


def pdf_text(pdf: Path) -> str:
    """The text layer of a PDF, as pdftotext (poppler-utils) reads it."""
    if shutil.which("pdftotext") is None:
        raise AssertionError("pdftotext not found; install it with: apt-get install -y "
                             "poppler-utils")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
