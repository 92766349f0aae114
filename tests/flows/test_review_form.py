"""The form the Prefect UI shows for a review (flows/review.py): what its JSON schema holds,
as the server saves it for the UI (Prefect's own schema builder), and what an answer becomes.

The UI marks every property missing from the schema's ``required`` list «(Optional)», shows
``str | None`` as a type toggle, and rendered the form's markdown description at zero height
(issue 20): the reasons must be in the help of the fields it does show."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect._internal.pydantic.v2_schema import create_v2_schema

from flows.review import answer_fields, review_form
from office.services import Services
from office.verification import apply_review
from tests.office.review_builders import (
    RECEIPT_FIELDS,
    RECEIPT_REASONS,
    make_services,
    waiting_record,
)

API = "https://sohoa.example/api"


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return make_services(tmp_path / "data")


def saved_schema(form: type) -> dict:
    """The schema as `pause_flow_run` saves it for the UI."""
    return create_v2_schema(form.__name__, model_base=form)


def test_the_type_s_required_fields_are_required_in_the_form(services: Services) -> None:
    """GIVEN a receipt waiting for review THEN the reviewer and every field the receipt type
    requires are required (no «(Optional)»), prefilled where read; the others are not."""
    record = waiting_record(services)
    definition = services.doctype("dossier_receipt")
    schema = saved_schema(review_form(record, definition, api_url=API))

    assert schema["required"] == ["reviewer", *definition.required_keys]
    assert "email" not in schema["required"] and "note" not in schema["required"]
    assert schema["properties"]["applicant_name"]["default"] == "Nguyễn Văn Bỉnh"
    assert schema["properties"]["applicant_name"]["minLength"] == 1  # not left empty
    assert "minLength" not in schema["properties"]["email"]


def test_no_input_is_a_type_toggle(services: Services) -> None:
    """GIVEN the form THEN every input has one type (the UI shows a union as a str/None
    toggle): text for text, digits-only text for an optional whole number."""
    record = waiting_record(services)
    schema = saved_schema(review_form(record, services.doctype("dossier_receipt")))

    for key, prop in schema["properties"].items():
        assert "anyOf" not in prop and prop.get("type") in ("string", "integer"), key
    assert schema["properties"]["document_count"]["default"] == "1"
    assert schema["properties"]["document_count"]["pattern"]
    assert schema["properties"]["email"]["default"] == ""


def test_the_reasons_and_the_scan_s_link_are_in_the_help_the_ui_shows(
        services: Services) -> None:
    """GIVEN a record needing review because of its applicant's name, and a last answer that
    was refused THEN the first field's help says the problem, the reasons, where the scan is
    and what to do; the field the reason names repeats it; the markdown description too."""
    record = waiting_record(services)
    form = review_form(record, services.doctype("dossier_receipt"), problem="field x: bad",
                       api_url=API)
    properties = saved_schema(form)["properties"]

    first = properties["reviewer"]
    assert first["position"] == 0
    assert "field x: bad" in first["description"]
    assert RECEIPT_REASONS[0] in first["description"]
    assert f"{API}/review/{record.id}" in first["description"]
    assert RECEIPT_REASONS[0] in properties["applicant_name"]["description"]
    assert RECEIPT_REASONS[0] not in properties["phone"]["description"]
    assert "NOT VALID" in properties["phone"]["description"]
    assert properties["applicant_name"]["title"] == "Tiếp nhận hồ sơ của (applicant_name)"
    assert RECEIPT_REASONS[0] in form._description and "field x: bad" in form._description


def test_an_answer_gives_the_fields_and_empty_clears(services: Services) -> None:
    record = waiting_record(services)
    form = review_form(record, services.doctype("dossier_receipt"))

    answer = form(reviewer="Lan", phone="0912345678")

    assert answer_fields(answer)["phone"] == "0912345678"
    assert answer_fields(answer)["dossier_code"] == "000.00.21.H27-241128-0001"
    assert answer_fields(answer)["email"] == "" and answer.note == ""
    with pytest.raises(ValueError, match="reviewer"):
        form(phone="0912345678")
    with pytest.raises(ValueError, match="document_count"):
        form(reviewer="Lan", document_count="nhiều")


def test_an_unchanged_form_is_no_correction(services: Services) -> None:
    """Every prefilled value sent back as it was (ISO date-times, integers as digits, empty
    text for fields not read) changes nothing."""
    fields = {k: v for k, v in RECEIPT_FIELDS.items() if k != "phone"}
    record = waiting_record(services, fields=fields)
    form = review_form(record, services.doctype("dossier_receipt"))

    outcome = apply_review(services, record.id, "lan", answer_fields(form(reviewer="lan")))

    assert [e.target for e in outcome.entries] == ["status", "review_reasons"]
