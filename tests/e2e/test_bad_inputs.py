"""`sohoa process` on hostile and broken files: every file gets exactly one record with the
right status and a reason an operator can act on, originals are kept, nothing is read or
written outside the configured folders, and the batch does not hang.

One run over the corpus of samples/bad_inputs.py, plus two Tesseract faults (a Tesseract
killed on a page, and one that hangs) and a link leading out of the input folder. Real
Tesseract, poppler, SQLite, local store and a real Prefect API server.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.load import sha256_of
from samples.bad_inputs import BadInput, image_pdf, text_page, write_bad_inputs
from tests.e2e.helpers import sohoa, validate_document

DPI = 150
# Far above what a real 150-DPI page takes (about 1 s), well below a hang.
PAGE_TIMEOUT_SECONDS = 8
# Two attempts of the hanging page (the task retries once, 1 s apart) plus everything else,
# on two busy cores; a hang would run into the subprocess timeout instead.
BATCH_SECONDS = 240
# The stand-in Tesseract picks its fault by the --dpi the page is read at: the JPEGs below
# declare these resolutions, and sohoa passes a file's resolution on to Tesseract.
KILLED_DPI, HANGING_DPI = 123, 124
FAKE_TESSERACT = f"""#!/bin/sh
case " $* " in
  *" --dpi {KILLED_DPI} "*) kill -KILL $$ ;;
  *" --dpi {HANGING_DPI} "*) exec sleep 600 ;;
