"""Generated administrative documents and birth certificates: truths, determinism, seals,
and (through real Tesseract) that the pipeline reads them back."""

import json
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks.accuracy import digitize, scored_document
from samples import official
from samples.official import TUNING_FAMILIES, generate_official_file
from samples.truth import load_truths
from samples.writers import to_image


def _generate(tmp_path: Path, index: int, doc_type: str, tier: str = "clean",
              kind: str = "png") -> tuple[Path, object]:
    truth = generate_official_file(index, 3, doc_type, tier, kind, tmp_path,  # type: ignore[arg-type]
                                   family=TUNING_FAMILIES[index % len(TUNING_FAMILIES)])
    return tmp_path / truth.file, truth


def test_a_document_is_the_same_for_the_same_seed(tmp_path: Path):
    first, truth = _generate(tmp_path / "a", 1, "official_document", "mild", "tiff")
    second, _ = _generate(tmp_path / "b", 1, "official_document", "mild", "tiff")
    assert first.read_bytes() == second.read_bytes()
    assert load_truths(tmp_path / "a")[0] == truth


def test_truths_carry_the_contract_fields_and_the_seal(tmp_path: Path):
    _, official = _generate(tmp_path, 2, "official_document")
    _, certificate = _generate(tmp_path, 3, "birth_certificate")
    assert {"document_kind", "issuing_authority", "document_number", "issued_date",
            "subject"} <= set(official.fields)
    assert {"child_name", "child_dob", "child_gender", "registration_authority",
            "registered_date"} <= set(certificate.fields)
    assert official.sealed is not None and certificate.sealed is not None
    text = official.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nơi nhận:" in text


def test_documents_of_several_pages_are_kept_whole(tmp_path: Path):
    """A png or jpeg holds one page: a longer document is written as a PDF instead, and its
    signature stands on the last page."""
    truths = [_generate(tmp_path, index, "official_document", "clean", "png")[1]
              for index in range(1, 9)]
    long = [t for t in truths if t.page_count > 1]
    assert long and all(t.format == "pdf" for t in long)
    assert all("Nơi nhận:" in t.pages[-1].text for t in long)


def test_colour_scans_keep_the_seal_red(tmp_path: Path):
    for index in range(1, 30):
        path, truth = _generate(tmp_path, index, "official_document", "clean", "png")
        if truth.color_mode == "RGB" and truth.sealed and truth.page_count == 1:
            pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
            red = (pixels[..., 0] > 150) & (pixels[..., 1] < 110) & (pixels[..., 2] < 110)
            assert red.sum() > 2000
            return
    pytest.fail("no sealed colour page among 29 documents")


@pytest.mark.parametrize(("index", "doc_type"), [
    (4, "official_document"), (5, "official_document"), (7, "birth_certificate"),
    # Tesseract reads the commune «Hoằng Quỳ» as «Hoằng Quy» in every copy of this one: the
    # place-word spelling check leaves those addresses out for review instead of giving them.
    (6, "birth_certificate")])
def test_clean_documents_read_back_through_the_pipeline(tmp_path: Path, index, doc_type,
                                                        monkeypatch):
    """
    GIVEN a clean generated document in a font the benchmark does not use
    WHEN it goes through the page and document sequences (real Tesseract)
    THEN its type is found, and every field given is the truth's
    """
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    path, truth = _generate(tmp_path, index, doc_type)
    document = scored_document(digitize(path), truth.pages, truth.doc_type)
    assert document["bounds_right"]  # its records start where its documents do
    assert document["doc_type"] == doc_type
    given = {k: v["value"] for k, v in document["fields"].items()}
    assert given and all(truth.fields.get(k) == v for k, v in given.items()), given
    # Printed numbers and dates are read; a name may be left out (refused, for review).
    printed = {"document_kind", "document_number", "issued_date"} if doc_type == \
        "official_document" else {"child_dob", "registered_date", "certificate_number"}
    assert printed - set(truth.handwritten) <= set(given)


def test_numbers_and_days_written_by_hand_are_marked_in_the_truth(tmp_path: Path):
    """A share of documents leave the number and/or the day blank in print and have them
    written in with a pen: the truth names those fields, and the printed text has no value
    there."""
    truths = [_generate(tmp_path, index, "official_document", "clean", "png")[1]
              for index in range(1, 13)]
    by_hand = [t for t in truths if t.handwritten]
    assert by_hand and len(by_hand) < len(truths)
    for truth in by_hand:
        assert set(truth.handwritten) <= {"document_number", "issued_date"}
        number = str(truth.fields["document_number"])
        printed_number = number.lstrip("0").partition("/")[0]
        head = truth.pages[0].text
        if "document_number" in truth.handwritten:
            assert f"Số: /{number.partition('/')[2]}" in head
        else:
            assert f"Số: {printed_number}" in head or f"Số: {number}" in head
        if "issued_date" in truth.handwritten:
            assert ", ngày tháng " in head


def _single_page_document(seed: int, sealed: bool, stamped: bool):
    for attempt in range(50):
        rng = random.Random(f"{seed}:{attempt}")
        document = official.official_document(rng)
        document.sealed, document.stamped = sealed, stamped
        document.handwritten = []
        pages, _ = official.draw_document(document, 300, rng, "Liberation Serif")
        if len(pages) == 1 and not any(line.hand for line in document.left + document.right):
            return document, pages[0]
    raise AssertionError("no one-page document")


@pytest.mark.parametrize(("mode", "sealed"), [("RGB", True), ("L", True), ("1", True),
                                              ("RGB", False)])
def test_the_seal_is_read_into_the_json_on_colour_grey_and_bilevel_scans(
        tmp_path: Path, monkeypatch, mode, sealed):
    """
    GIVEN a one-page administrative document scanned in colour, grey or bilevel, with a red
          seal over the signature, or without one but with a red «ĐẾN» stamp over its text
    WHEN it goes through the page and document sequences (real Tesseract)
    THEN its JSON says `sealed`: true or false, a JSON boolean
    """
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(official, "STAMP_INKS", (official.SEAL_RED,))
    _, page = _single_page_document(21, sealed, stamped=not sealed)
    path = tmp_path / "document.png"
    to_image(np.asarray(page), mode).save(path, dpi=(300, 300))
    (document,) = digitize(path)["documents"]  # one page, one record
    assert document["doc_type"] == "official_document"
    written = json.loads(json.dumps(document))
    assert written["fields"]["sealed"]["value"] is sealed


@pytest.mark.parametrize(("unit", "place"), [
    ("tỉnh Hà Tĩnh", "Hà Tĩnh"), ("thành phố Hà Tĩnh", "Hà Tĩnh"), ("huyện Thạch Hà", "Thạch Hà"),
    # Decree 30/2020, Appendix I, I.4.a: a unit named after a person or by a number is dated
    # from by its full name (the decree's example: «Thành phố Hồ Chí Minh, ngày 29 …»)
    ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"), ("Quận 1", "Quận 1"),
])
def test_a_body_dates_its_documents_from_its_units_name(unit, place):
    assert official._place_of(unit) == place
