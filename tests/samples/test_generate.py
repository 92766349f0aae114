"""The sample generator: deterministic, readable files, truths that obey the contract."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from samples import forms
from samples.forms import PageContent
from samples.generate import (
    DEMO_SPECS,
    FileSpec,
    file_doc_type,
    generate_corpus,
    generate_file,
    main,
    render_form,
)
from samples.layouts import LAYOUTS
from samples.render import render_page, thinned
from samples.truth import MANIFEST_NAME, Truth, load_truths
from samples.vietnamese import date_words, number_words

DPI = 100  # small pages keep the suite fast; rendering is resolution-independent
SCANS = Path(__file__).resolve().parents[2] / "samples" / "scans"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
DOSSIER_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$")
NAME_KEYS = ("requester_name", "child_name", "mother_name", "father_name")


def spec(index: int, templates: tuple[str, ...], kind: str = "png", tier: str = "clean",
         **extra: object) -> FileSpec:
    return FileSpec(index, 11, templates, tier, extra.pop("layout", "classic"), kind, DPI,
                    **extra)  # type: ignore[arg-type]


def open_pages(path: Path) -> list[Image.Image]:
    """Pages of a PNG, JPEG or TIFF as a viewer shows them (EXIF Orientation honoured)."""
    image = Image.open(path)
    pages = []
    for frame in range(getattr(image, "n_frames", 1)):
        image.seek(frame)
        pages.append(ImageOps.exif_transpose(image.copy()))
    return pages


def pdf_page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Truth]]:
    out = tmp_path_factory.mktemp("corpus")
    return out, generate_corpus(out, 12, seed=5, dpi=DPI)


def test_same_seed_gives_same_bytes_and_truths(tmp_path: Path,
                                               corpus: tuple[Path, list[Truth]]) -> None:
    """GIVEN a corpus made with seed 5 WHEN made again elsewhere THEN every byte is the same."""
    first_dir, first = corpus
    second = generate_corpus(tmp_path, 12, seed=5, dpi=DPI)
    assert [t.model_dump() for t in second] == [t.model_dump() for t in first]
    for truth in first:
        assert (tmp_path / truth.file).read_bytes() == (first_dir / truth.file).read_bytes()


def test_a_file_does_not_depend_on_the_corpus_size(tmp_path: Path,
                                                   corpus: tuple[Path, list[Truth]]) -> None:
    """GIVEN seed 5 WHEN 3 files are made instead of 12 THEN they are the first 3 of the 12."""
    _, twelve = corpus
    three = generate_corpus(tmp_path, 3, seed=5, dpi=DPI)
    assert [t.model_dump() for t in three] == [t.model_dump() for t in twelve[:3]]


def test_another_seed_gives_other_content(tmp_path: Path,
                                          corpus: tuple[Path, list[Truth]]) -> None:
    _, first = corpus
    other = generate_corpus(tmp_path, 3, seed=6, dpi=DPI)
    assert [t.pages[0].text for t in other] != [t.pages[0].text for t in first[:3]]


def test_files_open_with_the_recorded_pages(corpus: tuple[Path, list[Truth]]) -> None:
    """GIVEN a corpus of every format WHEN each file is opened THEN page count and sizes match."""
    out, truths = corpus
    assert {t.format for t in truths} == {"png", "jpeg", "tiff", "pdf"}
    for truth in truths:
        path = out / truth.file
        if truth.format == "pdf":
            assert path.read_bytes().startswith(b"%PDF-")
            assert pdf_page_count(path) == truth.page_count
            continue
        pages = open_pages(path)
        assert len(pages) == truth.page_count
        for image, page in zip(pages, truth.pages, strict=True):
            assert image.size == (page.width_px, page.height_px)
            assert image.info["dpi"][0] == pytest.approx(DPI, abs=1)


def test_pdf_is_image_only_a4_at_the_dpi(corpus: tuple[Path, list[Truth]]) -> None:
    """GIVEN a generated PDF WHEN inspected THEN A4 pages, one image each, no text layer."""
    out, truths = corpus
    truth = next(t for t in truths if t.format == "pdf")
    path = out / truth.file
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(images) == truth.page_count
    assert all(line.split()[8] == "jpeg" and line.split()[12] == str(DPI) for line in images)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.strip() == ""


def test_manifest_and_loader_list_every_file(corpus: tuple[Path, list[Truth]]) -> None:
    out, truths = corpus
    assert load_truths(out) == truths
    manifest = (out / MANIFEST_NAME).read_text(encoding="utf-8")
    assert all(f'"{t.file}"' in manifest for t in truths)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_recorded_rotation_turns_the_page_upright(tmp_path: Path, turn: int) -> None:
    """GIVEN the same clean bilevel page saved upright and turned WHEN turned back clockwise by
    the recorded rotation THEN the pixels are identical."""
    upright = generate_file(spec(1, ("dossier_receipt",)), tmp_path / "upright")
    turned = generate_file(spec(1, ("dossier_receipt",), rotations=(turn,)), tmp_path / "turned")
    assert upright.pages[0].rotation == 0
    assert turned.pages[0].rotation == turn
    assert turned.pages[0].degradations[0].params == {"degrees": turn}
    stored = np.asarray(Image.open(tmp_path / "turned" / turned.file))
    fixed = np.rot90(stored, k=-turn // 90)  # turning clockwise by `turn` degrees
    assert np.array_equal(fixed, np.asarray(Image.open(tmp_path / "upright" / upright.file)))


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_gives_the_described_page(tmp_path: Path, orientation: int) -> None:
    """GIVEN a JPEG whose pixels are stored turned with an EXIF Orientation tag WHEN a viewer
    honours the tag THEN it shows the same page as the plain JPEG."""
    plain = generate_file(spec(2, ("birth_registration",), "jpeg"), tmp_path / "plain")
    tagged = generate_file(spec(2, ("birth_registration",), "jpeg",
                                exif_orientation=orientation), tmp_path / "tagged")
    raw = Image.open(tmp_path / "tagged" / tagged.file)
    assert raw.getexif()[0x0112] == orientation
    assert tagged.exif_orientation == orientation and tagged.pages[0].rotation == 0
    shown = np.asarray(ImageOps.exif_transpose(raw), dtype=np.int16)
    reference = np.asarray(Image.open(tmp_path / "plain" / plain.file), dtype=np.int16)
    assert shown.shape == reference.shape
    assert np.abs(shown - reference).mean() < 2  # the same page up to JPEG rounding


def test_tiers_damage_within_their_ranges(corpus: tuple[Path, list[Truth]]) -> None:
    """GIVEN a corpus cycling the tiers WHEN its pages are read THEN clean pages are untouched,
    mild ones upright with ≤3° skew, hard ones skewed 1.5–6°."""
    _, truths = corpus
    for truth in truths:
        for page in truth.pages:
            names = {d.name for d in page.degradations}
            if truth.tier == "clean":
                assert (page.rotation, page.skew_degrees, names) == (0, 0.0, set())
            elif truth.tier == "mild":
                assert page.rotation == 0 and abs(page.skew_degrees) <= 3.0
                assert "jpeg" in names and "contrast" in names
            else:
                assert 1.5 <= abs(page.skew_degrees) <= 6.0
                assert {"speckles", "noise", "blur"} <= names
            skews = [d.params["degrees"] for d in page.degradations if d.name == "skew"]
            assert skews == ([page.skew_degrees] if page.skew_degrees else [])


def test_hard_tier_turns_some_pages(tmp_path: Path) -> None:
    truths = generate_corpus(tmp_path, 8, seed=3, tiers=("hard",), formats=("png",), dpi=60)
    rotations = {t.pages[0].rotation for t in truths}
    assert rotations - {0}, "no hard page was fed sideways or upside down"
    for truth in truths:
        landscape = truth.pages[0].width_px > truth.pages[0].height_px
        assert landscape == (truth.pages[0].rotation in (90, 270))


def test_first_form_page_decides_the_file_type(tmp_path: Path) -> None:
    """GIVEN a cover letter before a receipt WHEN generated THEN the file is a receipt, with the
    receipt's fields; a file of attachments only is unknown with no fields; a commune's notice
    is an administrative document (contract §1), which a form before or after it outranks."""
    mixed = generate_file(spec(3, ("letter", "dossier_receipt"), "pdf"), tmp_path)
    assert mixed.doc_type == "dossier_receipt"
    assert [p.page_doc_type for p in mixed.pages] == ["unknown", "dossier_receipt"]
    assert "dossier_code" in mixed.fields
    letters = generate_file(spec(4, ("letter", "birth_certificate_copy"), "tiff"), tmp_path)
    assert (letters.doc_type, letters.fields) == ("unknown", {})
    notice = generate_file(spec(5, ("letter", "notice"), "tiff"), tmp_path)
    assert notice.doc_type == "official_document"
    assert notice.fields["document_kind"] == "Thông báo"
    assert notice.fields["sealed"] is False  # no seal is drawn on it
    form_first = generate_file(spec(6, ("notice", "dossier_receipt"), "pdf"), tmp_path)
    assert form_first.doc_type == "dossier_receipt" and "dossier_code" in form_first.fields
    assert file_doc_type([]) == "unknown"


def test_callers_choose_layouts_formats_and_types(tmp_path: Path) -> None:
    truths = generate_corpus(tmp_path, 4, seed=1, tiers=("clean",), layouts=["tabbed"],
                             formats=["tiff"], doc_types=["birth_registration"], dpi=60)
    assert {(t.layout, t.format, t.doc_type) for t in truths} == {
        ("tabbed", "tiff", "birth_registration")}
    with pytest.raises(ValueError, match="unknown layout"):
        generate_corpus(tmp_path, 1, layouts=["fancy"])


def assert_clean_text(value: str) -> None:
    assert value == unicodedata.normalize("NFC", value)
    assert value == " ".join(value.split())
    assert not re.search(r"^[\s.,;:…]|[\s.,;:…]$", value), value


def assert_person_name(value: str) -> None:
    assert all(w[0].isupper() and w[1:] == w[1:].lower() for w in value.split()), value


def birth_fields(seed: int) -> dict[str, str | int]:
    return forms.birth_registration(random.Random(seed), upper_names=seed % 2 == 0).fields


def receipt_fields(seed: int) -> dict[str, str | int]:
    return forms.dossier_receipt(random.Random(seed), upper_names=seed % 2 == 0).fields


def test_birth_truth_values_follow_the_contract() -> None:
    """GIVEN 300 birth forms WHEN their truths are checked THEN every value is normalised as
    contract §1 says, father fields come together or not at all."""
    fathers = 0
    for seed in range(300):
        fields = birth_fields(seed)
        for key in ("requester_name", "child_name", "child_dob", "child_gender", "mother_name"):
            assert key in fields
        for value in fields.values():
            assert isinstance(value, str)
            assert_clean_text(value)
        for key in NAME_KEYS:
            if key in fields:
                assert_person_name(str(fields[key]))
        assert re.fullmatch(r"\d{12}|\d{9}", str(fields["requester_id_number"]))
        assert ISO_DATE.match(str(fields["child_dob"])) and ISO_DATE.match(
            str(fields["signed_date"]))
        assert fields["signed_date"] > fields["child_dob"]
        assert fields["child_gender"] in ("Nam", "Nữ")
        assert re.fullmatch(r"\d{4}", str(fields["mother_birth_year"]))
        assert ("father_name" in fields) == ("father_birth_year" in fields)
        fathers += "father_name" in fields
    assert 150 < fathers < 300  # some fathers are left blank, most are not


def test_receipt_truth_values_follow_the_contract() -> None:
    for seed in range(300):
        fields = receipt_fields(seed)
        assert DOSSIER_CODE.match(str(fields["dossier_code"]))
        assert re.fullmatch(r"0\d{9}", str(fields["phone"]))
        assert str(fields.get("email", "")) == str(fields.get("email", "")).lower()
        assert isinstance(fields["document_count"], int)
        assert isinstance(fields["processing_days"], int)
        assert ISO_MINUTE.match(str(fields["received_at"]))
        assert ISO_MINUTE.match(str(fields["due_at"]))
        assert fields["due_at"] > fields["received_at"]
        code_date = str(fields["dossier_code"]).split("-")[1]
        assert code_date == str(fields["received_at"])[2:10].replace("-", "")
        for value in fields.values():
            if isinstance(value, str):
                assert_clean_text(value)


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("template", ["birth_registration", "dossier_receipt"])
def test_printed_text_carries_the_field_values(layout: str, template: str) -> None:
    """GIVEN a form in any layout WHEN rendered THEN its printed text holds the title and the
    text values of its fields (names may be printed in capitals), and its pixels carry ink."""
    content, pixels, text = render_form(template, layout, dpi=DPI)
    title = {"birth_registration": "TỜ KHAI ĐĂNG KÝ KHAI SINH",
             "dossier_receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"}[template]
    assert title in text
    keys = ["child_name", "mother_name", "requester_residence", "child_place_of_birth",
            "registration_authority", "dossier_code", "request_content", "result_delivery",
            "applicant_address"]
    for key in keys:
        if key in content.fields:
            assert flat(str(content.fields[key])) in flat(text), key
    assert "…" not in text and "....." not in text
    assert pixels.shape == (1169, 827)
    assert (pixels < 128).mean() > 0.01


def test_upper_case_layouts_print_names_in_capitals_but_truth_keeps_title_case() -> None:
    content, _, text = render_form("birth_registration", "next_line", dpi=DPI)
    name = str(content.fields["child_name"])
    assert name.upper() in text and name not in text
    assert_person_name(name)


def test_blank_father_is_printed_as_labels_without_values() -> None:
    """GIVEN a form whose father is undeclared WHEN typeset THEN the father labels are there and
    the father fields are absent from the truth."""
    seed = next(s for s in range(100) if "father_name" not in birth_fields(s))
    content: PageContent = forms.birth_registration(random.Random(seed), upper_names=True)
    text = render_page(content, LAYOUTS["classic"], DPI, random.Random(0)).text
    assert "Họ, chữ đệm, tên người cha:" in text.splitlines()
    assert not {"father_name", "father_birth_year"} & content.fields.keys()


@pytest.mark.parametrize(("number", "words"), [
    (5, "năm"), (10, "mười"), (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư"),
    (1995, "một nghìn chín trăm chín mươi lăm"), (2005, "hai nghìn không trăm linh năm"),
    (2010, "hai nghìn không trăm mười"), (2024, "hai nghìn không trăm hai mươi tư"),
])
def test_numbers_in_words(number: int, words: str) -> None:
    assert number_words(number) == words


def test_date_in_words() -> None:
    assert date_words(dt.date(2024, 3, 5)) == (
        "ngày năm, tháng ba, năm hai nghìn không trăm hai mươi tư")


@pytest.mark.parametrize("template", ["birth_registration", "dossier_receipt"])
def test_tesseract_reads_a_clean_page(tmp_path: Path, template: str) -> None:
    """GIVEN a clean 200 DPI page WHEN Tesseract (vie) reads it THEN the title and the main
    name or code come out exactly: the rendering is OCR-able."""
    content, pixels, _ = render_form(template, "classic", dpi=200)
    path = tmp_path / "page.png"
    Image.fromarray(pixels).save(path, dpi=(200, 200))
    ocr = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    if template == "birth_registration":
        assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in ocr
        assert str(content.fields["mother_name"]) in ocr
    else:
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in ocr
        assert str(content.fields["dossier_code"]) in ocr


def test_cli_writes_a_corpus_and_rejects_bad_choices(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--count", "2", "--dpi", "60", "--tiers", "mild"]) == 0
    assert len(load_truths(tmp_path)) == 2
    assert "wrote 2 files" in capsys.readouterr().out
    assert main([str(tmp_path), "--tiers", "awful"]) == 2
    assert "unknown tier awful" in capsys.readouterr().err


def test_bundled_demo_set_is_complete_small_and_reproducible(tmp_path: Path) -> None:
    """GIVEN samples/scans WHEN its truths are loaded THEN every scan is there, the set is under
    4 MB, mixes types, formats and tiers, and the generator still makes the same truths."""
    truths = load_truths(SCANS)
    assert len(truths) == len(DEMO_SPECS)
    files = [SCANS / t.file for t in truths]
    assert all(f.exists() for f in files)
    assert sum(f.stat().st_size for f in files) < 4_000_000
    assert {t.doc_type for t in truths} == {"birth_registration", "dossier_receipt", "unknown"}
    assert {t.format for t in truths} == {"png", "jpeg", "tiff", "pdf"}
    assert any(p.rotation in (90, 180) for t in truths for p in t.pages)
    # Regenerating one file (the cheapest) gives the committed truth: the README's command holds.
    small = min(DEMO_SPECS, key=lambda s: (s.dpi, len(s.templates)))
    regenerated = generate_file(small, tmp_path)
    assert regenerated == next(t for t in truths if t.file == small.file_name)


def test_jpeg_bytes_are_real_jpeg(corpus: tuple[Path, list[Truth]]) -> None:
    out, truths = corpus
    for truth in (t for t in truths if t.format == "jpeg"):
        data = (out / truth.file).read_bytes()
        assert data.startswith(b"\xff\xd8\xff")
        assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_held_out_layouts_are_real_layouts_that_tests_do_not_use() -> None:
    """The accuracy benchmark measures on the held-out layouts: no test may tune on them."""
    from samples.layouts import HELD_OUT_LAYOUTS, tuning_layouts
    from tests.e2e.helpers import TEST_LAYOUTS

    assert set(HELD_OUT_LAYOUTS) <= set(LAYOUTS)
    assert not set(HELD_OUT_LAYOUTS) & set(TEST_LAYOUTS)
    assert set(tuning_layouts()) | set(HELD_OUT_LAYOUTS) == set(LAYOUTS)


def test_condensed_tuning_family_prints_in_its_own_condensed_face() -> None:
    """GIVEN the tuning family in a condensed face of its own (cond_fill, cond_below) WHEN
    its font is looked up THEN it is Roboto Condensed's own file (not the DejaVu fallback),
    no held-out face, and its glyphs are narrower than the regular faces' at the same size."""
    from samples.layouts import HELD_OUT_FONTS, font_path, load_font, tuning_layouts

    for name in ("cond_fill", "cond_below"):
        assert name in tuning_layouts()
        assert LAYOUTS[name].family == "Roboto Condensed" not in HELD_OUT_FONTS
    assert font_path("Roboto Condensed").name == "RobotoCondensed-Regular.ttf"
    text = "Họ, chữ đệm, tên người yêu cầu"
    narrow = load_font("Roboto Condensed", 48).getlength(text)
    assert narrow < 0.9 * load_font("Liberation Sans", 48).getlength(text)


