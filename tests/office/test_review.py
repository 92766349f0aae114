"""Human review without Prefect: apply_review on SQLite and a local store (corrections
normalised and validated as extraction does, the JSON rewritten, the audit trail), the review
form the UI shows, and `sohoa review` at the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

import interfaces.cli_review as cli_review
import office.services
from interfaces.cli_review import review_app
from office.dossiers import (
    assemble,
    follower_doubts,
    provisional_follower_doubt,
    unread_doubt,
    unread_follower_doubt,
)
from office.services import Services
from office.verification import (
    InvalidCorrectionError,
    NotReviewableError,
    ReviewError,
    apply_review,
)
from schemas.document import DossierDocument
from schemas.status import DigitizationStatus as Status
from storage.reviews import ReviewRepository
from tests.e2e.helpers import validate_document
from tests.office.review_builders import (
    PHONE_FIXED,
    RECEIPT_FIELDS,
    RECEIPT_REASONS,
    as_filed,
    stored_json,
    waiting_record,
)


def trail(services: Services, record_id: str) -> list[tuple[str, Any, Any]]:
    """The record's audit rows as (target, old, new)."""
    return [(e.target, e.old_value, e.new_value)
            for e in ReviewRepository(services.repository.engine).entries_for(record_id)]


def test_corrections_are_normalised_stored_and_audited(services: Services) -> None:
    """GIVEN a record in needs_review WHEN a reviewer corrects two fields as people type them
    THEN the values are normalised, the record verified, its JSON rewritten, every change
    audited with who and when."""
    record = waiting_record(services)
    before = datetime.now(UTC)

    outcome = apply_review(services, record.id, "  Trần  Thị Lan ",
                           {"phone": "+84 912 345 678", "applicant_name": "NGUYỄN VĂN BÌNH"},
                           note="checked against the paper form")

    verified = services.repository.require(record.id)
    assert verified.status is Status.VERIFIED and verified.review_reasons == []
    assert verified.fields["phone"] == {"value": "0912345678", "confidence": 1.0, "page": 1,
                                        "bbox": [700, 560, 900, 590], "valid": True}
    assert verified.fields["applicant_name"]["value"] == "Nguyễn Văn Bình"
    assert verified.fields["dossier_code"] == RECEIPT_FIELDS["dossier_code"]  # as read
    document = stored_json(services, verified)
    validate_document(document)
    assert document["status"] == "verified" and document["review_reasons"] == []
    assert document["fields"] == verified.fields
    assert document["pages"][0]["text"].startswith("GIẤY TIẾP NHẬN")  # kept
    assert trail(services, record.id) == [
        ("status", "needs_review", "verified"),
        ("fields.applicant_name", "Nguyễn Văn Bỉnh", "Nguyễn Văn Bình"),
        ("fields.phone", "091234", "0912345678"),
        ("review_reasons", RECEIPT_REASONS, []),
    ]
    entries = outcome.entries
    assert {e.reviewer for e in entries} == {"Trần Thị Lan"}
    assert {e.note for e in entries} == {"checked against the paper form"}
    assert len({e.review_id for e in entries}) == 1
    assert before <= entries[0].reviewed_at <= datetime.now(UTC)
    assert entries[0].reviewed_at.utcoffset() == timedelta(0)
    assert services.store.get_tags(verified.original_key or "") == {"status": "verified"}


def test_printed_forms_and_the_contract_form_are_both_accepted(services: Services) -> None:
    record = waiting_record(services)

    apply_review(services, record.id, "lan", {
        **PHONE_FIXED, "received_at": "08 giờ 15 phút, ngày 28 tháng 11 năm 2024",
        "due_at": "2024-12-04T10:00", "document_count": "02 (bộ)", "email": "An.N@Gmail.com"})

    fields = services.repository.require(record.id).fields
    assert fields["received_at"]["value"] == "2024-11-28T08:15"
    assert fields["due_at"]["value"] == "2024-12-04T10:00"
    assert fields["document_count"]["value"] == 2
    assert fields["email"] == {"value": "an.n@gmail.com", "confidence": 1.0, "page": 1,
                               "bbox": [0, 0, 0, 0], "valid": True}  # not read: no place


