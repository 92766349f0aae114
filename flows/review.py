"""The `review-record` flow: it waits in the Prefect UI for a person's answer on a record —
a form prefilled with the extracted fields, the reasons above it — and hands the answer to
:func:`office.verification.apply_review` (as `sohoa review` does at the terminal).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from uuid import UUID

from prefect import flow, get_run_logger
from prefect.context import FlowRunContext
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input import RunInput
from pydantic import ConfigDict, Field, create_model

from flows.artifacts import review_link
from flows.publishing import follow_review
from office.services import active_services
from office.verification import (
    UNKNOWN_TYPE,
    InvalidCorrectionError,
    ReviewError,
    ReviewOutcome,
    apply_review,
    check_reviewable,
    definition_for,
    format_hint,
)
from pipeline.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.values import Value
from schemas.errors import ConfigurationError
from schemas.record import DossierRecord
from schemas.review import shown_value
from schemas.status import DigitizationStatus as Status

FORM_FIELDS = ("reviewer", "note")  # the form's own inputs, next to the document's fields
DEFAULT_TIMEOUT_SECONDS = 7 * 24 * 3600  # a review may wait over a long weekend
POLL_SECONDS = 5  # how often a paused (not suspended) run asks whether it was resumed
MAX_ANSWERS = 10  # rejected answers before the run gives up (a new run can start over)


# -- the review-record flow --------------------------------------------------------------------


@flow(name="review-record", log_prints=False)
def review_record(record_id: str, timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS) -> str:
    """Wait for a person to confirm or correct a record in the Prefect UI, then verify it.

    Idempotent: a record already verified ends the run at once. Run from a deployment, the
    run is suspended while it waits (no worker is held) and starts again from the top when
    resumed; each wait has a fixed key, so the answers already given are handed back in
    order and the same outcome follows. A rejected answer (a bad value) asks again, with
    the reason at the top of the form. Returns the record's status.
    """
    services = active_services()
    logger = get_run_logger()
    record = services.repository.require(record_id)
    if record.status is Status.VERIFIED:
        logger.info("record %s is already verified; nothing to review", record_id)
        return record.status.value
    check_reviewable(record)
    definition = definition_for(services, record.doc_type or UNKNOWN_TYPE)
    problem: str | None = None
    for attempt in range(1, MAX_ANSWERS + 1):
        answer = wait_for_answer(
            review_form(record, definition, problem, services.settings.public_api_url),
            f"review-{attempt}", timeout_seconds)
        run_id = current_flow_run_id()
        try:
            outcome = apply_review(services, record_id, answer.reviewer, answer_fields(answer),
                                   note=answer.note or None, flow_run_id=run_id)
        except InvalidCorrectionError as error:
            logger.warning("answer %d not applied: %s", attempt, error.message)
            problem = error.message
            continue
        logger.info("record %s verified by %s", record_id, outcome.entries[0].reviewer)
        publish_review_artifact(outcome)
        follow = follow_review(services, outcome, "in the Prefect UI",
                               UUID(run_id) if run_id else None)
        for line in follow.done:
            logger.info("%s", line)
        if follow.problem:
            logger.error("%s", follow.problem)
        return outcome.record.status.value
    raise ReviewError(f"{MAX_ANSWERS} answers were not acceptable; start a new review of "
                      f"record {record_id}")


def wait_for_answer(form: type[RunInput], key: str, timeout_seconds: int) -> Any:
    """Block until a person submits ``form``; the submitted form."""
    context = FlowRunContext.get()
    if context is not None and context.flow_run and context.flow_run.deployment_id:
        # A worker's run is suspended: nothing waits in a process for days; on resume the
        # run starts over and this key returns the answer instead of suspending again.
        return suspend_flow_run(wait_for_input=form, timeout=timeout_seconds, key=key)
    # Without a deployment nothing could start the run again: it waits in this process.
    return pause_flow_run(wait_for_input=form, timeout=timeout_seconds,
                          poll_interval=POLL_SECONDS, key=key)


def current_flow_run_id() -> str | None:
    """The running flow run's id, kept in the audit trail."""
    context = FlowRunContext.get()
    return str(context.flow_run.id) if context is not None and context.flow_run else None


def answer_fields(answer: Any) -> dict[str, Value | None]:
    """The document fields of a submitted form (everything but reviewer and note)."""
    return {key: value for key, value in answer.model_dump().items() if key not in FORM_FIELDS}


class ReviewForm(RunInput):
    """The base of every review form: the fields a record's type requires are required in
    the form's JSON schema too, prefilled or not, so that the UI marks none of them
    «(Optional)» and the server refuses an answer without them."""

    model_config = ConfigDict(json_schema_extra=lambda schema, model: mark_required(
        schema, getattr(model, "required_inputs", ())))
    required_inputs: ClassVar[tuple[str, ...]] = ()


