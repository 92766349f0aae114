"""Document types as data: the bundled definitions, extra folders, bad definitions."""

from pathlib import Path

import pytest

from pipeline.doctypes import load_doctype, load_doctypes
from pipeline.extract import extract_fields
from schemas.errors import ConfigurationError
from tests.pipeline.ocr_builders import make_page

LETTER_TYPE = """
id: residence_confirmation
titles: [GIẤY XÁC NHẬN CƯ TRÚ]
blocks:
  - id: person
  - id: closing
    anchors: [Giấy này có giá trị]
fields:
  - key: person_name
    labels: ["Họ, chữ đệm và tên"]
    block: person
    type: person_name
    required: true
  - key: birth_date
    labels: [Ngày sinh]
    block: person
    type: date
  - key: valid_days
    labels: [Giấy này có giá trị trong]
    block: closing
    type: integer
"""


def test_bundled_types_are_the_contract_types_with_their_required_fields():
    doctypes = {d.id: d for d in load_doctypes()}
    assert set(doctypes) == {"birth_registration", "dossier_receipt", "birth_certificate",
                             "official_document"}
    assert doctypes["birth_certificate"].required_keys == [
        "child_name", "child_dob", "child_gender", "registration_authority", "registered_date"]
    assert doctypes["official_document"].required_keys == [
        "document_kind", "issuing_authority", "document_number", "issued_date", "subject"]
    assert doctypes["birth_registration"].required_keys == [
        "requester_name", "child_name", "child_dob", "child_gender", "mother_name"]
    assert doctypes["dossier_receipt"].required_keys == [
        "dossier_code", "applicant_name", "request_content", "received_at"]


def test_results_are_marked_results_for_the_dossiers():
    """Contract §6: birth certificates and administrative documents are results."""
    roles = {d.id: d.dossier_role for d in load_doctypes()}
    assert roles["birth_certificate"] == roles["official_document"] == "result"
    assert roles["dossier_receipt"] == "receipt"
    assert roles["birth_registration"] == "component"


def test_official_document_fields_are_the_contracts_and_stand_in_places():
    official = next(d for d in load_doctypes() if d.id == "official_document")
    assert [f.key for f in official.fields] == [
        "document_kind", "issuing_authority", "document_number", "issued_place", "issued_date",
        "subject", "recipients", "signer_name", "signer_title", "sealed"]
    assert all(f.position is not None and not f.labels for f in official.fields)
    assert official.generic


def test_bundled_birth_registration_places_repeated_labels_in_blocks():
    birth = next(d for d in load_doctypes() if d.id == "birth_registration")
    assert birth.field("mother_birth_year").block == "mother"
    assert birth.field("father_birth_year").block == "father"
    assert birth.field("child_ethnicity").block == "child"


def test_a_new_type_needs_only_a_yaml_file(tmp_path: Path):
    """
    GIVEN a YAML definition of a type the code has never heard of, in an extra folder
    WHEN the types are loaded and a page of that type is extracted
    THEN its fields come out normalised, with no code change
    """
    (tmp_path / "residence_confirmation.yaml").write_text(LETTER_TYPE, encoding="utf-8")
    doctypes = {d.id: d for d in load_doctypes(tmp_path)}
    page = make_page(["GIẤY XÁC NHẬN CƯ TRÚ",
                      "Họ, chữ đệm và tên: PHẠM THU TRANG",
                      "Ngày sinh: 02/01/1995",
                      "Giấy này có giá trị trong 30 ngày"])
    fields = extract_fields([page], doctypes["residence_confirmation"])
    assert {k: f.value for k, f in fields.items()} == {
        "person_name": "Phạm Thu Trang", "birth_date": "1995-01-02", "valid_days": 30}


@pytest.mark.parametrize(("body", "message"), [
    ("id: x\ntitles: [X]\nfields: [{key: a, labels: [Họ tên], block: nowhere}]", "nowhere"),
    ("id: x\ntitles: [X]\nfields: [{key: a, labels: [Họ tên], type: money}]", "type"),
    ("id: x\ntitles: [X]\nfields: [{key: a, labels: [Họ tên], validator: psychic}]", "psychic"),
    ("id: x\ntitles: [X]\nfields: [{key: a, labels: [Họ, chữ đệm, tên]}]", "too short"),
    ("id: x\ntitles: [X]\nfields: [{key: a, labels: [Họ tên]}, {key: a, labels: [Tên]}]",
     "repeat"),
    ("id: x\ntitles: [X]\nfields: [{key: a, labels: [Họ tên], before: [b]}]", "unknown keys"),
    ("id: x\ntitles: [X\n", "invalid"),
    ("id: x\ntitles: [X]\nfields: [{key: a}]", "labels or a position"),
    ("id: x\ntitles: [X]\nfields: [{key: a, position: margin}]", "position"),
])
def test_bad_definitions_raise_configuration_error_naming_the_file(tmp_path: Path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message) as caught:
        load_doctype(path)
    assert str(path) in str(caught.value)


def test_a_type_defined_twice_is_refused(tmp_path: Path):
    bundled = Path(__file__).parents[2] / "config" / "doctypes" / "dossier_receipt.yaml"
    (tmp_path / "copy.yaml").write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="already defined"):
        load_doctypes(tmp_path)


def test_a_missing_extra_folder_is_a_configuration_error(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_doctypes(tmp_path / "nope")


def test_closed_vocabularies_and_phrases_are_data():
    """The ethnic groups, kinship terms and nationalities a field may take, and the fixed
    phrases values are respelt to, come from the YAML, not from code."""
    birth = next(d for d in load_doctypes() if d.id == "birth_registration")
    assert "Kinh" in birth.field("child_ethnicity").vocabulary
    assert len(set(birth.vocabularies["ethnic_groups"])) >= 54
    assert birth.field("child_nationality").vocabulary[0] == "Việt Nam"
    assert "Mẹ" in birth.field("relationship").vocabulary
    assert "Ủy ban nhân dân" in birth.phrases and "Nghệ An" in birth.phrases


def test_the_gazetteer_is_the_real_list_not_the_sample_generators():
    """
    GIVEN the gazetteer (pipeline/values/gazetteer.py) and the sample generator's communes
    WHEN compared
    THEN every district and province the generator prints is listed, and the gazetteer is
    far broader (it is the country's list, not a copy of the samples')
    """
    from pipeline.values.places import find_units, load_gazetteer
    from samples.vietnamese import COMMUNES

    gazetteer = load_gazetteer()
    names = {c.district: "" for c in COMMUNES}
    for district in names:
        unit = find_units(district)[0]
        names[district] = district[unit.start:unit.end]
    used = set(names.values())
    assert used <= set(gazetteer.districts)
    provinces = {c.province[find_units(c.province)[0].start:] for c in COMMUNES}
    assert provinces <= set(gazetteer.provinces)
    assert len(gazetteer.districts) > 20 * len(used)


def test_every_field_has_a_name_to_show_operators() -> None:
    """GIVEN every bundled type WHEN a field is shown (artifact, review page, Prefect form,
    reasons) THEN it has a name: its label, or for a field read by position its part of the
    page («Số, ký hiệu»), never an empty list's first item (artifacts crashed on it)."""
    from pipeline.doctypes import POSITION_NAMES, load_doctypes

    for doctype in load_doctypes():
        for fdef in doctype.fields:
            assert fdef.label, (doctype.id, fdef.key)
            if not fdef.labels:
                assert fdef.label == POSITION_NAMES[fdef.position], (doctype.id, fdef.key)
    official = next(d for d in load_doctypes() if d.id == "official_document")
    assert official.field("document_number").label == "Số, ký hiệu"
