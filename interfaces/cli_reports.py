"""Commands for downstream access: `sohoa export`, `sohoa report` and `sohoa api`.

Registered on the main app by ``app.add_typer(reports_app)`` (no name: the commands join the
top level). Store and configuration failures end a command with one line on stderr, exit 2.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.table import Table

from interfaces.boundary import exits_on_failure, open_services
from interfaces.console import output_console
from schemas.errors import ConfigurationError
from schemas.status import DigitizationStatus

reports_app = typer.Typer(help="Export records, report digitization rates, serve the read API.")
console = output_console()
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class Grouping(StrEnum):
    """What a report's rows are."""

    unit = "unit"
    station = "station"
    day = "day"


SinceOption = Annotated[datetime | None, typer.Option(
    formats=DATE_FORMATS, help="only records created at or after this local date/time")]


def local_moment(moment: datetime | None) -> datetime | None:
    """A date typed at the command line means the operator's local time, not UTC."""
    return moment.astimezone() if moment is not None else None


def local_utc_offset() -> timedelta:
    """This machine's offset from UTC, so that report days are the offices' days."""
    return datetime.now().astimezone().utcoffset() or timedelta(0)


@contextlib.contextmanager
def output_stream(out: Path | None) -> Iterator[TextIO]:
    """stdout, or ``out`` written under a temporary name and renamed once complete, so a
    failed export never leaves a file that looks finished."""
    if out is None:
        yield sys.stdout
        return
    temporary = out.with_name(f".{out.name}.partial")
    try:
        with temporary.open("w", encoding="utf-8", newline="\n") as stream:
            yield stream
        temporary.replace(out)
    finally:
        temporary.unlink(missing_ok=True)


@reports_app.command("export")
def export_command(
    since: SinceOption = None,
    status: Annotated[list[DigitizationStatus] | None, typer.Option(
        help="only records in this status (repeat for several)")] = None,
    unit: Annotated[list[str] | None, typer.Option(
        help="only records of this unit (repeat for several)")] = None,
    out: Annotated[Path | None, typer.Option(help="JSON Lines file; stdout by default")] = None,
    dossiers: Annotated[bool, typer.Option(
        "--dossiers", help="one dossier document per line instead (contract §6)")] = False,
) -> None:
    """Write one extracted-JSON document per record as JSON Lines, oldest first (or one
    dossier document per dossier, by code, with --dossiers)."""
    from office.export import export_dossiers, export_records

    with exits_on_failure("export"), output_stream(out) as stream:
        services = open_services()
        if dossiers:
            count = export_dossiers(services, stream, units=unit or [])
        else:
            count = export_records(services.repository, services.store, stream,
                                   since=local_moment(since),
                                   statuses=[s.value for s in status or []], units=unit or [])
    what = "dossiers" if dossiers else "records"
    typer.echo(f"exported {count} {what}" + (f" to {out}" if out else ""), err=True)


@reports_app.command("people")
def people_command(
    id_number: Annotated[str, typer.Argument(help="CCCD (12 digits) or CMND (9 digits)")],
) -> None:
    """List a person's digitized papers: every record and dossier naming the ID number,
    newest first (contract §7), so that nothing is asked for twice."""
    from office.dossiers import papers_of

    with exits_on_failure("look up the person"):
        if not re.fullmatch(r"\d{9}|\d{12}", id_number):
            raise ConfigurationError(f"{id_number[:20]!r} is no ID number (9 or 12 digits)")
        papers = papers_of(open_services(), id_number)
    table = Table(title=f"Papers naming {id_number}", caption=None if papers.records
                  else "none digitized")
    for column in ("created", "record", "type", "status", "dossier", "file"):
        table.add_column(column, overflow="fold")
    for record in papers.records:
        table.add_row(f"{record.created_at:%Y-%m-%d}", record.id, record.doc_type or "",
                      record.status.value, record.dossier_code or "", record.filename)
    console.print(table)
    for dossier in papers.dossiers:
        console.print(f"dossier {dossier.code}: {dossier.procedure or '(no receipt yet)'}, "
                      f"{'digitized' if dossier.digitized else 'not digitized'}"
                      f"{', electronic result' if dossier.has_electronic_result else ''}")


@reports_app.command("report")
def report_command(
    by: Annotated[Grouping, typer.Option(help="one row per unit, station or day")] = Grouping.unit,
    since: SinceOption = None,
    csv: Annotated[Path | None, typer.Option(help="also write the rows to this CSV file")] = None,
    chart: Annotated[Path | None, typer.Option(help="also draw a PNG bar chart here")] = None,
) -> None:
    """Print digitization rates: files ((digitized + verified) / (records − duplicates)),
    dossiers digitized and dossiers with an electronic result (over dossiers received)."""
    from office.report import digitization_report, render_table, write_chart, write_csv

    with exits_on_failure("report"):
        services = open_services()
        rows = digitization_report(services.repository, by.value, local_moment(since),
                                   utc_offset=local_utc_offset(), dossiers=services.dossiers)
    console.print(render_table(rows, title=f"Digitization by {by.value}"))
    if csv is not None:
        write_csv(rows, csv)
    if chart is not None:
        write_chart(rows, chart, title=f"Digitization rate by {by.value}")


@reports_app.command("api")
def api_command(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port")] = 8000,
) -> None:
    """Serve the read-only HTTP API (needs SOHOA_API_TOKEN) and the review page at /review
    (operators from the settings log in there)."""
    import uvicorn

    from interfaces.api import create_app

    with exits_on_failure("start the API"):
        app = create_app(open_services())
    uvicorn.run(app, host=host, port=port)
