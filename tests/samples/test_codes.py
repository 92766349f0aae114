"""The generator's barcodes and cover sheets: drawn readable, recorded in the truth, and
added without changing the files generated without them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from samples.codes import symbol_image
from samples.generate import (
    CodeChances,
    FileSpec,
    generate_corpus,
    generate_file,
    main,
    plan_file,
    render_form,
)
from samples.truth import load_truths, truth_name

CODE = "000.00.21.H27-241128-0001"
FORMATS = {"qr": zxingcpp.BarcodeFormat.QRCode, "code128": zxingcpp.BarcodeFormat.Code128}


def frames(path: Path) -> list[np.ndarray]:
    image = Image.open(path)
    pages = []
    for frame in range(image.n_frames):
        image.seek(frame)
        pages.append(np.asarray(image.convert("L")))
    return pages


@pytest.mark.parametrize("dpi", [200, 300])
@pytest.mark.parametrize("kind", ["qr", "code128"])
def test_symbols_decode_to_their_text_at_their_physical_size(kind: str, dpi: int) -> None:
    symbol = symbol_image(kind, CODE, dpi)  # type: ignore[arg-type]
    [read] = zxingcpp.read_barcodes(symbol)
    assert (read.text, read.format) == (CODE, FORMATS[kind])
    width_mm = symbol.width / dpi * 25.4
    if kind == "qr":  # 20 mm for 25 modules (version 2), plus two 4-module quiet zones
        assert 26 < width_mm < 27
    else:  # 0.3 mm modules, quiet zones included
        assert 70 < width_mm < 95


def test_a_receipt_with_a_symbol_keeps_its_values_and_prints_no_more_text() -> None:
    plain, _pixels, plain_text = render_form("dossier_receipt", "classic", 100, 2)
    coded, pixels, coded_text = render_form("dossier_receipt", "classic", 100, 2, barcode="qr")
    assert coded.fields == plain.fields and coded_text == plain_text
    assert not np.array_equal(pixels, render_form("dossier_receipt", "classic", 100, 2)[1])


def test_truth_records_the_symbols_of_receipt_and_cover_sheet(tmp_path: Path) -> None:
    spec = FileSpec(1, 3, ("dossier_receipt", "letter"), "mild", "compact", "tiff", 100,
                    barcode="code128", cover_sheet="qr")
    truth = generate_file(spec, tmp_path)
    code = truth.fields["dossier_code"]
    cover, receipt, letter = truth.pages
    assert (cover.template, cover.page_doc_type, cover.barcode, cover.barcode_text) == (
        "cover_sheet", "unknown", "qr", code)
    assert code in cover.text and len(cover.text.split()) < 20  # a caption, no title
    assert (receipt.barcode, receipt.barcode_text) == ("code128", code)
    assert (letter.barcode, letter.barcode_text) == (None, None)
    assert truth.doc_type == "dossier_receipt" and len(frames(tmp_path / truth.file)) == 3
    saved = json.loads((tmp_path / truth_name(truth.file)).read_text(encoding="utf-8"))
    assert "barcode" not in saved["pages"][2]  # pages without one keep the old keys only
    assert load_truths(tmp_path) == [truth]


def test_a_cover_sheet_leaves_the_other_pages_as_they_were(tmp_path: Path) -> None:
    """GIVEN the same file with and without a cover sheet WHEN both are generated THEN the
    pages after the cover sheet are the same pixels and truths (it draws from its own streams)."""
    spec = FileSpec(4, 9, ("birth_registration", "letter"), "hard", "serif", "tiff", 100)
    plain = generate_file(spec, tmp_path / "plain")
    covered = generate_file(replace(spec, cover_sheet="code128"), tmp_path / "covered")
    assert covered.pages[1:] == [p.model_copy(update={"number": p.number + 1})
                                 for p in plain.pages]
    for before, after in zip(frames(tmp_path / "plain" / spec.file_name),
                             frames(tmp_path / "covered" / spec.file_name)[1:], strict=True):
        assert np.array_equal(before, after)
    assert covered.pages[0].barcode_text  # a code of its own: the file has no receipt


def test_no_chances_give_the_specs_drawn_before_barcodes() -> None:
    for index in range(1, 30):
        base = plan_file(index, 7, ("clean", "mild"), ["classic"], ("pdf", "tiff", "png"),
                         ("dossier_receipt", "birth_registration"), 100)
        assert (base.barcode, base.cover_sheet) == (None, None)
        coded = plan_file(index, 7, ("clean", "mild"), ["classic"], ("pdf", "tiff", "png"),
                          ("dossier_receipt", "birth_registration"), 100, CodeChances(1.0, 1.0))
        assert replace(coded, barcode=None, cover_sheet=None) == base
        assert coded.barcode in ("qr", "code128")
        assert (coded.cover_sheet is not None) == (base.kind in ("pdf", "tiff"))


def test_a_corpus_with_chances_puts_codes_on_receipts_and_cover_sheets_first(
        tmp_path: Path) -> None:
    truths = generate_corpus(tmp_path, 8, seed=4, dpi=60, formats=["pdf", "tiff"],
                             doc_types=["dossier_receipt"],
                             chances=CodeChances(barcodes=1.0, cover_sheets=1.0))
    receipts = []
    for truth in truths:
        cover = truth.pages[0]
        # A cover letter may come before the receipt, as in files without a cover sheet.
        receipt = next(p for p in truth.pages if p.template == "dossier_receipt")
        assert cover.template == "cover_sheet" and cover.barcode in ("qr", "code128")
        assert cover.barcode_text == receipt.barcode_text == truth.fields["dossier_code"]
        receipts.append(receipt)
    assert {r.barcode for r in receipts} == {"qr", "code128"}
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert "--barcodes 1.0 --cover-sheets 1.0" in manifest["command"]


def test_cli_takes_the_chances(tmp_path: Path) -> None:
    assert main([str(tmp_path), "--count", "3", "--dpi", "60", "--formats", "tiff",
                 "--doc-types", "dossier_receipt", "--barcodes", "1", "--cover-sheets", "1"]) == 0
    assert all(t.pages[0].template == "cover_sheet" for t in load_truths(tmp_path))