@pytest.mark.parametrize(("corrections", "field", "why"), [
    ({"phone": "12345"}, "phone", "cannot be read as phone"),
    ({"phone": "0012345678"}, "phone", "not a valid phone"),
    ({}, "phone", "as read is not a valid phone"),
    ({**PHONE_FIXED, "received_at": "2024-12-05T08:00"}, "received_at", "comes after due_at"),
    ({**PHONE_FIXED, "received_at": "2024-11-28T00:15"}, "received_at",
     "not a valid date and time in the working day"),
    ({**PHONE_FIXED, "applicant_name": ""}, "applicant_name", "required"),
    ({**PHONE_FIXED, "child_name": "Lê An"}, "child_name", "dossier_receipt has no such field"),
    ({**PHONE_FIXED, "document_count": "nhiều"}, "document_count", "cannot be read as integer"),
])
def test_an_unacceptable_answer_changes_nothing(services: Services, corrections: dict,
                                                field: str, why: str) -> None:
    """GIVEN a record in review WHEN a correction is not acceptable (or a field left as read
    is invalid, or a required one is cleared) THEN InvalidCorrectionError names the field and
    why, and the record, its JSON and its trail are as they were."""
    record = waiting_record(services)
    json_before = stored_json(services, record)

    with pytest.raises(InvalidCorrectionError, match=why) as raised:
        apply_review(services, record.id, "lan", corrections)

    assert raised.value.field == field
    assert services.repository.require(record.id).status is Status.NEEDS_REVIEW
    assert stored_json(services, record) == json_before
    assert trail(services, record.id) == []


def test_clearing_a_field_removes_it(services: Services) -> None:
    record = waiting_record(services)

    apply_review(services, record.id, "lan", {"phone": None, "due_at": ""})

    fields = services.repository.require(record.id).fields
    assert "phone" not in fields and "due_at" not in fields
    assert ("fields.phone", "091234", None) in trail(services, record.id)


def test_a_digitized_record_confirmed_as_read_leaves_one_row(services: Services) -> None:
    fields = {k: v for k, v in RECEIPT_FIELDS.items() if k != "phone"}
    record = waiting_record(services, status=Status.DIGITIZED, fields=fields)

    outcome = apply_review(services, record.id, "lan", {})

    assert outcome.record.status is Status.VERIFIED
    assert outcome.record.fields == fields  # confidences as read
    assert trail(services, record.id) == [("status", "digitized", "verified")]


def test_the_document_type_can_be_changed(services: Services) -> None:
    """GIVEN a record classified wrongly WHEN the reviewer sets the right type with its
    required fields THEN the other type's fields are dropped and the change audited."""
    record = waiting_record(services)
    birth = {"requester_name": "lê thị hoa", "child_name": "Lê Văn An",
             "child_dob": "05/03/2024", "child_gender": "nam", "mother_name": "Lê Thị Hoa"}

    with pytest.raises(InvalidCorrectionError, match="child_dob.*required"):
        apply_review(services, record.id, "lan", {"child_name": "Lê Văn An"},
                     doc_type="birth_registration")
    outcome = apply_review(services, record.id, "lan", birth, doc_type="birth_registration")

    assert outcome.record.doc_type == "birth_registration"
    assert set(outcome.record.fields) == set(birth)
    assert outcome.record.fields["child_dob"]["value"] == "2024-03-05"
    assert stored_json(services, outcome.record)["doc_type"] == "birth_registration"
    rows = trail(services, record.id)
    assert ("doc_type", "dossier_receipt", "birth_registration") in rows
    assert ("fields.dossier_code", "000.00.21.H27-241128-0001", None) in rows


NOTICE = {"document_kind": "Thông báo", "issuing_authority": "Ủy ban nhân dân xã Thạch Hạ",
          "document_number": "45/TB-UBND", "issued_date": "12/03/2025",
          "subject": "Lịch tiếp công dân tháng 4 năm 2025"}


def test_a_notice_retyped_in_review_is_a_result_only_in_a_file_of_results(
        services: Services) -> None:
    """GIVEN an untyped page that was handed in after a form (the form's attached notice)
    and another untyped page alone in its file WHEN a reviewer types each an administrative
    document THEN the attached one is a component of the dossier, as the pipeline would have
    made it (contract §6: a result is what the office gives back), the lone one a result."""
    form = waiting_record(services, status=Status.DIGITIZED, doc_type="birth_registration",
                          name="tờ khai.jpg")
    attached = waiting_record(services, doc_type="unknown", fields={}, name="kèm theo.jpg")
    services.repository.update(attached.id, part_of=form.id, part=2, parts=2)
    alone = waiting_record(services, doc_type="unknown", fields={}, name="kết quả.jpg")

    roles = {record.id: apply_review(services, record.id, "lan", NOTICE,
                                     doc_type="official_document").record.role
             for record in (attached, alone)}

    assert roles == {attached.id: "component", alone.id: "result"}


