"""A receipt whose code was refused, filed under the dossier its result came to
(office/refused_receipts.py), on SQLite and a local store: records made as the digitizing
tasks leave them, no OCR."""

from __future__ import annotations

from office.dossiers import provisional_follower_doubt
from office.refused_receipts import file_refused_receipts, filed_doubt
from office.report import digitization_report
from office.services import Services
from office.verification import apply_review
from schemas.record import DossierRecord
from schemas.status import DigitizationStatus as Status
from tests.office.review_builders import (
    PHONE_FIXED,
    PRINTED,
    REFUSED,
    as_filed,
    as_stored,
    refused_stack,
    result_in,
    stored_json,
    waiting_record,
)


def filed_under(services: Services, record: DossierRecord) -> tuple[str | None, str | None]:
    now = services.repository.require(record.id)
    return now.dossier_code, stored_json(services, now).get("dossier_code")


def test_a_result_arriving_files_the_receipt_its_readings_name(services: Services) -> None:
    """GIVEN a receipt refused (read «…0139», «…0182», «…0132») and its form, in no dossier
    WHEN the result of «…0132» arrives in that dossier's folder THEN both are filed there,
    still in review saying why (row and JSON), and the dossier has its receipt."""
    receipt, form = refused_stack(services)
    result = result_in(services, PRINTED)

    assert set(file_refused_receipts(services, as_stored(services, result))) == {PRINTED}

    assert filed_under(services, receipt) == (PRINTED, PRINTED)
    assert filed_under(services, form) == (PRINTED, PRINTED)
    receipt_now = services.repository.require(receipt.id)
    assert receipt_now.status is Status.NEEDS_REVIEW
    assert receipt_now.review_reasons == [REFUSED, filed_doubt(PRINTED)]
    assert stored_json(services, receipt_now)["review_reasons"] == [REFUSED, filed_doubt(PRINTED)]
    form_now = services.repository.require(form.id)
    assert form_now.review_reasons == [provisional_follower_doubt(PRINTED), "child_dob: not found"]
    dossier = services.dossiers.get(PRINTED)
    assert dossier is not None and dossier.receipt_id == receipt.id and not dossier.digitized


def test_a_receipt_arriving_after_its_result_is_filed_under_it(services: Services) -> None:
    result_in(services, PRINTED)
    receipt, form = refused_stack(services)

    assert set(file_refused_receipts(services, as_stored(services, receipt, form))) == {PRINTED}

    assert filed_under(services, receipt)[0] == PRINTED == filed_under(services, form)[0]


def test_the_receipts_review_confirms_the_code_and_answers_its_forms_doubt(
        services: Services) -> None:
    """GIVEN a refused receipt filed under its result's dossier WHEN the reviewer types that
    code THEN the receipt is verified there and the form, in review for that only among
    others, keeps only its own doubt."""
    receipt, form = refused_stack(services)
    result = result_in(services, PRINTED)
    file_refused_receipts(services, as_stored(services, result))

    outcome = apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": PRINTED})

    assert outcome.record.dossier_code == PRINTED and outcome.record.review_reasons == []
    assert services.repository.require(form.id).review_reasons == ["child_dob: not found"]


def test_a_code_corrected_in_review_moves_the_receipt_and_its_forms(services: Services) -> None:
    receipt, form = refused_stack(services)
    result = result_in(services, PRINTED)
    file_refused_receipts(services, as_stored(services, result))
    other = "000.00.32.H27-240812-0182"

    apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": other})

    assert filed_under(services, receipt) == (other, other)
    assert filed_under(services, form) == (other, other)
    assert services.dossiers.get(PRINTED).receipt_id is None  # its result's alone again


def test_readings_naming_two_dossiers_without_receipt_file_the_receipt_nowhere(
        services: Services) -> None:
    receipt, form = refused_stack(services)
    first = result_in(services, PRINTED)
    second = result_in(services, "000.00.32.H27-240812-0182", name="kết quả 2.pdf")

    assert set(file_refused_receipts(services, as_stored(services, first, second))) == set()

    assert filed_under(services, receipt) == (None, None)
    assert filed_under(services, form) == (None, None)


def test_a_result_whose_dossier_has_its_receipt_files_nothing(services: Services) -> None:
    """A dossier with a receipt already is no dossier a refused receipt may be."""
    receipt, _ = refused_stack(services)
    owner = waiting_record(services, status=Status.DIGITIZED, name="biên nhận khác.pdf")
    services.repository.update(owner.id, role="receipt", dossier_code=PRINTED)
    as_filed(services, owner)
    result = result_in(services, PRINTED)

    assert set(file_refused_receipts(services, as_stored(services, result))) == set()
    assert filed_under(services, receipt) == (None, None)


def test_a_receipt_a_reviewer_took_first_is_left_as_the_review_left_it(
        services: Services) -> None:
    receipt, form = refused_stack(services)
    apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": PRINTED[:-1] + "9"})
    result = result_in(services, PRINTED)

    assert set(file_refused_receipts(services, as_stored(services, result))) == set()
    assert services.dossiers.get(PRINTED).receipt_id is None


def test_filing_leaves_the_reports_dossier_count_as_it_was(services: Services) -> None:
    """The report counted the refused receipt as its result's dossier already
    (office/report.py ``counted_already``); filed there, it is still one dossier, not
    digitized, with an electronic result."""
    refused_stack(services)
    result = result_in(services, PRINTED)
    [before] = digitization_report(services.repository, dossiers=services.dossiers)

    file_refused_receipts(services, as_stored(services, result))

    [after] = digitization_report(services.repository, dossiers=services.dossiers)
    assert (after.dossiers, after.dossiers_digitized, after.dossiers_with_result) == (
        before.dossiers, before.dossiers_digitized, before.dossiers_with_result) == (1, 0, 1)
