"""The `sohoa` command line."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from config.settings import Settings
from flows.local_server import (
    auth_file,
    connect_prefect,
    running_server,
    start_server,
    stop_server,
    ui_url,
)
from interfaces.boundary import exits_on_failure, open_services
from interfaces.cli_db import db_app
from interfaces.cli_operators import operator_app
from interfaces.cli_reports import reports_app
from interfaces.cli_review import review_app
from interfaces.cli_search import search_app
from interfaces.console import output_console
from interfaces.startup import loading_modules
from office.inputs import collect_inputs
from office.services import Services, pipeline_version
from pipeline.ocr import OcrOptions, check_languages, preload_models
from schemas.codes import is_dossier_code
from schemas.document import DossierDocument
from schemas.errors import ConfigurationError, ExitCode

app = typer.Typer(help="sohoa: digitize scanned dossiers into searchable, structured records.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(reports_app)  # export, report, api: top-level commands
app.add_typer(db_app, name="db")
app.add_typer(review_app)  # review: a top-level command
app.add_typer(operator_app, name="operator")
app.add_typer(search_app)  # search, reindex: top-level commands
console = output_console()
errors = Console(stderr=True, soft_wrap=True)


# Prefect's override of its logging.yml «handlers.console.level» (the terminal only).
CONSOLE_LOG_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"


def load_services() -> Services:
    """Read the settings once and check that everything a run needs answers (a bad setting
    raises pydantic's ValueError, which the boundary reports as bad configuration)."""
    services = open_services()
    check_languages(services.settings.ocr.languages, services.settings.ocr.tesseract_cmd)
    services.store.check()
    services.repository  # noqa: B018 - opening it checks the database and creates tables
    return services


def print_version(wanted: bool) -> None:
    if wanted:
        console.print(pipeline_version())
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="show Prefect's logs")] = False,
    _version: Annotated[bool, typer.Option("--version", callback=print_version, is_eager=True,
                                           help="print sohoa's version and exit")] = False,
) -> None:
    """Set how chatty Prefect is; the progress bar and summary say what matters."""
    if not verbose:
        # Only the terminal is spared Prefect's info lines: the runs' logs still reach the
        # Prefect UI. Set before Prefect is imported, which configures its logging once.
        os.environ.setdefault(CONSOLE_LOG_LEVEL, "WARNING")


@app.command()
def process(
    paths: Annotated[list[Path], typer.Argument(help="files and folders (searched recursively)")],
    json_out: Annotated[Path | None, typer.Option(help="also write <name>.json here")] = None,
    station: Annotated[str | None, typer.Option(help="station the files come from")] = None,
    dossier: Annotated[str | None, typer.Option(
        help="dossier code for documents that give none themselves (no cover sheet, receipt "
             "or dossier folder)")] = None,
) -> None:
    """Digitize scans: every input file ends as a record per document, with a status."""
    with exits_on_failure("run"):
        if dossier is not None and not is_dossier_code(dossier):
            raise ConfigurationError(f"--dossier {dossier[:40]!r} is no dossier code (like "
                                     "000.00.21.H27-241128-0001)")
        services = load_services()
        inputs = collect_inputs(paths)
        api_url = connect_prefect(services.settings, while_starting=load_run_modules)
    if api_url:
        console.print(f"[dim]flow runs: {ui_url(api_url)}[/dim]")
    if not inputs:
        errors.print("sohoa: no files found in the paths given")
        raise typer.Exit(ExitCode.OK)
    documents = run_batch(services, inputs, station, json_out, dossier)
    print_summary(documents, inputs)
    if files_recorded(documents) < len(inputs):
        raise typer.Exit(ExitCode.INCOMPLETE)


def load_run_modules() -> None:
    """Import what a batch run needs (Prefect, the flows, OpenCV, Tesseract's bindings:
    ~1.5 CPU s) while the local server starts on the other core, not after it answers."""
    with loading_modules():
        import flows.digitize  # noqa: F401 - imported for its start-up cost
        import office.progress  # noqa: F401