esac
exec {shutil.which("tesseract") or "tesseract"} "$@"
"""
FAULTS = [
    BadInput("tesseract bị giết.jpg", "Tesseract killed (SIGKILL) on the page", "failed",
             r"Tesseract was killed \(SIGKILL\) while reading page 1"),
    BadInput("tesseract treo.jpg", "Tesseract hanging on the page", "failed",
             rf"Tesseract took longer than {PAGE_TIMEOUT_SECONDS} s on page 1 and was stopped"),
]
LINK = "liên kết ra ngoài.pdf"


@dataclass
class Run:
    base: Path
    corpus: Path
    outside: Path
    json_out: Path
    data_dir: Path
    cases: list[BadInput]
    result: subprocess.CompletedProcess
    seconds: float

    def document(self, case: BadInput) -> dict:
        return json.loads((self.json_out / f"{case.stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, prefect_api_url: str) -> Run:
    base = tmp_path_factory.mktemp("bad-inputs")
    corpus, outside = base / "scans", base / "outside"
    cases = write_bad_inputs(corpus, dpi=DPI)
    for case, dpi in zip(FAULTS, (KILLED_DPI, HANGING_DPI), strict=True):
        # Different resolutions make different bytes: neither is a duplicate of the other.
        text_page(DPI).save(corpus / case.name, "JPEG", quality=90, dpi=(dpi, dpi))
    outside.mkdir()
    # Its own words: a copy of a corpus file would be a duplicate, not a leak.
    (outside / "bí mật.pdf").write_bytes(image_pdf(text_page(DPI, ["Tài liệu mật"]), DPI))
    (corpus / LINK).symlink_to(outside / "bí mật.pdf")
    tesseract = base / "tesseract"
    tesseract.write_text(FAKE_TESSERACT)
    tesseract.chmod(0o755)
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env = {**inherited, "SOHOA_DATA_DIR": str(base / "data"), "PREFECT_API_URL": prefect_api_url,
           "SOHOA_OCR__DPI": str(DPI), "SOHOA_OCR__TESSERACT_CMD": str(tesseract),
           # The faults are the program's (killed, hanging): the CLI engine runs it.
           "SOHOA_OCR__ENGINE": "cli",
           "SOHOA_OCR__PAGE_TIMEOUT_SECONDS": str(PAGE_TIMEOUT_SECONDS),
           "SOHOA_RETRY_DELAYS_SECONDS": "[1, 1, 1]"}
    started = time.monotonic()
    result = sohoa(["process", str(corpus), "--json-out", str(base / "json")], env,
                   timeout=BATCH_SECONDS + 120)
    return Run(base, corpus, outside, base / "json", base / "data", [*cases, *FAULTS], result,
               time.monotonic() - started)


def test_the_batch_finishes_in_time_and_succeeds(run: Run) -> None:
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert run.seconds < BATCH_SECONDS, f"{run.seconds:.0f} s"
    assert f"{len(run.cases)} of {len(run.cases)} files recorded" in run.result.stdout


def test_every_file_gets_exactly_one_record_with_valid_json(run: Run) -> None:
    assert sorted(p.stem for p in run.json_out.glob("*.json")) == sorted(c.stem
                                                                         for c in run.cases)
    with sqlite3.connect(run.data_dir / "sohoa.db") as db:
        rows = db.execute("SELECT id, filename, status FROM dossier_records").fetchall()
    assert sorted(name for _, name, _ in rows) == sorted(c.name for c in run.cases)
    for case in run.cases:
        document = run.document(case)
        validate_document(document)
        assert document["source"]["filename"] == case.name
        assert (document["record_id"], case.name, document["status"]) in rows


def test_each_input_ends_with_its_expected_status_and_reason(run: Run) -> None:
    """GIVEN the bad-input corpus WHEN processed THEN each file has the status its case
    expects; a failed one says why in one sentence naming the file as the station named it,
    a needs_review one gives the reason in review_reasons."""
    problems = []
    for case in run.cases:
        document = run.document(case)
        said = document["error"] if case.status == "failed" else document["review_reasons"]
        if document["status"] != case.status:
            problems.append(f"{case.name}: {document['status']} ({said}), not {case.status}")
        elif case.status == "failed" and not case.matches(document["error"] or ""):
            problems.append(f"{case.name}: error {document['error']!r} !~ {case.message!r}")
        elif case.status == "needs_review" and not any(
                case.matches(reason) for reason in document["review_reasons"]):
            problems.append(f"{case.name}: reasons {said} !~ {case.message!r}")
        elif case.doc_type and document["doc_type"] != case.doc_type:
            problems.append(f"{case.name}: type {document['doc_type']}, not {case.doc_type}")
    assert not problems, "\n".join(problems)


def test_failed_messages_are_one_sentence_naming_the_file(run: Run) -> None:
    for case in run.cases:
        error = run.document(case)["error"]
        if case.status != "failed":
            continue
        assert "\n" not in error and "Traceback" not in error, error
        assert error.startswith(f"{case.name}: "), error
        assert "original." not in error, error  # the work copy's name must not leak


def test_every_original_is_kept_with_its_checksum(run: Run) -> None:
    """Failed files are in quarantine/, the others in originals/, byte for byte."""
    for case in run.cases:
        document = run.document(case)
        key = document["artifacts"]["original"]
        expected_prefix = "quarantine/" if case.status == "failed" else "originals/"
        assert key.startswith(expected_prefix), (case.name, key)
        stored = run.data_dir / "objects" / key
        assert sha256_of(stored) == document["source"]["sha256"] == sha256_of(
            run.corpus / case.name), case.name


def test_object_keys_never_contain_file_names(run: Run) -> None:
    keys = [p.relative_to(run.data_dir / "objects").as_posix()
            for p in (run.data_dir / "objects").rglob("*") if p.is_file()]
    assert keys
    # Keys are made of record ids, dates and fixed words: plain ASCII, no climbing.
    assert all(key.isascii() and ".." not in key and "\\" not in key for key in keys), keys
    for case in run.cases:
        assert not [key for key in keys if case.stem in key], case.name


def test_a_link_leading_outside_the_folder_is_not_read(run: Run) -> None:
    """GIVEN a link in the input folder to a PDF outside it WHEN the folder is processed THEN
    the PDF is not read: no record, no JSON, no stored copy of it."""
    outside_sha = sha256_of(run.outside / "bí mật.pdf")
    assert LINK in run.result.stderr and "outside the folders given" in run.result.stderr
    assert not (run.json_out / f"{Path(LINK).stem}.json").exists()
    with sqlite3.connect(run.data_dir / "sohoa.db") as db:
        assert db.execute("SELECT count(*) FROM dossier_records WHERE sha256 = ?",
                          (outside_sha,)).fetchone() == (0,)
    stored = [p for p in (run.data_dir / "objects").rglob("*") if p.is_file()]
    assert outside_sha not in {sha256_of(p) for p in stored if p.suffix == ".pdf"}


def test_nothing_is_written_outside_the_configured_folders(run: Run) -> None:
    """The only new things beside the inputs are the data and JSON folders sohoa was given,
    the inputs are untouched, and no temporary file is left in the work folder."""
    assert sorted(p.name for p in run.base.iterdir()) == sorted(
        ["scans", "outside", "data", "json", "tesseract"])
    assert sorted(p.name for p in run.outside.iterdir()) == ["bí mật.pdf"]
    assert sorted(p.name for p in run.corpus.iterdir()) == sorted(
        [c.name for c in run.cases] + [LINK])
    work = run.data_dir / "work"
    assert not work.exists() or not any(work.rglob("*")), list(work.rglob("*"))


def test_the_note_table(run: Run) -> None:
    """Prints each input's status and message (pytest -s), for the issue note."""
    for case in run.cases:
        document = run.document(case)
        said = document["error"] or "; ".join(document["review_reasons"])
        print(f"| {case.name} | {case.what} | {document['status']} | {document['doc_type']} "
              f"| {said} |")