def test_held_out_fonts_print_only_held_out_layouts() -> None:
    """GIVEN the font split WHEN the layouts are listed THEN no tuning layout prints in a
    held-out font and every held-out layout does (the benchmark's held-out part is new type
    faces too), and each held-out font has a file here."""
    from samples.layouts import HELD_OUT_FONTS, HELD_OUT_LAYOUTS, font_path, tuning_layouts

    assert not {LAYOUTS[name].family for name in tuning_layouts()} & set(HELD_OUT_FONTS)
    assert {LAYOUTS[name].family for name in HELD_OUT_LAYOUTS} <= set(HELD_OUT_FONTS)
    for family in HELD_OUT_FONTS:
        assert family.split()[0].lower() in font_path(family).name.lower()


def test_grid_layout_rules_a_table_and_prints_labels_without_colons() -> None:
    content, pixels, text = render_form("birth_registration", "grid", dpi=DPI)
    assert "Kính gửi Ủy ban" in text  # label cell, then value cell
    # A table rule: some pixel row is dark across most of the text width.
    dark_share = (pixels < 128).mean(axis=1)
    assert dark_share.max() > 0.7


def test_thinned_strokes_lose_one_pixel_on_their_bottom_right() -> None:
    page = np.full((8, 8), 255, np.uint8)
    page[2:5, 2:6] = 0  # a stroke 3 px high, 4 px wide

    thin = np.asarray(thinned(Image.fromarray(page)))

    assert (thin[2:4, 2:5] == 0).all()
    assert int((thin == 0).sum()) == 2 * 3  # one row and one column fewer, nothing moved
    assert thin.shape == page.shape