def test_an_unknown_type_is_refused(services: Services) -> None:
    record = waiting_record(services)
    with pytest.raises(InvalidCorrectionError, match="not a document type"):
        apply_review(services, record.id, "lan", {}, doc_type="marriage")


@pytest.mark.parametrize("status", [Status.FAILED, Status.VERIFIED])
def test_only_records_in_review_or_digitized_can_be_reviewed(services: Services,
                                                             status: Status) -> None:
    record = waiting_record(services)
    if status is Status.VERIFIED:
        apply_review(services, record.id, "lan", PHONE_FIXED)
    else:
        services.repository.set_status(record.id, Status.PROCESSING)
        services.repository.set_status(record.id, Status.FAILED, error="broken")
    rows = trail(services, record.id)

    with pytest.raises(NotReviewableError, match=f"is {status.value}"):
        apply_review(services, record.id, "somebody else", {"phone": "0987654321"})

    assert trail(services, record.id) == rows


def test_a_review_needs_a_reviewer(services: Services) -> None:
    record = waiting_record(services)
    with pytest.raises(ReviewError, match="reviewer"):
        apply_review(services, record.id, "   ", PHONE_FIXED)


def test_a_review_that_loses_a_race_leaves_the_winners_json(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN two reviewers answering at once WHEN the other one's review is recorded between
    this one's JSON and its status THEN this one is refused, and the stored JSON says what
    the database says (the winner's values)."""
    record = waiting_record(services)
    real_verify = ReviewRepository.verify
    raced: list[bool] = []

    def verify_after_a_rival(self: ReviewRepository, review: Any, **changes: Any) -> Any:
        if not raced:
            raced.append(True)
            apply_review(services, record.id, "rival", {"phone": "0987654321"})
        return real_verify(self, review, **changes)

    monkeypatch.setattr(ReviewRepository, "verify", verify_after_a_rival)

    with pytest.raises(NotReviewableError, match="not applied"):
        apply_review(services, record.id, "late", {"phone": "0912345678"})

    document = stored_json(services, record)
    assert document["status"] == "verified"
    assert document["fields"]["phone"]["value"] == "0987654321"
    assert {row[0] for row in trail(services, record.id)} >= {"status", "fields.phone"}
    reviewers = {e.reviewer for e in ReviewRepository(services.repository.engine)
                 .entries_for(record.id)}
    assert reviewers == {"rival"}


# -- sohoa review ------------------------------------------------------------------------------


def run_review(services: Services, args: list[str], input: str | None = None,
               ) -> tuple[int, str, str]:
    env = {"SOHOA_DATA_DIR": str(services.settings.data_dir), "COLUMNS": "200"}
    result = CliRunner().invoke(review_app, args, env=env, input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def cli_services(services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The command reads its settings from the environment: only the data folder is set."""
    for name in ("SOHOA_DATABASE_URL", "SOHOA_OBJECT_STORE", "SOHOA_STORE_DIR",
                 "SOHOA_CONFIG_FILE", "SOHOA_DOCTYPES_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(services.settings.data_dir.parent)  # no stray .env file
    monkeypatch.setattr(office.services, "_active", None)  # the command replaces it; put back
    return services


def test_cli_applies_set_values(cli_services: Services) -> None:
    record = waiting_record(cli_services)

    code, out, err = run_review(cli_services, [record.id, "--set", "phone=+84 912 345 678",
                                               "--set", "email=", "--reviewer", "Lan"])

    assert code == 0, err
    assert "Nguyễn Văn Bỉnh" in out and "low" in out  # fields and reasons shown first
    assert "verified by Lan" in out and "0912345678" in out
    assert cli_services.repository.require(record.id).status is Status.VERIFIED


def test_cli_rejects_a_bad_value_with_one_line(cli_services: Services) -> None:
    record = waiting_record(cli_services)

    code, _, err = run_review(cli_services, [record.id, "--set", "phone=12", "--reviewer", "x"])

    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "field phone" in err
    assert cli_services.repository.require(record.id).status is Status.NEEDS_REVIEW


def test_cli_without_answers_or_terminal_exits_2(cli_services: Services) -> None:
    record = waiting_record(cli_services)
    code, _, err = run_review(cli_services, [record.id, "--reviewer", "x"])
    assert code == 2 and "--yes" in err


def test_cli_yes_confirms_a_digitized_record_and_a_second_run_says_so(
        cli_services: Services) -> None:
    fields = {k: v for k, v in RECEIPT_FIELDS.items() if k != "phone"}
    record = waiting_record(cli_services, status=Status.DIGITIZED, fields=fields)

    code, _, err = run_review(cli_services, [record.id, "--yes", "--reviewer", "Lan"])
    assert code == 0, err
    code, out, _ = run_review(cli_services, [record.id, "--yes", "--reviewer", "Minh"])

    assert code == 0 and "already verified by Lan" in out
    assert trail(cli_services, record.id) == [("status", "digitized", "verified")]


def test_cli_asks_for_each_field_at_a_terminal(cli_services: Services,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a terminal WHEN the operator keeps most values, mistypes the phone, then puts
    it right and clears the due date THEN only those changes are applied."""
    monkeypatch.setattr(cli_review, "stdin_is_terminal", lambda: True)
    record = waiting_record(cli_services)
    keys = [f.key for f in cli_services.doctype("dossier_receipt").fields]
    answers = {"phone": "12\n0912 345 678", "due_at": "-"}
    typed = "\n".join(answers.get(key, "") for key in keys) + "\ny\n"

    code, out, err = run_review(cli_services, [record.id, "--reviewer", "Lan"], input=typed)

    assert code == 0, err + out
    assert "cannot be read as phone" in out  # asked again
    assert [row[0] for row in trail(cli_services, record.id)] == [
        "status", "fields.phone", "fields.due_at", "review_reasons"]


def test_cli_on_an_unknown_record_exits_2(cli_services: Services) -> None:
    code, _, err = run_review(cli_services, ["no-such-record", "--yes", "--reviewer", "x"])
    assert code == 2 and "no dossier record" in err


def test_document_model_reads_the_rewritten_json(services: Services) -> None:
    record = waiting_record(services)
    apply_review(services, record.id, "lan", PHONE_FIXED)
    document = DossierDocument.model_validate(stored_json(services, record))
    assert document.status is Status.VERIFIED


# -- a receipt's dossier code given in review files its dossier ---------------------------

CODE_A = "000.00.21.H27-241128-0001"
CODE_B = "000.00.21.H27-241128-0007"


def stack_of(services: Services, receipt_code: str | None,
             receipt_fields: dict[str, Any], form_reasons: list[str] | None = None
             ) -> list[Any]:
    """A split file as the pipeline files it: a receipt (dossier ``receipt_code``), a form
    after it in its dossier (in review for ``form_reasons``, else digitized), then a second
    receipt of a dossier of its own."""
    receipt = waiting_record(services, fields=receipt_fields, name="lô.pdf")
    form = waiting_record(services, status=Status.NEEDS_REVIEW if form_reasons
                          else Status.DIGITIZED, doc_type="birth_registration", fields={},
                          reasons=form_reasons, name="lô.pdf#2")
    other = waiting_record(services, status=Status.DIGITIZED, name="lô.pdf#3")
    other_code = "000.00.21.H27-241128-0009"
    services.repository.update(receipt.id, role="receipt", dossier_code=receipt_code, part=1,
                               parts=3)
    services.repository.update(form.id, role="component", dossier_code=receipt_code,
                               part_of=receipt.id, part=2, parts=3)
    services.repository.update(other.id, role="receipt", dossier_code=other_code,
                               part_of=receipt.id, part=3, parts=3)
    assemble(services, {code for code in (receipt_code, other_code) if code})
    return [services.repository.require(r.id) for r in (receipt, form, other)]


def filed_under(services: Services, record_id: str) -> tuple[str | None, str | None]:
    """The record's dossier as its row and as its stored JSON say."""
    record = services.repository.require(record_id)
    return record.dossier_code, stored_json(services, record).get("dossier_code")


def unread_stack(services: Services) -> list[Any]:
    """A file as the pipeline files it when a page after a receipt of A could not be read
    (office/dossiers.py): the receipt digitized, the unread page and the form after it in
    review under A, each for that only."""
    receipt = waiting_record(services, status=Status.DIGITIZED, name="lô.pdf")
    unread = waiting_record(services, doc_type="unknown", fields={}, name="lô.pdf#2",
                            reasons=[unread_doubt(CODE_A)])
    form = waiting_record(services, doc_type="birth_registration", fields={}, name="lô.pdf#3",
                          reasons=[unread_follower_doubt(CODE_A)])
    services.repository.update(receipt.id, role="receipt", dossier_code=CODE_A, part=1,
                               parts=3)
    for part, record in ((2, unread), (3, form)):
        services.repository.update(record.id, role="component", dossier_code=CODE_A,
                                   part_of=receipt.id, part=part, parts=3)
    assemble(services, {CODE_A})
    return [as_filed(services, r) for r in (receipt, unread, form)]


def test_an_unread_page_kept_in_its_dossier_answers_the_doubt_of_the_documents_after_it(
        services: Services) -> None:
    """GIVEN an unread page filed in review under the dossier before it, and the form after
    it in review for that page only; the dossier not digitized while they wait
    WHEN the reviewer verifies the page as a document of that dossier (a copy of no type of
    ours, not a receipt) THEN the form is digitized too, and the dossier with it."""
    _, unread, form = unread_stack(services)
    assert not services.dossiers.get(CODE_A).digitized

    outcome = apply_review(services, unread.id, "lan", {})

    assert outcome.answered == (form.id,)
    assert filed_under(services, unread.id) == (CODE_A, CODE_A)
    form_now = services.repository.require(form.id)
    assert (form_now.status, form_now.dossier_code) == (Status.DIGITIZED, CODE_A)
    assert services.dossiers.get(CODE_A).digitized


def test_an_unread_page_that_was_a_receipt_takes_the_documents_after_it_to_its_dossier(
        services: Services) -> None:
    """GIVEN the same file WHEN the reviewer makes the unread page a receipt and types its
    code B THEN it is B's receipt, the form after it joins B (digitized), and A keeps its own
    receipt only (digitized)."""
    receipt, unread, form = unread_stack(services)
    read = {key: field["value"] for key, field in RECEIPT_FIELDS.items()}

    apply_review(services, unread.id, "lan", {**read, **PHONE_FIXED, "dossier_code": CODE_B},
                 doc_type="dossier_receipt")

    assert filed_under(services, unread.id) == (CODE_B, CODE_B)
    assert filed_under(services, form.id) == (CODE_B, CODE_B)
    assert services.repository.require(form.id).status is Status.DIGITIZED
    assert services.dossiers.get(CODE_B).receipt_id == unread.id
    assert [r.id for r in services.dossiers.records_of(CODE_A)] == [receipt.id]
    assert services.dossiers.get(CODE_A).digitized and services.dossiers.get(CODE_B).digitized


def test_a_refused_receipt_code_given_in_review_files_the_receipt_and_its_documents(
        services: Services) -> None:
    """GIVEN a receipt whose code was refused (no dossier) and the form filed with it WHEN
    the reviewer gives the code THEN both are filed under that dossier, the receipt its
    receipt; the next receipt of the file keeps its own dossier."""
    without_code = {k: v for k, v in RECEIPT_FIELDS.items() if k != "dossier_code"}
    receipt, form, other = stack_of(services, None, without_code)

    apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": CODE_B})

    assert filed_under(services, receipt.id) == (CODE_B, CODE_B)
    assert filed_under(services, form.id) == (CODE_B, CODE_B)
    assert filed_under(services, other.id)[0] == other.dossier_code
    dossier = services.dossiers.get(CODE_B)
    assert dossier is not None and dossier.receipt_id == receipt.id
    assert [r.id for r in services.dossiers.records_of(CODE_B)] == [receipt.id, form.id]


def test_a_code_given_in_review_answers_which_dossier_its_documents_are_of(
        services: Services) -> None:
    """GIVEN a receipt whose code could not be read and the form after it in review only
    for that (which dossier is it of?) WHEN the reviewer gives the code THEN the form joins
    that dossier, digitized."""
    without_code = {k: v for k, v in RECEIPT_FIELDS.items() if k != "dossier_code"}
    [doubt] = follower_doubts(None)
    receipt, form, _ = stack_of(services, None, without_code, form_reasons=[doubt])

    outcome = apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": CODE_B})

    assert outcome.answered == (form.id,)
    form_now = services.repository.require(form.id)
    assert (form_now.status, form_now.dossier_code) == (Status.DIGITIZED, CODE_B)
    assert stored_json(services, form_now)["status"] == "digitized"


def test_a_provisional_code_corrected_in_review_moves_the_dossier(services: Services) -> None:
    """GIVEN a dossier assembled under a code two readings agreed on (in review) WHEN the
    reviewer corrects the receipt's code THEN the receipt and its form move to the corrected
    dossier and the provisional one, named by no record, is gone."""
    receipt, form, _ = stack_of(services, CODE_A, RECEIPT_FIELDS)
    assert services.dossiers.get(CODE_A) is not None

    outcome = apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": CODE_B})

    assert outcome.document.dossier_code == CODE_B and outcome.record.dossier_code == CODE_B
    assert filed_under(services, form.id) == (CODE_B, CODE_B)
    assert services.dossiers.get(CODE_A) is None
    assert services.dossiers.get(CODE_B).receipt_id == receipt.id


def test_a_receipt_code_confirmed_in_review_moves_nothing(services: Services) -> None:
    receipt, form, _ = stack_of(services, CODE_A, RECEIPT_FIELDS)

    apply_review(services, receipt.id, "lan", PHONE_FIXED)

    assert filed_under(services, receipt.id)[0] == CODE_A
    assert filed_under(services, form.id)[0] == CODE_A
    assert services.dossiers.get(CODE_A).receipt_id == receipt.id


def test_a_confirmed_provisional_code_answers_its_documents_doubt(services: Services) -> None:
    """GIVEN a dossier assembled under a code two readings agreed on, its form in review only
    for that code WHEN the reviewer confirms the receipt's code THEN the form is digitized
    (its doubt answered, audited under the reviewer's name), its JSON says so, and the
    dossier, receipt verified and form digitized, is digitized."""
    doubt = provisional_follower_doubt(CODE_A)
    receipt, form, _ = stack_of(services, CODE_A, RECEIPT_FIELDS, form_reasons=[doubt])
    assert not services.dossiers.get(CODE_A).digitized

    outcome = apply_review(services, receipt.id, "lan", PHONE_FIXED)

    assert outcome.answered == (form.id,)
    form_now = services.repository.require(form.id)
    assert form_now.status is Status.DIGITIZED and form_now.review_reasons == []
    assert stored_json(services, form_now)["status"] == "digitized"
    assert stored_json(services, form_now)["review_reasons"] == []
    assert trail(services, form.id) == [("status", "needs_review", "digitized"),
                                        ("review_reasons", [doubt], [])]
    rows = ReviewRepository(services.repository.engine).entries_for(form.id)
    assert {row.reviewer for row in rows} == {"lan"} and receipt.id in (rows[0].note or "")
    assert services.dossiers.get(CODE_A).digitized


def test_a_corrected_provisional_code_keeps_its_documents_other_doubts(
        services: Services) -> None:
    """GIVEN the form after a provisional receipt in review for that code and for a field
    WHEN the reviewer corrects the receipt's code THEN the form moves with it, still in
    review, for the field only (its JSON too)."""
    doubt, other = provisional_follower_doubt(CODE_A), "child_dob: not found"
    receipt, form, _ = stack_of(services, CODE_A, RECEIPT_FIELDS, form_reasons=[doubt, other])

    outcome = apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": CODE_B})

    assert outcome.answered == ()
    form_now = services.repository.require(form.id)
    assert form_now.status is Status.NEEDS_REVIEW and form_now.review_reasons == [other]
    assert form_now.dossier_code == CODE_B
    assert stored_json(services, form_now)["review_reasons"] == [other]
    assert trail(services, form.id) == []


def test_a_document_verified_first_is_not_made_digitized(services: Services) -> None:
    """GIVEN the form after a provisional receipt, verified by another reviewer first WHEN
    the receipt is reviewed THEN the form stays verified, its JSON too, and files with the
    receipt's dossier."""
    doubt = provisional_follower_doubt(CODE_A)
    receipt, form, _ = stack_of(services, CODE_A, RECEIPT_FIELDS, form_reasons=[doubt])
    apply_review(services, form.id, "minh", {}, doc_type="unknown")

    apply_review(services, receipt.id, "lan", {**PHONE_FIXED, "dossier_code": CODE_B})

    form_now = services.repository.require(form.id)
    assert form_now.status is Status.VERIFIED and form_now.dossier_code == CODE_B
    assert stored_json(services, form_now)["status"] == "verified"