def run_batch(services: Services, inputs: list[Path], station: str | None,
              json_out: Path | None, dossier: str | None = None) -> list[DossierDocument]:
    """Run `digitize-batch` with a progress bar fed by finished records."""
    with loading_modules():
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        from flows.digitize import digitize_batch, with_workers
        from office.progress import listening

    documents: list[DossierDocument] = []
    columns = (TextColumn("[bold]digitizing"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.description}"))
    # Rich redraws the bar 10 times a second from a thread of its own: 1.4 % of a warm run's
    # CPU (py-spy, ~0.025 CPU s a page). Twice a second is enough for a bar counting files,
    # and nothing is redrawn when the output is no terminal (a log, a service).
    with Progress(*columns, console=console, transient=False, refresh_per_second=2,
                  auto_refresh=console.is_terminal) as progress:
        bar = progress.add_task("", total=len(inputs))

        def advance(document: DossierDocument) -> None:
            documents.append(document)
            # The bar counts files: a split file's later documents do not advance it.
            progress.update(bar, advance=1 if document.source.part == 1 else 0,
                            description=document.source.filename)

        preload_ocr(services)
        # Heartbeats let a server notice a worker's run whose process died; a run in the
        # clerk's own process has no use for them, and ending their thread costs up to 1 s.
        no_heartbeats = temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
        with listening(advance), no_heartbeats:
            flow = with_workers(digitize_batch, services.settings.ocr.worker_count())
            flow([str(p) for p in inputs], station=station,
                 json_out=str(json_out) if json_out else None, dossier=dossier)
    return documents


def preload_ocr(services: Services) -> None:
    """Load the OCR models of the run's pages in a thread while the run starts (see
    pipeline.ocr.preload_models): one per OCR slot."""
    ocr = services.settings.ocr
    options = OcrOptions(languages=ocr.languages, tesseract_cmd=ocr.tesseract_cmd,
                         engine=ocr.engine)
    threading.Thread(target=preload_models, args=(options, ocr.worker_count()),
                     name="ocr-preload", daemon=True).start()


def files_recorded(documents: list[DossierDocument]) -> int:
    """How many input files the documents come from (a split file's first document counts
    it)."""
    return sum(1 for document in documents if document.source.part == 1)


def shown_name(document: DossierDocument) -> str:
    """The file's name, with the document's part and its pages when the file was split."""
    source = document.source
    if source.parts == 1:
        return source.filename
    pages = f", p. {source.pages[0]}–{source.pages[1]}" if source.pages else ""
    return f"{source.filename} ({source.part}/{source.parts}{pages})"


def note_of(document: DossierDocument) -> str:
    """One line on why a record is not simply digitized (the JSON has every reason)."""
    if document.duplicate_of:
        return f"same file as record {document.duplicate_of}"
    if document.error:
        return document.error
    reasons = document.review_reasons
    if not reasons:
        return ""
    return reasons[0] + (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else "")


def print_summary(documents: list[DossierDocument], inputs: list[Path]) -> None:
    """A table per file (for small batches) and a count per status."""
    if len(documents) <= 50:
        table = Table(title="Records", show_lines=False)
        for column in ("file", "status", "type", "pages"):
            table.add_column(column, no_wrap=True)
        table.add_column("note", overflow="fold", ratio=1)
        for document in sorted(documents, key=lambda d: (d.source.filename, d.source.part)):
            table.add_row(shown_name(document), document.status.value, document.doc_type,
                          str(len(document.pages)), note_of(document))
        console.print(table)
    counts: dict[str, int] = {}
    for document in documents:
        counts[document.status.value] = counts.get(document.status.value, 0) + 1
    summary = Table(title=f"{files_recorded(documents)} of {len(inputs)} files recorded"
                          f" as {len(documents)} records")
    summary.add_column("status")
    summary.add_column("records", justify="right")
    for status, count in sorted(counts.items()):
        summary.add_row(status, str(count))
    console.print(summary)


def connect_to_server(services: Services) -> str:
    """The Prefect API the watcher and workers share; they cannot work on an ephemeral one."""
    api_url = connect_prefect(services.settings)
    if api_url is None:
        raise ConfigurationError("watching and workers need a Prefect server: set PREFECT_API_URL, "
                        "or SOHOA_PREFECT_API=local-server")
    return api_url


def log_to_console() -> None:
    """The watcher and worker tell the operator what they do, one line per event.

    On a terminal, rich's columns; written to a file or a journal, plain lines: rich wraps a
    long message over several lines at 80 columns there, and a grep for a file's name or
    reason then misses it."""
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(console=errors, show_path=False,
                                               rich_tracebacks=False)
        form = "%(message)s"
    else:
        handler, form = logging.StreamHandler(), "%(asctime)s %(levelname)s %(message)s"
    logging.basicConfig(level=logging.WARNING, format=form, handlers=[handler])
    logging.getLogger("sohoa").setLevel(logging.INFO)


@app.command()
def watch() -> None:
    """Watch the configured station folders and submit every new scan to the workers."""
    with exits_on_failure("watch"):
        services = load_services()
        if not services.settings.stations:
            raise ConfigurationError("no stations configured: set SOHOA_STATIONS or [[stations]] "
                                     "in the configuration file (name, folder, unit)")
        api_url = connect_to_server(services)
    # Imported once PREFECT_API_URL is set: Prefect reads its settings when first imported.
    with loading_modules():
        from flows.deployments import end_dead_runs, rerun_attempt, submit_digitize
        from office.watch import Watcher

    log_to_console()
    for station in services.settings.stations:
        console.print(f"watching {station.folder} (station {station.name}, unit {station.unit})")
    console.print(f"[dim]flow runs: {ui_url(api_url)}[/dim]")
    try:
        Watcher(services, submit_digitize, rerun_attempt, end_dead_runs=end_dead_runs).run()
    except KeyboardInterrupt:
        console.print("stopped watching")


@app.command()
def worker(
    run_once: Annotated[bool, typer.Option(help="take the runs waiting now, then stop")] = False,
) -> None:
    """Run a Prefect worker on sohoa's work pool: it digitizes what the watcher submits."""
    with exits_on_failure("start a worker"):
        services = load_services()
        api_url = connect_to_server(services)
    with loading_modules():
        from flows.worker import run_worker

    log_to_console()
    settings = services.settings
    console.print(f"worker on pool {settings.worker.work_pool}, up to "
                  f"{settings.worker.run_limit()} runs at once; runs: {ui_url(api_url)}")
    try:
        run_worker(settings, run_once=run_once)
    except KeyboardInterrupt:
        console.print("worker stopped")


server_app = typer.Typer(help="The local Prefect server that runs and shows sohoa's flows.")
app.add_typer(server_app, name="server")


@server_app.command("start")
def server_start() -> None:
    """Start the local Prefect server (127.0.0.1) in the background, or find it running."""
    with exits_on_failure("start the Prefect server"):
        state = start_server(open_services().settings)
    console.print(f"Prefect server running: UI {ui_url(state.url)}  (pid {state.pid})")
    console.print(f"[dim]it asks for user and password: {credentials_hint(Settings())}[/dim]")


def credentials_hint(settings: Settings) -> str:
    """Where the local server's «user:password» is, without printing it."""
    if settings.prefect_auth_string is not None:
        return "those of SOHOA_PREFECT_AUTH_STRING"
    return f"«user:password» in {auth_file(settings)} (readable by you only)"


@server_app.command("stop")
def server_stop() -> None:
    """Stop the local Prefect server."""
    with exits_on_failure("stop the Prefect server"):
        stopped = stop_server(open_services().settings)
    console.print("stopped" if stopped else "no local Prefect server was running")


@server_app.command("status")
def server_status() -> None:
    """Say whether the local Prefect server is running, and where."""
    with exits_on_failure("look for the Prefect server"):
        state = running_server(open_services().settings)
    if state is None:
        console.print("no local Prefect server is running")
        raise typer.Exit(ExitCode.INCOMPLETE)
    console.print(f"running: UI {ui_url(state.url)}  API {state.url}  (pid {state.pid})")
