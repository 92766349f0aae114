"""The results of procedures end to end (issue 17): administrative documents and a birth
certificate through `sohoa process --dossier`, as a station hands back what an office issued:
scans, a born-digital notice (its own text layer, no OCR) and a signed scan (a few words of a
signature stamp over the image, still OCR'd). Real Tesseract, poppler, SQLite, local store and
a real Prefect API server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pikepdf
import pytest

from samples.borndigital import official_letter_lines, write_placed_pdf
from samples.official import TUNING_FAMILIES, generate_official_file
from samples.truth import Truth
from tests.e2e.helpers import (
    assert_values_vouched_for_are_true,
    pdf_text,
    sohoa,
    validate_document,
)

CODE = "000.00.21.H27-250305-0007"
DOCUMENTS = [(1, "official_document", "png"), (2, "official_document", "tiff"),
             (3, "birth_certificate", "pdf")]
BORN_DIGITAL = "thông báo ký số.pdf"
BORN_DIGITAL_FIELDS = {
    "document_kind": "Thông báo", "issuing_authority": "Ủy ban nhân dân xã Hải Minh",
    "document_number": "45/TB-UBND", "issued_place": "Hải Minh", "issued_date": "2025-03-12",
    "subject": "Lịch tiếp công dân tháng 4 năm 2025", "recipients": "Các thôn, tổ dân phố",
    "signer_name": "Trần Văn Bình", "signer_title": "Chủ tịch",
    "sealed": False}  # signed digitally: no seal on the page, and its block reads well
SIGNED_SCAN = "official-0004-signed.pdf"


def write_born_digital_notice(path: Path) -> Path:
    """A notice exported from a word processor and signed digitally: real text, no image."""
    lines = official_letter_lines(
        "Ủy ban nhân dân xã Hải Minh", "45/TB-UBND", "Hải Minh, ngày 12 tháng 3 năm 2025",
        "Thông báo", "Về việc lịch tiếp công dân tháng 4 năm 2025", "Các thôn, tổ dân phố",
        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Bình"))
    return write_placed_pdf(path, [lines])


def stamp_signature(scan: Path, path: Path) -> Path:
    """``scan`` with a digital-signature stamp's two lines written over its bottom right
    corner by pikepdf, as signing software adds them to a scanned PDF."""
    with pikepdf.open(scan) as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica))
        page.add_resource(font, pikepdf.Name.Font, pikepdf.Name.FStamp)
        width = float(page.mediabox[2])
        stream = (f"BT /FStamp 7 Tf {width - 200:.0f} 50 Td (Ky boi: UBND xa Hai Minh) Tj "
                  "0 -9 Td (Ngay ky: 24.06.2024 09:15:32 +07:00) Tj ET").encode()
        page.contents_add(pdf.make_stream(stream), prepend=False)
        pdf.save(path)
    return path


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory,
              prefect_api_url: str) -> tuple[list[Truth], Path, str]:
    base = tmp_path_factory.mktemp("results")
    corpus = base / "scans"
    truths = [generate_official_file(index, 17, doc_type, "clean", kind, corpus,  # type: ignore[arg-type]
                                     base / "truth", 300, TUNING_FAMILIES[index % 2])
              for index, doc_type, kind in DOCUMENTS]
    write_born_digital_notice(corpus / BORN_DIGITAL)
    scan = generate_official_file(4, 17, "official_document", "clean", "pdf", base / "signed",
                                  base / "truth", 300, TUNING_FAMILIES[0])
    truths.append(scan)
    stamp_signature(base / "signed" / scan.file, corpus / SIGNED_SCAN)
    scan.file = SIGNED_SCAN
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
        required = ({"document_kind", "document_number", "issued_date"}
                    if truth.doc_type == "official_document"
                    else {"child_dob", "registered_date", "certificate_number"})
        assert_values_vouched_for_are_true(document, truth, required)
        printed = required - set(truth.handwritten)
        assert printed & set(given), (truth.file, given, document["review_reasons"])


def test_they_are_the_dossiers_results(processed):
    """Contract §6: both types are results, so the dossier has an electronic result."""
    truths, json_out, _ = processed
    for truth in truths:
        document = json.loads((json_out / f"{Path(truth.file).stem}.json").read_text("utf-8"))
        assert document["role"] == "result" and document["dossier_code"] == CODE
    dossier = json.loads((json_out / "dossiers" / f"{CODE}.json").read_text("utf-8"))
    assert sorted(r["doc_type"] for r in dossier["results"]) == sorted(
        [t.doc_type for t in truths] + ["official_document"])  # and the born-digital notice
    assert dossier["has_electronic_result"] == any(
        r["status"] in ("digitized", "verified") for r in dossier["results"])


def test_a_born_digital_notice_is_read_from_its_own_text_and_stored_as_it_is(processed):
    """
    GIVEN a born-digital notice (text in a real font, no image) among the scans
    WHEN `sohoa process` runs
    THEN its page's text comes from the PDF, whitespace aside identical to the PDF's own,
    every field is the printed one, and the stored searchable PDF is the original page:
    the same content stream and fonts, no raster image
    """
    _, json_out, _ = processed
    document = json.loads((json_out / f"{Path(BORN_DIGITAL).stem}.json").read_text("utf-8"))
    validate_document(document)
    assert [p["text_source"] for p in document["pages"]] == ["pdf"]
    assert (document["doc_type"], document["status"]) == ("official_document", "digitized")
    assert {k: v["value"] for k, v in document["fields"].items()} == BORN_DIGITAL_FIELDS

    data = json_out.parent / "data" / "objects"
    original = pikepdf.open(data / document["artifacts"]["original"])
    stored = pikepdf.open(data / document["artifacts"]["searchable_pdf"])
    assert not list(stored.pages[0].images)
    assert stored.pages[0].Contents.read_bytes() == original.pages[0].Contents.read_bytes()
    text = (data / document["artifacts"]["text"]).read_text("utf-8")
    squeezed = "".join(text.split())
    assert squeezed == "".join(pdf_text(data / document["artifacts"]["original"]).split())


def scan_pages(processed) -> list:
    """The signed scan's pages, as its truth lists them."""
    return next(t for t in processed[0] if t.file == SIGNED_SCAN).pages


def test_a_signed_scan_is_still_ocrd(processed):
    """
    GIVEN a scanned notice under a digital-signature stamp's text (written by pikepdf)
    WHEN `sohoa process` runs
    THEN the page is OCR'd (the stamp's words are not its text) and typed and read as the
    scan it is
    """
    _, json_out, _ = processed
    document = json.loads((json_out / f"{Path(SIGNED_SCAN).stem}.json").read_text("utf-8"))
    assert [p["text_source"] for p in document["pages"]] == ["ocr"] * len(scan_pages(processed))
    assert document["doc_type"] == "official_document"