def mark_required(schema: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Add ``keys`` to the schema's required properties (pydantic leaves out any field
    that has a default, and a prefilled field has one)."""
    required = schema.setdefault("required", [])
    required += [key for key in keys if key not in required]


def review_form(record: DossierRecord, definition: DocTypeDefinition | None,
                problem: str | None = None, api_url: str | None = None) -> type[RunInput]:
    """The form the UI shows: the reviewer's name first, with why the record needs review
    and what to do in its help (Prefect's UI shows a field's help; the form's markdown
    description has rendered at zero height); then the type's fields prefilled with the
    values as read, each with the reasons that name it; then a note.

    No ``str | None`` inputs (the UI shows them as type toggles): a text field left empty
    clears it, an optional whole number is digits or nothing."""
    fdefs = definition.fields if definition else []
    inputs: dict[str, Any] = {"reviewer": (str, Field(
        min_length=1, max_length=200, title="Reviewer (your name)",
        description=reviewer_help(record, problem, api_url),
        json_schema_extra={"position": 0}))}
    for position, fdef in enumerate(fdefs, start=1):
        if fdef.key in FORM_FIELDS or hasattr(RunInput, fdef.key):
            raise ConfigurationError(f"document type {definition.id}: field key {fdef.key!r} "
                                     "cannot be a review form input; rename the field")
        inputs[fdef.key] = form_input(fdef, record, position)
    inputs["note"] = (str, Field(
        default="", max_length=1000, title="Note",
        description="A remark kept with the review (optional)",
        json_schema_extra={"position": len(fdefs) + 1}))
    form = create_model("ReviewAnswer", __base__=ReviewForm, __doc__=form_description(
        record, problem, api_url), **inputs)
    form.required_inputs = tuple(f.key for f in fdefs if f.required)
    form._description = form_description(record, problem, api_url)
    return form


def form_input(fdef: FieldDefinition, record: DossierRecord, position: int) -> tuple[Any, Any]:
    """One document field's input: its annotation and pydantic Field."""
    read = record.fields.get(fdef.key)
    value = read["value"] if read else None
    extra = {"position": position}
    title = f"{fdef.label} ({fdef.key})"
    help_text = field_help(fdef, read, record.review_reasons)
    if fdef.type == "integer" and fdef.required:
        return int, Field(default=value if value is not None else ..., title=title,
                          description=help_text, json_schema_extra=extra)
    pattern = r"^\s*[0-9]*\s*$" if fdef.type == "integer" else None
    # A required field left empty is refused by the form itself, before apply_review.
    return str, Field(default="" if value is None else str(value), title=title,
                      description=help_text, pattern=pattern,
                      min_length=1 if fdef.required else None, json_schema_extra=extra)


def reviewer_help(record: DossierRecord, problem: str | None, api_url: str | None) -> str:
    """The first help on the form: what went wrong last time, why the record needs review,
    where to see the scan, and what to do."""
    parts = []
    if problem:
        parts.append(f"YOUR LAST ANSWER WAS NOT APPLIED: {problem}.")
    if record.review_reasons:
        parts.append("Needs review because: " + "; ".join(record.review_reasons) + ".")
    if (page := review_link(api_url, record.id)) is not None:
        parts.append(f"The scan beside its fields: {page}")
    parts.append("Correct what is wrong, empty what the document does not carry, write your "
                 "name here (kept in the audit trail) and submit.")
    return " ".join(parts)


def field_help(fdef: FieldDefinition, read: Mapping[str, Any] | None,
               reasons: Sequence[str] = ()) -> str:
    """A form field's help: the expected form, how sure extraction was, and the review
    reasons that name the field."""
    parts = [format_hint(fdef)]
    if read is None:
        parts.append("not found on the scan")
    else:
        validity = "" if read.get("valid", True) else ", NOT VALID"
        parts.append(f"read with confidence {read.get('confidence', 0):.2f}{validity}")
    named = f"field {fdef.key} ("
    parts += [f"⚠ {reason}" for reason in reasons if named in reason]
    return " · ".join(parts)


def form_description(record: DossierRecord, problem: str | None,
                     api_url: str | None = None) -> str:
    """Markdown above the form: the record, why it needs review, what to do."""
    lines = [f"**Record** `{record.id}` · **file** {_cell(record.filename)} · "
             f"**type** `{record.doc_type or UNKNOWN_TYPE}` · **status** "
             f"`{record.status.value}`", ""]
    if problem:
        lines += [f"**Your last answer was not applied:** {_cell(problem)}", ""]
    if record.review_reasons:
        lines += ["**Needs review because:**", ""]
        lines += [f"- {_cell(reason)}" for reason in record.review_reasons]
        lines.append("")
    if (page := review_link(api_url, record.id)) is not None:
        lines += [f"[The scan beside its fields]({page})", ""]
    lines.append("Correct what is wrong, clear what the document does not carry, give your "
                 "name and submit: the record becomes *verified*. A wrong document type is "
                 f"set with `sohoa review {record.id} --doc-type TYPE`.")
    return "\n".join(lines)


def publish_review_artifact(outcome: ReviewOutcome) -> UUID:
    """A markdown artifact of the review (who, when, old → new) on the flow run."""
    from prefect.artifacts import create_markdown_artifact

    record_key = re.sub(r"[^a-z0-9-]", "-", outcome.record.id.lower())
    return create_markdown_artifact(
        markdown=review_markdown(outcome), key=f"review-{record_key}",
        description=f"review of {outcome.record.filename}")


def review_markdown(outcome: ReviewOutcome) -> str:
    """Who verified the record, when, and each change as old → new."""
    first = outcome.entries[0]
    lines = [f"## Review of {_cell(outcome.record.filename)}", "",
             f"**Verified by** {_cell(first.reviewer)} at "
             f"{first.reviewed_at:%Y-%m-%d %H:%M:%S} UTC · **record** `{outcome.record.id}`",
             ""]
    if first.note:
        lines += [f"**Note:** {_cell(first.note)}", ""]
    lines += ["| what | was | now |", "|---|---|---|"]
    lines += [f"| {entry.target} | {shown_value(entry.old_value, '<br>', _cell)} | "
              f"{shown_value(entry.new_value, '<br>', _cell)} |"
              for entry in outcome.entries]
    return "\n".join(lines)


def _cell(text: object) -> str:
    """Text safe inside a markdown table cell or line."""
    return str(text).replace("|", "\\|").replace("\n", " ")
