"""The `review-record` flow: it waits in the Prefect UI for a person's answer on a record —
a form prefilled with the extracted fields, the reasons above it — and hands the answer to
:func:`office.verification.apply_review` (as `sohoa review` does at the terminal).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from prefect import flow, get_run_logger
from prefect.context import FlowRunContext
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input import RunInput
from pydantic import Field, create_model

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
        answer = wait_for_answer(review_form(record, definition, problem),
                                 f"review-{attempt}", timeout_seconds)
        try:
            outcome = apply_review(services, record_id, answer.reviewer, answer_fields(answer),
                                   note=answer.note, flow_run_id=current_flow_run_id())
        except InvalidCorrectionError as error:
            logger.warning("answer %d not applied: %s", attempt, error.message)
            problem = error.message
            continue
        logger.info("record %s verified by %s", record_id, outcome.entries[0].reviewer)
        publish_review_artifact(outcome)
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


def review_form(record: DossierRecord, definition: DocTypeDefinition | None,
                problem: str | None = None) -> type[RunInput]:
    """The form the UI shows: the type's fields prefilled with the values as read, the
    reviewer's name (required) and a note; the reasons and any problem with the last
    answer as its description."""
    fdefs = definition.fields if definition else []
    inputs: dict[str, Any] = {"reviewer": (str, Field(
        min_length=1, max_length=200, title="Reviewer",
        description="Your name, kept in the record's audit trail",
        json_schema_extra={"position": 0}))}
    for position, fdef in enumerate(fdefs, start=1):
        if fdef.key in FORM_FIELDS or hasattr(RunInput, fdef.key):
            raise ConfigurationError(f"document type {definition.id}: field key {fdef.key!r} "
                                     "cannot be a review form input; rename the field")
        read = record.fields.get(fdef.key)
        annotation: Any = int | None if fdef.type == "integer" else str | None
        inputs[fdef.key] = (annotation, Field(
            default=read["value"] if read else None, title=f"{fdef.labels[0]} ({fdef.key})",
            description=field_help(fdef, read), json_schema_extra={"position": position}))
    inputs["note"] = (str | None, Field(
        default=None, max_length=1000, title="Note",
        description="Optional remark kept with the review",
        json_schema_extra={"position": len(fdefs) + 1}))
    form = create_model("ReviewAnswer", __base__=RunInput, **inputs)
    form._description = form_description(record, problem)
    return form


def field_help(fdef: FieldDefinition, read: Mapping[str, Any] | None) -> str:
    """A form field's description: the expected form and how sure extraction was."""
    parts = [("required; " if fdef.required else "") + format_hint(fdef)]
    if read is None:
        parts.append("not found on the scan")
    else:
        validity = "" if read.get("valid", True) else ", NOT VALID"
        parts.append(f"read with confidence {read.get('confidence', 0):.2f}{validity}")
    return " · ".join(parts)


def form_description(record: DossierRecord, problem: str | None) -> str:
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
