"""`sohoa review RECORD_ID`: confirm or correct a record's fields at the terminal.

Registered on the main app by ``app.add_typer(review_app)`` (no name: the command joins the
top level). It shows the record, the reasons it needs review and its fields, then:

- with ``--set KEY=VALUE`` (repeatable; ``KEY=`` clears the field) applies those corrections;
- with ``--yes`` and no ``--set`` confirms the fields as they were read;
- with neither, at a terminal, asks for each field (Enter keeps the value, ``-`` clears it)
  and asks for confirmation before verifying.

The record becomes ``verified`` through :func:`flows.review.apply_review`, as from the UI.
Errors (a bad value, a record that cannot be reviewed, a store down) end the command with one
line on standard error and exit 2.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from interfaces.boundary import exits_on_failure, fail, open_services
from interfaces.console import output_console
from office.services import Services
from office.verification import (
    InvalidCorrectionError,
    ReviewOutcome,
    apply_review,
    check_reviewable,
    correction_value,
    definition_for,
)
from pipeline.doctypes import DocTypeDefinition, FieldDefinition
from pipeline.values import Value
from schemas.errors import ExitCode
from schemas.record import DossierRecord
from schemas.review import shown_value
from schemas.status import DigitizationStatus as Status
from storage.reviews import ReviewRepository

review_app = typer.Typer(help="Review records that need a person's eye.")
console = output_console()
errors = Console(stderr=True, soft_wrap=True)
CLEAR = "-"  # typed at a prompt: the document does not carry this field


def stdin_is_terminal() -> bool:
    """Whether a person can answer prompts (tests replace this)."""
    return sys.stdin.isatty()


def default_reviewer() -> str | None:
    """The operating-system user, when the system can say who that is."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry (some containers)
        return None


@review_app.command("review")
def review_command(
    record_id: Annotated[str, typer.Argument(help="the record's id")],
    set_values: Annotated[list[str] | None, typer.Option(
        "--set", metavar="KEY=VALUE",
        help="correct a field (repeat for several); KEY= clears it")] = None,
    doc_type: Annotated[str | None, typer.Option(
        help="set another document type (fields it does not have are dropped)")] = None,
    reviewer: Annotated[str | None, typer.Option(
        help="who reviews (default: the operating-system user)")] = None,
    note: Annotated[str | None, typer.Option(help="a remark kept with the review")] = None,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="verify without asking (with no --set: the fields as read)")] = False,
) -> None:
    """Show a record's fields and why it needs review, then verify it with corrections."""
    name = reviewer or default_reviewer()
    if not name:
        fail("sohoa cannot review: cannot tell who you are; give --reviewer NAME")
    with exits_on_failure("review"):
        services = open_services()
        record = services.repository.require(record_id)
        if record.status is Status.VERIFIED:
            show_verified(services, record)
            return
        check_reviewable(record)
        definition = definition_for(services, doc_type or record.doc_type or "unknown")
        show_record(record, definition)
        corrections = parsed_corrections(set_values or [])
        if not corrections and not yes:
            corrections = asked_corrections(record, definition)
        outcome = apply_review(services, record_id, name, corrections, doc_type=doc_type,
                               note=note)
    show_outcome(outcome)
    follow_in_prefect(services, outcome)


def follow_in_prefect(services: Services, outcome: ReviewOutcome) -> None:
    """Update the record's artifact, its run's tags and the report in Prefect, and close
    the review waiting there, when a Prefect server is there to ask (flows/publishing.py).
    The record is verified whatever happens here."""
    from flows.publishing import follow_review

    follow = follow_review(services, outcome, "with `sohoa review`")
    for line in follow.done:
        console.print(line, soft_wrap=True)
    if follow.problem:
        errors.print(f"[yellow]{escape(follow.problem)}[/yellow]", soft_wrap=True)


def parsed_corrections(assignments: list[str]) -> dict[str, Value | None]:
    """``KEY=VALUE`` options as corrections (an empty value clears the field)."""
    corrections: dict[str, Value | None] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            fail(f"sohoa cannot review: --set {assignment!r} is not KEY=VALUE")
        corrections[key.strip()] = value.strip() or None
    return corrections


def asked_corrections(record: DossierRecord,
                      definition: DocTypeDefinition | None) -> dict[str, Value | None]:
    """Ask for each field at the terminal; only what the person changed is returned.

    Exits 2 when no one can answer (stdin is not a terminal), 1 when the person declines.
    """
    if not stdin_is_terminal():
        fail("sohoa cannot review: nothing to apply; give --set KEY=VALUE, or --yes to "
             "confirm the fields as read (stdin is not a terminal, so no questions)")
    console.print(f"Enter keeps a value, [bold]{CLEAR}[/bold] clears it.")
    corrections: dict[str, Value | None] = {}
    for fdef in definition.fields if definition else []:
        read = record.fields.get(fdef.key)
        current = "" if read is None else str(read["value"])
        answer = ask_field(fdef, current, tuple(definition.surnames))
        if answer != (read["value"] if read else None):
            corrections[fdef.key] = answer
    if not typer.confirm(f"Verify record {record.id} with {len(corrections)} change(s)?",
                         default=True):
        typer.echo("not verified; nothing was changed", err=True)
        raise typer.Exit(ExitCode.INCOMPLETE)
    return corrections


def ask_field(fdef: FieldDefinition, current: str, surnames: tuple[str, ...]) -> Value | None:
    """One field's value from the person, asked again until it is acceptable."""
    while True:
        typed = typer.prompt(f"{fdef.key} «{fdef.label}»", default=current,
                             show_default=bool(current))
        if typed.strip() == CLEAR:
            return None
        try:
            return correction_value(fdef, typed, surnames)
        except InvalidCorrectionError as error:
            console.print(f"[red]{escape(error.reason)}[/red]")


def show_record(record: DossierRecord, definition: DocTypeDefinition | None) -> None:
    """The record, why it needs review, and its fields as read."""
    console.print(f"[bold]{escape(record.filename)}[/bold]  record {record.id}  type "
                  f"{record.doc_type or 'unknown'}  status {record.status.value}")
    for reason in record.review_reasons:
        console.print(f"  [yellow]•[/yellow] {escape(reason)}")
    table = Table(title="Fields as read")
    for column in ("field", "label", "value", "confidence", "valid"):
        table.add_column(column, overflow="fold")
    for fdef in definition.fields if definition else []:
        read: dict[str, Any] | None = record.fields.get(fdef.key)
        label = fdef.label + (" *" if fdef.required else "")
        if read is None:
            table.add_row(fdef.key, label, "[dim]not found[/dim]", "", "")
        else:
            table.add_row(fdef.key, escape(label), escape(str(read["value"])),
                          f"{read['confidence']:.2f}",
                          "yes" if read["valid"] else "[red]no[/red]")
    console.print(table)


def show_outcome(outcome: ReviewOutcome) -> None:
    """What the review changed, old → new."""
    reviewer = escape(outcome.entries[0].reviewer)
    table = Table(title=f"Record {outcome.record.id} verified by {reviewer}")
    for column in ("what", "was", "now"):
        table.add_column(column, overflow="fold")
    for entry in outcome.entries:
        table.add_row(entry.target, escape(shown_value(entry.old_value)),
                      escape(shown_value(entry.new_value)))
    console.print(table)


def show_verified(services: Services, record: DossierRecord) -> None:
    """A verified record is not reviewed again: say who verified it and when."""
    last = ReviewRepository(services.repository.engine).last_review(record.id)
    by = f" by {last[0].reviewer} at {last[0].reviewed_at:%Y-%m-%d %H:%M} UTC" if last else ""
    console.print(f"record {record.id} is already verified{escape(by)}; nothing to do")


